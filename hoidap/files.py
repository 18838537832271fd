"""Files as bytes: the one content hash every package uses, and the one way a file's name
becomes text.

Ingest skips a file whose sha256 is unchanged, the page refuses an upload whose content is
already indexed, and the converted embedding model is checked against the hashes it was
written with: all three must hash the same way, so there is one function.

A file name is bytes; Python keeps those that are not UTF-8 as lone surrogates
(``os.fsdecode``), which is right for opening the file again and wrong everywhere else: the
tokenizer, Chroma, JSON and the page refuse them. :func:`readable` is the one conversion of
such a string to what is embedded, stored beside the chunks and shown.
"""

from __future__ import annotations

import hashlib
import os

BLOCK_SIZE = 1 << 20  # bytes read at a time: a 1 GB model file never sits in memory


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's content, as 64 hex digits.

    Args:
        path: the file; read in blocks of :data:`BLOCK_SIZE`.

    Returns:
        The hex digest. ``OSError`` from opening or reading the file propagates.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK_SIZE):
            digest.update(block)
    return digest.hexdigest()


def readable(text: str) -> str:
    """``text`` as valid Unicode: bytes kept as surrogates (a file name that is not UTF-8)
    are decoded again, and what still is not a character becomes U+FFFD.

    The name ``b"b\\xe1o-c\\xff.txt"`` reads ``b?o-c?.txt`` with U+FFFD for each ``?``; valid
    text is returned as it is.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte (e.g. half an emoji)
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")
