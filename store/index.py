"""The index as one object: Chroma, the lexical index and the manifest, kept in step.

Ingest writes through :meth:`Index.write_chunks` / :meth:`Index.forget_document`, and
questions read through :meth:`Index.dense_search` / :meth:`Index.lexical_search`; one
instance per stored index (:func:`index_key`: data folder, Chroma store and collection,
embedding model, BM25 weights) lives for the whole process, so the model, the Chroma client,
BM25 and the write lock exist once however many ``Settings`` name that index.

What a question may see is the lexical index's current snapshot: it is rebuilt at the end
of an ingest from the chunks the manifest owns, so chunks an ingest is still writing, and
chunks it has replaced but not yet deleted, stay out of answers. A question thus reads a
document as it was before the ingest or as it is after it, never half of each.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoidap.settings import Settings
from store.lexical import STATE_FILE, TOKENIZER_VERSION, LexicalIndex, LexicalSnapshot
from store.manifest import DocumentRecord, Manifest
from store.statements import StatementStore
from store.vectors import DenseHit, VectorStore, release_client, store_identity

if TYPE_CHECKING:
    from store.embedder import Embedder

log = logging.getLogger(__name__)

# Written when an ingest ends with Chroma, manifest and lexical index in step; removed before
# any Chroma write. While it matches the files, re-ingest of unchanged files needs neither
# Chroma nor BM25 (see Index.is_consistent).
CONSISTENT_FILE = "consistent.json"


def _file_id(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


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
    """Chroma + lexical index + manifest for one data directory.

    The parts open on first use from ``settings``; a caller that has them already passes
    them in (an embedder shared with a benchmark, a store opened on a given client).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        vectors: VectorStore | None = None,
        lexical: LexicalIndex | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._vectors = vectors
        self._lexical = lexical
        self.write_lock = threading.RLock()
        self._open_lock = threading.Lock()
        self._reloads_seen = 0
        self._statements: StatementStore | None = None

    @property
    def statements(self) -> StatementStore:
        """The documents' financial statements, kept beside the chunks (store/statements.py)."""
        if self._statements is None:
            self._statements = StatementStore(self.settings.data_dir / "statements")
        return self._statements

    @property
    def embedder(self) -> Embedder:
        """The process-wide embedder (imported on first use: re-ingest of unchanged files and
        prune never embed, and skip importing LangChain and the model's code)."""
        if self._embedder is None:
            from store.embedder import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def vectors(self) -> VectorStore:
        """The Chroma collection, opened on first use; a failed open is retried next time,
        so a store that was down when the process started is picked up once it is back."""
        if self._vectors is None:
            with self._open_lock:  # two threads opening chromadb at once break its registry
                if self._vectors is None:
                    self._vectors = VectorStore(
                        self.settings, self.embedder.name, lambda: self.embedder.dimension
                    )
        return self._vectors

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            with self._open_lock:
                if self._lexical is None:
                    self._lexical = LexicalIndex(
                        self.settings.lexical_dir,
                        k1=self.settings.bm25_k1,
                        b=self.settings.bm25_b,
                    )
        return self._lexical

    def snapshot(self) -> LexicalSnapshot:
        """What questions may see now; pass it to both searches of one question.

        When another process published an ingest (a CLI ingest beside ``hoidap serve``), an
        embedded store is opened again: its vector index lives in each process's memory and
        would not know that process's chunks.
        """
        lexical = self.lexical
        snapshot = lexical.snapshot()
        if lexical.reloads != self._reloads_seen:
            self._reloads_seen = lexical.reloads
            if not self.settings.chroma_url and self._vectors is not None:
                with self._open_lock:
                    if self._vectors is not None:
                        log.info("index changed by another process: reopening Chroma")
                        release_client(self.settings)
                        self._vectors = None
        return snapshot

    def manifest(self) -> Manifest:
        return Manifest.load(self.settings.manifest_path)

    # writing --------------------------------------------------------------------------
    def write_chunks(self, chunks: list[ChunkRecord]) -> None:
        """Embed and upsert chunks (ids are deterministic, so a repeat is harmless)."""
        if not chunks:
            return
        vectors = self.embedder.embed_documents([search_text(c.text, c.metadata) for c in chunks])
        self.vectors.check_dimension(len(vectors[0]))
        self._unmark_consistent()
        self.vectors.upsert(
            [c.chunk_id for c in chunks],
            [c.text for c in chunks],
            [c.metadata for c in chunks],
            vectors,
        )

    def delete_chunks(self, ids: list[str]) -> None:
        if ids:
            self._unmark_consistent()
            self.vectors.delete(ids)

    # the consistency mark -------------------------------------------------------------
    def _consistency_state(self) -> dict[str, Any] | None:
        """What must not change for the mark to hold: the embedded store's database file
        (which file, not its contents: opening Chroma writes to it), the manifest and the
        lexical index's state file, and how BM25 tokenizes and weighs. A Chroma server may
        be written by others, so it is never trusted (None)."""
        if self.settings.chroma_url:
            return None
        database = _file_id(self.settings.chroma_dir / "chroma.sqlite3")
        if database is None:
            return None
        return {
            "store": database[:2],
            "manifest": _file_id(self.settings.manifest_path),
            "lexical": _file_id(self.settings.lexical_dir / STATE_FILE),
            "bm25": f"{TOKENIZER_VERSION}|k1={self.settings.bm25_k1},b={self.settings.bm25_b}",
        }

    def is_consistent(self) -> bool:
        """True when the last ingest ended cleanly and nothing was written since: Chroma holds
        exactly the manifest's chunks and the lexical index matches them, so an ingest of
        unchanged files has nothing to reconcile or rebuild (and no Chroma to open)."""
        try:
            mark = json.loads((self.settings.data_dir / CONSISTENT_FILE).read_text())
        except (OSError, ValueError):
            return False
        state = self._consistency_state()
        return state is not None and mark == state

    def mark_consistent(self) -> None:
        """Record that Chroma, manifest and lexical index agree (end of a completed ingest)."""
        state = self._consistency_state()
        if state is None:
            return
        path = self.settings.data_dir / CONSISTENT_FILE
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(state))
            os.replace(tmp, path)
        except OSError as exc:  # a read-only data dir: the next ingest just reconciles
            log.debug("cannot write %s: %s", path, exc)

    def _unmark_consistent(self) -> None:
        """Before any Chroma write: a run killed after it must reconcile next time."""
        (self.settings.data_dir / CONSISTENT_FILE).unlink(missing_ok=True)

    def reconcile(self, manifest: Manifest) -> set[str]:
        """Remove chunks no manifest entry owns; return the sources whose chunks are missing.

        An ingest killed between its writes leaves either extra chunks (deleted here) or a
        manifest entry whose chunks are not all stored (re-ingested by the caller). Skipped
        when the last ingest ended cleanly and nothing was written since (:meth:`is_consistent`).
        """
        if self.is_consistent():
            return set()
        stored = self.vectors.all_ids()
        owned = manifest.all_chunk_ids()
        orphans = stored - owned
        if orphans:
            log.info("removing %d orphan chunks", len(orphans))
            self.delete_chunks(sorted(orphans))
        return {src for src, rec in manifest.documents.items() if not set(rec.chunk_ids) <= stored}

    def sync_lexical(self, manifest: Manifest, *, force: bool = False) -> bool:
        """Rebuild the lexical index from the chunks in Chroma that the manifest owns, when it
        does not match the manifest; this publishes an ingest's changes to questions."""
        if not force and self.is_consistent():
            return False
        owned = manifest.all_chunk_ids()
        if not force and self.lexical.in_sync_with(owned):
            return False
        ids, texts, metas = self.vectors.get()
        kept = [(i, search_text(t, m)) for i, t, m in zip(ids, texts, metas, strict=True)]
        kept = [(i, text) for i, text in kept if i in owned]
        self.lexical.rebuild([i for i, _ in kept], [text for _, text in kept])
        return True

    def forget_document(self, manifest: Manifest, source: str) -> DocumentRecord | None:
        """Drop a document from the manifest (saved); its chunks become orphans for the caller
        to delete after :meth:`sync_lexical`, so questions never see it half removed."""
        record = manifest.documents.pop(source, None)
        if record is not None:
            manifest.save()
        self.statements.remove(source)
        return record

    def remove_document(self, manifest: Manifest, source: str) -> DocumentRecord | None:
        record = self.forget_document(manifest, source)
        if record is not None:
            self.delete_chunks(record.chunk_ids)
        return record

    # reading --------------------------------------------------------------------------
    def dense_search(
        self,
        query: str,
        n: int,
        snapshot: LexicalSnapshot | None = None,
        sources: frozenset[str] | None = None,
    ) -> list[DenseHit]:
        """Nearest chunks among those the snapshot publishes (all, before any is built);
        ``sources``: only chunks of these documents (their ``source`` metadata)."""
        snapshot = snapshot or self.snapshot()
        vector = self.embedder.embed_query(query)
        self.vectors.check_dimension(len(vector))
        if snapshot.stamp is None:  # no lexical index yet: nothing to filter by
            return self.vectors.search(vector, n, sources)
        hits = self.vectors.search(vector, n, sources)
        kept = [h for h in hits if h.chunk_id in snapshot.id_set]
        if len(kept) < len(hits):
            # chunks written but not published (an ingest running) took places: ask for more.
            # Only then: counting the collection to know beforehand cost more than the query.
            hits = self.vectors.search(vector, 4 * n, sources)
            kept = [h for h in hits if h.chunk_id in snapshot.id_set]
        return kept[:n]

    def lexical_search(
        self,
        query: str,
        n: int,
        *,
        folded: bool,
        snapshot: LexicalSnapshot | None = None,
        allowed: frozenset[str] | None = None,
    ) -> list[tuple[str, float]]:
        """BM25's top ``n``; ``allowed``: only these chunk ids (a question's scope)."""
        snapshot = snapshot or self.snapshot()
        return snapshot.search(query, n, folded=folded, allowed=allowed)

    def get_chunks(self, ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        if not ids:
            return {}
        got_ids, texts, metas = self.vectors.get(ids)
        return {cid: (text, meta) for cid, text, meta in zip(got_ids, texts, metas, strict=True)}


@dataclass(frozen=True)
class IndexKey:
    """What an :class:`Index` stands for: everything that decides what it reads and writes."""

    data_dir: str  # the manifest, the lexical index, the consistency mark
    store: tuple[str, str]  # Chroma server URL or folder, and the collection
    model: tuple[str, str]  # the embedding model and its backend
    bm25: tuple[float, float]  # k1 and b: the lexical index's weights


def index_key(settings: Settings) -> IndexKey:
    """The stored index ``settings`` name; ``settings.replace(k=10)`` names the same one."""
    return IndexKey(
        data_dir=str(settings.data_dir.resolve()),
        store=store_identity(settings),
        model=(settings.embedding_model, settings.embedding_backend),
        bm25=(settings.bm25_k1, settings.bm25_b),
    )


_INDEXES: dict[IndexKey, Index] = {}
_LOCK = threading.Lock()


def get_index(settings: Settings) -> Index:
    """The process-wide :class:`Index` of the stored index ``settings`` name (:func:`index_key`).

    Its own ``settings`` are those of the first caller; what differs between callers of the
    same index (``k``, fusion weights, the answerer, chunk sizes) is read from the caller's.
    """
    key = index_key(settings)
    with _LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = Index(settings)
        return index
