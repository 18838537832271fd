"""XLSX: a balance sheet the test writes with openpyxl reads as the statement a user sees:
its title lines as a paragraph, its table with the header and rows as printed (1.263.424.086.462,
(3.000.000), "-"), merged headers per column; hostile workbooks fail fast, naming the limit."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from ingest.document import LoadedDocument, LoaderError, Table
from ingest.loaders import load
from ingest.loaders.base import LoadOptions
from ingest.loaders.xlsx_values import format_number
from ingest.pipeline import ingest
from qa.api import answer
from tests.conftest import make_settings
from tests.hostile_files import (
    good_file,
    with_shared_strings,
    xlsx_billion_rows,
    xlsx_bytes,
    xlsx_many_cells,
    xlsx_many_shared_strings,
    xlsx_shared_strings_bomb,
)

STATEMENT_FORMAT = '#,##0;(#,##0);"-"'
HEADER = ("Chỉ tiêu", "Mã số", "Thuyết minh", "31/12/2024", "01/01/2024")
ROWS = [
    ("A. TÀI SẢN NGẮN HẠN", 100, None, 563_424_086_462, 512_000_000_000),
    ("Tiền và các khoản tương đương tiền", 110, "V.01", 12_500_000_000, -3_000_000),
    ("Dự phòng phải thu ngắn hạn khó đòi", 137, None, -1_500_000_000, 0),
    ("TỔNG CỘNG TÀI SẢN", 270, None, 1_263_424_086_462, 1_100_000_000_000),
    ("C. NỢ PHẢI TRẢ", 300, "V.10", 1_263_424_086_462.0004, 987_654_321),
]


def balance_sheet(path: Path) -> Path:
    """A balance sheet as accounting software exports it: company and title lines, the unit,
    a header row, rows of figures in the statement format, a bold total, signatures."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CDKT"
    sheet["A1"] = "CÔNG TY CỔ PHẦN SỮA VIỆT"
    sheet["A2"] = "BẢNG CÂN ĐỐI KẾ TOÁN"
    sheet.merge_cells("A2:E2")
    sheet["A3"] = "Tại ngày 31/12/2024"
    sheet["E4"] = "Đơn vị tính: VND"
    sheet.append(list(HEADER))
    for values in ROWS:
        sheet.append(list(values))
        for cell in sheet[sheet.max_row][3:5]:
            cell.number_format = STATEMENT_FORMAT
        if values[1] == 270:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.append([])
    sheet.append(["Người lập biểu", None, "Kế toán trưởng", None, "Tổng Giám đốc"])
    workbook.save(path)
    return path


def table_of(document: LoadedDocument, index: int = 0) -> Table:
    tables = [block.table for block in document.blocks if block.table is not None]
    return tables[index]


def row_of(table: Table, code: str) -> tuple[str, ...]:
    return next(row for row in table.rows if row[1] == code)


def test_balance_sheet_reads_as_its_table(tmp_path: Path) -> None:
    document = load(balance_sheet(tmp_path / "cdkt.xlsx"))

    table = table_of(document)
    assert table.title == "BẢNG CÂN ĐỐI KẾ TOÁN"
    assert table.header == HEADER
    assert row_of(table, "300") == (
        "C. NỢ PHẢI TRẢ", "300", "V.10", "1.263.424.086.462", "987.654.321",
    )  # fmt: skip
    assert row_of(table, "270")[3] == "1.263.424.086.462"  # the bold total, as any row
    assert row_of(table, "110")[4] == "(3.000.000)"  # the format's negative section
    assert row_of(table, "137")[3:] == ("(1.500.000.000)", "-")  # and its zero section
    assert row_of(table, "100")[2] == ""  # an empty cell keeps its column


def test_text_rows_are_a_paragraph_under_the_sheet_name(tmp_path: Path) -> None:
    document = load(balance_sheet(tmp_path / "cdkt.xlsx"))

    first = document.blocks[0]
    assert first.table is None
    assert first.text.split("\n") == [
        "CÔNG TY CỔ PHẦN SỮA VIỆT",
        "BẢNG CÂN ĐỐI KẾ TOÁN",
        "Tại ngày 31/12/2024",
        "Đơn vị tính: VND",
    ]
    assert {block.heading for block in document.blocks} == {"CDKT"}
    # the signatures after the blank row are text, not a row of the table
    assert document.blocks[-1].text == "Người lập biểu | Kế toán trưởng | Tổng Giám đốc"
    assert len(table_of(document).rows) == len(ROWS)
    assert document.title == "BẢNG CÂN ĐỐI KẾ TOÁN"


def test_merged_two_row_header_names_both_levels(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "KQKD"
    sheet.append(["BÁO CÁO KẾT QUẢ HOẠT ĐỘNG KINH DOANH"])
    sheet.append(["Chỉ tiêu", "Mã số", "Quý IV", None, "Lũy kế", None])
    sheet.append([None, None, "Năm 2024", "Năm 2023", "Năm 2024", "Năm 2023"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")
    sheet.merge_cells("E2:F2")
    sheet.append(["Doanh thu thuần", "10", 5_000_000, 4_000_000, 18_000_000, 15_500_000])
    path = tmp_path / "kqkd.xlsx"
    workbook.save(path)

    table = table_of(load(path))

    assert table.title == "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG KINH DOANH"
    assert table.header == (
        "Chỉ tiêu", "Mã số", "Quý IV Năm 2024", "Quý IV Năm 2023", "Lũy kế Năm 2024",
        "Lũy kế Năm 2023",
    )  # fmt: skip
    assert table.rows == (
        ("Doanh thu thuần", "10", "5.000.000", "4.000.000", "18.000.000", "15.500.000"),
    )


def test_dates_general_numbers_and_several_sheets(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Tổng hợp"
    first.append(["Chỉ tiêu", "Ngày", "Giá trị", "Tỷ lệ"])
    first.append(["Vốn điều lệ", dt.date(2024, 12, 31), 1234567, 0.125])
    first["D2"].number_format = "0.00%"
    first.append(["Năm tài chính", dt.datetime(2025, 1, 1), 2024, 12.5])
    second = workbook.create_sheet("Ghi chú")
    second["B2"] = "Số liệu đã được kiểm toán."
    path = tmp_path / "tong-hop.xlsx"
    workbook.save(path)

    document = load(path)

    table = table_of(document)
    assert table.rows[0] == ("Vốn điều lệ", "31/12/2024", "1.234.567", "12,50%")
    assert table.rows[1] == ("Năm tài chính", "01/01/2025", "2024", "12,5")  # a bare year
    assert document.blocks[-1].text == "Số liệu đã được kiểm toán."
    assert document.blocks[-1].heading == "Ghi chú"


def test_shared_strings_as_excel_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "excel.xlsx"
    data = with_shared_strings(xlsx_bytes(), "<si><t>BÁO CÁO TỔNG HỢP</t></si>".encode())
    path.write_bytes(data)

    table = table_of(load(path))

    assert table.title == "BÁO CÁO TỔNG HỢP"
    assert row_of(table, "270") == ("Tổng cộng tài sản", "270", "9.876.543", "8.765.432")


@pytest.mark.parametrize(
    ("number", "fmt", "shown"),
    [
        (1234567, "#,##0", "1.234.567"),
        (1234567, "General", "1.234.567"),
        (-1234567, "General", "-1.234.567"),
        (2024, "General", "2024"),
        (-5000, "#,##0;(#,##0)", "(5.000)"),
        (-5000, "#,##0_);(#,##0)", "(5.000)"),
        (-5000, "#,##0", "-5.000"),
        (-5000, "#,##0;-#,##0", "-5.000"),
        (0, '#,##0;(#,##0);"-"', "-"),
        (0, '_(* #,##0_);_(* \\(#,##0\\);_(* "-"??_);_(@_)', "-"),
        (-42, '_(* #,##0_);_(* \\(#,##0\\);_(* "-"??_);_(@_)', "(42)"),
        (1234.5, "#,##0.00", "1.234,50"),
        (0.125, "0.0%", "12,5%"),
        (1263424086461.9998, "#,##0", "1.263.424.086.462"),
        (301234567, "0000000000", "0301234567"),
        (-0.2, "#,##0", "0"),
    ],
)
def test_numbers_as_the_format_prints_them(number: float, fmt: str, shown: str) -> None:
    assert format_number(number, fmt) == shown


def error_of(path: Path, options: LoadOptions | None = None) -> str:
    with pytest.raises(LoaderError) as caught:
        load(path, options)
    return str(caught.value)


def test_not_a_zip_is_an_old_xls(tmp_path: Path) -> None:
    path = tmp_path / "cu.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))

    message = error_of(path)
    assert "XLSX" in message and ".xls" in message and "cu.xlsx" in message


def test_truncated_xlsx_is_corrupt(tmp_path: Path) -> None:
    whole = balance_sheet(tmp_path / "day-du.xlsx").read_bytes()
    cut = tmp_path / "cat.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])

    message = error_of(cut)
    assert "corrupt XLSX" in message and "cat.xlsx" in message


def test_workbook_without_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "trong.xlsx"
    openpyxl.Workbook().save(path)

    assert "empty" in error_of(path)


def test_claimed_billion_rows_fail_before_reading(tmp_path: Path) -> None:
    path = xlsx_billion_rows(tmp_path)
    started = time.perf_counter()

    message = error_of(path)

    assert time.perf_counter() - started < 2
    assert "HOIDAP_INGEST_MAX_ROWS" in message and "1.000.000.000" in message


def test_cells_past_the_limit_fail_naming_it(tmp_path: Path) -> None:
    path = xlsx_many_cells(tmp_path, cells=6_000)

    message = error_of(path, LoadOptions(max_cells=5_000))

    assert "HOIDAP_INGEST_MAX_CELLS" in message and "5.000" in message
    assert len(load(path, LoadOptions(max_cells=7_000)).blocks) >= 1


def test_rows_past_the_limit_fail_naming_it(tmp_path: Path) -> None:
    path = xlsx_many_cells(tmp_path, cells=6_000)

    assert "HOIDAP_INGEST_MAX_ROWS" in error_of(path, LoadOptions(max_rows=500))


def test_a_row_numbered_a_billion_is_not_a_billion_rows(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Ghi chú cuối bảng"
    sheet.cell(row=1_000_000, column=1, value="Dòng cuối cùng của trang tính")
    path = tmp_path / "dong-xa.xlsx"
    workbook.save(path)
    started = time.perf_counter()

    document = load(path)

    assert time.perf_counter() - started < 2
    assert "Dòng cuối cùng" in document.text


def test_shared_strings_are_counted_before_they_are_loaded(tmp_path: Path) -> None:
    path = xlsx_many_shared_strings(tmp_path, strings=3_000)

    message = error_of(path, LoadOptions(max_cells=2_000))

    assert "sharedStrings" in message and "HOIDAP_INGEST_MAX_CELLS" in message
    assert "3.001" in message


def test_shared_strings_bomb_is_refused_unopened(tmp_path: Path) -> None:
    path = xlsx_shared_strings_bomb(tmp_path, inflated_mb=40)

    message = error_of(path, LoadOptions(max_unzipped_mb=32))

    assert "HOIDAP_INGEST_MAX_UNZIPPED_MB" in message and "xl/sharedStrings.xml" in message


def test_a_balance_sheet_beside_hostile_workbooks_is_answerable(tmp_path: Path) -> None:
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    good = balance_sheet(folder / "cdkt.xlsx")
    text = good_file(folder)
    bomb = xlsx_many_shared_strings(folder, strings=3_000)
    claims = xlsx_billion_rows(folder, cells=600)
    settings = make_settings(tmp_path / "data", ingest_max_cells=2_000)

    report = ingest([folder], settings=settings)

    assert set(report.added) == {str(good.resolve()), str(text.resolve())}
    failed = dict(report.failed)
    assert "HOIDAP_INGEST_MAX_CELLS" in failed[str(bomb.resolve())]
    assert "HOIDAP_INGEST_MAX_ROWS" in failed[str(claims.resolve())]
    result = answer("Nợ phải trả mã số 300 tại ngày 31/12/2024 là bao nhiêu?", settings=settings)
    assert "1.263.424.086.462" in result.text
