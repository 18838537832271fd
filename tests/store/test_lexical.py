"""The lexical index stays in step with Chroma, and folded questions get their marks back."""

from __future__ import annotations

import shutil
from pathlib import Path

from hoidap.settings import Settings
from ingest import ingest, remove_documents
from store.index import get_index
from store.lexical import DiacriticRestorer, LexicalIndex, fold_diacritics, syllables
from tests.conftest import SAMPLE


def _same_ids(settings: Settings) -> set[str]:
    index = get_index(settings)
    chroma = index.vectors.all_ids()
    on_disk = LexicalIndex(settings.lexical_dir)  # what another process would load
    assert set(index.lexical.ids) == chroma == set(on_disk.ids)
    assert index.manifest().all_chunk_ids() == chroma
    return chroma


def test_same_chunk_ids_through_ingest_reingest_and_prune(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.txt")
    (folder / "b.md").write_text("# B\n\nBáo cáo phụ về 45 xe tuần tra.\n", encoding="utf-8")
    ingest([folder], settings=settings)
    first = _same_ids(settings)
    (folder / "b.md").write_text("# B\n\nBáo cáo phụ về 46 xe tuần tra.\n", encoding="utf-8")
    ingest([folder], settings=settings)
    second = _same_ids(settings)
    assert second != first
    (folder / "b.md").unlink()
    ingest([folder], prune=True, settings=settings)
    third = _same_ids(settings)
    assert third < second
    remove_documents([str((folder / "a.txt").resolve())], settings=settings)
    assert _same_ids(settings) == set()
    assert get_index(settings).lexical.search("tội phạm", 5, folded=False) == []


def test_stale_lexical_index_is_rebuilt_from_chroma(settings: Settings) -> None:
    ingest([SAMPLE], settings=settings)
    index = get_index(settings)
    shutil.rmtree(settings.lexical_dir)  # e.g. lost, or built by an older version
    fresh = LexicalIndex(settings.lexical_dir)
    assert not fresh.in_sync_with(index.manifest().all_chunk_ids())
    index._lexical = fresh
    assert index.sync_lexical(index.manifest()) is True
    hits = index.lexical.search("giảm 32,2%", 3, folded=False)
    assert hits and "32,2%" in index.get_chunks([hits[0][0]])[hits[0][0]][0]


def test_restorer_puts_diacritics_back_from_the_corpus() -> None:
    corpus = [
        "Tội phạm xâm phạm trật tự xã hội giảm 32,2%.",
        "Công an thành phố huy động cán bộ, chiến sĩ phòng chống dịch.",
        "Bảo đảm an ninh trật tự trên địa bàn thành phố.",
    ]
    restorer = DiacriticRestorer.train(syllables(t) for t in corpus)
    assert restorer.restore("toi pham giam") == "tội phạm giảm"
    assert restorer.restore("huy dong can bo chien si") == "huy động cán bộ chiến sĩ"
    assert fold_diacritics("Đảm bảo") == "dam bao"
