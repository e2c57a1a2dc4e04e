"""One catalogue built on real media for the consent tests (cut, index, a lesson pack), copied for each
test that changes it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from catalogue.media.runner import ffmpeg_exe
from catalogue.settings import PROJECT_DIR
from catalogues import make_catalogue, make_film


def catalogue(root: Path, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m catalogue --root ROOT ARGS…` as a user runs it."""
    result = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(root), *args], cwd=PROJECT_DIR,
                            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if check:
        assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue with Ann in two ranges across two clips and the film, cut, indexed and packed:
    never changed by a test (copy it with `fresh`)."""
    root = tmp_path_factory.mktemp("consent") / "root"
    film = make_film(tmp_path_factory.mktemp("consent-film") / "film.mp4", ffmpeg_exe())
    make_catalogue(root, film)
    catalogue(root, "cut")
    catalogue(root, "index")
    catalogue(root, "pack", "les", "--no-pdf")
    return root


def copy_built(built: Path, root: Path) -> Path:
    """A copy of the built catalogue at `root`, cut again there: build records name the film by its
    path, so in a new place everything is made again once (then a withdrawal does only its own work)."""
    shutil.copytree(built, root, symlinks=True)
    catalogue(root, "cut")
    return root


@pytest.fixture
def fresh(built: Path, tmp_path: Path) -> Path:
    """A copy of the built catalogue to change."""
    return copy_built(built, tmp_path / "root")
