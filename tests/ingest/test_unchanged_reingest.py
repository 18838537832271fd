"""Re-ingest of unchanged files is instant: no model, no Chroma; but never skips a repair."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hoidap.settings import Settings
from ingest import ingest
from store.index import ChunkRecord, get_index
from tests.conftest import ROOT, sample_folder

# Run in a fresh process: this one has loaded the model and chromadb for other tests.
PROBE = """
import json, sys
from pathlib import Path
from hoidap.settings import Settings
from ingest import ingest
from store import embedder

settings = Settings(data_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
report = ingest([sys.argv[3]], settings=settings)
print(json.dumps({
    "unchanged": len(report.unchanged),
    "written": report.chunks_written,
    "model_loads": sum(e.loads for e in embedder._LOADED.values()),
    "torch": "torch" in sys.modules,
    "chromadb": "chromadb" in sys.modules,
}))
"""


def _probe(settings: Settings, folder: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(settings.data_dir), str(settings.cache_dir), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_unchanged_reingest_loads_no_model_and_opens_no_store(
    settings: Settings, tmp_path: Path
) -> None:
    folder = sample_folder(tmp_path)
    ingest([folder], settings=settings)
    result = _probe(settings, folder)
    assert result == {
        "unchanged": 2,
        "written": 0,
        "model_loads": 0,
        "torch": False,
        "chromadb": False,
    }


def test_a_write_after_a_clean_run_is_still_reconciled(settings: Settings, tmp_path: Path) -> None:
    """A run killed after writing chunks (before its manifest) leaves orphans: the next run of
    unchanged files must still find and delete them, although the last run ended cleanly."""
    folder = sample_folder(tmp_path)
    ingest([folder], settings=settings)
    index = get_index(settings)
    clean = index.vectors.all_ids()
    index.write_chunks([ChunkRecord("orphan-0", "Nội dung mồ côi", {"source": "x"})])
    assert "orphan-0" in index.vectors.all_ids()
    report = ingest([folder], settings=settings)
    assert len(report.unchanged) == 2
    assert index.vectors.all_ids() == clean


def test_a_lost_lexical_index_is_rebuilt_by_an_unchanged_reingest(
    settings: Settings, tmp_path: Path
) -> None:
    folder = sample_folder(tmp_path)
    ingest([folder], settings=settings)
    shutil.rmtree(settings.lexical_dir)
    result = _probe(settings, folder)
    assert result["unchanged"] == 2 and result["model_loads"] == 0
    index = get_index(settings)
    assert (settings.lexical_dir / "state.json").exists()
    ids = set(json.loads((settings.lexical_dir / "state.json").read_text())["ids"])
    assert ids == index.vectors.all_ids()
