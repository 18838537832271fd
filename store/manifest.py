"""The record of what is indexed: each source file's content hash and the chunk ids it owns.

Re-ingest is driven by this file (skip a file whose hash is unchanged, replace the chunks of
one that changed, drop those of one that is gone). It is written atomically, so a process
killed mid-write leaves either the old or the new manifest, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hoidap.files import readable

FORMAT_VERSION = 1


@dataclass
class DocumentRecord:
    """One indexed file."""

    source: str
    sha256: str
    chunk_ids: list[str]
    title: str
    pages: int | None = None
    ingested_at: str = ""
    size: int = 0
    # the settings its chunks and vectors were made with (ingest.pipeline.index_recipe):
    # another chunk size or encoder re-ingests the file although its bytes are unchanged
    recipe: str = ""

    @property
    def name(self) -> str:
        """The file name as shown: bytes that are not UTF-8 become U+FFFD."""
        return readable(Path(self.source).name)


@dataclass
class Manifest:
    """Source path → :class:`DocumentRecord`, loaded from and saved to one JSON file."""

    path: Path
    documents: dict[str, DocumentRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls(path)
        # file names that are not valid UTF-8 are kept as their bytes (surrogateescape)
        data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
        docs = {src: DocumentRecord(**rec) for src, rec in data.get("documents", {}).items()}
        return cls(path, docs)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": FORMAT_VERSION,
            "documents": {src: asdict(rec) for src, rec in sorted(self.documents.items())},
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".manifest-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
                json.dump(payload, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def all_chunk_ids(self) -> set[str]:
        return {cid for rec in self.documents.values() for cid in rec.chunk_ids}
