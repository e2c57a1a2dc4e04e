"""Cut list rules (PRODUCT §2): every problem named with file, clip or theme id and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA, DEFAULT_CLIPS, write_cutlist, write_vtt

from catalogue.cutlist import Report, check_cutlists
from catalogue.errors import CutListError, Problem
from catalogue.probecache import probe_cached
from catalogue.settings import Settings

MakeCatalogue = Callable[..., Path]


@pytest.fixture
def check(settings: Settings) -> Callable[..., Report]:
    """check_cutlists with the real (cached) ffmpeg prober."""
    return lambda *paths: check_cutlists(list(paths), lambda p: probe_cached(p, settings.probe_dir))


def rewrite(path: Path, old: str, new: str) -> Path:
    """Replace one exact piece of the cut list, failing loudly if it is not there once."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), "utf-8")
    return path


def one(problems: list[Problem], where: str, field: str) -> str:
    """The message of the single problem at `where`/`field`."""
    found = [p.message for p in problems if (p.where, p.field) == (where, field)]
    assert len(found) == 1, f"{where}/{field} in {[str(p) for p in problems]}"
    return found[0]


def clip(id: str = "derde", *, themes: str = '["rekrutering"]', start: str = '"00:00:07.000"',
         end: str = '"00:00:09.500"', extra: str = "") -> str:
    """A [[clip]] table (in place of the default two, or added to DEFAULT_CLIPS)."""
    return (f'\n[[clip]]\nid = "{id}"\ntitle = "Clip {id}"\nthemes = {themes}\n'
            f"start = {start}\nend = {end}\n{extra}\n")


def other_film(root: Path, body: str) -> Path:
    """A second film's cut list in the same catalogue, with the same video and no themes of its own."""
    return write_cutlist(root / "media" / "andere.toml", f'''
        [film]
        id = "andere-film"
        title = "Andere film"
        video = "film.mp4"
        language = "nl"
        {body}''')


def test_check_cutlists_clean_cutlist_has_no_problems(small_catalogue: MakeCatalogue,
                                                     check: Callable[..., Report]) -> None:
    report = check(small_catalogue())
    assert report.errors == [] and report.warnings == []
    catalogue = report.catalogue()
    assert [c.id for c in catalogue.clips] == ["eerste", "tweede"]
    assert {t.id for t in catalogue.themes} == {"rekrutering", "omgaan-met-grenzen"}
    assert len(report.cues[("testfilm", "nl")]) == 3


@pytest.mark.parametrize(("written", "expected_ms"), [
    ('"00:00:01.500"', 1500), ('"0:01.5"', 1500), ('"00:00:02"', 2000), ('"1.25"', 1250), ("2", 2000), ("1.5", 1500),
])
def test_check_cutlists_keeps_times_as_int_ms(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                             written: str, expected_ms: int) -> None:
    report = check(small_catalogue(clip("derde", start=written, end="11")))
    derde = report.catalogue().clips[-1]
    assert (derde.start_ms, derde.end_ms) == (expected_ms, 11000)
    assert type(derde.start_ms) is int and type(derde.end_ms) is int


@pytest.mark.parametrize(("old", "new", "where", "field", "hint"), [
    ('language = "nl"', 'language = "nl"\ntitel = "x"', "film", "titel", "did you mean 'title'"),
    ('title = "Rekrutering"', 'title = "Rekrutering"\nkleur = "rood"', "theme 'rekrutering'",
     "kleur", "unknown key; allowed: id, title, description"),
    ('start = "00:00:00.800"', 'strat = "00:00:00.800"', "clip 'eerste'", "strat", "did you mean 'start'"),
    ('language = "nl"', 'language = "nl"\n\n[[clips]]\nid = "x"', "cut list", "clips", "did you mean 'clip'"),
])
def test_check_cutlists_unknown_key_is_an_error(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                               old: str, new: str, where: str, field: str, hint: str) -> None:
    report = check(rewrite(small_catalogue(), old, new))
    message = one(report.errors, where, field)
    assert message.startswith("unknown") and hint in message


@pytest.mark.parametrize(("line", "where", "field"), [
    ('id = "testfilm"', "film", "id"),
    ('title = "Testfilm"', "film", "title"),
    ('video = "film.mp4"', "film", "video"),
    ('language = "nl"', "film", "language"),
    ('id = "rekrutering"', "theme #1", "id"),
    ('title = "Rekrutering"', "theme 'rekrutering'", "title"),
    ('id = "eerste"', "clip #1", "id"),
    ('title = "Eerste clip"', "clip 'eerste'", "title"),
    ('themes = ["rekrutering"]', "clip 'eerste'", "themes"),
    ('start = "00:00:00.800"', "clip 'eerste'", "start"),
    ('end = "00:00:03.200"', "clip 'eerste'", "end"),
])
def test_check_cutlists_required_key_missing(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                            line: str, where: str, field: str) -> None:
    report = check(rewrite(small_catalogue(), line, ""))
    assert one(report.errors, where, field) == "required key is missing"


@pytest.mark.parametrize(("old", "new", "where", "field", "message"), [
    ('title = "Eerste clip"', "title = 3", "clip 'eerste'", "title", "must be a string, not int"),
    ('themes = ["rekrutering"]', 'themes = "rekrutering"', "clip 'eerste'", "themes", "must be a list of strings"),
    ('themes = ["rekrutering"]', "themes = []", "clip 'eerste'", "themes", "name at least one theme"),
    ('title = "Eerste clip"', 'title = "x"\nspeakers = "Sara"', "clip 'eerste'", "speakers",
     "must be a list of strings"),
    ('title = "Testfilm"', "title = 3", "film", "title", "must be a string, not int"),
    ('title = "Rekrutering"', 'title = ""', "theme 'rekrutering'", "title", "must not be empty"),
    ('[film.subtitles]\nnl = "../transcripts/film.nl.vtt"', 'subtitles = "film.nl.vtt"', "film", "subtitles",
     "must be a table"),
])
def test_check_cutlists_wrong_type_is_an_error(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                              old: str, new: str, where: str, field: str, message: str) -> None:
    report = check(rewrite(small_catalogue(), old, new))
    assert message in one(report.errors, where, field)


@pytest.mark.parametrize("start", ['"1:2:3:4"', '"00:61:00"', '"00:00:75"', '"abc"', '""', "-1", "true"])
def test_check_cutlists_invalid_timecode(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                        start: str) -> None:
    report = check(small_catalogue(clip("derde", start=start)))
    assert one(report.errors, "clip 'derde'", "start").startswith("invalid timecode")


@pytest.mark.parametrize(("start", "end", "field", "message"), [
    ("5", "2", "end", "00:00:02.000 is not after start 00:00:05.000"),
    ("5", "5", "end", "is not after start"),
    ("1", "1.999", "end", "clip is 999 ms long; a clip lasts at least 1 s"),
    ("10", "13", "end", "00:00:13.000 is past the end of the film (00:00:12.000)"),
    ('"strat"', "13", "end", "past the end of the film"),  # an invalid start hides nothing
])
def test_check_cutlists_bad_clip_span(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                     start: str, end: str, field: str, message: str) -> None:
    report = check(small_catalogue(clip("derde", start=start, end=end)))
    assert message in one(report.errors, "clip 'derde'", field)


def test_check_cutlists_clip_of_exactly_one_second_ending_at_the_film_end_is_fine(
        small_catalogue: MakeCatalogue, check: Callable[..., Report]) -> None:
    assert check(small_catalogue(clip("derde", start="11", end="12"))).errors == []


@pytest.mark.parametrize(("poster", "ok"), [("1", False), ("7", True), ('"00:00:09.400"', True), ("9.5", False)])
def test_check_cutlists_poster_inside_the_clip(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                              poster: str, ok: bool) -> None:
    report = check(small_catalogue(clip("derde", extra=f"poster = {poster}")))
    if ok:
        assert report.errors == []
    else:
        assert "is outside the clip (00:00:07.000–00:00:09.500)" in one(report.errors, "clip 'derde'", "poster")


@pytest.mark.parametrize(("old", "new", "where"), [
    ('id = "testfilm"', 'id = "Test Film"', "film"),
    ('id = "rekrutering"', 'id = "rekrutering-"', "theme 'rekrutering-'"),
    ('id = "eerste"', 'id = "eerste_clip"', "clip 'eerste_clip'"),
])
def test_check_cutlists_id_must_be_a_slug(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                         old: str, new: str, where: str) -> None:
    report = check(rewrite(small_catalogue(), old, new))
    assert "is not a slug" in one(report.errors, where, "id")


def test_check_cutlists_duplicate_ids_in_one_file(small_catalogue: MakeCatalogue,
                                                 check: Callable[..., Report]) -> None:
    path = rewrite(small_catalogue(), 'id = "tweede"', 'id = "eerste"')
    rewrite(path, 'id = "omgaan-met-grenzen"', 'id = "rekrutering"')
    report = check(path)
    assert one(report.errors, "clip 'eerste'", "id") == "duplicate clip id"
    assert one(report.errors, "theme 'rekrutering'", "id") == "duplicate theme id"


def test_check_cutlists_duplicate_clip_id_across_films(small_catalogue: MakeCatalogue, tmp_path: Path,
                                                      check: Callable[..., Report]) -> None:
    first = small_catalogue()
    second = other_film(tmp_path, clip("eerste", start="7", end="9"))
    report = check(first, second)
    [problem] = report.errors
    assert (problem.file, problem.where, problem.field) == (second, "clip 'eerste'", "id")
    assert problem.message == f"duplicate clip id (also in {first})"


def test_check_cutlists_theme_from_another_film_is_the_same_theme(small_catalogue: MakeCatalogue, tmp_path: Path,
                                                                 check: Callable[..., Report]) -> None:
    second = other_film(tmp_path, clip("andere", themes='["omgaan-met-grenzen"]')
                        + '\n[[theme]]\nid = "rekrutering"\ntitle = "Werving"\n')
    report = check(small_catalogue(), second)
    assert report.errors == []
    themes = report.catalogue().themes
    assert [t.id for t in themes] == ["rekrutering", "omgaan-met-grenzen"]
    assert themes[0].title == "Rekrutering"  # the first definition wins


@pytest.mark.parametrize(("theme", "message"), [
    ("rekruteren", "unknown theme 'rekruteren' (did you mean 'rekrutering'?)"),
    ("impact", "unknown theme 'impact'; define it with [[theme]]"),
])
def test_check_cutlists_unknown_theme(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                     theme: str, message: str) -> None:
    report = check(small_catalogue(clip("derde", themes=f'["rekrutering", "{theme}"]')))
    assert one(report.errors, "clip 'derde'", "themes") == message


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ('video = "film.mp4"', 'video = "geen-film.mp4"', "video", "file not found:"),
    ('nl = "../transcripts/film.nl.vtt"', 'nl = "../transcripts/weg.nl.vtt"', "subtitles.nl", "file not found:"),
    ('nl = "../transcripts/film.nl.vtt"', 'nl = "film.mp4"', "subtitles.nl", "film.mp4: use a .vtt or .srt file"),
    ('nl = "../transcripts/film.nl.vtt"', 'Nederlands = "../transcripts/film.nl.vtt"', "subtitles.Nederlands",
     "not a language code"),
])
def test_check_cutlists_film_files(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                  old: str, new: str, field: str, message: str) -> None:
    report = check(rewrite(small_catalogue(), old, new))
    assert message in one(report.errors, "film", field)


def test_check_cutlists_malformed_cue_names_subtitle_file_and_line(small_catalogue: MakeCatalogue, tmp_path: Path,
                                                                  check: Callable[..., Report]) -> None:
    path = small_catalogue()
    vtt = write_vtt(tmp_path / "transcripts" / "film.nl.vtt", [
        ("00:00:01.000", "00:00:03.000", "Een"), ("00:00:04.000", "00:00:06.00", "Twee")])  # line 6
    [problem] = check(path).errors
    assert (problem.file, problem.where, problem.field) == (vtt, "film", "subtitles.nl")
    assert "malformed cue timing" in problem.message and problem.message.endswith("(line 6)")


def test_check_cutlists_invalid_toml_names_the_line(check: Callable[..., Report]) -> None:
    [problem] = check(DATA / "invalid_toml.toml").errors
    assert (problem.where, problem.field) == ("cut list", "")
    assert problem.message.startswith("invalid TOML") and "line 3" in problem.message


def test_check_cutlists_missing_film_table_still_checks_the_clips(check: Callable[..., Report]) -> None:
    report = check(DATA / "no_film_table.toml")
    assert one(report.errors, "cut list", "film") == "the [film] table is missing"
    assert "did you mean 'start'" in one(report.errors, "clip 'zonder-film'", "strat")
    assert {(p.where, p.field) for p in report.errors} == {
        ("cut list", "film"), ("clip 'zonder-film'", "strat"), ("clip 'zonder-film'", "start")}


def test_check_cutlists_missing_file(tmp_path: Path, check: Callable[..., Report]) -> None:
    [problem] = check(tmp_path / "nergens.toml").errors
    assert (problem.file, problem.where, problem.message) == (tmp_path / "nergens.toml", "cut list", "file not found")


def test_check_cutlists_reports_every_violation(small_catalogue: MakeCatalogue, tmp_path: Path,
                                               check: Callable[..., Report]) -> None:
    path = small_catalogue(DEFAULT_CLIPS
                           + clip("derde", themes='["rekruteren"]', start='"7"', end="13", extra="description = 3")
                           + clip("eerste", start='"00:00:07.5"', end='"00:00:06"')
                           + clip("Vierde", start="1", end="1.5", extra='speakers = "Sara"\npostr = 1'))
    rewrite(path, 'start = "00:00:00.800"', 'strat = "00:00:00.800"')
    rewrite(path, 'video = "film.mp4"', 'video = "film.mp4"\ntaal = "nl"')
    second = other_film(tmp_path, clip("tweede", themes='["impact"]'))
    report = check(path, second)
    expected = {
        (path, "film", "taal"),
        (path, "clip 'eerste'", "strat"), (path, "clip 'eerste'", "start"),
        (path, "clip 'derde'", "description"), (path, "clip 'derde'", "end"), (path, "clip 'derde'", "themes"),
        (path, "clip 'eerste'", "end"), (path, "clip 'eerste'", "id"),
        (path, "clip 'Vierde'", "id"), (path, "clip 'Vierde'", "speakers"), (path, "clip 'Vierde'", "postr"),
        (path, "clip 'Vierde'", "end"),
        (second, "clip 'tweede'", "id"), (second, "clip 'tweede'", "themes"),
    }
    found = {(p.file, p.where, p.field) for p in report.errors}
    assert found == expected
    with pytest.raises(CutListError) as raised:
        report.catalogue()
    assert raised.value.problems == report.errors
    assert f"{len(expected)} errors in the cut list" in str(raised.value)


def test_check_cutlists_subtitle_lint_is_a_warning(small_catalogue: MakeCatalogue, tmp_path: Path,
                                                  check: Callable[..., Report]) -> None:
    path = small_catalogue()
    vtt = write_vtt(tmp_path / "transcripts" / "film.nl.vtt", [
        ("00:00:01.000", "00:00:03.000", "Een"),
        ("00:00:04.000", "00:00:04.500", "Deze regel is veel te lang om nog prettig te lezen op een scherm"),
    ])
    report = check(path)
    assert report.errors == []
    lint = [p for p in report.warnings if p.where == "cue at 00:00:04.000"]
    assert {p.file for p in lint} == {vtt}
    messages = " | ".join(p.message for p in lint)
    for part in ("reading speed", "longer than 42 characters", "shown 500 ms (at least 800)"):
        assert part in messages


@pytest.mark.parametrize(("start", "end", "field", "message"), [
    ("1.5", "3.5", "start", "00:00:01.500 cuts through the nl cue 00:00:01.000–00:00:03.000 ('Een buddy & een "
                            "nieuwkomer'); nearest cue boundary: 00:00:01.000"),
    ("3.5", "5.8", "end", "00:00:05.800 cuts through the nl cue 00:00:04.000–00:00:06.000 ('Grenzen trekken is "
                          "moeilijk'); nearest cue boundary: 00:00:06.000"),
])
def test_check_cutlists_clip_cutting_through_a_cue_is_a_warning(small_catalogue: MakeCatalogue,
                                                               check: Callable[..., Report], start: str, end: str,
                                                               field: str, message: str) -> None:
    report = check(small_catalogue(clip("derde", start=start, end=end)))
    assert report.errors == []
    assert one(report.warnings, "clip 'derde'", field) == message
