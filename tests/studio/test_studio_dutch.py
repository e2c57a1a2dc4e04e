"""The studio's Dutch for the English messages of `check`, the subtitle reader, lint and the editors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.cutlist import check_cutlists
from catalogue.errors import TimecodeError
from catalogue.media import probe_cached
from catalogue.studio.dutch import dutch, where
from catalogue.subtitles import lint_cues
from catalogue.model import Cue
from catalogue.timecode import parse_timecode
from catalogue.subtitles import VttCue, VttDocument, VttEditError
from conftest import write_cutlist, write_vtt
from test_studio_app import NEW, Studio, studio  # noqa: F401  (the fixture)

# --- (1) real messages, and the Dutch the page shows ---------------------------------------------

CASES = [
    ("00:00:10.040 cuts through the nl cue 00:00:10.000–00:00:11.500 ('Tot de volgende keer'); nearest cue "
     "boundary: 00:00:10.000",
     "00:00:10.040 snijdt door de nl-cue 00:00:10.000–00:00:11.500 ('Tot de volgende keer'); "
     "dichtstbijzijnde cuegrens: 00:00:10.000"),
    ("00:00:13.000 is past the end of the film (00:00:12.000)", "00:00:13.000 ligt na het einde van de film (00:00:12.000)"),
    ("00:00:02.000 is not after start 00:00:03.000", "00:00:02.000 ligt niet na het begin 00:00:03.000"),
    ("unknown theme 'rekrutring' (did you mean 'rekrutering'?)", "onbekend thema 'rekrutring' (bedoel je 'rekrutering'?)"),
    ("unknown theme 'x'; define it with [[theme]]", "onbekend thema 'x'; definieer het met [[theme]]"),
    ("must not be empty", "mag niet leeg zijn"),
    ("clip is 500 ms long; a clip lasts at least 1 s", "de clip duurt 500 ms; een clip duurt minstens 1 s"),
    ("reading speed 20 characters/second (at most 17)", "leessnelheid 20 tekens per seconde (hoogstens 17)"),
    ("shown 500 ms (at least 800)", "500 ms in beeld (minstens 800)"),
    ("shown 7.5 s (at most 7 s)", "7.5 s in beeld (hoogstens 7 s)"),
    ("3 lines (at most 2)", "3 regels (hoogstens 2)"),
    ("a line longer than 42 characters", "een regel langer dan 42 tekens"),
    ("overlaps the cue at 00:00:01.000", "overlapt met de cue op 00:00:01.000"),
    ("unknown key (did you mean 'title'?)", "onbekende sleutel (bedoel je 'title'?)"),
    ("required key is missing", "verplichte sleutel ontbreekt"),
    ("invalid timecode '1:2:3:4': use hh:mm:ss.mmm, mm:ss.mmm, hh:mm:ss or a number of seconds",
     "ongeldige tijdcode '1:2:3:4': gebruik hh:mm:ss.mmm, mm:ss.mmm, hh:mm:ss of een aantal seconden"),
    ("invalid timecode '00:61:00': minutes must be below 60", "ongeldige tijdcode '00:61:00': de minuten moeten onder 60 blijven"),
    ("'Geen Slug' is not a slug: use lowercase letters, digits and single hyphens, e.g. 'buddys-vinden'",
     "'Geen Slug' is geen slug: gebruik kleine letters, cijfers en enkele koppeltekens, bijv. 'buddys-vinden'"),
    ("00:00:11.000 is outside the clip (00:00:07.000–00:00:09.500)",
     "00:00:11.000 ligt buiten de clip (00:00:07.000–00:00:09.500)"),
    ("duplicate clip id (also in /r/media/b.toml)", "dubbele clip-id (ook in /r/media/b.toml)"),
    ("not a WebVTT file: the first line must be 'WEBVTT' (line 1)",
     "geen WebVTT-bestand: de eerste regel moet 'WEBVTT' zijn (regel 1)"),
    ("ends (00:00:03.000) before it starts (00:00:04.000)", "eindigt (00:00:03.000) voordat hij begint (00:00:04.000)"),
    ("no such cue (the file has 3)", "die cue bestaat niet (het bestand heeft er 3)"),
    ("the edit would make the file invalid (cue ends before it starts)",
     "de bewerking zou het bestand ongeldig maken (de cue eindigt voordat hij begint)"),
    ("there is a clip with id 'eerste' already: choose another id", "er is al een clip met id 'eerste': kies een andere id"),
    ("has no clip with id 'weg' (deleted meanwhile?)", "heeft geen clip met id 'weg' (intussen verwijderd?)"),
    ("/r/media/film.toml: is not valid TOML (Expected '=' (at line 3, column 5)): fix that first (`catalogue "
     "check` shows where); nothing was changed",
     "/r/media/film.toml: is geen geldige TOML (Expected '=' (at line 3, column 5)): herstel dat eerst "
     "(`catalogue check` toont waar); er is niets gewijzigd"),
    ("/r/media/b.toml: clip 'x', field 'themes': unknown theme 'y'; define it with [[theme]]",
     "/r/media/b.toml: clip 'x', veld 'themes': onbekend thema 'y'; definieer het met [[theme]]"),
    ("write each clip as [[clip]]", "schrijf elke clip als [[clip]]"),
    ("/r/media/b.toml: session 'premiere', step 2, field 'clip': unknown clip 'tweed' (did you mean 'tweede'?)",
     "/r/media/b.toml: sessie 'premiere', stap 2, veld 'clip': onbekende clip 'tweed' (bedoel je 'tweede'?)"),
    ("/r/media/b.toml: session #1, field 'id': required key is missing",
     "/r/media/b.toml: sessie #1, veld 'id': verplichte sleutel ontbreekt"),
    ("only a discussion step has a minutes", "minutes hoort alleen bij een besprekingsstap"),
    ("00:00:02.000 is past the end of clip 'vierde' (00:00:01.500 long; times are clip time)",
     "00:00:02.000 ligt na het einde van clip 'vierde' (die 00:00:01.500 duurt; de tijden zijn cliptijd)"),
    ("unknown table; allowed: [film], [[theme]], [[clip]], [[session]]",
     "onbekende tabel; toegestaan: [film], [[theme]], [[clip]], [[session]]"),
    ("/r/media/b.toml: clip 'Geen Slug', field 'id': 'Geen Slug' is not a slug: use lowercase letters, digits and "
     "single hyphens, e.g. 'buddys-vinden'",
     "/r/media/b.toml: clip 'Geen Slug', veld 'id': 'Geen Slug' is geen slug: gebruik kleine letters, cijfers en "
     "enkele koppeltekens, bijv. 'buddys-vinden'"),
    ("must be a file path string, or a table { file = \"…\", made_by = \"…\", reviewed = false }",
     "moet een bestandspad (tekst) zijn, of een tabel { file = \"…\", made_by = \"…\", reviewed = false }"),
]


@pytest.mark.parametrize(("english", "expected"), CASES)
def test_dutch_renders_each_template_with_its_values_unchanged(english: str, expected: str) -> None:
    assert dutch(english) == expected


def test_dutch_keeps_what_it_does_not_know() -> None:
    assert dutch("something new went wrong") == "something new went wrong"
    assert dutch("De cut list is intussen gewijzigd.") == "De cut list is intussen gewijzigd."
    assert dutch("a: b: c") == "a: b: c"


def test_where_in_dutch() -> None:
    assert where("theme 'impact'") == "thema 'impact'"
    assert where("clip #2") == "clip #2"
    assert where("cue at 00:00:01.000") == "cue op 00:00:01.000"
    assert where("session 'les', step 3") == "sessie 'les', stap 3"
    assert where("session #2") == "sessie #2"


# --- (2) every message `check` and the VTT editor really produce is rendered ---------------------

BAD_CLIPS = '''
            [[clip]]
            id = "eerste"
            title = "Eerste"
            themes = ["rekrutring"]
            start = "00:00:00.800"
            end = "00:00:03.200"
            titel = "typo"

            [[clip]]
            id = "Geen Slug"
            themes = ["rekrutering"]
            start = "00:00:03.800"
            end = "00:00:03.900"

            [[clip]]
            id = "tweede"
            title = "Te laat"
            themes = ["rekrutering", "onbekend"]
            start = "00:01:70"
            end = "00:00:20.000"

            [[clip]]
            id = "derde"
            title = "Achterstevoren"
            themes = []
            start = "00:00:06.000"
            end = "00:00:05.000"

            [[clip]]
            id = "eerste"
            title = "Dubbel"
            themes = ["rekrutering"]
            start = "00:00:07.500"
            end = "00:00:09.000"
            poster = "00:00:10.000"

            [[theme]]
            id = "rekrutering"
            title = "Dubbel thema"

            [[themes]]
            id = "x"
'''

# every mistake of the teaching fields and [[session]] tables (issue 12) that `check` names
BAD_TEACHING = '''
            [[clip]]
            id = "vierde"
            title = "Vierde"
            themes = ["rekrutering"]
            start = "00:00:10.000"
            end = "00:00:11.500"
            learning_goal = 3
            questions = "Wat zie je?"

            [[clip]]
            id = "vijfde"
            title = "Vijfde"
            themes = ["rekrutering"]
            start = "00:00:10.000"
            end = "00:00:11.000"
            questions = ["Goed?", 2, " "]

            [[session]]
            id = "les"
            title = "Les"
            step = [
                { clip = "vierd" },
                { clip = "zzzzzz" },
                { clip = "vierde", start = 2 },
                { clip = "vierde", start = "00:00:01.500" },
                { clip = "vierde", end = 0 },
                { clip = "" },
                { clip = "vierde", questions = ["Wat?"] },
                { title = "Wat is dit?" },
                { clip = "vierde", minutes = 5 },
                { questions = ["Wat?"], start = 1 },
                { discussion = "ja" },
                { discussion = true, questions = ["Wat?"] },
                { questions = [] },
                { questions = ["Wat?"], minutes = 0 },
                { discussion = true },
            ]

            [[session]]
            id = "leeg"
            title = "Leeg"

            [[session]]
            id = "les"
            title = "Nog een les"
            step = "vierde"

            [[session]]
            id = "new"
            title = "Nieuw"
            [[session.step]]
            clip = "vijfde"
'''


def test_every_message_of_check_is_rendered(tmp_path: Path, small_catalogue: Callable[..., Path]) -> None:
    cutlist = small_catalogue(BAD_CLIPS + BAD_TEACHING)
    write_vtt(tmp_path / "transcripts" / "film.nl.vtt", [
        ("00:00:01.000", "00:00:01.500", "Veel te veel tekst voor zo'n korte cue om te lezen"),
        ("00:00:01.200", "00:00:09.500", "Een regel die veel langer is dan tweeënveertig tekens, echt\ntwee\ndrie"),
    ])
    other = write_cutlist(tmp_path / "media" / "ander.toml", '''
        [film]
        id = "testfilm"
        title = ""
        video = "weg.mp4"
        language = "nl"

        [film.subtitles]
        en = "../transcripts/kapot.vtt"
        fr = "../transcripts/nul\\u0000.vtt"

        [[session]]
        id = "leeg"
        title = "Ook leeg"
        step = []
        ''')
    third = write_cutlist(tmp_path / "media" / "derde.toml", '''
        [session]
        id = "enkel"

        [overig]
        x = 1
        ''')
    (tmp_path / "transcripts" / "kapot.vtt").write_text("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhallo\n", "utf-8")
    report = check_cutlists([cutlist, other, third], lambda p: probe_cached(p, tmp_path / "probe", save=False))
    problems = report.errors + report.warnings
    messages = [p.message for p in problems]
    wanted = ["did you mean", "required key is missing", "invalid timecode", "is not after start", "ms long",
              "past the end", "unknown theme", "duplicate clip id", "duplicate theme id", "duplicate film id",
              "not a slug", "outside the clip", "file not found", "must not be empty", "(line ", "cuts through",
              "reading speed", "a line longer", "lines (at most", "shown ", "overlaps", "name at least one theme",
              "unknown table; allowed", "must be a list of questions", "write each session", "write each step",
              "at least one step", "not both", "say what the step is", "only a clip step", "only a discussion step",
              "name a clip id", "must be true (no quotes)", "name at least one question", "whole number of minutes",
              "cannot be a session id", "duplicate session id (also in", "duplicate session id", "have no questions",
              "(did you mean 'vierde'?)", "unknown clip 'zzzzzz'", "past the end of clip", "is the end of clip",
              "after the clip's start", "contains a NUL character"]
    for part in wanted:
        assert any(part in m for m in messages), (part, messages)
    for message in messages:
        assert dutch(message) != message, message
    for problem in problems:  # the whole line, as the studio shows a problem of another clip or a session
        rendered = dutch(str(problem))
        assert rendered.startswith(f"{problem.file}: {where(problem.where)}"), rendered
        assert ", field '" not in rendered and ", step " not in rendered, rendered
    assert any(where(p.where).startswith("sessie 'les', stap ") for p in problems)


def test_every_lint_warning_is_rendered() -> None:
    cues = [Cue(0, 400, "kort"), Cue(300, 9000, "x" * 50 + "\ntwee\ndrie"),
            Cue(9000, 9500, "Veel te veel tekst voor een halve seconde")]
    messages = [m for _, m in lint_cues(cues)]
    assert len({m.split(" ")[0] for m in messages}) >= 4, messages
    for message in messages:
        assert dutch(message) != message, message


def test_timecode_errors_are_rendered() -> None:
    for value in ("1:2:3:4", -1, float("inf"), "00:61:00", "00:00:61", True):
        with pytest.raises(TimecodeError) as refused:
            parse_timecode(value)
        assert dutch(str(refused.value)) != str(refused.value), refused.value


SAMPLE = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHallo daar\n\n00:00:04.000 --> 00:00:06.000\n"
          "Tweede\n\n00:00:07.000 --> 00:00:09.000\nDerde cue\n")
REFUSED = [
    lambda d: d.replace(0, VttCue(4000, 3000, "x")),
    lambda d: d.replace(0, VttCue(-1, 3000, "x")),
    lambda d: d.replace(0, VttCue(0, 3000, " \n \n")),
    lambda d: d.replace(0, VttCue(0, 3000, "x", "NOTE dit")),
    lambda d: d.replace(0, VttCue(0, 3000, "x", "a --> b")),
    lambda d: d.replace(0, VttCue(0, 3000, "x", settings="align:middle")),
    lambda d: d.replace(0, VttCue(0, 3000, "<v Sara -->x")),
    lambda d: d.replace(0, VttCue(0, 3000, "\ud800")),
    lambda d: d.replace(3, VttCue(0, 3000, "x")),
    lambda d: d.delete(-1),
    lambda d: d.split(0, 4000),
    lambda d: d.split(0, 2000, text_before="a"),
    lambda d: d.split(1, 5000),
    lambda d: d.merge_with_next(2),
]


@pytest.mark.parametrize("change", REFUSED)
def test_every_refused_vtt_edit_is_rendered(tmp_path: Path, change: Callable[[VttDocument], object]) -> None:
    path = tmp_path / "film.nl.vtt"
    path.write_text(SAMPLE, "utf-8")
    with pytest.raises(VttEditError) as refused:
        change(VttDocument.read(path))
    assert dutch(refused.value.reason) != refused.value.reason, refused.value.reason
    assert dutch(str(refused.value)) != str(refused.value)


# --- (3) through the API --------------------------------------------------------------------------


def test_a_refused_clip_shows_dutch_at_its_field(studio: Studio) -> None:  # noqa: F811
    status, answer = studio.save({**NEW, "start_ms": 9600})
    assert status == 422, answer
    assert {"field": "end", "message": "00:00:09.500 ligt niet na het begin 00:00:09.600"} in answer["errors"]  # type: ignore[operator]


def test_an_unknown_theme_and_a_taken_id_show_dutch(studio: Studio) -> None:  # noqa: F811
    status, answer = studio.save({**NEW, "themes": ["rekrutring"]})
    assert status == 422, answer
    assert {"field": "themes", "message": "onbekend thema 'rekrutring' (bedoel je 'rekrutering'?)"} in answer["errors"]  # type: ignore[operator]
    status, answer = studio.save({**NEW, "id": "eerste"})
    assert status == 422
    assert all("dubbele clip-id" in e["message"] or "er is al een clip" in e["message"]  # type: ignore[index, union-attr]
               for e in answer["errors"]), answer  # type: ignore[union-attr]


def test_a_warning_of_a_saved_clip_is_dutch(studio: Studio) -> None:  # noqa: F811
    status, answer = studio.save({**NEW, "start_ms": 7500})
    assert status == 200, answer
    assert any(w.startswith("00:00:07.500 snijdt door de nl-cue 00:00:07.000–00:00:09.500")
               for w in answer["warnings"]), answer  # type: ignore[union-attr]
