"""A document's tables read as financial statements: lines by code, cells by period, checked.

Every reader hands the same :class:`~ingest.document.Table` s, so this works alike for a
scan, a text PDF, DOCX, XLSX or another tool's Markdown. A table is a statement's when its
rows carry the template's codes or labels; which statement (balance sheet, income, cash
flow) comes from the title printed above it and from its codes and labels. A statement
cut over several pages (and tables) is one statement.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache

from hoidap.knowledge import (
    LineTemplate,
    StatementTemplate,
    family_markers,
    statement_templates,
)
from hoidap.vietnamese import fold, parse_figure
from ingest.document import LoadedDocument, Table, render_cells
from ingest.statements.checks import check_column
from ingest.statements.labels import (
    clean_cell,
    clean_label,
    code_of,
    formula_code,
    label_similarity,
)
from ingest.statements.periods import read_period, settle_roles, uninformative
from ingest.statements.report_card import read_card, unit_named
from store.statements import READ, Cell, DocumentStatements, Line, Period, ReportCard, Statement

log = logging.getLogger(__name__)

Locate = Callable[[Table, int], tuple[int | None, str | None]]
LABEL_MATCH = 0.9  # folded labels this alike name the same line (typos, OCR slips)
MIN_LINES = 3  # fewer template lines than this: a note's table, not a statement


@dataclass
class _Row:
    key: str
    code: str | None
    label: str
    template: LineTemplate
    cells: list[Cell]
    row: int  # its index among the table's rows (the header, when it is a row: 0)
    text: str = ""
    page: int | None = None
    chunk_id: str | None = None


@dataclass
class _Draft:
    template: StatementTemplate
    periods: list[Period]
    rows: dict[str, _Row] = field(default_factory=dict)
    unit: str = "VND"


def _family(text: str) -> str | None:
    """The template family the report names (its circular, its forms), by most mentions."""
    folded = fold(text[:60000])
    counts = {f: sum(folded.count(m) for m in marks) for f, marks in family_markers().items()}
    best = max(counts, key=lambda f: counts[f], default=None)
    return best if best is not None and counts[best] > 0 else None


def _all_codes(templates: tuple[StatementTemplate, ...]) -> set[str]:
    return {line.code for t in templates for line in t.lines if line.code}


@dataclass
class _Layout:
    code: int | None
    label: int
    figures: list[int]
    headers: list[str]  # each figure column's header (a header set one cell left is moved)
    overflow: bool  # figures also stand outside the figure columns: read rows left to right


def _is_amount(text: str) -> bool:
    figure = parse_figure(text)
    return figure is not None and (abs(figure.value) >= 1000 or figure.text in ("-", "–"))


def _columns(table: Table, known: set[str]) -> _Layout:
    """Which column holds codes, labels and figures, from the cells, not only the header."""
    width = max([len(table.header), *(len(r) for r in table.rows)])
    rows = [tuple(clean_cell(c) for c in r) + ("",) * (width - len(r)) for r in _rows(table)]
    header = [clean_cell(h) for h in table.header] + [""] * (width - len(table.header))
    folded = [fold(h) for h in header]
    codes = [sum(1 for r in rows if code_of(r[j], known)) for j in range(width)]
    figures = [sum(1 for r in rows if _is_amount(r[j])) for j in range(width)]
    texts = [
        sum(
            len(r[j])
            for r in rows
            if r[j] and parse_figure(r[j]) is None and not code_of(r[j], known)
        )
        for j in range(width)
    ]
    code_col: int | None = None
    named = [j for j, h in enumerate(folded) if h.startswith("ma so") or h == "ma"]
    if named and codes[named[0]] >= max(codes, default=0) / 2 and codes[named[0]]:
        code_col = named[0]
    elif codes and max(codes) >= MIN_LINES:
        code_col = max(range(width), key=lambda j: (codes[j], -j))
    figure_cols = [
        j
        for j in range(width)
        if j != code_col
        and figures[j] >= 1
        and figures[j] * 2 >= codes[j]
        and (figures[j] >= 2 or texts[j] == 0)
    ]
    # the header cells that name periods, in order, whatever column the tool put them in
    first = code_col + 1 if code_col is not None else 1
    header_is_row = len(_rows(table)) > len(table.rows)
    named_periods = [h for h in header[first:] if h and not uninformative(h) and not header_is_row]
    overflow = False
    if named_periods and len(named_periods) < len(figure_cols):
        figure_cols, overflow = figure_cols[: len(named_periods)], True
        headers = named_periods
    elif named_periods and len(named_periods) == len(figure_cols):
        headers = named_periods
    else:
        headers = [header[j] for j in figure_cols]
    label_candidates = [j for j in range(width) if j != code_col and j not in figure_cols]
    label_col = max(label_candidates, key=lambda j: texts[j]) if label_candidates else 0
    return _Layout(code_col, label_col, figure_cols, headers, overflow)


_ASIDE = re.compile(r"\([^()]*\)")


def _bare(label: str) -> str:
    """A label without its asides: "(mang sang trang sau)", "(*)", "(Dạng đầy đủ)"."""
    return fold(_ASIDE.sub(" ", label))


@lru_cache(maxsize=64)
def _bare_labels(
    template: StatementTemplate,
) -> tuple[dict[str, LineTemplate], tuple[tuple[str, LineTemplate], ...]]:
    exact: dict[str, LineTemplate] = {}
    for line in template.lines:
        exact.setdefault(_bare(line.label), line)
    return exact, tuple((bare, line) for bare, line in exact.items())


@lru_cache(maxsize=1 << 14)
def _match_label(label: str, template: StatementTemplate) -> LineTemplate | None:
    """The template line a printed label names: the same words, or nearly (a typo, an OCR
    slip); cached, since a statement's labels are matched against each candidate template."""
    folded = _bare(label)
    if len(folded) < 3:
        return None
    exact, lines = _bare_labels(template)
    if folded in exact:
        return exact[folded]
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(folded)
    best: tuple[float, LineTemplate | None] = (0.0, None)
    for bare, line in lines:
        if abs(len(bare) - len(folded)) > 0.2 * max(len(bare), len(folded)):
            continue  # too different in length to be 90 % alike
        matcher.set_seq1(bare)
        if matcher.real_quick_ratio() < LABEL_MATCH or matcher.quick_ratio() < LABEL_MATCH:
            continue
        score = matcher.ratio()
        if score > best[0]:
            best = (score, line)
    return best[1] if best[0] >= LABEL_MATCH else None


def _rows(table: Table) -> list[tuple[str, ...]]:
    """The table's rows; a header that is itself a statement row (a table cut at a page
    break keeps the row it was cut at as header) is its first row."""
    rows = list(table.rows)
    if any(parse_figure(clean_cell(c)) is not None for c in table.header[1:]):
        rows.insert(0, table.header)
    return rows


def _lines_of(
    table: Table, layout: _Layout, template: StatementTemplate, known: set[str]
) -> list[_Row]:
    """The rows of ``table`` that are lines of ``template``, with their cells as read."""
    found: list[_Row] = []
    rows = _rows(table)
    offset = len(rows) - len(table.rows)
    first_figure = min(layout.figures, default=0)
    for index, row in enumerate(rows):
        cells = [clean_cell(c) for c in row] + [""] * 8
        label_text = cells[layout.label] if layout.label < len(row) else ""
        line: LineTemplate | None = None
        code = code_of(cells[layout.code], known) if layout.code is not None else None
        code = code or formula_code(label_text)
        if code is not None:
            line = template.by_code(code)
        label = clean_label(label_text)
        if line is None and label and not any(code_of(c, known) for c in cells[: len(row)]):
            line = _match_label(label, template)
        if line is None:
            continue
        texts = [cells[j] if j < len(row) else "" for j in layout.figures]
        beyond = [c for c in cells[max(layout.figures, default=0) + 1 : len(row)] if c]
        if layout.overflow and beyond:
            # figures slid right past a note cell: the row's amounts, left to right
            amounts = [c for c in cells[first_figure : len(row)] if _is_amount(c)]
            if amounts and len(amounts) <= len(texts):
                texts = amounts + [""] * (len(texts) - len(amounts))
        values: list[Cell] = []
        for text in texts:
            figure = parse_figure(text)
            if figure is None:
                values.append(Cell(None, text, "unreadable" if text.strip() else "empty"))
            elif figure.regrouped:
                values.append(Cell(figure.value, text, "regrouped"))
            else:
                values.append(Cell(figure.value, text, READ))
        found.append(
            _Row(
                line.key,
                line.code,
                label or line.label,
                line,
                values,
                max(index - offset, 0),
                render_cells(row),
            )
        )
    return found


def _score(rows: list[_Row], template: StatementTemplate, title: str) -> float:
    """How well a table's rows read as ``template``: lines found, labels agreeing, title."""
    if len(rows) < MIN_LINES:
        return 0.0
    agree = sum(
        1 for r in rows if not r.label or label_similarity(r.label, r.template.label) >= 0.6
    )
    titled = 5.0 if any(t in title for t in template.titles) else 0.0
    return len(rows) + agree + titled


def _split(table: Table, titles: tuple[str, ...]) -> list[tuple[Table, int, str]]:
    """A table holding several statements (a PDF page with two of them under one column
    layout) cut at each row that names a statement or repeats a header of periods; each
    part with the row offset it starts at and the title it was cut under."""
    parts: list[tuple[Table, int, str]] = []
    start, header, title = 0, table.header, ""
    rows = table.rows
    for i, row in enumerate(rows):
        cells = [clean_cell(c) for c in row]
        text = fold(" ".join(cells))
        amounts = sum(1 for c in cells if _is_amount(c))
        names = amounts == 0 and any(t in text for t in titles)
        periods = amounts == 0 and sum(1 for c in cells[1:] if c and not uninformative(c)) >= 2
        if not (names or periods):
            continue
        if i > start:
            parts.append((Table(table.title, header, rows[start:i]), start, title))
        if periods:
            header, start = row, i + 1
        else:
            title, start = text, i + 1
    parts.append((Table(table.title, header, rows[start:]), start, title))
    return [p for p in parts if p[0].rows]


def build_statements(
    document: LoadedDocument, source: str, name: str, locate: Locate
) -> DocumentStatements:
    """The statements and report card of one loaded (normalized) document."""
    templates = statement_templates()
    text = document.text
    family = _family(text)
    candidates = tuple(t for t in templates if family is None or t.family == family) or templates
    known = _all_codes(candidates)
    card = read_card(document)
    report_end = date.fromisoformat(card.period_end) if card.period_end else None
    drafts: dict[str, _Draft] = {}
    context = ""
    previous: _Draft | None = None
    for block in document.blocks:
        folded = fold(block.text[:400])
        if block.table is None:
            if any(title in folded for t in candidates for title in t.titles):
                context = folded
            continue
        all_titles = tuple(t for template in candidates for t in template.titles)
        for table, offset, cut_title in _split(block.table, all_titles):
            if cut_title:
                context = cut_title
            whole = block.table
            previous = _read_table(
                table,
                whole,
                offset,
                block.heading or "",
                context,
                candidates,
                known,
                drafts,
                previous,
                report_end,
                locate,
            )
    statements = tuple(_finish(d) for d in drafts.values())
    return DocumentStatements(
        source, name, document.title, _with_period(card, statements), statements
    )


def _read_table(
    table: Table,
    whole: Table,
    offset: int,
    heading: str,
    context: str,
    candidates: tuple[StatementTemplate, ...],
    known: set[str],
    drafts: dict[str, _Draft],
    previous: _Draft | None,
    report_end: date | None,
    locate: Locate,
) -> _Draft | None:
    """Read one table (or part of one) into the draft of the statement it belongs to."""

    title = " ".join([context, fold(table.title), fold(heading)])
    layout = _columns(table, known)
    read = [(t, _lines_of(table, layout, t, known)) for t in candidates]
    scored = [(t, rows, _score(rows, t, title)) for t, rows in read]
    best, rows, score = max(scored, key=lambda item: item[2], default=(None, [], 0.0))
    if best is None or score <= 0:
        return previous
    for row in rows:  # where the chosen lines were indexed: their citations
        row.page, row.chunk_id = locate(whole, row.row + offset)
    figure_cols, headers = layout.figures, layout.headers
    if not figure_cols:
        return previous
    draft = drafts.get(best.id)
    if draft is None or len(draft.periods) != len(figure_cols):
        if (
            draft is None
            and previous is not None
            and previous.template.id == best.id
            and len(previous.periods) == len(figure_cols)
        ):
            draft = previous
        elif draft is None:
            periods = [read_period(h, best.at, report_end) for h in headers]
            if (
                all(uninformative(h) for h in headers)
                and previous
                and len(previous.periods) == len(headers)
            ):
                periods = list(previous.periods)
            periods = settle_roles(periods) if best.at == "instant" else periods
            draft = _Draft(best, periods, unit=unit_named(" ".join(headers) + " " + title))
            drafts[best.id] = draft
        else:
            return previous  # another layout of a statement already read (a summary table)
    for row in rows:
        have = draft.rows.get(row.key)
        if have is None or all(c.value is None for c in have.cells):
            draft.rows[row.key] = row
    return draft


def _finish(draft: _Draft) -> Statement:
    template = draft.template
    names = {line.key: line.code or line.label for line in template.lines}
    tolerance = 1 if draft.unit != "VND" else 0
    columns: list[dict[str, Cell]] = []
    for j in range(len(draft.periods)):
        read = {k: r.cells[j] for k, r in draft.rows.items() if j < len(r.cells)}
        columns.append(check_column(read, template.identities, names, tolerance))
    keys = [line.key for line in template.lines if any(line.key in c for c in columns)]
    lines = []
    for key in keys:
        line = template.line(key)
        if line is None:
            continue
        row = draft.rows.get(key)
        cells = tuple(c.get(key, Cell(None, "", "empty")) for c in columns)
        lines.append(
            Line(
                key,
                line.code,
                row.label if row else line.label,
                line.label,
                line.concept,
                cells,
                row.page if row else None,
                row.chunk_id if row else None,
                row.text if row else "",
            )
        )
    return Statement(
        template.id, template.family, template.name, tuple(draft.periods), tuple(lines), draft.unit
    )


def _with_period(card: ReportCard, statements: tuple[Statement, ...]) -> ReportCard:
    """The report's end date from the statements' own columns when the text had none."""
    balance = [
        p.end
        for s in statements
        if s.kind == "balance_sheet"
        for p in s.periods
        if p.end and p.role == "end"
    ]
    flows = [
        p
        for s in statements
        if s.kind != "balance_sheet"
        for p in s.periods
        if p.role == "current" and p.end
    ]
    end = max(balance or [p.end for p in flows if p.end] or [card.period_end or ""]) or None
    months = card.period_months or min((p.months for p in flows if p.months), default=None)
    period = card.period
    if end and end != card.period_end:
        day = date.fromisoformat(end)
        if months == 3:
            period = f"Quý {(day.month - 1) // 3 + 1} năm {day.year}"
        elif months in (6, 9):
            period = f"{months} tháng kết thúc ngày {day.strftime('%d/%m/%Y')}"
        else:
            period = f"Năm kết thúc ngày {day.strftime('%d/%m/%Y')}"
    frequency = {3: "quarterly", 6: "half-year", 9: "nine-months", 12: "annual"}.get(months or 0)
    return replace(card, period_end=end, period_months=months, period=period, frequency=frequency)


def safe_build(
    document: LoadedDocument, source: str, name: str, locate: Locate
) -> DocumentStatements | None:
    """:func:`build_statements`, never failing an ingest: a report it cannot read as
    statements is still indexed as text."""
    try:
        return build_statements(document, source, name, locate)
    except Exception:  # the text path answers; the log says why the statements are missing
        log.warning("statements of %s could not be read", name, exc_info=True)
        return None
