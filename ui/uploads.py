"""Uploaded files, checked on the server before anything reads them.

The browser's file picker filters types too, but a browser (or a script calling the API)
can send anything, so type and size are enforced here, and the name a user's computer gave a
file is never trusted as a path: it is reduced to a plain file name that cannot leave
``settings.uploads_dir``. Vietnamese letters are kept so the documents table shows the name
the user recognizes.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hoidap.errors import UserError
from hoidap.files import file_sha256
from hoidap.settings import Settings
from ingest.library import DocumentRecord, documents
from ingest.loaders import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)

# Suffixes read by the same loader as another one, not named again to users.
SAME_AS_ANOTHER = frozenset({".htm"})
# Most file systems cap a name at 255 bytes; leave room for a "-2" disambiguation.
MAX_NAME_BYTES = 200
FALLBACK_STEM = "tai-lieu"
_UNSAFE = re.compile(r"[^\w .,()\[\]+&@#%=~-]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_DOTS = re.compile(r"\.{2,}")


class UploadError(UserError, ValueError):
    """An upload refused; the message is shown to the user as is (Vietnamese)."""


@dataclass
class UploadBatch:
    """The outcome of checking and saving one batch of uploaded files."""

    saved: list[Path] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (upload name, indexed name)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (upload name, reason)


def sanitize_filename(name: str) -> str:
    """A safe, readable file name: the last path part only, no control chars, no ``..``.

    Leading dots are removed too: the ingest walker skips hidden files, and a name like
    ``.bashrc`` has no business in the uploads folder.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\x00", "")
    # the user's OS may send a Windows or POSIX path; keep only what follows the last separator
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    name = _DOTS.sub(".", name)
    name = _SPACES.sub(" ", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem.strip(" .") or FALLBACK_STEM
    suffix = suffix.lower()
    while len(f"{stem}.{suffix}".encode()) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or FALLBACK_STEM
    return f"{stem}.{suffix}" if suffix else stem


def shown_suffixes() -> str:
    """The file types a user may upload, as the page and its refusals name them."""
    return ", ".join(s for s in SUPPORTED_SUFFIXES if s not in SAME_AS_ANOTHER)


def human_size(size: int) -> str:
    """Sizes as a user reads them (MB with a Vietnamese decimal comma)."""
    if size < 1024 * 1024:
        return f"{max(size, 1) / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def check_upload(path: Path, original_name: str, settings: Settings) -> None:
    """Refuse a file of the wrong type or over the size limit, with a reason the user reads."""
    suffix = Path(sanitize_filename(original_name)).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "không có đuôi"
        raise UploadError(f"Loại tệp không được hỗ trợ ({shown}). Chỉ nhận: {shown_suffixes()}.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UploadError("Không đọc được tệp tải lên, hãy thử lại.") from exc
    limit = settings.max_upload_mb * 1024 * 1024
    if size > limit:
        raise UploadError(
            f"Tệp quá lớn ({human_size(size)}); giới hạn là {settings.max_upload_mb} MB."
        )
    if size == 0:
        raise UploadError("Tệp rỗng, không có nội dung.")


def safe_destination(directory: Path, name: str) -> Path:
    """``directory / sanitize_filename(name)``, verified to be directly inside ``directory``."""
    root = directory.resolve()
    target = (root / sanitize_filename(name)).resolve()
    if target.parent != root:
        raise UploadError("Tên tệp không hợp lệ.")
    return target


def save_uploads(
    files: Iterable[tuple[Path, str]],
    settings: Settings,
    indexed_documents: Mapping[str, DocumentRecord] | None = None,
) -> UploadBatch:
    """Check each ``(temporary path, name the user gave)`` and copy the good ones in.

    A file whose exact content is already indexed (under any name; ``indexed_documents``,
    read from the index when not given) is not copied: the caller reports it as already
    there, and nothing is embedded again. A file with the name of an earlier upload replaces
    it, so uploading a corrected report updates the index.
    """
    batch = UploadBatch()
    if indexed_documents is None:
        indexed_documents = documents(settings)
    indexed = {rec.sha256: rec.name for rec in indexed_documents.values()}
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    seen: set[Path] = set()
    for temp_path, original in files:
        shown = sanitize_filename(original)
        try:
            check_upload(temp_path, original, settings)
            digest = file_sha256(temp_path)
            if digest in indexed:
                batch.duplicates.append((shown, indexed[digest]))
                continue
            target = safe_destination(settings.uploads_dir, original)
            if target in seen:
                batch.rejected.append((shown, "Trùng tên với một tệp khác trong cùng lần tải."))
                continue
            partial = target.with_name(f".{target.name}.part")
            shutil.copyfile(temp_path, partial)
            os.replace(partial, target)
        except UploadError as exc:
            batch.rejected.append((shown, str(exc)))
            continue
        except OSError as exc:
            log.warning("saving upload %r failed: %s", original, exc)
            batch.rejected.append((shown, "Không lưu được tệp lên máy chủ, hãy thử lại."))
            continue
        seen.add(target)
        indexed[digest] = target.name
        batch.saved.append(target)
    return batch
