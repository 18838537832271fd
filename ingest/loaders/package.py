"""ZIP packages (DOCX, XLSX): refused before anything is inflated when they would inflate
past the limits.

A 1 MB DOCX or XLSX can hold a part that inflates to 1 GiB (``document.xml``,
``sharedStrings.xml``), and python-docx and openpyxl would inflate it into memory. The sizes
checked are the ones the ZIP's directory declares; Python's ``zipfile`` never inflates an
entry past its declared size (it stops there and fails the CRC), so a lying directory cannot
get more through than it declares.
"""

from __future__ import annotations

import io
import zipfile

from ingest.document import LoaderError
from ingest.loaders.base import LoadOptions

_MB = 1024 * 1024


def corrupt(kind: str) -> str:
    """The start of every message about a package that cannot be read."""
    return f"Tệp {kind} bị hỏng hoặc không đọc được (corrupt {kind})"


def require_zip(data: bytes, name: str, kind: str, app: str, old: str) -> None:
    """Refuse what is no ZIP package at all, saying what an old binary file needs.

    ``app`` ("Word", "Excel") made it; ``old`` (".doc", ".xls") is its pre-ZIP format.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LoaderError(
            f"{corrupt(kind)}: {name} — không phải gói ZIP của {app}; tệp {old} cũ cần lưu lại "
            f"thành .{kind.lower()} (not a ZIP package; save old {old} files as .{kind.lower()})"
        )


def check_package(data: bytes, name: str, options: LoadOptions, kind: str) -> None:
    """Refuse a ZIP with too many entries or whose entries would inflate past the limit.

    ``kind`` ("DOCX", "XLSX") is what the message calls the file.
    """
    limit = options.max_unzipped_mb * _MB
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        entries = package.infolist()
        if len(entries) > options.max_zip_entries:
            msg = (
                f"Tệp {kind} có {len(entries)} phần, quá giới hạn {options.max_zip_entries} "
                f"({kind} package has too many entries): {name}"
            )
            raise LoaderError(msg)
        total = sum(entry.file_size for entry in entries)
        if total > limit:
            largest = max(entries, key=lambda entry: entry.file_size)
            msg = (
                f"Tệp {kind} khi giải nén lớn {total // _MB} MB, quá giới hạn "
                f"{options.max_unzipped_mb} MB; tăng HOIDAP_INGEST_MAX_UNZIPPED_MB nếu cần "
                f"({kind} inflates to {total // _MB} MB, over the limit of "
                f"{options.max_unzipped_mb} MB; largest part {largest.filename}, "
                f"{largest.file_size // _MB} MB): {name}"
            )
            raise LoaderError(msg)
