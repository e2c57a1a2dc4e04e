"""The `catalogue` command (PRODUCT §3): exit codes, messages, and that a failed check writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalogue import __version__
from catalogue.cli.commands import cli

MakeCatalogue = Callable[..., Path]

# The acceptance case: a typo'd key, an unknown theme, an end past the 12 s film, a duplicate id.
ACCEPTANCE_CLIPS = '''
[[clip]]
id = "eerste"
title = "Eerste clip"
themes = ["rekrutering"]
strat = "00:00:00.800"
end = "00:00:03.200"

[[clip]]
id = "tweede"
title = "Tweede clip"
themes = ["impact"]
start = "00:00:03.800"
end = "00:00:06.400"

[[clip]]
id = "derde"
title = "Derde clip"
themes = ["omgaan-met-grenzen"]
start = "00:00:07"
end = "00:00:20"

[[clip]]
id = "derde"
title = "Nog een derde clip"
themes = ["rekrutering"]
start = "00:00:01"
end = "00:00:03"
'''
ACCEPTANCE_PROBLEMS = [
    "clip 'eerste', field 'strat': unknown key (did you mean 'start'?)",
    "clip 'eerste', field 'start': required key is missing",
    "clip 'tweede', field 'themes': unknown theme 'impact'",
    "clip 'derde', field 'end': 00:00:20.000 is past the end of the film (00:00:12.000)",
    "clip 'derde', field 'id': duplicate clip id",
]
GENERATED = ("media/clips", "media/films", "transcripts/clips", "transcripts/films", ".catalogue/build")


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    """Invoke the CLI in-process; a traceback fails the test instead of becoming exit code 1."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def generated(root: Path) -> list[str]:
    """The generated folders that exist under `root`."""
    return [name for name in GENERATED if (root / name).exists()]


def plan(dry_run_output: str) -> dict[str, str]:
    """Output path -> "build" or "current", from the lines of `cut --dry-run`."""
    return {path: state for state, path in (line.split() for line in dry_run_output.splitlines())}


def test_check_valid_catalogue_says_ok(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue()
    result = run("--root", tmp_path, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == "OK: 1 cut list(s), 2 clips, 0 session(s), 0 warning(s).\n"
    assert result.stderr == ""
    assert generated(tmp_path) == []


def test_check_prints_warnings_but_passes(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue('[[clip]]\nid = "derde"\ntitle = "Derde"\nthemes = ["rekrutering"]\nstart = 1.5\nend = 3\n')
    result = run("--root", tmp_path, "check")
    assert result.exit_code == 0, result.output
    assert "Warnings (1):" in result.stderr and "nearest cue boundary: 00:00:01.000" in result.stderr
    assert "OK: 1 cut list(s), 1 clips, 0 session(s), 1 warning(s)." in result.stdout


def test_check_acceptance_case_names_every_problem(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    cutlist = small_catalogue(ACCEPTANCE_CLIPS)
    result = run("--root", tmp_path, "check")
    assert result.exit_code == 1
    assert f"Errors ({len(ACCEPTANCE_PROBLEMS)}):" in result.stderr
    for problem in ACCEPTANCE_PROBLEMS:
        assert f"  {cutlist}: {problem}" in result.stderr
    assert "OK" not in result.stdout
    assert generated(tmp_path) == []


def test_check_acceptance_case_in_one_clip(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    """One clip with all four mistakes: none hides another."""
    small_catalogue(ACCEPTANCE_CLIPS.replace('themes = ["rekrutering"]\nstrat', 'themes = ["impact"]\nstrat')
                    .replace('end = "00:00:03.200"', 'end = "00:00:20"').replace('id = "tweede"', 'id = "eerste"'))
    result = run("--root", tmp_path, "check")
    assert result.exit_code == 1
    for expected in ["clip 'eerste', field 'strat'", "clip 'eerste', field 'themes': unknown theme 'impact'",
                     "clip 'eerste', field 'end': 00:00:20.000 is past the end of the film",
                     "clip 'eerste', field 'id': duplicate clip id"]:
        assert expected in result.stderr


def test_cut_refuses_a_cutlist_with_errors_and_writes_nothing(small_catalogue: MakeCatalogue,
                                                              tmp_path: Path) -> None:
    small_catalogue(ACCEPTANCE_CLIPS)
    result = run("--root", tmp_path, "cut")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {len(ACCEPTANCE_PROBLEMS)} errors in the cut list:")
    for problem in ACCEPTANCE_PROBLEMS:
        assert problem in result.stderr
    assert generated(tmp_path) == []


@pytest.mark.parametrize("command", ["check", "cut"])
def test_command_without_cutlists_is_a_clear_error(tmp_path: Path, command: str) -> None:
    result = run("--root", tmp_path, command)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no cut lists in {tmp_path / 'media'}")


def test_check_missing_cutlist_argument_is_reported(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    """A missing file is a problem like any other (exit 1), reported together with the rest."""
    cutlist = small_catalogue()
    result = run("--root", tmp_path, "check", cutlist, tmp_path / "nergens.toml")
    assert result.exit_code == 1
    assert f"{tmp_path / 'nergens.toml'}: cut list: file not found" in result.stderr


@pytest.mark.parametrize("args", [["check", "."], ["cut", "--mode", "fast"], ["cut", "--jobs", "0"], ["nosuch"]])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = run("--root", tmp_path, *args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr and "Traceback" not in result.output


def test_root_option_and_environment(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue()
    empty = tmp_path / "leeg"
    empty.mkdir()
    assert run("check", env={"CATALOGUE_ROOT": str(tmp_path)}).exit_code == 0
    assert run("--root", tmp_path, "check", env={"CATALOGUE_ROOT": str(empty)}).exit_code == 0
    from_env = run("--root", empty, "check", env={"CATALOGUE_ROOT": str(tmp_path)})
    assert from_env.exit_code == 1 and str(empty / "media") in from_env.stderr


def test_cut_only_unknown_clip(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue()
    result = run("--root", tmp_path, "cut", "--only", "eerste", "--only", "nosuch")
    assert result.exit_code == 1
    assert result.stderr == "Error: --only: no clip with id 'nosuch'\n"
    assert generated(tmp_path) == []


def test_cut_dry_run_then_cut_then_dry_run(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue()
    clip_outputs = [f"media/clips/{c}.{ext}" for c in ("eerste", "tweede") for ext in ("mp4", "jpg")]
    clip_outputs += ["transcripts/clips/eerste.nl.vtt", "transcripts/clips/tweede.nl.vtt"]

    before = run("--root", tmp_path, "cut", "--dry-run")
    assert before.exit_code == 0, before.output
    planned = plan(before.stdout)
    assert set(clip_outputs) <= set(planned) and set(planned.values()) == {"build"}
    assert "media/films/testfilm.mp4" in planned and "transcripts/films/testfilm.chapters.vtt" in planned
    assert generated(tmp_path) == []

    cut = run("--root", tmp_path, "cut")
    assert cut.exit_code == 0, cut.output
    assert f"{len(planned)} output(s) built, 0 already current, 0 failed." in cut.stdout
    assert all((tmp_path / output).stat().st_size > 0 for output in planned)

    after = run("--root", tmp_path, "cut", "--dry-run")
    assert plan(after.stdout) == dict.fromkeys(planned, "current")
    again = run("--root", tmp_path, "cut", "--only", "tweede")
    # its MP4, poster and VTT, and its ladder of one rung (a file, its playlist, the master)
    assert again.exit_code == 0 and "0 output(s) built, 6 already current, 0 failed." in again.stdout


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip()
    result = run(name, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: cli {name} [OPTIONS]")
    assert " ".join(command.help.split())[:40] in " ".join(result.stdout.split())
    assert run(name, "-h").stdout == result.stdout


def test_group_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "--root DIRECTORY" in result.stdout
    commands = result.stdout.split("Commands:")[1]
    for name, command in cli.commands.items():
        assert f"  {name} " in commands and command.get_short_help_str()[:20] in commands


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"catalogue, version {__version__}\n"


def test_python_m_catalogue_runs_as_a_program(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    """A real process: `python -m catalogue` works, and a failure is `Error: …` and exit 1, no traceback."""
    small_catalogue()
    env = {k: v for k, v in os.environ.items() if k != "CATALOGUE_ROOT"}

    def catalogue(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "catalogue", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    ok = catalogue("check")  # the root defaults to the current folder
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "OK: 1 cut list(s), 2 clips, 0 session(s), 0 warning(s).\n",
                                                     "")

    small_catalogue(ACCEPTANCE_CLIPS)
    failed = catalogue("--root", str(tmp_path), "cut")
    assert failed.returncode == 1
    assert failed.stderr.startswith("Error: ") and "Traceback" not in failed.stderr
    assert "clip 'tweede', field 'themes': unknown theme 'impact'" in failed.stderr
    assert generated(tmp_path) == []
