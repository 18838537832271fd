"""Follow-up questions: rewritten with the history before retrieval (rules, or the model)."""

from __future__ import annotations

import time

from hoidap.settings import Settings
from qa.conversation import (
    Chat,
    Turn,
    looks_like_follow_up,
    rewrite_by_rules,
    usable_rewrite,
)
from qa.types import Answer
from tests.qa.conftest import needs_local_llm

OFFICERS = "Công an TP Cần Thơ huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch Covid-19?"
CRIME_2021 = "Năm 2021 tội phạm xâm phạm trật tự xã hội giảm bao nhiêu phần trăm?"


def _history(question: str) -> list[Turn]:
    return [Turn(question, question, Answer("…", False))]


def test_follow_ups_are_told_from_complete_questions() -> None:
    assert looks_like_follow_up("Còn năm 2020 thì sao?")
    assert looks_like_follow_up("Vậy còn Hà Nội?")
    assert looks_like_follow_up("Đơn vị đó nhận huân chương gì?")
    assert not looks_like_follow_up(OFFICERS)
    assert not looks_like_follow_up("Công an thành phố trao tặng bao nhiêu tấn gạo?")


def test_rules_swap_the_year_of_the_last_question() -> None:
    rewritten = rewrite_by_rules(_history(CRIME_2021), "Còn năm 2020 thì sao?")
    assert rewritten == "Năm 2020 tội phạm xâm phạm trật tự xã hội giảm bao nhiêu phần trăm?"


def test_rules_add_a_year_or_the_last_question_s_names() -> None:
    history = _history(OFFICERS)
    assert rewrite_by_rules(history, "Còn năm 2020 thì sao?") == (
        "Công an TP Cần Thơ huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch Covid-19 "
        "năm 2020?"
    )
    assert rewrite_by_rules(history, "Còn số tổ lưu động thì sao?") == (
        "Số tổ lưu động là bao nhiêu?"
    )
    assert rewrite_by_rules(history, "Đơn vị đó nhận huân chương gì?") == (
        "Đơn vị đó nhận huân chương gì (TP Cần Thơ)?"
    )
    assert rewrite_by_rules(history, "Vậy còn Hà Nội?").startswith("Công an Hà Nội huy động")
    assert rewrite_by_rules(history, "Công an thành phố trao tặng bao nhiêu tấn gạo?") == (
        "Công an thành phố trao tặng bao nhiêu tấn gạo?"
    )
    assert rewrite_by_rules([], "Còn năm 2020 thì sao?") == "Còn năm 2020 thì sao?"


def test_a_model_rewrite_must_keep_the_follow_up_s_figures() -> None:
    question = "Còn năm 2020 thì sao?"
    assert usable_rewrite("Năm 2020 tội phạm giảm bao nhiêu phần trăm?", question)
    assert not usable_rewrite("Năm 2021 tội phạm giảm bao nhiêu phần trăm?", question)
    assert not usable_rewrite("How much did crime fall in 2020?", question)
    assert not usable_rewrite("", question)


def test_two_turn_conversation_with_the_extractive_answerer(report: Settings) -> None:
    chat = Chat(report, answerer="extractive")
    first = chat.ask(OFFICERS)
    assert "1.700" in first.text
    second = chat.ask("Còn số tổ lưu động thì sao?")
    assert chat.history[-1].standalone == "Số tổ lưu động là bao nhiêu?"
    assert second.question == "Số tổ lưu động là bao nhiêu?"
    assert "33 tổ lưu động" in second.text
    assert [t.question for t in chat.history] == [OFFICERS, "Còn số tổ lưu động thì sao?"]
    chat.reset()
    assert chat.history == []


@needs_local_llm
def test_follow_up_rewritten_by_the_local_model(report: Settings) -> None:
    """Two model calls: the rewrite, then the answer to the standalone question."""
    chat = Chat(report, answerer="local")
    # the first turn as it was answered (kept in history as data, not asked again)
    chat.history.append(
        Turn(OFFICERS, OFFICERS, Answer("Công an TP Cần Thơ huy động 1.700 cán bộ [1].", False))
    )
    started = time.perf_counter()
    result = chat.ask("Còn số tổ lưu động thì sao?")
    print(f"rewrite + answer: {time.perf_counter() - started:.1f} s: "
          f"{chat.history[-1].standalone!r} -> {result.text!r}")
    standalone = chat.history[-1].standalone
    assert "tổ lưu động" in standalone.lower()
    assert standalone != "Còn số tổ lưu động thì sao?"
    assert not result.abstained
    assert "33" in result.text
