"""What the mutation audit of issue 16 found untested in `catalogue transcribe`: an editor's transcript saved
while recognition runs is left alone (the second look before writing), and a run resumed with another model
recognises every piece again (the model is part of what a kept piece was made with). Real Whisper, real
speech (../shared/corpus, else espeak-ng), as tests/transcribe/test_transcribe.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from catalogue.transcribe import transcription
from catalogue.transcribe.transcription import SAMPLE_RATE
from catalogue.transcribe.whisper import base_model
from test_transcribe import (SpeechFilm, interrupt_on_the_second_piece, model_cache, run, speech,  # noqa: F401
                             write_catalogue)

EDITORS = "WEBVTT\n\nNOTE van de redacteur\n\n00:00:01.000 --> 00:00:02.500\nDit typte de redacteur zelf.\n"


@pytest.mark.model
def test_an_editors_transcript_saved_during_the_run_is_left_alone(speech: SpeechFilm, tmp_path: Path,
                                                                  model_cache: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cutlist = write_catalogue(tmp_path, speech.path)
    before = cutlist.read_bytes()
    vtt = tmp_path / "transcripts" / "spraakfilm.nl.vtt"
    real = transcription.recognise

    def the_editor_saves_meanwhile(*args):  # type: ignore[no-untyped-def]
        if not vtt.exists():  # while the model listens, the editor saves the transcript they typed
            vtt.parent.mkdir(parents=True, exist_ok=True)
            vtt.write_text(EDITORS, encoding="utf-8")
        return real(*args)

    monkeypatch.setattr(transcription, "recognise", the_editor_saves_meanwhile)
    result = run("--root", tmp_path, "transcribe")
    assert result.exit_code == 1, result.output
    assert f"{vtt} already exists: left alone" in result.stderr and "Traceback" not in result.output
    assert vtt.read_text(encoding="utf-8") == EDITORS
    assert sorted(p.name for p in vtt.parent.iterdir()) == ["spraakfilm.nl.vtt"]  # no backup, no words, no draft
    assert cutlist.read_bytes() == before


@pytest.mark.model
def test_a_run_resumed_with_another_model_recognises_every_piece_again(speech: SpeechFilm, tmp_path: Path,
                                                                       model_cache: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    write_catalogue(tmp_path, speech.path)
    calls = interrupt_on_the_second_piece(monkeypatch)
    assert run("--root", tmp_path, "transcribe").exit_code == 130
    pieces = json.loads((tmp_path / ".catalogue" / "transcribe" / "spraakfilm.nl" / "pieces.json").read_text())
    assert len(pieces) >= 3
    other = tmp_path / "ander-model"  # the same weights, brought as a folder of one's own: another model to us
    other.mkdir()
    for file in base_model(model_cache).path.iterdir():
        os.link(file, other / file.name)
    calls.clear()
    resumed = run("--root", tmp_path, "transcribe", "--model", other)
    assert resumed.exit_code == 0, resumed.output
    assert calls == [lo * 1000 // SAMPLE_RATE for lo, _ in pieces]  # the first piece too: made by the other model
    words = json.loads((tmp_path / "transcripts" / "spraakfilm.nl.words.json").read_text("utf-8"))
    assert words["made_by"] == "whisper (ander-model)"
