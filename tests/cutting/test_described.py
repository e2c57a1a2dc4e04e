"""Audio descriptions through `cut`, on real media: the re-timed description VTTs, the described version
(speech over a ducked programme, the same sound outside the descriptions), its extension where a
description does not fit (the picture holds, captions re-timed), incremental rebuilds; and the pure plan."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from catalogue.cutlist import VoiceSettings, check_cutlists
from catalogue.cutting import build, plan_cut
from catalogue.cutting.described import (BREATH_MS, LEAD_MS, Hold, from_described, plan_described, retime_cues,
                                         to_described)
from catalogue.cutting.voice import VoiceError, find_voice, speak
from catalogue.media import probe_cached
from catalogue.media.runner import ffmpeg_exe, probe
from catalogue.model import Cue
from catalogue.settings import Settings
from catalogue.subtitles import read_cues
from conftest import (DESCRIBED_CAPTIONS, DESCRIBED_CUTLIST, DESCRIPTIONS, frame_levels, gray_level,
                      write_cutlist, write_vtt)

RATE = 48_000
SPEECH = DESCRIBED_CAPTIONS
FITS, TOO_LONG = DESCRIPTIONS  # one fits its pause; one does not (said in front of speech, and long)
CUTLIST = DESCRIBED_CUTLIST + '''
    [[clip]]
    id = "kort"
    title = "Kort"
    themes = ["rekrutering"]
    start = "00:00:02.000"
    end = "00:00:06.000"
'''


def make_root(root: Path, film: Path, descriptions: list[tuple[str, str, str]]) -> Settings:
    (root / "media").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(film, root / "media" / "film.mp4")
    write_vtt(root / "transcripts" / "film.nl.vtt", SPEECH)
    write_vtt(root / "transcripts" / "film.nl.descriptions.vtt", descriptions)
    write_cutlist(root / "media" / "film.toml", CUTLIST)
    return Settings(root=root)


def cut(settings: Settings):
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, unplannable = plan_cut(settings, report.catalogue(), report)
    assert not unplannable
    summary = build(settings, jobs)
    assert not summary.failed, summary.failed
    return summary


def record(settings: Settings, output: Path) -> dict:
    return json.loads((settings.build_dir / f"{output.relative_to(settings.root).as_posix()}.json").read_text())


def pcm(path: Path) -> np.ndarray:
    """The sound as heard, from time 0 (a clip's sound may start a few ms after its picture)."""
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-af", "aresample=async=1:first_pts=0",
                          "-f", "f32le", "-ac", "1", "-ar", str(RATE), "-"], check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype=np.float32)


def tone_and_rest(block: np.ndarray) -> tuple[float, float]:
    """The 440 Hz tone's amplitude in `block`, and the RMS of everything else (the voice)."""
    spectrum = np.fft.rfft(block)
    near = np.abs(np.fft.rfftfreq(len(block), 1 / RATE) - 440) < 40
    tone = float(np.abs(spectrum[near]).max()) * 2 / len(block)
    spectrum[near] = 0
    return tone, float(np.sqrt(np.mean(np.fft.irfft(spectrum, len(block)) ** 2)))


@pytest.fixture(scope="module")
def described(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Settings:
    settings = make_root(tmp_path_factory.mktemp("described"), gray_film, [FITS, TOO_LONG])
    cut(settings)
    return settings


# --- the pure plan --------------------------------------------------------------------------------


def test_a_description_that_fits_speaks_inside_its_cue_and_holds_nothing():
    plan = plan_described([Cue(2600, 5800, "Ann knikt.")], [1500], 11_000, 25.0)
    assert plan.holds == () and plan.duration_ms == 11_000
    (spoken,) = plan.spoken
    assert spoken.start_ms == 2600 + LEAD_MS and spoken.duck_start_ms == 2600
    assert spoken.duck_end_ms <= 5800


def test_a_description_that_does_not_fit_holds_the_picture_at_its_cue_end_for_whole_frames():
    plan = plan_described([Cue(8100, 9000, "lang")], [3900], 11_000, 25.0)
    (hold,) = plan.holds
    assert hold.at_ms == 9000 and hold.at_frame == 225
    overrun = 8100 + LEAD_MS + 3900 + BREATH_MS - 9000
    assert overrun <= hold.length_ms < overrun + 40 and hold.length_ms == hold.frames * 40
    assert plan.duration_ms == 11_000 + hold.length_ms
    assert plan.spoken[0].duck_end_ms <= 9000 + hold.length_ms


def test_times_map_through_the_holds_both_ways():
    holds = [Hold(3000, 25, 1000, 75), Hold(8000, 50, 2000, 200)]
    assert [to_described(t, holds) for t in (0, 2999, 3000, 7999, 8000, 9000)] == [0, 2999, 4000, 8999, 11000, 12000]
    assert [from_described(u, holds) for u in (2999, 3500, 4000, 10_000, 11_000, 12_000)] == \
        [2999, 3000, 3000, 8000, 8000, 9000]
    cues = retime_cues([Cue(1000, 3000, "voor"), Cue(2500, 3500, "over"), Cue(3000, 4000, "na")], holds)
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 3000), (2500, 4500), (4000, 5000)]


# --- the voice --------------------------------------------------------------------------------------


def test_the_library_from_pip_speaks_dutch():
    voice = find_voice(VoiceSettings(engine="library"))
    speech = speak(voice, "Ann knikt en glimlacht.")
    assert voice.engine == "library" and voice.version
    assert 800 < speech.duration_ms < 4000
    samples = np.frombuffer(speech.pcm, dtype="<i2")
    assert np.abs(samples).max() > 3000  # sound, not silence


def test_debian_espeak_ng_and_the_library_say_it_about_as_long():
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (make system installs it)")
    text = "Op het flipbord staat: samen sterker."
    program = speak(find_voice(VoiceSettings(engine="program")), text)
    library = speak(find_voice(VoiceSettings(engine="library")), text)
    assert abs(program.duration_ms - library.duration_ms) < 400  # trailing silence trimmed from both


def test_no_voice_at_all_is_a_clear_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(VoiceError, match="espeak-ng is not installed"):
        find_voice(VoiceSettings(engine="program"))
    with pytest.raises(VoiceError, match="no voice for language 'xx'"):
        speak(find_voice(VoiceSettings(language="xx", engine="library")), "tekst")


# --- cut, on real media ---------------------------------------------------------------------------


def test_cut_writes_the_descriptions_re_timed_per_clip(described: Settings):
    short = read_cues(described.clip_descriptions_vtt("kort", "nl"))
    assert [(c.start_ms, c.end_ms, c.plain) for c in short] == [(600, 3800, "Ann knikt en glimlacht.")]
    whole = read_cues(described.film_descriptions_vtt("testfilm", "nl"))
    assert [c.plain for c in whole] == [FITS[2], TOO_LONG[2]]


def test_the_described_version_differs_from_the_clip_exactly_inside_the_descriptions(described: Settings):
    clip, ad = pcm(described.clip_video("kort")), pcm(described.described_video("kort"))
    info = record(described, described.described_video("kort"))
    assert info["holds"] == []  # it fits: not extended
    assert abs(len(ad) - len(clip)) < RATE // 20
    cue_start, cue_end = 600, 3800  # clip time
    speech_end = cue_start + LEAD_MS + info["speech_ms"][0]
    block = RATE // 10
    for at in range(0, 4000 - 100, 100):
        a, b = clip[at * 48:at * 48 + block], ad[at * 48:at * 48 + block]
        if at + 100 <= cue_start or at >= cue_end:  # outside: the same sound (AAC encoded twice)
            assert np.sqrt(np.mean((a - b) ** 2)) < 0.05 * np.sqrt(np.mean(a ** 2)), at
        elif cue_start + LEAD_MS <= at and at + 100 <= speech_end:  # inside, while the voice speaks
            assert np.dot(a, b) / np.dot(a, a) < 0.45, at  # the programme in it lowered
    voice_part = slice((cue_start + LEAD_MS) * 48, speech_end * 48)
    a, b = clip[voice_part], ad[voice_part]
    assert 0.2 < np.dot(a, b) / np.dot(a, a) < 0.3  # ducked by 12 dB
    clip_rest, ad_rest = tone_and_rest(a)[1], tone_and_rest(b)[1]
    assert ad_rest > 0.02 and ad_rest > 20 * clip_rest  # and a voice speaks over it


def test_a_description_that_does_not_fit_extends_the_version_with_the_picture_held(described: Settings):
    video = described.described_video("beschreven")
    info = record(described, video)
    ((at_ms, hold_ms),) = info["holds"]
    assert at_ms == 9000  # the cue's end
    overrun = 8100 + LEAD_MS + info["speech_ms"][1] + BREATH_MS - 9000
    assert overrun <= hold_ms < overrun + 40
    assert abs(probe(video).duration_ms - (11_000 + hold_ms)) <= 50
    # the picture holds on the frame before the cue's end, then goes on where it was
    assert frame_levels(video, 1, at_s=(at_ms + hold_ms / 2) / 1000) == [pytest.approx(gray_level(224), abs=3)]
    assert frame_levels(video, 1, at_s=(at_ms + hold_ms) / 1000) == [pytest.approx(gray_level(225), abs=3)]
    # the programme's sound pauses meanwhile (the voice goes on over silence)
    ad, clip = pcm(video), pcm(described.clip_video("beschreven"))
    held = ad[(at_ms + hold_ms - 300) * 48:(at_ms + hold_ms - 200) * 48]
    assert tone_and_rest(held)[0] < 0.01
    after = (at_ms + hold_ms + 500) * 48
    assert np.sqrt(np.mean((ad[after:after + RATE // 10] - clip[9500 * 48:9600 * 48]) ** 2)) < 0.02
    # and its captions are re-timed: the one after the hold comes later by the hold
    captions = read_cues(described.described_vtt("beschreven", "nl"))
    assert [(c.start_ms, c.end_ms) for c in captions] == [(500, 2500), (6000, 8000),
                                                          (9200 + hold_ms, 10_600 + hold_ms)]


def test_an_unchanged_rerun_does_nothing_and_a_change_rebuilds_only_what_it_touches(tmp_path: Path,
                                                                                    gray_film: Path):
    settings = make_root(tmp_path, gray_film, [FITS])
    cut(settings)
    assert cut(settings).built == []
    write_vtt(settings.root / "transcripts" / "film.nl.descriptions.vtt", [FITS, TOO_LONG])
    rebuilt = {p.name for p in cut(settings).built}
    assert "kort.mp4" not in rebuilt and "beschreven.mp4" not in rebuilt
    assert {"beschreven.ad.mp4", "beschreven.nl.ad.vtt", "beschreven.nl.descriptions.vtt",
            "testfilm.ad.mp4"} <= rebuilt
    (settings.root / "site.toml").write_text("[voice]\nrate = 190\n", encoding="utf-8")
    rebuilt = {p.name for p in cut(settings).built}
    assert rebuilt == {"beschreven.ad.mp4", "beschreven.nl.ad.vtt", "kort.ad.mp4", "kort.nl.ad.vtt",
                       "testfilm.ad.mp4", "testfilm.nl.ad.vtt"}
    assert cut(settings).built == []


def test_the_voice_of_a_pip_only_install_speaks_in_the_described_version(tmp_path: Path, gray_film: Path):
    settings = make_root(tmp_path, gray_film, [FITS])
    (settings.root / "site.toml").write_text('[voice]\nengine = "library"\n', encoding="utf-8")
    cut(settings)
    info = record(settings, settings.described_video("kort"))
    assert info["inputs"]["voice"]["engine"] == "espeak-ng library"
    ad = pcm(settings.described_video("kort"))
    clip = pcm(settings.clip_video("kort"))
    assert tone_and_rest(ad[750 * 48:1750 * 48])[1] > 20 * tone_and_rest(clip[750 * 48:1750 * 48])[1]  # a voice


def test_descriptions_that_do_not_parse_are_an_error_with_their_line(tmp_path: Path, gray_film: Path):
    settings = make_root(tmp_path, gray_film, [FITS])
    path = settings.root / "transcripts" / "film.nl.descriptions.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:xx\nKapot\n", encoding="utf-8")
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    (error,) = report.errors
    assert error.field == "descriptions.nl" and "(line 3)" in error.message


def test_a_description_that_runs_into_speech_even_said_briskly_is_a_warning(tmp_path: Path, gray_film: Path):
    settings = make_root(tmp_path, gray_film, [FITS, TOO_LONG])
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    assert not report.errors
    (warning,) = [w for w in report.warnings if w.file.name == "film.nl.descriptions.vtt"]
    assert warning.where == "description at 00:00:08.100"
    assert "3.5 s even said briskly, but speech starts 1.1 s after it (at 00:00:09.200)" in warning.message


def test_a_described_version_with_nothing_left_to_speak_is_removed_by_the_next_cut(tmp_path: Path,
                                                                                 gray_film: Path):
    from click.testing import CliRunner

    from catalogue.cli import cli

    settings = make_root(tmp_path, gray_film, [FITS])
    assert CliRunner().invoke(cli, ["--root", str(tmp_path), "cut"]).exit_code == 0
    described = sorted(p.name for p in settings.clips_dir.glob("*.ad.mp4"))
    assert described  # a clip the description falls in has its described version
    write_vtt(settings.root / "transcripts" / "film.nl.descriptions.vtt", [])  # every description taken out
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "cut"])
    assert result.exit_code == 0, result.output
    assert "described-version file(s) with no descriptions left to speak" in result.output
    assert not list(settings.clips_dir.glob("*.ad.mp4")) and not (settings.films_dir / "testfilm.ad.mp4").exists()
    assert not list(settings.clip_transcripts_dir.glob("*.ad.vtt"))
