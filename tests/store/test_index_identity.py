"""One index per stored index: settings that differ only in how questions are answered
share its Chroma client, BM25, model and write lock; another folder or store gets its own."""

from __future__ import annotations

from pathlib import Path

from store.embedder import get_embedder
from store.index import get_index, index_key
from tests.conftest import make_settings


def test_settings_naming_the_same_index_share_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    index = get_index(settings)
    for same in (
        settings.replace(k=10),
        settings.replace(answerer="local", fetch_k=50, dense_weight=0.5),
        settings.replace(chunk_size=400),  # how files are chunked is the ingest's, per file
        make_settings(tmp_path / "data" / ".." / "data"),  # the same folder, spelled otherwise
    ):
        assert get_index(same) is index
        assert index_key(same) == index_key(settings)
    assert index.write_lock is get_index(settings.replace(k=10)).write_lock


def test_another_folder_store_model_or_bm25_is_another_index(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    index = get_index(settings)
    others = [
        make_settings(tmp_path / "other"),
        settings.replace(chroma_path=tmp_path / "chroma-elsewhere"),
        settings.replace(collection="another"),
        settings.replace(embedding_backend="onnx"),
        settings.replace(bm25_k1=1.5),
        settings.replace(chroma_url="http://127.0.0.1:9"),
    ]
    indexes = [get_index(other) for other in others]
    assert all(other is not index for other in indexes)
    assert len({id(i) for i in indexes}) == len(indexes)


def test_the_model_is_shared_by_every_index_using_it(tmp_path: Path) -> None:
    one = make_settings(tmp_path / "one")
    two = make_settings(tmp_path / "two", k=10)
    assert get_embedder(one) is get_embedder(two)
    assert get_index(one).embedder is get_index(two).embedder
    assert get_embedder(one.replace(embedding_backend="onnx")) is not get_embedder(one)


def test_an_index_takes_the_parts_it_is_given(tmp_path: Path) -> None:
    from store.index import Index
    from store.lexical import LexicalIndex

    settings = make_settings(tmp_path / "data")
    embedder = get_embedder(settings)
    lexical = LexicalIndex(settings.lexical_dir)
    index = Index(settings, embedder=embedder, lexical=lexical)
    assert index.embedder is embedder and index.lexical is lexical


def test_asking_with_other_answer_settings_opens_no_second_store(seeded: object) -> None:
    from hoidap.settings import Settings
    from qa.api import answer

    assert isinstance(seeded, Settings)
    index = get_index(seeded)
    vectors, lexical = index.vectors, index.lexical
    wider = seeded.replace(k=10)
    assert "32,2%" in answer("Tội phạm giảm bao nhiêu phần trăm?", settings=wider).text
    assert get_index(wider).vectors is vectors and get_index(wider).lexical is lexical
