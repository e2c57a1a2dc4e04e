"""Session pages: the list, a cut-list session, a theme as a session, and a session in its URL
(`/sessions/new?…`, built by a trainer on the site; nothing is stored on the server)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from catalogue.lessons import DEFAULT_TITLE, ResolvedStep, SessionError, find_session, parse_session_query, resolve, session_query, theme_session, total_duration_ms
from catalogue.model import DiscussionStep, Session
from catalogue.web.routes import EMBED_HEIGHT, EMBED_WIDTH, _base, _render, _snapshot
from catalogue.web.state import ClipView, Snapshot

@dataclass(frozen=True)
class StepView:
    """One step as a session page shows it: the resolved step and, for a clip, what the site has of it."""

    step: ResolvedStep
    view: ClipView | None

    @property
    def kind(self) -> str:
        return self.step.kind

    @property
    def given_title(self) -> str:
        """A discussion step's own title ("" when the page shows the default)."""
        return self.step.step.title if isinstance(self.step.step, DiscussionStep) else ""


@dataclass(frozen=True)
class SessionLinks:
    """Where a session is shown, presented, embedded and downloaded (paths with their query)."""

    page: str
    present: str
    embed: str
    pack: str
    edit: str  # the same session in the builder


def step_views(snapshot: Snapshot, session: Session) -> list[StepView]:
    """The session's steps, resolved, each clip step with its view (None for a clip the site lacks)."""
    return [StepView(step, snapshot.clips.get(step.clip.id) if step.clip else None)
            for step in resolve(session, snapshot.catalogue)]


def session_links(session: Session, theme_id: str = "") -> SessionLinks:
    query = session_query(session)
    if theme_id:
        return SessionLinks(f"/themes/{theme_id}/session", f"/themes/{theme_id}/present", f"/embed/themes/{theme_id}",
                            f"/packs/themes/{theme_id}.zip", f"/sessions/new?{query}")
    if session.id:
        return SessionLinks(f"/sessions/{session.id}", f"/sessions/{session.id}/present",
                            f"/embed/sessions/{session.id}", f"/packs/sessions/{session.id}.zip",
                            f"/sessions/new?{query}")
    return SessionLinks(f"/sessions/new?{query}", f"/sessions/new/present?{query}", f"/embed/sessions/new?{query}",
                        f"/packs/sessions/new.zip?{query}", f"/sessions/new?{query}")


def session_embed_code(base: str, embed_path: str, title: str, size: tuple[int, int] = (EMBED_WIDTH, EMBED_HEIGHT)) -> str:
    """The iframe that plays a session or theme in order, for an LMS page."""
    src = (base + embed_path).replace("&", "&amp;").replace('"', "&quot;")
    title = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<iframe src="{src}" width="{size[0]}" height="{size[1]}" title="{title}" '
            f'allow="fullscreen" allowfullscreen loading="lazy"></iframe>')


def _render_session(request: Request, session: Session, links: SessionLinks, kind: str,
                    problem: str = "", status_code: int = 200) -> Response:
    snapshot, base = _snapshot(request), _base(request)
    steps = step_views(snapshot, session)
    oembed_url = f"{base}/oembed?" + urlencode({"url": base + links.page, "format": "json"})
    return _render(request, "session_detail.html", {
        "session": session, "steps": steps, "links": links, "kind": kind, "base": base, "problem": problem,
        "total_ms": total_duration_ms([s.step for s in steps]), "clip_count": sum(s.kind == "clip" for s in steps),
        "embed_code": session_embed_code(base, links.embed, session.title), "oembed_url": oembed_url,
    }, status_code=status_code)


async def session_list(request: Request) -> Response:
    snapshot = _snapshot(request)
    ready = [(s, step_views(snapshot, s)) for s in snapshot.catalogue.sessions]
    themes = [(t, len(snapshot.clips_of(t.id))) for t in snapshot.themes]
    return _render(request, "session_list.html", {"sessions": ready, "themes": themes})


async def session_detail(request: Request) -> Response:
    session = find_session(_snapshot(request).catalogue, request.path_params["session_id"])
    if session is None:
        raise HTTPException(404, "Deze sessie bestaat niet.")
    return _render_session(request, session, session_links(session), "session")


async def theme_session_detail(request: Request) -> Response:
    snapshot = _snapshot(request)
    theme_id = request.path_params["theme_id"]
    if snapshot.theme(theme_id) is None:
        raise HTTPException(404, "Dit thema bestaat niet.")
    session = theme_session(snapshot.catalogue, theme_id)
    return _render_session(request, session, session_links(session, theme_id), "theme")


async def session_new(request: Request) -> Response:
    """A session defined by its URL, in the builder; a bad URL is named (in Dutch), with status 400."""
    try:
        session = parse_session_query(request.query_params, _snapshot(request).catalogue)
    except SessionError as exc:
        empty = Session("", DEFAULT_TITLE, ())
        return _render_session(request, empty, session_links(empty), "new", problem=exc.dutch, status_code=400)
    return _render_session(request, session, session_links(session), "new")
