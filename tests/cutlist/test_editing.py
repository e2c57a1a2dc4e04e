"""Format-preserving cut-list edits: the output is the input with only the expected lines changed."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.cutlist.loading import Report, check_cutlists
from catalogue.cutlist.editing import set_reviewed, set_subtitles
from catalogue.errors import CatalogueError, CutListEditError
from catalogue.media import probe_cached
from catalogue.settings import Settings

NL = "../transcripts/film.nl.vtt"
WHISPER = f'nl = {{ file = "{NL}", made_by = "whisper base", reviewed = false }}'

HEAD = '''\
# Cut list: Testfilm (Margot). Keep the ids stable!
[film]
id = "testfilm"   # in every URL
title = "Testfilm"
video = "film.mp4"
language = "nl"
'''
TAIL = '''\

# ---- themes ----
[[theme]]
id = "rekrutering"
title = "Rekrutering"

[[clip]]   # the first clip
id = "eerste"
title = "Eerste clip"
themes = ["rekrutering"]
start = "00:00:00.800"
end = "00:00:03.200"
'''

# (cut list before, the lines expected after set_subtitles(nl, NL, made_by="whisper base", reviewed=False))
CASES = {
    "no subtitles yet": (HEAD + TAIL, HEAD + f"\n[film.subtitles]\n{WHISPER}\n" + TAIL),
    "a table with another language": (
        HEAD + '\n[film.subtitles]   # language = file\nen = "en.vtt"  # translated by Ann\n' + TAIL,
        HEAD + f'\n[film.subtitles]   # language = file\nen = "en.vtt"  # translated by Ann\n{WHISPER}\n' + TAIL),
    "an nl entry already": (
        HEAD + '\n[film.subtitles]\nnl = "oud.vtt"  # typed by hand\nen = "en.vtt"\n' + TAIL,
        HEAD + f'\n[film.subtitles]\n{WHISPER}  # typed by hand\nen = "en.vtt"\n' + TAIL),
    "an nl table already": (
        HEAD + '\n[film.subtitles]\nnl = { file = "oud.vtt", reviewed = true }  # v1\n' + TAIL,
        HEAD + f"\n[film.subtitles]\n{WHISPER}  # v1\n" + TAIL),
    "inline in [film]": (
        HEAD + 'subtitles = { en = "en.vtt" }  # inline\n' + TAIL,
        HEAD + f'subtitles = {{ en = "en.vtt", {WHISPER} }}  # inline\n' + TAIL),
    "dotted in [film]": (
        HEAD + 'subtitles.en = "en.vtt"\ncredits = "SAM"\n' + TAIL,
        HEAD + f'subtitles.en = "en.vtt"\nsubtitles.{WHISPER}\ncredits = "SAM"\n' + TAIL),
    "its own [film.subtitles.nl]": (
        HEAD + '\n[film.subtitles.nl]\nfile = "oud.vtt"  # first try\nmade_by = "whisper tiny"\n' + TAIL,
        HEAD + f'\n[film.subtitles.nl]\nfile = "{NL}"  # first try\nmade_by = "whisper base"\nreviewed = false\n'
        + TAIL),
    "[film.subtitles] after the clips": (
        HEAD + TAIL + '\n[film.subtitles]\nen = "en.vtt"\n',
        HEAD + TAIL + f'\n[film.subtitles]\nen = "en.vtt"\n{WHISPER}\n'),
    "[film] last, no line end": (
        TAIL.lstrip() + "\n" + HEAD.rstrip("\n"),
        TAIL.lstrip() + "\n" + HEAD + f"\n[film.subtitles]\n{WHISPER}\n"),
    "a comment under the last line": (
        HEAD + '\n[film.subtitles]\nen = "en.vtt"\n# fr = "fr.vtt" (not yet)\n' + TAIL,
        HEAD + f'\n[film.subtitles]\nen = "en.vtt"\n# fr = "fr.vtt" (not yet)\n{WHISPER}\n' + TAIL),
    "a comment on the next table": (
        HEAD + "# ---- themes ----\n" + TAIL.replace("\n# ---- themes ----\n", ""),
        HEAD + f"\n[film.subtitles]\n{WHISPER}\n# ---- themes ----\n" + TAIL.replace("\n# ---- themes ----\n", "")),
    "no blank line before the next table": (
        HEAD + TAIL.replace("\n# ---- themes ----\n", ""),
        HEAD + f"\n[film.subtitles]\n{WHISPER}\n" + TAIL.replace("\n# ---- themes ----\n", "")),
}


def write(path: Path, text: str, *, newline: str = "\n", bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode("utf-8"))
    return path


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bak"))


@pytest.mark.parametrize(("before", "after"), CASES.values(), ids=CASES.keys())
def test_set_subtitles_changes_only_the_subtitles_line(tmp_path: Path, before: str, after: str) -> None:
    path = write(tmp_path / "film.toml", before)
    backup = set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False)
    assert path.read_text("utf-8") == after
    assert backup is not None and backup.read_text("utf-8") == before
    assert tomllib.loads(after)["film"]["subtitles"]["nl"] == {
        "file": NL, "made_by": "whisper base", "reviewed": False}


@pytest.mark.parametrize(("before", "after"), [
    (HEAD + TAIL, HEAD + f'\n[film.subtitles]\nnl = "{NL}"\n' + TAIL),
    (HEAD + '\n[film.subtitles]\nnl = { file = "oud.vtt", made_by = "whisper base", reviewed = false }  # x\n' + TAIL,
     HEAD + f'\n[film.subtitles]\nnl = "{NL}"  # x\n' + TAIL),
    (HEAD + '\n[film.subtitles.nl]\nfile = "oud.vtt"\nmade_by = "whisper base"\nreviewed = false\n' + TAIL,
     HEAD + f'\n[film.subtitles.nl]\nfile = "{NL}"\n' + TAIL),
], ids=["new", "inline table", "own table"])
def test_set_subtitles_by_a_person_is_a_plain_file(tmp_path: Path, before: str, after: str) -> None:
    path = write(tmp_path / "film.toml", before)
    set_subtitles(path, "nl", NL)
    assert path.read_text("utf-8") == after
    assert tomllib.loads(after)["film"]["subtitles"]["nl"] in (NL, {"file": NL})


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_set_subtitles_keeps_line_endings_and_bom(tmp_path: Path, newline: str, bom: bool) -> None:
    before, after = CASES["no subtitles yet"]
    path = write(tmp_path / "film.toml", before, newline=newline, bom=bom)
    set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False)
    assert path.read_bytes() == write(tmp_path / "expected.toml", after, newline=newline, bom=bom).read_bytes()


def test_set_subtitles_leaves_mixed_line_endings_as_they_are(tmp_path: Path) -> None:
    before = HEAD.replace("\n", "\r\n", 2) + TAIL  # two CRLF lines, the rest LF
    path = write(tmp_path / "film.toml", before)
    set_subtitles(path, "nl", NL)
    assert path.read_bytes().decode() == before.replace(TAIL, f'\n[film.subtitles]\nnl = "{NL}"\n' + TAIL)


def test_set_subtitles_result_loads_through_check(small_catalogue: Callable[[], Path], settings: Settings) -> None:
    path = small_catalogue()
    text = path.read_text("utf-8")
    without = text.replace(f'[film.subtitles]\nnl = "{NL}"\n\n', "")
    assert without != text
    path.write_text(without, "utf-8")
    set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False)
    assert path.read_text("utf-8") == text.replace(f'nl = "{NL}"', WHISPER)

    def check() -> Report:
        return check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))

    report = check()  # the backup beside it is no cut list
    assert report.errors == [] and [c.path for c in report.cutlists] == [path]
    film = report.cutlists[0].film
    assert film.subtitles == {"nl": (path.parent / NL).resolve()}
    assert film.machine_made_unreviewed("nl") == "whisper base"
    set_reviewed(path, "nl")
    assert path.read_text("utf-8") == text.replace(f'nl = "{NL}"', WHISPER.replace("false", "true"))
    assert check().cutlists[0].film.machine_made_unreviewed("nl") == ""


@pytest.mark.parametrize(("file", "made_by"), [
    ('../transcripts/"film" \\ nl.vtt', 'whisper "base"'),
    ("../transcripts/film\tnl.vtt", "whisper base\n# not a comment"),
    ("../transcripts/fïlm ü.vtt", "ʍhisper"),
])
def test_set_subtitles_quotes_what_it_writes(tmp_path: Path, file: str, made_by: str) -> None:
    path = write(tmp_path / "film.toml", HEAD + TAIL)
    set_subtitles(path, "nl", file, made_by=made_by, reviewed=False)
    data = tomllib.loads(path.read_text("utf-8"))
    assert data["film"]["subtitles"] == {"nl": {"file": file, "made_by": made_by, "reviewed": False}}
    assert data["clip"][0]["id"] == "eerste"


def test_set_subtitles_again_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "film.toml", CASES["no subtitles yet"][1])
    stamp = path.stat().st_mtime_ns
    assert set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False) is None
    assert path.stat().st_mtime_ns == stamp and backups(tmp_path) == []


def test_set_subtitles_keeps_a_backup_of_each_version(tmp_path: Path) -> None:
    path = write(tmp_path / "film.toml", HEAD + TAIL)
    first = set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False)
    middle = path.read_bytes()
    second = set_subtitles(path, "nl", NL, made_by="whisper small", reviewed=False)
    assert first is not None and second is not None and first != second
    assert re.fullmatch(r"film\.toml\.\d{8}-\d{6}(-2)?\.bak", first.name)
    assert re.fullmatch(r"film\.toml\.\d{8}-\d{6}(-2)?\.bak", second.name)
    assert (first.read_text("utf-8"), second.read_bytes()) == (HEAD + TAIL, middle)
    assert backups(tmp_path) == sorted([first, second])
    assert sorted(tmp_path.glob("*.toml")) == [path]  # how cut lists are found: the backups are not


def test_set_subtitles_refuses_a_cut_list_changed_meanwhile(tmp_path: Path) -> None:
    path = write(tmp_path / "film.toml", HEAD + TAIL)
    read_earlier = path.read_bytes()
    path.write_text(HEAD + 'credits = "SAM"\n' + TAIL, "utf-8")  # the editor saved meanwhile
    with pytest.raises(CutListEditError) as raised:
        set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False, expected=read_earlier)
    assert raised.value.path == path and str(path) in str(raised.value) and "changed" in str(raised.value)
    assert path.read_text("utf-8") == HEAD + 'credits = "SAM"\n' + TAIL and backups(tmp_path) == []
    assert set_subtitles(path, "nl", NL, expected=path.read_bytes()) is not None  # as read now: fine


@pytest.mark.parametrize(("text", "message"), [
    (HEAD + 'title = "twice"\n' + TAIL, "is not valid TOML"),
    (HEAD + "[[clip]\n", "is not valid TOML"),
    (TAIL, "has no [film] table"),
    ('[[film]]\nid = "a"\n', "has no [film] table"),
    ('film = "testfilm"\n', "has no [film] table"),
    (HEAD + 'subtitles = "film.nl.vtt"\n' + TAIL, "subtitles is not a table"),
])
def test_set_subtitles_refuses_what_it_cannot_edit(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "film.toml", text)
    with pytest.raises(CutListEditError) as raised:
        set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False)
    assert isinstance(raised.value, CatalogueError) and raised.value.path == path
    assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value)
    assert "nothing was changed" in str(raised.value)
    assert path.read_text("utf-8") == text and backups(tmp_path) == []


def test_set_subtitles_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "film.toml"
    path.write_bytes((HEAD + TAIL).replace("Testfilm", "Tëstfilm").encode("latin-1"))
    with pytest.raises(CutListEditError, match="is not UTF-8 text"):
        set_subtitles(path, "nl", NL)
    assert backups(tmp_path) == []


def test_set_subtitles_missing_cut_list(tmp_path: Path) -> None:
    with pytest.raises(CutListEditError, match="cannot read the cut list"):
        set_subtitles(tmp_path / "weg.toml", "nl", NL)


# --- set_reviewed -------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "reviewed", "after"), [
    (f"{WHISPER}  # by the machine", True, f"{WHISPER.replace('false', 'true')}  # by the machine"),
    (WHISPER.replace("false", "true"), False, WHISPER),
    (f'nl = {{ file = "{NL}", made_by = "whisper base" }}', True,
     f'nl = {{ file = "{NL}", made_by = "whisper base", reviewed = true }}'),
    (f'nl = "{NL}"', False, f'nl = {{ file = "{NL}", reviewed = false }}'),
])
def test_set_reviewed_changes_only_that_field(tmp_path: Path, entry: str, reviewed: bool, after: str) -> None:
    before = HEAD + f'\n[film.subtitles]\nen = "en.vtt"\n{entry}\n' + TAIL
    path = write(tmp_path / "film.toml", before, newline="\r\n")
    backup = set_reviewed(path, "nl", reviewed)
    assert path.read_bytes() == before.replace(entry, after).replace("\n", "\r\n").encode()
    assert backup is not None and backup.read_bytes() == before.replace("\n", "\r\n").encode()


def test_set_reviewed_on_its_own_table(tmp_path: Path) -> None:
    table = '[film.subtitles.nl]\nfile = "nl.vtt"\nmade_by = "whisper base"\nreviewed = false  # not yet\n'
    path = write(tmp_path / "film.toml", HEAD + "\n" + table + TAIL)
    set_reviewed(path, "nl")
    assert path.read_text("utf-8") == HEAD + "\n" + table.replace("false", "true") + TAIL


@pytest.mark.parametrize(("entry", "reviewed"), [
    (f'nl = "{NL}"', True),  # a person's: reviewed already
    (WHISPER.replace("false", "true"), True),
    (WHISPER, False),
    (f'nl = {{ file = "{NL}", made_by = "whisper base" }}', False),  # no reviewed: what a machine made is not
    (f'nl = {{ file = "{NL}" }}', True),
])
def test_set_reviewed_when_already_so_writes_nothing(tmp_path: Path, entry: str, reviewed: bool) -> None:
    before = HEAD + f"\n[film.subtitles]\n{entry}\n" + TAIL
    path = write(tmp_path / "film.toml", before)
    assert set_reviewed(path, "nl", reviewed) is None
    assert path.read_text("utf-8") == before and backups(tmp_path) == []


@pytest.mark.parametrize(("subtitles", "message"), [
    ("", "has no [film.subtitles] nl"),
    ('\n[film.subtitles]\nen = "en.vtt"\n', "has no [film.subtitles] nl"),
    ("\n[film.subtitles]\nnl = 3\n", "is neither a file nor a table"),
])
def test_set_reviewed_needs_the_language(tmp_path: Path, subtitles: str, message: str) -> None:
    path = write(tmp_path / "film.toml", HEAD + subtitles + TAIL)
    with pytest.raises(CutListEditError, match=re.escape(message)):
        set_reviewed(path, "nl")
    assert backups(tmp_path) == []


def test_set_reviewed_refuses_a_cut_list_changed_meanwhile(tmp_path: Path) -> None:
    path = write(tmp_path / "film.toml", HEAD + f"\n[film.subtitles]\n{WHISPER}\n" + TAIL)
    with pytest.raises(CutListEditError, match="changed"):
        set_reviewed(path, "nl", expected=b"[film]\n")
    assert "reviewed = false" in path.read_text("utf-8")


@pytest.mark.parametrize("text", [
    'film.id = "testfilm"\nfilm.title = "Testfilm"  # dotted\n\n[[clip]]\nid = "eerste"\n',
    'film = { id = "testfilm", title = "Testfilm" }  # inline\n\n[[clip]]\nid = "eerste"\n',
])
def test_set_subtitles_in_a_film_written_without_its_own_table(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "film.toml", text)
    set_subtitles(path, "nl", NL, made_by="whisper base", reviewed=False)
    after = path.read_text("utf-8")
    data = tomllib.loads(after)
    assert data["film"] == {"id": "testfilm", "title": "Testfilm",
                            "subtitles": {"nl": {"file": NL, "made_by": "whisper base", "reviewed": False}}}
    assert data["clip"] == [{"id": "eerste"}]
    assert "# dotted" in after or "# inline" in after
