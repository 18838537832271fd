"""Financial statements read from a document's tables (see :mod:`ingest.statements.build`)."""

from ingest.statements.build import build_statements, safe_build

__all__ = ["build_statements", "safe_build"]
