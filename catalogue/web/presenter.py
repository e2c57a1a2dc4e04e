"""Presenter mode and the session/theme embeds: pages that run templates/static/session-player.js
on the session's steps, given as JSON in the page (`session_data`)."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from catalogue.model import Session
from catalogue.lessons import SessionError, find_session, parse_session_query, resolve, theme_session
from catalogue.web.delivery import Delivery
from catalogue.web.routes import json_ld
from catalogue.web.state import ClipView, Snapshot

DISCUSSION_TITLE = "Bespreking"
NO_STEPS = "Deze sessie heeft nog geen stappen: voeg er clips aan toe."
CAPTIONS_LANG = "nl"  # the captions shown by default when a clip has them (the site is Dutch); else its first


def session_data(session: Session, snapshot: Snapshot, delivery: Delivery | None = None) -> dict[str, Any]:
    """The session as session-player.js reads it: times in seconds of the clip's own file, the
    video (MP4, and its adaptive ladder when there is one) and caption tracks as the URLs the pages
    use (catalogue.web.delivery; the site's own paths without `delivery`), the film's language
    shown by default."""
    media = delivery.url if delivery else (lambda path: path)
    steps: list[dict[str, Any]] = []
    for step in resolve(session, snapshot.catalogue):
        if step.clip is None:
            steps.append({"kind": "discussion", "title": step.title or DISCUSSION_TITLE,
                          "questions": list(step.questions), "minutes": step.minutes})
            continue
        view = snapshot.clips[step.clip.id]
        shown = next((t.lang for t in view.tracks if t.lang == CAPTIONS_LANG), view.tracks[0].lang if view.tracks else "")
        steps.append({
            "kind": "clip", "id": view.id, "title": step.title or view.clip.title, "src": media(view.video_url),
            "hls": media(view.hls_url) if delivery and delivery.versioned(view.hls_url) else "",
            "poster": media(view.poster_url) if view.has_poster else "",
            "start": step.start_ms / 1000, "end": step.end_ms / 1000,
            "duration": view.clip.duration_ms / 1000,
            "tracks": [{"lang": t.lang, "label": t.label, "kind": t.kind, "default": t.lang == shown,
                        "src": media(t.url)} for t in view.tracks],
            "questions": list(step.questions), "learning_goal": view.clip.learning_goal,
            **({"ad": described_step(view, shown)} if view.described else {}),
        })
    return {"title": session.title, "description": session.description, "steps": steps}


def described_step(view: ClipView, shown: str) -> dict[str, Any]:
    """A clip's described version as session-player.js plays it: its file, holds, re-timed captions."""
    assert view.described is not None
    return {"src": view.described.url, "holds": [list(h) for h in view.described.holds],
            "tracks": [{"lang": t.lang, "label": t.label, "kind": t.kind, "default": t.lang == shown,
                        "src": view.described.captions[t.lang]} for t in view.tracks if t.lang in view.described.captions]}


def _snapshot(request: Request) -> Snapshot:
    return request.app.state.catalogue.snapshot()  # type: ignore[no-any-return]


def _render(request: Request, name: str, session: Session | None, back: str,
            problem: str = "", status_code: int = 200) -> Response:
    data = json_ld(session_data(session, _snapshot(request), request.app.state.delivery)) if session else ""
    context = {"session": session, "data": data, "back": back, "problem": problem}
    response: Response = request.app.state.templates.TemplateResponse(request, name, context,
                                                                      status_code=status_code)
    return response


def _stored(request: Request, use: str = "site") -> Session:
    """The cut-list session of the URL; `use` "embed" leaves out the clips not to be embedded."""
    session = find_session(_snapshot(request).catalogue_for(use), request.path_params["session_id"])
    if session is None:
        raise HTTPException(404, "Deze sessie bestaat niet.")
    return session


def _theme(request: Request, use: str = "site") -> Session:
    snapshot = _snapshot(request)
    theme_id = request.path_params["theme_id"]
    if snapshot.theme(theme_id) is None:
        raise HTTPException(404, "Dit thema bestaat niet.")
    return theme_session(snapshot.catalogue_for(use), theme_id)


def _from_url(request: Request, name: str, back: str, use: str = "site") -> Response:
    """A URL-defined session; a query that does not make one is a 400 page saying why."""
    try:
        session = parse_session_query(request.query_params, _snapshot(request).catalogue_for(use))
    except SessionError as exc:
        return _render(request, name, None, back, problem=exc.dutch + ".", status_code=400)
    if not session.steps:
        return _render(request, name, None, back, problem=NO_STEPS, status_code=400)
    return _render(request, name, session, back)


# --- presenter mode ----------------------------------------------------------------------------


async def presenter_session(request: Request) -> Response:
    session = _stored(request)
    return _render(request, "presenter.html", session, f"/sessions/{session.id}")


async def presenter_new(request: Request) -> Response:
    query = request.url.query
    return _from_url(request, "presenter.html", "/sessions/new" + (f"?{query}" if query else ""))


async def presenter_theme(request: Request) -> Response:
    theme_id = request.path_params["theme_id"]
    return _render(request, "presenter.html", _theme(request), f"/themes/{theme_id}/session")


# --- embeds: /embed/ pages may be framed (see app.security_headers) ---------------------------------


async def embed_session(request: Request) -> Response:
    return _render(request, "embed_session.html", _stored(request, "embed"), "")


async def embed_session_new(request: Request) -> Response:
    return _from_url(request, "embed_session.html", "", "embed")


async def embed_theme(request: Request) -> Response:
    return _render(request, "embed_session.html", _theme(request, "embed"), "")


def embed_session_code(base: str, path: str, title: str, size: tuple[int, int] = (640, 360)) -> str:
    """The <iframe> for a session or theme embed at `path` (e.g. `/embed/themes/x`, query included)."""
    def attr(text: str) -> str:
        return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<iframe src="{attr(base + path)}" width="{size[0]}" height="{size[1]}" title="{attr(title)}" '
            f'allow="autoplay; fullscreen" allowfullscreen loading="lazy"></iframe>')


routes: list[Route] = [
    Route("/sessions/new/present", presenter_new, name="presenter_new"),
    Route("/sessions/{session_id}/present", presenter_session, name="presenter_session"),
    Route("/themes/{theme_id}/present", presenter_theme, name="presenter_theme"),
    Route("/embed/sessions/new", embed_session_new, name="embed_session_new"),
    Route("/embed/sessions/{session_id}", embed_session, name="embed_session"),
    Route("/embed/themes/{theme_id}", embed_theme, name="embed_theme"),
]
