"""The page's scope, in Chromium against a real ``hoidap serve``: choose the reports a
conversation is about (searched by company), see it above the chat, get answers from them
only, a bar chart and a CSV of the per-report figures; reopen the conversation with its
scope; an upload offers a conversation about the uploaded report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import scope_files
from tests import statement_files as sf
from tests.ui.conftest import run_ingest
from tests.ui.test_app import ask_in_page, last_answer, open_page, upload

browser_test = pytest.mark.slow
HPG_DEBT = scope_files.scaled(sf.LIABILITIES, 3)
SDA_DEBT = scope_files.scaled(sf.LIABILITIES, 2)


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scope-page")
    scope_files.write_library(folder / "reports")
    data_dir = folder / "data"
    run_ingest(data_dir, folder / "reports")
    return data_dir


def pick(page: Any, typed: str, option: str) -> None:
    """Type in the scope picker and choose the option holding ``option``."""
    box = page.locator("#hd-scope input").first
    box.click()
    box.fill(typed)
    page.locator("[data-testid=dropdown-option]", has_text=option).first.click()
    page.wait_for_function(
        "t => document.querySelector('#hd-scope-shown').innerText.includes(t)", arg=option
    )
    page.keyboard.press("Escape")


def scope_line(page: Any) -> str:
    return page.locator("#hd-scope-shown").inner_text()


@browser_test
def test_choose_a_scope_ask_chart_and_reopen(
    library_dir: Path, launch: Any, browser: Any, shot: Any, figures: Any
) -> None:
    server = launch(library_dir)
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="vi-VN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_page(page, server.url)
    assert "tất cả tài liệu" in scope_line(page)

    pick(page, "Hòa Phát", "hpg-q1-2025.md")  # searched by the company on the report card
    ask_in_page(page, "nợ phải trả là bao nhiêu")
    answer = last_answer(page)
    assert HPG_DEBT in answer and sf.LIABILITIES not in answer and SDA_DEBT not in answer
    shot(page, "30-scope-one-report")

    pick(page, "SDA", "sda-q1-2025.md")  # by the ticker
    ask_in_page(page, "nợ phải trả là bao nhiêu")
    answer = last_answer(page)
    assert HPG_DEBT in answer and SDA_DEBT in answer and "GTL" not in answer
    assert "Chênh lệch" in answer  # two companies: compared
    page.wait_for_function(  # the chart of this answer (both companies), not the last one's
        "() => document.querySelector('#hd-figures').innerText.includes('SDA')"
    )
    page.locator("#hd-chart canvas, #hd-chart svg").first.wait_for()
    with page.expect_download() as download:
        page.click("#hd-figures-csv")
    table = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert table.startswith("company,ticker,document") and "60600901200" in table
    assert "40400600800" in table and "20200300400" not in table
    shot(page, "31-scope-two-reports-chart")
    context.close()

    # a new session: reopening the conversation restores its scope and its chart
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="vi-VN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_page(page, server.url)
    assert "tất cả tài liệu" in scope_line(page)
    page.locator("#hd-history .hist-item").first.click()
    page.wait_for_function(
        "() => document.querySelector('#hd-scope-shown').innerText.includes('sda-q1-2025.md')"
    )
    assert "hpg-q1-2025.md" in scope_line(page) and "gtl-q1-2025.md" not in scope_line(page)
    page.locator("#hd-figures").wait_for(state="visible")
    ask_in_page(page, "tổng tài sản là bao nhiêu")  # the reopened scope is the one asked
    answer = last_answer(page)
    assert scope_files.scaled(sf.TOTAL_ASSETS, 3) in answer
    assert scope_files.scaled(sf.TOTAL_ASSETS, 2) in answer and "GTL" not in answer
    shot(page, "32-scope-reopened")
    context.close()


@browser_test
def test_an_upload_offers_a_conversation_about_it(
    library_dir: Path, launch: Any, page: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    import shutil

    data = tmp_path_factory.mktemp("scope-upload") / "data"
    shutil.copytree(library_dir, data, ignore=shutil.ignore_patterns(".ingest.lock"))
    server = launch(data)
    page.set_default_timeout(90_000)  # an upload is read and embedded on a busy 2-core machine
    note = tmp_path / "ghi-chu-doan-kiem-tra.md"
    note.write_text(
        "# Ghi chú\n\nĐoàn kiểm tra đến Cần Thơ ngày 5 tháng 3 với 12 thành viên.\n",
        encoding="utf-8",
    )
    open_page(page, server.url)
    page.get_by_role("tab", name="Tài liệu").click()
    upload(page, note.name, note)
    page.click("#hd-ask-about")
    page.wait_for_function(
        "t => document.querySelector('#hd-scope-shown').innerText.includes(t)", arg=note.name
    )
    page.locator("#hd-question textarea").wait_for(state="visible")
    ask_in_page(page, "Đoàn kiểm tra có bao nhiêu thành viên?")
    assert "12" in last_answer(page)
