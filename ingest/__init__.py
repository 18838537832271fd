"""Files in, chunks in the index out: ``from ingest import ingest``.

:mod:`ingest.library` manages what is indexed (list, re-ingest, delete) for the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.pipeline import IngestBusyError, IngestReport, ingest, remove_documents

__all__ = ["IngestBusyError", "IngestReport", "ingest", "remove_documents"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
