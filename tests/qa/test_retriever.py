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
