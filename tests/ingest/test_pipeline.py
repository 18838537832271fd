"""Re-ingest as a user sees it: skip unchanged, replace changed, prune, survive bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.settings import Settings
from ingest import ingest
from qa.api import answer
from store.index import get_index
from tests.conftest import STORE_MODES, sample_folder

# every test runs on the embedded store and on a real Chroma server
pytestmark = pytest.mark.parametrize("store_mode", STORE_MODES, indirect=True)


def test_second_run_embeds_nothing_and_keeps_the_count(settings: Settings, tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    first = ingest([folder], settings=settings)
    assert len(first.added) == 2 and first.chunks_written > 0
    count = get_index(settings).vectors.count()
    second = ingest([folder], settings=settings)
    assert second.added == [] and second.updated == []
    assert len(second.unchanged) == 2
    assert second.chunks_written == 0
    assert get_index(settings).vectors.count() == count


def test_another_chunk_size_rechunks_unchanged_files_once(
    settings: Settings, tmp_path: Path
) -> None:
    folder = sample_folder(tmp_path)
    ingest([folder], settings=settings)
    report_key = str((folder / "bao-cao.txt").resolve())
    before = len(get_index(settings).manifest().documents[report_key].chunk_ids)
    smaller = settings.replace(chunk_size=400)
    report = ingest([folder], settings=smaller)
    assert sorted(report.updated) == sorted(str(p.resolve()) for p in folder.iterdir())
    index = get_index(smaller)
    documents = index.manifest().documents
    assert len(documents[report_key].chunk_ids) > before
    ids, texts, _ = index.vectors.get()
    assert set(ids) == index.manifest().all_chunk_ids()  # the old chunks are gone, no duplicate
    assert max(len(t) for t in texts) < 700
    assert "32,2%" in answer("Tội phạm giảm bao nhiêu phần trăm?", settings=smaller).text
    again = ingest([folder], settings=smaller)
    assert len(again.unchanged) == 2 and again.chunks_written == 0


def test_edited_file_replaces_its_chunks(settings: Settings, tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    ingest([folder], settings=settings)
    note = folder / "ghi-chu.md"
    old_ids = set(get_index(settings).manifest().documents[str(note.resolve())].chunk_ids)
    note.write_text(
        "# Ghi chú\n\nĐoàn kiểm tra đến Cần Thơ ngày 9 tháng 4 với 27 thành viên.\n",
        encoding="utf-8",
    )
    report = ingest([folder], settings=settings)
    assert report.updated == [str(note.resolve())]
    index = get_index(settings)
    assert not old_ids & index.vectors.all_ids()
    result = answer("Đoàn kiểm tra có bao nhiêu thành viên?", settings=settings)
    assert "27 thành viên" in result.text
    assert all("12 thành viên" not in s.text for s in result.sources)


def test_prune_removes_a_deleted_files_chunks(settings: Settings, tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    ingest([folder], settings=settings)
    note = folder / "ghi-chu.md"
    note_ids = set(get_index(settings).manifest().documents[str(note.resolve())].chunk_ids)
    note.unlink()
    kept = ingest([folder], settings=settings)
    assert kept.removed == []  # without --prune nothing is removed
    report = ingest([folder], prune=True, settings=settings)
    assert report.removed == [str(note.resolve())]
    index = get_index(settings)
    assert not note_ids & index.vectors.all_ids()
    assert not note_ids & set(index.lexical.ids)
    assert answer("Đoàn kiểm tra có bao nhiêu thành viên?", settings=settings).abstained


def test_bad_files_are_reported_and_the_rest_goes_on(settings: Settings, tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (folder / "rong.txt").write_bytes(b"")
    (folder / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    report = ingest([folder], settings=settings)
    assert len(report.added) == 2
    failed = dict(report.failed)
    assert set(failed) == {str((folder / n).resolve()) for n in ("hong.pdf", "rong.txt", "anh.jpg")}
    assert "PDF" in failed[str((folder / "hong.pdf").resolve())]
    assert "không hỗ trợ" in failed[str((folder / "anh.jpg").resolve())]


def test_interrupted_ingest_converges_to_a_clean_state(settings: Settings, tmp_path: Path) -> None:
    """Chunks written without a manifest entry (killed before the manifest was saved), and a
    manifest entry whose chunks are gone (killed mid-delete), are both repaired next run."""
    folder = sample_folder(tmp_path)
    ingest([folder], settings=settings)
    index = get_index(settings)
    clean_ids = index.vectors.all_ids()
    # an orphan chunk, as if a run died after its upsert
    index.vectors.upsert(
        ["orphan-0"],
        ["Nội dung mồ côi"],
        [{"source": "x"}],
        index.embedder.embed_documents(["Nội dung mồ côi"]),
    )
    # a document whose chunks were partly deleted
    note = str((folder / "ghi-chu.md").resolve())
    index.delete_chunks(index.manifest().documents[note].chunk_ids[:1])
    report = ingest([folder], settings=settings)
    assert report.updated == [note]
    assert index.vectors.all_ids() == clean_ids
    assert set(index.lexical.ids) == clean_ids
