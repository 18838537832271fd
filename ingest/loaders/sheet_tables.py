"""A spreadsheet's grid of cells as paragraphs and tables, the way a reader sees the sheet.

A statement exported to Excel is a few text lines (company, "BẢNG CÂN ĐỐI KẾ TOÁN", "Tại
ngày 31/12/2024", "Đơn vị tính: VND"), then a header row of mostly text over rows of
figures, then signatures. The text lines become a paragraph block and the nearest title-like
one the table's title, so every chunk of the table says which statement its figures are
from. A table runs until a blank row that is not followed by more figures.

Merged header cells ("Số liệu" over "31/12/2024 | 01/01/2024") give their text to every
column they cover, so each column's header names both; merged cells below the header are
not copied, a figure is never repeated.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ingest.document import Block, Table, table_block
from ingest.loaders.base import MAX_TITLE
from ingest.loaders.xlsx_values import NUMBER

Cell = tuple[str, str]  # (text, kind): see ingest.loaders.xlsx_values.cell_text
Row = dict[int, Cell]  # column (1-based) → a non-empty cell
# the lines under a header row in which a figure row must appear for it to be a header
_HEADER_REACH = 4
_MAX_HEADER_ROWS = 3
# merge checks and fills per sheet: a statement has dozens, a hostile sheet millions
_MERGE_WORK = 1_000_000
_UNIT_PREFIXES = ("đơn vị", "đvt", "dvt", "don vi")


@dataclass(frozen=True)
class Merge:
    """A merged range, inclusive, 1-based: its text is in the top-left cell."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def covers(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col


def _has_figures(row: Row) -> bool:
    return any(kind == NUMBER for _, kind in row.values())


def _is_header_like(row: Row) -> bool:
    """Two or more cells, more of them text or dates than numbers ("Năm 2024" as 2024)."""
    numbers = sum(kind == NUMBER for _, kind in row.values())
    return len(row) >= 2 and numbers * 2 < len(row)


def _line(row: Row) -> str:
    return " | ".join(row[col][0] for col in sorted(row))


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _title(lines: list[str], fallback: str) -> str:
    """The nearest line above the table that reads as a title: upper case ("BẢNG CÂN ĐỐI KẾ
    TOÁN") first, else the nearest short line that is not the unit, else ``fallback``."""
    short = [line for line in reversed(lines) if len(line) < MAX_TITLE]
    for line in short:
        if _is_upper(line):
            return line
    for line in short:
        if not line.lower().startswith(_UNIT_PREFIXES):
            return line
    return fallback


class _Sheet:
    """Walks a sheet's non-empty rows (in row order) into blocks."""

    def __init__(self, name: str, rows: list[tuple[int, Row]], merges: list[Merge]) -> None:
        self.name = name
        self.rows = rows
        self.by_index = dict(rows)
        self.merges = merges
        self.columns = sorted({col for _, row in rows for col in row})
        self.merge_work = _MERGE_WORK
        self.blocks: list[Block] = []
        self.lines: list[str] = []

    def contiguous(self, a: int, b: int) -> bool:
        """Whether list positions ``a`` and ``b`` are adjacent sheet rows (no blank between)."""
        return self.rows[b][0] == self.rows[a][0] + 1

    def figures_follow(self, start: int) -> int | None:
        """The position of the first figure row right under ``start``, if one is near."""
        for at in range(start + 1, min(start + 1 + _HEADER_REACH, len(self.rows))):
            if not self.contiguous(at - 1, at):
                return None
            if _has_figures(self.rows[at][1]):
                return at
        return None

    def flush_lines(self) -> None:
        if self.lines:
            self.blocks.append(Block("\n".join(self.lines), heading=self.name or None))
            self.lines = []

    def walk(self) -> list[Block]:
        at = 0
        while at < len(self.rows):
            row = self.rows[at][1]
            if _has_figures(row):
                at = self.table(at, [], at)
                continue
            first_figures = self.figures_follow(at) if _is_header_like(row) else None
            if first_figures is None:
                self.lines.append(_line(row))
                at += 1
                continue
            label = min(row)
            header = [at]
            for later in range(at + 1, first_figures):
                cells = self.rows[later][1]
                if len(header) < _MAX_HEADER_ROWS and any(col != label for col in cells):
                    header.append(later)
                else:
                    break
            at = self.table(at, header, header[-1] + 1)
        self.flush_lines()
        return self.blocks

    def table(self, start: int, header: list[int], body_start: int) -> int:
        """Read the table whose header rows are ``header`` (positions); returns the position
        after its last row."""
        end = body_start
        while end < len(self.rows):
            gap = end > start and not self.contiguous(end - 1, end)
            if gap and not _has_figures(self.rows[end][1]):
                break
            end += 1
        header_rows = [self.rows[p] for p in header]
        body = [self.rows[p][1] for p in range(body_start, end)]
        filled = [self.filled(index, row) for index, row in header_rows]
        used: set[int] = set()
        for texts in filled:
            used.update(texts)
        for row in body:
            used.update(row)
        columns = sorted(used)
        title = _title(self.lines, self.name)
        head = tuple(self.header_text([row.get(col, "") for row in filled]) for col in columns)
        cells = tuple(tuple(row[col][0] if col in row else "" for col in columns) for row in body)
        self.flush_lines()
        self.blocks.append(table_block(Table(title, head, cells), heading=self.name or None))
        return end

    def filled(self, index: int, row: Row) -> dict[int, str]:
        """A header row's texts, with merged cells' text in every column they cover.

        Only the sheet's columns are filled (a merge claiming A:XFD adds no 16,384 cells),
        and the work is bounded: a sheet of 10⁶ merges and tables is read without them.
        """
        texts = {col: text for col, (text, _) in row.items()}
        for merge in self.merges:
            self.merge_work -= 1
            if self.merge_work < 0:
                break
            if not merge.min_row <= index <= merge.max_row:
                continue
            anchor = self.by_index.get(merge.min_row, {}).get(merge.min_col)
            if anchor is None:
                continue
            low = bisect.bisect_left(self.columns, merge.min_col)
            high = bisect.bisect_right(self.columns, merge.max_col)
            self.merge_work -= high - low
            for col in self.columns[low:high]:
                texts.setdefault(col, anchor[0])
        return texts

    @staticmethod
    def header_text(parts: list[str]) -> str:
        """One column's header rows as one text; a vertically merged "Chỉ tiêu" once."""
        kept: list[str] = []
        for part in parts:
            if part and (not kept or kept[-1] != part):
                kept.append(part)
        return " ".join(kept)


def sheet_blocks(name: str, rows: list[tuple[int, Row]], merges: list[Merge]) -> list[Block]:
    """A sheet's blocks: text lines as paragraphs, tables as :class:`Table` blocks, all under
    the sheet's name as their heading."""
    return _Sheet(name, rows, merges).walk()
