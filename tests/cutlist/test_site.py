"""The site settings file (site.toml): read and checked like a cut list; `catalogue check` warns when the
accessibility statement was last reviewed more than a year ago, and fails on a broken file."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from catalogue.cli import cli
from catalogue.cutlist import VoiceSettings, check_site

GOOD = '''
[organisation]
name = "Odisee, De Link en SAM"
email = "toegankelijkheid@example.org"

[statement]
drawn_up = 2025-01-10
reviewed = "2025-11-20"
review = "third-party"

[voice]
rate = 160
engine = "library"
'''


def test_a_good_file_gives_its_settings(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text(GOOD, encoding="utf-8")
    found = check_site(path, today=datetime.date(2026, 1, 5))
    assert found.errors == [] and found.warnings == []
    site = found.settings
    assert (site.organisation, site.email, site.drawn_up, site.reviewed) == (
        "Odisee, De Link en SAM", "toegankelijkheid@example.org", datetime.date(2025, 1, 10), datetime.date(2025, 11, 20))
    assert site.review_text == "beoordeling door een derde partij"
    assert site.voice == VoiceSettings(rate=160, engine="library")


def test_a_review_more_than_a_year_old_is_a_warning(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text(GOOD, encoding="utf-8")
    (warning,) = check_site(path, today=datetime.date(2026, 11, 21)).warnings
    assert (warning.where, warning.field) == ("[statement]", "reviewed")
    assert "last reviewed on 2025-11-20, more than a year ago" in warning.message


def test_every_problem_is_named_with_its_field(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text('[organisation]\nname = "X"\nemial = "a@b.be"\n[statement]\ndrawn_up = 2026-02-01\n'
                    'reviewed = 2026-01-01\nreview = "zelf"\n[voice]\nrate = 30\n[extra]\n', encoding="utf-8")
    problems = {(p.where, p.field): p.message for p in check_site(path, today=datetime.date(2026, 3, 1)).errors}
    assert set(problems) == {("[extra]", ""), ("[organisation]", "emial"), ("[organisation]", "email"),
                             ("[statement]", "review"), ("[statement]", "reviewed"), ("[voice]", "rate")}
    assert "before the statement was drawn up" in problems[("[statement]", "reviewed")]
    assert problems[("[voice]", "rate")] == "must be a whole number from 80 to 450, not 30"


def test_no_file_is_no_problem(tmp_path: Path):
    found = check_site(tmp_path / "site.toml")
    assert (found.errors, found.warnings, found.settings.found) == ([], [], False)


def test_check_reports_the_site_file(tmp_path: Path, small_catalogue: Callable[..., Path]):
    small_catalogue()
    old = GOOD.replace('reviewed = "2025-11-20"', "reviewed = 2020-01-01").replace("drawn_up = 2025-01-10",
                                                                                   "drawn_up = 2019-01-01")
    (tmp_path / "site.toml").write_text(old, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 0 and "more than a year ago" in result.stderr
    (tmp_path / "site.toml").write_text("[organisation\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 1 and "site.toml: site settings: invalid TOML" in result.stderr
