"""The chat page: helpers without a server first, then a real ``hoidap serve`` in Chromium.

Browser tests save a screenshot of each scene under ``artifacts/screenshots/`` and the
figures the issue asks for (start-up time, time to the first source and to the answer,
measured in the browser) under ``artifacts/figures.json``.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoidap.settings import Settings
from ingest.library import DocumentRecord
from qa.types import Answer, Source
from ui import render
from ui.examples import candidates_from_text
from ui.uploads import (
    UploadError,
    check_upload,
    safe_destination,
    sanitize_filename,
    save_uploads,
)

SEED_QUESTIONS = [
    ("Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?", "1.700"),
    ("Tội phạm giảm bao nhiêu phần trăm?", "32,2%"),
]
SAMPLE = "can-tho-police-2021.txt"
DOCX_NAME = "Báo cáo y tế Hậu Giang 2023.docx"
DOCX_FACT = "845.321"
DOCX_QUESTION = "Sở Y tế tỉnh Hậu Giang đã tiêm bao nhiêu liều vắc xin?"
OFF_TOPIC = "Thủ đô của nước Pháp tên là gì?"


# =============================================================================================
# helpers, no server
# =============================================================================================
@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("báo cáo.docx", "báo cáo.docx"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\lan\\Báo cáo năm 2021.DOCX", "Báo cáo năm 2021.docx"),
        ("/abs/path/x.pdf", "x.pdf"),
        ("a\x00b.txt", "ab.txt"),
        (".bashrc.md", "bashrc.md"),
        ("..", "tai-lieu"),
        ("", "tai-lieu"),
        ("tệp<script>.html", "tệp_script_.html"),
        ("Công văn số 12/UBND.pdf", "UBND.pdf"),
        ("a..b...txt", "a.b.txt"),
    ],
)
def test_sanitize_filename(given_name: str, expected: str) -> None:
    assert sanitize_filename(given_name) == expected


def test_sanitize_keeps_suffix_of_long_names() -> None:
    name = sanitize_filename("Đ" * 400 + ".docx")
    assert name.endswith(".docx")
    assert len(name.encode()) <= 200


@given(st.text(max_size=300))
def test_any_name_stays_inside_the_uploads_dir(name: str) -> None:
    root = Path("/tmp/hoidap-uploads-test").resolve()
    target = safe_destination(root, name)
    assert target.parent == root
    assert target.name not in ("", ".", "..")
    assert not target.name.startswith(".")


def _settings(tmp_path: Path, **changes: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache").replace(**changes)


def test_check_upload_enforces_type_and_size(tmp_path: Path) -> None:
    settings = _settings(tmp_path, max_upload_mb=1)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    with pytest.raises(UploadError, match="quá lớn"):
        check_upload(big, "big.txt", settings)
    exe = tmp_path / "x.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(UploadError, match="không được hỗ trợ"):
        check_upload(exe, "x.exe", settings)
    # the type is judged by the name the user gave, not by the temporary file's name
    with pytest.raises(UploadError, match="không được hỗ trợ"):
        check_upload(big, "big.txt.sh", settings)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="rỗng"):
        check_upload(empty, "empty.md", settings)


def test_save_uploads_skips_indexed_content_and_refuses_bad_files(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    known = tmp_path / "known.txt"
    known.write_text("Báo cáo đã nạp.", encoding="utf-8")
    from hoidap.files import file_sha256

    documents = {
        "/elsewhere/known.txt": DocumentRecord(
            "/elsewhere/known.txt", file_sha256(known), ["c1"], "Known"
        )
    }
    new = tmp_path / "tmp123" / "../new.md"
    (tmp_path / "tmp123").mkdir()
    new.write_text("# Mới\n\nNội dung mới.", encoding="utf-8")
    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    batch = save_uploads(
        [(known, "bản sao.txt"), (new, "../../mới.md"), (bad, "x.exe")], settings, documents
    )
    assert batch.duplicates == [("bản sao.txt", "known.txt")]
    assert [p.name for p in batch.saved] == ["mới.md"]
    assert batch.saved[0].parent == settings.uploads_dir.resolve()
    assert [name for name, _ in batch.rejected] == ["x.exe"]


def _source(text: str, name: str = "/data/bao-cao.txt", page: int | None = 3) -> Source:
    return Source(name, "Báo cáo", page, "c1", 0.5, text)


def test_sources_html_marks_the_quote_and_escapes_documents() -> None:
    text = "Mở đầu <script>alert(1)</script>. Huy động 1.700 cán bộ, chiến sĩ. Kết thúc."
    answer = Answer("Huy động 1.700 cán bộ, chiến sĩ. [1]", False, [_source(text)])
    page = render.sources_html(
        answer.sources, quotes=["Huy động 1.700 cán bộ, chiến sĩ."], answer_text=answer.text
    )
    assert "<mark>Huy động 1.700 cán bộ, chiến sĩ.</mark>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "bao-cao.txt" in page and "trang 3" in page
    assert 'id="src-1"' in page


def test_highlight_without_quotes_finds_the_answering_sentence() -> None:
    source = _source("Năm 2021 có 12 vụ cháy. Tội phạm giảm 32,2% so với cùng kỳ. Hết.")
    spans = render.highlight_spans(source, [], "Tội phạm giảm 32,2% [1]")
    assert [source.text[a:b] for a, b in spans] == ["Tội phạm giảm 32,2% so với cùng kỳ."]


def test_written_answer_highlights_the_sentence_with_its_figure() -> None:
    """A model's short answer points at a long sentence; the figure decides which one."""
    text = (
        "Đặc biệt, bảo đảm tuyệt đối an ninh, an toàn Đại hội Đảng toàn quốc lần thứ XIII. "
        "Kịp thời mở 7 cao điểm, tấn công trấn áp các loại tội phạm, tội phạm xâm phạm trật "
        "tự xã hội trên địa bàn thành phố giảm 32,2%; thành lập 33 tổ lưu động đến từng khu "
        "dân cư, khu công nghiệp, cơ quan, trường học để cấp căn cước công dân. Tội phạm là "
        "mối lo của nhân dân."
    )
    source = _source(text)
    [(start, end)] = render.highlight_spans(source, [], "Tội phạm giảm 32,2%. [1]")
    assert text[start:end].startswith("Kịp thời mở 7 cao điểm")
    assert render.highlight_spans(source, [], "Có 999 vụ. [1]") == []


def test_answer_links_citations_to_sources_in_range_only() -> None:
    result = Answer("Giảm 32,2% [1] và [7].", False, [_source("Giảm 32,2%.")], answerer="local")
    shown = render.answer_html(result, seconds=1.25)
    assert 'href="#src-1"' in shown and "[7]" in shown
    assert "Mô hình ngôn ngữ cục bộ" in shown and "1,2 giây" in shown


def test_abstention_says_what_to_do() -> None:
    shown = render.answer_html(Answer("Không tìm thấy.", True, [_source("x")]))
    assert 'class="abstain"' in shown
    assert "Hỏi lại" in shown and "Tải lên" in shown


def test_example_questions_come_from_figures_in_the_text() -> None:
    text = (
        "Kịp thời mở 7 cao điểm, tội phạm xâm phạm trật tự xã hội giảm 32,2%; "
        "thành lập 33 tổ lưu động. Năm 2021 là năm đầu tiên."
    )
    found = dict(candidates_from_text(text))
    assert found["Kịp thời mở bao nhiêu cao điểm?"] == "7"
    assert found["Tội phạm xâm phạm trật tự xã hội giảm bao nhiêu phần trăm?"] == "32,2"
    assert not any("2021" in number for number in found.values())


def test_parse_auth() -> None:
    from ui.app import parse_auth

    assert parse_auth("lan:a:b") == ("lan", "a:b")
    assert parse_auth(None) is None
    with pytest.raises(ValueError, match="user:password"):
        parse_auth("no-colon")


def test_ask_reports_sources_before_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page shows sources when retrieval ends, and ticks while a slow model works."""
    import qa.api
    import ui.asking

    sources = [_source("Huy động 1.700 cán bộ.")]

    def fake_stream(
        question: str, *, settings: Any, answerer: Any, on_sources: Any, **scope: Any
    ) -> Any:
        on_sources(sources)
        time.sleep(0.25)
        yield "Huy động "
        yield "1.700 cán bộ [1]"
        yield Answer("Huy động 1.700 cán bộ [1]", False, sources, question, "local")

    monkeypatch.setattr(qa.api, "stream", fake_stream)
    monkeypatch.setattr(ui.asking, "open_index", lambda settings: None)
    events = list(ui.asking.ask("Bao nhiêu?", settings=Settings(), tick=0.05))
    kinds = [e.kind for e in events if e.kind != "tick"]
    assert kinds == ["sources", "text", "text", "answer"]
    assert any(e.kind == "tick" for e in events)
    assert events[-1].answer is not None and events[-1].answer.answerer == "local"


def test_ask_turns_failures_into_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.api
    import ui.asking

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")
        yield  # pragma: no cover

    monkeypatch.setattr(qa.api, "stream", broken)
    monkeypatch.setattr(ui.asking, "open_index", lambda settings: None)
    events = list(ui.asking.ask("Bao nhiêu?", settings=Settings()))
    assert events[-1].kind == "error"
    assert "secret" not in events[-1].text and "thử lại" in events[-1].text


def test_build_app_has_the_named_endpoints(tmp_path: Path) -> None:
    from ui.app import build_app

    demo = build_app(_settings(tmp_path))
    names = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert {"ask", "ingest", "documents", "delete"} <= names


# =============================================================================================
# a real server in a real browser
# =============================================================================================
browser_test = pytest.mark.slow


def open_page(page: Any, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_selector("#hd-question textarea")


def ask_in_page(page: Any, question: str) -> dict[str, float]:
    """Type a question, press Enter; times to the first source card and to the final answer."""
    bots_before = page.locator(
        "#hd-chat [data-testid=bot] .ans:not(.draft), #hd-chat [data-testid=bot] .abstain"
    ).count()
    page.fill("#hd-question textarea", question)
    started = time.perf_counter()
    page.press("#hd-question textarea", "Enter")
    # the panel of *this* question: a card, or the "nothing found" note
    page.wait_for_function(
        "q => [...document.querySelectorAll('#hd-sources [data-question]')].some("
        "(el) => el.dataset.question === q && el.querySelector('.src-card, .src-empty-icon'))",
        arg=question,
    )
    first_source = time.perf_counter() - started
    final = "#hd-chat [data-testid=bot] .ans:not(.draft), #hd-chat [data-testid=bot] .abstain"
    page.wait_for_function(
        f"n => document.querySelectorAll({json.dumps(final)}).length > n", arg=bots_before
    )
    answered = time.perf_counter() - started
    return {"first_source": first_source, "answer": answered}


def last_answer(page: Any) -> str:
    return page.locator("#hd-chat [data-testid=bot]").last.inner_text()


def sources_text(page: Any) -> str:
    return page.locator("#hd-sources").inner_text()


@browser_test
def test_ask_the_sample_report(server: Any, page: Any, shot: Any) -> None:
    open_page(page, server.url)
    page.locator("#hd-examples button").first.wait_for()
    shot(page, "01-start")
    for number, (question, expected) in enumerate(SEED_QUESTIONS, start=1):
        ask_in_page(page, question)
        answer = last_answer(page)
        assert expected in answer, answer
        assert "Trả lời bởi: Trích nguyên văn" in answer
        # the citation [1] in the answer is source card 1, which holds the figure, marked
        card = page.locator("#hd-sources .src-card.cited").first
        assert card.get_attribute("data-source-number") == "1"
        assert SAMPLE in card.inner_text()
        assert expected.rstrip("%") in card.locator("mark").first.inner_text()
        assert page.locator("#hd-chat [data-testid=bot] a.cite").last.inner_text() == "1"
        page.wait_for_timeout(300)  # let the highlight finish painting
        shot(page, f"02-answer-{number}")


@browser_test
def test_abstention_looks_different_and_says_what_to_do(server: Any, page: Any, shot: Any) -> None:
    open_page(page, server.url)
    ask_in_page(page, OFF_TOPIC)
    bot = page.locator("#hd-chat [data-testid=bot]").last
    assert bot.locator(".abstain").count() == 1
    text = bot.inner_text()
    assert "Chưa tìm thấy câu trả lời" in text
    assert "Hỏi lại" in text and "Tải lên" in text
    assert "gần nhất" in sources_text(page)
    shot(page, "03-abstention")


@browser_test
def test_examples_and_clear(server: Any, page: Any) -> None:
    open_page(page, server.url)
    examples = page.locator("#hd-examples button")
    examples.first.wait_for()
    assert examples.count() >= 2
    examples.first.click()
    page.wait_for_selector("#hd-chat [data-testid=bot] .ans:not(.draft)")
    assert "Trả lời bởi" in last_answer(page)
    page.click("#hd-clear")
    page.wait_for_function("() => !document.querySelector('#hd-chat [data-testid=bot]')")
    assert page.locator("#hd-sources .src-card").count() == 0


def make_docx(path: Path) -> Path:
    """A short Word report with one fact the sample report does not have."""
    import docx

    document = docx.Document()
    document.add_heading("Báo cáo công tác y tế tỉnh Hậu Giang năm 2023", level=1)
    document.add_paragraph(
        "Trong năm 2023, ngành y tế tỉnh Hậu Giang tiếp tục triển khai nhiều giải pháp "
        "chăm sóc sức khỏe nhân dân."
    )
    document.add_heading("Tiêm chủng", level=2)
    document.add_paragraph(
        f"Sở Y tế tỉnh Hậu Giang đã tiêm {DOCX_FACT} liều vắc xin phòng COVID-19 cho người "
        "dân trên địa bàn tỉnh, đạt 98% kế hoạch."
    )
    document.add_paragraph("Công tác phòng chống dịch sốt xuất huyết được duy trì thường xuyên.")
    document.save(str(path))
    return path


def open_documents(page: Any) -> None:
    page.get_by_role("tab", name="Tài liệu").click()
    page.wait_for_selector("#hd-documents")


def upload(page: Any, expect: str, *files: Path) -> str:
    """Pick files as a user does (button, file dialog); returns the status once it says ``expect``.

    The dialog matters: the button clears its input on click, without which Chromium does
    not report the same file picked twice.
    """
    with page.expect_file_chooser() as chooser:
        page.click("#hd-upload")
    chooser.value.set_files([str(f) for f in files])
    page.wait_for_function(
        "text => (document.querySelector('#hd-status .st-list') || {}).innerText?.includes(text)",
        arg=expect,
        timeout=300_000,
    )
    return page.locator("#hd-status").inner_text()


def table_text(page: Any) -> str:
    return page.locator("#hd-documents").inner_text()


@browser_test
def test_upload_docx_answer_from_it_then_delete(
    server: Any, page: Any, shot: Any, tmp_path: Path
) -> None:
    report = make_docx(tmp_path / DOCX_NAME)
    open_page(page, server.url)
    open_documents(page)
    status = upload(page, "Đã nạp", report)
    assert "Đã nạp 1 tài liệu mới" in status, status
    page.wait_for_function(
        "name => document.querySelector('#hd-documents').innerText.includes(name)",
        arg=DOCX_NAME,
    )
    assert SAMPLE in table_text(page)
    shot(page, "04-uploaded")

    # the same file again: nothing is embedded again, and the user is told so
    status = upload(page, "không cần nạp lại", report)
    assert DOCX_NAME in status, status
    assert table_text(page).count(DOCX_NAME) == 1
    shot(page, "05-upload-unchanged")

    page.get_by_role("tab", name="Hỏi đáp").click()
    ask_in_page(page, DOCX_QUESTION)
    assert DOCX_FACT in last_answer(page)
    cited = page.locator("#hd-sources .src-card.cited").first
    assert DOCX_NAME in cited.inner_text()
    assert DOCX_FACT in cited.locator("mark").first.inner_text()
    shot(page, "06-answer-from-docx")

    open_documents(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#hd-delete-pick input").click()
    page.locator(f"li[role=option][aria-label='{DOCX_NAME}']").click()
    page.keyboard.press("Escape")
    page.click("#hd-delete")
    page.wait_for_function(
        "() => document.querySelector('#hd-status').innerText.includes('Đã xóa')"
    )
    page.wait_for_function(
        "name => !document.querySelector('#hd-documents').innerText.includes(name)",
        arg=DOCX_NAME,
    )
    shot(page, "07-deleted")

    page.get_by_role("tab", name="Hỏi đáp").click()
    ask_in_page(page, DOCX_QUESTION)
    assert DOCX_FACT not in last_answer(page)
    assert DOCX_NAME not in sources_text(page)
    shot(page, "08-gone-from-answers")
    uploads = server.data_dir / "uploads"
    assert not (uploads / DOCX_NAME).exists()


PROTECTED = [
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("GET", "/gradio_api/openapi.json"),
    ("GET", "/gradio_api/queue/data"),
    ("GET", "/gradio_api/file=/etc/hostname"),
    ("POST", "/gradio_api/queue/join"),
    ("POST", "/gradio_api/upload"),
    ("POST", "/gradio_api/call/ask"),
    ("POST", "/gradio_api/run/ask"),
]


@browser_test
def test_login_required_when_auth_is_on(auth_server: Any, page: Any, shot: Any) -> None:
    from gradio_client import Client

    url = auth_server.url
    user, password = auth_server.auth
    # nothing but the login form without a session: no API, no files, no API description
    for method, path in PROTECTED:
        data = b"{}" if method == "POST" else None
        assert _status(url + path, method=method, data=data) == 401, path
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        login_page = response.read().decode()
    assert "/ask" not in login_page and "api_ask" not in login_page
    with pytest.raises(Exception):  # noqa: B017  # which error depends on gradio_client
        Client(url, verbose=False)

    page.goto(url, wait_until="load")
    page.wait_for_selector("input[type=password]")
    assert page.locator("#hd-question").count() == 0
    assert "Đăng nhập" in page.locator("body").inner_text()
    shot(page, "09-login")

    page.locator("input[data-testid=textbox]").fill(user)
    page.locator("input[type=password]").fill("sai-mat-khau")
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("text=Incorrect", timeout=15_000)
    assert page.locator("#hd-question").count() == 0

    page.locator("input[data-testid=textbox]").fill(user)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#hd-question textarea")
    ask_in_page(page, SEED_QUESTIONS[0][0])
    assert SEED_QUESTIONS[0][1] in last_answer(page)
    shot(page, "10-logged-in-answer")

    client = Client(url, auth=(user, password), verbose=False)
    assert "1.700" in client.predict(SEED_QUESTIONS[0][0], api_name="/ask")["answer"]


# =============================================================================================
# the named API, from gradio_client
# =============================================================================================
@browser_test
def test_api_endpoints(server: Any, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    client = Client(server.url, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/ask_about", "/ingest", "/documents", "/delete"} <= set(endpoints)

    result = client.predict(SEED_QUESTIONS[0][0], api_name="/ask")
    assert {"answer", "abstained", "sources"} <= set(result)  # and the conversation kept
    assert "1.700" in result["answer"] and result["abstained"] is False
    assert result["sources"][0]["source"] == SAMPLE
    assert {"source", "title", "page", "chunk_id", "score", "text"} <= set(result["sources"][0])

    note = tmp_path / "ghi-chú.md"
    note.write_text("# Ghi chú\n\nKho lưu trữ có 4.321 hồ sơ địa chính.", encoding="utf-8")
    bad = tmp_path / "chạy.sh"
    bad.write_text("echo hi", encoding="utf-8")
    report = client.predict([handle_file(str(note)), handle_file(str(bad))], api_name="/ingest")
    assert [Path(s).name for s in report["added"]] == ["ghi-chú.md"]
    assert [r["file"] for r in report["rejected"]] == ["chạy.sh"]
    again = client.predict([handle_file(str(note))], api_name="/ingest")
    assert again["duplicates"] == [{"file": "ghi-chú.md", "indexed_as": "ghi-chú.md"}]

    names = [d["name"] for d in client.predict(api_name="/documents")]
    assert "ghi-chú.md" in names and SAMPLE in names
    assert (
        "4.321"
        in client.predict("Kho lưu trữ có bao nhiêu hồ sơ địa chính?", api_name="/ask")["answer"]
    )
    removed = client.predict(["ghi-chú.md"], api_name="/delete")
    assert [Path(s).name for s in removed] == ["ghi-chú.md"]
    assert "ghi-chú.md" not in [d["name"] for d in client.predict(api_name="/documents")]

    with pytest.raises(Exception, match="trống"):
        client.predict("   ", api_name="/ask")


@browser_test
def test_questions_do_not_wait_for_an_ingest(server: Any, tmp_path: Path) -> None:
    """Several people ask at once while someone uploads a long report."""
    from gradio_client import Client, handle_file

    long_report = tmp_path / "bao-cao-dai.txt"
    paragraphs = [
        f"Mục {i}. Trong quý {i % 4 + 1}, đơn vị số {i} đã hoàn thành {i * 7} nhiệm vụ được "
        f"giao, tổ chức {i * 3} buổi tập huấn cho cán bộ và kiểm tra {i * 11} hồ sơ tồn đọng."
        for i in range(1, 400)
    ]
    long_report.write_text("\n\n".join(paragraphs), encoding="utf-8")
    ingest_done: dict[str, float] = {}

    def upload_long() -> None:
        client = Client(server.url, verbose=False)
        started = time.perf_counter()
        client.predict([handle_file(str(long_report))], api_name="/ingest")
        ingest_done["seconds"] = time.perf_counter() - started

    uploader = threading.Thread(target=upload_long)
    uploader.start()
    time.sleep(1.5)  # the ingest is embedding now
    answers: list[tuple[float, dict[str, Any]]] = []

    def ask_one(question: str) -> None:
        client = Client(server.url, verbose=False)
        started = time.perf_counter()
        result = client.predict(question, api_name="/ask")
        answers.append((time.perf_counter() - started, result))

    askers = [threading.Thread(target=ask_one, args=(q,)) for q, _ in SEED_QUESTIONS * 2]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(timeout=120)
    still_ingesting = uploader.is_alive()
    uploader.join(timeout=600)
    assert len(answers) == 4
    assert all(not result["abstained"] for _, result in answers)
    assert still_ingesting, f"the ingest finished too fast to show anything ({ingest_done})"
    assert max(seconds for seconds, _ in answers) < ingest_done["seconds"]
    client = Client(server.url, verbose=False)
    assert client.predict(["bao-cao-dai.txt"], api_name="/delete")


@browser_test
def test_a_scanned_report_uploaded_in_the_page_is_read_by_ocr(server: Any, tmp_path: Path) -> None:
    """A scan is recognized page by page while questions are answered; then its table is."""
    from gradio_client import Client, handle_file

    from tests.report_files import write_scanned_pdf

    scan = write_scanned_pdf(tmp_path / "bctc-scan.pdf")
    result: dict[str, Any] = {}

    def upload() -> None:
        result["report"] = Client(server.url, verbose=False).predict(
            [handle_file(str(scan))], api_name="/ingest"
        )

    uploader = threading.Thread(target=upload)
    uploader.start()
    time.sleep(0.5)
    meanwhile = Client(server.url, verbose=False).predict(SEED_QUESTIONS[0][0], api_name="/ask")
    uploader.join(timeout=300)

    assert "1.700" in meanwhile["answer"]
    assert [Path(s).name for s in result["report"]["added"]] == ["bctc-scan.pdf"]
    client = Client(server.url, verbose=False)
    asked = client.predict("Hàng tồn kho tại ngày 30/6/2025 là bao nhiêu?", api_name="/ask")
    assert "6.204.318.775.931" in asked["answer"]
    assert asked["sources"][0]["source"] == "bctc-scan.pdf"
    assert client.predict(["bctc-scan.pdf"], api_name="/delete")


@browser_test
def test_startup_and_first_answer_figures(
    fresh_data: Path, launch: Any, browser: Any, figures: Any
) -> None:
    """Time from ``hoidap serve`` to the page answering, measured as a user would see it."""
    running = launch(fresh_data)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    open_page(page, running.url)
    page_ready = time.perf_counter() - running.started_at
    took = ask_in_page(page, SEED_QUESTIONS[1][0])
    first_answer = time.perf_counter() - running.started_at
    assert SEED_QUESTIONS[1][1] in last_answer(page)
    warm = [ask_in_page(page, question) for question, _ in SEED_QUESTIONS * 2]
    context.close()
    figures(
        {
            "serve_to_http_200_s": round(running.ready_after, 2),
            "serve_to_page_loaded_s": round(page_ready, 2),
            "serve_to_first_answer_s": round(first_answer, 2),
            "extractive_cold_enter_to_first_source_s": round(took["first_source"], 3),
            "extractive_cold_enter_to_answer_s": round(took["answer"], 3),
            "extractive_warm_enter_to_first_source_s": [round(w["first_source"], 3) for w in warm],
            "extractive_warm_enter_to_answer_s": [round(w["answer"], 3) for w in warm],
        }
    )


@pytest.mark.skipif(
    os.environ.get("HOIDAP_TEST_LOCAL_LLM") != "1",
    reason="set HOIDAP_TEST_LOCAL_LLM=1 to measure the local model (minutes on a CPU)",
)
@browser_test
def test_local_model_answer_figures(
    fresh_data: Path, launch: Any, browser: Any, figures: Any, shot: Any
) -> None:
    running = launch(fresh_data, HOIDAP_ANSWERER="local")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.set_default_timeout(600_000)
    page = context.new_page()
    open_page(page, running.url)
    runs = [ask_in_page(page, question) for question, _ in SEED_QUESTIONS * 2]
    answer = last_answer(page)
    shot(page, "11-local-model-answer")
    context.close()
    assert "Mô hình ngôn ngữ cục bộ" in answer or "Trích nguyên văn" in answer
    figures(
        {
            "local_enter_to_first_source_s": [round(r["first_source"], 2) for r in runs],
            "local_enter_to_answer_s": [round(r["answer"], 2) for r in runs],
        }
    )


def _status(url: str, *, method: str = "GET", data: bytes | None = None) -> int:
    request = urllib.request.Request(url, method=method, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_a_full_disk_is_named_when_a_delete_or_upload_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full / read-only cannot be staged here (the tests run as root), so the store's
    own error is raised where the write would fail; the page must say what it is."""
    from store.vectors import StoreWriteError, write_failure_message
    from ui.app import HoidapApp

    app = HoidapApp(_settings(tmp_path)).documents

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise StoreWriteError(write_failure_message(tmp_path, "No space left on device"))

    monkeypatch.setattr(app, "delete", full_disk)
    monkeypatch.setattr(app, "_run_ingest", full_disk)
    monkeypatch.setattr(app, "library", lambda choice: ())
    (status,) = app.on_delete(["/x/bao-cao.txt"], None)
    assert "Xóa không thành công" in status and "ổ đĩa đầy" in status
    upload = tmp_path / "bao-cao.txt"
    upload.write_text("Báo cáo năm 2021: tội phạm giảm 32,2%.", encoding="utf-8")
    status, report, _ = app.ingest_files([str(upload)])
    assert report is None and "ổ đĩa đầy" in status and "No space left" in status


def test_a_library_of_forty_thousand_documents_shows_the_newest() -> None:
    """The newest documents fill the table, the rest are counted; same names are told apart.
    (How fast the page opens with 100,000 chunks is measured by bench/startup.py.)"""
    from ui import render

    documents = {
        f"/bao-cao/{year}/{i}.txt": DocumentRecord(
            f"/bao-cao/{year}/{i}.txt", "x", ["c"], "Báo cáo", ingested_at=f"{year}-01-01"
        )
        for year in (2020, 2021)
        for i in range(20_000)
    }
    rows = render.document_rows(documents)
    choices = render.document_choices(documents)
    assert len(rows) == render.MAX_DOCUMENT_ROWS + 1
    assert rows[-1][0].startswith(f"… và {40_000 - render.MAX_DOCUMENT_ROWS} tài liệu khác")
    assert len(choices) == 40_000
    assert ("0.txt (2020)", "/bao-cao/2020/0.txt") in choices
