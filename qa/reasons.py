"""Why an answer was refused, replaced or abstained: reasons as values, messages as a table.

A reason is a :class:`Reason`; what the user reads for it is its entry in :data:`MESSAGES`
(Vietnamese first, English in parentheses), filled with the case's details by
:func:`message`. An :class:`qa.types.Answer` carries its reasons in ``reasons`` and their
messages in ``note``: the page, the CLI and the API show the same words, and a test asks
for the reason instead of a piece of the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["MESSAGES", "Reason", "Why", "message", "why"]


class Reason(StrEnum):
    """One reason an answer says why it is what it is (its value is the API's word)."""

    # the model answerers (qa/llm_answer.py, qa/llm_verdict.py)
    NOTHING_RELEVANT = "nothing_relevant"
    MODEL_FAILED = "model_failed"
    MODEL_UNUSABLE = "model_unusable"
    EMPTY_ANSWER = "empty_answer"
    NOT_VIETNAMESE = "not_vietnamese"
    UNGROUNDED = "ungrounded"
    NO_PASSAGE_HOLDS_FIGURES = "no_passage_holds_figures"
    MODEL_NOT_ASKED = "model_not_asked"
    OFF_LINE_FIGURE = "off_line_figure"
    QUOTE_NOT_ASKED = "quote_not_asked"
    FALLBACK_ABSTAINED = "fallback_abstained"
    FALLBACK_QUOTED = "fallback_quoted"
    # the extractive answerer and the chain (qa/extractive.py, qa/chain.py)
    NO_SENTENCE_ANSWERS = "no_sentence_answers"
    NOT_THE_ROW = "not_the_row"
    QUESTION_CUT = "question_cut"
    LOCAL_MODEL_MISSING = "local_model_missing"
    # the statement answerer (qa/statement_answer.py)
    BALANCE_NOT_COVERED = "balance_not_covered"
    PERIOD_NOT_COVERED = "period_not_covered"
    SHORTER_PERIOD = "shorter_period"
    FIGURE_CONTRADICTED = "figure_contradicted"
    NO_COMPARISON = "no_comparison"
    RATIO_INPUT_MISSING = "ratio_input_missing"
    ZERO_DENOMINATOR = "zero_denominator"
    QUARTER_NOT_AUDITED = "quarter_not_audited"


# what the user reads, with the details of the case as {fields}; the texts are the ones the
# answers said before reasons were values, word for word
MESSAGES: dict[Reason, str] = {
    Reason.NOTHING_RELEVANT: (
        "Không có đoạn trích đủ liên quan; không hỏi mô hình "
        "(nothing relevant enough was retrieved; the model was not asked)."
    ),
    Reason.MODEL_FAILED: "Mô hình không trả lời được ({error}); dùng câu trích nguyên văn.",
    Reason.MODEL_UNUSABLE: "Mô hình trả lời không dùng được ({problem}).",
    Reason.EMPTY_ANSWER: "câu trả lời rỗng (empty answer)",
    Reason.NOT_VIETNAMESE: "câu trả lời không phải tiếng Việt (not Vietnamese)",
    Reason.UNGROUNDED: (
        "Câu trả lời của mô hình có chi tiết không có trong đoạn trích được dẫn "
        "({problems}); không dùng."
    ),
    Reason.NO_PASSAGE_HOLDS_FIGURES: (
        "Không đoạn trích nào mô hình đã đọc chứa mọi số liệu của câu trả lời "
        "(no passage the model read holds all of its figures); không dùng."
    ),
    Reason.MODEL_NOT_ASKED: (
        "Câu trả lời của mô hình không phải điều được hỏi ({wrong}); không dùng."
    ),
    Reason.OFF_LINE_FIGURE: (
        "Số {figure} của mô hình không phải số của dòng được hỏi trong báo cáo "
        "(not the asked line's figure); không dùng."
    ),
    Reason.QUOTE_NOT_ASKED: "Câu trích cũng không phải điều được hỏi ({wrong}).",
    Reason.FALLBACK_ABSTAINED: "Không đủ căn cứ nên không trả lời.",
    Reason.FALLBACK_QUOTED: "Đây là câu trích nguyên văn từ tài liệu.",
    Reason.NO_SENTENCE_ANSWERS: (
        "Không câu nào trong tài liệu trả lời đúng điều được hỏi: {wrong}."
    ),
    Reason.NOT_THE_ROW: (
        "Dòng bảng gần nhất không phải dòng được hỏi; không trả lời "
        "(the nearest table line is not the row asked about)."
    ),
    Reason.QUESTION_CUT: (
        "Câu hỏi dài hơn {limit} ký tự; chỉ dùng {limit} ký tự đầu "
        "(only the first {limit} characters of the question were used)."
    ),
    Reason.LOCAL_MODEL_MISSING: (
        "Chưa cài mô hình cục bộ, dùng câu trích nguyên văn "
        "(local model not installed: pip install '.[local-llm]')."
    ),
    Reason.BALANCE_NOT_COVERED: (
        "Báo cáo không có số dư của năm {year}; các cột trong báo cáo: {columns} "
        "(the report does not cover that date)."
    ),
    Reason.PERIOD_NOT_COVERED: (
        "Báo cáo không có số liệu cho năm {years}; các kỳ trong báo cáo: {periods} "
        "(the report does not cover that period)."
    ),
    Reason.SHORTER_PERIOD: "Báo cáo chỉ gồm {period}; đây là số của kỳ đó.",
    Reason.FIGURE_CONTRADICTED: (
        "Số của dòng {line} mâu thuẫn với các đẳng thức của báo cáo; không nêu "
        "(the figure contradicts the statement's identities)."
    ),
    Reason.NO_COMPARISON: "Không có kỳ so sánh trong báo cáo.",
    Reason.RATIO_INPUT_MISSING: "Không tính được {ratio}: {missing} (an input line is missing).",
    Reason.ZERO_DENOMINATOR: "Không tính được {ratio}: mẫu số bằng 0.",
    Reason.QUARTER_NOT_AUDITED: (
        "Báo cáo quý này không nêu đơn vị kiểm toán "
        "(thường báo cáo quý không được kiểm toán)."
    ),
}


def message(reason: Reason, **details: object) -> str:
    """What the user reads for ``reason``, its ``{fields}`` filled from ``details``."""
    return MESSAGES[reason].format(**details)


@dataclass(frozen=True)
class Why:
    """Reasons with the words the user reads for them, in order: what a note is made of.

    ``a + b`` says ``a`` then ``b`` (one space between), the way notes were joined.
    """

    reasons: tuple[Reason, ...]
    text: str

    def __add__(self, other: Why) -> Why:
        text = f"{self.text} {other.text}" if self.text and other.text else self.text or other.text
        return Why((*self.reasons, *other.reasons), text)


def why(reason: Reason, **details: object) -> Why:
    """``reason`` with its message (:func:`message`)."""
    return Why((reason,), message(reason, **details))
