"""The cut list's teaching metadata and [[session]] tables (issue 12): read into the model, and every
mistake named by file, clip, theme or session (and step) and field, like every other cut-list error."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEFAULT_CLIPS, write_cutlist

from catalogue.cutlist.loading import Report, check_cutlists
from catalogue.demo.generator import FILM_ID, make_demo, plan_timeline
from catalogue.demo.lessons import INTRODUCTIONS, SESSIONS, TEACHING
from catalogue.demo.script import THEMES
from catalogue.errors import Problem
from catalogue.media.runner import ffmpeg_exe
from catalogue.model import ClipStep, DiscussionStep
from catalogue.media import probe_cached
from catalogue.settings import Settings

MakeCatalogue = Callable[..., Path]

TEACHING_CLIP = '''
[[clip]]
id = "derde"
title = "Derde clip"
themes = ["rekrutering"]
start = "00:00:07.000"
end = "00:00:09.500"
learning_goal = "Je weet waarom verankering tijd vraagt."
questions = ["Wie neemt het project over?", "Wat heb je daarvoor nodig?"]
audience = "Coördinatoren"
'''


def session(body: str, id: str = "les") -> str:
    """A [[session]] table with steps written as `[[session.step]]` tables in `body`."""
    return f'\n[[session]]\nid = "{id}"\ntitle = "Les {id}"\n{body}\n'


def step(body: str) -> str:
    return f"\n[[session.step]]\n{body}\n"


@pytest.fixture
def check(settings: Settings) -> Callable[..., Report]:
    return lambda *paths: check_cutlists(list(paths), lambda p: probe_cached(p, settings.probe_dir))


def problems_at(report: Report, where: str) -> dict[str, str]:
    """field -> message of the errors at `where`."""
    return {p.field: p.message for p in report.errors if p.where == where}


def test_check_cutlists_reads_teaching_metadata(small_catalogue: MakeCatalogue,
                                               check: Callable[..., Report]) -> None:
    cutlist = small_catalogue(DEFAULT_CLIPS + TEACHING_CLIP)
    text = cutlist.read_text("utf-8").replace('title = "Rekrutering"\n',
                                              'title = "Rekrutering"\nintroduction = "Over werven. "\n', 1)
    cutlist.write_text(text, "utf-8")
    report = check(cutlist)
    assert report.errors == []
    catalogue = report.catalogue()
    derde = catalogue.clips[-1]
    assert derde.learning_goal == "Je weet waarom verankering tijd vraagt."
    assert derde.questions == ("Wie neemt het project over?", "Wat heb je daarvoor nodig?")
    assert derde.audience == "Coördinatoren"
    assert catalogue.clips[0].questions == () and catalogue.clips[0].learning_goal == ""
    assert [t.introduction for t in catalogue.themes] == ["Over werven.", ""]


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ('questions = ["Wie neemt het project over?", "Wat heb je daarvoor nodig?"]',
     'questions = ["Wie neemt het project over?", 3]', "questions[2]", "must be a string, not int"),
    ('questions = ["Wie neemt het project over?", "Wat heb je daarvoor nodig?"]',
     'questions = ["  ", "Wat?"]', "questions[1]", "must not be empty"),
    ('questions = ["Wie neemt het project over?", "Wat heb je daarvoor nodig?"]',
     'questions = "Wie neemt het project over?"', "questions", "must be a list of questions"),
    ('learning_goal = "Je weet waarom verankering tijd vraagt."', "learning_goal = 42",
     "learning_goal", "must be a string, not int"),
    ('audience = "Coördinatoren"', 'audience = ["buddy\'s"]', "audience", "must be a string, not list"),
    ('learning_goal = "', 'learning_goals = "', "learning_goals", "unknown key (did you mean 'learning_goal'?)"),
    ('questions = [', 'question = [', "question", "unknown key (did you mean 'questions'?)"),
])
def test_check_cutlists_bad_teaching_metadata_names_clip_and_field(
        small_catalogue: MakeCatalogue, check: Callable[..., Report], old: str, new: str, field: str,
        message: str) -> None:
    report = check(small_catalogue(TEACHING_CLIP.replace(old, new)))
    found = problems_at(report, "clip 'derde'")
    assert field in found and found[field].startswith(message), report.errors
    assert len(report.errors) == 1, report.errors


def test_check_cutlists_bad_theme_introduction(small_catalogue: MakeCatalogue, check: Callable[..., Report]) -> None:
    cutlist = small_catalogue()
    cutlist.write_text(cutlist.read_text("utf-8").replace(
        'title = "Rekrutering"\n', 'title = "Rekrutering"\nintroduction = 1\nintroductie = "x"\n', 1), "utf-8")
    found = problems_at(check(cutlist), "theme 'rekrutering'")
    assert found == {"introduction": "must be a string, not int",
                     "introductie": "unknown key (did you mean 'introduction'?)"}


def test_check_cutlists_reads_sessions(small_catalogue: MakeCatalogue, check: Callable[..., Report]) -> None:
    body = (DEFAULT_CLIPS + TEACHING_CLIP
            + session('description = "Een les."\naudience = "Buddy\'s"'
                      + step('clip = "eerste"') + step('clip = "derde"\nstart = "0:00.5"\nend = 2')
                      + step("discussion = true\nminutes = 10")
                      + step('questions = ["Nog iets?"]\ntitle = "Afsluiting"'), id="premiere")
            + session(step('clip = "tweede"\nend = "00:00:01.000"'), id="kort"))
    report = check(small_catalogue(body))
    assert report.errors == []
    catalogue = report.catalogue()
    premiere, kort = catalogue.sessions
    assert (premiere.id, premiere.title, premiere.description, premiere.audience) == (
        "premiere", "Les premiere", "Een les.", "Buddy's")
    assert premiere.steps == (
        ClipStep("eerste"), ClipStep("derde", 500, 2000),
        DiscussionStep(("Wie neemt het project over?", "Wat heb je daarvoor nodig?"), 10),  # the clips' questions
        DiscussionStep(("Nog iets?",), None, "Afsluiting"))
    assert kort.steps == (ClipStep("tweede", None, 1000),)
    assert catalogue.cutlists[0].sessions == (premiere, kort)


def test_check_cutlists_discussion_takes_only_the_questions_since_the_previous_one(
        small_catalogue: MakeCatalogue, check: Callable[..., Report]) -> None:
    twice = TEACHING_CLIP.replace('id = "derde"', 'id = "vierde"')
    body = (DEFAULT_CLIPS + TEACHING_CLIP + twice
            + session(step('clip = "derde"') + step('clip = "vierde"') + step("discussion = true")
                      + step('clip = "eerste"') + step("discussion = true")))
    report = check(small_catalogue(body))
    assert problems_at(report, "session 'les', step 5") == {
        "discussion": 'the clips since the previous discussion step have no questions: write questions = ["…"]'}
    assert not any(p.where.startswith("session 'les', step 3") for p in report.errors)


@pytest.mark.parametrize(("steps", "where", "field", "message"), [
    (step('clip = "eerst"'), "step 1", "clip", "unknown clip 'eerst' (did you mean 'eerste'?)"),
    (step('clip = "nergens"'), "step 1", "clip", "unknown clip 'nergens'"),
    (step('clip = "eerste"\nquestions = ["Wat?"]'), "step 1", "", "a step is either a clip step"),
    (step('minutes = 5'), "step 1", "", "say what the step is: a clip step"),
    (step('clip = "eerste"\nstart = "0:02"\nend = "0:01"'), "step 1", "end", "00:00:01.000 is not after start"),
    (step('clip = "eerste"\nend = "0:03"'), "step 1", "end", "00:00:03.000 is past the end of clip 'eerste'"),
    (step('clip = "eerste"\nstart = "00:00:02.400"'), "step 1", "start", "00:00:02.400 is the end of clip"),
    (step('clip = "eerste"\nstart = "-1"'), "step 1", "start", "invalid timecode"),
    (step('clip = "eerste"\nstrat = "0:01"'), "step 1", "strat", "unknown key (did you mean 'start'?)"),
    (step('clip = "eerste"\nminutes = 5'), "step 1", "minutes", "only a discussion step has a minutes"),
    (step('clip = ""'), "step 1", "clip", "must not be empty"),
    (step('clip = 7'), "step 1", "clip", "must be a string, not int"),
    (step('questions = ["Wat?"]\nstart = 1'), "step 1", "start", "only a clip step has a start"),
    (step('questions = ["Wat?", 2]'), "step 1", "questions[2]", "must be a string, not int"),
    (step('questions = []'), "step 1", "questions", "name at least one question"),
    (step('questions = ["Wat?"]\nminutes = 0'), "step 1", "minutes", "must be a whole number of minutes from 1 to 180"),
    (step('questions = ["Wat?"]\nminutes = 7.5'), "step 1", "minutes", "must be a whole number"),
    (step('questions = ["Wat?"]\nminutes = true'), "step 1", "minutes", "must be a whole number"),
    (step('discussion = "ja"'), "step 1", "discussion", "must be true (no quotes)"),
    (step('discussion = true\nquestions = ["Wat?"]'), "step 1", "discussion", "write questions = […] or"),
    ("", "", "step", "a session needs at least one step"),
    ('step = "eerste"', "", "step", "write each step as [[session.step]]"),
])
def test_check_cutlists_bad_session_step_is_named(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                                 steps: str, where: str, field: str, message: str) -> None:
    report = check(small_catalogue(DEFAULT_CLIPS + session(steps)))
    place = "session 'les'" + (f", {where}" if where else "")
    found = problems_at(report, place)
    assert field in found and found[field].startswith(message), [str(p) for p in report.errors]


def test_check_cutlists_session_problem_reads_file_session_step_field(small_catalogue: MakeCatalogue,
                                                                      check: Callable[..., Report]) -> None:
    cutlist = small_catalogue(DEFAULT_CLIPS + session(step('clip = "eerste"') + step('clip = "tweed"'), "premiere"))
    (problem,) = check(cutlist).errors
    assert str(problem) == (f"{cutlist}: session 'premiere', step 2, field 'clip': "
                            "unknown clip 'tweed' (did you mean 'tweede'?)")


@pytest.mark.parametrize(("table", "where", "field", "message"), [
    ('[[session]]\ntitle = "Zonder id"\n[[session.step]]\nclip = "eerste"', "session #1", "id",
     "required key is missing"),
    ('[[session]]\nid = "Geen Slug"\ntitle = "x"\n[[session.step]]\nclip = "eerste"', "session 'Geen Slug'", "id",
     "'Geen Slug' is not a slug"),
    ('[[session]]\nid = "les"\n[[session.step]]\nclip = "eerste"', "session 'les'", "title",
     "required key is missing"),
    ('[[session]]\nid = "les"\ntitle = "x"\nkleur = "y"\n[[session.step]]\nclip = "eerste"', "session 'les'",
     "kleur", "unknown key; allowed: id, title, description, audience, step"),
    ('[session]\nid = "les"', "session", "", "write each session as [[session]]"),
])
def test_check_cutlists_bad_session_table(small_catalogue: MakeCatalogue, check: Callable[..., Report],
                                          table: str, where: str, field: str, message: str) -> None:
    found = problems_at(check(small_catalogue(DEFAULT_CLIPS + "\n" + table + "\n")), where)
    assert field in found and found[field].startswith(message), found


def test_check_cutlists_refuses_session_id_new(small_catalogue: MakeCatalogue, check: Callable[..., Report]) -> None:
    """/sessions/new is the URL-defined session: a cut-list session called `new` could never be opened."""
    play = step('clip = "eerste"')
    cutlist = small_catalogue(DEFAULT_CLIPS + session(play, "new") + session(play, "nieuw"))
    (problem,) = check(cutlist).errors
    assert str(problem) == (f"{cutlist}: session 'new', field 'id': 'new' cannot be a session id: /sessions/new is "
                            "the page of a session made in its URL, so this session could never be opened; choose "
                            "another id")


def test_check_cutlists_session_uses_clips_of_another_cut_list(small_catalogue: MakeCatalogue, tmp_path: Path,
                                                               check: Callable[..., Report]) -> None:
    first = small_catalogue(DEFAULT_CLIPS + session(step('clip = "eerste"'), "dubbel"))
    other = write_cutlist(tmp_path / "media" / "andere.toml", '''
        [film]
        id = "andere-film"
        title = "Andere film"
        video = "film.mp4"
        language = "nl"

        [[clip]]
        id = "elders"
        title = "Elders"
        themes = ["rekrutering"]
        start = 1
        end = 3
        ''' + session(step('clip = "eerste"') + step('clip = "elders"\nend = 2'), "gemengd")
        + session(step('clip = "elders"'), "dubbel"))
    report = check(first, other)
    assert report.errors == [Problem(other, "session 'dubbel'", "id", f"duplicate session id (also in {first})")]
    mixed = {s.id: s for s in report.cutlists[1].sessions}["gemengd"]
    assert mixed.steps == (ClipStep("eerste"), ClipStep("elders", None, 2000))


def test_check_cutlists_step_naming_a_broken_clip_is_not_called_unknown(small_catalogue: MakeCatalogue,
                                                                       check: Callable[..., Report]) -> None:
    broken = '\n[[clip]]\nid = "kapot"\ntitle = "Kapot"\nthemes = ["rekrutering"]\nstart = 5\nend = 4\n'
    report = check(small_catalogue(DEFAULT_CLIPS + broken + session(step('clip = "kapot"'))))
    assert [(p.where, p.field) for p in report.errors] == [("clip 'kapot'", "end")]


def test_check_command_names_a_bad_question_and_exits_1(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue(TEACHING_CLIP.replace('"Wat heb je daarvoor nodig?"', "2") + session(step('clip = "vierde"')))
    from catalogue.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 1, result.output
    assert "clip 'derde', field 'questions[2]': must be a string, not int" in result.output
    assert "session 'les', step 1, field 'clip': unknown clip 'vierde'" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_check_command_counts_the_sessions(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    play = step('clip = "eerste"')
    small_catalogue(DEFAULT_CLIPS + session(play, "een") + session(play + step('questions = ["Wat zag je?"]'), "twee"))
    from catalogue.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"])
    assert (result.exit_code, result.stdout) == (0, "OK: 1 cut list(s), 2 clips, 2 session(s), 0 warning(s).\n")


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The demo's texts over a cheap stand-in film as long as the demo's (no real encode)."""
    settings = Settings(root=tmp_path_factory.mktemp("demo"))
    film = settings.media_dir / "demo" / f"{FILM_ID}.mp4"
    film.parent.mkdir(parents=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    f"color=c=gray:s=64x36:r=1:d={plan_timeline().duration_ms / 1000}", "-c:v", "libx264",
                    str(film)], check=True)
    make_demo(settings)
    return check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))


def test_demo_every_clip_and_theme_has_teaching_metadata(demo_report: Report) -> None:
    assert demo_report.errors == [] and demo_report.warnings == []
    catalogue = demo_report.catalogue()
    assert {clip.id for clip in catalogue.clips} == set(TEACHING)
    for clip in catalogue.clips:
        assert clip.learning_goal and clip.audience and 2 <= len(clip.questions) <= 3, clip.id
    assert {theme.id: theme.introduction for theme in catalogue.themes} == INTRODUCTIONS


def test_demo_has_a_premiere_and_a_session_per_theme(demo_report: Report) -> None:
    sessions = {s.id: s for s in demo_report.catalogue().sessions}
    assert list(sessions) == [s.id for s in SESSIONS] == ["premiere", *(f"les-{t.id}" for t in THEMES)]
    premiere = sessions["premiere"].steps
    assert [s.clip_id for s in premiere if isinstance(s, ClipStep)] == [c.id for t in THEMES for c in t.clips]
    talks = [i for i, s in enumerate(premiere) if isinstance(s, DiscussionStep)]
    assert talks == [sum(len(t.clips) + 1 for t in THEMES[:n + 1]) - 1 for n in range(len(THEMES))]
    assert all(isinstance(s, DiscussionStep) and s.questions and s.minutes for s in (premiere[i] for i in talks))
    grenzen = sessions["les-omgaan-met-grenzen"].steps
    assert ClipStep("nabijheid-en-afstand", None, 12900) in grenzen
    assert ClipStep("nabijheid-en-afstand", 12900, None) in grenzen
    for s in sessions.values():
        assert "Demo" in s.description


def test_check_cutlists_reads_steps_written_inline(small_catalogue: MakeCatalogue,
                                                   check: Callable[..., Report]) -> None:
    inline = '\n[[session]]\nid = "kort"\ntitle = "Kort"\nstep = [{ clip = "eerste", end = 2 }, ' \
             '{ questions = ["Wat?"], minutes = 10 }]\n'
    report = check(small_catalogue(DEFAULT_CLIPS + inline))
    assert report.errors == []
    assert report.catalogue().sessions[0].steps == (ClipStep("eerste", None, 2000), DiscussionStep(("Wat?",), 10))
