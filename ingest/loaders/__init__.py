"""Turn a user's file (PDF, DOCX, XLSX, TXT, MD, HTML) into a :class:`LoadedDocument`.

One module per format (``pdf``, ``docx``, ``xlsx``, ``html``, ``markdown`` for TXT and MD);
adding a format is adding a module and a line in :data:`LOADERS`. Every loader keeps pages, section
headings and tables apart so the chunker can keep them apart too, and every file that
cannot be read ends in a :class:`LoaderError` whose message the user sees as is:
Vietnamese first, English in parentheses, and the file's name. No other exception may
escape for a bad file, because the upload page shows the message and carries on with the
next file.

Text typed with the pre-Unicode Vietnamese fonts (TCVN3/ABC, VNI), in any format, is
converted to Unicode here (:mod:`ingest.legacy`), since no later step could tell it from
foreign words.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from ingest.document import Block, LoadedDocument, LoaderError
from ingest.legacy import detect_legacy
from ingest.loaders.base import LoadOptions, empty
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_md, load_txt
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import decode_text
from ingest.loaders.xlsx import load_xlsx

log = logging.getLogger(__name__)

Loader = Callable[[bytes, Path, LoadOptions], LoadedDocument]

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".xlsx": load_xlsx,
    ".txt": load_txt,
    ".md": load_md,
    ".html": load_html,
    ".htm": load_html,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(LOADERS)
# what the message lists: .htm is .html's other spelling
_SHOWN_SUFFIXES = " ".join(s for s in SUPPORTED_SUFFIXES if s != ".htm")


def unsupported_message(path: Path) -> str:
    shown = path.suffix.lower() or "(không có đuôi tệp / no extension)"
    return (
        f"Định dạng không hỗ trợ: {shown} (hỗ trợ: {_SHOWN_SUFFIXES}) "
        f"(unsupported file type): {path.name}"
    )


def _convert_block(block: Block, apply: Callable[[str], str]) -> Block:
    table = block.table.mapped(apply) if block.table is not None else None
    return dataclasses.replace(
        block,
        text=apply(block.text),
        heading=apply(block.heading) if block.heading else block.heading,
        table=table,
    )


def _from_legacy_fonts(document: LoadedDocument, name: str) -> LoadedDocument:
    """The document with text typed in TCVN3 or VNI fonts converted to Unicode."""
    conversion = detect_legacy("\n".join([document.title, document.text]))
    if conversion is None:
        return document
    log.info("%s: %s text converted to Unicode", name, conversion.encoding)
    blocks = [_convert_block(block, conversion.apply) for block in document.blocks]
    return dataclasses.replace(document, title=conversion.apply(document.title), blocks=blocks)


def load(path: Path, options: LoadOptions | None = None) -> LoadedDocument:
    """Read one file into titled blocks, or raise :class:`LoaderError` with a message to show.

    The loader is chosen by the suffix (case-insensitively); the whole file is read first so
    that a missing, unreadable or empty file fails the same way for every format.
    """
    path = Path(path)
    options = options or LoadOptions()
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoaderError(unsupported_message(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LoaderError(f"Không đọc được tệp (cannot read file: {reason}): {path.name}") from exc
    if not data.strip():
        raise empty(path.name)
    try:
        return _from_legacy_fonts(loader(data, path, options), path.name)
    except LoaderError:
        raise
    except Exception as exc:
        # the loaders wrap the failures they know; this net keeps the promise for the rest
        raise LoaderError(
            f"Không đọc được tệp (cannot read file: {type(exc).__name__}: {exc}): {path.name}"
        ) from exc


__all__ = ["SUPPORTED_SUFFIXES", "LoadOptions", "LoaderError", "decode_text", "load"]
