"""Review a film's captions in the studio: its subtitle file in one language as JSON, and a list of
edits (replace, insert, delete, split, merge) applied in order and saved only when the file is still
the version the page was given. The file is looked up in the film's cut list, never taken from a request."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from catalogue.errors import CatalogueError, TranscriptError
from catalogue.model import CutList, SubtitleSource
from catalogue.studio.dutch import dutch
from catalogue.studio.state import StudioState
from catalogue.subtitles import VttChangedError, VttCue, VttDocument, VttEditError, lint_document, save_vtt

JSON = dict[str, Any]
CHANGED = ("Het ondertitelbestand is intussen gewijzigd (in een ander venster of programma): je wijziging is "
           "niet opgeslagen. Herlaad om de nieuwe versie te zien.")
_FIELDS = {"start_ms": int, "end_ms": int, "text": str, "identifier": str, "settings": str}
MAX_OPS = 10_000  # a whole review of a 3-hour film (~3,000 cues) is well within
MAX_CUE_CHARS = 2_000  # a cue's text (a readable one has at most 84), identifier or settings


class CaptionsError(CatalogueError):
    """A caption request answered with `status` and the JSON `answer` (nothing was written)."""

    def __init__(self, status: int, answer: JSON) -> None:
        self.status, self.answer = status, answer
        super().__init__(str(answer))


def subtitle_path(state: StudioState, cutlist: CutList, lang: str) -> Path:
    """The film's subtitle file in `lang`, as its cut list names it; only .vtt files inside the root."""
    path = cutlist.film.subtitles.get(lang)
    if path is None:
        known = ", ".join(sorted(cutlist.film.subtitles)) or "geen"
        raise CaptionsError(404, {"error": f"De film heeft geen ondertitels in taal {lang!r} (wel: {known})."})
    if not path.resolve().is_relative_to(state.settings.root.resolve()):
        raise CaptionsError(403, {"error": f"{path.name} ligt buiten de catalogus: de studio schrijft er niet in."})
    if path.suffix.lower() == ".srt":
        raise CaptionsError(400, {"error": f"{path.name} is een SRT-bestand: dat kan de studio alleen lezen. Zet het "
                                           "eerst om naar WebVTT (ffmpeg -i film.srt film.vtt) en noem de .vtt in "
                                           "de cut list."})
    return path


def read_document(path: Path) -> VttDocument:
    try:
        return VttDocument.read(path)
    except TranscriptError as exc:
        raise CaptionsError(400, {"error": f"{path.name} kan niet gelezen worden: {dutch(exc.reason)}"
                                           + (f" (regel {exc.line})" if exc.line else "")}) from None


def captions_json(state: StudioState, cutlist: CutList, lang: str, path: Path, doc: VttDocument) -> JSON:
    source = cutlist.film.subtitle_sources.get(lang, SubtitleSource())
    lint = lint_document(doc)
    root = state.settings.root.resolve()
    resolved = path.resolve()
    return {"lang": lang, "file": resolved.relative_to(root).as_posix(), "version": doc.sha256,
            "made_by": source.made_by or None, "reviewed": source.reviewed,
            "cues": [{"index": i, "start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text,
                      "identifier": c.identifier, "settings": c.settings, "lint": [dutch(m) for m in lint.get(i, [])]}
                     for i, c in enumerate(doc.cues)]}


def read_captions(state: StudioState, film_id: str, lang: str) -> JSON:
    """GET /api/captions: the cues of the film's subtitles in `lang` (its language when empty)."""
    cutlist = state.cutlist(film_id)
    lang = lang or cutlist.film.language
    path = subtitle_path(state, cutlist, lang)
    return captions_json(state, cutlist, lang, path, read_document(path))


def save_captions(state: StudioState, body: JSON) -> JSON:
    """POST /api/captions: `ops` applied in order to the version the page had, then written (with a backup)."""
    film_id, lang, wanted = edit_request(body)
    cutlist = state.cutlist(film_id)
    path = subtitle_path(state, cutlist, lang)
    return captions_json(state, cutlist, lang, path, save_edits(state, path, wanted, body.get("ops")))


def edit_request(body: JSON) -> tuple[str, str, str]:
    """The film, language and version an edit of a VTT file names."""
    film_id, lang, wanted = body.get("film"), body.get("lang"), body.get("version")
    if not (isinstance(film_id, str) and isinstance(lang, str) and isinstance(wanted, str)):
        raise CaptionsError(422, {"errors": [{"index": -1, "message": "film, lang en version zijn verplicht (tekst)"}]})
    return film_id, lang, wanted


def save_edits(state: StudioState, path: Path, wanted: str, ops: object) -> VttDocument:
    """`ops` applied to `path` when it is still the version `wanted`, written with a backup; the result."""
    with state.write_lock:
        doc = read_document(path)
        if doc.sha256 != wanted:
            raise CaptionsError(409, {"error": CHANGED, "version": doc.sha256})
        edited = apply_ops(doc, ops)
        try:
            save_vtt(path, edited, expected_sha256=wanted)
        except VttChangedError as exc:  # changed between the read and the write: still nothing written
            raise CaptionsError(409, {"error": CHANGED, "version": exc.actual_sha256}) from None
    return edited


def apply_ops(doc: VttDocument, ops: object) -> VttDocument:
    """`ops` applied in order; each index is a cue's index in the document as the ops before left it.
    The result is read back once, not after each op; only when that finds something wrong are the ops
    applied again one by one, to name the op at fault."""
    if not isinstance(ops, list):
        raise CaptionsError(422, {"errors": [{"index": -1, "message": "ops moet een lijst zijn"}]})
    if len(ops) > MAX_OPS:
        raise CaptionsError(422, {"errors": [{"index": -1, "message": f"te veel bewerkingen tegelijk ({len(ops)}; "
                                                                      f"hoogstens {MAX_OPS}): sla tussendoor op"}]})
    try:
        return _apply_each(doc.deferred(), ops).verified()
    except VttEditError:
        return _apply_each(doc, ops)


def _apply_each(doc: VttDocument, ops: list[object]) -> VttDocument:
    for number, op in enumerate(ops):
        try:
            doc = apply_op(doc, op)
        except VttEditError as exc:
            raise CaptionsError(422, {"errors": [{"index": exc.index, "op": number, "message": dutch(exc.reason)}]}) from None
    return doc


def apply_op(doc: VttDocument, op: object) -> VttDocument:
    if not isinstance(op, dict):
        raise VttEditError(-1, "een bewerking is een object met een 'op'")
    kind = op.get("op")
    index = op.get("index", -1)
    if kind != "insert" and (isinstance(index, bool) or not isinstance(index, int)):
        raise VttEditError(-1, f"{kind!r}: index moet een geheel getal zijn")
    if kind == "replace":
        old = doc.cues[index] if 0 <= index < len(doc.cues) else VttCue(0, 0, "")
        return doc.replace(index, dataclasses.replace(old, **_fields(index, op, required=())))
    if kind == "insert":
        return doc.insert(VttCue(**_fields(-1, op, required=("start_ms", "end_ms", "text"))))
    if kind == "delete":
        return doc.delete(index)
    if kind == "split":
        at_ms = op.get("at_ms")
        before, after = op.get("text_before"), op.get("text_after")
        if isinstance(at_ms, bool) or not isinstance(at_ms, int):
            raise VttEditError(index, "at_ms moet een tijd in milliseconden zijn")
        if not all(text is None or (isinstance(text, str) and len(text) <= MAX_CUE_CHARS) for text in (before, after)):
            raise VttEditError(index, f"text_before en text_after zijn tekst (elk hoogstens {MAX_CUE_CHARS} tekens)")
        return doc.split(index, at_ms, text_before=before, text_after=after)
    if kind == "merge":
        return doc.merge_with_next(index)
    raise VttEditError(index if isinstance(index, int) else -1,
                       f"onbekende bewerking {kind!r} (replace, insert, delete, split, merge)")


def _fields(index: int, op: JSON, required: tuple[str, ...]) -> JSON:
    fields: JSON = {}
    for name, kind in _FIELDS.items():
        if name not in op:
            if name in required:
                raise VttEditError(index, f"{name} ontbreekt")
            continue
        value = op[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise VttEditError(index, f"{name} moet {'een geheel getal (ms)' if kind is int else 'tekst'} zijn")
        if isinstance(value, str) and len(value) > MAX_CUE_CHARS:
            raise VttEditError(index, f"{name} is te lang ({len(value)} tekens; hoogstens {MAX_CUE_CHARS})")
        fields[name] = value
    return fields
