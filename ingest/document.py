"""What a loader hands to the chunker: a document as titled blocks of normalized text."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hoidap.errors import UserError

CELL_SEPARATOR = " | "


class LoaderError(UserError):
    """A file that cannot be read as a document; the message is shown to the user as is."""


@dataclass(frozen=True)
class Table:
    """A table as data: a title, one header text per column, and rows of as many cells.

    Reports are tables of figures; a row read as one cell per line loses which figure is
    which. Kept as data until chunking, a table becomes one line per row, and every chunk of
    it starts with its title and header, so a row can be read (and answered) on its own.
    Column 0 is the row label; empty cells are ``""``.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def mapped(self, change: Callable[[str], str]) -> Table:
        """The same table with ``change`` applied to its title and every cell."""
        return Table(
            change(self.title),
            tuple(change(c) for c in self.header),
            tuple(tuple(change(c) for c in row) for row in self.rows),
        )

    def row_lines(self) -> list[str]:
        return [render_cells(row) for row in self.rows]

    def held(self, numbers: Sequence[int]) -> ChunkTable:
        """The rows ``numbers`` (indices into :attr:`rows`) of this table, as one chunk holds
        them: with the title and header, and each row's cells as its line shows them."""
        return ChunkTable(
            self.title,
            self.header,
            tuple(shown_cells(self.rows[n]) for n in numbers),
            tuple(numbers),
        )

    def header_line(self) -> str:
        return render_cells(self.header)

    def prefix(self) -> str:
        """What starts every chunk of this table: its title and its header row."""
        lines = [self.title] if self.title else []
        if any(self.header):
            lines.append(self.header_line())
        return "\n".join(lines)


def shown_cells(cells: Sequence[str]) -> tuple[str, ...]:
    """A row's cells as its line shows them; a "|" inside a cell would shift every later
    column, so it becomes "/", and runs of spaces become one.

    Empty cells keep their place (``a |  | b``) so columns stay countable from the left;
    trailing empty cells are dropped.
    """
    texts = [" ".join(c.replace("|", "/").split()) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def render_cells(cells: Sequence[str]) -> str:
    """One row as one line: its :func:`shown_cells` with :data:`CELL_SEPARATOR` between."""
    return CELL_SEPARATOR.join(shown_cells(cells))


@dataclass(frozen=True)
class ChunkTable:
    """The rows of a table that one chunk holds, as data: what an answerer reads a cell from.

    A chunk's text is for the embedder, BM25 and the reader; a cell read back out of that
    text by splitting on " | " depends on how the text was laid out. So ingest stores these
    rows beside the text, in the chunk's metadata (:meth:`to_json`: the vector store keeps
    only scalar values), and the retriever hands them to the answerers as they were.

    ``rows`` are each row's :func:`shown_cells` (so a row's line is
    ``CELL_SEPARATOR.join(cells)``, as it stands in the chunk's text); ``numbers`` are the
    rows' indices in the whole table; ``header`` is the table's, as the loader read it.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numbers: tuple[int, ...] = ()

    def to_json(self) -> str:
        """The compact JSON text kept in a chunk's metadata under ``"table"``."""
        data = {
            "title": self.title,
            "header": list(self.header),
            "rows": [list(row) for row in self.rows],
            "numbers": list(self.numbers),
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: object) -> ChunkTable | None:
        """The rows :meth:`to_json` wrote; ``None`` for anything else (a text chunk's ``""``,
        or a chunk of an index written before tables were stored as data)."""
        if not isinstance(raw, str) or not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        header, rows, numbers = data.get("header"), data.get("rows"), data.get("numbers", [])
        if not (isinstance(header, list) and isinstance(rows, list) and isinstance(numbers, list)):
            return None
        if not all(isinstance(row, list) for row in rows):
            return None
        return cls(
            str(data.get("title") or ""),
            tuple(str(c) for c in header),
            tuple(tuple(str(c) for c in row) for row in rows),
            tuple(int(n) for n in numbers if isinstance(n, int)),
        )


@dataclass(frozen=True)
class Block:
    """A run of text that shares one page and one section heading.

    Loaders keep pages and headings apart so that a chunk never mixes two pages and each
    chunk can carry the heading it sits under (it helps retrieval and shows in sources).
    A block that holds a table has ``table`` set and its header and rows, one per line,
    as ``text``.
    """

    text: str
    page: int | None = None
    heading: str | None = None
    table: Table | None = None


def table_block(table: Table, *, page: int | None = None, heading: str | None = None) -> Block:
    """A block whose text is the header row and the rows, one line each."""
    lines = ([table.header_line()] if any(table.header) else []) + table.row_lines()
    return Block("\n".join(lines), page=page, heading=heading, table=table)


@dataclass(frozen=True)
class LoadedDocument:
    """A file as text: its title and its blocks in reading order.

    ``notes`` are what the user should know about how the file was read (pages recognized
    by OCR, pages that failed); ``page_count`` is the file's own count, when it has pages.
    """

    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page_count: int | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def pages(self) -> int | None:
        if self.page_count:
            return self.page_count
        numbered = [b.page for b in self.blocks if b.page is not None]
        return max(numbered) if numbered else None
