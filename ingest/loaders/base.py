"""What every format's loader shares: how it is called, and the messages for bad files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.document import LoaderError

# A first line longer than this is a paragraph, not a title.
MAX_TITLE = 200

PageProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class LoadOptions:
    """How to read files: OCR for scanned pages, and where its results are kept.

    Args:
        ocr: ``auto`` (the default engine, on the pages that need it), ``off``, or an engine.
        ocr_dpi: resolution pages are rendered at for OCR.
        ocr_page_timeout: seconds one page may take before it is reported and skipped.
        cache_dir: where recognized pages are kept (by file content and page), so an
            unchanged scan is never recognized twice; ``None`` keeps nothing.
        sha256: the file's content hash, the cache key (computed when missing).
        page_progress: called as ``page_progress(done, total)`` while pages are read.
        max_pages: a PDF with more pages is refused (a hostile file can claim billions).
        max_unzipped_mb, max_zip_entries: a DOCX or XLSX that would inflate past these is
            refused before anything is inflated.
        max_rows, max_cells: table rows and cells read from one file (XLSX sheets, Markdown
            pipe and HTML tables); a file past them is refused, since a sheet can claim 10⁹
            rows in a few bytes and a 50 MB pipe table is millions of cells.
    """

    ocr: str = "auto"
    ocr_dpi: int = 200
    ocr_page_timeout: float = 120.0
    cache_dir: Path | None = None
    sha256: str | None = None
    page_progress: PageProgress | None = None
    max_pages: int = 5000
    max_unzipped_mb: int = 512
    max_zip_entries: int = 10000
    max_rows: int = 1_048_576
    max_cells: int = 2_000_000


def not_text(name: str) -> LoaderError:
    return LoaderError(f"Tệp không phải văn bản (is not a text file — binary content): {name}")


def empty(name: str) -> LoaderError:
    return LoaderError(f"Tệp rỗng, không có nội dung văn bản (empty file, no text): {name}")


def grouped(number: int) -> str:
    """An integer as Vietnamese text prints it: 1234567 → "1.234.567"."""
    return f"{number:,}".replace(",", ".")


_LIMITS = {
    "rows": ("dòng", "HOIDAP_INGEST_MAX_ROWS"),
    "cells": ("ô", "HOIDAP_INGEST_MAX_CELLS"),
}


def over_limit(
    kind: str, name: str, what: str, limit: int, claimed: int | None = None
) -> LoaderError:
    """The message for a file with more table ``what`` ("rows" or "cells") than ``limit``.

    ``claimed`` is the count the file declares, when it declares one (an XLSX dimension);
    otherwise reading stopped at the limit and the file has "more than" it.
    """
    vi, variable = _LIMITS[what]
    count_vi = grouped(claimed) if claimed is not None else f"hơn {grouped(limit)}"
    count_en = grouped(claimed) if claimed is not None else f"more than {grouped(limit)}"
    return LoaderError(
        f"Tệp {kind} có {count_vi} {vi} bảng, quá giới hạn {grouped(limit)} {vi}; tăng "
        f"{variable} nếu cần ({kind} has {count_en} table {what}, over the limit of "
        f"{grouped(limit)}): {name}"
    )


class TableBudget:
    """Rows and cells read so far from one file, refused past :class:`LoadOptions`' limits.

    One budget per file, shared by all its tables, so a file cannot pass the limit by
    splitting its cells over many sheets or tables. Counted as they are read, so a hostile
    file fails as soon as it passes a limit, not after it has been read whole.
    """

    def __init__(self, options: LoadOptions, name: str, kind: str) -> None:
        self.max_rows = options.max_rows
        self.max_cells = options.max_cells
        self.name = name
        self.kind = kind
        self.rows = 0
        self.cells = 0

    def take(self, rows: int, cells: int) -> None:
        """Count ``rows`` and ``cells`` more; raise :class:`LoaderError` past a limit."""
        self.rows += rows
        self.cells += cells
        if self.rows > self.max_rows:
            raise over_limit(self.kind, self.name, "rows", self.max_rows)
        if self.cells > self.max_cells:
            raise over_limit(self.kind, self.name, "cells", self.max_cells)
