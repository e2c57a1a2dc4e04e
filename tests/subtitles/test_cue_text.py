"""Text becomes a cue only as WebVTT can hold it: a carriage return in a clip title or a transcript is a line
break there, never a line of its own that ends the cue early; a timing has ASCII digits (issue 16)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.model import Cue
from catalogue.settings import Settings
from catalogue.errors import TranscriptError
from catalogue.subtitles import escape_text, format_vtt, read_cues
from catalogue.subtitles.cues import parse_cues

BREAKS = ["\r", "\r\n", "\r\r", "\r\n\r\n", "\n\r", "\r \r"]


@pytest.mark.parametrize("brk", BREAKS, ids=repr)
def test_format_vtt_reads_back_whatever_the_line_breaks(brk: str) -> None:
    cues = [Cue(0, 1000, f"Eerste{brk}regel", identifier=f"een{brk}twee", settings=f"align:start{brk}line:90%"),
            Cue(1000, 2000, f"{brk}Tweede{brk}")]
    text = format_vtt(cues, header=f"kop{brk}regel", note=f"gemaakt{brk}door ons")
    assert "\r" not in text
    read = parse_cues(text.encode(), Path("x.vtt"))
    assert [(c.text, " ".join(c.identifier.split()), c.settings) for c in read] == [
        ("Eerste\nregel", "een twee", "align:start line:90%"), ("Tweede", "", "")]


def test_escape_text_makes_every_line_break_a_line_feed() -> None:
    assert escape_text("a\r\nb\rc & <d>") == "a\nb\nc &amp; &lt;d&gt;"


def test_a_title_with_carriage_returns_gives_a_chapters_track_the_catalogue_reads(
        small_catalogue: Callable[..., Path], settings: Settings) -> None:
    clips = '''
            [[clip]]
            id = "eerste"
            title = "Eerste\\r\\rclip"
            themes = ["rekrutering"]
            start = "00:00:00.800"
            end = "00:00:03.200"

            [[clip]]
            id = "tweede"
            title = "Tweede\\r\\nclip\\r"
            themes = ["omgaan-met-grenzen"]
            start = "00:00:03.800"
            end = "00:00:06.400"
'''
    small_catalogue(clips)
    result = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(settings.root), "cut"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    chapters = read_cues(settings.film_vtt("testfilm", "chapters"))  # the project's own reader
    assert [(c.identifier, c.plain, c.start_ms) for c in chapters] == [("eerste", "Eerste\nclip", 800),
                                                                      ("tweede", "Tweede\nclip", 3800)]


@pytest.mark.parametrize("timing", ["00:00:0١.000 --> 00:00:02.000", "00:00:01.000 --> 00:00:0٢.000"])
def test_a_vtt_timing_has_ascii_digits(timing: str) -> None:
    with pytest.raises(TranscriptError):
        parse_cues(f"WEBVTT\n\n{timing}\nTekst\n".encode(), Path("x.vtt"))


def test_an_srt_cue_number_has_ascii_digits() -> None:
    parse_cues(b"1\n00:00:01,000 --> 00:00:02,000\nTekst\n", Path("x.srt"))
    with pytest.raises(TranscriptError, match="the line before the timing must be the cue number"):
        parse_cues("\u0661\n00:00:01,000 --> 00:00:02,000\nTekst\n".encode(), Path("x.srt"))  # Arabic-Indic 1
