"""Pages for accessibility: a clip's descriptive transcript (`/clips/{id}/transcript`: captions and audio
descriptions in time order, plain HTML that works without JavaScript; WCAG 1.2.3's media alternative) and
the accessibility statement (`/toegankelijkheid`, catalogue.web.statement)."""

from __future__ import annotations

import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from catalogue.cutlist import check_site
from catalogue.subtitles import descriptive_transcript
from catalogue.web.routes import _clip_or_404, _render, _snapshot, _state
from catalogue.web.statement import OMBUDS, statement


async def transcript_page(request: Request) -> Response:
    view = _clip_or_404(request)
    state = _state(request)
    captions = await run_in_threadpool(state.cues, view)
    descriptions = await run_in_threadpool(state.description_cues, view)
    return _render(request, "transcript.html", {
        "view": view, "clip": view.clip, "lines": descriptive_transcript(captions, descriptions),
        "has_descriptions": bool(descriptions),
        "made_by": view.film.machine_made_unreviewed(view.film.language),
    })


async def statement_page(request: Request) -> Response:
    settings = request.app.state.settings
    site = (await run_in_threadpool(check_site, settings.site_file)).settings
    today = datetime.date.today()
    return _render(request, "toegankelijkheid.html", {
        "statement": statement(_snapshot(request), site, today), "site": site, "ombuds": OMBUDS,
        "host": request.url.netloc,
    })


routes: list[Route] = [
    Route("/clips/{clip_id}/transcript", transcript_page, name="transcript_page"),
    Route("/toegankelijkheid", statement_page, name="statement_page"),
]
