"""Reasons are values with one message each: what the page, the CLI and the API all show.

The other tests ask an answer for its reason; here each reason's words are checked once,
as the user reads them (Vietnamese, then English in parentheses where the note had it).
"""

from __future__ import annotations

import pytest

from qa.reasons import MESSAGES, Reason, Why, message, why
from qa.types import ABSTAIN_MESSAGE, Answer

SAID = {
    Reason.NOTHING_RELEVANT: (
        {},
        "Không có đoạn trích đủ liên quan; không hỏi mô hình "
        "(nothing relevant enough was retrieved; the model was not asked).",
    ),
    Reason.MODEL_FAILED: (
        {"error": "ConnectError: refused"},
        "Mô hình không trả lời được (ConnectError: refused); dùng câu trích nguyên văn.",
    ),
    Reason.MODEL_UNUSABLE: (
        {"problem": "câu trả lời rỗng (empty answer)"},
        "Mô hình trả lời không dùng được (câu trả lời rỗng (empty answer)).",
    ),
    Reason.EMPTY_ANSWER: ({}, "câu trả lời rỗng (empty answer)"),
    Reason.NOT_VIETNAMESE: ({}, "câu trả lời không phải tiếng Việt (not Vietnamese)"),
    Reason.UNGROUNDED: (
        {"problems": "số 2.500"},
        "Câu trả lời của mô hình có chi tiết không có trong đoạn trích được dẫn (số 2.500); "
        "không dùng.",
    ),
    Reason.NO_PASSAGE_HOLDS_FIGURES: (
        {},
        "Không đoạn trích nào mô hình đã đọc chứa mọi số liệu của câu trả lời "
        "(no passage the model read holds all of its figures); không dùng.",
    ),
    Reason.MODEL_NOT_ASKED: (
        {"wrong": "không có số đếm xe"},
        "Câu trả lời của mô hình không phải điều được hỏi (không có số đếm xe); không dùng.",
    ),
    Reason.OFF_LINE_FIGURE: (
        {"figure": "1.234.567"},
        "Số 1.234.567 của mô hình không phải số của dòng được hỏi trong báo cáo "
        "(not the asked line's figure); không dùng.",
    ),
    Reason.QUOTE_NOT_ASKED: (
        {"wrong": "không có năm"},
        "Câu trích cũng không phải điều được hỏi (không có năm).",
    ),
    Reason.FALLBACK_ABSTAINED: ({}, "Không đủ căn cứ nên không trả lời."),
    Reason.FALLBACK_QUOTED: ({}, "Đây là câu trích nguyên văn từ tài liệu."),
    Reason.NO_SENTENCE_ANSWERS: (
        {"wrong": "không có năm"},
        "Không câu nào trong tài liệu trả lời đúng điều được hỏi: không có năm.",
    ),
    Reason.NOT_THE_ROW: (
        {},
        "Dòng bảng gần nhất không phải dòng được hỏi; không trả lời "
        "(the nearest table line is not the row asked about).",
    ),
    Reason.QUESTION_CUT: (
        {"limit": 2000},
        "Câu hỏi dài hơn 2000 ký tự; chỉ dùng 2000 ký tự đầu "
        "(only the first 2000 characters of the question were used).",
    ),
    Reason.LOCAL_MODEL_MISSING: (
        {},
        "Chưa cài mô hình cục bộ, dùng câu trích nguyên văn "
        "(local model not installed: pip install '.[local-llm]').",
    ),
    Reason.BALANCE_NOT_COVERED: (
        {"year": 2020, "columns": "cuối kỳ, ngày 31/03/2025"},
        "Báo cáo không có số dư của năm 2020; các cột trong báo cáo: cuối kỳ, ngày 31/03/2025 "
        "(the report does not cover that date).",
    ),
    Reason.PERIOD_NOT_COVERED: (
        {"years": "2030", "periods": "quý 1/2025"},
        "Báo cáo không có số liệu cho năm 2030; các kỳ trong báo cáo: quý 1/2025 "
        "(the report does not cover that period).",
    ),
    Reason.SHORTER_PERIOD: (
        {"period": "quý 1/2025"},
        "Báo cáo chỉ gồm quý 1/2025; đây là số của kỳ đó.",
    ),
    Reason.FIGURE_CONTRADICTED: (
        {"line": "Hàng tồn kho (mã số 140)"},
        "Số của dòng Hàng tồn kho (mã số 140) mâu thuẫn với các đẳng thức của báo cáo; không "
        "nêu (the figure contradicts the statement's identities).",
    ),
    Reason.NO_COMPARISON: ({}, "Không có kỳ so sánh trong báo cáo."),
    Reason.RATIO_INPUT_MISSING: (
        {"ratio": "ROA", "missing": "không tìm thấy dòng cần cho phép tính"},
        "Không tính được ROA: không tìm thấy dòng cần cho phép tính (an input line is missing).",
    ),
    Reason.ZERO_DENOMINATOR: ({"ratio": "ROA"}, "Không tính được ROA: mẫu số bằng 0."),
    Reason.QUARTER_NOT_AUDITED: (
        {},
        "Báo cáo quý này không nêu đơn vị kiểm toán (thường báo cáo quý không được kiểm toán).",
    ),
}


def test_every_reason_has_one_message() -> None:
    assert set(MESSAGES) == set(Reason) == set(SAID)


@pytest.mark.parametrize("reason", list(Reason))
def test_each_message_as_the_user_reads_it(reason: Reason) -> None:
    details, text = SAID[reason]
    assert message(reason, **details) == text


def test_reasons_join_as_notes_did_and_reach_the_json() -> None:
    said = why(Reason.UNGROUNDED, problems="số 9") + why(Reason.FALLBACK_ABSTAINED)
    assert said.reasons == (Reason.UNGROUNDED, Reason.FALLBACK_ABSTAINED)
    assert said.text == (
        "Câu trả lời của mô hình có chi tiết không có trong đoạn trích được dẫn (số 9); "
        "không dùng. Không đủ căn cứ nên không trả lời."
    )
    answer = Answer(ABSTAIN_MESSAGE, True).because(said)
    assert answer.note == said.text
    assert answer.to_json()["reasons"] == ["ungrounded", "fallback_abstained"]
    assert "reasons" not in Answer("Có 3 tổ [1].", False).to_json()  # only when there are
    noted = Answer(ABSTAIN_MESSAGE, True, note="Trước.").because(Why((), ""))
    assert noted.note == "Trước." and noted.reasons == ()
