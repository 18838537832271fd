"""Cut a document into overlapping chunks of whole Vietnamese sentences.

A generic splitter cuts at any period, and Vietnamese reports are full of periods that end
nothing: "1.700 cán bộ", "TP. Cần Thơ", "ThS. Nguyễn", "12.3.2021". Cutting there splits a
figure from its meaning, which is exactly what a question asks for. So sentences end only at
a mark followed by a space and a capital or a line break, never after a known abbreviation,
and chunks are packed from whole sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hoidap.knowledge import text_words
from ingest.document import Block, LoadedDocument, Table

# Tokens that end with a period without ending a sentence (hoidap/data/text_words.json).
ABBREVIATIONS = text_words().abbreviations
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-ZÀ-Ỹ0-9Đ\-–•])|\n+")
_TOKEN_BEFORE = re.compile(r"(\S+)$")


@dataclass(frozen=True)
class Chunk:
    """A piece of a document with where it came from; offsets index into the document's text."""

    text: str
    start: int
    end: int
    index: int
    page: int | None
    heading: str | None
    table: Table | None = None  # the table whose rows this chunk holds (header first)
    rows: tuple[int, ...] = ()  # which of the table's rows (indices into ``table.rows``)


def _is_abbreviation(before: str) -> bool:
    match = _TOKEN_BEFORE.search(before)
    if not match:
        return False
    token = match.group(1).lstrip("(\"'“")
    if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return True
    line_start = before.rfind("\n") + 1
    # "1. Nội dung" at the head of a line numbers an item; it does not end a sentence
    return token.isdigit() and before[line_start:].strip() == token


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each sentence, trimmed of surrounding spaces, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group(0)[0] != "\n" and _is_abbreviation(text[start : match.start()]):
            continue
        end = match.end() if match.group(0)[0] != "\n" else match.start()
        spans.extend(_trimmed(text, start, end))
        start = match.end()
    spans.extend(_trimmed(text, start, len(text)))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if end > start else []


def _split_long(text: str, span: tuple[int, int], size: int) -> Iterator[tuple[int, int]]:
    """A sentence longer than a chunk is cut at spaces, so no number or word is broken."""
    start, end = span
    while end - start > size:
        cut = text.rfind(" ", start + 1, start + size)
        if cut <= start:
            cut = text.find(" ", start + size)
            if cut == -1 or cut >= end:
                break
        yield start, cut
        start = cut + 1
    yield start, end


def _segments(document: LoadedDocument) -> Iterator[tuple[int, int, Block]]:
    """Runs of consecutive text blocks that share a page and a heading, and each table block
    alone, as document offsets and the run's first block."""
    offset = 0
    current: list[int] | None = None
    first: Block | None = None
    for block in document.blocks:
        begin, finish = offset, offset + len(block.text)
        offset = finish + 2  # blocks are joined by a blank line
        same = (
            first is not None
            and block.table is None
            and first.table is None
            and (block.page, block.heading) == (first.page, first.heading)
        )
        if current is not None and same:
            current[1] = finish
            continue
        if current is not None and first is not None:
            yield current[0], current[1], first
        current, first = [begin, finish], block
    if current is not None and first is not None:
        yield current[0], current[1], first


def _table_chunks(
    text: str, start: int, block: Block, size: int, first_index: int
) -> list[Chunk]:
    """Rows of a table packed into chunks, never cut inside a row, each chunk starting with
    the table's title and header so that its rows can be read alone."""
    table = block.table
    if table is None:
        return []
    prefix = table.prefix()
    body = text[start : start + len(block.text)]
    spans: list[tuple[int, int]] = []
    row_of: dict[int, int] = {}  # a span's start → its row's index in the table
    cursor = 0
    header_line = table.header_line() if any(table.header) else None
    # the block's text is its header line (when the table has a header), then a line a row
    first_row = 1 if header_line is not None else 0
    for number, line in enumerate(body.split("\n")):
        line_start = start + cursor
        cursor += len(line) + 1
        if not line.strip() or (header_line is not None and line == header_line and not spans):
            continue
        spans.append((line_start, line_start + len(line)))
        row_of[line_start] = number - first_row
    budget = max(size - len(prefix) - 1, size // 3)
    chunks: list[Chunk] = []
    for group in _pack(spans, budget, 0):
        rows = "\n".join(text[a:b] for a, b in group)
        chunk_text = f"{prefix}\n{rows}" if prefix else rows
        chunks.append(
            Chunk(
                chunk_text,
                group[0][0],
                group[-1][1],
                first_index + len(chunks),
                block.page,
                block.heading,
                table,
                tuple(row_of[a] for a, _ in group),
            )
        )
    return chunks


def chunk_document(document: LoadedDocument, *, size: int, overlap: int) -> list[Chunk]:
    """Pack whole sentences into chunks of about ``size`` characters.

    Args:
        size: the most characters a chunk holds (a longer sentence is cut at spaces).
        overlap: how many sentences at the end of a chunk start the next one too.
    """
    text = document.text
    chunks: list[Chunk] = []
    for seg_start, seg_end, first in _segments(document):
        if first.table is not None:
            chunks.extend(_table_chunks(text, seg_start, first, size, len(chunks)))
            continue
        spans = [
            piece
            for span in sentence_spans(text[seg_start:seg_end])
            for piece in _split_long(text, (span[0] + seg_start, span[1] + seg_start), size)
        ]
        for group in _pack(spans, size, overlap):
            start, end = group[0][0], group[-1][1]
            chunks.append(
                Chunk(text[start:end], start, end, len(chunks), first.page, first.heading)
            )
    return chunks


def _pack(spans: list[tuple[int, int]], size: int, overlap: int) -> Iterable[list[tuple[int, int]]]:
    group: list[tuple[int, int]] = []
    for span in spans:
        if group and span[1] - group[0][0] > size:
            yield group
            carried = group[-overlap:] if overlap else []
            # carry only what leaves room for new text
            while carried and span[1] - carried[0][0] > size:
                carried = carried[1:]
            group = list(carried)
        group.append(span)
    if group:
        yield group
