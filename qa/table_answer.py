"""Answer a question about a line of a table with the cell it asks for, saying which it is.

A financial statement row holds several figures: this quarter and last year's, the end of
the period and its start. Quoting the row lets the reader pick the wrong one, and a model
picks for them, often wrongly. Ingest keeps each table chunk's rows as data beside its text
(:class:`ingest.document.ChunkTable`, handed over as :attr:`Source.table`); here the
question's row words are matched to a row label (folded, so OCR's slipped diacritics and
questions typed without marks still match) and its period words ("cuối quý", "30/6/2025",
"đầu năm", "quý II", "lũy kế 6 tháng", "năm 2024") to a column header, and the answer is
that one cell:
"Hàng tồn kho — 30/6/2025 VND: 7.047.730.548.255 [2]".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from hoidap.vietnamese import dates_in, fold, fold_diacritics, years_in
from ingest.document import CELL_SEPARATOR
from qa.answer_types import AnswerType, classify
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from store.lexical import QUESTION_WORDS, syllables

_FIGURE = re.compile(r"^\(?-?\s*\d[\d .,]*\d\)?$")
# a row label's numbering, formula and note reference: "IV.", "1.", "B.", "a)", "(*)",
# "(100=110+120)", "V.22" (a text layer sets the "Thuyết minh" code right after the label)
_LABEL_NOISE = re.compile(
    r"^\s*(?:[IVXivx]+|\d+|[a-zđA-ZĐ])\s*[.)]\s*|\(\*\)|\([\d\s=+\-–,.]+\)"
    r"|\b[IVXivx]{1,4}\.\d{1,2}[a-z]?\b"
)
# words that name a column (a period), not a row
# a label of only these words names no line of its own ("Số", "Tổng cộng", "Khác": a total
# or an OCR fragment): a question's "số" ("có số là gì") must not pick that row
_GENERIC_LABEL = frozenset({"so", "tong", "cong", "khac", "cuoi", "dau", "ky", "nam", "du"})
# what a cell can answer: a figure, or a question that names no kind ("X quý II?")
_FIGURE_KINDS = frozenset({"quantity", "other", "thing"})
# a question about a change between two cells is answered by a sentence, not by one cell
_CHANGE = re.compile(r"\b(tang|giam|chenh lech|thay doi)\b.*\bso voi\b")


@dataclass(frozen=True)
class TableRow:
    """One row of a retrieved table chunk and where it came from."""

    label: str
    cells: tuple[str, ...]
    header: tuple[str, ...]
    source_number: int
    line: str
    title: str = ""


@dataclass(frozen=True)
class CellAnswer:
    """The cell chosen for a question, and how sure the choice is."""

    row: TableRow
    column: int  # index into row.cells / row.header
    value: str
    named_column: bool  # the question named the column (else: the first figure column)
    label_share: float
    column_score: float = 0.0
    also: tuple[int, ...] = ()  # other columns that fit the question as well


def _folded_words(text: str) -> list[str]:
    return [fold_diacritics(w) for w in syllables(text)]


def _label_words(label: str) -> list[str]:
    """The label's content words, compared like the question's: folded, without the
    little words ("và", "các", "của") that the question's side drops too."""
    clean = _LABEL_NOISE.sub(" ", label)
    return [w for w in _folded_words(clean) if not w.isdigit() and w not in QUESTION_WORDS]


def is_figure(cell: str) -> bool:
    """Whether a table cell holds a figure (4+ digits, see ``_FIGURE``), well grouped or not.

    Not :func:`ingest.layout.is_figure` (which qa may not import): that one also takes an en
    dash for a minus and a space before the closing bracket, and refuses "(-1.234)", which
    this one takes. Making them one would change which cells are figures, so they stay two
    (they agree on every cell of the shared Markdown reports' tables: the forms they part on
    are the ones page layouts and OCR print).
    """
    text = cell.strip()
    return bool(_FIGURE.match(text)) and sum(ch.isdigit() for ch in text) >= 4


_WELL_FORMED = re.compile(
    r"^\(?-?\s*(?:\d+(?:[.,]\d{1,2})?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?: \d{3})+)\s*\)?$"
)


def well_formed(figure: str) -> bool:
    """Digits grouped by threes with one separator throughout, or not grouped at all.

    OCR drops and doubles dots ("3.71143474500232" for 3.711.347.500.232): a figure whose
    groups are broken cannot be trusted digit for digit, and a wrong figure stated as an
    answer is the worst answer there is.

    Not :func:`hoidap.vietnamese.parse_figure` (an unbroken figure): that one reads a
    statement line's integer, so it refuses a ratio's decimals ("46,08", "10.712,36") and a
    figure whose opening bracket OCR lost ("1 460 346 262)"), which a cell stated as it is
    may hold: 34 cells of the shared reports' tables are judged differently by the two.
    """
    return bool(_WELL_FORMED.match(" ".join(figure.split())))


_GROUPS = re.compile(r"^(\(?-?\s*)(\d{1,3})((?:[.,]\d+)+)(\s*\)?)$")


def regrouped(figure: str, row: tuple[str, ...] = ()) -> str | None:
    """A figure whose only fault is a lost separator, with it put back; else ``None``.

    OCR reading "3.096.088.533.277" often drops a dot ("3.096.088.533277"): every group
    after the first then still holds a multiple of three digits, so no digit is lost and
    the separator's place is certain. A run that could also be two cells glued together
    ("100.451372.183.676.511") is refused: the figure may not have more digits than the
    longest well-formed figure of its row. (:func:`hoidap.vietnamese.parse_figure` reads a
    broken figure's digits whatever broke it, for a statement identity to confirm; a cell
    stated alone has no identity to check it, so only a certainly lost separator is put back.)

    Args:
        row: the row's cells, to compare the figure's length with its neighbours'.
    """
    match = _GROUPS.match(" ".join(figure.split()))
    if match is None:
        return None
    opening, first, rest, closing = match.groups()
    separator = rest[0]
    groups = rest[1:].split(separator)
    if any(ch in "".join(groups) for ch in ".,") or any(len(g) % 3 for g in groups):
        return None
    digits = first + "".join(groups)
    neighbours = [
        sum(ch.isdigit() for ch in cell) for cell in row if is_figure(cell) and well_formed(cell)
    ]
    if not neighbours or len(digits) > max(neighbours):
        return None
    triples = [digits[max(0, i - 3) : i] for i in range(len(digits), 0, -3)][::-1]
    return f"{opening}{separator.join(triples)}{closing}"


def table_rows(sources: list[Source]) -> list[TableRow]:
    """The rows of every retrieved table chunk, in retrieval order, read from the rows ingest
    stored as data (:attr:`Source.table`); a passage without them is not a table's.

    Rows of a single cell, without a label, or repeating the header are no row to answer.
    """
    rows: list[TableRow] = []
    for number, source in enumerate(sources, start=1):
        table = source.table
        if table is None or not table.header:
            continue
        header_line = CELL_SEPARATOR.join(table.header).rstrip(" |")
        for cells in table.rows:
            line = CELL_SEPARATOR.join(cells)  # the row's line in the chunk's text
            if len(cells) < 2 or not cells[0] or line.rstrip(" |") == header_line:
                continue
            rows.append(TableRow(cells[0], cells, table.header, number, line, table.title))
    return rows


_QUARTER = re.compile(r"\bquy\s*(0?[1-4]|i{1,3}|iv)\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _quarter(folded: str) -> int | None:
    """The quarter a folded text names as "quý II" / "quý 2", or ``None``.

    Not :func:`hoidap.vietnamese.quarter_in`, which also reads "quí" and "Q2": column headers
    such as "Quí IV năm trước" or "Q2/2025" then name a quarter, which moves the column
    scores below (a change of answers, for its own commit), so this stays the narrower one.
    """
    match = _QUARTER.search(folded)
    if not match:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else _ROMAN[token]


@dataclass(frozen=True)
class _Period:
    """What a question or a column header says about time."""

    dates: frozenset[tuple[int, int, int]]
    years: frozenset[int]
    quarter: int | None
    end: bool  # "cuối quý", "cuối kỳ", "số cuối"
    start: bool  # "đầu năm", "đầu kỳ"
    cumulative: bool  # "lũy kế", "6 tháng", "sáu tháng", "giai đoạn"
    this_year: bool  # "năm nay"
    last_year: bool  # "năm trước"

    @classmethod
    def of(cls, text: str) -> _Period:
        folded = fold(text)
        return cls(
            frozenset((d.day, d.month, d.year) for d in dates_in(folded)),
            frozenset(years_in(folded)),
            _quarter(folded),
            bool(re.search(r"\bcuoi (quy|ky|nam|giai doan)|\bso cuoi", folded)),
            bool(re.search(r"(?<!thang )\bdau (nam|ky|quy)|\bso dau", folded)),
            bool(re.search(r"luy ke|6 thang|sau thang|giai doan|tu dau nam", folded)),
            "nam nay" in folded,
            "nam truoc" in folded,
        )

    @property
    def empty(self) -> bool:
        return not (
            self.dates or self.years or self.quarter or self.end or self.start or self.cumulative
        )


def _column_score(question: _Period, header: _Period, report_year: int | None) -> float:
    """How well a column header fits the period a question names (higher is better)."""
    score = 0.0
    if question.dates:
        if question.dates & header.dates:
            score += 4
        elif header.dates:
            score -= 2
    header_years = set(header.years) | {d[2] for d in header.dates}
    if report_year is not None:
        if header.this_year:
            header_years.add(report_year)
        if header.last_year:
            header_years.add(report_year - 1)
    if question.years:
        if header_years & question.years:
            score += 2
        elif header_years:
            score -= 3
    if question.end and (header.end or (header.dates and not header.start)):
        score += 2
    # "tại ngày 30/6/2025" asks for the end of the period unless it is a 1 January
    ends = [d for d in question.dates if d[:2] != (1, 1)]
    if ends and not question.end and header.end:
        score += 2
    if any(d[:2] == (1, 1) for d in question.dates) and header.start:
        score += 3
    if question.start:
        if header.start or any(d[:2] == (1, 1) for d in header.dates):
            score += 3
        else:
            score -= 1
    if question.end and (header.start or any(d[:2] == (1, 1) for d in header.dates)):
        score -= 2
    if question.cumulative:
        score += 3 if header.cumulative else -2
    elif question.quarter is not None and header.cumulative:
        score -= 2
    if question.quarter is not None and header.quarter is not None and not header.cumulative:
        score += 1 if header.quarter == question.quarter else -1
    return score


def _report_year(rows: list[TableRow]) -> int | None:
    """The year of the report: "Năm nay" in a header means it (the title or headers say)."""
    years = [y for row in rows for cell in (*row.header, row.title) for y in _Period.of(cell).years]
    years += [d[2] for row in rows for cell in row.header for d in _Period.of(cell).dates]
    return max(years) if years else None


def _row_score(question_words: set[str], label: list[str]) -> tuple[float, int]:
    if not label:
        return 0.0, 0
    hits = sum(1 for w in label if w in question_words)
    return hits / len(label), hits


def find_cell(
    question: str, sources: list[Source], kind: AnswerType | None = None
) -> CellAnswer | None:
    """The cell a question asks for, when a retrieved table row is clearly its subject.

    A row is taken only when nearly all of its label's words are in the question (at least
    two of them): "Hàng tồn kho" for "Hàng tồn kho của Vinamilk tại ngày 30/6/2025", never
    "Dự phòng giảm giá hàng tồn kho". Among rows that fit, the longest label wins.
    """
    folded_question = fold(question)
    kind = kind or classify(question)
    if _CHANGE.search(folded_question) or kind.kind not in _FIGURE_KINDS:
        return None  # "vì sao…", "ai…", "khi nào…": not a cell; a change: two cells
    rows = table_rows(sources)
    if not rows:
        return None
    words = set(_folded_words(question)) - QUESTION_WORDS
    asked = _Period.of(question)
    best: tuple[tuple[float, ...], CellAnswer] | None = None
    unfit: TableRow | None = None
    for order, row in enumerate(rows):
        label = _label_words(row.label)
        share, hits = _row_score(words, label)
        if share < 0.85 or hits < min(2, len(label)) or set(label) <= _GENERIC_LABEL:
            continue
        if not any(is_figure(c) for c in row.cells[1:]):
            continue
        cell = _choose_column(row, asked, share)
        if cell is None:
            unfit = unfit or row
            continue
        fit = cell.column_score if cell.named_column else 0.0
        key = (share, hits, fit, -order)
        if best is None or key > best[0]:
            best = (key, cell)
    if best is not None:
        return best[1]
    if unfit is not None:  # the row is there, the period asked is not: say so, guess nothing
        return CellAnswer(unfit, -1, "", True, 1.0)
    return None


def _choose_column(row: TableRow, asked: _Period, share: float) -> CellAnswer | None:
    """The row's cell for the period asked; ``None`` when it asks one no column fits.

    A question that names a period ("quý II", "đầu năm", "30/6/2025") gets a cell only from
    a column whose header (or, when the header says nothing of it, the table's title) fits
    it; several columns fitting equally well are all given, each with its header.
    """
    year = _report_year([row])
    title = _Period.of(row.title)
    value_columns = [
        i for i in range(1, max(len(row.header), len(row.cells))) if _is_value_column(row, i)
    ]
    figure_columns = [i for i in value_columns if i < len(row.cells) and is_figure(row.cells[i])]
    if not figure_columns:
        return None
    if asked.empty:
        first = figure_columns[0]
        return CellAnswer(row, first, row.cells[first], False, share, 0.0, ())
    scored = []
    for i in value_columns:
        period = _Period.of(_header(row, i))
        if not period.cumulative and period.quarter is None and title.cumulative != bool(
            title.quarter
        ):
            period = replace(period, cumulative=title.cumulative, quarter=title.quarter)
        scored.append((_column_score(asked, period, year), i))
    top = max(score for score, _ in scored)
    if top < 1:
        return None
    tied = tuple(i for score, i in scored if score == top)
    column = tied[0]
    value = row.cells[column] if column < len(row.cells) else ""
    return CellAnswer(row, column, value, True, share, top, tied[1:])


def _header(row: TableRow, index: int) -> str:
    return row.header[index] if index < len(row.header) else ""


def _is_value_column(row: TableRow, index: int) -> bool:
    """A column of figures: its header names a period or its cell holds a figure."""
    cell = row.cells[index] if index < len(row.cells) else ""
    header = _Period.of(_header(row, index))
    return is_figure(cell) or not header.empty


def _column_name(row: TableRow, column: int) -> str:
    name = _header(row, column).strip()
    return name or f"cột {column + 1}"


def table_answer(
    question: str,
    sources: list[Source],
    candidates: list[Source] | None = None,
    *,
    kind: AnswerType | None = None,
) -> Answer | None:
    """An :class:`Answer` quoting one cell, an abstention for a row without that figure,
    or ``None`` when no retrieved table row is the question's subject.

    Args:
        candidates: table passages ranked below ``sources``; one that holds the asked row is
            added to the answer's sources (and cited by its number there).
        kind: what the question asks for, when the chain has read it already.
    """
    kind = kind or classify(question)
    found = find_cell(question, sources, kind)
    if found is None and candidates:
        found = find_cell(question, [*sources, *candidates], kind)
        if found is not None:
            extra = candidates[found.row.source_number - len(sources) - 1]
            sources = [*sources, extra]
            row = replace(found.row, source_number=len(sources))
            found = replace(found, row=row)
    if found is None:
        return None
    row = found.row
    label = " ".join(_LABEL_NOISE.sub(" ", row.label).split()) or row.label
    note: str | None = None
    if found.column < 0:
        note = (
            f"Bảng có dòng '{label}' nhưng không có cột nào khớp kỳ được hỏi "
            "(the table has the row, but no column for the period asked)."
        )
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive", note=note)
    column = _column_name(row, found.column)
    value = found.value
    repaired = None if well_formed(value) else regrouped(value, row.cells)
    if repaired is not None:
        value = repaired
    elif is_figure(value) and not well_formed(value):
        note = (
            f"Ô số liệu '{found.value}' (dòng '{label}', cột '{column}') bị đọc sai khi nhận dạng "
            "chữ, không dùng; hãy xem trang gốc "
            "(the figure was misread by OCR — its digit groups are broken; check the page)."
        )
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive", note=note)
    if not is_figure(found.value):
        note = (
            f"Dòng '{label}' không có số liệu ở cột '{column}' "
            f"(the row has no figure in that column)."
        )
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive", note=note)
    text = f"{label} — {column}: {value} [{row.source_number}]"
    notes: list[str] = []
    if repaired is not None:
        notes.append(
            f"Ô số liệu đọc được là '{found.value}'; dấu phân cách bị mất khi nhận dạng chữ "
            f"đã được đặt lại: {value} (OCR lost a separator in '{found.value}'; the digits "
            "are as read)."
        )
    tied = [i for i in found.also if _shown(row, i) is not None]
    if tied:
        text += " (" + "; ".join(f"{_column_name(row, i)}: {_shown(row, i)}" for i in tied) + ")"
        notes.append(
            "Nhiều cột khớp câu hỏi như nhau; hãy xem tiêu đề cột "
            "(several columns fit the question equally: check the column headers)."
        )
    if not found.named_column:
        others = [
            f"{_column_name(row, i)}: {_shown(row, i)}"
            for i in range(1, len(row.cells))
            if i != found.column and _shown(row, i) is not None
        ]
        if others:
            text += " (" + "; ".join(others) + ")"
        notes.append(
            "Câu hỏi không nêu cột nào; đây là cột số liệu đầu tiên của bảng "
            "(the question names no column: the first figure column is given)."
        )
    return Answer(
        text,
        False,
        sources,
        question,
        "extractive",
        quotes=[row.line],
        note=" ".join(notes) or None,
    )


def _shown(row: TableRow, index: int) -> str | None:
    """A cell fit to be stated beside the answer: a well-formed figure, or one whose lost
    separator was put back; a figure OCR broke is left out rather than stated."""
    cell = row.cells[index] if index < len(row.cells) else ""
    if not is_figure(cell):
        return None
    return cell if well_formed(cell) else regrouped(cell, row.cells)
