"""The session builder in a real headless Chromium against a real `catalogue serve` (issue 12's
acceptance): pick clips from two theme pages and a search result, reorder them with the keyboard,
add a discussion, set the title, reload the URL → the same session; axe-core on the session pages.

The catalogue, server, browser and tab are test_browser.py's (one more of each for this module).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from catalogue.lessons import sessions as sessions
from catalogue.cutlist import Catalogue, check_cutlists
from catalogue.media import probe_cached
from catalogue.settings import Settings
from test_browser import _describe, axe_sync, browser, catalogue_root, server, tab  # noqa: F401 (fixtures)
from test_browser import Server, Tab

pytestmark = pytest.mark.browser

STEPS_JS = """() => Array.from(document.querySelectorAll('#session-steps .step')).map(li =>
  li.dataset.kind === 'clip' ? ['clip', li.dataset.clip, li.dataset.startMs, li.dataset.endMs]
  : ['discussion', li.dataset.title, li.dataset.minutes, ...JSON.parse(li.dataset.questions)])"""
QUESTIONS = ["Wat herken je?", "Kies één: a|b & c~d. \\ of niet?"]
TITLE = "Les «buddy's» & meer | ~"


def _catalogue(server: Server) -> Catalogue:
    settings = Settings(root=server.root)
    return check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir)).catalogue()


def _steps(tab: Tab) -> list[list[str]]:
    return tab.page.evaluate(STEPS_JS)  # type: ignore[no-any-return]


def _add(tab: Tab, selector: str, count: int) -> None:
    button = tab.page.locator(selector)
    button.wait_for(state="visible")  # the script shows the builder's buttons
    button.click()
    tab.page.wait_for_function("n => document.getElementById('session-bar-count').textContent.includes(n + ' stap')",
                               arg=count)


def _query(tab: Tab) -> str:
    return urlsplit(tab.page.url).query


def test_build_a_session_from_two_themes_and_a_search_reorder_and_reload(tab: Tab, server: Server) -> None:
    tab.goto("/themes/rekrutering")
    assert tab.page.locator("#session-bar").is_hidden()  # no draft yet
    _add(tab, "button.add-to-session[data-clip=welkom]", 1)
    tab.goto("/themes/omgaan-met-grenzen")
    _add(tab, ".clip-card button.add-to-session[data-clip=grenzen]", 2)
    tab.goto("/search?q=leren")  # "Samen leren we bij": 6.5 s into the clip "grenzen"
    _add(tab, ".moments button.add-to-session[data-clip=grenzen]", 3)
    assert "toegevoegd aan je sessie (3 stappen)" in tab.page.locator("#session-bar-status").text_content()

    tab.page.locator("#session-bar-link").click()
    tab.page.wait_for_url("**/sessions/new?**")
    assert _steps(tab) == [["clip", "welkom", "0", "8000"], ["clip", "grenzen", "0", "9000"],
                           ["clip", "grenzen", "1500", "9000"]]
    tab.page.locator("#session-editor").wait_for(state="visible")

    # reorder with the keyboard: the fragment up, then the first clip down; focus stays on the button
    tab.page.locator("#session-steps .step").nth(2).locator(".step-up").focus()
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.className").endswith("step-up")
    tab.page.locator("#session-steps .step").nth(0).locator(".step-down").focus()
    tab.page.keyboard.press("Space")
    assert _steps(tab) == [["clip", "grenzen", "1500", "9000"], ["clip", "welkom", "0", "8000"],
                           ["clip", "grenzen", "0", "9000"]]
    assert "is nu stap 2" in tab.page.locator("#editor-status").text_content()
    assert tab.page.locator("#session-steps .step").nth(0).locator(".step-up").is_disabled()

    # a discussion step and a title
    tab.page.fill("#discussion-title", "Gesprek")
    tab.page.fill("#discussion-questions", "\n".join(QUESTIONS) + "\n\n")
    tab.page.fill("#discussion-minutes", "7")
    tab.page.locator("#discussion-form button[type=submit]").click()
    tab.page.fill("#session-title", TITLE)
    expected = [["clip", "grenzen", "1500", "9000"], ["clip", "welkom", "0", "8000"], ["clip", "grenzen", "0", "9000"],
                ["discussion", "Gesprek", "7", *QUESTIONS]]
    assert _steps(tab) == expected
    query = _query(tab)
    assert tab.page.locator("#session-present").get_attribute("href") == f"/sessions/new/present?{query}"
    assert tab.page.locator("#session-pack").get_attribute("href") == f"/packs/sessions/new.zip?{query}"
    assert tab.page.locator("#share-link").input_value() == f"{server.base}/sessions/new?{query}"

    # the builder writes the server's own format: the same text as session_query
    session = sessions.parse_session_query(query, _catalogue(server))
    assert session.title == TITLE and len(session.steps) == 4
    assert sessions.session_query(session) == query

    tab.page.reload(wait_until="load")
    assert _query(tab) == query
    assert _steps(tab) == expected  # rendered by the server from the URL
    assert tab.page.locator("h1").text_content() == TITLE
    assert tab.page.locator("#session-title").input_value() == TITLE
    assert tab.page.locator("#session-total").text_content().startswith("4 stappen · 3 clips · samen ongeveer 7:24")

    # the draft: an empty builder opens it; clearing it empties the builder
    tab.goto("/sessions/new")
    tab.page.wait_for_url(f"**/sessions/new?{query}")
    assert _steps(tab) == expected
    tab.page.locator("#session-clear").click()
    tab.page.wait_for_url("**/sessions/new")
    tab.page.locator("#session-editor").wait_for(state="visible")
    assert _steps(tab) == [] and tab.page.locator("#session-bar").is_hidden()
    assert tab.errors == []


def test_removing_a_step_keeps_the_url_and_focus_in_step(tab: Tab, server: Server) -> None:
    catalogue = _catalogue(server)
    start = sessions.session_query(sessions.parse_session_query("s=c.welkom&s=d.5..%7CWaarom%3F&s=c.community",
                                                                catalogue))
    tab.goto(f"/sessions/new?{start}")
    tab.page.locator("#session-editor").wait_for(state="visible")
    tab.page.locator("#session-steps .step").nth(1).locator(".step-remove").click()
    assert [s[:2] for s in _steps(tab)] == [["clip", "welkom"], ["clip", "community"]]
    assert tab.page.evaluate("document.activeElement.getAttribute('aria-label')") == "Verwijderen: Een community bouwen"
    assert _query(tab) == "t=Mijn+sessie&s=c.welkom&s=c.community"
    tab.page.reload(wait_until="load")
    assert [s[:2] for s in _steps(tab)] == [["clip", "welkom"], ["clip", "community"]]
    assert tab.errors == []


SESSION_PAGES = ["/sessions", "/themes/rekrutering/session", "/sessions/new",
                 "/sessions/new?t=Les&s=c.welkom&s=d.10.Gesprek%7CWat+zie+je%3F&s=c.grenzen~1-5"]


@pytest.mark.parametrize("path", SESSION_PAGES)
def test_axe_finds_no_serious_or_critical_violation_on_session_pages(tab: Tab, path: str) -> None:
    response = tab.goto(path)
    assert response is not None and response.status == 200
    if "s=" in path:
        tab.page.locator("#session-editor").wait_for(state="visible")  # with the builder's tools shown
    results: Any = axe_sync.Axe().run(tab.page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {path}:\n" + "\n".join(map(_describe, bad))
    assert tab.errors == []


def test_axe_on_a_theme_page_with_the_session_bar_showing(tab: Tab) -> None:
    tab.goto("/themes/rekrutering")
    _add(tab, "button.add-to-session[data-clip=welkom]", 1)
    results: Any = axe_sync.Axe().run(tab.page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(map(_describe, bad))
