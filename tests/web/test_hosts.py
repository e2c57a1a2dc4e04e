"""The Host header names no address the site gives out (issue 16): with `base_url` set, every absolute URL
starts with it whatever the Host; without, a Host that is not local is refused, so `Host: evil.example`
can never put its name in an oEmbed answer or an embed code that a shared cache then keeps."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue.settings import Settings
from catalogue.web.hosts import local_host
from servers import catalogue_server
from sites import build_site
from test_http_properties import CUTLIST, VTT  # one clip, "eerste"

PUBLIC = "https://catalogus.example.be"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Settings:
    return build_site(tmp_path_factory.mktemp("site"), gray_film, CUTLIST, {"film.nl.vtt": VTT})


def ask(base: str, path: str, host: str) -> tuple[int, str]:
    address = base.removeprefix("http://")
    connection = http.client.HTTPConnection(address, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


OEMBED = "/oembed?url=%2Fclips%2Feerste&format=json"
PAGES = [OEMBED, "/api/clips/eerste", "/clips/eerste", "/embed/eerste", "/sessions/new?t=Les&s=c.eerste"]


@pytest.fixture(scope="module")
def local(site: Settings) -> Iterator[str]:
    with catalogue_server(site.root) as base:
        yield base


def test_without_a_base_url_a_foreign_host_is_refused(local: str) -> None:
    for path in PAGES:
        status, body = ask(local, path, "evil.example")
        assert status == 400 and "Onbekend adres" in body and "evil.example" not in body, (path, status)
    status, body = ask(local, OEMBED, "evil.example:8000")
    assert status == 400


def test_without_a_base_url_the_local_host_is_answered_with_its_own_urls(local: str) -> None:
    own = local.removeprefix("http://")
    status, body = ask(local, OEMBED, own)
    assert status == 200, body
    data = json.loads(body)
    assert data["provider_url"] == f"{local}/" and f'src="{local}/embed/eerste' in data["html"]


def test_with_a_base_url_every_absolute_url_is_its_own(site: Settings, tmp_path: Path) -> None:
    with catalogue_server(site.root, env={"CATALOGUE_BASE_URL": PUBLIC + "/"}) as base:
        for host in ("evil.example", base.removeprefix("http://")):
            for path in PAGES:
                status, body = ask(base, path, host)
                assert status == 200 and "evil.example" not in body and "127.0.0.1" not in body, (host, path)
            data = json.loads(ask(base, OEMBED, host)[1])
            assert data["provider_url"] == f"{PUBLIC}/" and f'src="{PUBLIC}/embed/eerste' in data["html"]
            assert json.loads(ask(base, "/api/clips/eerste", host)[1])["url"] == f"{PUBLIC}/clips/eerste"
        status, body = ask(base, f"/oembed?url={PUBLIC}/clips/eerste", "evil.example")
        assert status == 200, body  # a URL of the site's own address is one of its own


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1:8000", True), ("localhost", True), ("testserver", True), ("[::1]:8000", True),
    ("192.168.1.20:8000", True), ("10.0.0.5", True), ("klaslokaal-pc", True), ("", True),
    ("evil.example", False), ("evil.example:80", False), ("catalogus.school.be", False), ("8.8.8.8", False),
    ("[2001:4860::8888]:80", False), ("localhost.evil.example", False), ("évil", False),
])
def test_local_host(host: str, local: bool) -> None:
    assert local_host(host) is local
