"""Files in, chunks in the index out: ``from ingest import ingest``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport, ingest, remove_documents

__all__ = ["IngestReport", "ingest", "remove_documents"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
