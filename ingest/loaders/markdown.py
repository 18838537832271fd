"""Plain text and Markdown: paragraphs, ``#`` headings, and pipe tables kept as tables.

A Markdown table is the one place a text file says which figure belongs to which column;
it becomes a :class:`~ingest.document.Table` (title from the paragraph or heading just
above it), so its rows are chunked with their header like a PDF's. PDF parsers (LlamaParse
and the like) write statements as pipe tables with ``**bold**`` totals, ``<br/>`` in header
cells, ``\\*`` and ``&amp;``, which are cleaned out of the cells; and as HTML ``<table>``
blocks, which become tables too (:mod:`ingest.loaders.html_table`).

Everything here is linear in the file: lines are read one at a time (a 50 MB table is 1.7
million lines), no pattern can backtrack, and table rows and cells count against the file's
limits (``HOIDAP_INGEST_MAX_ROWS``, ``HOIDAP_INGEST_MAX_CELLS``), so a huge table fails fast.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from ingest.document import Block, LoadedDocument, Table, table_block
from ingest.loaders.base import MAX_TITLE, LoadOptions, TableBudget, empty
from ingest.loaders.html_table import CELL_TAG, ROW_TAG, html_table, precheck
from ingest.loaders.text import decode_text

# linear: "# a" followed by thousands of " \t" and an "x" made the old one-regex heading
# backtrack quadratically (1 MB: 1.5 hours); the closing #s are cut with string methods
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# a backslash before ASCII punctuation escapes it (CommonMark): "\*" is a star
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# escaped stars and underscores are kept apart from bold markers until those are gone
_KEEP = {"*": "\ue000", "_": "\ue001"}


def _paragraphs(text: str) -> Iterator[str]:
    """Paragraphs of a plain text: runs of lines between blank lines, trailing spaces cut."""
    for part in re.split(r"\n[ \t\f\v]*\n", text):
        lines = [line.rstrip() for line in part.split("\n")]
        paragraph = "\n".join(lines).strip("\n")
        if paragraph.strip():
            yield paragraph


def load_txt(data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
    text = decode_text(data, path.name)
    blocks = [Block(p) for p in _paragraphs(text)]
    if not blocks:
        raise empty(path.name)
    first_line = next(line.strip() for line in blocks[0].text.split("\n") if line.strip())
    title = first_line if len(first_line) < MAX_TITLE else path.stem
    return LoadedDocument(title=title, blocks=blocks)


def _is_rule(line: str) -> bool:
    """The ``|---|:--:|`` line under a table's header; string methods, not a pattern: the
    old ``^\\s*\\|?\\s*…`` backtracked quadratically on a line of spaces."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    if not body:
        return False
    for cell in body.split("|"):
        cell = cell.strip()
        cell = cell[1:] if cell.startswith(":") else cell
        cell = cell[:-1] if cell.endswith(":") else cell
        if len(cell) < 2 or cell.strip("-"):
            return False
    return True


def _cells(line: str) -> list[str]:
    """A table line's cells; ``\\|`` is a "|" inside a cell, not a border."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells: list[str] = []
    for piece in body.split("|"):
        if cells and cells[-1].endswith("\\"):
            cells[-1] = cells[-1][:-1] + "|" + piece
        else:
            cells.append(piece)
    return [cell.strip() for cell in cells]


def _unbold(text: str) -> str:
    """``**x**`` → ``x``, and a whole cell in ``__x__``; an unpaired ``**`` stays."""
    parts = text.split("**")
    if len(parts) >= 3:
        paired = len(parts) - 1 - (len(parts) - 1) % 2
        text = "".join(parts[: paired + 1]) + "".join("**" + p for p in parts[paired + 1 :])
    if text.startswith("__") and text.endswith("__") and text.strip("_"):
        text = text[2:-2]
    return text


def clean_cell(text: str) -> str:
    """A cell as its reader sees it: no bold markers, ``<br/>`` as a space, ``\\*`` as
    ``*``, ``&amp;`` as ``&``, whitespace collapsed."""
    if not any(mark in text for mark in "*_<\\&"):
        return " ".join(text.split())
    text = _BREAK.sub(" ", text)
    text = _ESCAPED.sub(lambda m: _KEEP.get(m.group(1), m.group(1)), text)
    text = _unbold(text.strip())
    for mark, kept in _KEEP.items():
        text = text.replace(kept, mark)
    return " ".join(html.unescape(text).split())


class _Lines:
    """A text's lines one at a time, with one line of look-ahead, without a list of them all
    (a 50 MB file split at once is 1.7 million strings beside the text)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self) -> str | None:
        if self.at > len(self.text):
            return None
        end = self.text.find("\n", self.at)
        return self.text[self.at : end if end >= 0 else len(self.text)]

    def next(self) -> str | None:
        line = self.peek()
        if line is not None:
            self.at += len(line) + 1
        return line


def _heading(line: str) -> tuple[int, str] | None:
    match = _MD_HEADING.match(line)
    if not match:
        return None
    text = match.group(2).rstrip(" \t")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare  # "## Tiêu đề ##": the closing sequence is not part of the heading
    text = text.strip()
    return (len(match.group(1)), text) if text else None


def _caption(blocks: list[Block], heading: str | None) -> str:
    """A table's title: the paragraph line just above it, else its section heading."""
    previous = blocks[-1] if blocks else None
    above = ""
    if previous is not None and previous.table is None and previous.text != heading:
        above = clean_cell(previous.text.strip().split("\n")[-1])
    return above if above and len(above) < MAX_TITLE else (heading or "")


def _pipe_table(
    header_line: str, lines: _Lines, budget: TableBudget
) -> tuple[list[str], list[str]]:
    """A pipe table's header cells and raw row lines (after its rule line), counted first and
    cleaned after, so a table past the limits fails before any cell is cleaned."""
    header = _cells(header_line)
    width = max(len(header), 1)
    budget.take(1, width)
    lines.next()  # the rule line
    raw_rows: list[str] = []
    while True:
        following = lines.peek()
        if following is None or "|" not in following or not following.strip():
            break
        budget.take(1, width)
        raw_rows.append(following)
        lines.next()
    return header, raw_rows


def _html_block(first: str, lines: _Lines, budget: TableBudget) -> str:
    """The lines of an HTML ``<table>`` block up to its closing tag (nested tables
    included), refused as soon as its tags pass the file's limits."""
    parts = [first]
    depth = 0
    rows = cells = 0
    line: str | None = first
    while line is not None:
        lowered = line.lower()
        depth += lowered.count("<table") - lowered.count("</table")
        rows += sum(1 for _ in ROW_TAG.finditer(line))
        cells += sum(1 for _ in CELL_TAG.finditer(line))
        precheck(rows, cells, budget)
        if depth <= 0:
            break
        line = lines.next()
        if line is not None:
            parts.append(line)
    return "\n".join(parts)


def load_md(data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
    """Paragraphs with ``#`` headings as section headings; fenced code never holds a heading."""
    text = decode_text(data, path.name)
    budget = TableBudget(options, path.name, "Markdown")
    blocks: list[Block] = []
    heading: str | None = None
    title: str | None = None
    first_heading: str | None = None
    lines: list[str] = []
    in_fence = False
    source = _Lines(text)

    def flush() -> None:
        paragraph = "\n".join(lines).strip("\n")
        if paragraph.strip():
            blocks.append(Block(paragraph, heading=heading))
        lines.clear()

    while (raw := source.next()) is not None:
        line = raw.rstrip()
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            lines.append(line)
            continue
        if in_fence:
            lines.append(line)
            continue
        following = source.peek()
        if "|" in line and following is not None and _is_rule(following):
            header, raw_rows = _pipe_table(line, source, budget)
            width = max(len(header), 1)
            rows = []
            for raw_row in raw_rows:
                cells = (_cells(raw_row) + [""] * len(header))[:width]
                rows.append(tuple(clean_cell(cell) for cell in cells))
            flush()
            if rows:
                head = tuple(clean_cell(cell) for cell in header)
                table = Table(_caption(blocks, heading), head, tuple(rows))
                blocks.append(table_block(table, heading=heading))
            continue
        if line.lstrip()[:6].lower() == "<table":
            fragment = _html_block(line, source, budget)
            flush()
            found = html_table(fragment, _caption(blocks, heading), budget)
            if found is not None:
                blocks.append(table_block(found, heading=heading))
            continue
        found_heading = _heading(line)
        if found_heading:
            flush()
            level, heading = found_heading
            blocks.append(Block(heading, heading=heading))
            first_heading = first_heading or heading
            if title is None and level == 1:
                title = heading
        elif not line.strip():
            flush()
        else:
            lines.append(line)
    flush()
    if not blocks:
        raise empty(path.name)
    return LoadedDocument(title=title or first_heading or path.stem, blocks=blocks)
