"""Cut list rules (PRODUCT §2): every problem named with file, clip or theme id and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA, DEFAULT_CLIPS, write_cutlist, write_vtt

from catalogue.cutlist.loading import Report, check_cutlists
from catalogue.errors import CutListError, Problem
from catalogue.model import SubtitleSource
from catalogue.media import probe_cached
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
    ('video = "film.mp4"', 'video = "film\\u0000.mp4"', "video", "contains a NUL character"),  # found by hypothesis
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


# --- [film.subtitles] as a table: who made them, whether a person reviewed them ---------------

NL_LINE = 'nl = "../transcripts/film.nl.vtt"'
NL_FILE = 'file = "../transcripts/film.nl.vtt"'


@pytest.mark.parametrize(("entry", "source", "flagged"), [
    (NL_LINE, SubtitleSource("", True), ""),
    (f"nl = {{ {NL_FILE} }}", SubtitleSource("", True), ""),
    (f'nl = {{ {NL_FILE}, made_by = "whisper base" }}', SubtitleSource("whisper base", False), "whisper base"),
    (f'nl = {{ {NL_FILE}, made_by = "whisper base", reviewed = false }}', SubtitleSource("whisper base", False),
     "whisper base"),
    (f'nl = {{ {NL_FILE}, made_by = "whisper base", reviewed = true }}', SubtitleSource("whisper base", True), ""),
    (f'nl = {{ {NL_FILE}, made_by = "", reviewed = true }}', SubtitleSource("", True), ""),
])
def test_check_cutlists_subtitles_say_who_made_them(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                                    tmp_path: Path, entry: str, source: SubtitleSource,
                                                    flagged: str) -> None:
    report = check(rewrite(small_catalogue(), NL_LINE, entry))
    assert report.errors == [] and report.warnings == []
    [cutlist] = report.cutlists
    assert cutlist.film.subtitles == {"nl": (tmp_path / "transcripts" / "film.nl.vtt").resolve()}
    assert cutlist.film.subtitle_sources == {"nl": source}
    assert cutlist.film.machine_made_unreviewed("nl") == flagged
    assert cutlist.film.machine_made_unreviewed("en") == ""  # a language it has no subtitles in
    assert len(report.cues[("testfilm", "nl")]) == 3  # read and checked like any other


def test_check_cutlists_subtitles_as_their_own_table(small_catalogue: MakeCatalogue,
                                                     check: Callable[..., Report]) -> None:
    report = check(rewrite(small_catalogue(), NL_LINE,
                           f'\n[film.subtitles.nl]\n{NL_FILE}\nmade_by = "whisper small"\nreviewed = false\n'))
    assert report.errors == []
    assert report.catalogue().cutlists[0].film.machine_made_unreviewed("nl") == "whisper small"


@pytest.mark.parametrize(("entry", "field", "message"), [
    (f'nl = {{ {NL_FILE}, reviwed = true }}', "subtitles.nl.reviwed", "unknown key (did you mean 'reviewed'?)"),
    (f'nl = {{ {NL_FILE}, madeby = "whisper" }}', "subtitles.nl.madeby", "unknown key (did you mean 'made_by'?)"),
    (f'nl = {{ {NL_FILE}, kleur = "rood" }}', "subtitles.nl.kleur", "unknown key; allowed: file, made_by, reviewed"),
    (f'nl = {{ {NL_FILE}, reviewed = "no" }}', "subtitles.nl.reviewed", "must be true or false (no quotes), not 'no'"),
    (f'nl = {{ {NL_FILE}, reviewed = 1 }}', "subtitles.nl.reviewed", "must be true or false (no quotes), not 1"),
    (f'nl = {{ {NL_FILE}, made_by = 3 }}', "subtitles.nl.made_by", "must be a string, not int"),
    ('nl = { made_by = "whisper base" }', "subtitles.nl.file", "required key is missing"),
    ('nl = { file = 3 }', "subtitles.nl.file", "must be a string, not int"),
    ('nl = { file = " " }', "subtitles.nl.file", "must not be empty"),
    ('nl = { file = "../transcripts/weg.nl.vtt" }', "subtitles.nl.file", "file not found:"),
    ('nl = { file = "film.mp4" }', "subtitles.nl.file", "film.mp4: use a .vtt or .srt file"),
    ("nl = 3", "subtitles.nl", "must be a file path string, or a table { file = "),
    ('nl = ""', "subtitles.nl", "must not be empty"),
])
def test_check_cutlists_bad_subtitle_entry(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                           entry: str, field: str, message: str) -> None:
    report = check(rewrite(small_catalogue(), NL_LINE, entry))
    assert message in one(report.errors, "film", field)


def test_check_cutlists_every_subtitle_problem_is_reported(small_catalogue: MakeCatalogue,
                                                           check: Callable[..., Report]) -> None:
    path = rewrite(small_catalogue(), NL_LINE,
                   'nl = { fiel = "x.vtt", made_by = 1, reviewed = "ja" }\n'
                   'en = { file = "../transcripts/film.nl.vtt", reviewd = false }\n'
                   'Frans = "../transcripts/film.nl.vtt"')
    assert {p.field for p in check(path).errors} == {
        "subtitles.nl.fiel", "subtitles.nl.file", "subtitles.nl.made_by", "subtitles.nl.reviewed",
        "subtitles.en.reviewd", "subtitles.Frans"}


def test_check_cutlists_unreviewed_without_made_by_is_a_warning(small_catalogue: MakeCatalogue,
                                                                check: Callable[..., Report]) -> None:
    report = check(rewrite(small_catalogue(), NL_LINE, f"nl = {{ {NL_FILE}, reviewed = false }}"))
    assert report.errors == []
    assert "say what made them with made_by" in one(report.warnings, "film", "subtitles.nl.reviewed")
    film = report.catalogue().cutlists[0].film
    assert film.subtitle_sources["nl"] == SubtitleSource("", False)
    assert film.machine_made_unreviewed("nl") == ""  # nothing says a machine made them
