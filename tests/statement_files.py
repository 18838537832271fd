"""One invented company's statements, rendered the ways users hold them.

"Công ty Cổ phần Gốm Sứ Thạch Lam" is made up; its figures add up as the Circular 200 forms
say (100 = 110 + 140, 270 = 100 + 200, 440 = 300 + 400, 20 = 10 − 11, 60 = 50 − 51), so the
statement model can check them. The same figures are written as a Markdown pipe table of a
PDF parser (bold totals, ``<br/>`` in headers, codes glued to labels), a Markdown HTML
table, DOCX, XLSX, a text-layer PDF and a scan.
"""

from __future__ import annotations

import io
from pathlib import Path

COMPANY = "CÔNG TY CỔ PHẦN GỐM SỨ THẠCH LAM"
TICKER = "GTL"
COVER = [
    COMPANY,
    "BÁO CÁO TÀI CHÍNH QUÝ 1 NĂM 2025",
    f"Tên công ty: Công ty Cổ phần Gốm Sứ Thạch Lam. Mã chứng khoán: {TICKER}",
    "Mẫu số B 01a - DN (Ban hành theo Thông tư số 200/2014/TT-BTC)",
]
BALANCE_TITLE = "BẢNG CÂN ĐỐI KẾ TOÁN GIỮA NIÊN ĐỘ tại ngày 31 tháng 3 năm 2025"
BALANCE_HEADER = ("Chỉ tiêu", "Mã số", "Thuyết minh", "31/3/2025", "1/1/2025")
BALANCE = (
    ("A. TÀI SẢN NGẮN HẠN", "100", "", "21.111.111.010", "19.111.333.555"),
    ("I. Tiền và các khoản tương đương tiền", "110", "V.1", "12.345.678.901", "10.111.222.333"),
    ("IV. Hàng tồn kho", "140", "V.2", "8.765.432.109", "9.000.111.222"),
    ("B. TÀI SẢN DÀI HẠN", "200", "", "30.500.250.125", "31.000.000.000"),
    ("TỔNG CỘNG TÀI SẢN", "270", "", "51.611.361.135", "50.111.333.555"),
    ("C. NỢ PHẢI TRẢ", "300", "", "20.200.300.400", "20.000.500.600"),
    ("I. Nợ ngắn hạn", "310", "", "15.200.300.400", "16.000.500.600"),
    ("II. Nợ dài hạn", "330", "", "5.000.000.000", "4.000.000.000"),
    ("D. VỐN CHỦ SỞ HỮU", "400", "V.9", "31.411.060.735", "30.110.832.955"),
    ("TỔNG CỘNG NGUỒN VỐN", "440", "", "51.611.361.135", "50.111.333.555"),
)
INCOME_TITLE = "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG KINH DOANH GIỮA NIÊN ĐỘ Quý 1 năm 2025"
INCOME_HEADER = ("Chỉ tiêu", "Mã số", "Thuyết minh", "Quý 1 năm 2025", "Quý 1 năm 2024")
INCOME = (
    ("1. Doanh thu bán hàng và cung cấp dịch vụ", "01", "VI.1", "40.000.500.000", "35.000.000.000"),
    ("2. Các khoản giảm trừ doanh thu", "02", "", "500.000", "-"),
    ("3. Doanh thu thuần về bán hàng và cung cấp dịch vụ", "10", "", "40.000.000.000", "35.000.000.000"),  # noqa: E501
    ("4. Giá vốn hàng bán", "11", "", "30.000.000.000", "27.000.000.000"),
    ("5. Lợi nhuận gộp về bán hàng và cung cấp dịch vụ", "20", "", "10.000.000.000", "8.000.000.000"),  # noqa: E501
    ("6. Doanh thu hoạt động tài chính", "21", "", "200.000.000", "100.000.000"),
    ("7. Chi phí tài chính", "22", "", "300.000.000", "200.000.000"),
    ("8. Chi phí bán hàng", "25", "", "2.000.000.000", "1.500.000.000"),
    ("9. Chi phí quản lý doanh nghiệp", "26", "", "1.500.000.000", "1.400.000.000"),
    ("10. Lợi nhuận thuần từ hoạt động kinh doanh", "30", "", "6.400.000.000", "5.000.000.000"),
    ("11. Tổng lợi nhuận kế toán trước thuế", "50", "", "6.400.000.000", "5.000.000.000"),
    ("12. Chi phí thuế TNDN hiện hành", "51", "", "1.280.000.000", "1.000.000.000"),
    ("13. Lợi nhuận sau thuế thu nhập doanh nghiệp", "60", "", "5.120.000.000", "4.000.000.000"),
)  # fmt: skip
# what a user should get back, whatever the file
LIABILITIES = "20.200.300.400"
TOTAL_ASSETS = "51.611.361.135"
CURRENT_ASSETS = "21.111.111.010"
PROFIT = "5.120.000.000"
INVENTORY_DROP = "234.679.113"
ROE = "16,30"  # 5.120.000.000 / 31.411.060.735


def _bold_total(label: str, code: str) -> str:
    return (
        f"**{label}({code}=…)**"
        if code in ("100", "300")
        else (f"**{label}**" if code in ("270", "440") else label)
    )


def write_markdown_pipe(path: Path) -> Path:
    """As a PDF parser writes it: bold totals, formulas glued to labels, ``<br/>`` headers."""
    lines = [f"# {COVER[0]}", "", *COVER[1:], "", f"## {BALANCE_TITLE}", "Đơn vị tính: VND", ""]
    lines.append(
        "| "
        + " | ".join(BALANCE_HEADER[:3])
        + " | Số cuối quý<br/>31/3/2025 | Số đầu năm<br/>1/1/2025 |"
    )
    lines.append("| --- | --- | --- | --- | --- |")
    for label, code, note, end, start in BALANCE:
        shown = (
            f"{label}(100=110+120+130+140+150)"
            if code == "100"
            else (f"{label}(300=310+330)" if code == "300" else label)
        )
        if code in ("100", "270", "300", "440"):
            shown = f"**{shown}**"
            end, start = f"**{end}**", f"**{start}**"
        lines.append(f"| {shown} | {code} | {note} | {end} | {start} |")
    lines += ["", f"## {INCOME_TITLE}", ""]
    lines.append("| Chỉ tiêu | Mã số | Thuyết minh | Quý 1<br/>Năm nay | Quý 1<br/>Năm trước |")
    lines.append("| --- | --- | --- | --- | --- |")
    lines += [f"| {' | '.join(row)} |" for row in INCOME]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_markdown_html(path: Path) -> Path:
    """Statements as HTML ``<table>``s inside Markdown, as some converters write them."""

    def table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
        head = "".join(f"<th>{h}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    text = "\n\n".join(
        [f"# {COVER[0]}", *COVER[1:], BALANCE_TITLE, table(BALANCE_HEADER, BALANCE), INCOME_TITLE,
         table(INCOME_HEADER, INCOME)]
    )  # fmt: skip
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in COVER:
        document.add_paragraph(line)
    for title, header, rows in (
        (BALANCE_TITLE, BALANCE_HEADER, BALANCE),
        (INCOME_TITLE, INCOME_HEADER, INCOME),
    ):
        document.add_paragraph(title)
        table = document.add_table(rows=len(rows) + 1, cols=len(header))
        for j, cell in enumerate(header):
            table.cell(0, j).text = cell
        for i, row in enumerate(rows, 1):
            for j, cell in enumerate(row):
                table.cell(i, j).text = cell
    document.save(str(path))
    return path


def _number(text: str) -> int | str:
    digits = text.replace(".", "")
    return int(digits) if digits.isdigit() else text


def write_xlsx(path: Path) -> Path:
    """As exported to Excel: numbers as numbers, the titles in cells above each table."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "BCTC"
    for line in COVER:
        sheet.append([line])
    for title, header, rows in (
        (BALANCE_TITLE, BALANCE_HEADER, BALANCE),
        (INCOME_TITLE, INCOME_HEADER, INCOME),
    ):
        sheet.append([])
        sheet.append([title])
        sheet.append(list(header))
        for row in rows:
            sheet.append([*row[:3], *(_number(c) for c in row[3:])])
    book.save(str(path))
    return path


def _statement_lines() -> list[tuple[float, float, str]]:
    """(x, y, text) in points on an A4 page: the columns a statement prints."""
    placed: list[tuple[float, float, str]] = []
    y = 40.0
    for line in COVER[:3]:
        placed.append((40, y, line))
        y += 16
    columns = (40, 300, 345, 400, 490)
    for title, header, rows in (
        (BALANCE_TITLE, BALANCE_HEADER, BALANCE),
        (INCOME_TITLE, INCOME_HEADER, INCOME),
    ):
        y += 10
        placed.append((40, y, title))
        y += 18
        for x, cell in zip(columns, header, strict=True):
            placed.append((x, y, cell))
        y += 15
        for row in rows:
            for x, cell in zip(columns, row, strict=True):
                if cell:
                    placed.append((x, y, cell[:44]))
            y += 14
    return placed


def write_text_pdf(path: Path) -> Path:
    import pymupdf

    from tests.report_files import FONT

    document = pymupdf.open()
    page = document.new_page(width=595, height=842)
    for x, y, text in _statement_lines():
        page.insert_text((x, y), text, fontsize=7, fontfile=FONT, fontname="dejavu")
    document.save(str(path))
    return path


def write_scanned_pdf(path: Path) -> Path:
    """The same page as an image only (no text layer): read by the real OCR engine."""
    import pymupdf
    from PIL import Image, ImageDraw, ImageFont

    from tests.report_files import FONT

    scale = 200 / 72
    image = Image.new("L", (int(595 * scale), int(842 * scale)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, int(7.5 * scale))
    for x, y, text in _statement_lines():
        draw.text((x * scale, (y - 7) * scale), text, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    document = pymupdf.open()
    page = document.new_page(width=595, height=842)
    page.insert_image(page.rect, stream=buffer.getvalue())
    document.save(str(path))
    return path


BANK = """# NGÂN HÀNG THƯƠNG MẠI CỔ PHẦN PHƯƠNG NAM GIẢ ĐỊNH

BÁO CÁO TÌNH HÌNH TÀI CHÍNH HỢP NHẤT GIỮA NIÊN ĐỘ tại ngày 30 tháng 6 năm 2025
(Ban hành theo Thông tư số 49/2014/TT-NHNN)

| STT | Chỉ tiêu | Thuyết minh | 30/6/2025<br/>Triệu VND | 31/12/2024<br/>Triệu VND |
| --- | --- | --- | --- | --- |
| A | TÀI SẢN | | | |
| I | Tiền mặt, vàng bạc, đá quý | | 1.200.000 | 1.100.000 |
| IV | Cho vay khách hàng | | 9.800.000 | 9.000.000 |
| | TỔNG TÀI SẢN CÓ | | 11.000.000 | 10.100.000 |
| B | NỢ PHẢI TRẢ VÀ VỐN CHỦ SỞ HỮU | | | |
| III | Tiền gửi và vay các tổ chức tín dụng khác | | 1.000.000 | 800.000 |
| IV | Tiền gửi của khách hàng | | 9.000.000 | 8.400.000 |
| | TỔNG NỢ PHẢI TRẢ | | 10.000.000 | 9.200.000 |
| VIII | Vốn chủ sở hữu | | 1.000.000 | 900.000 |
| | TỔNG NỢ PHẢI TRẢ VÀ VỐN CHỦ SỞ HỮU | | 11.000.000 | 10.100.000 |
"""
BANK_DEPOSITS = "9.000.000"
BANK_LIABILITIES = "10.000.000"


def write_bank_markdown(path: Path) -> Path:
    path.write_text(BANK, encoding="utf-8")
    return path


SECURITIES = """# CÔNG TY CỔ PHẦN CHỨNG KHOÁN SÔNG HỒNG GIẢ ĐỊNH

Mẫu số B 01a - CTCK (Ban hành theo Thông tư số 334/2016/TT-BTC)

BÁO CÁO TÌNH HÌNH TÀI CHÍNH GIỮA NIÊN ĐỘ tại ngày 30 tháng 6 năm 2025

| CHỈ TIÊU | Mã số | Thuyết minh | 30/6/2025 | 1/1/2025 |
| --- | --- | --- | --- | --- |
| A. TÀI SẢN NGẮN HẠN | 100 | | 800.000.000.000 | 700.000.000.000 |
| B. TÀI SẢN DÀI HẠN | 200 | | 50.000.000.000 | 60.000.000.000 |
| TỔNG CỘNG TÀI SẢN | 270 | | 850.000.000.000 | 760.000.000.000 |
| C. NỢ PHẢI TRẢ | 300 | | 350.000.000.000 | 288.000.000.000 |
| D. VỐN CHỦ SỞ HỮU | 400 | | 500.000.000.000 | 472.000.000.000 |
| TỔNG CỘNG NỢ PHẢI TRẢ VÀ VỐN CHỦ SỞ HỮU | 440 | | 850.000.000.000 | 760.000.000.000 |

Mẫu số B 02a - CTCK

BÁO CÁO KẾT QUẢ HOẠT ĐỘNG GIỮA NIÊN ĐỘ cho kỳ sáu tháng kết thúc ngày 30 tháng 6 năm 2025

| CHỈ TIÊU | Mã số | Thuyết minh | Kỳ sáu tháng kết thúc ngày 30/6/2025 | Kỳ sáu tháng kết thúc ngày 30/6/2024 |
| --- | --- | --- | --- | --- |
| Cộng doanh thu hoạt động | 20 | | 120.000.000.000 | 100.000.000.000 |
| Cộng chi phí hoạt động | 40 | | 70.000.000.000 | 60.000.000.000 |
| Chi phí quản lý công ty chứng khoán | 62 | | 15.000.000.000 | 14.000.000.000 |
| Kết quả hoạt động | 70 | | 35.000.000.000 | 26.000.000.000 |
| Tổng lợi nhuận kế toán trước thuế | 90 | | 35.000.000.000 | 26.000.000.000 |
| Chi phí thuế TNDN | 100 | | 7.000.000.000 | 5.200.000.000 |
| Lợi nhuận kế toán sau thuế TNDN | 200 | | 28.000.000.000 | 20.800.000.000 |
"""  # noqa: E501
SECURITIES_ADMIN = "15.000.000.000"
SECURITIES_PROFIT = "28.000.000.000"
SECURITIES_ASSETS = "850.000.000.000"


def write_securities_markdown(path: Path) -> Path:
    path.write_text(SECURITIES, encoding="utf-8")
    return path
