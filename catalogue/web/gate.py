"""The consent gate: every URL ever issued for a withdrawn clip answers 410 Gone with a Dutch page
(JSON for the API and oEmbed), before any route or file is looked at, so no stale file or cache
can answer 200. An embed the person did not consent to is refused (403); so is a download.

It reads the catalogue state on each request (cheap while nothing changed: a few stat calls),
so a withdrawal, or a consent that ends at midnight, counts from the next request on.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# the clip's own URLs: its page and what hangs under it, its embed, its API record
_PAGE = re.compile(rf"/(?:clips|embed|api/clips)/({_SLUG})(?:/.*)?", re.S)
# its files: /media/clips/<id>.mp4, .jpg, .ad.mp4, a folder <id>/ (a streaming ladder), VTTs …
_FILE = re.compile(rf"/(?:media|transcripts|media/hls)/clips/({_SLUG})(?:[./].*)?", re.S)  # media/hls: its ladder
_EMBED = re.compile(rf"/embed/({_SLUG})/?")
_DOWNLOAD = re.compile(rf"/clips/({_SLUG})/transcript\.txt")
_FILM_FILE = re.compile(rf"/(?:media|transcripts|media/hls)/films/({_SLUG})[./].*", re.S)
GONE_TEXT = "Deze clip is verwijderd op vraag van een deelnemer."


def clip_of(path: str, query: str) -> str | None:
    """The clip id a URL of this site is about (an oEmbed request: the URL it asks for)."""
    if path == "/oembed":
        asked = parse_qs(query).get("url", [""])[0]
        parts = urlsplit(asked)
        return clip_of(parts.path, parts.query) if parts.path != "/oembed" else None
    for pattern in (_PAGE, _FILE):
        if found := pattern.fullmatch(path):
            return found.group(1)
    return None


class ConsentGate:
    """ASGI middleware: 410 for a gone clip's URLs, 403 for an embed or download not consented to."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, query = scope["path"], scope.get("query_string", b"").decode("latin-1")
        film = _FILM_FILE.fullmatch(path)
        if film is not None and film.group(1) in Request(scope).app.state.catalogue.snapshot().unredacted:
            await updating(Request(scope))(scope, receive, send)
            return
        clip_id = clip_of(path, query)
        if clip_id is not None:
            response = self.refusal(Request(scope), clip_id, path)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, request: Request, clip_id: str, path: str) -> Response | None:
        snapshot = request.app.state.catalogue.snapshot()
        if clip_id in snapshot.gone:
            return gone(request, clip_id)
        view = snapshot.clips.get(clip_id)
        if view is None:
            return None
        refused = view.refused
        if "embed" in refused and (_EMBED.fullmatch(path) or path == "/oembed"):
            return refuse(request, clip_id, "Deze clip mag niet ingebed worden.")
        if "download" in refused and _DOWNLOAD.fullmatch(path):
            return refuse(request, clip_id, "Deze clip kan niet gedownload worden.")
        return None


def _wants_json(path: str) -> bool:
    return path.startswith(("/api/", "/oembed"))


def gone(request: Request, clip_id: str) -> Response:
    """410 Gone: JSON for the API and oEmbed, the Dutch page for everything else (a file too)."""
    headers = {"cache-control": "no-store"}
    if _wants_json(request.url.path):
        return JSONResponse({"error": GONE_TEXT, "status": 410}, status_code=410, headers=headers)
    return HTMLResponse(_page(request, "gone.html", {}), status_code=410, headers=headers)


def updating(request: Request) -> Response:
    """503 for a film's files while a consent that ended is not yet redacted in them (`catalogue cut`)."""
    text = ("Deze film wordt bijgewerkt: de toestemming van een deelnemer is afgelopen. Probeer het later "
            "opnieuw.")
    return HTMLResponse(_page(request, "refused.html", {"text": text, "clip_id": ""}), status_code=503,
                        headers={"cache-control": "no-store", "retry-after": "3600"})


def refuse(request: Request, clip_id: str, text: str) -> Response:
    headers = {"cache-control": "no-store"}
    if _wants_json(request.url.path):
        return JSONResponse({"error": text, "status": 403}, status_code=403, headers=headers)
    return HTMLResponse(_page(request, "refused.html", {"text": text, "clip_id": clip_id}), status_code=403,
                        headers=headers)


def _page(request: Request, name: str, context: dict[str, object]) -> str:
    return request.app.state.templates.get_template(name).render({"request": request, **context})
