"""Subtitles: reading WebVTT and SRT in every encoding, clear errors, re-timing, writing, lint."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.errors import TranscriptError
from catalogue.model import Cue
from catalogue.subtitles.cues import clip_cues, escape_text, format_vtt, lint_cues, parse_cues, read_cues

from conftest import DATA  # noqa: E402  (tests/data)

# basic.vtt and basic.srt hold the same three cues, with Dutch accents
BASIC = [
    Cue(1_000, 3_500, "Een buddy helpt een nieuwkomer"),
    Cue(4_000, 6_000, "Geëngageerde vrijwilligers\nin heel België"),
    Cue(62_003, 64_250, "Tot ziens!"),
]

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf8": lambda text: text.encode(),
    "utf8_bom_crlf": lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode(),
    "cr_only": lambda text: text.replace("\n", "\r").encode(),
    "utf16le_bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf16be_bom_crlf": lambda text: codecs.BOM_UTF16_BE + text.replace("\n", "\r\n").encode("utf-16-be"),
}


@pytest.mark.parametrize("source", ["basic.vtt", "basic.srt"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_read_cues_reads_every_encoding_and_line_ending_alike(tmp_path: Path, source: str, encoding: str) -> None:
    path = tmp_path / f"{encoding}_{source}"
    path.write_bytes(ENCODINGS[encoding]((DATA / source).read_text(encoding="utf-8")))
    assert read_cues(path) == BASIC


def test_read_cues_keeps_voice_italics_and_entities() -> None:
    sara, jan, stray = read_cues(DATA / "voice_italics_entities.vtt")
    assert sara == Cue(1_000, 3_000, "<v Sara>Een buddy &amp; een <i>nieuwkomer</i></v>", identifier="intro")
    assert (sara.plain, sara.speaker) == ("Een buddy & een nieuwkomer", "Sara")
    assert jan.text == "<v.loud Jan de Smet>Grenzen &lt;trekken&gt; is <b>moeilijk</b>"
    assert (jan.plain, jan.speaker) == ("Grenzen <trekken> is moeilijk", "Jan de Smet")
    # a stray & or < is escaped, an entity that is already there stays
    assert stray.text == "Ge&euml;ngageerd &amp; Tom &amp; Jerry: 3 &lt; 4"
    assert (stray.plain, stray.speaker) == ("Geëngageerd & Tom & Jerry: 3 < 4", "")


def test_read_cues_drops_srt_font_tags_and_escapes_ampersands() -> None:
    cues = read_cues(DATA / "srt_font_ampersand.srt")
    assert [c.text for c in cues] == ["Geel &amp; <i>schuin</i>", "<b>Vet</b> <u>onderlijnd</u> 3 &lt; 4"]
    assert [c.plain for c in cues] == ["Geel & schuin", "Vet onderlijnd 3 < 4"]


@pytest.mark.parametrize(("name", "expected"), [
    # invalid settings are dropped as a browser does; "align:middle" is the old name of center
    ("invalid_settings.vtt", [Cue(1_000, 2_000, "Midden", settings="align:center size:50%")]),
    # a cue without text shows nothing
    ("empty_cue.vtt", [Cue(3_000, 4_000, "Wel tekst")]),
    # a timing line inside a cue starts a new cue (the blank line is missing)
    ("missing_blank_line.vtt", [Cue(1_000, 2_000, "Eerste"), Cue(3_000, 4_000, "Tweede zonder witregel ervoor")]),
])
def test_read_cues_reads_lenient_cases_like_a_browser(name: str, expected: list[Cue]) -> None:
    assert read_cues(DATA / name) == expected


@pytest.mark.parametrize(("name", "data"), [
    ("x.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\na </> b <> c < > d\n"),
    ("x.srt", b"1\n00:00:01,000 --> 00:00:02,000\na </> b <> c < > d\n"),
])
def test_parse_cues_escapes_empty_tags(name: str, data: bytes) -> None:
    # "</>" once raised IndexError inside normalize_markup
    (cue,) = parse_cues(data, Path(name))
    assert (cue.text, cue.plain) == ("a &lt;/&gt; b &lt;&gt; c &lt; &gt; d", "a </> b <> c < > d")


@pytest.mark.parametrize(("name", "line", "reason"), [
    ("bad_arrow.vtt", 6, "timing"),
    ("bad_timestamp.vtt", 6, "00:00:1d.890"),
    ("missing_timing.vtt", 6, "without a timing line"),
    ("missing_header.vtt", 1, "WEBVTT"),
    ("timing_in_header.vtt", 1, "header"),
    ("ends_before_start.vtt", 6, "ends before it starts"),
    ("latin1.vtt", 4, "UTF-8"),
    ("srt_number_without_timing.srt", 5, "cue number without a timing line"),
    ("srt_bad_timing.srt", 6, "malformed cue timing"),
])
def test_read_cues_raises_on_malformed_cues_with_line_and_path(name: str, line: int, reason: str) -> None:
    path = DATA / name
    with pytest.raises(TranscriptError) as info:
        read_cues(path)
    assert (info.value.path, info.value.line) == (path, line)
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}, line {line}: ")


def test_read_cues_names_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "weg.vtt"
    with pytest.raises(TranscriptError, match="not found") as info:
        read_cues(path)
    assert info.value.path == path


def test_parse_cues_reads_srt_only_by_suffix() -> None:
    srt = (DATA / "basic.srt").read_bytes()
    assert parse_cues(srt, Path("film.SRT")) == BASIC
    with pytest.raises(TranscriptError, match="WEBVTT"):
        parse_cues(srt, Path("film.vtt"))
    # a .srt file that is really WebVTT is read as WebVTT
    assert parse_cues((DATA / "basic.vtt").read_bytes(), Path("film.srt")) == BASIC


@pytest.mark.parametrize("name", ["basic.vtt", "basic.srt", "voice_italics_entities.vtt", "srt_font_ampersand.srt",
                                  "invalid_settings.vtt", "missing_blank_line.vtt"])
def test_format_vtt_round_trips_through_read_cues(tmp_path: Path, name: str) -> None:
    cues = read_cues(DATA / name)
    written = tmp_path / "written.vtt"
    written.write_text(format_vtt(cues, header="- Nederlands"), encoding="utf-8")
    assert read_cues(written) == cues


def test_format_vtt_neutralises_arrows_and_blank_lines_in_text() -> None:
    text = format_vtt([Cue(0, 1_000, "a\n\nb --> c", identifier="x --> y")])
    assert text == "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na\nb --&gt; c\n"
    assert parse_cues(text.encode(), Path("x.vtt")) == [Cue(0, 1_000, "a\nb --&gt; c")]


def test_escape_text_survives_writing_and_reading_as_plain_text(tmp_path: Path) -> None:
    plain = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    path = tmp_path / "escaped.vtt"
    path.write_text(format_vtt([Cue(0, 2_000, escape_text(plain))]), encoding="utf-8")
    (cue,) = read_cues(path)
    assert cue.plain == plain
    assert "<script" not in cue.text
    assert "<img" not in cue.text


def test_escape_text_keeps_existing_entities() -> None:
    assert escape_text("a &amp; b & c < d > e &#233;") == "a &amp; b &amp; c &lt; d &gt; e &#233;"


# every cue of the film, clipped to [10 000, 20 000)
@pytest.mark.parametrize(("start_ms", "end_ms", "expected"), [
    (5_000, 10_000, None),             # ends exactly at the clip's start
    (20_000, 21_000, None),            # starts exactly at the clip's end
    (9_999, 10_000, None),
    (5_000, 30_000, (0, 10_000)),      # spans the whole clip
    (9_000, 11_000, (0, 1_000)),       # partly before the start
    (19_000, 25_000, (9_000, 10_000)),  # partly after the end
    (9_000, 10_001, (0, 1)),           # 1 ms inside
    (19_999, 20_001, (9_999, 10_000)),
    (12_345, 13_456, (2_345, 3_456)),
])
def test_clip_cues_trims_to_the_clip_and_shifts_to_its_start(
        start_ms: int, end_ms: int, expected: tuple[int, int] | None) -> None:
    cue = Cue(start_ms, end_ms, "<v Sara>Hallo", identifier="id", settings="align:start")
    clipped = clip_cues([cue], 10_000, 20_000)
    assert clipped == ([] if expected is None else [Cue(*expected, cue.text, "id", "align:start")])


def test_clip_cues_shifts_to_the_copy_mode_start() -> None:
    # copy mode starts at the keyframe 1.5 s before `start`: times are relative to the keyframe
    cues = [Cue(9_000, 11_000, "a"), Cue(12_000, 13_000, "b"), Cue(19_500, 21_000, "c")]
    assert clip_cues(cues, 10_000, 20_000, shift_ms=8_500) == [
        Cue(1_500, 2_500, "a"), Cue(3_500, 4_500, "b"), Cue(11_000, 11_500, "c")]


def test_clip_cues_keeps_order_and_drops_nothing_inside() -> None:
    assert clip_cues(BASIC, 0, 70_000) == BASIC
    assert clip_cues(BASIC, 3_500, 62_003) == [Cue(500, 2_500, BASIC[1].text)]


@pytest.mark.parametrize(("cues", "messages"), [
    ([Cue(0, 1_000, "x" * 20)], ["reading speed 20 characters/second (at most 17)"]),
    ([Cue(0, 5_000, "a" * 43)], ["a line longer than 42 characters"]),
    ([Cue(0, 3_000, "een\ntwee\ndrie")], ["3 lines (at most 2)"]),
    ([Cue(0, 799, "Ja")], ["shown 799 ms (at least 800)"]),
    ([Cue(0, 7_500, "Een zin")], ["shown 7.5 s (at most 7 s)"]),
    ([Cue(0, 2_000, "Een"), Cue(1_500, 3_000, "Twee")], ["overlaps the cue at 00:00:00.000"]),
], ids=["reading-speed", "line-length", "lines", "too-short", "too-long", "overlap"])
def test_lint_cues_warns_for_each_rule(cues: list[Cue], messages: list[str]) -> None:
    assert [message for _, message in lint_cues(cues)] == messages
    assert all(cue is cues[-1] for cue, _ in lint_cues(cues))


def test_lint_cues_is_quiet_for_clean_cues_at_the_limits() -> None:
    cues = [
        Cue(0, 2_000, "<v Sara>Een buddy en een <i>nieuwkomer</i>"),  # tags do not count
        Cue(2_000, 2_800, "Ja, goed"),                   # exactly 800 ms, starts at the previous end
        Cue(3_000, 10_000, "a" * 42 + "\n" + "b" * 42),  # 7 s, 2 lines of 42 characters
        Cue(10_000, 11_000, "c" * 17),                   # 17 characters/second
    ]
    assert lint_cues(cues) == []


_FRAGMENTS = st.sampled_from([
    b"WEBVTT", b"\n", b"\r\n", b"\r", b" ", b"\t", b"-->", b" --> ", b"00:00:01.000", b"00:01.000", b"00:00:01,000",
    b"1", b"NOTE", b"STYLE", b"REGION", b"<v Sara>", b"<i>", b"</i>", b"</>", b"<>", b"&amp;", b"&", b"<", b">",
    b"<00:00:01.500>", b"align:middle", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\xe9", b"a",
])
_SUBTITLE_BYTES = st.one_of(
    st.binary(max_size=200),
    st.lists(_FRAGMENTS, max_size=40).map(b"".join),
    st.lists(_FRAGMENTS, max_size=30).map(lambda parts: b"WEBVTT\n\n" + b"".join(parts)),
    st.lists(_FRAGMENTS, max_size=30).map(lambda parts: b"1\n00:00:01,000 --> 00:00:02,000\n" + b"".join(parts)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_SUBTITLE_BYTES, name=st.sampled_from(["x.vtt", "x.srt"]))
def test_parse_cues_returns_cues_or_raises_transcript_error(data: bytes, name: str) -> None:
    try:
        cues = parse_cues(data, Path(name))
    except TranscriptError as error:
        assert name in str(error)
        return
    assert all(isinstance(cue, Cue) and 0 <= cue.start_ms <= cue.end_ms for cue in cues)
