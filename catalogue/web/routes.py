"""Route handlers: each reads the snapshot (or searches), then renders its template or JSON."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from catalogue.errors import CatalogueError
from catalogue.model import ClipStep, DiscussionStep, Session
from catalogue.search import SearchResults, search
from catalogue.subtitles import transcript_lines
from catalogue.web.hosts import base_url
from catalogue.web.state import CatalogueState, ClipView, Snapshot, Track

PROVIDER = "Van buddy tot community"
EMBED_WIDTH, EMBED_HEIGHT = 640, 360
MACHINE_MADE_NOTICE = "Automatisch gegenereerd, nog niet nagekeken"


# --- helpers ------------------------------------------------------------------------------


def duration_iso(ms: int) -> str:
    """ISO 8601 duration: 83400 → `PT1M23.4S`."""
    seconds = ms / 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{seconds:.3f}".rstrip("0").rstrip(".") + "S" if seconds or text == "PT" else "")


def _state(request: Request) -> CatalogueState:
    return request.app.state.catalogue  # type: ignore[no-any-return]


def _snapshot(request: Request) -> Snapshot:
    return _state(request).snapshot()


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def _base(request: Request) -> str:
    return base_url(request)  # the configured base_url, else the (checked) Host: web.hosts


def media_url(request: Request, site_path: str) -> str:
    """The absolute URL of a medium (catalogue.web.delivery): versioned, at the media origin or here."""
    url: str = request.app.state.delivery.url(site_path)
    return url if url.startswith(("http://", "https://")) else _base(request) + url


def _clip_or_404(request: Request) -> ClipView:
    view = _snapshot(request).clips.get(request.path_params["clip_id"])
    if view is None:
        raise HTTPException(404, "Deze clip bestaat niet.")
    return view


def _seconds(value: str | None, default: float | None = None) -> float | None:
    """A query parameter in seconds, or the default when missing or not a finite number ≥ 0."""
    if value is None or not re.fullmatch(r"[0-9]{1,6}(?:\.[0-9]{1,3})?", value.strip()):
        return default
    return float(value)


MOMENT_LEAD_MS, MOMENT_MIN_MS = 5_000, 30_000


def moment_span(start_ms: int, end_ms: int, clip_ms: int) -> tuple[int, int]:
    """The part of a clip (clip time, ms) that a search moment adds to a session: from 5 s before
    the moment to its end, at least 30 s long, within the clip."""
    start = max(0, min(start_ms - MOMENT_LEAD_MS, clip_ms - 1000))
    return start, min(clip_ms, max(end_ms, start + MOMENT_MIN_MS))


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json">: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def clip_json(request: Request, view: ClipView) -> dict[str, Any]:
    base, clip = _base(request), view.clip
    return {
        "id": clip.id, "title": clip.title, "description": clip.description, "film": view.film.id,
        "themes": [{"id": t.id, "title": t.title} for t in view.themes],
        "speakers": list(clip.speakers), "start_ms": clip.start_ms, "end_ms": clip.end_ms,
        "duration_ms": clip.duration_ms,
        "url": f"{base}/clips/{clip.id}", "embed_url": f"{base}/embed/{clip.id}",
        "video_url": media_url(request, view.video_url) if view.has_video else None,
        "hls_url": media_url(request, view.hls_url) if request.app.state.delivery.versioned(view.hls_url) else None,
        "poster_url": media_url(request, view.poster_url) if view.has_poster else None,
        "subtitles": [track_json(request, t) for t in view.tracks],
        "audio_description": {
            "video_url": media_url(request, view.described.url) if view.described else None,
            "extended": bool(view.described and view.described.extended),
            "descriptions": [{"lang": t.lang, "url": media_url(request, t.url)} for t in view.descriptions],
            "transcript_url": f"{base}/clips/{clip.id}/transcript",
        },
        "learning_goal": clip.learning_goal, "questions": list(clip.questions), "audience": clip.audience,
    }


def track_json(request: Request, track: Track) -> dict[str, Any]:
    return {"lang": track.lang, "label": track.label, "url": media_url(request, track.url),
            "machine_made": bool(track.made_by), "reviewed": track.reviewed, "made_by": track.made_by or None}


def machine_made_note(made_by: str) -> str:
    """What the site says beside subtitles or a transcript a machine made and nobody reviewed yet."""
    return f"{MACHINE_MADE_NOTICE} (gemaakt met {' '.join(made_by.split())})"  # one line, whatever it says


def clip_ld(request: Request, view: ClipView) -> dict[str, Any]:
    """schema.org for a clip page: a VideoObject that is also a LearningResource (teaching metadata)."""
    base, clip, film = _base(request), view.clip, view.film
    minutes = discussion_minutes(_snapshot(request).catalogue.sessions, clip.id)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": ["VideoObject", "LearningResource"], "name": clip.title,
        "description": clip.description or f"Kennisclip uit {film.title}",
        "thumbnailUrl": media_url(request, view.poster_url),
        "uploadDate": _file_date(request.app.state.settings.clip_video(clip.id)),
        "duration": duration_iso(clip.duration_ms), "contentUrl": media_url(request, view.video_url),
        "embedUrl": f"{base}/embed/{clip.id}", "inLanguage": film.language,
        "isPartOf": {"@type": "VideoObject", "name": film.title, "url": f"{base}/films/{film.id}"},
        "learningResourceType": "video", "educationalUse": ["instruction", *(["discussion"] if clip.questions else [])],
        "timeRequired": duration_iso(clip.duration_ms + (minutes or 0) * 60_000),
    }
    if clip.learning_goal:
        data["teaches"] = clip.learning_goal
    if clip.audience:
        data["audience"] = {"@type": "EducationalAudience", "educationalRole": clip.audience}
    return data


def discussion_minutes(sessions: tuple[Session, ...], clip_id: str) -> int | None:
    """The minutes the editor's sessions give the talk right after the clip (the first one that
    follows it with a discussion step with minutes), or None."""
    for session in sessions:
        for step, after in zip(session.steps, session.steps[1:]):
            if isinstance(step, ClipStep) and step.clip_id == clip_id and isinstance(after, DiscussionStep) \
                    and after.minutes:
                return after.minutes
    return None


def _file_date(path: Path) -> str:
    """When an output was written, as an ISO 8601 date-time in UTC (schema.org's uploadDate)."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        stamp = 0
    return datetime.datetime.fromtimestamp(int(stamp), datetime.UTC).isoformat()


# --- pages --------------------------------------------------------------------------------


async def index(request: Request) -> Response:
    snapshot = _snapshot(request)
    themes = [(theme, len(snapshot.clips_of(theme.id))) for theme in snapshot.themes]
    return _render(request, "index.html", {"films": list(snapshot.films.values()), "themes": themes})


async def theme_detail(request: Request) -> Response:
    snapshot = _snapshot(request)
    theme = snapshot.theme(request.path_params["theme_id"])
    if theme is None:
        raise HTTPException(404, "Dit thema bestaat niet.")
    base = _base(request)
    oembed_url = f"{base}/oembed?" + urlencode({"url": f"{base}/themes/{theme.id}", "format": "json"})
    return _render(request, "theme_detail.html", {"theme": theme, "clips": snapshot.clips_of(theme.id),
                                                  "oembed_url": oembed_url})


async def clip_detail(request: Request) -> Response:
    view = _clip_or_404(request)
    cues = await run_in_threadpool(_state(request).cues, view)
    start_s = _seconds(request.query_params.get("t"), 0.0)
    base = _base(request)
    oembed_url = f"{base}/oembed?" + urlencode({"url": f"{base}/clips/{view.id}", "format": "json"})
    return _render(request, "clip_detail.html", {
        "view": view, "clip": view.clip, "cues": cues, "start_s": start_s, "base": base,
        "oembed_url": oembed_url, "jsonld": json_ld(clip_ld(request, view)),
        "embed_code": embed_code(base, view, None, None, True),
        "transcript_made_by": view.film.machine_made_unreviewed(view.film.language),
    })


def embed_code(base: str, view: ClipView, start: float | None, end: float | None, captions: bool,
               size: tuple[int, int] = (EMBED_WIDTH, EMBED_HEIGHT)) -> str:
    params: dict[str, object] = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
    if not captions:
        params["captions"] = "0"
    query = ("?" + urlencode(params)) if params else ""
    title = view.clip.title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<iframe src="{base}/embed/{view.id}{query}" width="{size[0]}" height="{size[1]}" '
            f'title="{title}" allow="fullscreen" allowfullscreen loading="lazy"></iframe>')


async def clip_transcript(request: Request) -> Response:
    view = _clip_or_404(request)
    cues = await run_in_threadpool(_state(request).cues, view)
    descriptions = await run_in_threadpool(_state(request).description_cues, view)
    made_by = view.film.machine_made_unreviewed(view.film.language)
    lines = [machine_made_note(made_by)] if made_by else []
    lines += [f"{view.clip.title}", f"{view.film.title}", ""]
    lines += transcript_lines(cues, descriptions)  # with descriptions: the descriptive transcript
    headers = {"content-disposition": f'attachment; filename="{view.id}.{view.film.language}.txt"'}
    return PlainTextResponse("\n".join(lines) + "\n", headers=headers)


async def film_detail(request: Request) -> Response:
    film = _snapshot(request).films.get(request.path_params["film_id"])
    if film is None:
        raise HTTPException(404, "Deze film bestaat niet.")
    base = _base(request)
    ld = {
        "@context": "https://schema.org", "@type": "VideoObject", "name": film.film.title,
        "description": film.film.description or film.film.title, "thumbnailUrl": media_url(request, film.poster_url),
        "contentUrl": media_url(request, film.video_url), "inLanguage": film.film.language,
        "uploadDate": _file_date(request.app.state.settings.film_video(film.id)),
        **({"duration": duration_iso(film.duration_ms)} if film.duration_ms else {}),
        "hasPart": [{"@type": "Clip", "name": c.clip.title, "startOffset": c.clip.start_ms / 1000,
                     "endOffset": c.clip.end_ms / 1000, "url": f"{base}/clips/{c.id}"} for c in film.clips],
    }
    start_s = _seconds(request.query_params.get("t"), 0.0)
    return _render(request, "film_detail.html", {"film": film, "jsonld": json_ld(ld), "start_s": start_s})


async def _search(request: Request) -> tuple[SearchResults | None, str | None]:
    query = request.query_params.get("q", "")
    theme = request.query_params.get("theme") or None
    try:
        results = await run_in_threadpool(search, request.app.state.search_index, query, theme=theme)
    except CatalogueError as exc:
        return None, str(exc)
    return _published(results, _snapshot(request)), None


def _published(results: SearchResults, snapshot: Snapshot) -> SearchResults:
    """The results without clips the site no longer shows (consent withdrawn or ended since the index
    was built: the next `catalogue index` leaves them out of the index too)."""
    kept = [hit for hit in results.clips if hit.id in snapshot.clips]
    if len(kept) == len(results.clips):
        return results
    return dataclasses.replace(results, clips=kept, total=max(0, results.total - (len(results.clips) - len(kept))))


async def search_page(request: Request) -> Response:
    results, problem = await _search(request)
    snapshot = _snapshot(request)
    return _render(request, "search.html", {
        "q": request.query_params.get("q", ""), "theme": request.query_params.get("theme") or "",
        "results": results, "problem": problem, "snapshot": snapshot,
        "themes": [(t, len(snapshot.clips_of(t.id))) for t in snapshot.themes],
    })


async def embed(request: Request) -> Response:
    view = _clip_or_404(request)
    start = _seconds(request.query_params.get("start"))
    end = _seconds(request.query_params.get("end"))
    if start is not None and end is not None and end <= start:
        end = None
    captions = request.query_params.get("captions", "1") not in ("0", "false", "nee", "off")
    fragment = ""
    if start is not None or end is not None:
        fragment = f"#t={start or 0:g}" + (f",{end:g}" if end is not None else "")
    return _render(request, "embed.html", {"view": view, "clip": view.clip, "start": start, "end": end,
                                           "captions": captions, "fragment": fragment})


# --- protocols and API ------------------------------------------------------------------------


async def api_themes(request: Request) -> Response:
    snapshot, base = _snapshot(request), _base(request)
    return JSONResponse([{"id": t.id, "title": t.title, "description": t.description,
                          "introduction": t.introduction, "clip_count": len(snapshot.clips_of(t.id)), "url": f"{base}/themes/{t.id}"}
                         for t in snapshot.themes])


async def api_clips(request: Request) -> Response:
    theme = request.query_params.get("theme")
    views = _snapshot(request).clips.values()
    return JSONResponse([clip_json(request, v) for v in views if not theme or theme in v.clip.themes])


async def api_clip(request: Request) -> Response:
    return JSONResponse(clip_json(request, _clip_or_404(request)))


async def api_search(request: Request) -> Response:
    results, problem = await _search(request)
    if results is None:
        return JSONResponse({"error": problem}, status_code=503)
    data = results.to_json()
    base = _base(request)
    for clip in data["clips"]:
        clip["url"] = f"{base}/clips/{clip['id']}"
        clip["poster_url"] = media_url(request, f"/media/clips/{clip['id']}.jpg")
        for moment in clip["moments"]:
            moment["url"] = f"{base}/clips/{clip['id']}?t={moment['start_ms'] / 1000:g}"
    return JSONResponse(data)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "clips": len(_snapshot(request).clips)})
