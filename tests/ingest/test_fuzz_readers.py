"""Fuzzing the XLSX and Markdown readers with mutated real files: thousands of inputs in a
few seconds each, and for every one the reader returns a document whose tables are
rectangular, or raises :class:`LoaderError` with a message naming the file; nothing else
escapes and no input takes long.

The loaders are called directly, not through :func:`ingest.loaders.load`, whose catch-all
would turn any exception into a LoaderError and hide it. Mutations are seeded: a failure
prints the seed and the run, which rebuilds the input.
"""

from __future__ import annotations

import io
import random
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.document import LoadedDocument, LoaderError
from ingest.loaders.base import LoadOptions
from ingest.loaders.markdown import load_md
from ingest.loaders.xlsx import load_xlsx
from tests.ingest.test_markdown_tables import HTML_TABLE, LLAMAPARSE

BUDGET_SECONDS = 12.0
RUNS = 3000
SLOWEST = 2.0  # seconds one small input may take
OPTIONS = LoadOptions(max_unzipped_mb=16, max_cells=20_000, max_rows=5_000)
XML_TOKENS = (
    b"<", b">", b"/>", b'"', b"&amp;", b"&#x0;", b"<row r=\"1000000000\">", b"<c t=\"s\"><v>99",
    b"<v>-1e308</v>", b"<v>NaN</v>", b'<c r="XFD1"><v>1</v></c>',
    b'<mergeCell ref="A1:XFD1048576"/>',
    b'<dimension ref="A1:Z1000000000"/>', b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"&a;", b"\x00",
    b'numFmtId="999"', b's="4000"', b't="d"', b"<v>2024-13-45</v>", b"<is><t>x</t></is>",
)  # fmt: skip
MD_TOKENS = (
    "|", "\\|", "**", "__", "<br/>", "&amp;", "&#0;", "---", ":---:", "\n", "\n\n", "<table>",
    "</table>", "<tr>", "<td colspan=\"99999\">", "<th rowspan=\"-1\">", "# ", "```", "\\*", " ",
    "1.263.424.086.462", "(3.000.000)", "Tổng cộng", "\t",
)  # fmt: skip


def _workbook() -> bytes:
    """A small statement workbook with merges, formats, dates and shared strings."""
    from tests.hostile_files import with_shared_strings
    from tests.ingest.test_xlsx import balance_sheet

    with tempfile.TemporaryDirectory() as folder:
        data = balance_sheet(Path(folder) / "goc.xlsx").read_bytes()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.create_sheet("KQKD")
    sheet.append(["Chỉ tiêu", "Quý IV", None])
    sheet.merge_cells("B1:C1")
    sheet.append(["Doanh thu", 5_000_000, 0.125])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_shared_strings(buffer.getvalue(), "<si><t>BÁO CÁO</t></si>".encode())


def _mutate_bytes(data: bytes, rnd: random.Random, tokens: tuple[bytes, ...]) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 6)):
        at = rnd.randrange(len(out) + 1)
        choice = rnd.random()
        if choice < 0.3 and out:
            out[min(at, len(out) - 1)] = rnd.randrange(256)
        elif choice < 0.5:
            del out[at : at + rnd.randint(1, 64)]
        elif choice < 0.8:
            out[at:at] = rnd.choice(tokens)
        else:  # splice a piece of the file elsewhere: repeated tags, rows, cells
            start = rnd.randrange(len(out) + 1)
            out[at:at] = out[start : start + rnd.randint(1, 200)]
    return bytes(out)


def _mutate_xlsx(data: bytes, rnd: random.Random) -> bytes:
    """Mostly a mutated XML part in a valid ZIP (so openpyxl parses it), sometimes raw bytes."""
    if rnd.random() < 0.15:
        return _mutate_bytes(data, rnd, (b"PK\x03\x04", b"\x00" * 8))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = source.infolist()
        victim = rnd.choice([e for e in entries if e.filename.endswith((".xml", ".rels"))])
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in entries:
                body = source.read(entry)
                if entry is victim:
                    body = _mutate_bytes(body, rnd, XML_TOKENS)
                target.writestr(entry.filename, body)
    return out.getvalue()


def _mutate_md(text: str, rnd: random.Random) -> bytes:
    data = _mutate_bytes(text.encode(), rnd, tuple(t.encode() for t in MD_TOKENS))
    return data if rnd.random() < 0.9 else data * rnd.randint(2, 50)


def _check(document: LoadedDocument) -> None:
    assert document.title is not None
    for block in document.blocks:
        if block.table is not None:
            width = len(block.table.header)
            assert all(len(row) == width for row in block.table.rows), block.table


def _fuzz(
    name: str,
    mutate: Callable[[random.Random], bytes],
    loader: Callable[[bytes, Path, LoadOptions], LoadedDocument],
) -> int:
    started = time.monotonic()
    runs = 0
    while runs < RUNS and time.monotonic() - started < BUDGET_SECONDS:
        rnd = random.Random(f"{name}-{runs}")
        data = mutate(rnd)
        began = time.monotonic()
        try:
            _check(loader(data, Path(name), OPTIONS))
        except LoaderError as exc:
            message = str(exc)
            assert name in message and "(" in message, (runs, message)
        except Exception as exc:  # the bug the fuzzer is for
            raise AssertionError(f"run {runs} of {name!r}: {type(exc).__name__}: {exc}") from exc
        took = time.monotonic() - began
        assert took < SLOWEST, f"run {runs} of {name!r} took {took:.1f} s"
        runs += 1
    return runs


@pytest.mark.slow  # runs for its whole time budget (BUDGET_SECONDS)
def test_mutated_workbooks_only_raise_loader_errors() -> None:
    workbook = _workbook()
    _check(load_xlsx(workbook, Path("goc.xlsx"), OPTIONS))  # the seed itself reads

    runs = _fuzz("mo-phong.xlsx", lambda rnd: _mutate_xlsx(workbook, rnd), load_xlsx)

    assert runs >= 500, f"only {runs} runs in {BUDGET_SECONDS} s"


@pytest.mark.slow  # runs for its whole time budget (BUDGET_SECONDS)
def test_mutated_markdown_only_raises_loader_errors() -> None:
    seed = LLAMAPARSE + "\n" + HTML_TABLE

    runs = _fuzz("mo-phong.md", lambda rnd: _mutate_md(seed, rnd), load_md)

    assert runs >= 1000, f"only {runs} runs in {BUDGET_SECONDS} s"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MD_TOKENS) | st.text(max_size=8), max_size=60))
def test_markdown_made_of_table_pieces(pieces: list[str]) -> None:
    data = "".join(pieces).encode("utf-8", "surrogatepass")
    try:
        _check(load_md(data, Path("ghep.md"), OPTIONS))
    except LoaderError as exc:
        assert "ghep.md" in str(exc)
