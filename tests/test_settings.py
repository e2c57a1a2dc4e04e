"""Settings from the environment (issue 16 added base_url and pack_cache_mb): each read once, a bad value
an error that names its variable and what to write."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue.cli import cli
from catalogue.errors import CatalogueError
from catalogue.settings import PACK_CACHE_MB, Settings


def test_settings_default_without_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(tmp_path, environ={})
    assert (settings.root, settings.base_url, settings.pack_cache_mb) == (tmp_path.resolve(), "", PACK_CACHE_MB)
    assert Settings(root=tmp_path) == Settings(tmp_path, "", PACK_CACHE_MB)


@pytest.mark.parametrize(("value", "expected"), [("https://catalogus.example.be/", "https://catalogus.example.be"),
                                                 ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
                                                 ("https://school.be/catalogus/", "https://school.be/catalogus"),
                                                 ("  ", "")])
def test_base_url_from_the_environment(tmp_path: Path, value: str, expected: str) -> None:
    assert Settings.from_env(tmp_path, environ={"CATALOGUE_BASE_URL": value}).base_url == expected


@pytest.mark.parametrize(("name", "value"), [
    ("CATALOGUE_BASE_URL", "catalogus.example.be"), ("CATALOGUE_BASE_URL", "ftp://x.be"),
    ("CATALOGUE_BASE_URL", "https://x.be/?a=1"), ("CATALOGUE_BASE_URL", "https://"),
    ("CATALOGUE_PACK_CACHE_MB", "veel"), ("CATALOGUE_PACK_CACHE_MB", "-1"), ("CATALOGUE_PACK_CACHE_MB", "nan"),
    ("CATALOGUE_PACK_CACHE_MB", "١٠"),
])
def test_a_bad_setting_is_an_error_naming_its_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(CatalogueError, match=name):
        Settings.from_env(tmp_path, environ={name: value})
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "check"], env={name: value})
    assert result.exit_code == 1 and f"Error: {name}: " in result.output and "Traceback" not in result.output


def test_pack_cache_in_megabytes(tmp_path: Path) -> None:
    settings = Settings.from_env(tmp_path, environ={"CATALOGUE_PACK_CACHE_MB": "0.5"})
    assert settings.pack_cache_mb == 0.5 and settings.pack_cache_bytes == 512 * 1024
