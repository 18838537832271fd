"""Re-ingest: bring the index in line with a set of files, embedding only what changed.

Order of writes, so that a process killed at any point converges on the next run:
new chunks are upserted first (deterministic ids), then the manifest is saved (both once
per batch of ``settings.ingest_flush_chunks`` chunks); at the end the lexical index is
rebuilt from the chunks the manifest owns, which publishes the changes to questions, and
only then are the replaced and pruned chunks deleted. At the start of every run, chunks no
manifest entry owns are removed and entries whose chunks are missing are re-ingested
(:meth:`Index.reconcile`). Questions asked meanwhile see the last published state.

A full disk or a read-only data directory stops the run with a
:class:`store.vectors.StoreWriteError`; what was indexed before keeps answering, and the
next run converges as after a kill.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hoidap.errors import UserError
from hoidap.files import file_sha256, readable
from hoidap.settings import Settings, get_settings
from ingest.chunking import Chunk, chunk_document
from ingest.document import Block, LoadedDocument, LoaderError, Table, render_cells, table_block
from ingest.loaders import SUPPORTED_SUFFIXES, LoadOptions, load, unsupported_message
from ingest.loaders.base import PageProgress
from ingest.normalize import normalize_query, normalize_text
from ingest.statements import safe_build
from store.index import ChunkRecord, Index, get_index
from store.manifest import DocumentRecord, Manifest
from store.statements import STATEMENTS_VERSION, DocumentStatements
from store.vectors import WRITE_ERRNOS, StoreWriteError, write_failure_message

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

# bump when a loader change reads the same bytes into other chunks (their text: tables, OCR,
# pdfium; or their metadata): every file is then re-read once on its next ingest
# 3: figure columns a mark cannot merge, labels above their figures
READER_VERSION = 4  # 4: a table chunk keeps its rows as data ("table"), not only its header


class IngestBusyError(UserError):
    """Another ingest holds the data directory."""


@dataclass
class IngestReport:
    """What a run did, file by file: each file as its path is shown (:func:`readable`), so
    every line of it can be printed, sent as JSON or put on the page as it is."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_written: int = 0
    seconds: float = 0.0
    # how a file was read, when the user should know (pages recognized by OCR, pages failed)
    notes: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # reached twice in one run, read once

    def summary(self) -> str:
        text = (
            f"added {len(self.added)} / updated {len(self.updated)} / "
            f"unchanged {len(self.unchanged)} / removed {len(self.removed)} / "
            f"failed {len(self.failed)} ({self.chunks_written} chunks in {self.seconds:.1f}s)"
        )
        if self.duplicates:
            text += f" / {len(self.duplicates)} duplicate path(s) read once"
        return text

    def to_json(self) -> dict[str, object]:
        """The report as JSON-ready data (a path whose bytes are not UTF-8 has U+FFFD)."""
        return {
            "added": list(self.added),
            "updated": list(self.updated),
            "unchanged": list(self.unchanged),
            "removed": list(self.removed),
            "failed": [{"source": s, "error": e} for s, e in self.failed],
            "notes": [{"source": s, "note": n} for s, n in self.notes],
            "duplicates": list(self.duplicates),
            "chunks_written": self.chunks_written,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Pending:
    source: str
    sha256: str
    size: int
    document: LoadedDocument
    chunks: list[ChunkRecord]
    statements: DocumentStatements | None = None


def index_recipe(settings: Settings, path: Path | None = None) -> str:
    """Everything besides a file's bytes that decides its chunks and their vectors.

    A PDF's recipe also names how its scanned pages are read (OCR engine and resolution), so
    changing them re-reads PDFs once, and only PDFs.
    """
    recipe = (
        f"chunks={settings.chunk_size}/{settings.chunk_overlap};"
        f"model={settings.embedding_model};backend={settings.embedding_backend};"
        f"reader={READER_VERSION};"
        f"statements={STATEMENTS_VERSION if settings.statements else 'off'}"
    )
    if path is not None and path.suffix.lower() == ".pdf":
        recipe += f";ocr={settings.ocr}@{settings.ocr_dpi}"
    return recipe


def display_name(path: Path) -> str:
    """The file name as a person can read it, even when its bytes are not valid UTF-8."""
    return readable(path.name)


def chunk_id(source: str, sha256: str, index: int, recipe: str) -> str:
    """Deterministic: the same file content at the same place, chunked and embedded the same
    way, always gets the same ids (and another recipe never overwrites them in place)."""
    key = f"{source}\0{sha256}\0{index}\0{recipe}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).hexdigest()[:32]


def _file_identity(path: Path) -> str | None:
    """Device and inode: a hard link or a symlink to a file read already is the same file."""
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_dev}:{info.st_ino}"


def collect_files(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest and the paths that cannot be (missing, a broken or looping link).

    Folders are walked without following links to folders (a link back up would loop
    forever); hidden files and folders are skipped. A link to a file is read like the file
    (and only once, see :func:`ingest`).
    """
    files: list[Path] = []
    problems: list[tuple[str, str]] = []

    def broken(path: Path) -> None:
        shown = readable(os.fsdecode(path))
        problems.append(
            (shown, f"Liên kết hỏng hoặc vòng lặp (broken or looping link), bỏ qua: {shown}")
        )

    for path in paths:
        path = Path(path)
        if path.is_dir():
            for folder, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith("."):
                        continue
                    child = Path(folder) / name
                    if child.is_file():
                        files.append(child)
                    elif child.is_symlink():
                        broken(child)
        elif path.is_file():
            files.append(path)
        elif path.is_symlink():
            broken(path)
        else:
            shown = readable(os.fsdecode(path))
            problems.append((shown, f"Không tìm thấy tệp (file not found): {shown}"))
    return files, problems


@contextmanager
def _write_errors(settings: Settings) -> Iterator[None]:
    """A full disk or a read-only data directory, said plainly instead of a traceback."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        where = exc.filename or settings.data_dir
        raise StoreWriteError(write_failure_message(where, exc.strerror or "")) from exc


@contextmanager
def ingest_lock(settings: Settings, wait_seconds: float | None = None) -> Iterator[None]:
    """One writer per data directory; a second ingest waits, then refuses clearly."""
    if wait_seconds is None:
        wait_seconds = settings.ingest_lock_wait
    lock_path = settings.data_dir / ".ingest.lock"
    with _write_errors(settings):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    with handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    msg = (
                        "Một lần nạp tài liệu khác đang chạy trên thư mục dữ liệu này; hãy thử "
                        "lại sau. (Another ingest is running on this data directory.)"
                    )
                    raise IngestBusyError(msg) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _normalized(block: Block) -> Block | None:
    """The block in NFC with one tone convention; a table's cells too, so its rows and the
    header the answerer reads stay equal to the chunk text."""
    text = normalize_text(block.text)
    if not text:
        return None
    table = block.table.mapped(normalize_query) if block.table is not None else None
    if table is not None:
        text = table_block(table).text
    heading = normalize_text(block.heading) if block.heading else None
    return Block(text, block.page, heading, table)


def load_options(settings: Settings, sha256: str, progress: PageProgress | None) -> LoadOptions:
    return LoadOptions(
        ocr=settings.ocr,
        ocr_dpi=settings.ocr_dpi,
        ocr_page_timeout=settings.ocr_page_timeout,
        cache_dir=settings.ocr_cache_dir,
        sha256=sha256,
        page_progress=progress,
        max_pages=settings.pdf_max_pages,
        max_unzipped_mb=settings.ingest_max_unzipped_mb,
        max_rows=settings.ingest_max_rows,
        max_cells=settings.ingest_max_cells,
    )


Reader = Callable[[Path, LoadOptions], LoadedDocument]


@contextmanager
def file_reader(settings: Settings) -> Iterator[Reader]:
    """How files are read this run: in a killable worker with limits, unless told not to."""
    if not settings.ingest_isolate:
        yield load
        return
    from ingest.isolation import IsolatedLoader

    with IsolatedLoader(
        max_mb=settings.ingest_max_mb, timeout=settings.ingest_file_timeout
    ) as reader:
        yield reader.load


def _prepare(
    path: Path,
    source: str,
    sha256: str,
    settings: Settings,
    page_progress: PageProgress | None = None,
    read: Reader = load,
) -> _Pending:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoaderError(unsupported_message(path))
    loaded = read(path, load_options(settings, sha256, page_progress))
    blocks = [b for b in (_normalized(block) for block in loaded.blocks) if b is not None]
    document = LoadedDocument(
        # a loader falls back on the file's name, which may hold bytes that are not UTF-8:
        # the title is embedded, indexed, stored and shown, so it is made readable here
        title=normalize_text(readable(loaded.title)) or readable(path.stem),
        blocks=blocks,
        notes=loaded.notes,
        page_count=loaded.page_count,
    )
    if not document.blocks:
        raise LoaderError(f"Tệp không có nội dung văn bản (no text): {display_name(path)}")
    pieces = chunk_document(document, size=settings.chunk_size, overlap=settings.chunk_overlap)
    recipe = index_recipe(settings, path)
    chunks = [
        ChunkRecord(
            chunk_id(source, sha256, c.index, recipe),
            c.text,
            {
                "source": readable(source),
                "name": display_name(path),
                "title": document.title,
                "page": c.page if c.page is not None else -1,
                "heading": c.heading or "",
                "chunk_index": c.index,
                "start": c.start,
                "end": c.end,
                "sha256": sha256,
                # the rows this chunk holds, as data (ingest.document.ChunkTable): the
                # answerers read cells from it, never by splitting the text again
                "table": c.table.held(c.rows).to_json() if c.table is not None else "",
            },
        )
        for c in pieces
    ]
    statements = (
        safe_build(document, readable(source), display_name(path), _locator(pieces, chunks))
        if settings.statements
        else None
    )
    return _Pending(source, sha256, path.stat().st_size, document, chunks, statements)


def _locator(
    pieces: list[Chunk], chunks: list[ChunkRecord]
) -> Callable[[Table, int], tuple[int | None, str | None]]:
    """Where a table row was indexed (page, chunk id): a statement line cites its chunk."""
    by_table: dict[int, list[tuple[Chunk, str]]] = {}
    for piece, record in zip(pieces, chunks, strict=True):
        if piece.table is not None:
            by_table.setdefault(id(piece.table), []).append((piece, record.chunk_id))

    def locate(table: Table, row: int) -> tuple[int | None, str | None]:
        held = by_table.get(id(table), [])
        if not held:
            return None, None
        if 0 <= row < len(table.rows):
            line = render_cells(table.rows[row])
            for piece, chunk_id in held:
                if line and line in piece.text:
                    return piece.page, chunk_id
        return held[0][0].page, held[0][1]

    return locate


def _flush(
    settings: Settings,
    index: Index,
    manifest: Manifest,
    pending: list[_Pending],
    report: IngestReport,
    stale: list[str],
) -> None:
    """Write a batch of files: chunks first, then the manifest; the chunks they replace are
    added to ``stale``, deleted by the caller once the lexical index no longer shows them."""
    if not pending:
        return
    index.write_chunks([c for p in pending for c in p.chunks])
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for item in pending:
        old = manifest.documents.get(item.source)
        new_ids = [c.chunk_id for c in item.chunks]
        if old is not None:
            stale.extend(cid for cid in old.chunk_ids if cid not in set(new_ids))
            report.updated.append(readable(item.source))
        else:
            report.added.append(readable(item.source))
        manifest.documents[item.source] = DocumentRecord(
            source=item.source,
            sha256=item.sha256,
            chunk_ids=new_ids,
            title=item.document.title,
            pages=item.document.pages,
            ingested_at=now,
            size=item.size,
            recipe=index_recipe(settings, Path(item.source)),
        )
        if item.statements is not None and item.statements.statements:
            index.statements.save(item.statements, key=item.source)
        else:
            index.statements.remove(item.source)
        if item.document.notes:
            report.notes.append((readable(item.source), readable(" ".join(item.document.notes))))
        report.chunks_written += len(new_ids)
    manifest.save()
    pending.clear()


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    *,
    prune: bool = False,
    settings: Settings | None = None,
    progress: Progress | None = None,
    page_progress: Progress | None = None,
) -> IngestReport:
    """Add new files, skip unchanged ones, replace changed ones; with ``prune``, drop vanished ones.

    Args:
        paths: files and folders (folders are walked recursively).
        prune: remove documents whose files no longer exist.
        progress: called as ``progress(done, total, current_file)``.
        page_progress: called as ``page_progress(page, pages, current_file)`` while a
            paged file (PDF) is read: OCR of a long scan takes minutes.

    Returns:
        An :class:`IngestReport`; files that fail are listed with the reason, the rest go on.
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    report = IngestReport()
    files, missing = collect_files([Path(p) for p in paths])
    report.failed.extend(missing)
    index = get_index(settings)
    with (
        ingest_lock(settings),
        index.write_lock,
        _write_errors(settings),
        file_reader(settings) as read,
    ):
        manifest = index.manifest()
        incomplete = index.reconcile(manifest)
        pending: list[_Pending] = []
        stale: list[str] = []
        queued = 0
        seen: set[str] = set()
        for done, path in enumerate(files):
            if progress:
                progress(done, len(files), display_name(path))
            source = os.fsdecode(path.resolve())
            identity = _file_identity(path) or source
            if identity in seen or source in seen:
                report.duplicates.append(readable(source))
                continue
            seen.update((identity, source))
            pages = None
            if page_progress is not None:
                name = display_name(path)

                def pages(page: int, total: int, name: str = name) -> None:
                    page_progress(page, total, name)

            try:
                sha256 = file_sha256(path)
                record = manifest.documents.get(source)
                if (
                    record
                    and record.sha256 == sha256
                    and record.recipe == index_recipe(settings, path)
                    and source not in incomplete
                ):
                    report.unchanged.append(readable(source))
                    continue
                item = _prepare(path, source, sha256, settings, pages, read)
            except LoaderError as exc:
                report.failed.append((readable(source), readable(str(exc))))
                continue
            except OSError as exc:
                why = readable(f"Không đọc được tệp (cannot read): {exc}")
                report.failed.append((readable(source), why))
                continue
            pending.append(item)
            queued += len(item.chunks)
            if queued >= settings.ingest_flush_chunks:
                _flush(settings, index, manifest, pending, report, stale)
                queued = 0
        _flush(settings, index, manifest, pending, report, stale)
        if prune:
            for source in sorted(manifest.documents):
                if not Path(source).exists():
                    record = index.forget_document(manifest, source)
                    stale.extend(record.chunk_ids if record else [])
                    report.removed.append(readable(source))
        if progress:
            progress(len(files), len(files), "")
        index.sync_lexical(manifest)
        index.delete_chunks(stale)
        index.mark_consistent()  # the next run of unchanged files skips Chroma and BM25
    report.seconds = time.perf_counter() - started
    return report


def remove_documents(sources: Sequence[str], *, settings: Settings | None = None) -> list[str]:
    """Take documents out of the index at once (their chunks and lexical entries)."""
    settings = settings or get_settings()
    index = get_index(settings)
    removed: list[str] = []
    stale: list[str] = []
    with ingest_lock(settings), index.write_lock, _write_errors(settings):
        manifest = index.manifest()
        for source in sources:
            record = index.forget_document(manifest, source)
            if record is not None:
                removed.append(source)
                stale.extend(record.chunk_ids)
        index.sync_lexical(manifest)
        index.delete_chunks(stale)
        index.mark_consistent()
    return removed
