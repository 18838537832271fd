"""Files as bytes: the one content hash every package uses.

Ingest skips a file whose sha256 is unchanged, the page refuses an upload whose content is
already indexed, and the converted embedding model is checked against the hashes it was
written with: all three must hash the same way, so there is one function.
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
