"""Validation that means what it says (issue 16): a value must match as a whole (`fullmatch`, never a
pattern ending in `$`, which lets "abc\n" through) and digits are ASCII digits ("²" and "٣" are digits to
str.isdigit() and float(), never to the catalogue)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from catalogue.cutlist import check_cutlists
from catalogue.pack import PackError, check_name
from catalogue.probecache import probe_cached
from catalogue.sessions import SessionError, parse_session_query
from catalogue.settings import Settings
from catalogue.subtitles import parse_cues
from catalogue.timecode import parse_timecode
from catalogue.errors import TimecodeError, TranscriptError


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


@pytest.mark.parametrize("name", ["clips/a.mp4\n", "index.html\n", "guide.pdf\n"])
def test_a_name_in_a_pack_must_be_safe_as_a_whole(name: str) -> None:
    check_name(name.strip())
    with pytest.raises(PackError):
        check_name(name)


@pytest.mark.parametrize("query", ["t=Les&s=c.eerste~١-٢", "t=Les&s=c.eerste~1-2\n", "t=Les&s=d.².Vraag",
                                   "t=Les&s=d.٣.Vraag", "t=Les&s=d.10\n.Vraag"])
def test_a_session_url_takes_ascii_digits_only(small_catalogue: Callable[..., Path], settings: Settings,
                                               query: str) -> None:
    cutlist = small_catalogue()
    catalogue = check_cutlists([cutlist], lambda p: probe_cached(p, settings.probe_dir)).catalogue()
    parse_session_query("t=Les&s=c.eerste~1-2&s=d.10.Vraag", catalogue)
    with pytest.raises(SessionError):
        parse_session_query(query, catalogue)


def test_a_session_page_with_a_superscript_two_is_a_clear_400(small_catalogue: Callable[..., Path],
                                                              settings: Settings) -> None:
    from catalogue.web.app import create_app

    small_catalogue()
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    for path in ("/sessions/new?t=Les&s=d.%C2%B2.Vraag", "/packs/sessions/new.zip?t=Les&s=d.%C2%B2.Vraag"):
        response = client.get(path)
        assert response.status_code == 400, (path, response.status_code)


@pytest.mark.parametrize("value", ["١٢", "00:00:0١", "00:01:02\n.5", "1\n2"])
def test_a_timecode_has_ascii_digits_and_nothing_after(value: str) -> None:
    with pytest.raises(TimecodeError):
        parse_timecode(value)


@pytest.mark.parametrize("timing", ["00:00:0١.000 --> 00:00:02.000", "00:00:01.000 --> 00:00:0٢.000"])
def test_a_vtt_timing_has_ascii_digits(timing: str) -> None:
    with pytest.raises(TranscriptError):
        parse_cues(f"WEBVTT\n\n{timing}\nTekst\n".encode(), Path("x.vtt"))
