"""Conversations survive a restart, belong to one user, and export with their citations."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.reasons import Reason, why
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from ui.conversations import ConversationStore, title_from

SOURCE = Source("bao-cao.txt", "Báo cáo", None, "c1", 0.9, "Huy động 1.700 cán bộ.")


def answer(text: str) -> Answer:
    return Answer(text, False, [SOURCE], "q", "extractive", quotes=["Huy động 1.700 cán bộ."])


def test_a_conversation_is_kept_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite"
    store = ConversationStore(path)
    cid = store.start("", "Có bao nhiêu cán bộ được huy động?")
    store.add_turn("", cid, "Có bao nhiêu cán bộ được huy động?", "…", answer("1.700 cán bộ [1]"))
    store.add_turn("", cid, "Còn năm 2020?", "Năm 2020 có bao nhiêu…", answer("Không rõ [1]"))

    again = ConversationStore(path)  # a new process
    [conversation] = again.list("")
    turns = again.turns("", cid)

    assert conversation.title == "Có bao nhiêu cán bộ được huy động?"
    assert [t.question for t in turns] == ["Có bao nhiêu cán bộ được huy động?", "Còn năm 2020?"]
    assert turns[0].answer.sources[0].text == "Huy động 1.700 cán bộ."
    assert turns[1].standalone == "Năm 2020 có bao nhiêu…"


def test_each_user_sees_only_their_own(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite")
    mine = store.start("an", "Câu của An")
    theirs = store.start("binh", "Câu của Bình")

    assert [c.title for c in store.list("an")] == ["Câu của An"]
    assert store.turns("an", theirs) == []
    assert not store.rename("an", theirs, "đổi tên")
    assert not store.delete("an", theirs)
    with pytest.raises(KeyError):
        store.add_turn("an", theirs, "x", "x", answer("x"))
    assert [c.title for c in store.list("binh")] == ["Câu của Bình"]
    assert store.delete("an", mine) and store.list("an") == []


def test_rename_and_export_markdown_with_citations(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite")
    cid = store.start("", "Có bao nhiêu cán bộ?")
    question = "Có bao nhiêu cán bộ?"
    store.add_turn("", cid, question, question, answer("1.700 cán bộ [1]"))
    assert store.rename("", cid, "Cán bộ huy động")

    markdown = store.export_markdown("", cid)

    assert markdown.startswith("# Cán bộ huy động\n")
    assert "**Hỏi:** Có bao nhiêu cán bộ?" in markdown
    assert "**Đáp:** 1.700 cán bộ [1]" in markdown
    assert "[1] bao-cao.txt: Huy động 1.700 cán bộ." in markdown


def test_a_long_first_question_makes_a_short_title() -> None:
    title = title_from("Tổng cộng tài sản " * 20)
    assert len(title) <= 81 and title.endswith("…")


def test_a_reopened_abstention_still_says_why(tmp_path: Path) -> None:
    """The reason an answer was refused survives a restart, for the page and the API alike."""
    path = tmp_path / "conversations.sqlite"
    store = ConversationStore(path)
    cid = store.start("", "Lợi nhuận năm 2030?")
    refused = Answer(ABSTAIN_MESSAGE, True, [SOURCE], "q", "extractive").because(
        why(Reason.PERIOD_NOT_COVERED, years="2030", periods="2024, 2023")
    )
    store.add_turn("", cid, "Lợi nhuận năm 2030?", "Lợi nhuận năm 2030?", refused)

    [turn] = ConversationStore(path).turns("", cid)

    assert turn.answer.reasons == (Reason.PERIOD_NOT_COVERED,)
    assert turn.answer.note == refused.note
