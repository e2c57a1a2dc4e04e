"""The site's lesson-pack downloads: `/packs/themes/<id>.zip`, `/packs/sessions/<id>.zip` and
`/packs/sessions/new.zip?<query>` (a session defined by its URL). Each pack is built on the first request
into the state folder's cache and served from there while its inputs are unchanged. guide.pdf only when
the server has a Chromium to print it: the site does not need one.

A pack of a URL-defined session costs what its URL asks, so those are capped (lessons.cache): one is made
at a time (another request meanwhile: 503 with Retry-After), the build stops when its requester leaves,
and their cache keeps to `pack_cache_mb`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from catalogue.cutlist import Catalogue
from catalogue.errors import CatalogueError
from catalogue.lessons import (PackBusyError, PackError, PackStopped, PackTarget, PdfError, cached_pack,
                               cached_url_pack, find_chromium, plan_pack, resolve_target, target_from_query)
from catalogue.settings import Settings

def _catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue.snapshot().catalogue_for("pack")  # type: ignore[no-any-return]


def build_cached(settings: Settings, catalogue: Catalogue, target: PackTarget) -> Path:
    """The cached pack of `target`, with guide.pdf when a Chromium is here and prints; without it otherwise."""
    engine = find_chromium() or ""
    try:
        return cached_pack(settings, plan_pack(settings, catalogue, target, pdf_engine=engine))
    except PdfError:
        if not engine:
            raise
        return cached_pack(settings, plan_pack(settings, catalogue, target))


async def _serve(request: Request, target: PackTarget) -> Response:
    settings = request.app.state.settings
    try:
        path = await run_in_threadpool(build_cached, settings, _catalogue(request), target)
    except PackError as exc:  # a clip not built yet: the server's state, not the visitor's mistake
        raise _unavailable(exc) from None
    return _zip(path, target)


async def _serve_url_session(request: Request, target: PackTarget) -> Response:
    """A URL-defined session's pack: built (one at a time) only while its requester waits for it."""
    settings, catalogue = request.app.state.settings, _catalogue(request)
    stop = threading.Event()

    def build() -> Path:
        engine = find_chromium() or ""
        with_pdf = [plan_pack(settings, catalogue, target, pdf_engine=engine)] if engine else []
        return cached_url_pack(settings, [*with_pdf, plan_pack(settings, catalogue, target)], stop=stop)

    try:
        path = await _while_connected(request, stop, build)
    except PackStopped:
        return Response(status_code=499)  # nobody reads it: the request's client has gone
    except PackBusyError as exc:
        raise HTTPException(503, "Er wordt net een andere lesmap gemaakt; probeer het over enkele seconden opnieuw.",
                            headers={"retry-after": str(exc.retry_after_s)}) from None
    except PackError as exc:
        raise _unavailable(exc) from None
    return _zip(path, target)


async def _while_connected(request: Request, stop: threading.Event, work: Callable[[], Path]) -> Path:
    """`work()` in a thread; `stop` is set when the client disconnects meanwhile."""
    async def watch() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        stop.set()

    outcome: list[Path | BaseException] = []
    async with anyio.create_task_group() as group:
        group.start_soon(watch)
        try:
            outcome.append(await run_in_threadpool(work))
        except Exception as exc:  # raised below, outside the task group (not wrapped in an ExceptionGroup)
            outcome.append(exc)
        group.cancel_scope.cancel()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _unavailable(exc: CatalogueError) -> HTTPException:
    return HTTPException(503, f"Deze lesmap kan nu niet gemaakt worden ({exc}).")


def _zip(path: Path, target: PackTarget) -> Response:
    return FileResponse(path, media_type="application/zip", filename=f"{target.stem}.zip",
                        headers={"cache-control": "no-cache"})


def _target(request: Request, spec: str) -> PackTarget:
    try:
        return resolve_target(_catalogue(request), spec)
    except CatalogueError:
        raise HTTPException(404, "Deze lesmap bestaat niet.") from None


async def theme_pack(request: Request) -> Response:
    return await _serve(request, _target(request, f"theme:{request.path_params['theme_id']}"))


async def session_pack(request: Request) -> Response:
    return await _serve(request, _target(request, f"session:{request.path_params['session_id']}"))


async def new_session_pack(request: Request) -> Response:
    try:
        target = target_from_query(_catalogue(request), request.url.query)
    except CatalogueError as exc:
        raise HTTPException(400, f"Deze sessie klopt niet: {exc}") from None
    return await _serve_url_session(request, target)


routes: list[Route] = [
    Route("/packs/themes/{theme_id}.zip", theme_pack, name="pack_theme"),
    Route("/packs/sessions/new.zip", new_session_pack, name="pack_session_new"),
    Route("/packs/sessions/{session_id}.zip", session_pack, name="pack_session"),
]
