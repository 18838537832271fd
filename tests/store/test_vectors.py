"""The store refuses to mix embedding models, and stores our vectors, not chroma's default."""

from __future__ import annotations

import pytest

from hoidap.settings import Settings
from ingest import ingest
from store.index import Index, get_index
from store.vectors import ModelMismatchError, VectorStore
from tests.conftest import SAMPLE


def test_opening_an_index_with_another_model_is_a_clear_error(settings: Settings) -> None:
    ingest([SAMPLE], settings=settings)
    with pytest.raises(ModelMismatchError, match="another embedding model"):
        VectorStore(settings, "intfloat/some-other-model", lambda: 768)


def test_stored_vectors_are_the_models_passage_vectors(settings: Settings) -> None:
    ingest([SAMPLE], settings=settings)
    index: Index = get_index(settings)
    got = index.vectors.collection.get(limit=1, include=["embeddings", "documents", "metadatas"])
    stored = got["embeddings"][0]
    assert len(stored) == 384 == index.vectors.dimension
    from store.index import search_text

    expected = index.embedder.embed_documents(
        [search_text(got["documents"][0], got["metadatas"][0])]
    )
    dot = sum(a * b for a, b in zip(stored, expected[0], strict=True))
    assert dot > 0.9999
    meta = index.vectors.collection.metadata
    assert meta["embedding_model"] == settings.embedding_model
