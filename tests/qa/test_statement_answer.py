"""Statements as data, as a user meets them: the same statement in every format a user holds
answers the same line, ratio, change and report questions, with the figure of the asked
line and its citation; periods the report does not cover, and ratios missing an input,
abstain with the reason. Real readers, real OCR (Tesseract) for the scan, real embedding
model and Chroma for the index.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hoidap.report_eval import contains_gold
from ingest import ingest
from qa import answer
from qa.reasons import Reason
from tests import statement_files as sf
from tests.conftest import make_settings

WRITERS: dict[str, Callable[[Path], Path]] = {
    "md-pipe": lambda d: sf.write_markdown_pipe(d / "gtl-q1-2025.md"),
    "md-html": lambda d: sf.write_markdown_html(d / "gtl-q1-2025.md"),
    "docx": lambda d: sf.write_docx(d / "gtl-q1-2025.docx"),
    "xlsx": lambda d: sf.write_xlsx(d / "gtl-q1-2025.xlsx"),
    "text-pdf": lambda d: sf.write_text_pdf(d / "gtl-q1-2025.pdf"),
    "scan-pdf": lambda d: sf.write_scanned_pdf(d / "gtl-q1-2025.pdf"),
}


@pytest.fixture(scope="module", params=sorted(WRITERS))
def statement(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(request.param)
    path = WRITERS[request.param](folder)
    settings = make_settings(folder / "data")
    report = ingest([str(path)], settings=settings)
    assert not report.failed, report.failed
    return settings, path


def figure_in(figure: str, text: str) -> bool:
    """The figure is in the text, digit by digit (1.234 = 1,234 = 1 234)."""
    return contains_gold(text, [figure])


def ask(settings, question: str):
    return answer(question, settings=settings)


def test_a_bare_line_question_gets_the_line_at_the_period_end(statement) -> None:
    settings, path = statement
    got = ask(settings, "nợ phải trả là bao nhiêu")
    assert not got.abstained
    assert figure_in(sf.LIABILITIES, got.text)
    assert "31/03/2025" in got.text  # the period is named
    assert figure_in("20.000.500.600", got.text)  # the opening figure beside it
    assert got.sources and Path(got.sources[0].source).name == path.name


def test_no_diacritics_and_typos_find_the_line(statement) -> None:
    settings, _ = statement
    assert figure_in(sf.TOTAL_ASSETS, ask(settings, "tong tai san la bao nhieu").text)
    assert figure_in(sf.CURRENT_ASSETS, ask(settings, "tài sẳn ngắn hạn lafbao nhiêu").text)


def test_a_ratio_is_computed_with_its_formula_and_inputs(statement) -> None:
    settings, _ = statement
    got = ask(settings, "tính ROE")
    assert not got.abstained
    assert sf.ROE in got.text
    assert figure_in(sf.PROFIT, got.text) and figure_in("31.411.060.735", got.text)


def test_a_change_against_the_opening_balance(statement) -> None:
    settings, _ = statement
    got = ask(settings, "hàng tồn kho giảm bao nhiêu so với đầu năm")
    assert figure_in(sf.INVENTORY_DROP, got.text) and "giảm" in got.text


def test_a_year_on_a_quarterly_report_is_labelled_not_invented(statement) -> None:
    settings, _ = statement
    got = ask(settings, "lợi nhuận sau thuế năm 2025")
    assert figure_in(sf.PROFIT, got.text)
    assert "quý 1/2025" in got.text
    later = ask(settings, "lợi nhuận sau thuế năm 2026")
    assert later.abstained and later.reasons == (Reason.PERIOD_NOT_COVERED,)
    assert later.note and "2026" in later.note


def test_the_report_card(statement) -> None:
    settings, _ = statement
    assert "Thạch Lam" in ask(settings, "tên công ty là gì").text.title()
    assert sf.TICKER in ask(settings, "ma chung khoan cua cong ty").text
    assert "Quý 1 năm 2025" in ask(settings, "báo cáo này là quý mấy").text


def test_a_share_price_is_not_in_a_statement(statement) -> None:
    settings, _ = statement
    got = ask(settings, "giá cổ phiếu GTL hiện nay là bao nhiêu")
    assert got.answerer != "statements"


def test_bank_lines_are_found_by_label(tmp_path: Path) -> None:
    path = sf.write_bank_markdown(tmp_path / "bank-6t-2025.md")
    settings = make_settings(tmp_path / "data")
    ingest([str(path)], settings=settings)
    got = ask(settings, "tiền gửi của khách hàng cuối kỳ")
    assert figure_in(sf.BANK_DEPOSITS, got.text) and "triệu" in got.text
    assert figure_in(sf.BANK_LIABILITIES, ask(settings, "tổng nợ phải trả").text)
    ratio = ask(settings, "tỷ lệ cho vay trên tiền gửi khách hàng")
    assert "108,89" in ratio.text  # 9.800.000 / 9.000.000


def test_a_ratio_without_its_input_abstains_with_the_reason(tmp_path: Path) -> None:
    path = sf.write_bank_markdown(tmp_path / "bank-6t-2025.md")
    settings = make_settings(tmp_path / "data")
    ingest([str(path)], settings=settings)
    got = ask(settings, "tính ROE")
    assert got.abstained and got.reasons == (Reason.RATIO_INPUT_MISSING,)
    assert got.note and "ROE" in got.note


def test_a_balance_date_the_report_lacks_is_said(statement) -> None:
    settings, _ = statement
    year_end = ask(settings, "tổng tài sản cuối năm 2024")  # the opening balance of 1/1/2025
    assert contains_gold(year_end.text, ["50.111.333.555"]) and "01/01/2025" in year_end.text
    older = ask(settings, "tổng tài sản năm 2022")
    assert older.abstained and older.reasons == (Reason.BALANCE_NOT_COVERED,)
    assert older.note and "2022" in older.note


def test_securities_firm_lines_by_their_own_codes(tmp_path: Path) -> None:
    path = sf.write_securities_markdown(tmp_path / "ctck-6t-2025.md")
    settings = make_settings(tmp_path / "data")
    ingest([str(path)], settings=settings)
    admin = ask(settings, "Chí phí quản lý công ty chứng khoán")  # typed as a user did
    assert figure_in(sf.SECURITIES_ADMIN, admin.text) and "mã số 62" in admin.text
    assert figure_in(sf.SECURITIES_PROFIT, ask(settings, "lợi nhuận sau thuế").text)
    assert figure_in(sf.SECURITIES_ASSETS, ask(settings, "tổng tài sản").text)


def test_every_format_reads_the_same_lines(statement) -> None:
    from store.index import get_index

    settings, _ = statement
    (built,) = get_index(settings).statements.all().values()
    balance = next(s for s in built.statements if s.kind == "balance_sheet")
    read = {line.key: line.cells[0].value for line in balance.lines if line.cells[0].stated}
    printed = {code: int(end.replace(".", "")) for _, code, _, end, _ in sf.BALANCE}
    assert {k: read.get(k) for k in printed} == printed
    assert built.card.period_end == "2025-03-31"


def test_several_companies_get_a_line_each_and_a_ticker_picks_one(tmp_path: Path) -> None:
    sf.write_markdown_pipe(tmp_path / "gtl-q1-2025.md")
    sf.write_bank_markdown(tmp_path / "bank-6t-2025.md")
    settings = make_settings(tmp_path / "data")
    ingest([str(tmp_path)], settings=settings)
    both = ask(settings, "tổng tài sản là bao nhiêu")
    assert figure_in(sf.TOTAL_ASSETS, both.text) and figure_in("11.000.000", both.text)
    assert {s.source for s in both.sources} == {"gtl-q1-2025.md", "bank-6t-2025.md"}
    one = ask(settings, "tổng tài sản của GTL")
    assert figure_in(sf.TOTAL_ASSETS, one.text) and not figure_in("11.000.000", one.text)


def test_a_company_named_in_vietnamese_words_picks_its_report(tmp_path: Path) -> None:
    sf.write_markdown_pipe(tmp_path / "gtl-q1-2025.md")
    sf.write_bank_markdown(tmp_path / "bank-6t-2025.md")
    settings = make_settings(tmp_path / "data")
    ingest([str(tmp_path)], settings=settings)
    got = ask(settings, "tổng tài sản của Gốm Sứ Thạch Lam là bao nhiêu")
    assert figure_in(sf.TOTAL_ASSETS, got.text) and not figure_in("11.000.000", got.text)
    bank = ask(settings, "tong tai san cua ngan hang Phuong Nam")
    assert figure_in("11.000.000", bank.text) and not figure_in(sf.TOTAL_ASSETS, bank.text)
