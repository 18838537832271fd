"""A question typed with its marks still finds a passage whose marks OCR slipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.settings import Settings
from ingest.pipeline import ingest
from qa.retriever import HybridRetriever
from store.index import get_index
from tests.conftest import make_settings

# a scanned profile page as Tesseract reads it: "Trụ sớ" for "Trụ sở"
PROFILE = (
    "Thông tin về Công ty\n\n"
    "Ban Điều hành: Bà Trần Thu Hà, Tổng Giám đốc.\n\n"
    "Trụ sớ đăng ký: 12 Nguyễn Du, Phường Bến Nghé, Thành phố Hồ Chí Minh.\n"
)
# other pages of the same report: branches with their own "trụ sở", spelled right
OTHERS = [
    f"Chi nhánh số {n} có trụ sở giao dịch tại số {n}0 đường Lê Lợi, tỉnh Bình Dương. Chi nhánh "
    f"đăng ký hoạt động kinh doanh sữa từ năm 20{10 + n}.\n"
    for n in range(1, 9)
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("folded")
    folder = root / "reports"
    folder.mkdir()
    (folder / "thong-tin.txt").write_text(PROFILE, encoding="utf-8")
    for n, text in enumerate(OTHERS, start=1):
        (folder / f"chi-nhanh-{n}.txt").write_text(text, encoding="utf-8")
    settings = make_settings(root / "data")
    assert len(ingest([folder], settings=settings).added) == 1 + len(OTHERS)
    return settings


def _rank(settings: Settings, question: str) -> int | None:
    found = HybridRetriever(get_index(settings), settings).retrieve(question, k=3)
    names = [Path(s.source).name for s in found.sources]
    return names.index("thong-tin.txt") if "thong-tin.txt" in names else None


@pytest.mark.parametrize(
    "question", ["Trụ sở đăng ký của công ty ở đâu?", "tru so dang ky cua cong ty o dau"]
)
def test_a_question_finds_the_passage_whose_marks_ocr_slipped(
    reports: Settings, question: str
) -> None:
    """The folded index's share (``folded_weight``) must not push the passage down for
    either spelling of the question; what it gains on real scans is measured by
    ``bench/reports.py`` (vnm-04: "Trụ sớ đăng ký"), not here: on so small a corpus the
    dense side finds the passage by itself."""
    assert reports.folded_weight > 0
    assert _rank(reports, question) == 0


def test_a_table_passage_comes_with_its_rows_as_data(tmp_path: Path) -> None:
    """The retriever hands over the rows ingest stored with the chunk (its metadata), so no
    answerer has to split the passage's text back into cells."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "bang.md").write_text(
        "# Báo cáo quý\n\nBẢNG CÂN ĐỐI KẾ TOÁN\n\n"
        "| Chỉ tiêu | Mã số | 30/6/2025 | 1/1/2025 |\n|---|---|---|---|\n"
        "| Hàng tồn kho | 140 | 901.220.117.004 | 877.301.554.120 |\n"
        "| Tổng cộng tài sản | 270 | 9.870.552.301.447 | 9.650.118.004.335 |\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data")
    assert len(ingest([folder], settings=settings).added) == 1

    found = HybridRetriever(get_index(settings), settings).retrieve("Hàng tồn kho", k=3)

    tables = [s for s in found.sources if s.table is not None]
    assert len(tables) == 1
    table = tables[0].table
    assert table is not None
    assert table.header == ("Chỉ tiêu", "Mã số", "30/6/2025", "1/1/2025")
    assert tables[0].table_header == table.header
    assert table.rows[0] == ("Hàng tồn kho", "140", "901.220.117.004", "877.301.554.120")
    assert table.numbers == (0, 1)
    for cells in table.rows:
        assert " | ".join(cells) in tables[0].text.split("\n")
