"""Which address the site gives out in its absolute URLs (oEmbed, embed codes, the API, JSON-LD): the
configured `base_url`; without one, the request's own Host, and then only a Host that cannot point
elsewhere. Otherwise a request with `Host: evil.example` would get URLs that lead there, and a shared
cache in front could keep them for everyone.

A Host is local when it is an IP address of this or a private network (127.0.0.1, 10.x, 192.168.x, ::1, …)
or a name without a dot (localhost, a machine on the LAN, Starlette's `testserver`): no one outside can
own such a name. A site reached by a public name must say so with `base_url` (docs/hosting.md).
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

REFUSED = ("Onbekend adres: deze site antwoordt alleen op haar eigen adres. (Voor de beheerder: zet "
           "CATALOGUE_BASE_URL op het openbare adres van de site, zie docs/hosting.md.)")


def host_name(host: str) -> str:
    """The name or address of a Host header, without its port (and an IPv6 address without brackets)."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def local_host(host: str) -> bool:
    """Whether a Host header names this machine or its own network, never a name anyone could own."""
    name = host_name(host.strip()).lower().rstrip(".")
    if not name:
        return True  # no Host (HTTP/1.0): Starlette takes the server's own address
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return "." not in name and name.isascii()
    return address.is_loopback or address.is_private or address.is_link_local


def base_url(request: Request) -> str:
    """The start of every absolute URL the site gives out, without a trailing slash."""
    configured: str = request.app.state.settings.base_url
    return configured or str(request.base_url).rstrip("/")


class HostGuard:
    """Refuses (400) a request whose Host is not local, unless a `base_url` is configured (then the Host
    is never used for a URL, and any is answered)."""

    def __init__(self, app: ASGIApp, configured: str = "") -> None:
        self.app = app
        self.configured = configured

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self.configured \
                and not local_host(Headers(scope=scope).get("host", "")):
            await PlainTextResponse(REFUSED, status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)
