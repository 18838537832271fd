"""Shared fixtures: real model, real Chroma, the sample report ingested once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoidap.settings import Settings, quiet_network

quiet_network()

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "can-tho-police-2021.txt"
# The model cache is shared by the whole suite (and with `make run`): conversion happens once.
CACHE_DIR = Path(os.environ.get("HOIDAP_CACHE_DIR") or Path.home() / ".cache" / "hoidap")


def make_settings(data_dir: Path, **changes: object) -> Settings:
    base = Settings(data_dir=data_dir, cache_dir=CACHE_DIR, answerer="extractive")
    return base.replace(**changes)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A data directory with the sample report ingested; tests must not change it."""
    from ingest import ingest

    settings = make_settings(tmp_path_factory.mktemp("seeded") / "data")
    report = ingest([SAMPLE], settings=settings)
    assert report.added == [str(SAMPLE.resolve())]
    yield settings
