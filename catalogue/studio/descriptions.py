"""Write a film's audio descriptions in the studio: the WebVTT file its cut list names under
`[film.descriptions]`, read as JSON with a warning per description that does not fit (it runs into speech
even said briskly, or outlasts its cue when spoken: the described version then holds the picture), edited
with the captions' ops (catalogue.studio.captions) and saved only over the version the page had. "Hear it"
is the same voice `cut` speaks with, rendered here as a WAV."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from catalogue.cutlist import VoiceSettings
from catalogue.cutting import VoiceError, find_voice, speak, voice_settings
from catalogue.errors import TranscriptError
from catalogue.model import Cue, CutList
from catalogue.studio.captions import JSON, CaptionsError, edit_request, read_document, save_edits
from catalogue.studio.state import StudioState
from catalogue.subtitles import VttDocument, fit_problems, read_cues
from catalogue.timecode import format_timecode

SPOKEN_CHARS_PER_S = 15.0  # espeak-ng's Dutch voice at its default 175 words per minute
MAX_SPOKEN_CHARS = 600  # "hear it" speaks at most this much (a description is a sentence or two)


def description_path(state: StudioState, cutlist: CutList, lang: str) -> Path:
    path = cutlist.film.descriptions.get(lang)
    if path is None:
        known = ", ".join(sorted(cutlist.film.descriptions)) or "geen"
        raise CaptionsError(404, {"error": f"De film heeft geen audiodescriptie in taal {lang!r} (wel: {known}). "
                                           "Noem een WebVTT-bestand onder [film.descriptions] in de cut list."})
    if not path.resolve().is_relative_to(state.settings.root.resolve()):
        raise CaptionsError(403, {"error": f"{path.name} ligt buiten de catalogus: de studio schrijft er niet in."})
    return path


def warnings(doc: VttDocument, speech: list[Cue], rate: int) -> dict[int, list[str]]:
    """Per cue index, in Dutch: it runs into speech even said briskly; said at the voice's rate it outlasts its cue."""
    cues = [Cue(c.start_ms, c.end_ms, c.text) for c in doc.cues]
    found: dict[int, list[str]] = {i: [] for i in range(len(cues))}
    index = {id(cue): i for i, cue in enumerate(cues)}
    for problem in fit_problems(cues, speech):
        room = "er wordt al gesproken" if not problem.room_ms else f"na {_s(problem.room_ms)} begint de spraak"
        found[index[id(problem.cue)]].append(
            f"past niet in de stilte: ook snel gezegd duurt ze ongeveer {_s(problem.needs_ms)}, maar {room} "
            f"({format_timecode(problem.speech_at_ms)})")
    for i, cue in enumerate(cues):
        spoken = round(len(" ".join(cue.plain.split())) * 1000 / SPOKEN_CHARS_PER_S * 175 / max(rate, 1))
        if spoken > cue.duration_ms:
            found[i].append(f"uitgesproken duurt ze ongeveer {_s(spoken)}, langer dan de cue ({_s(cue.duration_ms)}): "
                            "de versie met audiodescriptie pauzeert het beeld tot ze klaar is")
    return found


def _s(ms: int) -> str:
    return f"{ms / 1000:.1f} s".replace(".", ",")


def descriptions_json(state: StudioState, cutlist: CutList, lang: str, path: Path, doc: VttDocument) -> JSON:
    speech_file = cutlist.film.subtitles.get(lang) or cutlist.film.subtitles.get(cutlist.film.language)
    try:
        speech = read_cues(speech_file) if speech_file else []
    except TranscriptError:
        speech = []
    found = warnings(doc, speech, voice_settings(state.settings).rate)
    root = state.settings.root.resolve()
    return {"lang": lang, "file": path.resolve().relative_to(root).as_posix(), "version": doc.sha256,
            "cues": [{"index": i, "start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text,
                      "warnings": found.get(i, [])} for i, c in enumerate(doc.cues)]}


def read_descriptions(state: StudioState, film_id: str, lang: str) -> JSON:
    """GET /api/descriptions: the film's descriptions in `lang` (the language they are spoken in by default)."""
    cutlist = state.cutlist(film_id)
    lang = lang or cutlist.film.description_language
    path = description_path(state, cutlist, lang)
    return descriptions_json(state, cutlist, lang, path, read_document(path))


def save_descriptions(state: StudioState, body: JSON) -> JSON:
    """POST /api/descriptions: `ops` (replace, insert, delete) applied to the version the page had, then written."""
    film_id, lang, wanted = edit_request(body)
    cutlist = state.cutlist(film_id)
    path = description_path(state, cutlist, lang)
    return descriptions_json(state, cutlist, lang, path, save_edits(state, path, wanted, body.get("ops")))


def spoken(state: StudioState, film_id: str, text: str) -> tuple[bytes, int]:
    """GET /api/descriptions/speech: `text` said by the voice the described versions use, as WAV bytes, and
    how long it lasts (ms)."""
    cutlist = state.cutlist(film_id)
    text = " ".join(text.split())
    if not text:
        raise CaptionsError(422, {"error": "Er is geen tekst om uit te spreken."})
    if len(text) > MAX_SPOKEN_CHARS:
        raise CaptionsError(422, {"error": f"Een beschrijving van meer dan {MAX_SPOKEN_CHARS} tekens spreekt de "
                                           "studio niet uit: maak ze korter."})
    chosen: VoiceSettings = replace(voice_settings(state.settings), language=cutlist.film.description_language
                                    or cutlist.film.language)
    try:
        speech = speak(find_voice(chosen), text)
    except VoiceError as exc:
        raise CaptionsError(503, {"error": f"Geen stem om uit te spreken: {exc}"}) from None
    return speech.wav_bytes(), speech.duration_ms

