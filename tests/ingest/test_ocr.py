"""Scanned and mixed PDFs are read by a real OCR engine (Tesseract 5, Vietnamese model), page by
page; recognized pages are cached so an unchanged scan is never recognized twice; a page that
fails is named and the others are kept; and a scan that cannot be read is never "added"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import ocr
from ingest.loaders import LoadOptions, load
from ingest.ocr.tesseract import TesseractEngine, parse_tsv
from ingest.pipeline import ingest
from qa.api import answer
from tests.conftest import make_settings
from tests.report_files import ROWS, write_mixed_pdf, write_scanned_pdf

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")


class CountingEngine:
    """The real engine, counting the pages it is asked to read."""

    def __init__(self, inner: ocr.OcrEngine) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0

    @property
    def recipe(self) -> str:
        return self.inner.recipe

    def recognize(self, image, *, timeout):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.recognize(image, timeout=timeout)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingEngine:
    engine = CountingEngine(TesseractEngine())
    monkeypatch.setattr(ocr, "get_engine", lambda name: engine)
    return engine


def table_of(document):  # type: ignore[no-untyped-def]
    tables = [b.table for b in document.blocks if b.table is not None]
    assert tables, [b.text for b in document.blocks]
    return tables[0]


def test_scanned_statement_is_read_with_its_table_rows(tmp_path: Path) -> None:
    path = write_scanned_pdf(tmp_path / "scan.pdf")

    document = load(path, LoadOptions(ocr="tesseract", cache_dir=tmp_path / "cache"))

    assert document.pages == 2
    assert "Trần Thị Minh Châu" in document.text
    table = table_of(document)
    assert table.header[-2:] == ("30/6/2025", "1/1/2025")
    inventory = next(r for r in table.rows if r[0] == "Hàng tồn kho")
    assert inventory[-2:] == ("6.204.318.775.931", "5.117.640.220.184")
    assert any("OCR" in note for note in document.notes)


def test_a_question_about_a_scanned_table_gets_the_cell(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    write_scanned_pdf(folder / "bao-cao-scan.pdf")
    settings = make_settings(tmp_path / "data", ocr="tesseract")

    report = ingest([folder], settings=settings)
    assert len(report.added) == 1, report.failed
    result = answer("Hàng tồn kho tại ngày 30/6/2025 là bao nhiêu?", settings=settings)

    assert not result.abstained
    assert "6.204.318.775.931" in result.text
    assert "5.117.640.220.184" not in result.text  # the other column is not the answer
    assert result.sources[0].source == "bao-cao-scan.pdf"


def test_mixed_pdf_keeps_its_text_page_and_recognizes_the_scan(
    tmp_path: Path, counting: CountingEngine
) -> None:
    document = load(write_mixed_pdf(tmp_path / "mixed.pdf"), LoadOptions(cache_dir=None))

    assert counting.calls == 1  # only the scanned page was recognized
    assert next(b.page for b in document.blocks) == 1
    assert "thành lập năm 1998" in document.text
    assert table_of(document).rows[0][0] == ROWS[0][0]


def test_a_signature_stamp_over_a_scan_does_not_stop_ocr(
    tmp_path: Path, counting: CountingEngine
) -> None:
    stamp = "Ký bởi: Công ty Cổ phần Sữa Hòa Bình — Thời gian ký: 30.07.2025 10:15:00 +07:00"
    path = write_scanned_pdf(tmp_path / "signed.pdf", stamp=stamp)

    document = load(path, LoadOptions(cache_dir=None))

    assert counting.calls == 2
    assert "Hàng tồn kho" in document.text


def test_unchanged_scan_is_not_recognized_again(tmp_path: Path) -> None:
    """After the first ingest the OCR engine is made unable to read anything (a page time
    limit no page can meet): re-ingesting, and re-chunking, must still read both pages."""
    folder = tmp_path / "reports"
    folder.mkdir()
    write_scanned_pdf(folder / "scan.pdf")
    settings = make_settings(tmp_path / "data")

    first = ingest([folder], settings=settings)
    blind = settings.replace(ocr_page_timeout=0.001)
    again = ingest([folder], settings=blind)
    rechunked = ingest([folder], settings=blind.replace(chunk_size=600))

    assert first.added and not first.failed
    assert again.unchanged and not again.failed
    assert rechunked.updated and not rechunked.failed and not rechunked.notes[0][1].count("trang 1")
    result = answer("Hàng tồn kho tại ngày 30/6/2025 là bao nhiêu?", settings=blind)
    assert "6.204.318.775.931" in result.text
    pages = list((tmp_path / "data" / "ocr-cache").rglob("*.json"))
    assert len(pages) == 2


def test_a_page_that_times_out_is_named_and_the_rest_is_kept(tmp_path: Path) -> None:
    document = load(
        write_mixed_pdf(tmp_path / "mixed.pdf"),
        LoadOptions(ocr="tesseract", ocr_page_timeout=0.001, cache_dir=None),
    )

    assert "thành lập năm 1998" in document.text  # the text page
    assert any("trang 2" in note and "page 2" in note for note in document.notes)


def test_a_scan_that_cannot_be_read_fails_plainly(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    write_scanned_pdf(folder / "scan.pdf")
    settings = make_settings(tmp_path / "data", ocr="off")

    report = ingest([folder], settings=settings)

    assert not report.added
    [(source, message)] = report.failed
    assert source.endswith("scan.pdf")
    assert "2 trang nhưng chỉ đọc được 0 ký tự" in message
    assert "HOIDAP_OCR" in message and "pages but only" in message


def test_missing_engine_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.ocr.tesseract.shutil.which", lambda name: None)
    monkeypatch.setattr(ocr, "_engines", {})

    with pytest.raises(Exception) as info:
        load(write_scanned_pdf(tmp_path / "scan.pdf"), LoadOptions(cache_dir=None))

    message = str(info.value)
    assert "Tesseract" in message and "apt-get install tesseract-ocr tesseract-ocr-vie" in message


def test_tsv_words_keep_their_boxes() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t96\tHàng\n"
        "5\t1\t1\t1\t1\t2\t44\t20\t20\t12\t95\ttồn\n"
        "4\t1\t1\t1\t1\t0\t10\t20\t60\t12\t-1\t\n"
    )
    words = parse_tsv(tsv)
    assert [(w.text, w.x0, w.x1) for w in words] == [("Hàng", 10, 40), ("tồn", 44, 64)]


def test_another_ocr_engine_rereads_pdfs_once_and_only_pdfs(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    write_scanned_pdf(folder / "scan.pdf")
    (folder / "ghi-chu.txt").write_text("Ghi chú: 12 hồ sơ.\n", encoding="utf-8")
    settings = make_settings(tmp_path / "data", ocr="tesseract")

    first = ingest([folder], settings=settings)
    other = ingest([folder], settings=settings.replace(ocr="trueocr"))
    again = ingest([folder], settings=settings.replace(ocr="trueocr"))

    assert len(first.added) == 2
    assert [Path(s).name for s in other.updated] == ["scan.pdf"]
    assert [Path(s).name for s in other.unchanged] == ["ghi-chu.txt"]
    assert len(again.unchanged) == 2 and not again.updated
    result = answer("Hàng tồn kho tại ngày 30/6/2025 là bao nhiêu?", settings=settings)
    assert "6.204.318.775.931" in result.text  # trueocr read the table too
