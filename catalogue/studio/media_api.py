"""The studio's handlers for the film at a glance (waveform, thumbnails) and for the build button
(start `cut` + `index`, follow it as Server-Sent Events)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse

from catalogue.errors import MediaError
from catalogue.studio.build import BuildRunner, BuildRunningError, Event, build_commands
from catalogue.studio.overview import MAX_THUMBS, NoStreamError, Overview
from catalogue.studio.state import StudioState

KEEPALIVE_S = 15.0


def waveform(request: Request) -> Response:
    # plain def: Starlette runs it in a threadpool, and the first call decodes the film's audio
    state, overview = _state(request), _overview(request)
    film = state.cutlist(request.path_params["film_id"]).film
    try:
        return JSONResponse(overview.waveform_json(film.video_path))
    except MediaError as exc:
        return JSONResponse({"error": f"Geen golfvorm voor {film.id!r}: {exc}"}, status_code=404)


def thumbs(request: Request) -> Response:
    state, overview = _state(request), _overview(request)
    film = state.cutlist(request.path_params["film_id"]).film
    try:
        count = int(request.query_params.get("count", "20"))
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_THUMBS:
        return JSONResponse({"error": f"count moet een geheel getal van 1 tot {MAX_THUMBS} zijn"}, status_code=400)
    try:
        sprite = overview.thumbs(film.video_path, count)
    except (NoStreamError, MediaError) as exc:
        return JSONResponse({"error": f"Geen miniaturen voor {film.id!r}: {exc}"}, status_code=404)
    # the address names the film, not its version: the page asks again each time (no-store on /api/)
    return FileResponse(sprite, media_type="image/jpeg", headers={"x-thumb-count": str(count)})


async def start_build(request: Request) -> Response:
    state, runner = _state(request), _runner(request)
    commands = build_commands(state.settings.root, state.paths)
    try:
        first = runner.start(commands, cwd=state.settings.root)
    except BuildRunningError as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    return JSONResponse({"started": True, "after": first - 1, "events": f"/api/build/events?after={first - 1}"},
                        status_code=202)


async def cancel_build(request: Request) -> Response:
    if not _runner(request).cancel():
        return JSONResponse({"error": "Er loopt geen build."}, status_code=409)
    return JSONResponse({"cancelling": True}, status_code=202)


async def build_events(request: Request) -> Response:
    """The build's events after `?after=` (or Last-Event-ID), as they come; the stream ends with the
    build ("done" or "failed"). No build yet: one "idle" event."""
    runner = _runner(request)
    wanted = request.headers.get("last-event-id") or request.query_params.get("after") or "0"
    last_id = int(wanted) if wanted.isascii() and wanted.isdigit() else 0
    return StreamingResponse(_follow(runner, last_id), media_type="text/event-stream",
                             headers={"x-accel-buffering": "no"})


async def _follow(runner: BuildRunner, last_id: int) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    if runner.run_number == 0:
        yield Event(0, "idle", {"line": "Nog geen build gestart."}).format()
        return
    while True:
        events, finished = runner.events_after(last_id)
        for event in events:
            last_id = event.id
            yield event.format()
        if finished and not runner.events_after(last_id)[0]:
            return
        if not events:
            await run_in_threadpool(runner.wait, last_id, KEEPALIVE_S)
            if not runner.events_after(last_id)[0] and not runner.events_after(last_id)[1]:
                yield ": nog bezig\n\n"  # a comment: keeps proxies and the browser from giving up


def _state(request: Request) -> StudioState:
    state: StudioState = request.app.state.studio
    return state


def _overview(request: Request) -> Overview:
    overview: Overview = request.app.state.overview
    return overview


def _runner(request: Request) -> BuildRunner:
    runner: BuildRunner = request.app.state.build
    return runner
