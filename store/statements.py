"""Financial statements as data, kept beside the index: one JSON file per document.

Ingest reads a report's tables into statements (lines keyed by their code, one cell per
period, each cell with how it was checked) and a report card; qa answers line, ratio and
report questions from them without re-reading text. Written atomically, removed with the
document, rebuilt when the builder's version changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# bump when what the builder writes changes; files of another version are rebuilt by ingest
STATEMENTS_VERSION = 5

# how a cell's value is known
VERIFIED = "verified"  # an identity of the statement holds with it
READ = "read"  # as read; no identity could check it
DERIVED = "derived"  # the line is empty or missing; an identity determines it
RECOVERED = "recovered"  # the reading is broken or contradicts; an identity gives it
CONTRADICTED = "contradicted"  # contradicts its identities and none can fix it: never stated


@dataclass(frozen=True)
class Period:
    """What one figure column of a statement covers.

    ``role``: ``end``/``start`` (a balance at a date) or ``current``/``prior`` (a flow over
    a period); ``start``/``end`` are ISO dates where known; ``months`` the period's length.
    """

    header: str
    role: str
    end: str | None = None
    start: str | None = None
    months: int | None = None


@dataclass(frozen=True)
class Cell:
    value: int | None
    text: str
    status: str
    check: str = ""  # the identity that verified, derived or recovered it
    basis: tuple[str, ...] = ()  # the keys of the other lines of that identity

    @property
    def stated(self) -> bool:
        """True when the value may be given as an answer."""
        return self.value is not None and self.status != CONTRADICTED


@dataclass(frozen=True)
class Line:
    key: str
    code: str | None
    label: str  # as the report prints it (cleaned of markup)
    name: str  # the template's label
    concept: str | None
    cells: tuple[Cell, ...]
    page: int | None = None
    chunk_id: str | None = None
    row: str = ""  # the row as its chunk holds it: what the page marks as the answer


@dataclass(frozen=True)
class Statement:
    kind: str  # the template statement's id: balance_sheet, income_statement, cash_flow
    family: str  # corporate, bank, securities
    name: str
    periods: tuple[Period, ...]
    lines: tuple[Line, ...]
    unit: str = "VND"

    def line(self, key: str) -> Line | None:
        return next((line for line in self.lines if line.key == key), None)


@dataclass(frozen=True)
class Evidence:
    text: str
    page: int | None = None
    chunk_id: str | None = None


@dataclass(frozen=True)
class ReportCard:
    """What a report is: whose, which period, which kind, checked by whom."""

    company: str | None = None
    ticker: str | None = None
    period: str | None = None  # "Quý 4 năm 2024"
    period_end: str | None = None  # ISO date
    period_months: int | None = None
    frequency: str | None = None  # quarterly, half-year, annual
    scope: str | None = None  # consolidated, separate, combined
    assurance: str | None = None  # audited, reviewed
    auditor: str | None = None
    opinion: str | None = None
    unit: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentStatements:
    source: str
    name: str
    title: str
    card: ReportCard
    statements: tuple[Statement, ...]
    version: int = STATEMENTS_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentStatements:
        card = dict(data.get("card") or {})
        card["evidence"] = {k: Evidence(**v) for k, v in (card.get("evidence") or {}).items()}
        statements = tuple(
            Statement(
                s["kind"],
                s["family"],
                s["name"],
                tuple(Period(**p) for p in s["periods"]),
                tuple(
                    Line(
                        **{
                            **line,
                            "cells": tuple(
                                Cell(**{**c, "basis": tuple(c.get("basis") or ())})
                                for c in line["cells"]
                            ),
                        }
                    )
                    for line in s["lines"]
                ),
                s.get("unit", "VND"),
            )
            for s in data.get("statements") or ()
        )
        return cls(
            data["source"],
            data["name"],
            data.get("title", ""),
            ReportCard(**card),
            statements,
            int(data.get("version", 0)),
        )


def _file_name(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".json"


class StatementStore:
    """The statements of every indexed document, one file each under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._cache: tuple[tuple[tuple[str, int], ...], dict[str, DocumentStatements]] | None = None

    def save(self, item: DocumentStatements, key: str | None = None) -> None:
        """Write ``item`` under ``key`` (the manifest's name of the document; default its
        source), replacing what was there in one step."""
        self.folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(item.to_json(), ensure_ascii=False)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self.folder / _file_name(key or item.source))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def remove(self, source: str) -> None:
        (self.folder / _file_name(source)).unlink(missing_ok=True)

    def version_of(self, source: str) -> int | None:
        path = self.folder / _file_name(source)
        try:
            return int(json.loads(path.read_text(encoding="utf-8")).get("version", 0))
        except (OSError, ValueError):
            return None

    def all(self) -> dict[str, DocumentStatements]:
        """Every current document's statements by source; cached until a file changes."""
        try:
            files = sorted(self.folder.glob("*.json"))
            stamp = tuple((p.name, p.stat().st_mtime_ns) for p in files)
        except OSError:
            return {}
        with self._lock:
            if self._cache is not None and self._cache[0] == stamp:
                return self._cache[1]
            found: dict[str, DocumentStatements] = {}
            for path in files:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    if int(data.get("version", 0)) != STATEMENTS_VERSION:
                        continue  # written by another builder: rebuilt by the next ingest
                    item = DocumentStatements.from_json(data)
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                found[item.source] = item
            self._cache = (stamp, found)
            return found
