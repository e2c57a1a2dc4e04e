"""The studio's handlers: the page, a film's data, its cue search, its video, and the changes
(save or delete a clip, mark a transcript reviewed). Handlers translate; cutlist_clips and cutlist_edit edit."""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.templating import Jinja2Templates

from catalogue.cutlist import plan_appearance, plan_clip, plan_delete_clip, write_cutlist
from catalogue.cutlist import CutListChangedError, set_reviewed
from catalogue.errors import CatalogueError, Problem
from catalogue.model import Clip, CutList, Person, SubtitleSource, Theme
from catalogue.studio import captions, descriptions
from catalogue.studio.dutch import dutch, where
from catalogue.studio.security import csrf_token
from catalogue.studio.state import StudioState, version
from catalogue.transcribe import words_path

JSON = dict[str, Any]
# what a change may hold: a caption review sends every edit of a 3-hour film at once (~3,000 cues) in far less
MAX_BODY_BYTES = 4_000_000
MAX_DEPTH = 8  # a change is an object of lists of objects: 3 levels; JSON 200,000 deep is refused, not recursed
MAX_CHARS = {"id": 100, "title": 200, "description": 5_000, "themes": 100, "speakers": 100}  # per text
MAX_ITEMS = 50  # themes, speakers or new themes of one clip
TOO_DEEP = f"de aanvraag is te diep genest (meer dan {MAX_DEPTH} niveaus)"
CHANGED = ("De cut list is intussen gewijzigd (in een ander venster of programma): je wijziging is niet "
           "opgeslagen. Herlaad om de nieuwe versie te zien.")


class InputError(CatalogueError):
    """A request whose fields are wrong: answered 422 {"errors": [{"field", "message"}]}."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))


# --- reading --------------------------------------------------------------------------------------


def page(request: Request) -> Response:
    # plain def (here and below where files are read): Starlette runs it in a threadpool
    films = _state(request).films()
    chosen = request.query_params.get("film")
    if chosen not in {c.film.id for c in films}:
        chosen = films[0].film.id if len(films) == 1 else None
    context = {"films": [{"id": c.film.id, "title": c.film.title} for c in films], "film": chosen,
               "csrf": csrf_token(request.app.state.token)}
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "studio/studio.html", context)


def api_film(request: Request) -> Response:
    state = _state(request)
    cutlist = state.cutlist(request.query_params.get("film", ""))
    return JSONResponse(film_json(state, cutlist, csrf_token(request.app.state.token)))


def api_search(request: Request) -> Response:
    state = _state(request)
    found = state.film_cues(state.cutlist(request.query_params.get("film", ""))).search(
        request.query_params.get("q", ""))
    return JSONResponse({"query": found.query, "suggestion": found.suggestion, "missing": list(found.missing),
                         "hits": [{"index": h.index, "start_ms": h.start_ms, "end_ms": h.end_ms, "html": h.html,
                                   "related": h.related} for h in found.hits]})


def video(request: Request) -> Response:
    """The film's web rendition (Range requests answered 206), else its source when browsers play it."""
    state = _state(request)
    film = state.cutlist(request.path_params["film_id"]).film
    web = state.settings.film_video(film.id)
    if web.is_file():
        return FileResponse(web)
    try:
        playable = film.video_path.is_file() and state.probe(film.video_path).web_ready
    except CatalogueError:
        playable = False
    if playable:
        return FileResponse(film.video_path)
    return JSONResponse({"error": f"Film {film.id!r} heeft nog geen webversie: voer eerst `catalogue cut` uit."},
                        status_code=404)


def film_json(state: StudioState, cutlist: CutList, csrf: str) -> JSON:
    film = cutlist.film
    try:
        info = state.probe(film.video_path)
        duration_ms, fps = info.duration_ms, (info.video.fps if info.video else None)
    except CatalogueError:
        duration_ms, fps = None, None
    themes: dict[str, str] = {}
    for other in state.report().cutlists:
        for theme in other.themes:
            themes.setdefault(theme.id, theme.title)
    return {
        "film": {"id": film.id, "title": film.title, "language": film.language, "duration_ms": duration_ms,
                 "fps": fps, "video_url": f"/video/{film.id}"},
        "cutlist": {"name": cutlist.path.name, "version": version(cutlist.path.read_bytes())},
        "themes": [{"id": theme_id, "title": title} for theme_id, title in themes.items()],
        "clips": [clip_json(clip) for clip in cutlist.clips],
        "persons": [person_json(person) for person in cutlist.persons],
        "tracks": [_track(lang, film.subtitle_sources.get(lang, SubtitleSource())) for lang in film.subtitles],
        "descriptions": sorted(film.descriptions),  # languages of its audio descriptions (/api/descriptions)
        "cues": [{"index": i, "start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.plain, "speaker": c.speaker}
                 for i, c in enumerate(state.cues(cutlist))],
        "words": _words(cutlist),
        "csrf": csrf,
    }


def clip_json(clip: Clip) -> JSON:
    return {"id": clip.id, "title": clip.title, "themes": list(clip.themes), "start_ms": clip.start_ms,
            "end_ms": clip.end_ms, "description": clip.description, "speakers": list(clip.speakers),
            "poster_ms": clip.poster_ms}


def person_json(person: Person) -> JSON:
    """Who appears where (issue 19): the studio draws the appearances on its timeline."""
    return {"id": person.id, "name": person.name, "appearances": [list(r) for r in person.appearances],
            "withdrawn": person.withdrawn is not None,
            "consent_until": person.consent_until.isoformat() if person.consent_until else None}


def _track(lang: str, source: SubtitleSource) -> JSON:
    return {"lang": lang, "made_by": source.made_by or None, "reviewed": source.reviewed}


def _words(cutlist: CutList) -> list[JSON] | None:
    """The word timings of the film's transcription (transcripts/<film>.<lang>.words.json), if any."""
    vtt = cutlist.film.subtitles.get(cutlist.film.language)
    if vtt is None:
        return None
    try:
        data = json.loads(words_path(vtt).read_text("utf-8"))
        return [{"text": str(w["text"]), "start_ms": int(w["start_ms"]), "end_ms": int(w["end_ms"])}
                for w in data["words"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none, or not ours to read: the studio works without


# --- changing -------------------------------------------------------------------------------------


async def api_save_clip(request: Request) -> Response:
    body = await _body(request)
    return await run_in_threadpool(save_clip_request, _state(request), body)


async def api_delete_clip(request: Request) -> Response:
    body = await _body(request)
    return await run_in_threadpool(delete_clip_request, _state(request), request.path_params["clip_id"], body)


async def api_reviewed(request: Request) -> Response:
    body = await _body(request)
    return await run_in_threadpool(reviewed_request, _state(request), body)


def save_clip_request(state: StudioState, body: JSON) -> Response:
    """Plan the edit, check the result as `catalogue check` does, and write it only when it passes."""
    cutlist = state.cutlist(_text(body, "film"))
    clip, original_id, new_themes = clip_of(body.get("clip")), _optional_text(body, "original_id"), themes_of(body)
    with state.write_lock:
        data = _current(cutlist, _text(body, "version"))
        known = {theme.id for other in state.report().cutlists for theme in other.themes}
        fresh = [theme for theme in new_themes if theme.id not in known]
        candidate = plan_clip(cutlist.path, data, clip, original_id=original_id, new_themes=fresh)
        checked = state.check_candidate(cutlist.path, candidate,
                                        [f"clip '{clip.id}'", *(f"theme '{theme.id}'" for theme in fresh)])
        if checked.errors:
            raise InputError([_field(problem, clip.id) for problem in checked.errors])
        write_cutlist(cutlist.path, data, candidate)
    saved = next(c for c in checked.cutlist.clips if c.id == clip.id) if checked.cutlist else clip
    warnings = [f"Thema {t.id!r} bestond al: de clip gebruikt dat." for t in new_themes if t not in fresh]
    return JSONResponse({"version": version(candidate), "clip": clip_json(saved),
                         "warnings": warnings + [dutch(problem.message) for problem in checked.warnings]})


def delete_clip_request(state: StudioState, clip_id: str, body: JSON) -> Response:
    cutlist = state.cutlist(_text(body, "film"))
    with state.write_lock:
        data = _current(cutlist, _text(body, "version"))
        candidate = plan_delete_clip(cutlist.path, data, clip_id)
        write_cutlist(cutlist.path, data, candidate)
    return JSONResponse({"version": version(candidate)})


async def api_appearance(request: Request) -> Response:
    body = await _body(request)
    return await run_in_threadpool(appearance_request, _state(request), body)


def appearance_request(state: StudioState, body: JSON) -> Response:
    """Add the selection (in → out) to a person's appearances, or a new [[person]] with it; checked
    as `catalogue check` does before it is written."""
    cutlist = state.cutlist(_text(body, "film"))
    person_id, name = _text(body, "person_id").strip(), _text(body, "name").strip()
    start, end = body.get("start_ms"), body.get("end_ms")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise InputError([("start_ms", "kies eerst een in- en uitpunt")])
    with state.write_lock:
        data = _current(cutlist, _text(body, "version"))
        candidate = plan_appearance(cutlist.path, data, person_id, name, start, end)
        checked = state.check_candidate(cutlist.path, candidate, [f"person '{person_id}'"])
        if checked.errors:
            raise InputError([("person", dutch(problem.message)) for problem in checked.errors])
        write_cutlist(cutlist.path, data, candidate)
    persons = checked.cutlist.persons if checked.cutlist else ()
    return JSONResponse({"version": version(candidate), "persons": [person_json(p) for p in persons]})


def reviewed_request(state: StudioState, body: JSON) -> Response:
    cutlist = state.cutlist(_text(body, "film"))
    lang, reviewed = _text(body, "lang"), body.get("reviewed")
    if not isinstance(reviewed, bool):
        raise InputError([("reviewed", "moet true of false zijn")])
    with state.write_lock:
        data = _current(cutlist, _text(body, "version"))
        set_reviewed(cutlist.path, lang, reviewed, expected=data)
        return JSONResponse({"version": version(cutlist.path.read_bytes())})


def _current(cutlist: CutList, wanted: str) -> bytes:
    """The cut list's bytes, when they are still the version the page was given."""
    data = cutlist.path.read_bytes()
    if version(data) != wanted:
        raise CutListChangedError(cutlist.path, CHANGED)
    return data


def _field(problem: Problem, clip_id: str) -> tuple[str, str]:
    """A problem `check` found, at the field of the form it belongs to ("" for the cut list as a whole)."""
    if problem.where == f"clip '{clip_id}'":
        return problem.field, dutch(problem.message)
    if problem.where.startswith("theme '"):
        return "new_themes", f"{where(problem.where)}: {dutch(problem.message)}"
    return "", dutch(str(problem))


# --- captions -------------------------------------------------------------------------------------


def api_captions(request: Request) -> Response:
    """GET: a film's cues in one language, with their lint; the file is the one its cut list names."""
    try:
        return JSONResponse(captions.read_captions(_state(request), request.query_params.get("film", ""),
                                                   request.query_params.get("lang", "")))
    except captions.CaptionsError as exc:
        return JSONResponse(exc.answer, status_code=exc.status)


async def api_save_captions(request: Request) -> Response:
    body = await _body(request)
    try:
        return JSONResponse(await run_in_threadpool(captions.save_captions, _state(request), body))
    except captions.CaptionsError as exc:
        return JSONResponse(exc.answer, status_code=exc.status)


# --- audio descriptions ---------------------------------------------------------------------------


def api_descriptions(request: Request) -> Response:
    """GET: a film's audio descriptions in one language, each with the warnings of whether it fits."""
    try:
        return JSONResponse(descriptions.read_descriptions(_state(request), request.query_params.get("film", ""),
                                                           request.query_params.get("lang", "")))
    except captions.CaptionsError as exc:
        return JSONResponse(exc.answer, status_code=exc.status)


async def api_save_descriptions(request: Request) -> Response:
    body = await _body(request)
    try:
        return JSONResponse(await run_in_threadpool(descriptions.save_descriptions, _state(request), body))
    except captions.CaptionsError as exc:
        return JSONResponse(exc.answer, status_code=exc.status)


async def api_description_speech(request: Request) -> Response:
    """GET: a description said by the voice of the described versions (audio/wav), its length in a header."""
    try:
        wav, duration_ms = await run_in_threadpool(descriptions.spoken, _state(request),
                                                   request.query_params.get("film", ""),
                                                   request.query_params.get("text", ""))
    except captions.CaptionsError as exc:
        return JSONResponse(exc.answer, status_code=exc.status)
    return Response(wav, media_type="audio/wav", headers={"x-speech-ms": str(duration_ms), "cache-control": "no-store"})


# --- reading a request ----------------------------------------------------------------------------


def clip_of(data: object) -> Clip:
    """The clip of a request, its fields typed; each wrong field named as the cut list names it."""
    if not isinstance(data, dict):
        raise InputError([("clip", "ontbreekt of is geen object")])
    errors: list[tuple[str, str]] = []

    def text(key: str, required: bool = False) -> str:
        value = data.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            errors.append((key, "vul dit in" if required else "moet tekst zijn"))
            return ""
        if len(value) > MAX_CHARS[key]:
            errors.append((key, f"is te lang ({len(value)} tekens; hoogstens {MAX_CHARS[key]})"))
            return ""
        return value.strip() if key == "id" else value

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append((key, "moet een lijst van teksten zijn"))
            return ()
        if len(value) > MAX_ITEMS or any(len(v) > MAX_CHARS[key] for v in value):
            errors.append((key, f"te veel of te lange teksten (hoogstens {MAX_ITEMS}, elk hoogstens "
                                f"{MAX_CHARS[key]} tekens)"))
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def ms(key: str, field: str, required: bool = True) -> int | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append((field, "moet een tijd in milliseconden zijn (een geheel getal, niet negatief)"))
            return None
        return value

    clip_id, title, description = text("id", True), text("title"), text("description")
    themes, speakers = strings("themes"), strings("speakers")
    start_ms, end_ms, poster_ms = ms("start_ms", "start"), ms("end_ms", "end"), ms("poster_ms", "poster", False)
    if errors or start_ms is None or end_ms is None:
        raise InputError(errors)
    return Clip(id=clip_id, film_id="", title=title, themes=themes, start_ms=start_ms, end_ms=end_ms,
                description=description, speakers=speakers, poster_ms=poster_ms)


def themes_of(body: JSON) -> list[Theme]:
    raw = body.get("new_themes") or []
    if not isinstance(raw, list) or not all(isinstance(t, dict) and isinstance(t.get("id"), str)
                                            and isinstance(t.get("title"), str) for t in raw):
        raise InputError([("new_themes", "moet een lijst van {id, title} zijn")])
    if len(raw) > MAX_ITEMS or any(len(t["id"]) > MAX_CHARS["id"] or len(t["title"]) > MAX_CHARS["title"]
                                   for t in raw):
        raise InputError([("new_themes", f"te veel of te lange thema's (hoogstens {MAX_ITEMS}; een id hoogstens "
                                         f"{MAX_CHARS['id']} tekens, een titel {MAX_CHARS['title']})")])
    return [Theme(id=t["id"].strip(), title=t["title"].strip()) for t in raw]


def _text(body: JSON, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise InputError([(key, "ontbreekt of is geen tekst")])
    return value


def _optional_text(body: JSON, key: str) -> str | None:
    return None if body.get(key) is None else _text(body, key)


async def _body(request: Request) -> JSON:
    """The change's JSON object: at most MAX_BODY_BYTES, MAX_DEPTH deep, every text writable as UTF-8
    (JSON can spell a lone surrogate, "\\ud800", that no file can hold); InputError (422) otherwise."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY_BYTES:
            raise InputError([("", f"de aanvraag is te groot (meer dan {MAX_BODY_BYTES // 1_000_000} MB)")])
    try:
        body = json.loads(data)
    except RecursionError:  # json's own limit (about 1,000 levels): far past ours
        raise InputError([("", TOO_DEEP)]) from None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InputError([("", "de aanvraag is geen JSON-object")])
    _check_texts(body)
    return body


def _check_texts(value: object) -> None:
    """Refuse JSON deeper than MAX_DEPTH, or with a text that cannot be written (walked without recursion)."""
    todo: list[tuple[object, int, str]] = [(value, 1, "")]
    while todo:
        item, depth, field = todo.pop()
        if depth > MAX_DEPTH:
            raise InputError([("", TOO_DEEP)])
        if isinstance(item, dict):
            todo.extend((v, depth + 1, str(k) if _writable(str(k)) else field) for k, v in item.items())
            todo.extend((k, depth, field) for k in item)
        elif isinstance(item, list):
            todo.extend((v, depth + 1, field) for v in item)
        elif isinstance(item, str) and not _writable(item):
            raise InputError([(field, "bevat een teken dat niet bewaard kan worden (een losse surrogaat): "
                                      "typ of plak de tekst opnieuw")])


def _writable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _state(request: Request) -> StudioState:
    state: StudioState = request.app.state.studio
    return state
