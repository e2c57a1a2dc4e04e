"""Cut-list values that must match as a whole (issue 16): `fullmatch`, never a pattern ending in `$`,
which lets "abc\n" through; the film's language is a language code like the subtitles' are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.cutlist import check_cutlists
from catalogue.media import probe_cached
from catalogue.settings import Settings


def problems(cutlist: Path, settings: Settings) -> list[str]:
    report = check_cutlists([cutlist], lambda p: probe_cached(p, settings.probe_dir))
    return [f"{p.field}: {p.message}" for p in report.errors]


@pytest.mark.parametrize(("old", "new", "field"), [
    ('id = "eerste"', 'id = "eerste\\n"', "id"),
    ('id = "testfilm"', 'id = "testfilm\\n"', "id"),
    ('language = "nl"', 'language = "nl\\n"', "language"),
    ('themes = ["rekrutering"]', 'themes = ["rekrutering\\n"]', "themes"),
], ids=["clip id", "film id", "language", "theme"])
def test_check_refuses_a_value_that_only_starts_right(small_catalogue: Callable[..., Path], settings: Settings,
                                                      old: str, new: str, field: str) -> None:
    cutlist = small_catalogue()
    assert problems(cutlist, settings) == []
    cutlist.write_text(cutlist.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    assert any(line.startswith(field) for line in problems(cutlist, settings)), problems(cutlist, settings)


def test_a_descriptions_language_must_be_a_code_as_a_whole(small_catalogue: Callable[..., Path],
                                                           settings: Settings) -> None:
    cutlist = small_catalogue()
    (settings.root / "transcripts" / "film.nl.descriptions.vtt").write_text(
        "WEBVTT\n\n00:00:06.500 --> 00:00:06.900\nEen deur.\n", encoding="utf-8")
    text = cutlist.read_text(encoding="utf-8").replace(
        '[film.subtitles]', '[film.descriptions]\n"nl\\n" = "../transcripts/film.nl.descriptions.vtt"\n\n[film.subtitles]')
    cutlist.write_text(text, encoding="utf-8")
    assert any(line.startswith("descriptions.nl") for line in problems(cutlist, settings)), problems(cutlist, settings)
