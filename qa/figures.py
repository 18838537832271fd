"""The figures behind a statement answer, as data: for the page's chart, the API, the CSV.

A statement answer (qa/statement_answer.py) states a line's figure for each report in scope,
with the other periods the report prints. The same figures are read here again from the
statements, line by line and cell by cell (the same lookup the answer used, so they are the
answer's figures, never a re-parse of its text): one :class:`Figure` per (report, period),
each with the number of the source the answer cites for it.

Two reports in an answer (two companies) also get the comparison: the figures side by side,
the difference and the percentage change, each figure cited (:func:`comparison`).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from hoidap.vietnamese import format_figure, format_number
from qa.statement_lines import locate, period_label, reports_asked
from qa.types import Answer, Figure

if TYPE_CHECKING:
    from qa.retriever import Retrieval
    from qa.statement_answer import StatementAnswerer

log = logging.getLogger(__name__)

__all__ = ["Figure", "comparison", "figures_csv", "statement_figures", "with_figures"]

CSV_COLUMNS = ("company", "ticker", "document", "line", "period", "figure", "unit", "citation")
_LINE_INTENTS = ("line", "change", "analysis")


def statement_figures(
    answer: Answer, found: Retrieval | None, statements: StatementAnswerer
) -> list[Figure]:
    """The asked line's figures in every report the answer covers, every stated period."""
    from qa.finance_question import PeriodAsk
    from qa.question import asked as reading

    question = found.question if found is not None else answer.question
    asked = reading(found.asked if found is not None else None, question).finance
    if asked.intent not in _LINE_INTENTS or asked.outside:
        return []
    docs = reports_asked(statements.index.statements.all(), question, found) or []
    cited = {s.source: n for n, s in reversed(list(enumerate(answer.sources, 1)))}
    ask = asked.period
    if asked.intent in ("change", "analysis") and ask.role in ("start", "prior"):
        ask = PeriodAsk(None, ask.months, ask.cumulative, ask.quarter, ask.years, ask.dates)
    rows: list[Figure] = []
    for doc in docs:
        citation = cited.get(doc.name, cited.get(doc.source))
        if citation is None:
            continue  # the answer states nothing of this report
        hit, _ = locate(doc, asked.targets, ask)
        if hit is None:
            continue
        company = doc.card.company or doc.name
        for column, (period, cell) in enumerate(
            zip(hit.statement.periods, hit.line.cells, strict=False)
        ):
            if not cell.stated:
                continue
            rows.append(
                Figure(
                    company=company,
                    ticker=doc.card.ticker,
                    document=doc.name,
                    source=doc.source,
                    line=hit.line.name,
                    period=period_label(period),
                    period_end=period.end,
                    value=int(cell.value or 0),
                    unit=hit.statement.unit or "VND",
                    citation=citation,
                    asked=column == hit.column,
                )
            )
    return rows


def comparison(figures: list[Figure]) -> str | None:
    """Two reports' asked figures side by side, their difference and the change in percent."""
    asked = [f for f in figures if f.asked]
    reports = list(dict.fromkeys(f.source for f in asked))
    if len(reports) != 2:
        return None
    # in a stable order (by ticker or company), whichever way the library lists them
    first, second = sorted(
        (next(f for f in asked if f.source == s) for s in reports),
        key=lambda f: ((f.ticker or f.company).lower(), f.source),
    )
    if first.unit != second.unit:
        return None
    diff = second.value - first.value
    pct = f" ({'+' if diff >= 0 else '−'}{format_number(abs(diff) / abs(first.value) * 100)} %)"
    who = [f.ticker or f.company for f in (first, second)]
    return (
        f"So sánh {first.line}: {who[0]} ({first.period}) {format_figure(first.value)} "
        f"{first.unit} [{first.citation}]; {who[1]} ({second.period}) "
        f"{format_figure(second.value)} {second.unit} [{second.citation}]. Chênh lệch "
        f"{who[1]} so với {who[0]}: {'+' if diff >= 0 else '−'}{format_figure(abs(diff))} "
        f"{first.unit}" + (pct if first.value else "") + "."
    )


def with_figures(
    answer: Answer, found: Retrieval | None, statements: StatementAnswerer
) -> Answer:
    """``answer`` with its figures as data and, for two reports, their comparison."""
    if answer.abstained or answer.answerer != "statements":
        return answer
    try:
        figures = statement_figures(answer, found, statements)
    except Exception:  # the figures are extra: never cost the user the answer
        log.warning("figures of %r not read", answer.question, exc_info=True)
        return answer
    if not figures:
        return answer
    text = answer.text
    compared = comparison(figures)
    if compared:
        text = f"{text}\n{compared}"
    return replace(answer, text=text, figures=figures)


def figures_csv(figures: list[Figure]) -> str:
    """The per-report table as CSV: company, ticker, document, line, period, figure, unit,
    citation (the source number the answer cites)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        writer.writerow(
            [f.company, f.ticker or "", f.document, f.line, f.period, f.value, f.unit, f.citation]
        )
    return out.getvalue()


def chartable(figures: list[Figure]) -> bool:
    """A line over several periods or companies: worth a bar chart."""
    return len({(f.source, f.period) for f in figures}) >= 2
