"""`catalogue transcribe`: what it refuses and says without a model, and, with the real Whisper
base model on real speech (../shared/corpus, else espeak-ng), the whole way from a bare film to a
searchable clip whose page says its captions are machine-made until an editor reviews them."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from catalogue.transcribe import transcription as transcription
from catalogue.cli import cli
from catalogue.cutlist import set_reviewed
from catalogue.media.runner import ffmpeg_exe, run_ffmpeg
from catalogue.settings import PROJECT_DIR
from catalogue.subtitles import lint_cues, read_cues
from catalogue.transcribe.transcription import SAMPLE_RATE, audio_args, plan_pieces
from conftest import CORPUS, make_video

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import speechfilm  # noqa: E402  (scripts/: the bench's long-form film and metrics)

SPEECH = CORPUS / "dutch-speech" / "flemishguy"
NOTICE = "Automatisch gegenereerd, nog niet nagekeken"
CUTLIST = '''
# The editor's own cut list: comments and layout must survive `transcribe`.
[film]
id = "spraakfilm"
title = "Spraakfilm"   # a title
video = "film.mp4"
language = "nl"

[[theme]]
id = "rekrutering"
title = "Rekrutering"

[[clip]]
id = "gesprek"
title = "Een gesprek"
themes = ["rekrutering"]
start = "{start}"
end = "{end}"
'''
# espeak-ng's Dutch is understood badly (~75% WER): for the pipeline only, when the corpus is absent
ESPEAK_LINES = ["Een buddy helpt een nieuwkomer om de weg te vinden in de stad.",
                "Vrijwilligers zoeken we via scholen, verenigingen en het buurthuis.",
                "Het is belangrijk om duidelijke grenzen te trekken.",
                "Na drie jaar is het project duurzaam verankerd in de gemeente."]


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache folder for the assembled model, for the whole session."""
    cache = tmp_path_factory.mktemp("model-cache")
    previous = os.environ.get("CATALOGUE_CACHE_DIR")
    os.environ["CATALOGUE_CACHE_DIR"] = str(cache)
    yield cache
    if previous is None:
        os.environ.pop("CATALOGUE_CACHE_DIR", None)
    else:
        os.environ["CATALOGUE_CACHE_DIR"] = previous


def write_catalogue(root: Path, film: Path, start: str = "00:00:01", end: str = "00:00:04") -> Path:
    (root / "media").mkdir(parents=True, exist_ok=True)
    if film != root / "media" / "film.mp4":
        shutil.copyfile(film, root / "media" / "film.mp4")
    cutlist = root / "media" / "film.toml"
    cutlist.write_text(textwrap.dedent(CUTLIST).lstrip().format(start=start, end=end), encoding="utf-8")
    return cutlist


# --- without the model ---------------------------------------------------------------------


def test_audio_args_put_a_late_audio_start_at_its_film_time(tmp_path: Path) -> None:
    """A film whose sound starts 0.7 s after its picture: a click at 2.0 s of the sound is at
    2.7 s of the film, where the decoded audio must have it (else every cue is early)."""
    ff = ffmpeg_exe()
    wav = tmp_path / "click.wav"
    subprocess.run([ff, "-v", "error", "-f", "lavfi", "-i",
                    "aevalsrc='if(between(t,2,2.2),sin(2*PI*1000*t),0)':s=48000:d=5", str(wav)], check=True)
    film = tmp_path / "late.mp4"
    subprocess.run([ff, "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=160x90:r=25:d=6", "-itsoffset", "0.7",
                    "-i", str(wav), "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-c:a", "aac", str(film)],
                   check=True)
    out = tmp_path / "audio.f32"
    run_ffmpeg(audio_args(film, out), about=film)
    samples = np.fromfile(out, dtype=np.float32)
    onset_s = int(np.argmax(np.abs(samples) > 0.1)) / SAMPLE_RATE
    assert abs(onset_s - 2.7) < 0.03, onset_s


def test_plan_pieces_cover_the_audio_without_gaps_and_cut_where_asked() -> None:
    asked: list[tuple[int, int]] = []

    def cut(lo: int, hi: int) -> int:
        asked.append((lo, hi))
        return lo + 7

    pieces = plan_pieces(1000, 300, 60, cut)
    assert pieces[0][0] == 0 and pieces[-1][1] == 1000
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(0 < end - start <= 300 + 30 for start, end in pieces)
    assert [end for _, end in pieces[:-1]] == [lo + 7 for lo, _ in asked]
    assert plan_pieces(320, 300, 60, cut) == [(0, 320)]  # a little over one piece stays one piece


def test_transcribe_a_film_without_sound_says_so(tmp_path: Path, model_cache: Path) -> None:
    make_video(tmp_path / "media" / "film.mp4", seconds=3, audio=False)
    write_catalogue(tmp_path, tmp_path / "media" / "film.mp4", "0", "2")
    result = run("--root", tmp_path, "transcribe")
    assert result.exit_code == 1
    assert "no audio stream: there is no speech to transcribe" in result.stderr
    assert not (tmp_path / "transcripts").exists()


def test_transcribe_a_silent_film_says_so_and_writes_nothing(tmp_path: Path, model_cache: Path) -> None:
    make_video(tmp_path / "media" / "film.mp4", seconds=3, audio=False)
    silent = tmp_path / "media" / "silent.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "media" / "film.mp4"), "-f", "lavfi", "-i",
                    "anullsrc=r=48000:cl=stereo", "-shortest", "-c:v", "copy", "-c:a", "aac", str(silent)], check=True)
    cutlist = write_catalogue(tmp_path, silent, "0", "2")
    before = cutlist.read_bytes()
    result = run("--root", tmp_path, "transcribe")
    assert result.exit_code == 1
    assert "film.mp4: the audio is silent (peak −∞ dBFS)" in result.stderr
    assert cutlist.read_bytes() == before and not (tmp_path / "transcripts").exists()
    assert "Traceback" not in result.output


def test_transcribe_leaves_films_with_subtitles_alone(small_catalogue: object, tmp_path: Path) -> None:
    small_catalogue()  # type: ignore[operator]
    before = (tmp_path / "media" / "film.toml").read_bytes()
    result = run("--root", tmp_path, "transcribe")
    assert result.exit_code == 0, result.output
    assert "testfilm: has nl subtitles (film.nl.vtt); nothing to do" in result.stderr
    assert "Nothing to transcribe." in result.stdout
    assert (tmp_path / "media" / "film.toml").read_bytes() == before


def test_transcribe_never_replaces_an_editors_file_without_force(tmp_path: Path, model_cache: Path) -> None:
    make_video(tmp_path / "media" / "film.mp4", seconds=3)
    cutlist = write_catalogue(tmp_path, tmp_path / "media" / "film.mp4", "0", "2")
    own = tmp_path / "transcripts" / "spraakfilm.nl.vtt"
    own.parent.mkdir()
    own.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nDoor een mens gemaakt\n", encoding="utf-8")
    result = run("--root", tmp_path, "transcribe")
    assert result.exit_code == 1
    assert f"{own} already exists: left alone" in result.stderr and "--force" in result.stderr
    assert own.read_text(encoding="utf-8").endswith("Door een mens gemaakt\n")
    assert "subtitles" not in cutlist.read_text(encoding="utf-8")


def test_transcribe_unknown_film_id(small_catalogue: object, tmp_path: Path) -> None:
    small_catalogue()  # type: ignore[operator]
    result = run("--root", tmp_path, "transcribe", "--film", "geen-film")
    assert result.exit_code == 1 and "--film: no film with id 'geen-film' (films: testfilm)" in result.stderr


def test_transcribe_with_a_model_that_does_not_load_is_a_clear_error(tmp_path: Path, model_cache: Path) -> None:
    make_video(tmp_path / "media" / "film.mp4", seconds=3)  # a tone: sound enough to need the model
    write_catalogue(tmp_path, tmp_path / "media" / "film.mp4", "0", "2")
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"\0" * 1000)
    (broken / "config.json").write_text("{}")
    result = run("--root", tmp_path, "transcribe", "--model", broken)
    assert result.exit_code == 1
    assert f"{broken}: the model does not load" in result.stderr and "Traceback" not in result.output


# --- with the real model on real speech -----------------------------------------------------


@dataclass(frozen=True)
class SpeechFilm:
    path: Path
    utterances: list[speechfilm.Utterance]
    real: bool  # real speech (the corpus) rather than espeak-ng


def espeak_film(out: Path) -> list[speechfilm.Utterance]:
    """The four ESPEAK_LINES spoken by espeak-ng, 1.5 s of silence between them, as an MP4."""
    rate = 24_000
    pieces, utterances, pos = [np.zeros(rate, dtype=np.float32)], [], rate
    for number, line in enumerate(ESPEAK_LINES):
        wav = out.with_name(f".line{number}.wav")
        subprocess.run(["espeak-ng", "-v", "nl", "-s", "120", "-g", "4", "-w", str(wav), line], check=True)
        raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(wav), "-ac", "1", "-ar", str(rate), "-f", "f32le",
                              "-"], check=True, capture_output=True).stdout
        wav.unlink()
        speech = np.frombuffer(raw, dtype=np.float32)
        utterances.append(speechfilm.Utterance(pos * 1000 // rate, (pos + len(speech)) * 1000 // rate, line))
        pieces += [speech, np.zeros(rate * 3 // 2, dtype=np.float32)]
        pos += len(speech) + rate * 3 // 2
    source = out.with_name(".speech.wav")
    speechfilm.write_wav(source, np.concatenate(pieces))
    subprocess.run(speechfilm.film_args(source, out, pos * 1000 // rate, video=True), check=True)
    source.unlink()
    return utterances


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> SpeechFilm:
    out = tmp_path_factory.mktemp("speech") / "film.mp4"
    if SPEECH.is_dir():
        return SpeechFilm(out, speechfilm.make_speech_film(SPEECH, out, count=8, seed=3), True)
    if shutil.which("espeak-ng"):
        return SpeechFilm(out, espeak_film(out), False)
    pytest.skip(f"no speech to transcribe: neither {SPEECH} nor espeak-ng (apt-get install espeak-ng)")


def offline(command: list[str], tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """The command with networking disabled: a new network namespace (root), else a Python
    whose sockets refuse to connect."""
    env = dict(os.environ)
    if os.geteuid() == 0 and shutil.which("unshare"):
        return ["unshare", "--net", "--", *command], env
    blocker = tmp_path / "no-network"
    blocker.mkdir(exist_ok=True)
    (blocker / "sitecustomize.py").write_text(textwrap.dedent("""
        import socket
        def _refuse(*args, **kwargs):
            raise OSError("networking is disabled for this test")
        socket.socket.connect = _refuse
        socket.socket.connect_ex = _refuse
        socket.create_connection = _refuse
        socket.getaddrinfo = _refuse
    """))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(blocker), env.get("PYTHONPATH")]))
    return command, env


@dataclass(frozen=True)
class Transcribed:
    root: Path
    speech: SpeechFilm
    cutlist: Path
    cutlist_before: str
    result: subprocess.CompletedProcess[str]

    @property
    def vtt(self) -> Path:
        return self.root / "transcripts" / "spraakfilm.nl.vtt"


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory: pytest.TempPathFactory, speech: SpeechFilm, model_cache: Path) -> Transcribed:
    """The film transcribed once by `catalogue transcribe` in a process without networking."""
    root = tmp_path_factory.mktemp("transcribed")
    second, fourth = speech.utterances[1], speech.utterances[3]
    cutlist = write_catalogue(root, speech.path, f"{second.start_ms / 1000 - 0.2:.3f}", f"{fourth.end_ms / 1000 + 0.3:.3f}")
    before = cutlist.read_text(encoding="utf-8")
    command, env = offline([sys.executable, "-m", "catalogue", "--root", str(root), "transcribe"], root)
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, cwd=root)
    return Transcribed(root, speech, cutlist, before, result)


@pytest.mark.model
def test_offline_wrapper_really_disables_networking(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        probe = [sys.executable, "-c", f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=3)"]
        assert subprocess.run(probe, capture_output=True).returncode == 0  # reachable without the wrapper
        command, env = offline(probe, tmp_path)
        assert subprocess.run(command, capture_output=True, env=env).returncode != 0


@pytest.mark.model
def test_transcribe_writes_a_machine_made_vtt_and_adds_it_to_the_cut_list(transcribed: Transcribed) -> None:
    result = transcribed.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "spraakfilm.nl: wrote transcripts/spraakfilm.nl.vtt" in result.stdout
    assert "This is a draft" in result.stdout
    text = transcribed.vtt.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\nNOTE\nMachine-made transcript: whisper base (faster-whisper")
    assert "Not reviewed by a person when written" in text
    data = tomllib.loads(transcribed.cutlist.read_text(encoding="utf-8"))
    assert data["film"]["subtitles"]["nl"] == {"file": "../transcripts/spraakfilm.nl.vtt",
                                               "made_by": "whisper base", "reviewed": False}
    changes = [line for line in difflib.ndiff(transcribed.cutlist_before.splitlines(),
                                              transcribed.cutlist.read_text(encoding="utf-8").splitlines())
               if line[:1] in "+-"]
    assert sorted(changes) == ["+ ", '+ [film.subtitles]', '+ nl = { file = "../transcripts/spraakfilm.nl.vtt", '
                               'made_by = "whisper base", reviewed = false }']  # the editor's lines all kept
    assert list(transcribed.cutlist.parent.glob("film.toml.*.bak"))  # and a backup of it
    words = json.loads((transcribed.root / "transcripts" / "spraakfilm.nl.words.json").read_text("utf-8"))
    assert words["made_by"] == "whisper base" and len(words["words"]) > 10
    starts = [w["start_ms"] for w in words["words"]]
    assert starts == sorted(starts) and starts[-1] <= transcribed.speech.utterances[-1].end_ms + 1000
    assert not (transcribed.root / ".catalogue" / "transcribe" / "spraakfilm.nl").exists()  # work folder gone


@pytest.mark.model
def test_transcribe_cues_are_readable_and_start_with_the_speech(transcribed: Transcribed) -> None:
    cues = read_cues(transcribed.vtt)
    assert all(len(cue.plain.split("\n")) <= 2 and all(len(l) <= 42 for l in cue.plain.split("\n")) for cue in cues)
    assert all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:]))
    warned = {id(cue) for cue, _ in lint_cues(cues)}
    assert len(warned) <= len(cues) // 5, lint_cues(cues)
    utterances = transcribed.speech.utterances
    hits, total = speechfilm.onset_hits(utterances, cues)
    assert total >= 3 and hits >= total * 0.75, (hits, total)
    gaps = speechfilm.text_in_gaps(utterances, [speechfilm.Word(c.start_ms, c.end_ms, c.plain) for c in cues],
                                   margin_ms=700)
    assert gaps == [], gaps  # nothing where nobody speaks


@pytest.mark.model
def test_transcribe_words_are_what_was_said(transcribed: Transcribed) -> None:
    if not transcribed.speech.real:
        pytest.skip("espeak-ng speech: no accuracy test (Whisper gets ~75% of its words wrong)")
    reference = " ".join(u.text for u in transcribed.speech.utterances)
    said = " ".join(cue.plain.replace("\n", " ") for cue in read_cues(transcribed.vtt))
    assert speechfilm.word_error_rate(reference, said) < 0.3, said


@pytest.mark.model
def test_transcript_is_searchable_and_marked_machine_made_until_reviewed(transcribed: Transcribed,
                                                                         tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from catalogue.settings import Settings
    from catalogue.web import create_app

    root = tmp_path / "copy"  # the module's catalogue stays as transcribe left it
    shutil.copytree(transcribed.root, root, ignore=shutil.ignore_patterns(".catalogue"))
    for command in ("check", "cut", "index"):
        result = run("--root", root, command)
        assert result.exit_code == 0, result.output
    clip_vtt = root / "transcripts" / "clips" / "gesprek.nl.vtt"
    assert "NOTE\nMachine-made (whisper base), not yet reviewed by a person" in clip_vtt.read_text("utf-8")
    clip_cues = read_cues(clip_vtt)
    word = max((w.strip(".,?!") for cue in clip_cues for w in cue.plain.split()), key=len)
    found = run("--root", root, "search", word, "--json")
    assert found.exit_code == 0 and "gesprek" in [c["id"] for c in json.loads(found.stdout)["clips"]], word
    client = TestClient(create_app(Settings(root=root)))
    page = client.get("/clips/gesprek")
    assert page.status_code == 200 and NOTICE in page.text
    set_reviewed(root / "media" / "film.toml", "nl")
    assert NOTICE not in client.get("/clips/gesprek").text
    assert run("--root", root, "cut").exit_code == 0
    assert "Machine-made" not in clip_vtt.read_text("utf-8")  # the note goes with the review


@pytest.mark.model
def test_transcribe_rerun_does_nothing(transcribed: Transcribed, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model(*args: object) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr("catalogue.transcribe.load_model", no_model)  # where the CLI finds it
    stamp = transcribed.vtt.stat().st_mtime_ns
    result = run("--root", transcribed.root, "transcribe")
    assert result.exit_code == 0, result.output
    assert "Nothing to transcribe." in result.stdout and transcribed.vtt.stat().st_mtime_ns == stamp


def interrupt_on_the_second_piece(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Pieces of 12 s; `recognise` records each piece's offset (in the list returned) and the run is
    interrupted (Ctrl+C) on the second piece, once."""
    monkeypatch.setattr(transcription, "PIECE_MS", 12_000)
    monkeypatch.setattr(transcription, "PIECE_SEARCH_MS", 6_000)
    real = transcription.recognise
    calls: list[int] = []
    interrupt = [True]

    def interrupted_on_the_second(model: object, samples: object, offset_ms: int, *args: object):  # type: ignore[no-untyped-def]
        calls.append(offset_ms)
        if len(calls) == 2 and interrupt:
            interrupt.clear()
            raise KeyboardInterrupt
        return real(model, samples, offset_ms, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(transcription, "recognise", interrupted_on_the_second)
    return calls


@pytest.mark.model
def test_transcribe_interrupted_resumes_with_the_pieces_not_done(speech: SpeechFilm, tmp_path: Path,
                                                                 model_cache: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write_catalogue(tmp_path, speech.path)
    calls = interrupt_on_the_second_piece(monkeypatch)
    stopped = run("--root", tmp_path, "transcribe")
    assert stopped.exit_code == 130 and "Interrupted" in stopped.stderr
    vtt = tmp_path / "transcripts" / "spraakfilm.nl.vtt"
    assert not vtt.exists() and "subtitles" not in (tmp_path / "media" / "film.toml").read_text("utf-8")
    pieces = json.loads((tmp_path / ".catalogue" / "transcribe" / "spraakfilm.nl" / "pieces.json").read_text())
    assert len(pieces) >= 3
    calls.clear()
    resumed = run("--root", tmp_path, "transcribe")
    assert resumed.exit_code == 0, resumed.output
    assert calls == [lo * 1000 // SAMPLE_RATE for lo, _ in pieces[1:]]  # the first piece was not done again
    assert vtt.is_file() and read_cues(vtt)


def test_transcribe_with_a_damaged_model_wheel_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from catalogue.transcribe import whisper as whisper

    (first, size1), (second, size2) = whisper._part_files()
    truncated = tmp_path / "wheel" / "model.bin.part2"
    truncated.parent.mkdir()
    truncated.write_bytes(second.read_bytes()[:1000])
    monkeypatch.setattr(whisper, "_part_files", lambda: [(first, size1), (truncated, size2)])
    make_video(tmp_path / "media" / "film.mp4", seconds=3)
    write_catalogue(tmp_path, tmp_path / "media" / "film.mp4", "0", "2")
    result = run("--root", tmp_path, "transcribe", env={"CATALOGUE_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Error: {truncated}: is 1,000 bytes, expected 50,845,767 (truncated or damaged)" in result.stderr
    assert not (tmp_path / "transcripts").exists()


@pytest.mark.model
def test_transcribe_warns_when_the_speech_is_not_in_the_films_language(tmp_path: Path, model_cache: Path) -> None:
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    wav = tmp_path / "english.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(wav),
                    "Good morning everyone. Today we will talk about volunteers who help newcomers find "
                    "their way in the city, and about the limits they set for themselves."], check=True)
    film = tmp_path / "media" / "film.mp4"
    film.parent.mkdir()
    subprocess.run(speechfilm.film_args(wav, film, 9000, video=True), check=True)
    write_catalogue(tmp_path, film, "0", "2")
    result = run("--root", tmp_path, "transcribe")
    assert result.exit_code == 0, result.output
    assert "warning: the speech sounds like 'en'" in result.stderr and "not 'nl'" in result.stderr
    assert "check the film's `language` in the cut list" in result.stderr
