"""The site's lesson-pack downloads: `/packs/themes/<id>.zip`, `/packs/sessions/<id>.zip`,
`/packs/sessions/new.zip?<query>`. (Being built: issue 12.)"""

from __future__ import annotations

from starlette.routing import Route

routes: list[Route] = []
