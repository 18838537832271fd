"""Hostile files, made on the spot: each is small on disk and was found to crash, hang or
exhaust an ingest (a fuzzing run against the loaders). Used by the tests and by
``bench/hostile_files.py``; nothing here is a committed binary.

Each maker writes its file into ``folder`` and returns its path.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx

GOOD_TEXT = "Báo cáo kho lưu trữ\n\nKho lưu trữ của thành phố có 4.321 hồ sơ địa chính.\n"
GOOD_QUESTION = "Kho lưu trữ có bao nhiêu hồ sơ địa chính?"
GOOD_FIGURE = "4.321"
VIETNAMESE = "Công an thành phố huy động 1.700 cán bộ, chiến sĩ bảo đảm an ninh dịp Tết. "


def tree_rss_mb(pid: int) -> float:
    """Resident MB of ``pid`` and all its descendants (the reading worker included)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    family = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return sum(rss.get(p, 0) for p in family) / (1024 * 1024)


@dataclass
class MeasuredRun:
    """``hoidap ingest FOLDER --json`` as a user runs it, timed, its memory peak sampled."""

    code: int | str  # the exit code, or what stopped it
    stdout: bytes
    stderr: bytes
    seconds: float
    peak_mb: float


def measured_ingest(folder: Path, env: dict[str, str], cwd: Path, timeout: float) -> MeasuredRun:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "hoidap.cli", "ingest", str(folder), "--json", "-q"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate(timeout=timeout)
        code: int | str = process.returncode
    except subprocess.TimeoutExpired:
        subprocess.run(["pkill", "-9", "-P", str(process.pid)], check=False)
        process.kill()
        out, err = process.communicate()
        code = f"killed after {timeout:.0f} s"
    stop.set()
    sampler.join()
    return MeasuredRun(code, out, err, time.perf_counter() - started, peak)


def good_file(folder: Path) -> Path:
    path = folder / "bao-cao-tot.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


def bad_utf8_name(folder: Path) -> Path:
    raw = os.fsencode(folder) + b"/b\xe1o-c\xff.txt"
    with open(raw, "wb") as handle:
        handle.write("Tệp có tên cũ: 2.468 hồ sơ.\n".encode())
    return Path(os.fsdecode(raw))


def symlink_twin(folder: Path) -> Path:
    target = folder / "ban-goc.txt"
    target.write_text("Bản gốc có 135 trang.\n", encoding="utf-8")
    link = folder / "lien-ket.txt"
    link.symlink_to(target)
    return link


def hard_link_twin(folder: Path) -> Path:
    target = folder / "goc-cung.txt"
    target.write_text("Bản gốc cứng có 246 trang.\n", encoding="utf-8")
    link = folder / "cung-lien-ket.txt"
    os.link(target, link)
    return link


def markdown_redos(folder: Path) -> Path:
    path = folder / "tieu-de.md"
    path.write_text("# a" + " \t" * 100_000 + "x\n\nNội dung sau tiêu đề.\n", encoding="utf-8")
    return path


def _docx_bytes(paragraphs: int = 3) -> bytes:
    document = docx.Document()
    for i in range(paragraphs):
        document.add_paragraph(f"{VIETNAMESE}Đoạn {i}.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Tổng cộng"
    table.cell(0, 1).text = "1.700"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for entry in source.infolist():
            body = source.read(entry)
            target.writestr(entry, change(body) if entry.filename == name else body)
    return out.getvalue()


def docx_grid_span(folder: Path) -> Path:
    data = _rewrite(
        _docx_bytes(),
        "word/document.xml",
        lambda xml: xml.replace(b"<w:tcW ", b'<w:gridSpan w:val="1000000000"/><w:tcW ', 1),
    )
    path = folder / "o-gop.docx"
    path.write_bytes(data)
    return path


def docx_zip_bomb(folder: Path, inflated_mb: int = 64) -> Path:
    """A DOCX whose document.xml inflates to ``inflated_mb`` MB of blanks (≈ 100 KB zipped)."""
    filler = b" " * (inflated_mb * 1024 * 1024)

    def change(xml: bytes) -> bytes:
        return xml.replace(b"<w:body>", b"<w:body>" + filler, 1)

    path = folder / "bom.docx"
    path.write_bytes(_rewrite(_docx_bytes(), "word/document.xml", change))
    return path


def docx_many_styles(folder: Path, styles: int = 10_000, paragraphs: int = 2_000) -> Path:
    base = _docx_bytes(paragraphs)
    extra = b"".join(
        b'<w:style w:type="paragraph" w:styleId="S%d"><w:name w:val="Kieu %d"/></w:style>' % (i, i)
        for i in range(styles)
    )

    def add_styles(xml: bytes) -> bytes:
        return xml.replace(b"</w:styles>", extra + b"</w:styles>", 1)

    def use_last(xml: bytes) -> bytes:
        return xml.replace(b"<w:p>", b'<w:p><w:pPr><w:pStyle w:val="S%d"/></w:pPr>' % (styles - 1))

    data = _rewrite(_rewrite(base, "word/styles.xml", add_styles), "word/document.xml", use_last)
    path = folder / "nhieu-kieu.docx"
    path.write_bytes(data)
    return path


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_stream_bomb(folder: Path, inflated_mb: int = 160) -> Path:
    """One page whose content stream inflates to ``inflated_mb`` MB of text operators."""
    operator = b"BT /F1 9 Tf 72 700 Td (x) Tj ET\n"
    raw = operator * (inflated_mb * 1024 * 1024 // len(operator))
    stream = zlib.compress(raw, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path = folder / "luong-lon.pdf"
    path.write_bytes(_pdf(objects))
    return path


def pdf_billions_of_pages(folder: Path) -> Path:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    path = folder / "ti-trang.pdf"
    path.write_bytes(_pdf(objects))
    return path


def xlsx_bytes() -> bytes:
    """A small balance sheet, as openpyxl writes it (inline strings, one number format)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CDKT"
    sheet.append(["BẢNG CÂN ĐỐI KẾ TOÁN"])
    sheet.append(["Chỉ tiêu", "Mã số", "31/12/2024", "01/01/2024"])
    sheet.append(["Tiền và các khoản tương đương tiền", 110, 1_700_000, 1_500_000])
    sheet.append(["Tổng cộng tài sản", 270, 9_876_543, 8_765_432])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def with_shared_strings(data: bytes, strings: bytes) -> bytes:
    """The workbook with a ``xl/sharedStrings.xml`` holding ``strings`` (``<si>`` elements),
    registered as Excel registers it, and cell A1 pointing at its first string."""
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">' + strings + b"</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for entry in source.infolist():
            body = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            elif entry.filename == "xl/worksheets/sheet1.xml":
                start = body.index(b'<c r="A1"')
                end = body.index(b"</c>", start) + len(b"</c>")
                body = body[:start] + b'<c r="A1" t="s"><v>0</v></c>' + body[end:]
            target.writestr(entry, body)
        target.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def xlsx_shared_strings_bomb(folder: Path, inflated_mb: int = 64) -> Path:
    """An XLSX whose sharedStrings.xml inflates to ``inflated_mb`` MB (≈ 100 KB zipped)."""
    strings = "<si><t>BẢNG CÂN ĐỐI KẾ TOÁN</t></si>".encode() + b" " * (inflated_mb << 20)
    path = folder / "bom-chuoi.xlsx"
    path.write_bytes(with_shared_strings(xlsx_bytes(), strings))
    return path


def xlsx_many_shared_strings(folder: Path, strings: int = 2_100_000) -> Path:
    """27 MB of empty shared strings: under the unzipped limit, two million Python objects."""
    many = "<si><t>BẢNG CÂN ĐỐI KẾ TOÁN</t></si>".encode() + b"<si><t/></si>" * strings
    path = folder / "nhieu-chuoi.xlsx"
    path.write_bytes(with_shared_strings(xlsx_bytes(), many))
    return path


def _xlsx_rows(cells: int, dimension: bytes | None) -> bytes:
    """The small workbook with ``cells`` more figure cells (6 a row) below its table, and
    its ``<dimension>`` replaced (``None``: removed)."""
    columns = "ABCDEF"
    rows = [
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>{r}</v></c>' for col in columns) + "</row>"
        for r in range(10, 10 + cells // len(columns))
    ]

    def change(xml: bytes) -> bytes:
        start = xml.index(b"<dimension ")
        end = xml.index(b"/>", start) + 2
        claim = b'<dimension ref="%s"/>' % dimension if dimension else b""
        xml = xml[:start] + claim + xml[end:]
        return xml.replace(b"</sheetData>", "".join(rows).encode() + b"</sheetData>", 1)

    return _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml", change)


def xlsx_billion_rows(folder: Path, cells: int = 600_000) -> Path:
    """A sheet whose dimension claims 10⁹ rows, and which does have more cells than the
    hostile run's cell limit."""
    path = folder / "ti-dong.xlsx"
    path.write_bytes(_xlsx_rows(cells, b"A1:Z1000000000"))
    return path


def xlsx_many_cells(folder: Path, cells: int = 600_000) -> Path:
    """A sheet with no dimension and more cells than the hostile run's cell limit."""
    path = folder / "nhieu-o.xlsx"
    path.write_bytes(_xlsx_rows(cells, None))
    return path


def markdown_huge_table(folder: Path, size_mb: int = 50) -> Path:
    """A ``size_mb`` MB pipe table (1.7 million rows at 50 MB)."""
    row = "| Tiền và các khoản tương đương tiền | 110 | 1.234.567.890 | 987.654.321 |\n"
    head = "# Bảng lớn\n\n| Chỉ tiêu | Mã số | Cuối năm | Đầu năm |\n|---|---|---|---|\n"
    path = folder / "bang-lon.md"
    path.write_text(head + row * ((size_mb << 20) // len(row.encode())), encoding="utf-8")
    return path


def html_lying_charset(folder: Path) -> Path:
    path = folder / "trang.html"
    body = f'<html><head><meta charset="utf16"><title>Tin</title></head><body><p>{VIETNAMESE}</p>'
    path.write_bytes((body + "</body></html>").encode("utf-8"))
    return path


def cesu8_text(folder: Path) -> Path:
    high, low = chr(0xD83D), chr(0xDE00)  # an emoji as two surrogates, each UTF-8 encoded
    data = "Chúc mừng ".encode() + (high + low).encode("utf-8", "surrogatepass")
    path = folder / "cesu.txt"
    path.write_bytes(data + " năm mới: 365 ngày an lành.\n".encode())
    return path


def utf8_with_stray_byte(folder: Path) -> Path:
    text = (VIETNAMESE * 200).encode()
    path = folder / "mot-byte-hong.txt"
    path.write_bytes(text[:3001] + b"\xff" + text[3001:] + "Có 8.642 lượt.\n".encode())
    return path


def utf8_with_nul(folder: Path) -> Path:
    text = (VIETNAMESE * 200).encode()
    path = folder / "co-nul.txt"
    path.write_bytes(text[:2000] + b"\x00" + text[2000:])
    return path


def symlink_loop(folder: Path) -> Path:
    loop = folder / "vong-lap.txt"
    loop.symlink_to(loop)
    return loop


def folder_named_like_a_pdf(folder: Path) -> Path:
    inner = folder / "thu-muc.pdf"
    inner.mkdir()
    (inner / "ben-trong.txt").write_text("Bên trong có 97 tệp.\n", encoding="utf-8")
    return inner


# name → (maker, what must happen: "added", "failed", "duplicate", "skipped")
CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "file name with an invalid UTF-8 byte": (bad_utf8_name, "added"),
    "a symlink beside its target": (symlink_twin, "duplicate"),
    "a hard link beside its target": (hard_link_twin, "duplicate"),
    "Markdown heading ReDoS (200 KB)": (markdown_redos, "added"),
    "DOCX cell with gridSpan 10^9": (docx_grid_span, "added"),
    "DOCX whose document.xml inflates to 64 MB": (docx_zip_bomb, "failed"),
    "DOCX with 10,000 styles, 2,000 paragraphs": (docx_many_styles, "added"),
    "PDF content stream inflating to 160 MB": (pdf_stream_bomb, "failed"),
    "PDF claiming 2,000,000,000 pages": (pdf_billions_of_pages, "failed"),
    "UTF-8 HTML declaring charset utf16": (html_lying_charset, "added"),
    "short UTF-8 text with a CESU-8 character": (cesu8_text, "added"),
    "long UTF-8 text with one stray byte": (utf8_with_stray_byte, "added"),
    "long UTF-8 text with one NUL": (utf8_with_nul, "added"),
    "a symlink loop": (symlink_loop, "failed"),
    "a folder named x.pdf": (folder_named_like_a_pdf, "skipped"),
    "XLSX whose sharedStrings.xml inflates to 64 MB": (xlsx_shared_strings_bomb, "failed"),
    "XLSX with 2,100,000 shared strings (27 MB)": (xlsx_many_shared_strings, "failed"),
    "XLSX dimension claiming 10^9 rows, 600,000 cells": (xlsx_billion_rows, "failed"),
    "XLSX with 600,000 cells, no dimension": (xlsx_many_cells, "failed"),
    "Markdown pipe table of 50 MB": (markdown_huge_table, "failed"),
}
# the limits the hostile run uses: low enough for the bombs above to hit them quickly
LIMITS = {
    "HOIDAP_INGEST_MAX_MB": "600",
    "HOIDAP_INGEST_FILE_TIMEOUT": "60",
    "HOIDAP_INGEST_MAX_UNZIPPED_MB": "32",
    "HOIDAP_INGEST_MAX_CELLS": "500000",
}
