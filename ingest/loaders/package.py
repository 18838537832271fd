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
