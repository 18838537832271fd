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
        max_unzipped_mb, max_zip_entries: a DOCX that would inflate past these is refused
            before anything is inflated.
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


def not_text(name: str) -> LoaderError:
    return LoaderError(f"Tệp không phải văn bản (is not a text file — binary content): {name}")


def empty(name: str) -> LoaderError:
    return LoaderError(f"Tệp rỗng, không có nội dung văn bản (empty file, no text): {name}")
