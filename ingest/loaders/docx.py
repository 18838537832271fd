"""DOCX: paragraphs and tables in document order, headings from the Heading/Title styles.

A table becomes a :class:`~ingest.document.Table`: its leading rows without figures are
the header, the short paragraph just above it (or the section heading) its title. Cells are
read from the row's own ``w:tc`` elements, not python-docx's layout grid, which expands a
cell's ``gridSpan`` into that many copies (a span of 10⁹ took 9 GB).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.document import Block, LoadedDocument, LoaderError, Table, table_block
from ingest.layout import is_figure
from ingest.loaders.base import MAX_TITLE, LoadOptions, empty
from ingest.loaders.package import check_package, corrupt, require_zip


def _docx_items(element: Any, parent: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell in document order.

    ``Document.paragraphs`` and ``Document.tables`` are separate lists, which would move every
    table to the end; and content controls (``w:sdt``) wrap paragraphs that both lists skip.
    """
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield DocxTable(child, parent)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_items(content, parent)


def _cell_text(tc: Any, parent: Any) -> str:
    from docx.table import Table as DocxTable

    parts: list[str] = []
    for item in _docx_items(tc, parent):
        if isinstance(item, DocxTable):
            parts.extend(" ; ".join(row) for row in _table_rows(item))
        else:
            parts.append(item.text)
    return " ".join(" ".join(parts).split())


def _table_rows(table: Any) -> list[list[str]]:
    """Rows of cell texts, one entry per ``w:tc`` (a merged cell is written once)."""
    rows: list[list[str]] = []
    for tr in table._tbl.tr_lst:
        cells = [_cell_text(tc, table) for tc in tr.tc_lst]
        if any(cells):
            rows.append(cells)
    return rows


def _as_table(rows: list[list[str]], title: str) -> Table:
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    header_count = 0
    for row in padded[:3]:
        if any(is_figure(c) for c in row):
            break
        header_count += 1
    if header_count == len(padded):
        header_count = 1 if len(padded) > 1 else 0
    header = [" ".join(" ".join(r[i] for r in padded[:header_count]).split()) for i in range(width)]
    return Table(title, tuple(header), tuple(tuple(r) for r in padded[header_count:]))


def _style_names(document: Any) -> dict[str, str]:
    """Style id → name, read once: python-docx's ``paragraph.style`` scans every style per
    paragraph, and a file with 10,000 styles and 2,000 paragraphs took over 20 s."""
    from docx.oxml.ns import qn

    names: dict[str, str] = {}
    try:
        for style in document.styles.element.iterchildren(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            name = style.find(qn("w:name"))
            if style_id and name is not None:
                names[style_id] = str(name.get(qn("w:val")) or "")
    except Exception:  # no or broken styles part: no headings, the text still reads
        return {}
    return names


def _style_name(paragraph: Any, names: dict[str, str]) -> str:
    from docx.oxml.ns import qn

    properties = paragraph._p.pPr
    style = properties.find(qn("w:pStyle")) if properties is not None else None
    style_id = style.get(qn("w:val")) if style is not None else None
    return names.get(style_id or "", style_id or "")


def load_docx(data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
    from docx import Document
    from docx.table import Table as DocxTable

    name = path.name
    require_zip(data, name, "DOCX", "Word", ".doc")
    try:
        check_package(data, name, options, "DOCX")
        document = Document(io.BytesIO(data))
        styles = _style_names(document)
        blocks: list[Block] = []
        heading: str | None = None
        first_heading: str | None = None
        last_paragraph = ""
        for item in _docx_items(document.element.body, document):
            if isinstance(item, DocxTable):
                rows = _table_rows(item)
                if not rows:
                    continue
                parts = [heading or "", last_paragraph if len(last_paragraph) < MAX_TITLE else ""]
                title = " — ".join(dict.fromkeys(p for p in parts if p))
                blocks.append(table_block(_as_table(rows, title), heading=heading))
                last_paragraph = ""
                continue
            text = item.text.strip()
            style = _style_name(item, styles)
            if text and style.lower().startswith(("heading", "title")):
                heading = " ".join(text.split())
                first_heading = first_heading or heading
            if text:
                blocks.append(Block(text, heading=heading))
                last_paragraph = " ".join(text.split())
        core_title = document.core_properties.title or ""
    except LoaderError:
        raise
    except Exception as exc:  # zip, XML and OPC errors all mean a bad file
        raise LoaderError(f"{corrupt('DOCX')}: {name} — {type(exc).__name__}: {exc}") from exc
    if not blocks:
        raise empty(name)
    title = " ".join(core_title.split()) or first_heading or path.stem
    return LoadedDocument(title=title, blocks=blocks)
