"""The oEmbed 1.0 provider (`/oembed?url=…&format=json`): a clip, a theme or a session URL of
this site becomes type "video" with the iframe of its embed player."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from catalogue.lessons import SessionError, find_session, parse_session_query, theme_session
from catalogue.model import ClipStep, Session
from catalogue.web.routes import EMBED_WIDTH, PROVIDER, _base, _seconds, _snapshot, embed_code, media_url
from catalogue.web.session_pages import session_embed_code, session_links
from catalogue.web.state import ClipView, Snapshot

_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_CLIP = re.compile(rf"/(?:clips|embed)/({_SLUG})/?")
_THEME = re.compile(rf"/(?:embed/)?themes/({_SLUG})(?:/session|/present)?/?")
_SESSION = re.compile(rf"/(?:embed/)?sessions/({_SLUG})(?:/present)?/?")


@dataclass(frozen=True)
class Embeddable:
    """What a URL embeds: its title, the player's path (with query), the clip whose shape and
    poster it shows (the first one), and for a single clip its view."""

    title: str
    first: ClipView | None
    clip: ClipView | None = None
    embed_path: str = ""


def _first_clip(snapshot: Snapshot, session: Session) -> ClipView | None:
    return next((snapshot.clips[s.clip_id] for s in session.steps
                 if isinstance(s, ClipStep) and s.clip_id in snapshot.clips), None)


def find_embeddable(snapshot: Snapshot, url: str) -> Embeddable | None:
    """The clip, theme or session at `url` (a path of this site, with its query), or None."""
    parts = urlsplit(url)
    if match := _CLIP.fullmatch(parts.path):
        view = snapshot.clips.get(match.group(1))
        return Embeddable(view.clip.title, view, view) if view else None
    session, theme_id = None, ""
    if match := _THEME.fullmatch(parts.path):
        theme = snapshot.theme(match.group(1))
        if theme is None:
            return None
        theme_id, session = theme.id, theme_session(snapshot.catalogue, theme.id)
    elif (match := _SESSION.fullmatch(parts.path)) and match.group(1) == "new":
        try:
            session = parse_session_query(parse_qs(parts.query), snapshot.catalogue)
        except SessionError:
            return None
    elif match:
        session = find_session(snapshot.catalogue, match.group(1))
    if session is None or not session.steps:
        return None
    title = snapshot.theme(theme_id).title if theme_id else session.title  # type: ignore[union-attr]
    return Embeddable(title, _first_clip(snapshot, session), embed_path=session_links(session, theme_id).embed)


def _size(view: ClipView | None, max_w: float | None, max_h: float | None) -> tuple[int, int]:
    """The player's shape (its clip's, 640 wide; a portrait clip is as tall as a landscape one is
    wide), scaled down to fit maxwidth and maxheight."""
    shown_w, shown_h = view.size if view else (16, 9)
    width, height = (EMBED_WIDTH, round(EMBED_WIDTH * shown_h / shown_w)) if shown_w >= shown_h else \
        (round(EMBED_WIDTH * shown_w / shown_h), EMBED_WIDTH)
    scale = min([1.0, *(m / d for m, d in ((max_w, width), (max_h, height)) if m)])
    return max(1, int(width * scale)), max(1, int(height * scale))


async def oembed(request: Request) -> Response:
    if request.query_params.get("format", "json") != "json":
        return JSONResponse({"error": "Alleen format=json wordt ondersteund."}, status_code=501)
    url = request.query_params.get("url", "")
    own = ("", request.url.netloc, urlsplit(_base(request)).netloc)  # a path, or a URL of this site
    found = find_embeddable(_snapshot(request), url) if urlsplit(url).netloc in own else None
    if found is None:
        raise HTTPException(404, "Geen clip, thema of sessie op deze URL.")
    width, height = _size(found.first, _seconds(request.query_params.get("maxwidth")),
                          _seconds(request.query_params.get("maxheight")))
    base = _base(request)
    code = embed_code(base, found.clip, None, None, True, size=(width, height)) if found.clip else \
        session_embed_code(base, found.embed_path, found.title, size=(width, height))
    data = {"version": "1.0", "type": "video", "provider_name": PROVIDER, "provider_url": f"{base}/",
            "title": found.title, "html": code, "width": width, "height": height}
    if found.first is not None and found.first.has_poster:  # the poster has the clip's size
        data |= {"thumbnail_url": media_url(request, found.first.poster_url), "thumbnail_width": found.first.size[0],
                 "thumbnail_height": found.first.size[1]}
    return JSONResponse(data)
