"""The docs stay true (after sqlite-utils' test_docs.py): every relative link in the README and docs/
resolves, to a file and to a heading; docs/cli.md is what the commands print; every command and every
option has help text and is explained in a guide, not only listed in the reference."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import click
import pytest

from catalogue.cli import cli
from catalogue.settings import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import cli_reference  # noqa: E402

DOCS = sorted((PROJECT_DIR / "docs").glob("*.md"))
PAGES = [PROJECT_DIR / "README.md", *DOCS, *sorted((PROJECT_DIR / "deploy").glob("*.md"))]
GUIDES = [PROJECT_DIR / "README.md", *(p for p in DOCS if p.name != "cli.md")]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
assert isinstance(cli, click.Group)
COMMANDS = sorted(cli.commands)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading.strip().lower())
    text = "".join(ch for ch in text if ch in " -" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    in_code = False
    for line in page.read_text("utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            base = slug(line.lstrip("#"))
            name, n = base, 1
            while name in found:  # GitHub numbers repeated headings: x, x-1, x-2
                name, n = f"{base}-{n}", n + 1
            found.add(name)
    return found


def links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)  # code is not a link
    return [a or b for a, b in LINK.findall(text)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path_part, _, fragment = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        if not resolved.exists() or not resolved.is_relative_to(PROJECT_DIR):
            broken.append(f"{target}: no such file in the repository")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(f"{target}: no heading '{fragment}' in {resolved.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


def test_the_link_checker_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Een kop\n[ok](#een-kop) [weg](missing.md) [kop](#geen-kop)\n```\n[code](no.md)\n```\n")
    assert links(page) == ["#een-kop", "missing.md", "#geen-kop"]
    assert anchors(page) == {"een-kop"}


def test_the_command_reference_is_what_the_commands_print() -> None:
    written = (PROJECT_DIR / "docs" / "cli.md").read_text("utf-8")
    assert written == cli_reference.reference(), "run .venv/bin/python scripts/cli_reference.py"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_has_help(name: str) -> None:
    command = cli.commands[name]
    assert (command.help or "").strip(), f"catalogue {name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"catalogue {name} {param.opts[0]} has no help text"


def guides_text() -> str:
    return "\n".join(page.read_text("utf-8") for page in GUIDES)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_explained_in_a_guide(name: str) -> None:
    text = guides_text()
    assert f"catalogue {name}" in text, f"no guide explains `catalogue {name}`"
    def said(opt: str) -> bool:
        return bool(re.search(re.escape(opt) + r"(?![\w-])", text))

    missing = [param.opts[0] for param in cli.commands[name].params if isinstance(param, click.Option)
               and param.opts[0] != "--help" and not any(said(opt) for opt in  # --serve/--no-serve: either
                                                         [*param.opts, *param.secondary_opts] if opt.startswith("--"))]
    assert not missing, f"catalogue {name}: no guide mentions {', '.join(missing)}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_code_named_in_the_docs_exists(page: Path) -> None:
    text = page.read_text("utf-8")
    missing = [name for name in sorted(set(re.findall(r"(?<![\w/.])((?:catalogue|scripts|tests|templates)/[\w/.-]+\.(?:py|js|html|css))", text)))
               if not (PROJECT_DIR / name).exists()]
    assert not missing, f"{page.name} names files that are not there: {missing}"
