"""Audio descriptions as cues (pure): which run into speech even said briskly, and the descriptive
transcript's order and text."""

from __future__ import annotations

from catalogue.model import Cue
from catalogue.subtitles import brisk_ms, descriptive_transcript, fit_problems, transcript_lines

SPEECH = [Cue(1000, 3000, "<v Ann>Welkom."), Cue(6000, 8000, "Verder.")]


def test_brisk_speech_is_about_eighteen_characters_a_second():
    assert brisk_ms("x" * 36) == 2000 and brisk_ms("  twee   woorden ") == brisk_ms("twee woorden")


def test_a_description_warns_only_when_it_runs_into_speech():
    fits = Cue(3100, 5900, "Ann knikt.")  # 10 characters in 2.9 s
    long = Cue(3100, 5900, "Ann staat op, loopt naar het raam en kijkt lang naar buiten.")  # 3.4 s
    talking = Cue(2000, 2500, "Ja.")
    after_all_speech = Cue(8500, 9000, "Een heel lange beschrijving na het einde van alle spraak in de film.")
    problems = fit_problems([fits, long, talking, after_all_speech], SPEECH)
    assert [(p.cue, p.room_ms, p.speech_at_ms) for p in problems] == [(long, 2900, 6000), (talking, 0, 2000)]
    assert "someone is speaking when it starts" in problems[1].message


def test_the_descriptive_transcript_is_in_time_order_descriptions_marked():
    lines = descriptive_transcript(SPEECH, [Cue(6000, 6500, "Zij lacht."), Cue(3500, 5000, "Ann\nknikt.")])
    assert [(line.start_ms, line.description) for line in lines] == [(1000, False), (3500, True), (6000, True),
                                                                     (6000, False)]
    assert transcript_lines(SPEECH, [Cue(3500, 5000, "Ann\nknikt.")]) == [
        "[0:01] Ann: Welkom.", "[0:03] Beschrijving: Ann knikt.", "[0:06] Verder."]
