"""Plain text and Markdown: paragraphs, ``#`` headings, and pipe tables kept as tables.

A Markdown table is the one place a text file says which figure belongs to which column;
it becomes a :class:`~ingest.document.Table` (title from the paragraph or heading just
above it), so its rows are chunked with their header like a PDF's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ingest.document import Block, LoadedDocument, Table, table_block
from ingest.loaders.base import MAX_TITLE, LoadOptions, empty
from ingest.loaders.text import decode_text

# linear: "# a" followed by thousands of " \t" and an "x" made the old one-regex heading
# backtrack quadratically (1 MB: 1.5 hours); the closing #s are cut with string methods
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


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


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [cell.strip() for cell in body.split("|")]


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


def load_md(data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
    """Paragraphs with ``#`` headings as section headings; fenced code never holds a heading."""
    text = decode_text(data, path.name)
    blocks: list[Block] = []
    heading: str | None = None
    title: str | None = None
    first_heading: str | None = None
    lines: list[str] = []
    in_fence = False
    raw_lines = text.split("\n")

    def flush() -> None:
        paragraph = "\n".join(lines).strip("\n")
        if paragraph.strip():
            blocks.append(Block(paragraph, heading=heading))
        lines.clear()

    i = 0
    while i < len(raw_lines):
        line = raw_lines[i].rstrip()
        i += 1
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            lines.append(line)
            continue
        if in_fence:
            lines.append(line)
            continue
        if "|" in line and i < len(raw_lines) and _TABLE_RULE.match(raw_lines[i]):
            header = _cells(line)
            rows: list[tuple[str, ...]] = []
            i += 1
            while i < len(raw_lines) and "|" in raw_lines[i] and raw_lines[i].strip():
                cells = _cells(raw_lines[i])
                cells = (cells + [""] * len(header))[: max(len(header), 1)]
                rows.append(tuple(cells))
                i += 1
            flush()
            previous = blocks[-1] if blocks else None
            above = ""
            if previous is not None and previous.table is None and previous.text != heading:
                above = previous.text.strip().split("\n")[-1]
            caption = above if above and len(above) < MAX_TITLE else (heading or "")
            if rows:
                table = Table(caption, tuple(header), tuple(rows))
                blocks.append(table_block(table, heading=heading))
            continue
        found = _heading(line)
        if found:
            flush()
            level, heading = found
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
