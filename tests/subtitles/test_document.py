"""VttDocument: a WebVTT file edited cue by cue, everything else kept byte for byte."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from conftest import CORPUS, DATA, corpus_dir  # tests/ is on sys.path: pytest's default "prepend" import mode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.errors import TranscriptError
from catalogue.model import Cue
from catalogue.subtitles.cues import parse_cues, read_cues
from catalogue.subtitles.document import VttChangedError, VttCue, VttDocument, VttEditError, lint_document, save_vtt

SAMPLE = """WEBVTT - Van buddy tot community
Kind: captions

NOTE gemaakt door een mens

STYLE
::cue(v[voice="Sara"]) { color: yellow }

intro
00:01.000 --> 00:04.000 align:start line:90% bogus:1
<v Sara>Een buddy helpt een <i>nieuwkomer</i>

00:00:05.000 --> 00:00:07.000
Tom &amp; Jerry

NOTE tussen de cues

00:00:08.000 --> 00:00:10.000
<v Jan>Grenzen trekken
is moeilijk
"""

# (newline, BOM): every operation is checked on the file as LF without BOM and as CRLF with one
STYLES = [pytest.param("\n", "", id="lf"), pytest.param("\r\n", "\ufeff", id="crlf-bom")]


def styled(text: str, newline: str, bom: str) -> str:
    return bom + text.replace("\n", newline)


def doc_of(text: str, name: str = "film.nl.vtt") -> VttDocument:
    return VttDocument.parse(text, Path(name))


def read_back(doc: VttDocument) -> list[Cue]:
    """The cues the catalogue itself reads from the document's bytes."""
    return parse_cues(doc.to_bytes(), doc.path)


def as_cues(doc: VttDocument) -> list[Cue]:
    return [Cue(c.start_ms, c.end_ms, c.text, c.identifier, c.settings) for c in doc.cues]


def other_blocks(text: str) -> list[str]:
    """The header and the NOTE/STYLE/REGION blocks, as written (line endings inside them too)."""
    groups: list[str] = []
    current = ""
    for line in re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+", text.lstrip("\ufeff")):
        if line.strip(" \t\r\n"):
            current += line
        elif current:
            groups.append(current)
            current = ""
    groups.append(current)
    return [g.rstrip("\r\n") for g in groups if g.startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))]


# --- reading and round trips ------------------------------------------------------------------


def test_parse_gives_the_cues_parse_cues_reads() -> None:
    doc = doc_of(SAMPLE)
    assert doc.cues == [
        VttCue(1000, 4000, "<v Sara>Een buddy helpt een <i>nieuwkomer</i>", "intro", "align:start line:90%"),
        VttCue(5000, 7000, "Tom &amp; Jerry"),
        VttCue(8000, 10000, "<v Jan>Grenzen trekken\nis moeilijk"),
    ]
    assert as_cues(doc) == parse_cues(SAMPLE.encode(), Path("x.vtt"))
    assert doc.cues[0].speaker == "Sara" and doc.cues[1].plain == "Tom & Jerry"


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_format_of_an_unchanged_document_is_the_text(newline: str, bom: str) -> None:
    text = styled(SAMPLE, newline, bom)
    doc = doc_of(text)
    assert doc.format() == text
    assert doc.to_bytes() == text.encode("utf-8")
    assert doc.newline == newline
    assert doc.sha256 == hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_read_keeps_a_utf16_file_utf16(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "film.vtt"
    path.write_bytes(("\ufeff" + SAMPLE.replace("\n", "\r\n")).encode(encoding))
    doc = VttDocument.read(path)
    assert doc.encoding == encoding and doc.to_bytes() == path.read_bytes()
    edited = doc.replace(1, VttCue(5000, 7000, "Tom en Jerry"))
    assert edited.to_bytes() == ("\ufeff" + SAMPLE.replace("Tom &amp; Jerry", "Tom en Jerry")
                                 .replace("\n", "\r\n")).encode(encoding)


def test_read_keeps_cr_only_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "film.vtt"
    path.write_bytes(SAMPLE.replace("\n", "\r").encode())
    doc = VttDocument.read(path).replace(1, VttCue(5000, 7000, "Tom\nJerry"))
    assert doc.to_bytes() == SAMPLE.replace("Tom &amp; Jerry", "Tom\nJerry").replace("\n", "\r").encode()


def _data_vtts() -> list[str]:
    return sorted(p.name for p in DATA.glob("*.vtt"))


def _corpus_vtts() -> list[Path]:
    """Every .vtt of the corpus, and androidx's WebVTT files (they have no extension)."""
    if not CORPUS.is_dir():
        return []
    files = [p for p in CORPUS.rglob("*.vtt") if p.is_file()]
    files += [p for p in (CORPUS / "androidx-media-subtitles" / "webvtt").glob("*") if p.is_file()]
    return sorted(files)


def _corpus_params() -> list[object]:
    names = [p.relative_to(CORPUS).as_posix() for p in _corpus_vtts()]
    return [pytest.param(name, id=name) for name in names] or [
        pytest.param("", marks=pytest.mark.skip(reason=f"shared corpus not present at {CORPUS}"))]


def check_round_trip(path: Path) -> VttDocument | None:
    """Byte for byte when parse_cues accepts the file; the very same error when it does not."""
    try:
        expected = read_cues(path)
    except TranscriptError as error:
        with pytest.raises(TranscriptError) as refused:
            VttDocument.read(path)
        assert (str(refused.value), refused.value.line) == (str(error), error.line)
        return None
    doc = VttDocument.read(path)
    assert doc.to_bytes() == path.read_bytes()
    assert as_cues(doc) == expected
    return doc


@pytest.mark.parametrize("name", _data_vtts())
def test_data_file_round_trips_or_fails_as_parse_cues_does(name: str) -> None:
    check_round_trip(DATA / name)


def test_data_files_include_both_kinds() -> None:
    """The test above sees files parse_cues accepts and files it refuses."""
    accepted = [name for name in _data_vtts() if check_round_trip(DATA / name) is not None]
    assert "voice_italics_entities.vtt" in accepted and "bad_arrow.vtt" not in accepted


@pytest.mark.parametrize("name", _corpus_params())
def test_corpus_file_round_trips_and_retimes_one_line(name: str) -> None:
    doc = check_round_trip(CORPUS / name)
    if doc is None or not doc.cues:
        return
    index = len(doc.cues) // 2
    cue = doc.cues[index]
    edited = doc.replace(index, VttCue(cue.start_ms, cue.end_ms + 1, cue.text, cue.identifier, cue.settings))
    before, after = doc.format().splitlines(keepends=True), edited.format().splitlines(keepends=True)
    assert len(before) == len(after)
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert len(changed) == 1 and "-->" in changed[0][1]
    assert [c.end_ms for c in read_back(edited)] == [c.end_ms + (i == index) for i, c in enumerate(doc.cues)]


def test_corpus_folders_are_all_seen() -> None:
    corpus_dir("webvtt-py")
    folders = {p.relative_to(CORPUS).parts[0] for p in _corpus_vtts()}
    assert {"webvtt-py", "vttjs", "wpt-webvtt-file-parsing", "peertube-captions", "androidx-media-subtitles",
            "dutch-subtitles"} <= folders
    accepted = [p for p in _corpus_vtts() if check_round_trip(p) is not None]
    assert len(accepted) > 60 and len(accepted) < len(_corpus_vtts())  # both kinds are there


def test_srt_is_refused_with_a_hint_to_convert(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="SRT.*convert it to WebVTT"):
        VttDocument.read(DATA / "basic.srt")
    with pytest.raises(TranscriptError, match="convert"):
        doc_of(SAMPLE, "film.SRT")
    with pytest.raises(TranscriptError, match="convert"):
        save_vtt(tmp_path / "film.srt", doc_of(SAMPLE))
    assert not (tmp_path / "film.srt").exists()


def test_parse_errors_name_the_line() -> None:
    with pytest.raises(TranscriptError) as error:
        doc_of("WEBVTT\n\n00:01.000 --> 00:02.000\nja\n\n00:03.000 -> 00:04.000\nnee\n")
    assert error.value.line == 6 and "'-->'" in str(error.value)


# --- operations: the whole output, exactly -------------------------------------------------------


def check_op(newline: str, bom: str, change: object, expected: str) -> VttDocument:
    """Apply `change` to SAMPLE in one style; the output must be `expected` in that style."""
    doc = doc_of(styled(SAMPLE, newline, bom))
    assert callable(change)
    edited = change(doc)
    assert isinstance(edited, VttDocument)
    assert edited.format() == styled(expected, newline, bom)
    assert as_cues(edited) == read_back(edited)
    assert other_blocks(edited.format()) == other_blocks(doc.format())
    assert doc.format() == styled(SAMPLE, newline, bom)  # the old document did not change
    return edited


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_replace_text_rewrites_only_the_text_lines_and_escapes_what_was_typed(newline: str, bom: str) -> None:
    edited = check_op(newline, bom, lambda d: d.replace(1, VttCue(5000, 7000, "Tom & Jerry <3\n<i>samen</i>")),
                      SAMPLE.replace("Tom &amp; Jerry\n", "Tom &amp; Jerry &lt;3\n<i>samen</i>\n"))
    assert edited.cues[1] == VttCue(5000, 7000, "Tom &amp; Jerry &lt;3\n<i>samen</i>")
    assert edited.cues[1].plain == "Tom & Jerry <3\nsamen"


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_replace_times_keeps_identifier_settings_and_the_time_form(newline: str, bom: str) -> None:
    cue = doc_of(SAMPLE).cues[0]
    edited = check_op(newline, bom, lambda d: d.replace(0, VttCue(1500, 4000, cue.text, "intro", cue.settings)),
                      SAMPLE.replace("00:01.000 --> 00:04.000", "00:01.500 --> 00:04.000"))
    assert (edited.cues[0].start_ms, edited.cues[0].end_ms) == (1500, 4000)


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_replace_settings_and_identifier(newline: str, bom: str) -> None:
    cue = doc_of(SAMPLE).cues[0]
    check_op(newline, bom, lambda d: d.replace(0, VttCue(1000, 4000, cue.text, "", "line:80%")),
             SAMPLE.replace("intro\n00:01.000 --> 00:04.000 align:start line:90% bogus:1", "00:01.000 --> 00:04.000 line:80%"))
    check_op(newline, bom, lambda d: d.replace(1, VttCue(5000, 7000, "Tom &amp; Jerry", "tweede")),
             SAMPLE.replace("\n00:00:05.000", "\ntweede\n00:00:05.000"))


def test_replace_with_the_same_cue_changes_nothing() -> None:
    doc = doc_of(SAMPLE.replace("Tom &amp; Jerry", "Tom & Jerry"))  # read as "Tom &amp; Jerry"
    assert doc.replace(1, doc.cues[1]) is doc
    assert doc.replace(1, VttCue(5000, 7000, "Tom & Jerry")) is doc  # typed as it reads: still the same


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_insert_goes_in_time_order(newline: str, bom: str) -> None:
    edited = check_op(newline, bom, lambda d: d.insert(VttCue(7500, 7900, "Kort & krachtig", "k")),
                      SAMPLE.replace("Tom &amp; Jerry\n", "Tom &amp; Jerry\n\nk\n00:00:07.500 --> 00:00:07.900\n"
                                                           "Kort &amp; krachtig\n"))
    assert [c.start_ms for c in edited.cues] == [1000, 5000, 7500, 8000]
    check_op(newline, bom, lambda d: d.insert(VttCue(11000, 12000, "Einde", settings="align:end")),
             SAMPLE + "\n00:00:11.000 --> 00:00:12.000 align:end\nEinde\n")
    check_op(newline, bom, lambda d: d.insert(VttCue(0, 900, "Begin")),
             SAMPLE.replace("intro\n", "00:00:00.000 --> 00:00:00.900\nBegin\n\nintro\n"))


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_delete_removes_the_block_and_its_blank_line(newline: str, bom: str) -> None:
    check_op(newline, bom, lambda d: d.delete(1), SAMPLE.replace("00:00:05.000 --> 00:00:07.000\nTom &amp; Jerry\n\n", ""))
    check_op(newline, bom, lambda d: d.delete(2), SAMPLE.split("\n\n00:00:08")[0] + "\n")


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_split_divides_the_text_at_the_time_share_and_reopens_the_voice(newline: str, bom: str) -> None:
    edited = check_op(newline, bom, lambda d: d.split(0, 2500), SAMPLE.replace(
        "<v Sara>Een buddy helpt een <i>nieuwkomer</i>\n",
        "<v Sara>Een buddy helpt\n\n00:00:02.500 --> 00:00:04.000 align:start line:90%\n<v Sara>een <i>nieuwkomer</i>\n",
    ).replace("00:01.000 --> 00:04.000", "00:01.000 --> 00:02.500"))
    assert [(c.start_ms, c.end_ms, c.speaker, c.identifier) for c in edited.cues[:2]] == [
        (1000, 2500, "Sara", "intro"), (2500, 4000, "Sara", "")]
    # a later time moves the cut to a later word
    late = doc_of(SAMPLE).split(0, 3700)
    assert [c.plain for c in late.cues[:2]] == ["Een buddy helpt een", "nieuwkomer"]


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_split_with_given_texts(newline: str, bom: str) -> None:
    check_op(newline, bom, lambda d: d.split(2, 9000, text_before="<v Jan>Grenzen trekken",
                                             text_after="<v Jan>is moeilijk & zwaar"),
             SAMPLE.replace("00:00:08.000 --> 00:00:10.000\n<v Jan>Grenzen trekken\nis moeilijk\n",
                            "00:00:08.000 --> 00:00:09.000\n<v Jan>Grenzen trekken\n\n"
                            "00:00:09.000 --> 00:00:10.000\n<v Jan>is moeilijk &amp; zwaar\n"))


def test_split_inside_italics_closes_and_reopens_them() -> None:
    doc = doc_of("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v Sara>Dit is <i>heel erg</i> belangrijk\n")
    edited = doc.split(0, 1600)  # 40%: "Dit is heel" is 11 of 26 characters
    assert edited.format() == ("WEBVTT\n\n00:00:00.000 --> 00:00:01.600\n<v Sara>Dit is <i>heel</i>\n\n"
                               "00:00:01.600 --> 00:00:04.000\n<v Sara><i>erg</i> belangrijk\n")
    assert [c.plain for c in read_back(edited)] == ["Dit is heel", "erg belangrijk"]


@pytest.mark.parametrize(("newline", "bom"), STYLES)
def test_merge_with_next_joins_on_a_new_line(newline: str, bom: str) -> None:
    edited = check_op(newline, bom, lambda d: d.merge_with_next(0), SAMPLE.replace(
        "00:01.000 --> 00:04.000 align:start line:90% bogus:1\n<v Sara>Een buddy helpt een <i>nieuwkomer</i>\n\n"
        "00:00:05.000 --> 00:00:07.000\nTom &amp; Jerry\n",
        "00:01.000 --> 00:07.000 align:start line:90% bogus:1\n<v Sara>Een buddy helpt een <i>nieuwkomer</i>\n"
        "Tom &amp; Jerry\n"))
    assert edited.cues[0] == VttCue(1000, 7000, "<v Sara>Een buddy helpt een <i>nieuwkomer</i>\nTom &amp; Jerry",
                                    "intro", "align:start line:90%")


def test_merge_across_a_note_keeps_the_note() -> None:
    edited = doc_of(SAMPLE).merge_with_next(1)
    assert edited.format() == SAMPLE.replace(
        "00:00:05.000 --> 00:00:07.000\nTom &amp; Jerry\n\nNOTE tussen de cues\n\n00:00:08.000 --> 00:00:10.000\n"
        "<v Jan>Grenzen trekken\nis moeilijk\n",
        "00:00:05.000 --> 00:00:10.000\nTom &amp; Jerry <v Jan>Grenzen\ntrekken is moeilijk\n\nNOTE tussen de cues\n")


@pytest.mark.parametrize(("first", "second", "joined"), [
    ("<v Sara>Hallo daar", "<v Sara>hoe gaat het?", "<v Sara>Hallo daar\nhoe gaat het?"),
    ("<v Sara>Hallo</v>", "<v Sara>daar</v>", "<v Sara>Hallo\ndaar</v>"),
    ("<v Sara>Hallo", "<v Jan>Dag", "<v Sara>Hallo</v>\n<v Jan>Dag"),
    ("<v Sara>Een buddy\nhelpt", "<v Sara>een nieuwkomer", "<v Sara>Een buddy helpt\neen nieuwkomer"),
])
def test_merge_keeps_a_voice_tag_once_and_at_most_two_lines(first: str, second: str, joined: str) -> None:
    doc = doc_of(f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{first}\n\n00:00:02.000 --> 00:00:03.000\n{second}\n")
    edited = doc.merge_with_next(0)
    assert edited.format() == f"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n{joined}\n"
    assert read_back(edited) == [Cue(1000, 3000, joined)]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.replace(0, VttCue(4000, 3000, "x")), "ends .* before it starts"),
    (lambda d: d.replace(0, VttCue(-1, 3000, "x")), "not negative"),
    (lambda d: d.replace(0, VttCue(0, 3000, " \n \n")), "needs text"),
    (lambda d: d.replace(0, VttCue(0, 3000, "x", "NOTE dit")), "identifier"),
    (lambda d: d.replace(0, VttCue(0, 3000, "x", "a --> b")), "identifier"),
    (lambda d: d.replace(0, VttCue(0, 3000, "x", "twee\nregels")), "identifier"),
    (lambda d: d.replace(0, VttCue(0, 3000, "x", settings="align:middle")), "unknown cue setting"),
    (lambda d: d.replace(0, VttCue(0, 3000, "<v Sara -->x")), "'-->'"),
    (lambda d: d.replace(0, VttCue(0, 3000, "\ud800")), "surrogate"),
    (lambda d: d.replace(3, VttCue(0, 3000, "x")), "no such cue"),
    (lambda d: d.delete(-1), "no such cue"),
    (lambda d: d.split(0, 4000), "not inside the cue"),
    (lambda d: d.split(0, 2000, text_before="a"), "both texts"),
    (lambda d: d.split(1, 6000), "one word"),
    (lambda d: d.merge_with_next(2), "no next cue"),
])
def test_edits_that_cannot_be_written_are_refused(change: object, message: str) -> None:
    doc = doc_of(SAMPLE.replace("Tom &amp; Jerry", "Tom&amp;Jerry"))
    assert callable(change)
    with pytest.raises(VttEditError, match=message):
        change(doc)


def test_an_identifier_after_a_cue_without_blank_line_gets_one() -> None:
    # a timing line inside a block starts a new cue (parse_cues reads two); naming it needs a blank line
    doc = doc_of("WEBVTT\n\n00:01.000 --> 00:02.000\neen\n00:03.000 --> 00:04.000\ntwee\n")
    assert [c.text for c in doc.cues] == ["een", "twee"]
    edited = doc.replace(1, VttCue(3000, 4000, "twee", "b"))
    assert edited.format() == "WEBVTT\n\n00:01.000 --> 00:02.000\neen\n\nb\n00:03.000 --> 00:04.000\ntwee\n"
    assert doc.delete(0).format() == "WEBVTT\n\n00:03.000 --> 00:04.000\ntwee\n"


def test_delete_of_a_cue_without_blank_line_keeps_the_next_cues_identifier() -> None:
    doc = doc_of("WEBVTT\n\n00:01.000 --> 00:02.000\neen\n00:03.000 --> 00:04.000\ntwee\n\nc\n00:05.000 --> 00:06.000\ndrie\n")
    edited = doc.delete(1)
    assert edited.format() == "WEBVTT\n\n00:01.000 --> 00:02.000\neen\n\nc\n00:05.000 --> 00:06.000\ndrie\n"
    assert read_back(edited) == [Cue(1000, 2000, "een"), Cue(5000, 6000, "drie", identifier="c")]


def test_insert_at_the_end_keeps_the_files_trailing_blank_lines() -> None:
    doc = doc_of("WEBVTT\n\n00:01.000 --> 00:02.000\neen\n\n\n")
    assert doc.insert(VttCue(3000, 4000, "twee")).format() == (
        "WEBVTT\n\n00:01.000 --> 00:02.000\neen\n\n00:00:03.000 --> 00:00:04.000\ntwee\n\n\n")


@pytest.mark.parametrize(("text", "parts"), [
    ("<v Jan de Smet>Ja hallo", ["<v Jan de Smet>Ja", "<v Jan de Smet>hallo"]),
    ("Ja <lang en>hello there</lang>", ["Ja", "<lang en>hello there</lang>"]),
])
def test_split_never_cuts_inside_a_tag(text: str, parts: list[str]) -> None:
    doc = doc_of(f"WEBVTT\n\n00:00:00.000 --> 00:00:10.000\n{text}\n")
    assert [c.text for c in doc.split(0, 500).cues] == parts


def test_a_file_without_final_newline_keeps_having_none() -> None:
    doc = doc_of("WEBVTT\n\n00:01.000 --> 00:02.000\neen")
    assert doc.replace(0, VttCue(1000, 2000, "twee")).format() == "WEBVTT\n\n00:01.000 --> 00:02.000\ntwee"
    assert doc.insert(VttCue(3000, 4000, "drie")).format() == (
        "WEBVTT\n\n00:01.000 --> 00:02.000\neen\n\n00:00:03.000 --> 00:00:04.000\ndrie\n")


def test_insert_into_a_file_without_cues_goes_after_its_style() -> None:
    doc = doc_of("WEBVTT\n\nSTYLE\n::cue { color: red }\n")
    assert doc.insert(VttCue(0, 1000, "Hoi")).format() == (
        "WEBVTT\n\nSTYLE\n::cue { color: red }\n\n00:00:00.000 --> 00:00:01.000\nHoi\n")


def test_cue_blocks_without_text_stay_and_are_not_cues() -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n\n00:03.000 --> 00:04.000\nja\n"
    doc = doc_of(text)
    assert doc.cues == [VttCue(3000, 4000, "ja")]
    assert doc.replace(0, VttCue(3000, 4500, "ja")).format() == text.replace("00:04.000", "00:04.500")


# --- saving ------------------------------------------------------------------------------------------


def test_save_keeps_a_backup_and_writes_the_edit(tmp_path: Path) -> None:
    path = tmp_path / "film.nl.vtt"
    path.write_bytes(SAMPLE.encode())
    doc = VttDocument.read(path)
    edited = doc.delete(1)
    backup = save_vtt(path, edited, expected_sha256=doc.sha256)
    assert backup is not None and backup.parent == tmp_path and backup.name.startswith("film.nl.vtt.")
    assert backup.read_bytes() == SAMPLE.encode()
    assert path.read_bytes() == edited.to_bytes()
    assert VttDocument.read(path).sha256 == edited.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["film.nl.vtt", backup.name])


def test_save_refuses_when_the_file_changed_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "film.nl.vtt"
    path.write_bytes(SAMPLE.encode())
    doc = VttDocument.read(path)
    path.write_bytes(SAMPLE.replace("Tom", "Tim").encode())  # another editor saved meanwhile
    with pytest.raises(VttChangedError, match="changed since it was loaded") as error:
        save_vtt(path, doc.delete(0), expected_sha256=doc.sha256)
    assert error.value.actual_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert path.read_bytes() == SAMPLE.replace("Tom", "Tim").encode()
    assert [p.name for p in tmp_path.iterdir()] == ["film.nl.vtt"]
    path.unlink()
    with pytest.raises(VttChangedError, match="removed"):
        save_vtt(path, doc, expected_sha256=doc.sha256)
    assert not path.exists()


def test_save_of_an_unchanged_document_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "film.nl.vtt"
    path.write_bytes(SAMPLE.encode())
    doc = VttDocument.read(path)
    assert save_vtt(path, doc, expected_sha256=doc.sha256) is None
    assert [p.name for p in tmp_path.iterdir()] == ["film.nl.vtt"]


def test_save_creates_a_new_file_without_backup(tmp_path: Path) -> None:
    path = tmp_path / "new.vtt"
    assert save_vtt(path, doc_of(SAMPLE)) is None
    assert path.read_text(encoding="utf-8") == SAMPLE


def test_save_is_atomic_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "film.nl.vtt"
    path.write_bytes(SAMPLE.encode())
    doc = VttDocument.read(path)

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        save_vtt(path, doc.delete(0), expected_sha256=doc.sha256)
    assert path.read_bytes() == SAMPLE.encode()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


# --- lint -------------------------------------------------------------------------------------------


def test_lint_document_gives_messages_by_cue_index() -> None:
    doc = doc_of("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nGoed zo\n\n00:00:02.500 --> 00:00:03.000\nte kort\n\n"
                 "00:00:04.000 --> 00:00:06.000\neen\ntwee\ndrie\n\n00:00:07.000 --> 00:00:08.000\nVeel te veel woorden hier\n\n"
                 "00:00:09.000 --> 00:00:11.000\nGoed zo\n")
    assert lint_document(doc) == {
        1: ["shown 500 ms (at least 800)", "overlaps the cue at 00:00:01.000"],
        2: ["3 lines (at most 2)"],
        3: ["reading speed 25 characters/second (at most 17)"],
    }


# --- properties -------------------------------------------------------------------------------------

WORDS = st.sampled_from(["Een", "buddy", "helpt", "nieuwkomers", "Tom", "&", "<", "3", "&amp;", "België", "-->",
                         "<i>schuin</i>", "<b>vet</b>", "zo,"])
TEXTS = st.builds(lambda voice, words, lines: voice + "\n".join(" ".join(words[i::lines]) for i in range(lines)),
                  st.sampled_from(["", "<v Sara>", "<v.loud Jan de Smet>"]),
                  st.lists(WORDS, min_size=1, max_size=8), st.integers(1, 2))
OTHER_BLOCKS = st.sampled_from(["NOTE een opmerking", "NOTE\nover twee\nregels", "REGION\nid:fred width:40%"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    blocks = [draw(st.sampled_from(["WEBVTT", "WEBVTT - titel", "WEBVTT\nKind: captions\nLanguage: nl"]))]
    blocks += draw(st.lists(OTHER_BLOCKS | st.just("STYLE\n::cue { color: red }"), max_size=2))
    start, glued = 0, set()  # glued: blocks that follow the one before without a blank line
    for _ in range(draw(st.integers(0, 5))):
        start += draw(st.integers(0, 3000))
        end = start + draw(st.integers(0, 4000))
        identifier = draw(st.sampled_from(["", "", "c1", "intro 2"]))
        settings = draw(st.sampled_from(["", "", " align:start", " line:90% position:10%", "  vertical:rl junk"]))
        stamp = draw(st.sampled_from([lambda ms: f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}",
                                      lambda ms: f"{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"]))
        timing = f"{stamp(start)} --> {stamp(end)}{settings}"
        if not identifier and len(blocks) > 1 and draw(st.integers(0, 2)) == 0:
            glued.add(len(blocks))  # a timing line starts a new cue even without a blank line
        blocks.append("\n".join(([identifier] if identifier else []) + [timing, draw(TEXTS).replace("-->", "--&gt;")]))
        if draw(st.integers(0, 4)) == 0:
            blocks.append(draw(OTHER_BLOCKS))
    gaps = [draw(st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n \n"])) for _ in blocks]
    gaps = ["\n" if number + 1 in glued else gap for number, gap in enumerate(gaps)]
    text = "".join(block + gap for block, gap in zip(blocks, gaps))
    text = text[: len(text) - draw(st.integers(0, 2))]  # maybe no final blank line or newline
    return draw(st.sampled_from(["", "\ufeff"])) + text.replace("\n", newline)


OPERATIONS = st.lists(st.tuples(st.sampled_from(["text", "times", "insert", "delete", "split", "merge"]),
                                st.integers(0, 50), st.integers(0, 10_000), TEXTS), max_size=6)


def apply(doc: VttDocument, op: tuple[str, int, int, str]) -> tuple[VttDocument, int]:
    """One operation that the document must accept; the number of cues it leaves."""
    kind, number, ms, text = op
    count = len(doc.cues)
    if kind == "insert" or not count:
        return doc.insert(VttCue(ms, ms + 1000, text)), count + 1
    index = number % count
    cue = doc.cues[index]
    if kind == "text":
        identifier = ["", cue.identifier, f"n{ms}"][ms % 3]
        return doc.replace(index, VttCue(cue.start_ms, cue.end_ms, text, identifier, cue.settings)), count
    if kind == "times":
        return doc.replace(index, VttCue(ms, ms + number, cue.text, cue.identifier, cue.settings)), count
    if kind == "delete":
        return doc.delete(index), count - 1
    if kind == "merge" and index + 1 < count:
        return doc.merge_with_next(index), count - 1
    if kind == "split" and cue.duration_ms >= 2:
        at = cue.start_ms + 1 + ms % (cue.duration_ms - 1)
        if len(cue.plain.split()) >= 2:
            return doc.split(index, at), count + 1
        return doc.split(index, at, text_before=text, text_after=text), count + 1
    return doc, count


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), operations=OPERATIONS)
def test_any_edits_keep_the_document_valid_and_its_other_blocks(text: str, operations: list[tuple[str, int, int, str]]) -> None:
    doc = doc_of(text)
    assert doc.format() == text
    blocks = other_blocks(text)
    for op in operations:
        doc, count = apply(doc, op)
        assert len(doc.cues) == count
        assert as_cues(doc) == read_back(doc)
        assert other_blocks(doc.format()) == blocks
        assert doc_of(doc.format()).format() == doc.format()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(documents(), st.text(st.sampled_from("WEBVT \t\r\n-:.>0159NOTE\0\ufeffa<&"), max_size=80)
                      .map(lambda t: "WEBVTT" + t)))
def test_any_text_round_trips_or_fails_as_parse_cues_does(text: str) -> None:
    try:
        expected = parse_cues(text.encode(), Path("x.vtt"))
    except TranscriptError as error:
        with pytest.raises(TranscriptError) as refused:
            doc_of(text, "x.vtt")
        assert str(refused.value) == str(error)
        return
    doc = doc_of(text, "x.vtt")
    assert doc.format() == text
    assert as_cues(doc) == expected
