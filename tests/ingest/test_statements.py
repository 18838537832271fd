"""Statements read from tables, and checked by their own arithmetic (ingest/statements).

Made-up statements of the Circular 200 form; each test fails on a reader that takes cells
at face value: a broken OCR figure recovered, an empty total derived, a contradiction
never stated, a statement cut over two tables or sharing one.
"""

from __future__ import annotations

from datetime import date

import pytest

from hoidap.knowledge import statement_templates
from hoidap.vietnamese import parse_figure
from ingest.document import Block, LoadedDocument, Table
from ingest.statements import build_statements
from ingest.statements.checks import check_column
from ingest.statements.labels import clean_label, code_of, formula_code
from ingest.statements.periods import read_period
from store.statements import CONTRADICTED, DERIVED, READ, RECOVERED, VERIFIED, Cell
from tests import statement_files as sf

HEADER = ("Chỉ tiêu", "Mã số", "Thuyết minh", "31/3/2025", "1/1/2025")


def nowhere(table: Table, row: int) -> tuple[int | None, str | None]:
    return None, None


def document(*blocks: Block) -> LoadedDocument:
    cover = [Block(line) for line in sf.COVER]
    return LoadedDocument("GTL", [*cover, *blocks])


def balance(
    rows: tuple[tuple[str, ...], ...] = sf.BALANCE, header: tuple[str, ...] = HEADER
) -> Block:
    return Block("table", table=Table(sf.BALANCE_TITLE, header, rows))


def line_cells(doc: LoadedDocument, key: str, kind: str = "balance_sheet") -> tuple[Cell, ...]:
    built = build_statements(doc, "gtl.md", "gtl.md", nowhere)
    statement = next(s for s in built.statements if s.kind == kind)
    line = statement.line(key)
    assert line is not None, f"line {key} not read"
    return line.cells


def replaced(code: str, end: str) -> tuple[tuple[str, ...], ...]:
    return tuple((r[0], r[1], r[2], end, r[4]) if r[1] == code else r for r in sf.BALANCE)


def test_every_line_is_keyed_by_its_code_and_verified() -> None:
    cells = line_cells(document(balance()), "300")
    assert cells[0].value == 20_200_300_400 and cells[0].status == VERIFIED
    assert cells[1].value == 20_000_500_600


def test_an_ocr_misread_figure_is_recovered_and_says_so() -> None:
    # OCR read 20.206.300.400: well formed, wrong; 440 − 400 and 310 + 330 say otherwise
    cells = line_cells(document(balance(replaced("300", "20.206.300.400"))), "300")
    assert cells[0].status == RECOVERED
    assert cells[0].value == 20_200_300_400 and cells[0].text == "20.206.300.400"
    assert cells[0].check


def test_a_lost_separator_is_recovered_by_an_identity() -> None:
    cells = line_cells(document(balance(replaced("140", "8.765.432109"))), "140")
    assert cells[0].status in (RECOVERED, VERIFIED) and cells[0].value == 8_765_432_109


def test_an_empty_total_is_derived_and_labelled() -> None:
    cells = line_cells(document(balance(replaced("300", ""))), "300")
    assert cells[0].status == DERIVED and cells[0].value == 20_200_300_400


def test_a_missing_grand_total_is_derived_from_its_twin() -> None:
    rows = tuple(r for r in sf.BALANCE if r[1] != "270")
    cells = line_cells(document(balance(rows)), "270")
    assert cells[0].status in (DERIVED, VERIFIED) and cells[0].value == 51_611_361_135


def test_a_contradiction_is_never_stated() -> None:
    templates = {t.id: t for t in statement_templates() if t.family == "corporate"}
    identities = tuple(i for i in templates["balance_sheet"].identities if i.total == "270")
    read = {
        "100": Cell(21_111_111_010, "21.111.111.010", READ),
        "200": Cell(30_500_250_125, "30.500.250.125", READ),
        "270": Cell(99_999_999_999, "99.999.999.999", READ),
    }
    checked = check_column(read, identities, {})
    assert {checked[k].status for k in read} == {CONTRADICTED}
    assert not any(checked[k].stated for k in read)


def test_a_statement_cut_over_two_tables_is_one_statement() -> None:
    first = balance(sf.BALANCE[:5])
    # the second page's table starts with a data row its tool took for a header
    second = Block("table", table=Table("", sf.BALANCE[5], sf.BALANCE[6:]))
    cells = line_cells(document(first, second), "440")
    assert cells[0].value == 51_611_361_135 and cells[0].status == VERIFIED
    assert line_cells(document(first, second), "300")[0].status == VERIFIED


def test_two_statements_in_one_table_are_cut_apart() -> None:
    rows = (*sf.BALANCE, ("", sf.INCOME_TITLE, "", "", ""), sf.INCOME_HEADER, *sf.INCOME)
    doc = document(balance(rows))
    assert line_cells(doc, "60", "income_statement")[0].value == 5_120_000_000
    assert line_cells(doc, "300")[0].value == 20_200_300_400


def test_markup_and_glued_formulas_leave_the_label() -> None:
    assert clean_label("**C. NỢ PHẢI TRẢ(300=310+330)**") == "NỢ PHẢI TRẢ"
    assert formula_code("A- TÀI SẢN NGẮN HẠN(100=110+120+130+140+150)") == "100"
    assert clean_label("2. Dự phòng giảm giá chứng khoán kinh doanh (\\*)") == (
        "Dự phòng giảm giá chứng khoán kinh doanh"
    )
    assert code_of("l4I", {"141"}) == "141"  # OCR's letters for digits


@pytest.mark.parametrize(
    ("header", "role", "months", "end"),
    [
        ("Quý 4<br/>Năm nay", "current", 3, "2024-12-31"),
        ("Quý 4 Năm trước", "prior", 3, "2023-12-31"),
        ("Lũy kế từ đầu năm đến cuối quý này Năm nay", "current", 12, "2024-12-31"),
        ("Từ 1/10/2024 đến 31/12/2024 VND", "current", 3, "2024-12-31"),
        ("Kỳ sáu tháng kết thúc ngày 30/6/2024 Triệu VND", "prior", 6, "2024-06-30"),
    ],
)
def test_period_headers(header: str, role: str, months: int, end: str) -> None:
    period = read_period(header.replace("<br/>", " "), "period", date(2024, 12, 31))
    assert (period.role, period.months, period.end) == (role, months, end)


def test_the_report_card() -> None:
    built = build_statements(document(balance()), "gtl.md", "gtl.md", nowhere)
    assert built.card.company and "Thạch Lam" in built.card.company.title()
    assert built.card.ticker == sf.TICKER
    assert built.card.period_end == "2025-03-31"


def test_a_figure_ocr_garbled_is_recovered_when_an_identity_gives_its_digits() -> None:
    templates = {t.id: t for t in statement_templates() if t.family == "corporate"}
    identities = tuple(i for i in templates["income_statement"].identities if i.total == "30")
    # 30 = 20 + 21 − 22 + 24 − 25 − 26, read from a scan whose seal garbled line 25
    cells = {
        "20": "7.000.000.000.000", "21": "376.333.100.451", "22": "109.547.632.124",
        "24": "3.760.327.370", "25": "3.71143474500232", "26": "462.271.916.899",
        "30": "3.096.926.378.566",
    }  # fmt: skip
    read = {}
    for key, text in cells.items():
        figure = parse_figure(text)
        assert figure is not None
        read[key] = Cell(figure.value, text, "regrouped" if figure.regrouped else READ)
    checked = check_column(read, identities, {})
    assert checked["25"].status == RECOVERED and checked["25"].value == 3_711_347_500_232
    wrong = dict(read, **{"25": Cell(9_000_000_000_000, "9.000.000.000.000", READ)})
    assert not check_column(wrong, identities, {})["25"].stated  # no resemblance: contradicted
