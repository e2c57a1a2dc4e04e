"""Lesson values that must match as a whole, in ASCII digits (issue 16): a name in a pack, the times and
minutes of a session in a URL ("²".isdigit() is true, and int("²") then fails: it was a 500)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from catalogue.cutlist import check_cutlists
from catalogue.lessons import PackError, SessionError, parse_session_query
from catalogue.lessons.pack import check_name
from catalogue.media import probe_cached
from catalogue.settings import Settings


@pytest.mark.parametrize("name", ["clips/a.mp4\n", "index.html\n", "guide.pdf\n"])
def test_a_name_in_a_pack_must_be_safe_as_a_whole(name: str) -> None:
    check_name(name.strip())
    with pytest.raises(PackError):
        check_name(name)


@pytest.mark.parametrize("query", ["t=Les&s=c.eerste~١-٢", "t=Les&s=c.eerste~1-2\n", "t=Les&s=d.².Vraag",
                                   "t=Les&s=d.٣.Vraag", "t=Les&s=d.10\n.Vraag"])
def test_a_session_url_takes_ascii_digits_only(small_catalogue: Callable[..., Path], settings: Settings,
                                               query: str) -> None:
    cutlist = small_catalogue()
    catalogue = check_cutlists([cutlist], lambda p: probe_cached(p, settings.probe_dir)).catalogue()
    parse_session_query("t=Les&s=c.eerste~1-2&s=d.10.Vraag", catalogue)
    with pytest.raises(SessionError):
        parse_session_query(query, catalogue)


def test_a_session_page_with_a_superscript_two_is_a_clear_400(small_catalogue: Callable[..., Path],
                                                              settings: Settings) -> None:
    from catalogue.web import create_app

    small_catalogue()
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    for path in ("/sessions/new?t=Les&s=d.%C2%B2.Vraag", "/packs/sessions/new.zip?t=Les&s=d.%C2%B2.Vraag"):
        response = client.get(path)
        assert response.status_code == 400, (path, response.status_code)
