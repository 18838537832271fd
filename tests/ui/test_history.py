"""Keep conversations: listed beside the chat, there after a restart, continued with their
history, renamed, deleted, exported as Markdown with their citations; one list per user.

The restart is real (two ``hoidap serve`` processes on one data dir, driven in Chromium).
``--auth`` takes one ``user:password``, so two users are tested at the handler level (two
``gr.Request.username`` values on a real index) and one signed-in user in the browser.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hoidap.settings import Settings
from qa.types import Answer, Source
from tests.ui.test_app import SAMPLE, SEED_QUESTIONS, ask_in_page, last_answer, open_page
from ui.conversations import ANONYMOUS, ConversationStore

FOLLOW_UP = "Còn năm 2021 thì sao?"
CRIME, CRIME_FIGURE = SEED_QUESTIONS[1]
OFFICERS, OFFICERS_FIGURE = SEED_QUESTIONS[0]

browser_test = pytest.mark.slow


def stored(data_dir: Path) -> ConversationStore:
    return ConversationStore(data_dir / "conversations.sqlite")


def history_text(page: Any) -> str:
    return page.locator("#hd-history").inner_text()


def wait_listed(page: Any, text: str) -> None:
    page.wait_for_function(
        "t => document.querySelector('#hd-history').innerText.includes(t)", arg=text
    )


def bots(page: Any) -> int:
    return page.locator("#hd-chat [data-testid=bot]").count()


# =============================================================================================
# a real server, restarted, in a real browser
# =============================================================================================
@browser_test
def test_a_conversation_survives_a_restart_and_continues(
    fresh_data: Path, launch: Any, browser: Any, shot: Any
) -> None:
    first = launch(fresh_data)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_page(page, first.url)
    assert "Chưa có cuộc trò chuyện nào" in history_text(page)
    ask_in_page(page, CRIME)
    # the answer's follow-up events (history list, figures) settle before the next question,
    # as a person reads the answer before asking again
    wait_listed(page, CRIME)  # titled by its first question
    ask_in_page(page, OFFICERS)
    assert OFFICERS_FIGURE in last_answer(page)
    wait_listed(page, CRIME)
    assert page.locator("#hd-history .hist-item").count() == 1  # one conversation, two turns
    context.close()
    first.stop()

    second = launch(fresh_data)  # the same data dir, a new process
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    open_page(page, second.url)
    wait_listed(page, CRIME)
    item = page.locator("#hd-history .hist-item").first
    assert item.locator(".hist-date").inner_text().count("/") == 2  # "dd/mm/yyyy HH:MM"
    assert bots(page) == 0  # a new session starts a new conversation until one is opened
    item.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#hd-chat [data-testid=bot]').length == 2"
    )
    chat = page.locator("#hd-chat").inner_text()
    assert OFFICERS in chat and OFFICERS_FIGURE in chat and CRIME_FIGURE in chat
    assert page.locator("#hd-history .hist-item.active").count() == 1
    assert SAMPLE in page.locator("#hd-sources").inner_text()  # the last answer's sources
    shot(page, "15-history-reopened")

    # a follow-up is rewritten with the reopened conversation's history, and kept in it
    ask_in_page(page, FOLLOW_UP)
    answer = last_answer(page)
    assert "Câu hỏi được hiểu là" in answer and OFFICERS.rstrip("?") in answer, answer
    assert OFFICERS_FIGURE in answer
    page.wait_for_timeout(500)
    assert page.locator("#hd-history .hist-item").count() == 1
    [conversation] = stored(fresh_data).list(ANONYMOUS)
    turns = stored(fresh_data).turns(ANONYMOUS, conversation.id)
    assert [t.question for t in turns] == [CRIME, OFFICERS, FOLLOW_UP]
    assert turns[-1].standalone.startswith(OFFICERS.rstrip("?"))
    shot(page, "16-history-continued")

    # rename, export, delete
    page.locator("#hd-history-title textarea, #hd-history-title input").first.fill(
        "Công an Cần Thơ"
    )
    page.click("#hd-history-rename")
    wait_listed(page, "Công an Cần Thơ")
    assert CRIME not in history_text(page)
    with page.expect_download() as download:
        page.click("#hd-history-export")
    assert download.value.suggested_filename == "Công an Cần Thơ.md"
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# Công an Cần Thơ\n")
    assert f"**Hỏi:** {CRIME}" in markdown and f"**Hỏi:** {FOLLOW_UP}" in markdown
    assert "**Đáp:**" in markdown and OFFICERS_FIGURE in markdown and CRIME_FIGURE in markdown
    assert f"_Câu hỏi được hiểu là: {turns[-1].standalone}_" in markdown
    assert f"[1] {SAMPLE}: " in markdown
    source_lines = [line for line in markdown.splitlines() if line.startswith("[1] ")]
    assert len(source_lines) == 3 and any(OFFICERS_FIGURE in line for line in source_lines)
    shot(page, "17-history-renamed")

    page.click("#hd-history-delete")
    page.click("#hd-history-delete-yes")
    page.wait_for_function("() => !document.querySelector('#hd-history .hist-item')")
    assert bots(page) == 0
    assert stored(fresh_data).list(ANONYMOUS) == []
    context.close()


@browser_test
def test_a_signed_in_user_keeps_their_own_list(auth_server: Any, page: Any) -> None:
    user, password = auth_server.auth
    page.goto(auth_server.url, wait_until="load")
    page.locator("input[data-testid=textbox]").fill(user)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#hd-question textarea")
    question = "Trao tặng bao nhiêu tấn gạo?"
    ask_in_page(page, question)
    wait_listed(page, question)
    store = stored(auth_server.data_dir)
    assert question in [c.title for c in store.list(user)]
    assert question not in [c.title for c in store.list(ANONYMOUS)]


# =============================================================================================
# two users, at the handler level, on a real index
# =============================================================================================
def _ask(app: Any, user: str, question: str, conversation: int | None = None) -> tuple[Any, ...]:
    """One question through the page's handler, as ``user``; the last update."""
    request = SimpleNamespace(username=user)
    *_, last = app.chat.on_ask(question, [], [], "extractive", conversation, {}, request)
    return tuple(last)


def test_each_user_sees_and_touches_only_their_own(fresh_data: Path) -> None:
    from ui.app import HoidapApp

    app = HoidapApp(Settings(data_dir=fresh_data, answerer="extractive"))
    an, binh = SimpleNamespace(username="an"), SimpleNamespace(username="binh")
    *_, mine, _ = _ask(app, "an", OFFICERS)
    *_, theirs, _ = _ask(app, "binh", CRIME)
    assert mine and theirs and mine != theirs

    listing, *_ = app.history.on_refresh(None, an)
    assert OFFICERS in listing and CRIME not in listing
    listing, *_ = app.history.on_refresh(None, binh)
    assert CRIME in listing and OFFICERS not in listing

    # An's page asking for Bình's conversation gets nothing of it
    import gradio as gr

    asked = SimpleNamespace(_data={"conversation": str(theirs)})
    with pytest.warns(UserWarning):
        opened = app.history.on_open(asked, an)
    assert all(part is not None and CRIME not in str(part) for part in opened[:5])
    assert isinstance(opened[0], type(gr.skip()))
    app.history.on_rename(theirs, "đổi tên", an)
    app.history.on_delete(theirs, an)
    assert [c.title for c in stored(fresh_data).list("binh")] == [CRIME]
    # nor can An's question be added to Bình's conversation: a new one of An's starts
    *_, kept, _ = _ask(app, "an", FOLLOW_UP, conversation=theirs)
    assert kept != theirs
    assert [t.question for t in stored(fresh_data).turns("binh", theirs)] == [CRIME]

    # Bình opens theirs: messages, sources, follow-up history and marked quotes come back
    messages, sources, history, conversation, cited, listing, *_ = app.history.on_open(
        SimpleNamespace(_data={"conversation": str(theirs)}), binh
    )
    assert conversation == theirs and len(messages) == 2 and CRIME_FIGURE in messages[1]["content"]
    assert SAMPLE in sources and len(history) == 1 and history[0].question == CRIME
    assert any(CRIME_FIGURE in quote for quote in cited.values())
    assert 'class="hist-item active"' in listing


def test_answers_are_kept_even_when_nothing_can_be_written(tmp_path: Path) -> None:
    """A read-only data dir still answers; the list says conversations are not kept."""
    from ui.history_panel import HistoryHandlers

    blocked = tmp_path / "data"
    blocked.write_text("not a directory")  # the store cannot be made here
    handlers = HistoryHandlers(Settings(data_dir=blocked))
    answer = Answer("1.700 [1]", False, [Source(SAMPLE, "", None, "c1", 1.0, "1.700")])
    assert handlers.keep("", None, OFFICERS, OFFICERS, answer) is None
    listing, *_ = handlers.on_refresh(None, None)
    assert "Không lưu được" in listing


def test_the_store_is_one_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    from ui.history_panel import HistoryHandlers

    settings = Settings(data_dir=tmp_path / "data")
    handlers = HistoryHandlers(settings)
    answer = Answer("1.700 [1]", False, [Source(SAMPLE, "", None, "c1", 1.0, "1.700")])
    conversation = handlers.keep("lan", None, OFFICERS, OFFICERS, answer)
    assert handlers.keep("lan", conversation, FOLLOW_UP, OFFICERS, answer) == conversation
    with sqlite3.connect(settings.data_dir / "conversations.sqlite") as db:
        assert db.execute("SELECT user, title FROM conversations").fetchall() == [("lan", OFFICERS)]
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (2,)
