"""Report files the tests make themselves: a financial statement as a text-layer PDF, as a scan
(an image PDF, for the real OCR engine), as DOCX and as Markdown; and a mixed PDF.

The company and its figures are invented; the layout is that of Vietnamese interim financial
statements (Mẫu B 01a/B 02a): a label column, a code, a note, then two or four figure
columns under a period header.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pymupdf
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TITLE = "BẢNG CÂN ĐỐI KẾ TOÁN HỢP NHẤT tại ngày 30 tháng 6 năm 2025"
UNIT = "Đơn vị tính: VND"
HEADER = ("Chỉ tiêu", "Mã số", "Thuyết minh", "30/6/2025", "1/1/2025")
ROWS = (
    ("Tiền và các khoản tương đương tiền", "110", "V.1", "1.245.873.112.450", "1.108.002.331.907"),
    ("Phải thu ngắn hạn của khách hàng", "131", "", "3.517.220.964.118", "3.320.118.775.602"),
    ("Hàng tồn kho", "140", "V.5", "6.204.318.775.931", "5.117.640.220.184"),
    ("Dự phòng giảm giá hàng tồn kho", "149", "", "(31.882.406.117)", "(29.471.035.560)"),
    ("Tổng cộng tài sản", "270", "", "48.906.115.337.024", "47.552.806.419.316"),
)
INCOME_TITLE = "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG KINH DOANH HỢP NHẤT quý II năm 2025"
INCOME_GROUPS = ("Quý II", "Lũy kế 6 tháng")
INCOME_HEADER = ("Chỉ tiêu", "Mã số", "Năm 2025", "Năm 2024", "Năm 2025", "Năm 2024")
INCOME_ROWS = (
    ("Doanh thu bán hàng và cung cấp dịch vụ", "01", "15.338.702.118.406", "14.902.661.530.215",
     "28.774.310.925.118", "27.665.412.800.327"),
    ("Chi phí bán hàng", "25", "3.402.118.663.905", "3.285.770.415.332", "6.310.552.478.116",
     "6.102.884.019.473"),
    ("Lợi nhuận sau thuế thu nhập doanh nghiệp", "60", "2.310.447.802.554", "2.402.118.663.070",
     "3.904.778.231.806", "4.410.332.907.115"),
)  # fmt: skip
INTRO = (
    "Công ty Cổ phần Sữa Hòa Bình (HBMILK) được thành lập năm 1998 tại Thành phố Hà Nội. "
    "Tổng Giám đốc của Công ty là bà Trần Thị Minh Châu."
)
_CUT = INTRO.rfind(" ", 0, 90)
INTRO_LINES = ((72.0, 80.0, INTRO[:_CUT]), (72.0, 96.0, INTRO[_CUT + 1 :]))
# x positions (points) of the columns on an A4 page: label, code, note, figures
_X = (40, 250, 300, 360, 470)
_X_INCOME = (40, 250, 300, 390, 480, 570)


def _text_page(page: pymupdf.Page, lines: list[tuple[float, float, str]], size: float) -> None:
    for x, y, text in lines:
        page.insert_text((x, y), text, fontname="dejavu", fontfile=FONT, fontsize=size)


def balance_sheet_lines(size: float = 8.5) -> list[tuple[float, float, str]]:
    """Where each word of the balance sheet goes: (x, baseline y, text), in points."""
    lines: list[tuple[float, float, str]] = [(150, 60, TITLE), (460, 80, UNIT)]
    y = 110.0
    for x, cell in zip(_X, HEADER, strict=True):
        lines.append((x, y, cell))
    y += 24
    for row in ROWS:
        for x, cell in zip(_X, row, strict=True):
            if cell:
                lines.append((x, y, cell))
        y += 16
    return lines


def income_lines(size: float = 8) -> list[tuple[float, float, str]]:
    lines: list[tuple[float, float, str]] = [(120, 60, INCOME_TITLE), (460, 80, UNIT)]
    lines += [(345, 105, INCOME_GROUPS[0]), (505, 105, INCOME_GROUPS[1])]  # over two columns
    for x, cell in zip(_X_INCOME, INCOME_HEADER, strict=True):
        lines.append((x + (20 if x >= 300 else 0), 120, cell))
    y = 144.0
    for row in INCOME_ROWS:
        for x, cell in zip(_X_INCOME, row, strict=True):
            lines.append((x, y, cell))
        y += 16
    return lines


def write_text_pdf(path: Path, *, with_intro: bool = True) -> Path:
    """The statement with a real text layer (as exported from Word or Excel)."""
    doc = pymupdf.open()
    if with_intro:
        page = doc.new_page()
        _text_page(page, list(INTRO_LINES), 10)
    page = doc.new_page()
    _text_page(page, balance_sheet_lines(), 8.5)
    page = doc.new_page(width=650)
    _text_page(page, income_lines(), 7.5)
    doc.save(path)
    doc.close()
    return path


def _image_page(lines: list[tuple[float, float, str]], size: float, width: float = 595) -> bytes:
    """One scanned page: the words drawn at 200 dpi, grey on white, as a PNG."""
    scale = 200 / 72
    image = Image.new("L", (int(width * scale), int(842 * scale)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, int(size * scale))
    for x, y, text in lines:
        draw.text((x * scale, (y - size) * scale), text, fill=25, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def add_scanned_page(
    doc: pymupdf.Document,
    lines: list[tuple[float, float, str]],
    size: float,
    *,
    stamp: str = "",
    width: float = 595,
) -> None:
    """A page that is one full-page image, with an optional signature stamp's text layer."""
    page = doc.new_page(width=width)
    page.insert_image(page.rect, stream=_image_page(lines, size, width))
    if stamp:
        _text_page(page, [(400, 820, stamp)], 6)


def write_scanned_pdf(path: Path, *, stamp: str = "") -> Path:
    """The balance sheet and income statement as a scan: no text but an optional stamp."""
    doc = pymupdf.open()
    add_scanned_page(doc, list(INTRO_LINES), 10, stamp=stamp)
    add_scanned_page(doc, balance_sheet_lines(), 8.5, stamp=stamp)
    doc.save(path)
    doc.close()
    return path


def write_mixed_pdf(path: Path) -> Path:
    """A text page followed by a scanned page."""
    doc = pymupdf.open()
    page = doc.new_page()
    _text_page(page, list(INTRO_LINES), 10)
    add_scanned_page(doc, balance_sheet_lines(), 8.5)
    doc.save(path)
    doc.close()
    return path


def write_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Báo cáo tài chính hợp nhất giữa niên độ", level=1)
    document.add_paragraph(INTRO)
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(ROWS) + 1, cols=len(HEADER))
    for row, values in zip(table.rows, (HEADER, *ROWS), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(path)
    return path


def write_markdown(path: Path) -> Path:
    lines = ["# Báo cáo tài chính hợp nhất giữa niên độ", "", INTRO, "", TITLE, ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + "---|" * len(HEADER))
    lines += ["| " + " | ".join(row) + " |" for row in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
