"""Questions about some of the reports in a library: names, globs, companies and tickers
resolve to documents, and nothing outside the scope is ever retrieved (embedded Chroma, a
Chroma server, BM25); several reports in scope answer a statement line per report, with
its figures as data; two companies are compared; an unknown name says what is close."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hoidap import cli
from hoidap.settings import Settings
from ingest import ingest
from qa import Chat, answer, as_retriever
from qa.chain import prepare_question
from qa.figures import figures_csv
from qa.retriever import HybridRetriever
from qa.scope import UnknownDocumentError, resolve_documents
from store.index import get_index
from tests import scope_files
from tests import statement_files as sf
from tests.conftest import SAMPLE, STORE_MODES, store_settings

pytestmark = pytest.mark.parametrize("store_mode", STORE_MODES, indirect=True)

NAMES = ["gtl-q1-2025.md", "hpg-q1-2025.md", "sda-q1-2025.md", "can-tho.txt"]
QUESTIONS = [
    "nợ phải trả là bao nhiêu",
    "Lợi nhuận sau thuế của Hòa Phát",
    "Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?",
    "tong tai san cuoi ky",
    "Công ty Gốm Sứ Thạch Lam có mã chứng khoán gì?",
]
SCOPES = [["HPG"], ["can-tho.txt"], ["gtl-q1-2025", "Sông Đà"], ["*.md"]]


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory, store_mode: str, request: pytest.FixtureRequest
) -> Settings:
    folder = tmp_path_factory.mktemp("scope-library")
    scope_files.write_library(folder / "reports")
    shutil.copy(SAMPLE, folder / "reports" / "can-tho.txt")
    settings = store_settings(folder / "data", store_mode, request)
    report = ingest([str(folder / "reports")], settings=settings)
    assert not report.failed and len(report.added) == 4
    return settings


def _names(settings: Settings, scope: frozenset[str]) -> set[str]:
    return {Path(s).name for s in scope}


def test_names_globs_companies_and_tickers_resolve(library: Settings) -> None:
    index = get_index(library)
    assert _names(library, resolve_documents(index, ["hpg-q1-2025.md"])) == {"hpg-q1-2025.md"}
    assert _names(library, resolve_documents(index, ["HPG-Q1-2025"])) == {"hpg-q1-2025.md"}
    assert _names(library, resolve_documents(index, ["hpg"])) == {"hpg-q1-2025.md"}
    assert _names(library, resolve_documents(index, ["Hoa Phat"])) == {"hpg-q1-2025.md"}
    assert _names(library, resolve_documents(index, ["*.md"])) == set(NAMES[:3])
    both = resolve_documents(index, ["Thạch Lam", "sda-q1-2025.md"])
    assert _names(library, both) == {"gtl-q1-2025.md", "sda-q1-2025.md"}
    assert resolve_documents(index, None) is None and resolve_documents(index, []) is None


def test_an_unknown_name_is_an_error_listing_close_matches(library: Settings) -> None:
    with pytest.raises(UnknownDocumentError) as raised:
        answer("nợ phải trả là bao nhiêu", settings=library, documents=["hpg-q1-2052.md"])
    assert "hpg-q1-2025.md" in str(raised.value) and "hpg-q1-2052.md" in str(raised.value)
    with pytest.raises(UnknownDocumentError, match="HPG"):
        answer("nợ phải trả", settings=library, documents=["HPGG"])
    with pytest.raises(UnknownDocumentError, match="no close match"):
        as_retriever(documents=["zzzzqqq"], settings=library).invoke("tổng tài sản")


@pytest.mark.parametrize("names", SCOPES, ids=["ticker", "file", "two", "glob"])
def test_retrieval_with_a_scope_never_returns_a_chunk_outside_it(
    library: Settings, names: list[str]
) -> None:
    index = get_index(library)
    scope = resolve_documents(index, names)
    assert scope is not None
    shown = _names(library, scope)
    retriever = HybridRetriever(index, library)
    allowed = frozenset(
        cid
        for source, record in index.manifest().documents.items()
        if source in scope
        for cid in record.chunk_ids
    )
    for question in QUESTIONS:
        text = prepare_question(question)
        found = retriever.retrieve(text, k=8, scope=scope)
        assert found.scope == scope
        assert {s.source for s in found.sources + found.table_candidates} <= shown
        # each side on its own: Chroma's filter (embedded or server) and BM25's
        dense = index.dense_search(text, 50, sources=scope)
        assert dense and {h.metadata["source"] for h in dense} <= scope
        for folded in (False, True):
            hits = index.lexical_search(text, 50, folded=folded, allowed=allowed)
            assert {cid for cid, _ in hits} <= allowed
        docs = as_retriever(k=8, settings=library, documents=names).invoke(question)
        assert {d.metadata["source"] for d in docs} <= shown


def test_one_report_in_scope_answers_from_it(library: Settings) -> None:
    got = answer("nợ phải trả là bao nhiêu", settings=library, documents=["HPG"])
    assert scope_files.scaled(sf.LIABILITIES, 3) in got.text
    assert sf.LIABILITIES not in got.text
    assert {Path(s.source).name for s in got.sources} == {"hpg-q1-2025.md"}
    profit = answer("Lợi nhuận sau thuế", settings=library, documents=["Hòa Phát"])
    assert scope_files.scaled(sf.PROFIT, 3) in profit.text and sf.PROFIT not in profit.text


def test_several_reports_in_scope_get_a_line_each_with_figures_as_data(
    library: Settings,
) -> None:
    got = answer("nợ phải trả là bao nhiêu", settings=library, documents=["*.md"])
    assert got.answerer == "statements"
    for stem, (_, ticker, factor) in scope_files.COMPANIES.items():
        assert scope_files.scaled(sf.LIABILITIES, factor) in got.text, stem
        assert ticker in got.text
    asked = [f for f in got.figures if f.asked]
    assert len(asked) == 3 and {f.ticker for f in asked} == {"GTL", "HPG", "SDA"}
    for figure in asked:  # each figure cites the source of its own report
        assert Path(got.sources[figure.citation - 1].source).name == figure.document
    rows = figures_csv(got.figures).splitlines()
    assert rows[0].startswith("company,ticker,document,line,period,figure")
    assert len(rows) == 1 + len(got.figures) and any("60600901200" in r for r in rows)
    assert got.to_json()["figures"]


def test_a_narrative_question_names_the_report_it_is_answered_from(library: Settings) -> None:
    got = answer(
        "Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?",
        settings=library,
        documents=["can-tho.txt", "HPG"],
    )
    assert "1.700" in got.text
    assert got.note and "can-tho.txt" in got.note


def test_two_companies_are_compared_with_difference_and_change(library: Settings) -> None:
    got = answer("So sánh lợi nhuận sau thuế", settings=library, documents=["HPG", "SDA"])
    assert scope_files.scaled(sf.PROFIT, 3) in got.text
    assert scope_files.scaled(sf.PROFIT, 2) in got.text
    assert "Chênh lệch" in got.text and "5.120.000.000" in got.text and "33,33 %" in got.text


def test_a_conversation_keeps_its_scope(library: Settings) -> None:
    chat = Chat(settings=library, documents=["SDA"])
    first = chat.ask("nợ phải trả là bao nhiêu")
    assert scope_files.scaled(sf.LIABILITIES, 2) in first.text
    later = chat.ask("tổng tài sản là bao nhiêu")
    assert scope_files.scaled(sf.TOTAL_ASSETS, 2) in later.text
    assert sf.TOTAL_ASSETS not in later.text


def test_cli_ask_doc(
    library: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--data-dir", str(library.data_dir)]
    if library.chroma_url:
        common += ["--chroma-url", library.chroma_url]
        pytest.skip("the CLI names no collection; its scope filter is the Python path above")
    table = tmp_path / "bang.csv"
    code = cli.main(
        ["ask", "nợ phải trả là bao nhiêu", "--doc", "HPG", "--doc", "gtl*", "--json",
         "--csv", str(table), *common]
    )  # fmt: skip
    shown = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(shown) >= {"answer", "abstained", "sources", "figures"}
    assert scope_files.scaled(sf.LIABILITIES, 3) in shown["answer"]
    assert sf.LIABILITIES in shown["answer"]
    assert "SDA" not in shown["answer"]  # not in scope
    cited = {Path(s["source"]).name for s in shown["sources"]}
    assert cited == {"gtl-q1-2025.md", "hpg-q1-2025.md"}
    assert "Chênh lệch" in shown["answer"]  # two companies: compared
    assert "60600901200" in table.read_text(encoding="utf-8")
    code = cli.main(["ask", "nợ phải trả", "--doc", "vinamilk.pdf", *common])
    err = capsys.readouterr().err
    assert code == 2 and "vinamilk.pdf" in err and "unknown document" in err
