"""XLSX: every sheet's text lines and tables, figures printed as the statement shows them.

Financial statements are often exported to Excel. Each sheet is read row by row (openpyxl's
read-only parser, cached values rather than formulas) into a grid of cell texts, which
:mod:`ingest.loaders.sheet_tables` cuts into paragraphs and :class:`~ingest.document.Table`
blocks under the sheet's name.

A hostile workbook is small and claims much: a ``sharedStrings.xml`` inflating to gigabytes,
a ``<dimension ref="A1:Z1000000000">``, a row numbered 10⁹. So the package is checked before
openpyxl inflates anything (as DOCX is), the shared strings are counted before openpyxl
loads them all, the claimed dimension is checked before the sheet is read, and rows and
cells are counted as they are read; past a limit the file fails with a message naming it.
The sheet is read with openpyxl's own row parser rather than ``iter_rows``, which pads the
gaps it finds (a row numbered 10⁹ is 10⁹ empty rows) and every row to the claimed width.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

from ingest.document import Block, LoadedDocument, LoaderError
from ingest.loaders.base import LoadOptions, TableBudget, empty, grouped, over_limit
from ingest.loaders.package import check_package, corrupt, require_zip
from ingest.loaders.sheet_tables import Merge, Row, sheet_blocks
from ingest.loaders.xlsx_values import cell_text

KIND = "XLSX"
# a shared string's opening tag, with or without a namespace prefix; linear to scan
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s>/]")
_CHUNK = 1024 * 1024


def _scan(package: zipfile.ZipFile, entry: zipfile.ZipInfo, pattern: re.Pattern[bytes]) -> int:
    """How many times ``pattern`` (matches of at most 64 bytes) occurs in an entry, read in
    chunks: the entry is inflated once, never held whole."""
    count = 0
    tail = b""
    with package.open(entry) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buffer = tail + chunk
            if not chunk:
                return count + sum(1 for _ in pattern.finditer(buffer))
            # a match starting before the cut ends inside the buffer; the rest is rescanned
            cut = max(0, len(buffer) - 64)
            count += sum(1 for m in pattern.finditer(buffer) if m.start() < cut)
            tail = buffer[cut:]


def _check_shared_strings(data: bytes, name: str, options: LoadOptions) -> None:
    """Refuse more shared strings than the cell limit before openpyxl loads them all.

    A workbook holds no more distinct strings than cells; 30 MB of ``<si><t/></si>`` is two
    million strings, which openpyxl keeps as two million Python objects.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for entry in package.infolist():
            if not entry.filename.lower().endswith("sharedstrings.xml"):
                continue
            count = _scan(package, entry, _SHARED_STRING)
            if count > options.max_cells:
                msg = (
                    f"Tệp XLSX có {grouped(count)} chuỗi văn bản (sharedStrings), quá giới hạn "
                    f"{grouped(options.max_cells)} ô; tăng HOIDAP_INGEST_MAX_CELLS nếu cần "
                    f"(XLSX has {grouped(count)} shared strings, over the limit of "
                    f"{grouped(options.max_cells)} cells): {name}"
                )
                raise LoaderError(msg)


class _Formats:
    """Number format of a style id, looked up once per style."""

    def __init__(self, workbook: Any) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

        self.workbook = workbook
        self.builtin = BUILTIN_FORMATS
        self.first_custom = BUILTIN_FORMATS_MAX_SIZE
        self.known: dict[int, str] = {}

    def __call__(self, style_id: int) -> str:
        fmt = self.known.get(style_id)
        if fmt is None:
            try:
                number_format = self.workbook._cell_styles[style_id].numFmtId
                if number_format < self.first_custom:
                    fmt = self.builtin.get(number_format, "General")
                else:
                    fmt = self.workbook._number_formats[number_format - self.first_custom]
            except (IndexError, AttributeError, TypeError):  # a style the file does not have
                fmt = "General"
            self.known[style_id] = fmt = str(fmt)
        return fmt


def _read_sheet(
    sheet: Any, workbook: Any, budget: TableBudget, formats: _Formats
) -> tuple[list[tuple[int, Row]], list[Merge]]:
    """The sheet's non-empty rows as (row number, cells), and its merged ranges; every row
    and cell read is counted against the budget."""
    from openpyxl.worksheet._reader import WorkSheetParser

    rows: list[tuple[int, Row]] = []
    source = sheet._get_source()
    try:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for index, cells in parser.parse():
            budget.take(1, len(cells))
            row: Row = {}
            for cell in cells:
                text, kind = cell_text(cell["value"], formats(cell["style_id"]))
                if text:
                    row[cell["column"]] = (text, kind)
            if row:
                rows.append((index, row))
        return rows, _merges(parser, budget)
    finally:
        source.close()


def _merges(parser: Any, budget: TableBudget) -> list[Merge]:
    from openpyxl.utils.cell import range_boundaries

    found = getattr(parser.merged_cells, "mergeCell", None) or []
    budget.take(0, len(found))
    merges = []
    for merged in found:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(str(merged.ref))
        except (ValueError, TypeError):  # a malformed range merges nothing
            continue
        if None not in (min_col, min_row, max_col, max_row):
            merges.append(Merge(min_row, min_col, max_row, max_col))  # type: ignore[arg-type]
    return merges


def _check_dimension(sheet: Any, name: str, options: LoadOptions) -> None:
    """A sheet claiming more rows than the limit is refused before a row is read."""
    claimed = sheet.max_row
    if isinstance(claimed, int) and claimed > options.max_rows:
        raise over_limit(KIND, name, "rows", options.max_rows, claimed=claimed)


def load_xlsx(data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
    name = path.name
    require_zip(data, name, "XLSX", "Excel", ".xls")
    blocks: list[Block] = []
    try:
        check_package(data, name, options, KIND)
        _check_shared_strings(data, name, options)
        import openpyxl

        with warnings.catch_warnings():  # "no default style", "invalid specification": noise
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                budget = TableBudget(options, name, KIND)
                formats = _Formats(workbook)
                for sheet in workbook.worksheets:
                    _check_dimension(sheet, name, options)
                    rows, merges = _read_sheet(sheet, workbook, budget, formats)
                    blocks.extend(sheet_blocks(" ".join(str(sheet.title).split()), rows, merges))
                core_title = workbook.properties.title or ""
            finally:
                workbook.close()
    except LoaderError:
        raise
    except Exception as exc:  # zip, XML and openpyxl errors all mean a bad file
        raise LoaderError(f"{corrupt('XLSX')}: {name} — {type(exc).__name__}: {exc}") from exc
    if not blocks:
        raise empty(name)
    first_table = next((b.table.title for b in blocks if b.table and b.table.title), "")
    title = " ".join(str(core_title).split()) or first_table or path.stem
    return LoadedDocument(title=title, blocks=blocks)
