"""Saving and deleting clips in a cut list: exactly that change on disk, the editor's layout kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from catalogue.cutlist.clip_edits import ClipEditError, ClipNotFoundError, delete_clip, plan_clip, plan_delete_clip, save_clip
from catalogue.cutlist.editing import CutListChangedError
from catalogue.errors import CutListEditError
from catalogue.model import Clip, Theme

HEAD = '''\
# Cut list: Testfilm (Margot). Keep the ids stable!
[film]
id = "testfilm"   # in every URL
title = "Testfilm"
video = "film.mp4"
language = "nl"

[film.subtitles]
nl = "../transcripts/film.nl.vtt"

# ---- themes ----
[[theme]]
id = "rekrutering"
title = "Rekrutering"

# ---- clips ----
'''
FIRST = '''\
[[clip]]   # the first clip
id = "eerste"
title = "Eerste clip"  # working title
themes = ["rekrutering"]
start = "0:00.8"
end = "00:00:03.200"
'''
SECOND = '''\
# about the second
[[clip]]
id = "tweede"
title = "Tweede clip"
themes = ["rekrutering"]
start = "00:00:03.800"
end = "00:00:06.400"
# under its last line
'''
END = "\n# the end\n"
TEXT = HEAD + FIRST + "\n" + SECOND + END
NEW = '''\
[[clip]]
id = "derde"
title = "Derde"
themes = ["rekrutering"]
start = "00:00:07.000"
end = "00:00:09.500"
'''
PATH = Path("film.toml")


def clip(clip_id: str = "derde", **changes: object) -> Clip:
    values: dict[str, object] = {"id": clip_id, "film_id": "", "title": "Derde", "themes": ("rekrutering",),
                                 "start_ms": 7000, "end_ms": 9500}
    return Clip(**{**values, **changes})  # type: ignore[arg-type]


def write(path: Path, text: str, *, newline: str = "\n", bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode("utf-8"))
    return path


def test_plan_clip_appends_a_new_clip_after_the_last_one() -> None:
    after = plan_clip(PATH, TEXT.encode(), clip()).decode()
    assert after == HEAD + FIRST + "\n" + SECOND + "\n" + NEW + END


def test_plan_clip_writes_optional_fields_only_when_given() -> None:
    full = clip(description='Een "quote"\nen meer', speakers=("Sara", "Ahmed"), poster_ms=8000)
    after = plan_clip(PATH, TEXT.encode(), full).decode()
    assert after.endswith(NEW + 'description = "Een \\"quote\\"\\nen meer"\nspeakers = ["Sara", "Ahmed"]\n'
                                'poster = "00:00:08.000"\n' + END)
    assert tomllib.loads(after)["clip"][-1]["description"] == 'Een "quote"\nen meer'


def test_plan_clip_adds_new_themes_after_the_last_theme() -> None:
    new = clip(themes=("rekrutering", "nieuw"))
    after = plan_clip(PATH, TEXT.encode(), new, new_themes=[Theme("nieuw", "Nieuw thema")]).decode()
    theme = '\n[[theme]]\nid = "nieuw"\ntitle = "Nieuw thema"\n'
    assert after.startswith(HEAD.replace('title = "Rekrutering"\n', 'title = "Rekrutering"\n' + theme))
    assert tomllib.loads(after)["clip"][-1]["themes"] == ["rekrutering", "nieuw"]


def test_plan_clip_changes_only_the_changed_value_keeping_its_comment() -> None:
    changed = clip("eerste", title="Eerste clip", start_ms=800, end_ms=3240)  # start 0:00.8 is 800 ms: kept
    after = plan_clip(PATH, TEXT.encode(), changed, original_id="eerste").decode()
    assert after == TEXT.replace('end = "00:00:03.200"', 'end = "00:00:03.240"')
    retitled = plan_clip(PATH, TEXT.encode(), clip("eerste", title="Nieuw", start_ms=800, end_ms=3200),
                         original_id="eerste").decode()
    assert retitled == TEXT.replace('title = "Eerste clip"  # working title', 'title = "Nieuw"  # working title')


def test_plan_clip_adds_and_removes_optional_fields() -> None:
    with_poster = plan_clip(PATH, TEXT.encode(), clip("tweede", title="Tweede clip", start_ms=3800, end_ms=6400,
                                                      poster_ms=4000), original_id="tweede")
    # after the comment right under the last line: it stays with that line
    assert with_poster.decode() == TEXT.replace("# under its last line\n",
                                                '# under its last line\nposter = "00:00:04.000"\n')
    without = plan_clip(PATH, with_poster, clip("tweede", title="Tweede clip", start_ms=3800, end_ms=6400),
                        original_id="tweede")
    assert without.decode() == TEXT


def test_plan_clip_unchanged_is_the_same_bytes() -> None:
    same = clip("eerste", title="Eerste clip", start_ms=800, end_ms=3200)
    assert plan_clip(PATH, TEXT.encode(), same, original_id="eerste") == TEXT.encode()


@pytest.mark.parametrize(("original", "new", "field", "error"), [
    ("eerste", "anders", "id", ClipEditError),
    (None, "eerste", "id", ClipEditError),
    ("weg", "weg", "id", ClipNotFoundError),
])
def test_plan_clip_refuses_ids_that_do_not_fit(original: str | None, new: str, field: str,
                                               error: type[ClipEditError]) -> None:
    with pytest.raises(error) as raised:
        plan_clip(PATH, TEXT.encode(), clip(new), original_id=original)
    assert raised.value.field == field


def test_plan_clip_refuses_a_theme_that_exists() -> None:
    with pytest.raises(ClipEditError) as raised:
        plan_clip(PATH, TEXT.encode(), clip(), new_themes=[Theme("rekrutering", "Nog eens")])
    assert raised.value.field == "new_themes"


def test_plan_clip_refuses_clips_with_other_tables_between_them() -> None:
    text = HEAD + FIRST + '\n[[theme]]\nid = "later"\ntitle = "Later"\n\n' + SECOND
    with pytest.raises(CutListEditError, match="layout"):
        plan_clip(PATH, text.encode(), clip())


def test_plan_clip_into_a_cut_list_without_clips_or_themes() -> None:
    film = HEAD.split("\n# ---- themes", 1)[0]
    after = plan_clip(PATH, film.encode(), clip(), new_themes=[Theme("rekrutering", "Rekrutering")]).decode()
    assert after == film + '\n[[theme]]\nid = "rekrutering"\ntitle = "Rekrutering"\n\n' + NEW
    assert tomllib.loads(after)["clip"][0]["id"] == "derde"


def test_plan_clip_follows_clips_without_blank_lines_between() -> None:
    packed = HEAD + FIRST + SECOND.replace("# under its last line\n", "")
    after = plan_clip(PATH, packed.encode(), clip()).decode()
    assert after == packed + NEW


def test_plan_delete_clip_keeps_the_comments_that_lead_on() -> None:
    assert plan_delete_clip(PATH, TEXT.encode(), "tweede").decode() == HEAD + FIRST + "\n# about the second\n" + END
    assert plan_delete_clip(PATH, TEXT.encode(), "eerste").decode() == HEAD + "\n" + SECOND + END


def test_plan_delete_clip_of_the_last_clip_leaves_no_empty_array() -> None:
    text = HEAD + FIRST
    after = plan_delete_clip(PATH, text.encode(), "eerste").decode()
    assert after == HEAD
    assert "clip" not in tomllib.loads(after)


def test_plan_delete_clip_refuses_an_unknown_id() -> None:
    with pytest.raises(ClipNotFoundError):
        plan_delete_clip(PATH, TEXT.encode(), "../x")


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_save_clip_keeps_line_endings_and_bom(tmp_path: Path, newline: str, bom: bool) -> None:
    path = write(tmp_path / "film.toml", TEXT, newline=newline, bom=bom)
    backup = save_clip(path, clip())
    expected = (HEAD + FIRST + "\n" + SECOND + "\n" + NEW + END).replace("\n", newline).encode()
    assert path.read_bytes() == (b"\xef\xbb\xbf" if bom else b"") + expected
    assert backup is not None and backup.read_bytes() == write(tmp_path / "x", TEXT, newline=newline,
                                                               bom=bom).read_bytes()
    delete_clip(path, "derde")
    assert path.read_bytes() == (b"\xef\xbb\xbf" if bom else b"") + TEXT.replace("\n", newline).encode()


def test_save_clip_refuses_a_cut_list_changed_meanwhile(tmp_path: Path) -> None:
    path = write(tmp_path / "film.toml", TEXT)
    read_earlier = path.read_bytes()
    path.write_text(TEXT.replace("Eerste clip", "Eerste (Ahmed)"), "utf-8")
    with pytest.raises(CutListChangedError):
        save_clip(path, clip(), expected=read_earlier)
    with pytest.raises(CutListChangedError):
        delete_clip(path, "eerste", expected=read_earlier)
    assert "Eerste (Ahmed)" in path.read_text("utf-8")
    assert not list(tmp_path.glob("*.bak"))
