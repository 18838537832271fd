"""Chroma, embedded or as a server, holding chunk texts, metadata and our own embeddings.

Chroma's default embedding function downloads a model, so the collection is opened without
one and every vector is computed by :class:`store.embedder.Embedder`. The model's name and
dimension are stored on the collection: opening it with another model is an error, since
mixing vector spaces gives silently wrong answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import urlparse

from hoidap.settings import Settings

log = logging.getLogger(__name__)

WRITE_BATCH = 256


class StoreError(Exception):
    """A problem with the vector store a user can act on (wrong model, server down)."""


class ModelMismatchError(StoreError):
    pass


class StoreUnavailableError(StoreError):
    pass


@dataclass(frozen=True)
class DenseHit:
    chunk_id: str
    similarity: float
    text: str
    metadata: dict[str, Any]


def _batched(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def make_client(settings: Settings) -> Any:
    """A Chroma client: a server when ``chroma_url`` is set, else the embedded store."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            msg = f"HOIDAP_CHROMA_URL không hợp lệ (invalid Chroma URL): {settings.chroma_url}"
            raise StoreError(msg)
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several types for a dead server
            msg = f"Không kết nối được máy chủ Chroma (store unavailable): {settings.chroma_url}"
            raise StoreUnavailableError(msg) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class VectorStore:
    """One Chroma collection of chunks."""

    def __init__(
        self, settings: Settings, model_name: str, dimension: Callable[[], int]
    ) -> None:
        """Open the collection; ``dimension`` is only called (loading the model) to create it.

        Re-ingest of unchanged files and prune must not pay for loading the model.
        """
        self.client = make_client(settings)
        self.model_name = model_name
        try:
            self.collection = self.client.get_collection(settings.collection)
        except Exception:  # chromadb raises NotFoundError/ValueError depending on version
            self.collection = self.client.get_or_create_collection(
                name=settings.collection,
                embedding_function=None,
                metadata={
                    "hnsw:space": "cosine",
                    "embedding_model": model_name,
                    "embedding_dim": dimension(),
                },
            )
        self.dimension = int((self.collection.metadata or {}).get("embedding_dim") or 0)
        stored = (self.collection.metadata or {}).get("embedding_model")
        if stored != model_name:
            raise ModelMismatchError(self._mismatch(str(stored), model_name))

    @staticmethod
    def _mismatch(stored: str, wanted: str) -> str:
        return (
            f"Chỉ mục được tạo bằng mô hình {stored}, không phải {wanted}. Hãy dùng lại mô hình "
            f"cũ hoặc một thư mục dữ liệu mới. (The index was built with another embedding "
            f"model: {stored}, not {wanted}.)"
        )

    def check_dimension(self, dimension: int) -> None:
        if self.dimension and dimension != self.dimension:
            msg = self._mismatch(f"{self.model_name} ({self.dimension}d)", f"{dimension}d")
            raise ModelMismatchError(msg)

    def count(self) -> int:
        return int(self.collection.count())

    def all_ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    def upsert(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict[str, Any]],
        embeddings: list[list[float]],
    ) -> None:
        for start in range(0, len(ids), WRITE_BATCH):
            end = start + WRITE_BATCH
            self.collection.upsert(
                ids=ids[start:end],
                documents=texts[start:end],
                metadatas=metadatas[start:end],
                embeddings=embeddings[start:end],
            )

    def delete(self, ids: Sequence[str]) -> None:
        for batch in _batched(list(ids), WRITE_BATCH):
            self.collection.delete(ids=batch)

    def get(self, ids: Sequence[str] | None = None) -> tuple[list[str], list[str], list[dict]]:
        """Ids, texts and metadata of the given chunks (all chunks when ``ids`` is None)."""
        result = self.collection.get(
            ids=list(ids) if ids is not None else None, include=["documents", "metadatas"]
        )
        return result["ids"], result["documents"] or [], result["metadatas"] or []

    def search(self, vector: list[float], n: int) -> list[DenseHit]:
        if n <= 0 or self.count() == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=n,
            include=["documents", "metadatas", "distances"],
        )
        return [
            DenseHit(cid, 1.0 - float(dist), doc or "", dict(meta or {}))
            for cid, dist, doc, meta in zip(
                result["ids"][0],
                result["distances"][0],
                result["documents"][0],
                result["metadatas"][0],
                strict=True,
            )
        ]
