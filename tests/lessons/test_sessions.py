"""Sessions (issue 12): a session in its URL reads back as itself, whatever its texts; bad URLs are
named by step; themes become sessions; steps resolve to clips and times."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from catalogue.cutlist import Catalogue
from catalogue.model import Clip, ClipStep, CutList, DiscussionStep, Film, Session, SessionStep, Theme
from catalogue.lessons.sessions import (
    DEFAULT_TITLE,
    DISCUSSION_TITLE,
    MAX_STEPS,
    SessionError,
    find_session,
    parse_session_query,
    resolve,
    session_query,
    theme_session,
    total_duration_ms,
)

GRENZEN = Clip("grenzen-stellen", "film-een", "Grenzen stellen", ("grenzen",), 50_000, 130_000,
               questions=("Waar ligt jouw grens?",))
BUDDYS = Clip("buddys-vinden", "film-een", "Buddy's vinden", ("rekrutering", "grenzen"), 10_000, 40_000,
              questions=("Hoe vond jij je buddy?", "Wat werkt?"), learning_goal="Je kent kanalen.")
ELDERS = Clip("elders", "film-twee", "Elders", ("grenzen",), 0, 20_000)
PREMIERE = Session("premiere", "Première", (ClipStep("buddys-vinden"), DiscussionStep(("Wat zie je?",), 10)))
CATALOGUE = Catalogue(
    (CutList(Path("een.toml"), Film("film-een", "Film een", Path("een.mp4"), "nl"),
             (Theme("grenzen", "Grenzen", "Over grenzen.", introduction="Zo geef je deze les."),
              Theme("rekrutering", "Rekrutering", "Over werven.")),
             (GRENZEN, BUDDYS), (PREMIERE,)),  # written out of film order
     CutList(Path("twee.toml"), Film("film-twee", "Film twee", Path("twee.mp4"), "nl"), (), (ELDERS,))),
    (Theme("grenzen", "Grenzen", "Over grenzen.", introduction="Zo geef je deze les."),
     Theme("rekrutering", "Rekrutering", "Over werven.")))


# --- the URL round trip ---------------------------------------------------------------------------

def test_session_query_is_compact_and_readable() -> None:
    session = Session("", "Mijn les", (ClipStep("buddys-vinden"), ClipStep("grenzen-stellen", 10_000, 75_500),
                                       DiscussionStep(("Wat zie je?", "Wat zou jij doen?"), 10, "Bespreking")))
    assert session_query(session) == ("t=Mijn+les&s=c.buddys-vinden&s=c.grenzen-stellen~10-75.5"
                                      "&s=d.10.Bespreking%7CWat+zie+je%3F%7CWat+zou+jij+doen%3F")
    assert parse_session_query(session_query(session), CATALOGUE) == session


_TEXT = st.text(st.characters(codec="utf-8"), max_size=80)
_TRIMMED = _TEXT.map(str.strip).filter(bool)


@st.composite
def _clip_steps(draw: st.DrawFn) -> ClipStep:
    clip = draw(st.sampled_from(CATALOGUE.clips))
    start = draw(st.none() | st.integers(0, clip.duration_ms - 1))
    end = draw(st.none() | st.integers((start or 0) + 1, clip.duration_ms))
    return ClipStep(clip.id, start, end)


_DISCUSSIONS = st.builds(DiscussionStep, st.lists(_TEXT.filter(str.strip), max_size=4).map(tuple),
                         st.none() | st.integers(1, 180), _TEXT)
_SESSIONS = st.builds(Session, st.just(""), _TRIMMED, st.lists(_clip_steps() | _DISCUSSIONS, max_size=8).map(tuple),
                      st.just("") | _TRIMMED, st.just("") | _TRIMMED)


@settings(max_examples=300, deadline=None)
@given(_SESSIONS)
def test_parse_session_query_reads_session_query_back(session: Session) -> None:
    query = session_query(session)
    assert parse_session_query(query, CATALOGUE) == session
    assert parse_session_query(f"https://example.org/sessions/new?{query}#stap-2", CATALOGUE) == session
    assert parse_session_query(QueryParams(query), CATALOGUE) == session  # what a Starlette request has
    assert parse_session_query(urllib.parse.parse_qs(query), CATALOGUE) == session


@pytest.mark.parametrize("text", ["a|b", "a\\|b", "\\", "a\\", "|", "||", "a.b~c-d", "x & y = z?", "50% + 1 #2",
                                  "vraag\nop twee regels", "Wat ís dát? 🙂", "  spaties rondom  "])
def test_session_query_keeps_any_question_and_title(text: str) -> None:
    session = Session("", "Les", (DiscussionStep((text, "tweede"), 5, text),))
    assert parse_session_query(session_query(session), CATALOGUE) == session


def test_session_query_of_twenty_steps_fits_in_a_url() -> None:
    question = "Welke afspraken over geld en cadeaus heeft jouw project met de buddy's?"
    steps: list[SessionStep] = [ClipStep("grenzen-stellen", 12_300, 61_700),
                                DiscussionStep((question, question), 10, "Bespreking")] * 10
    query = session_query(Session("", "Vormingsdag voor nieuwe buddy's", tuple(steps)))
    assert len(query) < 4000, len(query)  # browsers and servers take 8 KiB


def test_parse_session_query_defaults_and_leniency() -> None:
    session = parse_session_query("utm_source=nieuwsbrief&s=c.elders&t=++", CATALOGUE)
    assert session == Session("", DEFAULT_TITLE, (ClipStep("elders"),))
    assert parse_session_query({}, CATALOGUE) == Session("", DEFAULT_TITLE, ())
    assert parse_session_query({"t": "Les", "s": ["d.5", "c.elders~2-"]}, CATALOGUE).steps == (
        DiscussionStep((), 5), ClipStep("elders", 2000, None))
    assert parse_session_query("s=d..|Wat%3F|%20|", CATALOGUE).steps == (DiscussionStep(("Wat?",)),)


@pytest.mark.parametrize(("query", "step", "dutch", "english"), [
    ("s=c.elders&s=c.nergens", 2, "Stap 2: onbekende clip 'nergens'", "step 2: unknown clip 'nergens'"),
    ("s=c.Elders%3Cb%3E", 1, "Stap 1: onbekende clip 'Elders<b>'", "step 1: unknown clip"),
    ("s=c.grenzen-stelen", 1, "Stap 1: onbekende clip 'grenzen-stelen' (bedoel je 'grenzen-stellen'?)",
     "step 1: unknown clip 'grenzen-stelen' (did you mean 'grenzen-stellen'?)"),
    ("s=c.elders~5-5", 1, "Stap 1: de tijden 5–5 s vallen niet binnen clip 'elders' (0–20 s)", "step 1: times 5-5 s"),
    ("s=c.elders~-21", 1, "Stap 1: de tijden 0–21 s vallen niet binnen", "are not within clip 'elders'"),
    ("s=c.elders~20-", 1, "Stap 1: de tijden 20–20 s", "step 1: times"),
    ("s=c.elders~vijf-tien", 1, "Stap 1: ongeldige tijden 'vijf-tien'", "step 1: invalid times"),
    ("s=c.elders~5", 1, "Stap 1: ongeldige tijden '5'", "write ~start-end in seconds"),
    ("s=c.elders~-1-5", 1, "Stap 1: ongeldige tijden", "invalid times"),
    ("s=d.0.|Wat%3F", 1, "Stap 1: de minuten moeten een geheel getal van 1 tot 180 zijn, niet '0'", "minutes must be"),
    ("s=d.181", 1, "Stap 1: de minuten", "not '181'"),
    ("s=d.tien", 1, "Stap 1: de minuten", "not 'tien'"),
    ("s=x.iets", 1, "Stap 1: onbekende soort stap 'x.iets'", "step 1: unknown kind of step"),
    ("s=buddys-vinden", 1, "Stap 1: onbekende soort stap", "'c.' is a clip, 'd.' a discussion"),
    ("s=d.5.|" + "v" * 501, 1, "Stap 1: vraag 1 is te lang (501 tekens; hoogstens 500)", "question 1 is too long"),
    ("s=d.5." + "t" * 201, 1, "Stap 1: de titel is te lang", "the title is too long"),
    ("s=d.5." + "|v" * 21, 1, "Stap 1: te veel vragen (21; hoogstens 20)", "too many questions"),
    ("t=" + "t" * 201, None, "De titel is te lang (201 tekens; hoogstens 200)", "the title is too long"),
    ("&".join(["s=c.elders"] * (MAX_STEPS + 1)), None, "Te veel stappen (51); een sessie heeft er hoogstens 50",
     "too many steps (51)"),
])
def test_parse_session_query_names_what_is_wrong(query: str, step: int | None, dutch: str, english: str) -> None:
    with pytest.raises(SessionError) as caught:
        parse_session_query(query, CATALOGUE)
    assert caught.value.step == step
    assert caught.value.dutch.startswith(dutch), caught.value.dutch
    assert english in caught.value.english
    assert str(caught.value) == f"{caught.value.dutch} ({caught.value.english})"


# --- cut-list sessions, themes as sessions, resolving -----------------------------------------------

def test_find_session() -> None:
    assert find_session(CATALOGUE, "premiere") is PREMIERE
    assert find_session(CATALOGUE, "grenzen") is None


def test_theme_session_plays_the_theme_in_film_order_with_a_talk_after_clips_with_questions() -> None:
    session = theme_session(CATALOGUE, "grenzen")
    assert (session.id, session.title, session.description) == ("theme:grenzen", "Grenzen", "Zo geef je deze les.")
    assert session.steps == (ClipStep("buddys-vinden"), DiscussionStep(BUDDYS.questions, 5),
                             ClipStep("grenzen-stellen"), DiscussionStep(GRENZEN.questions, 5),
                             ClipStep("elders"))
    assert theme_session(CATALOGUE, "rekrutering").description == "Over werven."  # no introduction
    with pytest.raises(SessionError, match="unknown theme 'nergens'"):
        theme_session(CATALOGUE, "nergens")


def test_resolve_gives_clips_times_and_questions() -> None:
    session = Session("", "Les", (ClipStep("buddys-vinden"), ClipStep("grenzen-stellen", 10_000, 25_000),
                                  ClipStep("grenzen-stellen", 70_000), DiscussionStep(("Wat?",), 10),
                                  DiscussionStep((), None, "Pauze")))
    whole, part, tail, talk, pause = resolve(session, CATALOGUE)
    assert (whole.number, whole.kind, whole.clip, whole.title) == (1, "clip", BUDDYS, "Buddy's vinden")
    assert (whole.start_ms, whole.end_ms, whole.duration_ms, whole.partial) == (0, 30_000, 30_000, False)
    assert (whole.film_start_ms, whole.film_end_ms, whole.questions) == (10_000, 40_000, BUDDYS.questions)
    assert (part.start_ms, part.end_ms, part.film_start_ms, part.film_end_ms) == (10_000, 25_000, 60_000, 75_000)
    assert part.partial and part.duration_ms == 15_000
    assert (tail.start_ms, tail.end_ms, tail.film_end_ms) == (70_000, 80_000, 130_000)
    assert (talk.kind, talk.clip, talk.title, talk.questions, talk.minutes) == (
        "discussion", None, DISCUSSION_TITLE, ("Wat?",), 10)
    assert talk.duration_ms == 600_000 and pause.duration_ms == 0 and pause.title == "Pauze"
    assert total_duration_ms([whole, part, tail, talk, pause]) == 30_000 + 15_000 + 10_000 + 600_000


def test_resolve_names_a_clip_the_catalogue_lost() -> None:
    with pytest.raises(SessionError) as caught:
        resolve(Session("x", "X", (DiscussionStep(()), ClipStep("weg"))), CATALOGUE)
    assert caught.value.step == 2 and "unknown clip 'weg'" in str(caught.value)
