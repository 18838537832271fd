"""A question about a line of a financial table gets the cell it asks for, saying which row and
column it is; a row the table does not have, or a period it has no column for, gets an
abstention, never a neighbouring figure."""

from __future__ import annotations

import pytest

from ingest.document import CELL_SEPARATOR, Table
from ingest.pipeline import ingest
from qa.api import answer
from qa.table_answer import regrouped, table_answer, well_formed
from qa.types import Source
from tests.conftest import make_settings
from tests.report_files import write_docx, write_text_pdf

OTHER_COMPANY = """# Báo cáo tài chính của Công ty XYZMILK

Công ty Cổ phần XYZMILK công bố báo cáo tài chính quý II năm 2025.

BẢNG CÂN ĐỐI KẾ TOÁN tại ngày 30 tháng 6 năm 2025

| Chỉ tiêu | Mã số | Thuyết minh | 30/6/2025 | 1/1/2025 |
|---|---|---|---|---|
| Hàng tồn kho | 140 | V.5 | 901.220.117.004 | 877.301.554.120 |
| Tổng cộng tài sản | 270 | | 9.870.552.301.447 | 9.650.118.004.335 |
"""


@pytest.fixture(scope="module")
def statements(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("tables")
    folder = root / "reports"
    folder.mkdir()
    write_docx(folder / "bao-cao-hbmilk.docx")
    write_text_pdf(folder / "kqkd-hbmilk.pdf")
    (folder / "xyzmilk.md").write_text(OTHER_COMPANY, encoding="utf-8")
    settings = make_settings(root / "data")
    report = ingest([folder], settings=settings)
    assert len(report.added) == 3, report.failed
    return settings


ASKED = [
    # row × column
    ("Hàng tồn kho của HBMILK tại ngày 1/1/2025 là bao nhiêu?", "5.117.640.220.184"),
    ("Hàng tồn kho của HBMILK tại ngày 30/6/2025 là bao nhiêu?", "6.204.318.775.931"),
    ("Tiền và các khoản tương đương tiền của HBMILK đầu năm là bao nhiêu?", "1.108.002.331.907"),
    ("Chi phí bán hàng quý II năm 2024 của HBMILK là bao nhiêu?", "3.285.770.415.332"),
    ("Chi phí bán hàng quý II năm 2025 của HBMILK là bao nhiêu?", "3.402.118.663.905"),
    ("Doanh thu bán hàng và cung cấp dịch vụ lũy kế 6 tháng năm 2025 của HBMILK?",
     "28.774.310.925.118"),
    ("Lợi nhuận sau thuế thu nhập doanh nghiệp 6 tháng đầu năm 2024 của HBMILK là bao nhiêu?",
     "4.410.332.907.115"),
    # typed without diacritics
    ("hang ton kho cua HBMILK tai ngay 30/6/2025 la bao nhieu", "6.204.318.775.931"),
    # the other company's statement, same row label
    ("Hàng tồn kho của XYZMILK tại ngày 30/6/2025 là bao nhiêu?", "901.220.117.004"),
    ("Tổng cộng tài sản của XYZMILK cuối quý là bao nhiêu?", "9.870.552.301.447"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "figure"), ASKED)
def test_the_cell_asked_for(statements, question: str, figure: str) -> None:  # type: ignore[no-untyped-def]
    result = answer(question, settings=statements)

    assert not result.abstained, result.note
    assert figure in result.text
    cited = int(result.text.split("[")[1].split("]")[0])
    assert figure.replace(".", "") in result.sources[cited - 1].text.replace(".", "")


def test_a_row_only_question_gets_the_first_figure_column_named(statements) -> None:  # type: ignore[no-untyped-def]
    result = answer("Hàng tồn kho của HBMILK là bao nhiêu?", settings=statements)

    assert not result.abstained
    # the statement model answers: the line at the end of the period, the opening beside it
    assert "Hàng tồn kho (mã số 140), cuối kỳ, ngày 30/06/2025: 6.204.318.775.931" in result.text
    assert "01/01/2025: 5.117.640.220.184" in result.text


def test_a_row_the_table_does_not_have_abstains(statements) -> None:  # type: ignore[no-untyped-def]
    result = answer("Chi phí lãi vay của HBMILK quý II năm 2025 là bao nhiêu?", settings=statements)

    assert result.abstained
    for figure in ("3.402.118.663.905", "6.204.318.775.931", "2.310.447.802.554"):
        assert figure not in result.text


def test_a_period_no_column_has_abstains(statements) -> None:  # type: ignore[no-untyped-def]
    question = "Hàng tồn kho của HBMILK tại ngày 31/12/2023 là bao nhiêu?"
    result = answer(question, settings=statements)

    assert result.abstained
    assert "6.204.318.775.931" not in result.text


def source(text: str, header: tuple[str, ...]) -> Source:
    """A retrieved chunk of a table as ingest stores it: ``text`` (a title line without
    cells, then one line a row) and the same rows as data, which the answerer reads."""
    lines = text.split("\n")
    title = lines[0] if CELL_SEPARATOR not in lines[0] else ""
    rows = tuple(tuple(c.strip() for c in line.split("|")) for line in lines if "|" in line)
    table = Table(title, header, rows).held(range(len(rows)))
    return Source("bctc.pdf", "BCTC", 4, "c1", 1.0, text, table=table)


def test_a_passage_without_its_rows_as_data_is_no_table() -> None:
    """Rows are read from the stored data, never from the text: a chunk of an index built
    before tables were stored as data is left to the other answerers until re-ingested."""
    header = ("Chỉ tiêu", "Quý II năm 2025", "Quý II năm 2024")
    text = "Kết quả kinh doanh\nChi phí bán hàng | 3.402.118.663.905 | 3.285.770.415.332"
    question = "Chi phí bán hàng quý II năm 2025 là bao nhiêu?"
    typed = source(text, header)
    assert typed.table_header == header
    result = table_answer(question, [typed])
    assert result is not None and "3.402.118.663.905 [1]" in result.text
    assert result.quotes == ["Chi phí bán hàng | 3.402.118.663.905 | 3.285.770.415.332"]

    text_only = Source("bctc.pdf", "BCTC", 4, "c1", 1.0, text, table_header=header)
    assert table_answer(question, [text_only]) is None


def test_an_ocr_damaged_figure_is_not_stated() -> None:
    header = ("Chỉ tiêu", "Mã số", "Quý II năm 2025", "Quý II năm 2024")
    text = (
        "Báo cáo kết quả kinh doanh quý II năm 2025\n"
        "Chỉ tiêu | Mã số | Quý II năm 2025 | Quý II năm 2024\n"
        "Chi phí bán hàng | 25 | 3.71143474500232 | 3.574.887.401.068"
    )
    result = table_answer("Chi phí bán hàng quý II năm 2025 là bao nhiêu?", [source(text, header)])

    assert result is not None and result.abstained
    assert result.note and "OCR" in result.note


def test_a_figure_that_lost_only_a_separator_is_stated_with_it_put_back() -> None:
    header = ("Chỉ tiêu", "Mã số", "Quý II năm 2025", "Quý II năm 2024", "Lũy kế 2025")
    text = (
        "Báo cáo kết quả kinh doanh quý II năm 2025\n"
        "Lợi nhuận kế toán trước thuế | 50 | 3.096.088.533277 | 3.308.642.928.230"
        " | 5.047384.728.800"
    )
    question = "Lợi nhuận kế toán trước thuế quý II năm 2025 là bao nhiêu?"
    result = table_answer(question, [source(text, header)])

    assert result is not None and not result.abstained, result
    assert "3.096.088.533.277 [1]" in result.text
    assert result.note and "3.096.088.533277" in result.note  # the reader is told


def test_two_cells_read_as_one_figure_are_not_regrouped_into_one() -> None:
    header = ("Chỉ tiêu", "Quý II năm 2025", "Quý II năm 2024")
    text = (
        "Kết quả kinh doanh\nDoanh thu tài chính | 376.333.100451372.183.676.511 | 372.183.676.511"
    )
    result = table_answer(
        "Doanh thu tài chính quý II năm 2025 là bao nhiêu?", [source(text, header)]
    )

    assert result is not None and result.abstained and result.note and "OCR" in result.note


def test_regrouped_puts_back_only_certain_separators() -> None:
    row = ("Chi phí", "462.271.916.899", "455.702.658.579")
    assert regrouped("455.702658.579", row) == "455.702.658.579"
    assert regrouped("(17.130.282473)", row) == "(17.130.282.473)"
    assert regrouped("3.71143474500232", row) is None  # 14 digits after the first dot
    assert regrouped("64294.446.778", row) is None  # a first group of five
    assert regrouped("455.702658.579", ("Chi phí", "455.702658.579")) is None  # nothing to compare


@pytest.mark.parametrize(
    "label", ["B. Vốn chủ sở hữu (400=410+430)", "I. Vốn chủ sở hữu V.22", "a) Vốn chủ sở hữu"]
)
def test_a_row_numbered_with_a_letter_or_carrying_its_note_code_is_found(label: str) -> None:
    header = ("Chỉ tiêu", "Mã số", "Số cuối quý", "Số đầu năm")
    text = f"Đơn vị tính: Đồng\n{label} | 400 | 1 256 445 745 860 | 1 282 003 432 436"
    question = "Vốn chủ sở hữu cuối quý 2 năm 2025 là bao nhiêu?"
    result = table_answer(question, [source(text, header)])

    assert result is not None and not result.abstained, result
    assert "Số cuối quý: 1 256 445 745 860 [1]" in result.text


def test_a_total_row_labelled_only_so_is_no_answer_to_a_question_about_a_number() -> None:
    header = ("Chỉ tiêu", "30/6/2025 VND", "30/6/2024 VND")
    text = (
        "Chi phí tài chính\n"
        "Chi phí lãi vay | 160.359.539.297 | 150.689.872.732\n"
        "Số | 151.313.000.604 | 190.168.942.370"
    )
    question = "Giấy chứng nhận đăng ký doanh nghiệp của công ty có số là gì?"

    assert table_answer(question, [source(text, header)]) is None


def test_a_why_question_is_not_answered_with_a_cell() -> None:
    header = ("Chỉ tiêu", "Quý 02 Năm nay", "Quý 02 Năm trước")
    text = "Kết quả kinh doanh\nDoanh thu hoạt động tài chính | 10 957 783 131 | 8 680 311 261"
    question = "Vì sao doanh thu hoạt động tài chính quý 2 năm 2025 tăng?"

    assert table_answer(question, [source(text, header)]) is None


def test_well_formed_figures() -> None:
    assert well_formed("1 410 126 517 617")
    assert well_formed("7.047.730.548.255")
    assert well_formed("(22.163.690.251)")
    assert well_formed("455702658579")
    assert not well_formed("3.71143474500232")
    assert not well_formed("16.655787772473")
