"""An HTML ``<table>`` as a :class:`~ingest.document.Table`: header from ``<th>`` rows (or the
first row), ``rowspan``/``colspan`` laid out on a grid.

PDF parsers (LlamaParse and the like) write a statement whose cells merge as an HTML table
inside their Markdown. Flattened the way a reader reads it: a header cell spanning columns
heads each of them ("Số liệu" over "31/12/2024 | 01/01/2024" gives "Số liệu 31/12/2024"), a
body cell spanning rows ("Khu vực" beside its three rows) is repeated on each, and a body cell
spanning columns is written once, so no figure is counted twice. Spans are clamped to HTML's
own limits (1,000 columns, 65,534 rows) and to the rows the table has, and every laid-out
cell counts against the file's budget: ``colspan="1000000000"`` cannot make a grid.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.document import LoaderError, Table
from ingest.loaders.base import TableBudget, over_limit

_SPAN_LIMITS = {"colspan": 1000, "rowspan": 65534}
_MAX_HEADER_ROWS = 3
# opening tags counted before parsing, so a 50 MB table fails before it is parsed
ROW_TAG = re.compile(r"<tr(?=[\s/>])", re.IGNORECASE)
CELL_TAG = re.compile(r"<t[dh](?=[\s/>])", re.IGNORECASE)


def precheck(rows: int, cells: int, budget: TableBudget) -> None:
    """Refuse a table whose tags alone pass the file's limits, before it is parsed."""
    if budget.rows + rows > budget.max_rows:
        raise over_limit(budget.kind, budget.name, "rows", budget.max_rows)
    if budget.cells + cells > budget.max_cells:
        raise over_limit(budget.kind, budget.name, "cells", budget.max_cells)


def _span(cell: Any, attribute: str) -> int:
    try:
        value = int(str(cell.get(attribute) or "1").strip())
    except ValueError:
        return 1
    return max(1, min(value, _SPAN_LIMITS[attribute]))


def _text(cell: Any) -> str:
    return " ".join(cell.get_text(" ").split())


def _header_text(parts: list[str]) -> str:
    kept: list[str] = []
    for part in parts:
        if part and (not kept or kept[-1] != part):
            kept.append(part)
    return " ".join(kept)


def html_table(fragment: str, title: str, budget: TableBudget) -> Table | None:
    """The first ``<table>`` of ``fragment`` as a :class:`Table`, ``None`` if it has no rows."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(fragment, "lxml")
        table = soup.find("table")
        if table is None:
            return None
        trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        # (row, column) → (text, its column's offset within the cell's colspan)
        grid: dict[tuple[int, int], tuple[str, int]] = {}
        heads: list[bool] = []
        width = 0
        for r, tr in enumerate(trs):
            budget.take(1, 0)
            cells = tr.find_all(["td", "th"], recursive=False)
            heads.append(bool(cells) and all(cell.name == "th" for cell in cells))
            in_head = tr.find_parent("thead") is not None
            heads[-1] = heads[-1] or in_head
            c = 0
            for cell in cells:
                while (r, c) in grid:
                    c += 1
                colspan = _span(cell, "colspan")
                rowspan = min(_span(cell, "rowspan"), len(trs) - r)
                budget.take(0, colspan * rowspan)
                text = _text(cell)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid.setdefault((r + dr, c + dc), (text, dc))
                c += colspan
                width = max(width, c)
    except RecursionError as exc:
        raise LoaderError(
            f"Bảng HTML lồng nhau quá sâu, không đọc được (HTML table nested too deeply): "
            f"{budget.name}"
        ) from exc
    header_count = 0
    while header_count < min(len(trs), _MAX_HEADER_ROWS) and heads[header_count]:
        header_count += 1
    if header_count == 0 and len(trs) > 1:
        header_count = 1
    header = tuple(
        _header_text([grid.get((r, c), ("", 0))[0] for r in range(header_count)])
        for c in range(width)
    )
    rows: list[tuple[str, ...]] = []
    for r in range(header_count, len(trs)):
        laid = [grid.get((r, c), ("", 0)) for c in range(width)]
        row = tuple(text if offset == 0 else "" for text, offset in laid)
        if any(row):
            rows.append(row)
    if not rows:
        return None
    return Table(title, header, tuple(rows))
