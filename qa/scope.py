"""Which reports a question is about: names, globs, companies and tickers → document sources.

A *scope* is a set of document sources: the manifest's keys as chunks carry them in their
``source`` metadata (shown readable, :func:`hoidap.files.readable`). One function,
:func:`resolve_documents`, turns what a person types (``hoidap ask --doc``, ``answer(q,
documents=[...])``, the API's ``hoidap.documents``, the page's picker) into a scope:

- a source path, as stored or as shown;
- a file name (``vnm-q2-2025.pdf``) or its stem (``vnm-q2-2025``), case and diacritics aside;
- a glob over file names and paths (``*-q4-2024.md``, ``md/*``);
- a company or a ticker from the report cards read at ingest (``Vinamilk``, ``VNM``,
  ``Hòa Phát``): the documents whose card names it.

A name that matches nothing is a :class:`UnknownDocumentError` listing the close matches,
never an empty scope (that would answer every question with "not found").
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from hoidap.errors import UserError
from hoidap.files import readable
from hoidap.settings import Settings
from hoidap.vietnamese import fold, folded_words
from qa.types import Answer
from store.index import Index, get_index

Scope = frozenset[str]
GLOB_CHARS = frozenset("*?[")
CLOSE_MATCHES = 5


class UnknownDocumentError(UserError, ValueError):
    """A document name that names no indexed document; the message lists close matches."""

    def __init__(self, name: str, close: list[str]) -> None:
        self.name = name
        self.close = close
        hint = (
            f" Gần giống (close matches): {', '.join(close)}."
            if close
            else " Không có tên nào gần giống (no close match)."
        )
        super().__init__(
            f"Không có tài liệu '{name}' trong thư viện (unknown document '{name}').{hint}"
        )


@dataclass(frozen=True)
class LibraryDocument:
    """One indexed document as the scope picker and the resolver see it."""

    source: str  # as chunks carry it (readable)
    name: str  # the file name as shown
    title: str = ""
    company: str | None = None
    ticker: str | None = None
    period: str | None = None
    period_end: str | None = None

    @property
    def label(self) -> str:
        """How the page's picker shows it: file name — company (ticker), period."""
        who = self.company or self.ticker
        if self.company and self.ticker and self.ticker not in self.company:
            who = f"{self.company} ({self.ticker})"
        about = ", ".join(part for part in (who, self.period) if part)
        return f"{self.name} — {about}" if about else self.name

    @property
    def short(self) -> str:
        """The name a per-report table gives the document: its ticker or company, else file."""
        return self.ticker or self.company or self.name


def library(index: Index) -> list[LibraryDocument]:
    """Every indexed document with what its report card says, by file name."""
    cards = index.statements.all()
    found = []
    for source, record in index.manifest().documents.items():
        shown = readable(source)
        doc = cards.get(shown) or cards.get(source)
        card = doc.card if doc is not None else None
        found.append(
            LibraryDocument(
                shown,
                record.name,
                record.title,
                card.company if card else None,
                card.ticker if card else None,
                card.period if card else None,
                card.period_end if card else None,
            )
        )
    return sorted(found, key=lambda d: (d.name.lower(), d.source))


def _words(text: str) -> list[str]:
    return folded_words(text)


def _company_matches(wanted: str, company: str | None) -> bool:
    """``Hòa Phát`` names ``CÔNG TY CỔ PHẦN TẬP ĐOÀN HÒA PHÁT``: its words, in order."""
    if not company:
        return False
    want, have = _words(wanted), _words(company)
    if not want:
        return False
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def _matches(wanted: str, doc: LibraryDocument) -> bool:
    text = wanted.strip()
    if not text:
        return False
    if text in (doc.source, readable(doc.source)):
        return True
    if GLOB_CHARS & set(text):
        pattern = fold(text)
        return fnmatch.fnmatchcase(fold(doc.name), pattern) or fnmatch.fnmatchcase(
            fold(doc.source), pattern
        ) or fnmatch.fnmatchcase(fold(doc.source), "*/" + pattern)
    folded = fold(text)
    name = fold(doc.name)
    if folded in (name, fold(PurePath(doc.name).stem)):
        return True
    if doc.ticker and folded == fold(doc.ticker):
        return True
    return _company_matches(text, doc.company)


def _candidates(docs: list[LibraryDocument]) -> list[str]:
    names: list[str] = []
    for doc in docs:
        names += [doc.name, PurePath(doc.name).stem]
        names += [n for n in (doc.ticker, doc.company) if n]
    return list(dict.fromkeys(names))


def close_matches(name: str, docs: list[LibraryDocument]) -> list[str]:
    """The library's names nearest ``name`` (file names, stems, tickers, companies)."""
    candidates = _candidates(docs)
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(fold(candidate), candidate)
    hits = difflib.get_close_matches(fold(name), list(by_fold), n=CLOSE_MATCHES, cutoff=0.5)
    # a part of a name ("vnm" of "vnm-q2-2025.pdf", "Phát" of a company) is close too
    part = [
        c for f, c in by_fold.items() if fold(name) and fold(name) in f and f not in hits
    ]
    return list(dict.fromkeys([by_fold[h] for h in hits] + part))[:CLOSE_MATCHES]


def resolve_documents(index: Index, names: Iterable[str] | None) -> Scope | None:
    """The sources ``names`` stand for, or ``None`` (every document) when none is given.

    Raises:
        UnknownDocumentError: a name matches no document; it lists the close matches.
    """
    wanted = [n for n in (names or []) if n and n.strip()]
    if not wanted:
        return None
    docs = library(index)
    scope: set[str] = set()
    for name in wanted:
        hits = {d.source for d in docs if _matches(name, d)}
        if not hits:
            raise UnknownDocumentError(name, close_matches(name, docs))
        scope |= hits
    return frozenset(scope)


def scope_chunk_ids(index: Index, scope: Scope) -> frozenset[str]:
    """The chunk ids the manifest gives the documents in ``scope``."""
    documents = index.manifest().documents
    return frozenset(
        cid
        for source, record in documents.items()
        if readable(source) in scope or source in scope
        for cid in record.chunk_ids
    )


def source_note(answer: Answer, scope: Scope | None) -> str | None:
    """With several reports in scope, which one a quoted (not per-report) answer is from."""
    if scope is None or len(scope) < 2 or answer.abstained or answer.answerer == "statements":
        return None
    cited = [int(n) for n in re.findall(r"\[(\d{1,2})\]", answer.text)]
    number = cited[0] if cited and 0 < cited[0] <= len(answer.sources) else 1
    if not answer.sources:
        return None
    name = answer.sources[number - 1].source
    return f"Trả lời từ tài liệu {name} (answered from {name})."


def documents_in(settings: Settings) -> list[LibraryDocument]:
    """The library of ``settings``' index, for a page or an API listing it."""
    return library(get_index(settings))


def scope_sources(settings: Settings, names: Iterable[str] | None) -> list[str] | None:
    """:func:`resolve_documents` on ``settings``' index, as a sorted list (None: all)."""
    scope = resolve_documents(get_index(settings), names)
    return sorted(scope) if scope is not None else None
