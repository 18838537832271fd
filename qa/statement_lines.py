"""Where a statement answer's figures are: the report a question is about, the line it
names, and the column of the period it asks for, in the statements read at ingest.

The statement answerer (qa/statement_answer.py) phrases answers from these; the figures
panel (qa/figures.py) and the model-figure check (qa/statement_check.py) find the same
lines through them, so the three never disagree on which cell a question means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from hoidap.knowledge import phrases
from hoidap.vietnamese import fold, format_figure
from qa.finance_question import PeriodAsk, Target, close_targets, finance_words
from qa.reasons import Reason, Why, why
from qa.retriever import Retrieval, entity_terms
from qa.types import Answer
from store.statements import (
    DERIVED,
    RECOVERED,
    VERIFIED,
    Cell,
    DocumentStatements,
    Line,
    Period,
    Statement,
)

MAX_DOCUMENTS = 12


@dataclass(frozen=True)
class FoundCell:
    """One stated cell a question asks for: its report, statement, line and column."""

    doc: DocumentStatements
    statement: Statement
    line: Line
    column: int

    @property
    def cell(self) -> Cell:
        return self.line.cells[self.column]

    @property
    def period(self) -> Period:
        return self.statement.periods[self.column]


def day_text(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def period_label(period: Period) -> str:
    if period.role in ("end", "start"):
        word = "đầu kỳ" if period.role == "start" else "cuối kỳ"
        return f"{word}, ngày {day_text(period.end)}" if period.end else word
    if not period.end:
        return period.header
    end = date.fromisoformat(period.end)
    if period.months == 3:
        return f"quý {(end.month - 1) // 3 + 1}/{end.year}"
    if period.months and period.months >= 12:
        return f"năm {end.year} (12 tháng đến {day_text(period.end)})"
    if period.months:
        return f"{period.months} tháng đến {day_text(period.end)}"
    return f"kỳ kết thúc {day_text(period.end)}"


def status_note(found: FoundCell) -> str:
    cell = found.cell
    if cell.status == VERIFIED and cell.check:
        return f"đã đối chiếu: {cell.check}"
    if cell.status == DERIVED:
        return f"dòng này trống trong báo cáo; tính từ đẳng thức {cell.check} (derived)"
    if cell.status == RECOVERED:
        return (
            f"số đọc được là '{cell.text}' nhưng đẳng thức {cell.check} cho "
            f"{format_figure(cell.value or 0)}; dùng số theo đẳng thức (recovered)"
        )
    return ""


def with_status(answer: Answer, status: str) -> Answer:
    """``answer`` with how its figure was checked (:func:`status_note`) said last, in
    parentheses: what to know about the figure, not a reason it is or is not given."""
    if not status:
        return answer
    note = f"{answer.note} ({status})" if answer.note else f"({status})"
    return replace(answer, note=note)


def line_name(line: Line) -> str:
    return f"{line.name} (mã số {line.code})" if line.code else line.name


def pick_column(
    statement: Statement, ask: PeriodAsk, doc: DocumentStatements
) -> tuple[int | None, Why | None]:
    """The column the question asks for, or None with the reason (a column may come with
    one too: the report holds a shorter period than the one asked)."""
    periods = list(statement.periods)
    indices = list(range(len(periods)))
    if not indices:
        return None, None
    if statement.kind == "balance_sheet" or all(p.role in ("end", "start") for p in periods):
        if ask.dates:
            hit = [i for i in indices if periods[i].end in ask.dates]
            if hit:
                return hit[0], None
        want = "start" if ask.role == "start" else "end"
        hit = [i for i in indices if periods[i].role == want]
        if ask.years and ask.role != "start":
            latest = max(ask.years)
            dated = [i for i in indices if int((periods[i].end or "0")[:4]) == latest]
            dated = sorted(dated, key=lambda i: periods[i].end or "", reverse=True)
            # the balance on 1/1 of the next year is the one at the end of the year asked
            turn = [i for i in indices if (periods[i].end or "") == f"{latest + 1}-01-01"]
            if dated and not (turn and (periods[dated[0]].end or "").endswith("-01-01")):
                return dated[0], None
            if turn:
                return turn[0], None
            if any(p.end for p in periods):
                cover = ", ".join(period_label(p) for p in periods)
                return None, why(Reason.BALANCE_NOT_COVERED, year=latest, columns=cover)
        return (hit[0] if hit else 0), None
    current = [i for i in indices if periods[i].role == "current"]
    prior = [i for i in indices if periods[i].role == "prior"]
    pool = prior if ask.role == "prior" else current
    report_year = int(doc.card.period_end[:4]) if doc.card.period_end else None
    if ask.years:
        wanted = set(ask.years)
        pool = [i for i in indices if int((periods[i].end or "0")[:4]) in wanted]
        if not pool:
            cover = ", ".join(sorted({period_label(periods[i]) for i in indices}))
            years = ", ".join(map(str, ask.years))
            return None, why(Reason.PERIOD_NOT_COVERED, years=years, periods=cover)
        if ask.role != "prior" and report_year in wanted:
            pool = [i for i in pool if periods[i].role == "current"] or pool
    if not pool:
        pool = indices
    if ask.months == 3 or ask.quarter:
        quarter = [i for i in pool if periods[i].months == 3]
        if quarter:
            return quarter[0], None
    if ask.cumulative or (ask.months and ask.months > 3):
        longest = max(pool, key=lambda i: periods[i].months or 0)
        note = None
        months = periods[longest].months or 0
        if ask.months and months and months < ask.months:
            note = why(Reason.SHORTER_PERIOD, period=period_label(periods[longest]))
        return longest, note
    own = doc.card.period_months
    same = [i for i in pool if periods[i].months == own]
    return (same[0] if same else pool[0]), None


def lines_of(
    doc: DocumentStatements, target: Target, *, or_concept: bool = False
) -> list[tuple[Statement, Line]]:
    """The report's lines a target names (same family, statement and key); with
    ``or_concept``, when it has none, its lines of the target's concept."""
    found = []
    for statement in doc.statements:
        if statement.kind != target.kind or statement.family != target.family:
            continue
        line = statement.line(target.key)
        if line is not None:
            found.append((statement, line))
    if not found and or_concept and target.concept:
        return by_concept(doc, target.concept)
    return found


def by_concept(doc: DocumentStatements, concept: str) -> list[tuple[Statement, Line]]:
    return [(s, line) for s in doc.statements for line in s.lines if line.concept == concept]


def locate(
    doc: DocumentStatements, targets: tuple[Target, ...], ask: PeriodAsk
) -> tuple[FoundCell | None, Why | None]:
    """The first asked line this report has a stated figure for, in the asked column."""
    reason = None
    for target in close_targets(targets, 6):
        for statement, line in lines_of(doc, target, or_concept=True):
            column, said = pick_column(statement, ask, doc)
            if column is None:
                return None, said
            if column < len(line.cells) and line.cells[column].stated:
                return FoundCell(doc, statement, line, column), said
            if column < len(line.cells) and line.cells[column].value is not None:
                reason = why(Reason.FIGURE_CONTRADICTED, line=line_name(line))
    return None, reason


_PUNCTUATION = re.compile(r"[^\w\s]")


def distinctive_name(company: str | None) -> str:
    """A company's own words, folded, without its legal form and generic words, the first
    three at most: "Công ty Cổ phần Tập đoàn Hòa Phát" → "hoa phat"; two words at least."""
    if not company:
        return ""
    folded = " " + fold(_PUNCTUATION.sub(" ", company)) + " "
    for generic in sorted(phrases("report.generic_name_words"), key=len, reverse=True):
        folded = folded.replace(f" {generic} ", " ")
    words = folded.split()
    # the first three words name it ("thiết bị điện …"); a question need not say them all
    return " ".join(words[:3]) if len(words) >= 2 else ""



def reports_asked(
library: dict[str, DocumentStatements], question: str, found: Retrieval | None
) -> list[DocumentStatements] | None:
    """The reports a question is about: those it names (company, ticker, file); else,
    when the passage retrieval ranks first is a statement's, every report with
    statements (several companies: a line each); else none — the question is about
    another kind of document, and the passages answer it."""
    if found is not None and found.scope is not None:  # the question's scope first
        library = {source: doc for source, doc in library.items() if source in found.scope}
    if not library:
        return None
    # "ROE", "EBITDA", "LNST": finance words, not names of a company
    terms = [t for t in entity_terms(question) if t not in finance_words()]
    named = []
    asked = f" {fold(question)} "
    for doc in library.values():
        names = fold(
            " ".join(filter(None, [doc.card.company, doc.card.ticker, doc.name, doc.title]))
        )
        if any(t in names.replace("-", " ").split() or t in names for t in terms):
            named.append(doc)
        elif (own := distinctive_name(doc.card.company)) and f" {own} " in asked:
            named.append(doc)  # "… của Hòa Phát": the company's own words
    if named:
        return named
    by_name = {doc.name: doc for doc in library.values()} | library
    if found is not None and found.sources:
        if found.sources[0].source not in by_name:
            return []
        if terms:
            # a name the report cards lack ("Vinamilk" in a report of "Công ty Cổ phần
            # Sữa Việt Nam"): retrieval kept the documents holding it
            ranked = [by_name[s.source] for s in found.sources if s.source in by_name]
            return list({doc.source: doc for doc in ranked}.values())
    elif terms and len(library) > 1:
        return []  # a name no statement has: another document's question
    return list(library.values())[:MAX_DOCUMENTS]
