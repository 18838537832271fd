"""The index as one object: Chroma, the lexical index and the manifest, kept in step.

Ingest writes through :meth:`Index.replace_document` / :meth:`Index.remove_document`, and
questions read through :meth:`Index.dense_search` / :meth:`Index.lexical_search`; one
instance per settings lives for the whole process so the model and BM25 load once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from hoidap.settings import Settings
from store.embedder import Embedder, get_embedder
from store.lexical import LexicalIndex
from store.manifest import DocumentRecord, Manifest
from store.vectors import DenseHit, VectorStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk ready to be written: its id, text and metadata."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]


def search_text(text: str, metadata: dict[str, Any]) -> str:
    """What is embedded and indexed for a chunk: its title and heading give it context."""
    parts = [str(metadata.get("title") or ""), str(metadata.get("heading") or ""), text]
    return "\n".join(p for p in parts if p)


class Index:
    """Chroma + lexical index + manifest for one data directory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embedder: Embedder = get_embedder(settings)
        self._vectors: VectorStore | None = None
        self._lexical: LexicalIndex | None = None
        self.write_lock = threading.RLock()

    @property
    def vectors(self) -> VectorStore:
        if self._vectors is None:
            self._vectors = VectorStore(
                self.settings, self.embedder.name, lambda: self.embedder.dimension
            )
        return self._vectors

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = LexicalIndex(
                self.settings.lexical_dir, k1=self.settings.bm25_k1, b=self.settings.bm25_b
            )
        return self._lexical

    def manifest(self) -> Manifest:
        return Manifest.load(self.settings.manifest_path)

    # writing --------------------------------------------------------------------------
    def write_chunks(self, chunks: list[ChunkRecord]) -> None:
        """Embed and upsert chunks (ids are deterministic, so a repeat is harmless)."""
        if not chunks:
            return
        vectors = self.embedder.embed_documents([search_text(c.text, c.metadata) for c in chunks])
        self.vectors.check_dimension(len(vectors[0]))
        self.vectors.upsert(
            [c.chunk_id for c in chunks],
            [c.text for c in chunks],
            [c.metadata for c in chunks],
            vectors,
        )

    def delete_chunks(self, ids: list[str]) -> None:
        if ids:
            self.vectors.delete(ids)

    def reconcile(self, manifest: Manifest) -> set[str]:
        """Remove chunks no manifest entry owns; return the sources whose chunks are missing.

        An ingest killed between its writes leaves either extra chunks (deleted here) or a
        manifest entry whose chunks are not all stored (re-ingested by the caller).
        """
        stored = self.vectors.all_ids()
        owned = manifest.all_chunk_ids()
        orphans = stored - owned
        if orphans:
            log.info("removing %d orphan chunks", len(orphans))
            self.delete_chunks(sorted(orphans))
        return {src for src, rec in manifest.documents.items() if not set(rec.chunk_ids) <= stored}

    def sync_lexical(self, manifest: Manifest, *, force: bool = False) -> bool:
        """Rebuild the lexical index from Chroma when it does not match the manifest."""
        if not force and self.lexical.in_sync_with(manifest.all_chunk_ids()):
            return False
        ids, texts, metas = self.vectors.get()
        self.lexical.rebuild(ids, [search_text(t, m) for t, m in zip(texts, metas, strict=True)])
        return True

    def remove_document(self, manifest: Manifest, source: str) -> DocumentRecord | None:
        record = manifest.documents.pop(source, None)
        if record is not None:
            manifest.save()
            self.delete_chunks(record.chunk_ids)
        return record

    # reading --------------------------------------------------------------------------
    def dense_search(self, query: str, n: int) -> list[DenseHit]:
        vector = self.embedder.embed_query(query)
        self.vectors.check_dimension(len(vector))
        return self.vectors.search(vector, n)

    def lexical_search(self, query: str, n: int, *, folded: bool) -> list[tuple[str, float]]:
        self.lexical.refresh()
        return self.lexical.search(query, n, folded=folded)

    def get_chunks(self, ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        if not ids:
            return {}
        got_ids, texts, metas = self.vectors.get(ids)
        return {cid: (text, meta) for cid, text, meta in zip(got_ids, texts, metas, strict=True)}


_INDEXES: dict[Settings, Index] = {}
_LOCK = threading.Lock()


def get_index(settings: Settings) -> Index:
    """The process-wide :class:`Index` for these settings."""
    with _LOCK:
        if settings not in _INDEXES:
            _INDEXES[settings] = Index(settings)
        return _INDEXES[settings]
