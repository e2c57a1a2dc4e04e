"""Who may use the studio: whoever has the token `catalogue studio` printed. The token in the URL
becomes a cookie; changes also need the CSRF token the page was given and a same-origin Origin.

Browsers send a cookie of 127.0.0.1 to every port there, so the cookie is named for the studio's port (a
second studio, on another port, keeps its own) and holds a value derived from the token, never the token."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE_PREFIX = "catalogue_studio_"
DEFAULT_PORT = 8001  # `catalogue studio --port`'s default
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = "Geen toegang: open de studio met de link die `catalogue studio` toonde."
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def csrf_token(token: str) -> str:
    """The CSRF token for a studio run: HMAC-SHA256 of "csrf" keyed by the access token, in hex."""
    return hmac.new(token.encode(), b"csrf", hashlib.sha256).hexdigest()


def cookie_name(port: int) -> str:
    """The cookie of the studio on `port`: `catalogue_studio_8001`."""
    return f"{COOKIE_PREFIX}{port}"


def session_value(token: str) -> str:
    """What the cookie holds: HMAC-SHA256 of "session" keyed by the access token, in hex (a server that
    receives it cannot make the link, nor the CSRF token, from it)."""
    return hmac.new(token.encode(), b"session", hashlib.sha256).hexdigest()


def security_headers(path: str) -> dict[str, str]:
    """Like the public site's, stricter: no referrer, never framed, API answers never stored."""
    headers = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
               "referrer-policy": "no-referrer", "x-frame-options": "DENY"}
    if not path.startswith(("/static/", "/video/")):
        headers["cache-control"] = "no-store"
    return headers


class TokenGuard:
    """Refuses every request without the token (403), and every change without CSRF token and Origin.
    A WebSocket without the studio's cookie is closed unheard; lifespan messages pass."""

    def __init__(self, app: ASGIApp, token: str, port: int = DEFAULT_PORT) -> None:
        self.app = app
        self.token = token
        self.csrf = csrf_token(token)
        self.cookie = cookie_name(port)
        self.session = session_value(token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            if _same(HTTPConnection(scope).cookies.get(self.cookie, ""), self.session):
                await self.app(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            raise RuntimeError(f"the studio does not serve {scope['type']!r} connections")
        response = self.refusal(Request(scope))
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def refusal(self, request: Request) -> Response | None:
        """The answer that stops this request, or None to let it through."""
        given = request.query_params.get("token")
        if given is not None:
            return self._welcome(request) if _same(given, self.token) else _refused()
        if not _same(request.cookies.get(self.cookie, ""), self.session):
            return _refused()
        if request.method in CHANGES and not self.same_origin_change(request.headers, request.url.scheme):
            return JSONResponse({"error": "Geweigerd: deze wijziging kwam niet van de studio zelf "
                                          "(CSRF-token of Origin ontbreekt of klopt niet). Herlaad de pagina."},
                                status_code=403)
        return None

    def same_origin_change(self, headers: Headers, scheme: str) -> bool:
        host = headers.get("host", "")
        return (bool(host) and _same(headers.get("x-csrf-token", ""), self.csrf)
                and _same(headers.get("origin", ""), f"{scheme}://{host}"))

    def _welcome(self, request: Request) -> Response:
        """The cookie, and the same address without the token (out of the history and the logs)."""
        query = urlencode([(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k != "token"])
        path = "/" + request.url.path.lstrip("/")  # never "//host": that would leave the studio
        response = RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)
        response.set_cookie(self.cookie, self.session, httponly=True, samesite="strict", path="/")
        return response


def _same(given: str, wanted: str) -> bool:
    return hmac.compare_digest(given.encode(), wanted.encode())


def _refused() -> Response:
    return PlainTextResponse(REFUSED, status_code=403)
