"""Write docs/cli.md, the reference of every `catalogue` command: each one's --help, as the command
itself prints it. tests/test_docs.py fails when the file is not what this script writes, so the
reference is always true: after changing a command, run `.venv/bin/python scripts/cli_reference.py`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue.cli import cli  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
INTRO = """# Command reference

Every `catalogue` command, with what `--help` prints for it (this page is generated from the commands
themselves by `scripts/cli_reference.py`, and a test keeps it so). The guides explain when to use them:
[editors](editors.md), [professionals](professionals.md), [trainers](trainers.md),
[hosting](hosting.md).
"""


def help_text(args: list[str]) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="catalogue", terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output.rstrip() + "\n"


def reference() -> str:
    """docs/cli.md as it should be."""
    parts = [INTRO, "\n## catalogue\n\n```\n" + help_text([]) + "```\n"]
    assert isinstance(cli, click.Group)
    for name in sorted(cli.commands):
        parts.append(f"\n## catalogue {name}\n\n```\n" + help_text([name]) + "```\n")
    return "".join(parts)


if __name__ == "__main__":
    REFERENCE.write_text(reference(), encoding="utf-8")
    print(f"wrote {REFERENCE}")
