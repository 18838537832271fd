"""Rebuild lines, paragraphs and tables of a page from positioned words.

A PDF text layer and an OCR engine both give words with boxes, not rows of a table. Read
in stream order, a financial statement comes out one cell per line, and "Hàng tồn kho"
ends up apart from its figures. Here words are grouped into lines by their vertical
position, a line into cells where the gap between words is much wider than a space, and
runs of lines holding figures into a :class:`~ingest.document.Table` whose columns come
from where the figures sit, with the header words above them assigned to those columns.
One module serves every source of boxes, so a scan and a text layer read alike.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from ingest.document import Block, Table, table_block

# a figure: grouped thousands with space, dot or comma ("4 250 318 906 112", "(22.163.690)"),
# or 4+ digits; a negative one may sit in parentheses or start with a minus
# …or OCR's take on one, whose dots slipped ("5.204318.700615"): digits and separators only
_FIGURE = re.compile(r"^[(\-–]?\s*\d[\d .,]*\d\s*\)?$")
_SMALL_INTS = re.compile(r"^(?:\d{1,2}\s*)+$")
_UNIT_LINE = re.compile(r"đơn vị tính|đvt\b|unit\s*:", re.IGNORECASE)
_PAGE_FURNITURE = re.compile(r"^(trang|page)\s*:?\s*\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class Word:
    """A word and its box, top-left origin (PDF points or image pixels: any one unit)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1e-6)


@dataclass
class Cell:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)


@dataclass
class Line:
    words: list[Word]
    cells: list[Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)

    @property
    def figures(self) -> list[Cell]:
        return [c for c in self.cells if is_figure(c.text)]

    @property
    def is_row(self) -> bool:
        """A table row: a label or code with at least one figure, or several figures."""
        count = len(self.figures)
        return (count >= 1 and len(self.cells) >= 2) or count >= 2


def is_figure(text: str) -> bool:
    """Whether a cell read off a page is a figure column's cell (4+ digits, see ``_FIGURE``).

    Not :func:`hoidap.vietnamese.parse_figure`, which refuses decimals and broken groups: here
    OCR's broken figures must still make their column. Nor quite
    :func:`qa.table_answer.is_figure`: this one takes an en dash for a minus ("–1.234") and a
    space before the closing bracket ("(1.234 )"), as page layouts print them, but not both a
    bracket and a minus ("(-1.234)"); the answerer's takes the reverse. Making them one would
    change which cells are figures at ingest or when answering, so they stay two.
    """
    text = text.strip()
    return bool(_FIGURE.match(text)) and sum(ch.isdigit() for ch in text) >= 4


def is_noise(line: Line) -> bool:
    """A line of a stamp or a signature read as text: few letters or digits, no real words.

    Over a scanned statement a red company seal and the signatures come out as lines like
    "L`N‹ | F4 | ˆ"; they must neither end a table nor become one of its rows.
    """
    from ingest.syllables import glued_rate

    text = line.text
    if line.figures:
        return False
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return True
    alnum = sum(ch.isalnum() for ch in visible) / len(visible)
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1]
    return alnum < 0.6 or (not words) or glued_rate(text) > 0.5


def group_lines(words: Iterable[Word]) -> list[Line]:
    """Words into lines: a word joins a line when its middle is within half a text height
    of the line's middle (medians, so a tall accented word or a skewed scan does not make
    one line swallow the next)."""
    lines: list[Line] = []
    mids: list[list[float]] = []
    for word in sorted(words, key=lambda w: ((w.y0 + w.y1) / 2, w.x0)):
        if not word.text.strip():
            continue
        middle = (word.y0 + word.y1) / 2
        for index in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            line = lines[index]
            centre = statistics.median(mids[index])
            if abs(middle - centre) < 0.5 * max(line.height, word.height * 0.6):
                line.words.append(word)
                mids[index].append(middle)
                break
        else:
            lines.append(Line([word]))
            mids.append([middle])
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        line.cells = split_cells(line.words)
    kept = [line for line in lines if line.cells]  # a line of stray marks only
    kept.sort(key=lambda line: line.y0)
    return kept


def split_cells(words: list[Word], gap_factor: float = 1.1) -> list[Cell]:
    """Cut a line where the gap between two words is wider than ``gap_factor`` × its height.

    A space is about a third of the text height; table columns are set far wider apart. A
    figure written with spaces ("61 402 385 917") stays one cell for that reason.
    """
    if not words:
        return []
    height = statistics.median(w.height for w in words)
    cells = [Cell([words[0]])]
    for previous, word in pairwise(words):
        if word.x0 - previous.x1 > gap_factor * height:
            cells.append(Cell([word]))
        else:
            cells[-1].words.append(word)
    return _split_glued_figures(_join_brackets(cells))


def _join_brackets(cells: list[Cell]) -> list[Cell]:
    """"(      2 367 000 000)": an opening bracket or a minus set apart belongs to the figure."""
    out: list[Cell] = []
    for cell in cells:
        if out and out[-1].text in ("(", "-", "–", "(-"):
            out[-1].words.extend(cell.words)
        else:
            out.append(cell)
    return out


_JUNK = re.compile(r"^[\W_]{1,2}$")  # a lone dash, bar or bracket an OCR engine reads in a gap
_DIGITS = re.compile(r"\(?-?\d[\d.,]{4,}\d\)?")  # a figure, well grouped or not (OCR)


def _split_glued_figures(cells: list[Cell]) -> list[Cell]:
    """A label glued to its code ("Tiền 111") is fine; two figures in one cell are not.

    "6.318.402.775.109 — 5.270.913.046.388" set closer than the gap factor (or with a
    dash read between them) would read as one figure: a cell whose tokens, less lone
    punctuation, are each a figure in digits and separators becomes one cell per figure.
    """
    out: list[Cell] = []
    for cell in cells:
        kept = [w for w in cell.words if not _JUNK.match(w.text)]
        if not kept:
            continue
        if len(kept) > 1 and all(_DIGITS.fullmatch(w.text) for w in kept):
            out.extend(Cell([w]) for w in kept)
        else:
            out.append(Cell(kept))
    return out


# ------------------------------------------------------------------------------ tables


@dataclass
class _Column:
    x0: float
    x1: float


def _columns(rows: list[Line]) -> list[_Column]:
    """Columns of the cells right of the label, by overlapping x-ranges across rows.

    Figures make the columns; a short non-figure cell (a note's code "V.4") makes one only
    where no figure column is: a seal's mark or a stray word read over two figure columns
    ("nem" across the six-month columns of a scanned statement) must not merge them. A
    column held up by one or two rows only (a stamp's mark, a stray word) is no column:
    what falls in it joins the label.
    """
    # the label column ends where most labels end: a stray mark inside it (a stamp's "0n")
    # must not become a column of its own
    edge = statistics.median(row.cells[0].x1 for row in rows) if rows else 0.0
    figures: list[tuple[float, float, int]] = []
    others: list[tuple[float, float, int]] = []
    for index, row in enumerate(rows):
        for c in row.cells[1:]:
            if c.x0 < edge:
                continue
            if is_figure(c.text):
                figures.append((c.x0, c.x1, index))
            elif len(c.text) <= 8:
                others.append((c.x0, c.x1, index))
    needed = max(2, len(rows) // 10)
    columns = _merge_spans(figures, needed)
    apart = [s for s in others if not any(_overlap(s[0], s[1], c.x0, c.x1) for c in columns)]
    return sorted([*columns, *_merge_spans(apart, needed)], key=lambda c: c.x0)


def _merge_spans(spans: list[tuple[float, float, int]], needed: int) -> list[_Column]:
    """Overlapping x-ranges as one column each; kept when ``needed`` rows hold it up."""
    columns: list[_Column] = []
    support: list[set[int]] = []
    for x0, x1, index in sorted(spans, key=lambda s: s[0]):
        if columns and x0 < columns[-1].x1:
            columns[-1].x1 = max(columns[-1].x1, x1)
            support[-1].add(index)
        else:
            columns.append(_Column(x0, x1))
            support.append({index})
    return [c for c, rows_in in zip(columns, support, strict=True) if len(rows_in) >= needed]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _place(cells: list[Cell], columns: list[_Column]) -> list[str]:
    """The row's cells in column order: the label (every cell left of the first column)
    first, then each cell in the column it overlaps most."""
    placed = [""] * (len(columns) + 1)
    if not cells:
        return placed
    first = columns[0].x0 if columns else float("inf")
    for cell in cells:
        if cell.x1 <= first + 1e-6 or not columns:
            placed[0] = f"{placed[0]} {cell.text}".strip()
            continue
        scores = [_overlap(cell.x0, cell.x1, c.x0, c.x1) for c in columns]
        best = max(range(len(columns)), key=lambda i: scores[i])
        if scores[best] <= 0:
            placed[0] = f"{placed[0]} {cell.text}".strip()
            continue
        placed[best + 1] = f"{placed[best + 1]} {cell.text}".strip()
    return placed


def _header(lines: list[Line], columns: list[_Column], values: set[int]) -> list[str]:
    """Header words put over the columns they sit above, top line first.

    A group header ("Quý 02", "Lũy kế từ đầu năm") spans the figure columns under it
    without lining up with either; each figure column takes the group cell that starts at
    or before its right edge, so both "Năm nay" columns learn which period they belong to.
    On the lowest line, a cell that runs over two columns ("Thuyết minh 30/6/2025" set
    close) is shared out word by word.

    Args:
        values: indexes (0-based, into ``columns``) of the columns that hold figures.
    """
    texts = [""] * (len(columns) + 1)
    if not columns:
        return texts

    def add(index: int, text: str) -> None:
        texts[index] = f"{texts[index]} {text}".strip()

    first_value = min((columns[i].x0 for i in values), default=columns[0].x0)
    for depth, line in enumerate(lines):
        lowest = depth == len(lines) - 1
        left = [c for c in line.cells if c.x1 <= columns[0].x0 + 1e-6]
        if left:
            add(0, " ".join(c.text for c in left))
        rest = [c for c in line.cells if c not in left]
        if lowest:
            for word in (w for c in rest for w in c.words):
                scores = [_overlap(word.x0, word.x1, col.x0, col.x1) for col in columns]
                middle = (word.x0 + word.x1) / 2
                best = max(
                    range(len(columns)),
                    key=lambda i: (scores[i], -abs((columns[i].x0 + columns[i].x1) / 2 - middle)),
                )
                add(best + 1, word.text)
            continue
        for i, column in enumerate(columns):
            touching = [c for c in rest if _overlap(c.x0, c.x1, column.x0, column.x1) > 0]
            if i in values:
                over = [c for c in rest if c.x0 <= column.x1 and c.x1 >= first_value]
                if over:
                    touching = [over[-1]]
            for cell in touching:
                add(i + 1, cell.text)
    return texts


def _merge_wrapped_labels(rows: list[list[str]]) -> list[list[str]]:
    """A label cut over two lines ("Dự phòng giảm giá chứng khoán" / "kinh doanh | 122 | …")
    is one row: a label-only line followed by a line whose label starts in lower case, or
    by a line of figures with no label at all (a long label set a little above its figures
    on a scan: "Lợi nhuận kế toán trước thuế (50 = 30 + 40)" / "| 50 | 2.845.117.360.904")."""
    out: list[list[str]] = []
    for row in rows:
        label_only = bool(out) and not any(out[-1][1:]) and bool(out[-1][0])
        if label_only and (
            (row[0][:1].islower() and not out[-1][0].endswith(":"))
            or (not row[0] and any(row[1:]))
        ):
            row = [f"{out[-1][0]} {row[0]}".strip(), *row[1:]]
            out[-1] = row
            continue
        out.append(row)
    return out


def _table_end(lines: list[Line], start: int) -> int:
    """The last line of the table whose first row is ``lines[start]``.

    A table goes on over rows, rows without figures (a label and its code) and short
    label-only lines (a section name, a wrapped label); a long one-cell line (a paragraph)
    or column numbers end it.
    """
    end = start
    j = start
    while j < len(lines):
        line = lines[j]
        if is_noise(line):
            j += 1
            continue
        if len(line.text) > 160 or (not line.is_row and len(line.text) >= 80):
            break  # a paragraph (or the scanned signatures under a statement)
        if line.is_row or len(line.cells) >= 2:
            end = j
        elif _SMALL_INTS.match(line.text):
            break
        j += 1
    return end


def _table_top(
    lines: list[Line], start: int, columns: list[_Column], used: list[bool]
) -> tuple[int, list[Line], list[Line]]:
    """Lines above a table's first row: label-only rows, then the header (words over the
    columns), skipping a line of column numbers; returns the first index used."""
    labels: list[Line] = []
    header: list[Line] = []
    k = start - 1
    below = lines[start]
    while k >= 0 and not used[k] and len(header) < 5:
        line = lines[k]
        if below.y0 - line.y1 > 3 * max(line.height, below.height):
            break
        if _SMALL_INTS.match(line.text):
            below = line
            k -= 1
            continue
        over_columns = any(c.x1 > columns[0].x0 for c in line.cells) if columns else False
        if line.is_row or line.figures or _UNIT_LINE.search(line.text):
            break  # "Đơn vị tính: Đồng" belongs to the title, over the header
        widest = max((c.x1 - c.x0 for c in columns), default=0.0)
        if over_columns and (
            any(len(c.text) > 45 for c in line.cells)
            or (len(line.cells) == 1 and line.cells[0].x1 - line.cells[0].x0 > 1.6 * widest)
        ):
            break  # a sentence over the columns is the table's title, not a column's name
        if over_columns:
            header.insert(0, line)
        elif not header and len(line.text) < 80:
            labels.insert(0, line)
        else:
            break
        below = line
        k -= 1
    return k + 1, header, labels


# "(Ban hành theo Thông tư số 202/2014/TT-BTC ngày 22 tháng 12 năm 2014 của Bộ Tài chính)":
# the form's legal reference printed over every statement page; its date is no period
_FORM_NOTE = re.compile(r"^\(?\s*(?:ban hành (?:kèm )?theo|issued (?:with|under))\b", re.IGNORECASE)


def _title_lines(lines: list[Line], top: int, used: list[bool]) -> tuple[list[str], int]:
    """Up to four lines above a table's header: its name, period, date and unit.

    The form's legal reference ("(Ban hành theo Thông tư số … ngày 22 tháng 12 năm 2014 …)",
    over one or two lines) is left out: it would crowd out the company's name, and its date
    would read as the table's period.

    Returns:
        The title's lines and the index of the first line it took.
    """
    found: list[str] = []
    k = top - 1
    first = top
    while k >= 0 and len(found) < 4 and not used[k]:
        line = lines[k]
        if line.is_row:
            break
        texts = [c.text for c in line.cells if not _PAGE_FURNITURE.match(c.text.strip())]
        text = " ".join(t for t in texts if len(t.strip()) > 2)
        if text.rstrip().endswith(")") and "(" not in text and k > 0:
            opening = " ".join(c.text for c in lines[k - 1].cells)
            if _FORM_NOTE.match(opening.strip()):
                k -= 2  # the reference's second line, then its first
                first = k + 1
                continue
        if _FORM_NOTE.match(text.strip()):
            text = ""
        if text:
            found.insert(0, text)
        first = k
        k -= 1
    return found, first


def lines_to_blocks(
    lines: list[Line], *, page: int | None, previous: Table | None = None
) -> tuple[list[Block], Table | None]:
    """Paragraph and table blocks of one page, in reading order, and the page's last table.

    A table continued (on this page after a break, or on the next page) without a title or
    a header of its own takes those of the table before it, when it has as many columns.

    Returns:
        The blocks and the last table, for the next page to continue.
    """
    used = [False] * len(lines)
    found: list[tuple[int, Block]] = []
    title_carry = previous.title if previous is not None else ""
    i = 0
    while i < len(lines):
        if used[i] or not lines[i].is_row:
            i += 1
            continue
        end = _table_end(lines, i)
        body = [line for line in lines[i : end + 1] if not is_noise(line)]
        if sum(line.is_row for line in body) < 2:
            i = end + 1
            continue
        columns = _columns([line for line in body if len(line.cells) >= 2])
        top, header_lines, label_lines = _table_top(lines, i, columns, used)
        title_lines, title_top = _title_lines(lines, top, used)
        rows = [_place(line.cells, columns) for line in [*label_lines, *body]]
        values = {c - 1 for c in range(1, len(columns) + 1) if any(is_figure(r[c]) for r in rows)}
        cells = _merge_wrapped_labels(rows)
        title = " — ".join(title_lines)
        if len(title.split()) < 4 and title_carry:
            title = f"{title_carry} — {title}" if title else title_carry
        title_carry = title
        for index in range(title_top, end + 1):
            used[max(index, 0)] = True
        header = tuple(_header(header_lines, columns, values))
        if not any(header[1:]) and previous is not None and len(previous.header) == len(header):
            header = previous.header
        table = Table(title, header, tuple(map(tuple, cells)))
        previous = table
        found.append((top, table_block(table, page=page)))
        i = end + 1
    paragraph: list[Line] = []
    first = 0

    def flush() -> None:
        if paragraph:
            text = reflow([line.text for line in paragraph])
            if text.strip():
                found.append((first, Block(text, page=page)))
            paragraph.clear()

    for index, line in enumerate(lines):
        if used[index]:
            flush()
            continue
        if paragraph and (
            line.y0 - paragraph[-1].y1 > 1.2 * paragraph[-1].height or len(line.cells) > 1
        ):
            flush()
        if not paragraph:
            first = index
        paragraph.append(line)
        if len(line.cells) > 1:
            flush()
    flush()
    found.sort(key=lambda item: item[0])
    return [block for _, block in found], previous


_LIST_START = re.compile(r"^(?:[-–•+*▪●◦]\s|\(?\d{1,3}[.)]\s|\(?[a-zđ][.)]\s)")


def reflow(lines: list[str]) -> str:
    """Join the visual lines of a paragraph into running text.

    A page breaks lines where the page ends, not where sentences do, and the chunker treats a
    line break as a sentence end; so lines are joined with a space, except before a list item
    (kept on its own line) and after a trailing hyphen ("2021-" + "2025").
    """
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if not out:
            out = line
        elif _LIST_START.match(line):
            out += "\n" + line
        elif out.endswith("-"):
            out += line
        else:
            out += " " + line
    return out


def words_to_blocks(
    words: Iterable[Word], *, page: int | None, previous: Table | None = None
) -> tuple[list[Block], Table | None]:
    """A page's words as paragraph and table blocks (see :func:`lines_to_blocks`)."""
    return lines_to_blocks(group_lines(words), page=page, previous=previous)
