"""The check `catalogue serve` makes of a media origin before it sends pages that point there.

A page's `<video crossorigin="anonymous">` loads its captions, its MP4 and its HLS ladder from the
media origin only when that origin answers with `Access-Control-Allow-Origin` (Chromium: without
it, the video fails with MediaError 4 and the player stays black; a caption track simply never
loads). So before serving, the origin is asked, as a browser on the site would ask it, for its
manifest, a playlist, a caption file and a byte range of a video: any missing file or header is an
error that says what to fix, not a silent black player.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable

from catalogue.settings import Settings
from catalogue.web.delivery import Delivery, Published
from catalogue.web.publish import MANIFEST, plan_publish, read_manifest
from catalogue.web.state import CatalogueState

TIMEOUT_S = 10
Fetch = Callable[[str, dict[str, str]], tuple[int, dict[str, str], bytes]]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """(status, headers in lower case, at most 1 MB of the body) of a GET; status 0 when unreachable."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read(1 << 20)
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, b""
    except (OSError, ValueError) as error:
        return 0, {"error": str(getattr(error, "reason", error))}, b""


def check_media_origin(settings: Settings, site_origin: str) -> list[str]:
    """What is wrong with the settings' media origin (none: []) for pages served from `site_origin`."""
    expected = plan_publish(Delivery(settings), CatalogueState(settings).snapshot())
    return check_origin(settings.media_url, site_origin, expected)


def check_origin(media_url: str, site_origin: str, expected: list[Published], get: Fetch = fetch) -> list[str]:
    """What is wrong with the media origin at `media_url` for pages served from `site_origin` (none: [])."""
    problems: list[str] = []
    status, headers, body = get(f"{media_url}/{MANIFEST}", {"Origin": site_origin})
    if status == 0:
        return [f"the media origin {media_url} cannot be reached ({headers.get('error', 'no answer')}): check "
                "media_url (CATALOGUE_MEDIA_URL) and that the origin is up"]
    if status != 200:
        return [f"{media_url}/{MANIFEST} answers {status}: run `catalogue publish DIR` and upload DIR there "
                "(the manifest too)"]
    lacking = _lacking(f"{media_url}/{MANIFEST}", headers, site_origin)
    try:
        published = read_manifest(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return [f"{media_url}/{MANIFEST} is not the manifest `catalogue publish` writes"]
    missing = [item.name for item in expected if item.name not in published]
    if missing:
        problems.append(f"the media origin lacks {len(missing)} of this catalogue's {len(expected)} files (e.g. "
                        f"{missing[0]}): run `catalogue publish DIR` again and upload DIR")
    for item in _samples(expected):
        url = f"{media_url}/{item.name}"
        status, headers, _ = get(url, {"Origin": site_origin, "Range": "bytes=0-1"})
        if status not in (200, 206):
            problems.append(f"{url} answers {status or headers.get('error', 'nothing')}")
            continue
        lacking += _lacking(url, headers, site_origin)
    if lacking:
        problems.append(f"no Access-Control-Allow-Origin for a page of {site_origin} on {', '.join(lacking)}: the "
                        "player (crossorigin=\"anonymous\") would stay black and load no captions; make the media "
                        "origin send `Access-Control-Allow-Origin: *` (deploy/nginx-media.conf does)")
    return problems


def _samples(expected: list[Published]) -> list[Published]:
    """One file of each kind a player fetches: a master playlist, a rung, a caption file, a video."""
    kinds: dict[str, Published] = {}
    for item in expected:
        kind = "master" if item.name.endswith("master.m3u8") else item.name.rsplit(".", 1)[-1]
        kinds.setdefault(kind, item)
    return [kinds[k] for k in ("master", "mp4", "vtt", "jpg") if k in kinds]


def _lacking(url: str, headers: dict[str, str], site_origin: str) -> list[str]:
    """[url] when its answer does not let a page of `site_origin` use it."""
    return [] if headers.get("access-control-allow-origin", "") in ("*", site_origin) else [url]
