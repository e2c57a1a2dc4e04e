"""create_app(settings): the route table, middleware and error pages."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import anyio

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalogue.search import SearchIndex
from catalogue.settings import Settings
from catalogue.timecode import format_clock
from catalogue.subtitles import language_name
from catalogue.web import oembed, routes, session_pages
from catalogue.web.accessibility import routes as accessibility_routes
from catalogue.web.gate import ConsentGate
from catalogue.web.hosts import HostGuard
from catalogue.web.packs import routes as pack_routes
from catalogue.web.presenter import routes as presenter_routes
from catalogue.web.delivery import IMMUTABLE, SHORT, Delivery, media_origin
from catalogue.web.state import CatalogueState


def security_headers(path: str, media_origin: str = "") -> dict[str, str]:
    """CSP (scripts and styles only from files), nosniff, Referrer-Policy; framing only for /embed/.
    Media (and the HLS player's requests) may come from `media_origin` too; `blob:` is the player's
    MediaSource, not a script (hls.js runs without a worker: no `worker-src blob:`)."""
    embeddable = path.startswith("/embed/")
    extra = f" {media_origin}" if media_origin else ""
    csp = (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{extra}; "
           f"media-src 'self' blob:{extra}; connect-src 'self'{extra}; object-src 'none'; base-uri 'none'; "
           f"form-action 'self'; frame-ancestors {'*' if embeddable else chr(39) + 'none' + chr(39)}")
    headers = {"content-security-policy": csp, "x-content-type-options": "nosniff",
               "referrer-policy": "strict-origin-when-cross-origin"}
    if not embeddable:
        headers["x-frame-options"] = "DENY"
    return headers


class SecurityHeaders:
    """Adds `headers_for(path)` (security_headers() by default; the studio has its own) to every
    response, in place of any the app set (a 500 gets them in server_error: Starlette sends it
    from outside this middleware)."""

    def __init__(self, app: ASGIApp, headers_for: Callable[[str], dict[str, str]] | None = None) -> None:
        self.app = app
        self.headers_for = headers_for or security_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1").lower() not in extra]
                message["headers"] = kept + [(k.encode(), v.encode()) for k, v in extra.items()]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PinnedFileResponse(FileResponse):
    """A file response that sends the very file its headers describe: opened at once, its size and
    dates read from the open file, every byte read from it. A file replaced meanwhile (a film's
    rendition redacted in place) or removed (a withdrawn clip) cannot give a response that mixes
    two versions or promises bytes that are gone; the next request sees the new state."""

    def __init__(self, path: Any, status_code: int = 200) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        super().__init__(path, status_code=status_code, stat_result=os.fstat(self._fd))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if k != "http.response.pathsend"}
        try:
            await super().__call__({**scope, "extensions": extensions}, receive, send)  # no pathsend: by name
        finally:
            self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    @asynccontextmanager
    async def _open_file(self) -> AsyncIterator[Any]:
        handle = os.fdopen(os.dup(self._fd), "rb")
        handle.seek(0)
        file = anyio.wrap_file(handle)
        try:
            yield file
        finally:
            with anyio.CancelScope(shield=True):
                await file.aclose()


class MediaFiles(StaticFiles):
    """Outputs served straight from disk with Range (206/416), ETag and Last-Modified;
    WebVTT as text/vtt with CORS so tracks load from any page that embeds a clip. Each file is
    sent from the file it was when the request came (PinnedFileResponse). A versioned name
    (catalogue.web.delivery) is served when its hash is the file's: cached forever, with CORS."""

    def __init__(self, *, prefix: str = "", delivery: Delivery | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prefix, self.delivery = prefix, delivery

    async def get_response(self, path: str, scope: Scope) -> Response:
        if self.delivery is not None and scope["method"] in ("GET", "HEAD"):
            found = await run_in_threadpool(self.delivery.resolve, self.prefix + path)  # may hash a new file
            if found is not None:
                response = self.file_response(found, await run_in_threadpool(found.stat), scope)
                response.headers["cache-control"] = IMMUTABLE
                response.headers["access-control-allow-origin"] = "*"
                return response
        return await super().get_response(path, scope)

    def file_response(self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if isinstance(response, FileResponse):
            try:
                response = PinnedFileResponse(full_path, status_code)
            except FileNotFoundError:  # removed since it was looked up (a withdrawal)
                return PlainTextResponse("Niet gevonden", status_code=404)
        if str(full_path).endswith(".vtt"):
            response.headers["content-type"] = "text/vtt; charset=utf-8"
            response.headers["access-control-allow-origin"] = "*"
        response.headers.setdefault("cache-control", SHORT)
        return response


def app_from_environment() -> Starlette:
    """The app for `$CATALOGUE_ROOT`, as `catalogue serve` runs it (in each worker): uvicorn
    has set up its logging by then."""
    logging.getLogger("uvicorn.error").addFilter(_not_a_stop)
    few_malloc_arenas()
    app = create_app(Settings.from_env())
    app.state.search_index.warm()  # the index and the sentence encoder load now, not in a visitor's request
    return app


MALLOC_ARENAS = 2


def few_malloc_arenas(count: int = MALLOC_ARENAS) -> None:
    """At most `count` malloc arenas in this process. glibc gives threads that allocate at once
    arenas of their own, up to eight per core; a worker's 40 request threads then spread what they
    free over many half-empty heaps (measured: 25 MB more per worker under the load test). Called
    before the request threads start; elsewhere than glibc nothing changes."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_ARENA_MAX, count)
    except (OSError, AttributeError):
        pass  # another C library: its allocator is left as it is


M_ARENA_MAX = -8  # glibc's malloc.h


def _not_a_stop(record: logging.LogRecord) -> bool:
    """False for uvicorn's report of a response it cancelled itself when a stopping server's
    grace period ended (a film still downloading to a slow reader): not an application error,
    and uvicorn says it in a line of its own ("Cancel 1 running task(s) …")."""
    return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def create_app(settings: Settings) -> Starlette:
    templates = Jinja2Templates(directory=str(settings.templates_dir))
    delivery = Delivery(settings)
    templates.env.filters["clock"] = format_clock
    templates.env.filters["media"] = partial(media_filter, delivery)
    templates.env.filters["language"] = language_name
    templates.env.globals["duration_iso"] = routes.duration_iso
    templates.env.globals["moment_span"] = routes.moment_span
    app = Starlette(
        routes=[
            Route("/", routes.index, name="index"),
            *presenter_routes,  # presenter mode, the session and theme embeds
            *pack_routes,  # lesson-pack downloads
            *accessibility_routes,  # descriptive transcripts, the accessibility statement
            Route("/sessions", session_pages.session_list, name="session_list"),
            Route("/sessions/new", session_pages.session_new, name="session_new"),
            Route("/sessions/{session_id}", session_pages.session_detail, name="session_detail"),
            Route("/themes/{theme_id}/session", session_pages.theme_session_detail, name="theme_session_detail"),
            Route("/themes/{theme_id}", routes.theme_detail, name="theme_detail"),
            Route("/clips/{clip_id}", routes.clip_detail, name="clip_detail"),
            Route("/clips/{clip_id}/transcript.txt", routes.clip_transcript, name="clip_transcript"),
            Route("/films/{film_id}", routes.film_detail, name="film_detail"),
            Route("/search", routes.search_page, name="search_page"),
            Route("/embed/{clip_id}", routes.embed, name="embed"),
            Route("/oembed", oembed.oembed, name="oembed"),
            Route("/api/themes", routes.api_themes, name="api_themes"),
            Route("/api/clips", routes.api_clips, name="api_clips"),
            Route("/api/clips/{clip_id}", routes.api_clip, name="api_clip"),
            Route("/api/search", routes.api_search, name="api_search"),
            Route("/healthz", routes.healthz, name="healthz"),
            *media_mounts(settings, delivery),
            Mount("/static", MediaFiles(directory=settings.templates_dir / "static"), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders, headers_for=partial(security_headers,
                                                                    media_origin=media_origin(settings.media_url))),
                    Middleware(HostGuard, configured=settings.base_url),
                    Middleware(ConsentGate)],
        exception_handlers={404: not_found, 405: not_allowed, 500: server_error},
    )
    app.state.settings = settings
    app.state.delivery = delivery
    app.state.templates = templates
    app.state.catalogue = CatalogueState(settings)
    app.state.search_index = SearchIndex(settings)
    return app


def media_mounts(settings: Settings, delivery: Delivery) -> list[Mount]:
    """The outputs of `cut`, under their plain names and their versioned ones (catalogue.web.delivery)."""
    folders = {"/media/clips": settings.clips_dir, "/media/films": settings.films_dir, "/media/hls": settings.hls_dir,
               "/transcripts/clips": settings.clip_transcripts_dir, "/transcripts/films": settings.film_transcripts_dir}
    return [Mount(url, MediaFiles(directory=folder, check_dir=False, prefix=f"{url}/", delivery=delivery),
                  name=url.strip("/").replace("/", "_")) for url, folder in folders.items()]


def media_filter(delivery: Delivery, site_path: str, optional: bool = False) -> str:
    """`{{ path | media }}` in a template: where the page fetches that medium (versioned, at the media
    origin); with optional=True, "" when it is not there (a clip without its ladder)."""
    if optional and delivery.versioned(site_path) is None:
        return ""
    return delivery.url(site_path)


async def not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith(("/api/", "/oembed")):
        detail = exc.detail if isinstance(exc, HTTPException) else "Niet gevonden"
        return JSONResponse({"error": detail}, status_code=404)
    if request.url.path.startswith(("/media/", "/transcripts/", "/static/")):
        return PlainTextResponse("Niet gevonden", status_code=404)
    return request.app.state.templates.TemplateResponse(request, "404.html", {}, status_code=404)


async def not_allowed(request: Request, exc: Exception) -> Response:
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    return PlainTextResponse("Deze methode is hier niet toegestaan.", status_code=405, headers=headers)


async def server_error(request: Request, exc: Exception) -> Response:
    # never a traceback: the log has it, the visitor gets a Dutch page
    headers = security_headers(request.url.path)  # ServerErrorMiddleware sends this past SecurityHeaders
    if request.url.path.startswith(("/api/", "/oembed")):
        return JSONResponse({"error": "Er ging iets mis"}, status_code=500, headers=headers)
    return HTMLResponse(request.app.state.templates.get_template("500.html").render(), status_code=500,
                        headers=headers)

