"""Helpers for tests that start real servers on loopback (uvicorn, nginx)."""

from __future__ import annotations

import json
import socket
import urllib.request


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str) -> bool:
    """True when `url` (a /healthz) answers 200 with status ok."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200 and json.loads(response.read()).get("status") == "ok"
    except (OSError, ValueError):
        return False
