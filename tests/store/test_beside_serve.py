"""A CLI ingest beside a running process (``hoidap serve``) on the same embedded store.

Embedded Chroma keeps its vector index in each process's memory, so a process that did not
write a chunk would not find it by vector search until restarted. The index notices that
another process published an ingest (the lexical index on disk changed) and opens the
store again, so dense search sees the new chunks too, and stops returning deleted ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import ingest
from qa.api import answer
from store.index import get_index
from tests.conftest import CACHE_DIR, ROOT, SAMPLE, make_settings

NOTE = "Đoàn thanh tra môi trường đã kiểm tra 314 cơ sở sản xuất ven sông Hậu."
QUESTION = "Đoàn thanh tra môi trường đã kiểm tra bao nhiêu cơ sở sản xuất?"


@pytest.mark.slow  # a second process loads the model and ingests: about 10 s
def test_dense_search_sees_what_another_process_ingested(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    ingest([SAMPLE], settings=settings)
    index = get_index(settings)
    assert "120 tấn gạo" in answer("Công an thành phố trao tặng bao nhiêu tấn gạo?",
                                   settings=settings).text  # fmt: skip
    note = tmp_path / "thanh-tra.txt"
    note.write_text(NOTE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDAP_")}
    env |= {"HOIDAP_CACHE_DIR": str(CACHE_DIR), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "hoidap.cli", "ingest", str(note)]
    command += ["--data-dir", str(settings.data_dir), "-q"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)

    note_ids = set(index.manifest().documents[str(note.resolve())].chunk_ids)
    dense = {h.chunk_id for h in index.dense_search(NOTE, 3)}
    assert note_ids & dense, "vector search in this process does not see the new chunk"
    assert "314 cơ sở" in answer(QUESTION, settings=settings).text

    # and the other way round: removed by the other process, gone from this one's searches
    note.unlink()
    prune = [sys.executable, "-m", "hoidap.cli", "ingest", str(SAMPLE), "--prune"]
    prune += ["--data-dir", str(settings.data_dir), "-q"]
    subprocess.run(prune, env=env, check=True, capture_output=True, timeout=600)
    dense = {h.chunk_id for h in index.dense_search(NOTE, 3)}
    assert not note_ids & dense
    assert answer(QUESTION, settings=settings).abstained
