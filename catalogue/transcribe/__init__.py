"""Stage 2, the transcript: local speech recognition with Whisper, readable cues made from its words,
written as a machine-made draft and added to the cut list."""

from __future__ import annotations

from catalogue.transcribe.transcription import Target, TranscribeListener, plan_targets, transcribe_film, words_path
from catalogue.transcribe.whisper import load_model, model_folder

__all__ = [
    "load_model", "model_folder", "plan_targets", "Target", "transcribe_film", "TranscribeListener",
    "words_path",
]
