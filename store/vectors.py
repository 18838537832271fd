"""Chroma, embedded or as a server, holding chunk texts, metadata and our own embeddings.

Chroma's default embedding function downloads a model, so the collection is opened without
one and every vector is computed by :class:`store.embedder.Embedder`. The model's name and
dimension are stored on the collection: opening it with another model is an error, since
mixing vector spaces gives silently wrong answers.

Failures a user can act on come out as :class:`StoreError` subclasses with a message to
show as is: a server that does not answer within ``settings.chroma_timeout`` is
:class:`StoreUnavailableError` (the next call opens the collection again, so hoidap
recovers without a restart when the server is back), and a full disk or a read-only data
directory is :class:`StoreWriteError` (reads keep working). An embedded store whose folder
is read-only is opened from a temporary copy, so an existing index still answers.
"""

from __future__ import annotations

import atexit
import errno
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from hoidap.errors import UserError
from hoidap.settings import Settings

log = logging.getLogger(__name__)

WRITE_BATCH = 256
READ_PAGE = 5000  # chunks per read: SQLite caps the variables of one query
# what SQLite and the OS say when the data directory cannot take a write
_WRITE_FAILURES = (
    "disk is full",
    "no space left",
    "readonly database",
    "read-only file system",
    "unable to open database file",
    "disk i/o error",
)
# the errnos that mean the same, for SQLite's errors and ours alike (ingest.pipeline uses it):
# disk full, quota, read-only file system, and a data folder the process may not write
WRITE_ERRNOS = (errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM)


class StoreError(UserError):
    """A problem with the vector store a user can act on (wrong model, server down)."""


class ModelMismatchError(StoreError):
    pass


class StoreUnavailableError(StoreError):
    """The Chroma server cannot be reached or does not answer in time."""


class StoreWriteError(StoreError):
    """The index cannot be written (disk full, read-only); what is indexed still answers."""


def unavailable_message(url: str) -> str:
    return (
        f"Kho dữ liệu Chroma không phản hồi; hãy kiểm tra máy chủ {url} rồi hỏi lại. "
        f"(Store unavailable: the Chroma server at {url} did not answer.)"
    )


def write_failure_message(where: Path | str, reason: str = "") -> str:
    detail = f" — {reason}" if reason else ""
    return (
        f"Không ghi được chỉ mục: ổ đĩa đầy hoặc thư mục dữ liệu chỉ đọc ({where}){detail}. "
        "Chỉ mục hiện có vẫn trả lời câu hỏi; hãy giải phóng dung lượng hoặc cấp quyền ghi "
        "rồi nạp lại. (Cannot write the index: disk full or read-only data directory; "
        "the existing index still answers.)"
    )


def is_write_failure(exc: BaseException) -> bool:
    """True for an error that means the disk is full or the data directory is read-only."""
    if isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS:
        return True
    text = str(exc).lower()
    return any(marker in text for marker in _WRITE_FAILURES)


def _is_unreachable(exc: BaseException) -> bool:
    """True for an error that means the Chroma server is down, hung or unreachable."""
    try:
        import httpx
    except ImportError:  # pragma: no cover - chromadb depends on httpx
        httpx = None  # type: ignore[assignment]
    if httpx is not None and isinstance(exc, httpx.TransportError):
        return True
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    return "could not connect to a chroma server" in str(exc).lower()


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


def store_identity(settings: Settings) -> tuple[str, str]:
    """Which collection ``settings`` name: the server URL or the embedded store's folder, and
    the collection. Settings that differ elsewhere (``k``, the answerer) name the same one."""
    where = settings.chroma_url or str(settings.chroma_dir.resolve())
    return where, settings.collection


def _chromadb_version() -> str:
    try:
        import chromadb

        return str(chromadb.__version__)
    except Exception:  # pragma: no cover - only for a log line
        return "?"


def _set_timeout(client: Any, seconds: float) -> None:
    """Give the client's HTTP session a timeout: chromadb's own waits forever on a hung server.

    chromadb exposes no option for it, so the session is reached through private attributes
    (``client._server._session``, checked by tests/store/test_private_apis.py); if a chromadb
    release moves them, questions still work, only without the timeout, and a warning says so.
    """
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):
        log.warning(
            "chromadb %s: no client._server._session to set a %.0f s timeout on; "
            "a hung Chroma server may block questions",
            _chromadb_version(),
            seconds,
        )
        return
    session.timeout = httpx.Timeout(seconds, connect=min(seconds, 5.0))


def _http_client(settings: Settings, chroma_settings: Any) -> Any:
    import chromadb
    import httpx

    raw = settings.chroma_url or ""
    url = urlparse(raw)
    if not url.hostname:
        raise StoreError(f"HOIDAP_CHROMA_URL không hợp lệ (invalid Chroma URL): {raw}")
    host, port = url.hostname, url.port or 8000
    base = f"{url.scheme or 'http'}://{host}:{port}"
    try:
        # chromadb's constructor talks to the server without a timeout: ask first, with one
        httpx.get(f"{base}/api/v2/heartbeat", timeout=settings.chroma_timeout).raise_for_status()
        client = chromadb.HttpClient(
            host=host, port=port, ssl=url.scheme == "https", settings=chroma_settings
        )
    except Exception as exc:  # connection refused, timeout, 5xx, chromadb's ValueError
        raise StoreUnavailableError(unavailable_message(raw)) from exc
    _set_timeout(client, settings.chroma_timeout)
    return client


_SNAPSHOTS: dict[Path, Path] = {}
_SNAPSHOT_LOCK = threading.Lock()


def _read_only_snapshot(path: Path) -> Path:
    """A private, writable copy of a read-only store folder (embedded Chroma cannot open a
    folder it cannot write, not even to read); removed when the process exits."""
    key = path.resolve()  # one copy per folder, however the settings spell its path
    with _SNAPSHOT_LOCK:
        if key in _SNAPSHOTS:
            return _SNAPSHOTS[key]
        copy = Path(tempfile.mkdtemp(prefix="hoidap-chroma-readonly-"))
        try:
            shutil.copytree(path, copy, dirs_exist_ok=True)
        except OSError as exc:  # no room for the copy either
            shutil.rmtree(copy, ignore_errors=True)
            raise StoreWriteError(write_failure_message(path, str(exc))) from exc
        atexit.register(shutil.rmtree, copy, True)
        _SNAPSHOTS[key] = copy
        log.warning(
            "the index folder %s is read-only: answering from a copy in %s; ingest will fail",
            path,
            copy,
        )
        return copy


def _system_registry() -> tuple[dict[str, Any], dict[str, Any]] | None:
    """chromadb's private cache of systems (and their reference counts) by store identifier:
    ``SharedSystemClient._identifier_to_system`` / ``_identifier_to_refcount``, checked by
    tests/store/test_private_apis.py. None, with a warning, when a release renamed them."""
    owner: object = None
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        owner = SharedSystemClient
    except ImportError:
        pass
    systems = getattr(owner, "_identifier_to_system", None)
    refcounts = getattr(owner, "_identifier_to_refcount", None)
    if not isinstance(systems, dict) or not isinstance(refcounts, dict):
        log.warning(
            "chromadb %s: no SharedSystemClient._identifier_to_system to reset; a store that "
            "failed to open, or another process's writes, are seen only after a restart",
            _chromadb_version(),
        )
        return None
    return systems, refcounts


def _forget_system(path: Path) -> None:
    """Drop chromadb's cached system for ``path``, so the next client opens the store anew.

    chromadb caches a client's system before starting it, so one that failed to start would
    be handed out again (a later attempt, disk freed, must really retry); and an embedded
    store's vector index is loaded once per system, so seeing another process's writes
    takes a new one. The old system is not stopped: questions may still be using it.
    """
    registry = _system_registry()
    if registry is None:
        return
    systems, refcounts = registry
    systems.pop(str(path), None)
    refcounts.pop(str(path), None)


def open_client(settings: Settings) -> tuple[Any, bool]:
    """A Chroma client and whether it is read-only: a server when ``chroma_url`` is set,
    else the embedded store, or a copy of it when its folder cannot be written (read-only,
    or a disk so full that Chroma cannot even open it)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        return _http_client(settings, chroma_settings), False
    path = settings.chroma_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreWriteError(write_failure_message(path, exc.strerror or str(exc))) from exc
    if not os.access(path, os.W_OK):
        copy = _read_only_snapshot(path)
        return chromadb.PersistentClient(path=str(copy), settings=chroma_settings), True
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings), False
    except Exception as exc:
        if not is_write_failure(exc):
            raise
        _forget_system(path)
        if not (path / "chroma.sqlite3").exists():
            raise StoreWriteError(write_failure_message(path, str(exc))) from exc
        log.warning("cannot open %s for writing (%s)", path, exc)
        copy = _read_only_snapshot(path)
        return chromadb.PersistentClient(path=str(copy), settings=chroma_settings), True


def release_client(settings: Settings) -> None:
    """Let the next :func:`open_client` open the embedded store afresh (see _forget_system)."""
    if not settings.chroma_url:
        _forget_system(settings.chroma_dir)


def make_client(settings: Settings) -> Any:
    """A Chroma client: a server when ``chroma_url`` is set, else the embedded store."""
    return open_client(settings)[0]


class VectorStore:
    """One Chroma collection of chunks.

    Every call goes through :meth:`_guard`, which turns a dead server or a full disk into a
    :class:`StoreError` with a message for the user; after a dead server, the next call
    opens the collection again (the server may have restarted).
    """

    def __init__(
        self,
        settings: Settings,
        model_name: str,
        dimension: Callable[[], int],
        *,
        client: Any | None = None,
    ) -> None:
        """Open the collection; ``dimension`` is only called (loading the model) to create it.

        Re-ingest of unchanged files and prune must not pay for loading the model.

        Args:
            settings: where the store is (``chroma_url`` or ``chroma_dir``), the collection.
            model_name: the embedding model the collection must have been made with.
            dimension: the model's vector size, asked only when the collection is created.
            client: a Chroma client to use instead of opening one from ``settings`` (as
                langchain-chroma takes one); it is reopened from ``settings`` after a failure.
        """
        self.settings = settings
        self.model_name = model_name
        self._stale = False
        self._after_write_failure = False
        if client is not None:
            self.client, self.read_only = client, False
        else:
            self.client, self.read_only = open_client(settings)
        with self._guard():
            try:
                self.collection = self.client.get_collection(settings.collection)
            except Exception as exc:  # NotFoundError/ValueError, depending on the version
                if _is_unreachable(exc):
                    raise
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

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Run one Chroma call; translate the failures a user can act on."""
        if self._stale:
            self._reopen()
        if self._after_write_failure:
            self._fresh_client()
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            if self.settings.chroma_url and _is_unreachable(exc):
                self._stale = True
                log.warning("Chroma server %s unavailable: %s", self.settings.chroma_url, exc)
                raise StoreUnavailableError(unavailable_message(self.settings.chroma_url)) from exc
            if is_write_failure(exc):
                self._after_write_failure = not self.settings.chroma_url
                where = self.settings.chroma_url or self.settings.chroma_dir
                raise StoreWriteError(write_failure_message(where, str(exc))) from exc
            raise

    def _writable(self) -> None:
        """Before a write: a store opened read-only (from a copy) is opened again, in case
        the disk was freed; if it still cannot be written, the write is refused clearly."""
        if not self.read_only:
            return
        client, read_only = open_client(self.settings)
        if read_only:
            raise StoreWriteError(write_failure_message(self.settings.chroma_dir))
        self.client, self.read_only = client, False
        self.collection = self.client.get_collection(self.settings.collection)

    def _fresh_client(self) -> None:
        """A new embedded client after a failed write: chromadb's client that saw the disk
        fill up can hang on its next write (its SQLite pool waits forever), seen here."""
        release_client(self.settings)
        self.client, self.read_only = open_client(self.settings)
        self.collection = self.client.get_collection(self.settings.collection)
        self._after_write_failure = False

    def _reopen(self) -> None:
        """A fresh handle on the collection, after the server was unreachable."""
        url = self.settings.chroma_url or ""
        try:
            self.collection = self.client.get_collection(self.settings.collection)
        except Exception as exc:
            raise StoreUnavailableError(unavailable_message(url)) from exc
        self._stale = False
        log.info("Chroma server %s reachable again", url)

    def check_dimension(self, dimension: int) -> None:
        if self.dimension and dimension != self.dimension:
            msg = self._mismatch(f"{self.model_name} ({self.dimension}d)", f"{dimension}d")
            raise ModelMismatchError(msg)

    def count(self) -> int:
        with self._guard():
            return int(self.collection.count())

    def all_ids(self) -> set[str]:
        with self._guard():
            return set(self.collection.get(include=[])["ids"])

    def upsert(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict[str, Any]],
        embeddings: list[list[float]],
    ) -> None:
        self._writable()
        for start in range(0, len(ids), WRITE_BATCH):
            end = start + WRITE_BATCH
            with self._guard():
                self.collection.upsert(
                    ids=ids[start:end],
                    documents=texts[start:end],
                    metadatas=metadatas[start:end],
                    embeddings=embeddings[start:end],
                )

    def delete(self, ids: Sequence[str]) -> None:
        self._writable()
        for batch in _batched(list(ids), WRITE_BATCH):
            with self._guard():
                self.collection.delete(ids=batch)

    def get(self, ids: Sequence[str] | None = None) -> tuple[list[str], list[str], list[dict]]:
        """Ids, texts and metadata of the given chunks (all chunks when ``ids`` is None).

        Read in pages of :data:`READ_PAGE`: one ``get`` of every chunk fails past about
        30,000 chunks (SQLite's "too many SQL variables"), which broke the lexical rebuild.
        """
        got_ids: list[str] = []
        texts: list[str] = []
        metas: list[dict] = []
        offset = 0
        wanted = list(ids) if ids is not None else None
        while True:
            with self._guard():
                if wanted is not None:
                    result = self.collection.get(
                        ids=wanted[offset : offset + READ_PAGE],
                        include=["documents", "metadatas"],
                    )
                else:
                    result = self.collection.get(
                        limit=READ_PAGE, offset=offset, include=["documents", "metadatas"]
                    )
            got_ids.extend(result["ids"])
            texts.extend(result["documents"] or [])
            metas.extend(result["metadatas"] or [])
            offset += READ_PAGE
            done = offset >= len(wanted) if wanted is not None else len(result["ids"]) < READ_PAGE
            if done:
                return got_ids, texts, metas

    def search(
        self, vector: list[float], n: int, sources: frozenset[str] | None = None
    ) -> list[DenseHit]:
        """The ``n`` nearest chunks; ``sources``: only chunks of these documents (their
        ``source`` metadata), filtered by Chroma itself, embedded or server."""
        # no count() first: Chroma answers an empty collection with no hits, and counting
        # cost more than the query itself (about 20 ms at 10,000 chunks)
        if n <= 0 or (sources is not None and not sources):
            return []
        where: dict[str, Any] | None = None
        if sources is not None:
            where = {"source": {"$in": sorted(sources)}}
        with self._guard():
            result = self.collection.query(
                query_embeddings=[vector],
                n_results=n,
                where=where,
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
