"""create_studio_app(settings, token): the studio's route table, its guard and its error answers."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from catalogue.cutlist import ClipEditError, ClipNotFoundError
from catalogue.cutlist import CutListChangedError
from catalogue.errors import CatalogueError
from catalogue.settings import Settings
from catalogue.studio import api, media_api
from catalogue.studio.build import BuildRunner
from catalogue.studio.dutch import dutch
from catalogue.studio.overview import Overview
from catalogue.studio.security import DEFAULT_PORT, TokenGuard, security_headers
from catalogue.studio.state import FilmNotFoundError, StudioState, version
from catalogue.web import SecurityHeaders


def create_studio_app(settings: Settings, token: str, cutlists: list[Path] | None = None, *,
                      port: int = DEFAULT_PORT) -> Starlette:
    """The studio over `cutlists` (None: every cut list of the root); only `token` opens it. `port`, where it
    listens, names its cookie."""
    app = Starlette(
        routes=[
            Route("/", api.page, name="page"),
            Route("/api/film", api.api_film, name="api_film"),
            Route("/api/search", api.api_search, name="api_search"),
            Route("/api/clips", api.api_save_clip, methods=["POST"], name="api_save_clip"),
            Route("/api/clips/{clip_id}", api.api_delete_clip, methods=["DELETE"], name="api_delete_clip"),
            Route("/api/reviewed", api.api_reviewed, methods=["POST"], name="api_reviewed"),
            Route("/api/appearances", api.api_appearance, methods=["POST"], name="api_appearance"),
            Route("/api/captions", api.api_captions, name="api_captions"),
            Route("/api/captions", api.api_save_captions, methods=["POST"], name="api_save_captions"),
            Route("/api/descriptions", api.api_descriptions, name="api_descriptions"),
            Route("/api/descriptions", api.api_save_descriptions, methods=["POST"], name="api_save_descriptions"),
            Route("/api/descriptions/speech", api.api_description_speech, name="api_description_speech"),
            Route("/video/{film_id}", api.video, name="video"),
            Route("/api/waveform/{film_id}", media_api.waveform, name="api_waveform"),
            Route("/api/thumbs/{film_id}", media_api.thumbs, name="api_thumbs"),
            Route("/api/build", media_api.start_build, methods=["POST"], name="api_build"),
            Route("/api/build/events", media_api.build_events, name="api_build_events"),
            Route("/api/build/cancel", media_api.cancel_build, methods=["POST"], name="api_build_cancel"),
            Mount("/static", StaticFiles(directory=settings.templates_dir / "static"), name="static"),
        ],
        # the guard inside the headers: a refusal gets them too
        middleware=[Middleware(SecurityHeaders, headers_for=security_headers), Middleware(TokenGuard, token=token, port=port)],
        exception_handlers={HTTPException: http_error, CatalogueError: catalogue_error, Exception: server_error},
    )
    app.state.settings = settings
    app.state.token = token
    app.state.templates = Jinja2Templates(directory=str(settings.templates_dir))
    app.state.studio = StudioState(settings, cutlists)
    app.state.overview = Overview(settings.state_dir / "studio", app.state.studio.probe)
    app.state.build = BuildRunner(settings.state_dir / "studio" / "build.lock")
    return app


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    text = {404: "Niet gevonden", 405: "Deze methode is hier niet toegestaan."}.get(status, "Fout")
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    if request.url.path.startswith(("/api/", "/video/")):
        return JSONResponse({"error": text}, status_code=status, headers=headers)
    return PlainTextResponse(text, status_code=status, headers=headers)


async def catalogue_error(request: Request, exc: Exception) -> Response:
    """What the editor can fix, as JSON: 404 unknown film or clip, 409 changed meanwhile, 422 wrong fields."""
    if isinstance(exc, api.InputError):
        return JSONResponse({"errors": [{"field": f, "message": m} for f, m in exc.errors]}, status_code=422)
    if isinstance(exc, (FilmNotFoundError, ClipNotFoundError)):
        return JSONResponse({"error": str(exc) if isinstance(exc, FilmNotFoundError) else dutch(exc.reason)},
                            status_code=404)
    if isinstance(exc, CutListChangedError):
        return JSONResponse({"error": api.CHANGED, "version": _version(exc.path)}, status_code=409)
    if isinstance(exc, ClipEditError):
        return JSONResponse({"errors": [{"field": exc.field, "message": dutch(exc.reason)}]}, status_code=422)
    return JSONResponse({"error": dutch(str(exc))}, status_code=400)


async def server_error(request: Request, exc: Exception) -> Response:
    # never a traceback to the page: Starlette raises it on to uvicorn, which logs it in the terminal
    return JSONResponse({"error": "Er ging iets mis in de studio; de terminal waarin `catalogue studio` draait, "
                                  "zegt wat."}, status_code=500, headers=security_headers(request.url.path))


def _version(path: Path) -> str | None:
    try:
        return version(path.read_bytes())
    except OSError:
        return None
