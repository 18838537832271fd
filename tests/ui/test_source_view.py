"""See the source: a citation opens the page of the original file with the passage marked.

First the helpers on a real index (the sample report and a scanned balance sheet, ingested
with the scan recognized by Tesseract), then a real ``hoidap serve`` in
headless Chromium: click ``[1]``, see the passage in its text (TXT) or on its page image
(scan, boxed from the OCR word boxes), turn pages, download the original; a chunk id that
is not indexed (or a path) is refused with a message; signed out, nothing opens.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hoidap.settings import Settings
from ingest.layout import Word
from tests.conftest import make_settings
from tests.report_files import write_scanned_pdf
from tests.ui.conftest import SAMPLE_DIR
from tests.ui.test_app import SEED_QUESTIONS, ask_in_page, last_answer, open_page
from ui import render
from ui.source_view import (
    NotShown,
    locate,
    original_copy,
    page_view,
    passage_boxes,
)

SCAN_NAME = "bctc-scan.pdf"
SCAN_QUESTION = "Hàng tồn kho tại ngày 30/6/2025 là bao nhiêu?"
SCAN_FIGURE = "6.204.318.775.931"
OUTLINE = (220, 120, 0)  # ui.source_view.OUTLINE: the box drawn round the passage


def words(*lines: str, height: float = 10.0) -> list[Word]:
    """Page words, one line per string, words 40 points apart."""
    found = []
    for row, line in enumerate(lines):
        y = 20 + row * 2 * height
        for column, text in enumerate(line.split()):
            found.append(Word(text, 40.0 * column, y, 40.0 * column + 35, y + height))
    return found


# =============================================================================================
# the passage on its page, no server
# =============================================================================================
def test_the_row_is_found_not_the_word_above_it() -> None:
    """ "khách hàng" ends the line above a "Hàng tồn kho" row: the row is what is marked."""
    page = words(
        "Phải thu ngắn hạn của khách hàng 131 3.517.220.964.118 3.320.118.775.602",
        "Hàng tồn kho 140 V.5 6.204.318.775.931 5.117.640.220.184",
        "Dự phòng giảm giá hàng tồn kho 149 (31.882.406.117)",
    )
    marked = passage_boxes(page, "Hàng tồn kho | 140 | V5 | 6.204.318.775.931 | 5.117.640.220.184")
    row = next(w for w in page if w.text == "Hàng")
    assert [w.text for w in marked][:3] == ["Hàng", "tồn", "kho"]
    assert {w.y0 for w in marked} == {row.y0}  # one line: the row


def test_figures_match_however_each_side_splits_them() -> None:
    """A text layer may give "82 931 172 034" as four words; the index writes one figure."""
    page = words("Hàng tồn kho 140 82 931 172 034 80 915 864 621", "Tổng cộng 270 1 2")
    marked = passage_boxes(page, "Hàng tồn kho | 140 | 82.931.172.034 | 80.915.864.621")
    assert [w.text for w in marked] == [w.text for w in page[:12]]


def test_a_passage_that_is_not_on_the_page_marks_nothing() -> None:
    page = words("Tiền và các khoản tương đương tiền 110 1.245.873.112.450")
    assert passage_boxes(page, "Lợi nhuận sau thuế thu nhập doanh nghiệp 60") == []
    assert passage_boxes([], "Hàng tồn kho") == []
    assert passage_boxes(page, "") == []


# =============================================================================================
# on a real index: the sample report and a scanned balance sheet
# =============================================================================================
@pytest.fixture(scope="module")
def scan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the sample report and a scan ingested (OCR), in this process: a
    ``hoidap ingest`` subprocess would load the model a second time for the same index."""
    from ingest import ingest

    root = tmp_path_factory.mktemp("source-view")
    scan = write_scanned_pdf(root / SCAN_NAME)
    data_dir = root / "data"
    report = ingest([scan, SAMPLE_DIR], settings=make_settings(data_dir))
    assert len(report.added) == 2 and not report.failed, report.failed
    return data_dir


@pytest.fixture(scope="module")
def settings(scan_dir: Path) -> Settings:
    return Settings(data_dir=scan_dir, answerer="extractive")


def _cited(settings: Settings, question: str) -> tuple[str, str]:
    """The chunk cited [1] by the answer to ``question``, and what the answer quoted from it."""
    from qa import answer

    result = answer(question, settings=settings)
    chunk = result.sources[0].chunk_id
    return chunk, render.cited_quotes(result.sources, result.quotes, result.text)[chunk]


def test_the_scanned_row_is_boxed_on_its_page(settings: Settings) -> None:
    chunk, quote = _cited(settings, SCAN_QUESTION)
    located = locate(settings, chunk)
    assert located.name == SCAN_NAME and located.page == 2 and located.is_pdf
    assert "Hàng tồn kho" in quote and SCAN_FIGURE in quote

    view = page_view(settings, located, quote)

    assert (view.page, view.pages) == (2, 2)
    assert view.recognized  # the boxes come from the OCR word boxes
    assert view.boxes == 1  # one row, one stroke
    # the mark sits on the row: its outline colour at the row's height, none on the row above
    from ingest.loaders.pdf import page_words
    from ingest.pipeline import load_options

    ocr = page_words(located.path, 2, load_options(settings, located.sha256, None))
    row = next(w for w in ocr.words if w.text == "140")
    above = next(w for w in ocr.words if w.text == "131")
    scale = view.image.height / ocr.height
    assert view.focus is not None
    assert abs(view.focus * ocr.height - (row.y0 + row.y1) / 2) < row.height
    image = view.image.convert("RGB")

    def outlined(y: float) -> int:
        return sum(
            1
            for x in range(image.width)
            for dy in range(-12, 13)
            if _near(image.getpixel((x, int(y * scale) + dy)), OUTLINE)
        )

    assert outlined((row.y0 + row.y1) / 2) > 200  # the box's left/right edges and its lines
    assert outlined((above.y0 + above.y1) / 2) == 0


def _near(pixel: Any, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(int(a) - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_other_pages_turn_without_a_mark(settings: Settings) -> None:
    chunk, quote = _cited(settings, SCAN_QUESTION)
    located = locate(settings, chunk)
    first = page_view(settings, located, quote, page=1)
    assert (first.page, first.boxes) == (1, 0)
    assert page_view(settings, located, quote, page=99).page == 2  # clamped to the last page


def test_a_text_passage_is_marked_in_its_surrounding_text(settings: Settings) -> None:
    from ui.source_view import context_html

    question, figure = SEED_QUESTIONS[0]
    chunk, quote = _cited(settings, question)
    located = locate(settings, chunk)
    assert not located.is_pdf and located.page is None
    shown = context_html(settings, located, quote)
    marked = shown.split('<mark class="hd-passage">', 1)[1].split("</mark>", 1)[0]
    assert figure in marked
    before, _, after = shown.partition(marked)
    assert len(before) > 200 and len(after) > 200  # the text around it is shown too
    assert "<script" not in shown


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("../etc/passwd", "không hợp lệ"),
        ("/etc/passwd", "không hợp lệ"),
        ("", "không hợp lệ"),
        ("a" * 65, "không hợp lệ"),
        ("0" * 32, "không có trong chỉ mục"),
    ],
)
def test_only_indexed_chunks_are_located(settings: Settings, chunk: str, why: str) -> None:
    with pytest.raises(NotShown, match=why):
        locate(settings, chunk)


def test_the_viewer_refuses_with_a_message_and_checks_the_user(settings: Settings) -> None:
    from ui.source_panel import SIGN_IN, SourceHandlers

    handlers = SourceHandlers(settings)
    for chunk in ("../etc/passwd", "0" * 32):
        shown = handlers.show(chunk, "", None)
        assert "Không mở được nguồn này" in shown[1] and "Traceback" not in shown[1]
        assert shown[-1] is None  # nothing is kept open to turn the pages of
    chunk, quote = _cited(settings, SCAN_QUESTION)
    guarded = SourceHandlers(settings.replace(auth="lan:mat-khau"))
    assert SIGN_IN in guarded.show(chunk, quote, None, SimpleNamespace(username=None))[1]
    opened = guarded.show(chunk, quote, None, SimpleNamespace(username="lan"))
    assert "Trang 2/2" in opened[1] and opened[-1].chunk_id == chunk


def test_the_original_is_offered_as_a_copy_outside_the_data_dir(
    settings: Settings, tmp_path: Path
) -> None:
    chunk, _ = _cited(settings, SCAN_QUESTION)
    located = locate(settings, chunk)
    copy = original_copy(located, tmp_path / "copies")
    assert copy.name == SCAN_NAME and copy.read_bytes() == located.path.read_bytes()
    assert settings.data_dir.resolve() not in copy.resolve().parents
    assert original_copy(located, tmp_path / "copies") == copy  # kept, not copied again


# =============================================================================================
# a real server in a real browser
# =============================================================================================
browser_test = pytest.mark.slow


def open_viewer_from_citation(page: Any) -> None:
    page.locator("#hd-chat [data-testid=bot] a.cite").last.click()
    page.wait_for_selector("#hd-viewer .vw-head .vw-file")


@browser_test
def test_clicking_a_citation_shows_the_passage_in_its_text(
    server: Any, page: Any, shot: Any
) -> None:
    open_page(page, server.url)
    question, figure = SEED_QUESTIONS[0]
    ask_in_page(page, question)
    assert figure in last_answer(page)

    open_viewer_from_citation(page)
    page.wait_for_selector("#hd-viewer-text mark")
    head = page.locator("#hd-viewer-head").inner_text()
    assert "can-tho-police-2021.txt" in head and "tô vàng" in head
    marked = page.locator("#hd-viewer-text mark").first.inner_text()
    assert figure in marked
    text = page.locator("#hd-viewer-text").inner_text()
    assert len(text) > len(marked) + 500  # the passage in its surrounding text
    assert page.locator("#hd-viewer-download").is_visible()
    shot(page, "12-source-text")

    page.keyboard.press("Escape")
    page.wait_for_selector("#hd-viewer", state="hidden")
    # the card in the sources panel opens it too
    page.locator("#hd-sources .src-card.cited .src-open").first.click()
    page.wait_for_selector("#hd-viewer-text mark")
    assert figure in page.locator("#hd-viewer-text mark").first.inner_text()
    page.click("#hd-viewer-close")
    page.wait_for_selector("#hd-viewer", state="hidden")


@browser_test
def test_a_scan_citation_shows_its_page_with_the_row_boxed(
    server: Any, page: Any, shot: Any, tmp_path: Path
) -> None:
    from gradio_client import Client, handle_file
    from PIL import Image

    scan = write_scanned_pdf(tmp_path / SCAN_NAME)
    client = Client(server.url, verbose=False)
    report = client.predict([handle_file(str(scan))], api_name="/ingest")
    assert [Path(s).name for s in report["added"]] == [SCAN_NAME]
    try:
        open_page(page, server.url)
        ask_in_page(page, SCAN_QUESTION)
        assert SCAN_FIGURE in last_answer(page)

        open_viewer_from_citation(page)
        image = page.locator("#hd-viewer-image img")
        image.wait_for()
        page.wait_for_function(
            "() => { const i = document.querySelector('#hd-viewer-image img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        head = page.locator("#hd-viewer-head").inner_text()
        assert SCAN_NAME in head and "Trang 2/2" in head and "OCR" in head, head
        # the image the page shows has the box drawn on it
        src = image.get_attribute("src") or ""
        shown = Image.open(io.BytesIO(page.request.get(src).body())).convert("RGB")
        outline = sum(1 for p in shown.get_flattened_data() if _near(p, OUTLINE))
        assert outline > 500, outline
        shot(page, "13-source-scan")

        page.click("#hd-viewer-prev")
        page.wait_for_function(
            "() => document.querySelector('#hd-viewer-head').innerText.includes('Trang 1/2')"
        )
        page.click("#hd-viewer-next")
        page.wait_for_function(
            "() => document.querySelector('#hd-viewer-head').innerText.includes('Trang 2/2')"
        )
        with page.expect_download() as download:
            page.click("#hd-viewer-download")
        assert download.value.suggested_filename == SCAN_NAME
        assert Path(download.value.path()).read_bytes() == scan.read_bytes()
        page.click("#hd-viewer-close")
    finally:
        assert client.predict([SCAN_NAME], api_name="/delete")


@browser_test
def test_a_chunk_that_is_not_indexed_is_refused(server: Any, page: Any, shot: Any) -> None:
    open_page(page, server.url)
    page.wait_for_function("() => typeof window.hdOpenSource === 'function'")
    for chunk, why in (("../etc/passwd", "không hợp lệ"), ("0" * 32, "không có trong chỉ mục")):
        page.evaluate("chunk => window.hdOpenSource(chunk)", chunk)
        page.wait_for_function(
            "why => { const h = document.querySelector('#hd-viewer .vw-refused');"
            " return h && h.innerText.includes(why); }",
            arg=why,
        )
        text = page.locator("#hd-viewer").inner_text()
        assert "Không mở được nguồn này" in text and "Traceback" not in text
        assert page.locator("#hd-viewer-image img").count() == 0
        assert not page.locator("#hd-viewer-download").is_visible()
        if chunk.startswith(".."):
            shot(page, "14-source-refused")
        page.click("#hd-viewer-close")
        page.wait_for_selector("#hd-viewer", state="hidden")


def _viewer_functions(tmp_path: Path) -> list[int]:
    """The event indexes of the viewer's handlers, as every ``hoidap serve`` numbers them."""
    from ui.app import build_app
    from ui.source_panel import SourceHandlers

    demo = build_app(Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache"))
    return [
        index
        for index, fn in demo.fns.items()
        if isinstance(getattr(fn.fn, "__self__", None), SourceHandlers)
        or getattr(fn.fn, "__qualname__", "").startswith("SourceHandlers.")
    ]


def _post(url: str, body: dict[str, Any], cookie: str = "") -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@browser_test
def test_signed_out_nobody_opens_a_source(auth_server: Any, page: Any, tmp_path: Path) -> None:
    """With --auth, Gradio refuses the viewer's events without a session; signed in, the
    same page opens the source."""
    functions = _viewer_functions(tmp_path)
    assert len(functions) == 5  # request, open, previous, next, close
    for index in functions:
        body = {
            "fn_index": index,
            "data": ["../etc/passwd", {}],
            "event_data": {"chunk": "../etc/passwd"},
            "session_hash": "signed-out",
        }
        for route in ("/gradio_api/queue/join", "/gradio_api/run/predict"):
            assert _post(auth_server.url + route, body) == 401, (index, route)

    user, password = auth_server.auth
    page.goto(auth_server.url, wait_until="load")
    page.locator("input[data-testid=textbox]").fill(user)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#hd-question textarea")
    ask_in_page(page, SEED_QUESTIONS[0][0])
    open_viewer_from_citation(page)
    page.wait_for_selector("#hd-viewer-text mark")
    assert SEED_QUESTIONS[0][1] in page.locator("#hd-viewer-text mark").first.inner_text()
