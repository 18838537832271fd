"""The indexed documents as a person manages them: list, re-ingest, delete.

What the documents page (and its API) does with the library, without knowing how the index
keeps it: the manifest says which files are indexed, :func:`ingest.pipeline.ingest` and
:func:`ingest.pipeline.remove_documents` change it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hoidap.files import readable
from hoidap.settings import Settings
from ingest.pipeline import (
    IngestReport,
    Progress,
    _normalized,
    ingest,
    load_options,
    remove_documents,
)
from store.index import get_index
from store.manifest import DocumentRecord, Manifest

__all__ = [
    "DocumentRecord",
    "chunk_texts",
    "chunks",
    "delete_documents",
    "document_record",
    "documents",
    "find_documents",
    "indexed_text",
    "reingest",
]

log = logging.getLogger(__name__)


def documents(settings: Settings) -> dict[str, DocumentRecord]:
    """The indexed documents, source path → record; none when the manifest is unreadable
    (logged), so a page still opens on a damaged data directory."""
    try:
        return Manifest.load(settings.manifest_path).documents
    except (OSError, ValueError):
        log.warning("manifest unreadable", exc_info=True)
        return {}


def find_documents(settings: Settings, wanted: Iterable[str]) -> list[str]:
    """The sources of the indexed documents named in ``wanted``: by source path (as stored, or
    as shown: a name that is not UTF-8 has U+FFFD, :func:`hoidap.files.readable`) or by file
    name."""
    names = set(wanted)
    return [
        s
        for s, rec in documents(settings).items()
        if s in names or readable(s) in names or rec.name in names
    ]


def document_record(settings: Settings, chunk_id: str) -> DocumentRecord | None:
    """The indexed document a chunk belongs to, or None when no document owns it now."""
    owners = (rec for rec in documents(settings).values() if chunk_id in rec.chunk_ids)
    return next(owners, None)


def chunks(settings: Settings, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The stored chunks among ``ids``: chunk id → (text, metadata: source, page, heading…)."""
    return get_index(settings).get_chunks(list(ids))


def indexed_text(settings: Settings, record: DocumentRecord) -> str:
    """An indexed file's text as ingest chunked it: a chunk's ``start``/``end`` metadata are
    offsets into it. Read again from the file (without OCR: for DOCX, HTML, TXT and MD)."""
    from dataclasses import replace

    from ingest.loaders import load

    options = replace(load_options(settings, record.sha256, None), ocr="off")
    loaded = load(Path(record.source), options)
    blocks = [b for b in (_normalized(block) for block in loaded.blocks) if b is not None]
    return "\n\n".join(b.text for b in blocks)


def delete_documents(sources: Iterable[str], *, settings: Settings) -> list[str]:
    """Take documents out of the index; a copy in the uploads folder is deleted with it.

    Returns:
        The sources removed (those that were indexed), in the order given.
    """
    indexed = documents(settings)
    known = [s for s in sources if s in indexed]
    removed = remove_documents(known, settings=settings) if known else []
    uploads = settings.uploads_dir.resolve()
    for source in removed:
        path = Path(source)
        if path.parent.resolve() == uploads:
            path.unlink(missing_ok=True)
    return removed


def reingest(
    settings: Settings,
    *,
    progress: Progress | None = None,
    page_progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in line with the files: changed files re-embedded, lost ones dropped."""
    paths = [Path(s) for s in documents(settings) if Path(s).exists()]
    return ingest(
        paths, prune=True, settings=settings, progress=progress, page_progress=page_progress
    )


def chunk_texts(
    settings: Settings,
    records: Mapping[str, DocumentRecord] | None = None,
    *,
    per_document: int = 6,
    newest: int = 8,
) -> list[str]:
    """The first ``per_document`` chunk texts of the ``newest`` documents, newest first
    (what a reader skims to see what the library is about)."""
    records = documents(settings) if records is None else records
    ordered = sorted(records.values(), key=lambda r: r.ingested_at, reverse=True)
    ids = [cid for rec in ordered[:newest] for cid in rec.chunk_ids[:per_document]]
    found = chunks(settings, ids)
    return [found[cid][0] for cid in ids if cid in found]
