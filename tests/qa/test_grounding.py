"""The grounding check, on crafted model answers: figures and names must be in cited passages."""

from __future__ import annotations

from hoidap.settings import Settings
from qa.extractive import SentencePicker, extractive_answer
from qa.grounding import (
    best_passage,
    check_grounding,
    citations,
    drop_repeated_unit,
    garbage,
    garbage_reason,
    is_abstention,
    proper_names,
)
from qa.llm_answer import LLMAnswerer
from qa.reasons import Reason
from qa.retriever import Retrieval
from qa.types import Answer, Source

PASSAGES = [
    "Công an thành phố huy động 1.700 cán bộ, chiến sĩ tham gia nhiệm vụ phòng, chống dịch.",
    "Tội phạm xâm phạm trật tự xã hội trên địa bàn thành phố giảm 32,2%; thành lập 33 tổ "
    "lưu động để cấp căn cước công dân.",
    "Năm 2021, Công an TP Cần Thơ được Chủ tịch nước tặng Huân chương Chiến công hạng nhì; "
    "Thiếu tướng Nguyễn Văn Thuận nhận Cờ thi đua.",
]
SOURCES = [Source("bao-cao.txt", "Báo cáo", None, f"c{i}", 1.0, t) for i, t in enumerate(PASSAGES)]


def test_figure_absent_from_the_passages_is_rejected() -> None:
    verdict = check_grounding("Công an huy động 2.500 cán bộ, chiến sĩ [1].", SOURCES)
    assert not verdict.ok
    assert verdict.unsupported_figures == ["2.500"]


def test_figure_in_the_cited_passage_passes() -> None:
    verdict = check_grounding("Công an thành phố huy động 1.700 cán bộ, chiến sĩ [1].", SOURCES)
    assert verdict.ok
    assert verdict.cited == [1]


def test_figure_only_in_an_uncited_passage_is_rejected() -> None:
    # 32,2% is true, but not in passage [1], which the answer says it comes from
    verdict = check_grounding("Tội phạm giảm 32,2% [1].", SOURCES)
    assert verdict.unsupported_figures == ["32,2"]


def test_figures_written_differently_are_the_same_figure() -> None:
    assert check_grounding("Huy động 1700 cán bộ [1].", SOURCES).ok
    assert check_grounding("Tội phạm giảm 32.2% [2].", SOURCES).ok
    assert check_grounding("Huy động 1,700 cán bộ [1].", SOURCES).ok
    assert not check_grounding("Tội phạm giảm 3,22 lần [2].", SOURCES).ok
    assert not check_grounding("Huy động 17.00 cán bộ [1].", SOURCES).ok


def test_year_and_date_parts_are_figures() -> None:
    verdict = check_grounding("Ngày 15/3/2020 Công an TP Cần Thơ nhận huân chương [3].", SOURCES)
    assert verdict.unsupported_figures == ["15", "3", "2020"]
    assert check_grounding("Năm 2021, Công an TP Cần Thơ nhận huân chương [3].", SOURCES).ok


def test_invented_proper_name_is_rejected_but_names_from_the_question_pass() -> None:
    answer = "Đại tá Trần Văn Bình nhận Cờ thi đua [3]."
    assert check_grounding(answer, SOURCES).unsupported_names == ["Trần Văn Bình"]
    question = "Đại tá Trần Văn Bình có nhận Cờ thi đua không?"
    assert check_grounding(answer, SOURCES, question).ok


def test_name_from_the_cited_passage_passes_even_without_diacritics_case() -> None:
    answer = "Thiếu tướng Nguyễn Văn Thuận nhận Cờ thi đua [3]."
    assert check_grounding(answer, SOURCES).ok


def test_citation_of_a_passage_that_does_not_exist_is_rejected() -> None:
    verdict = check_grounding("Huy động 1.700 cán bộ [7].", SOURCES)
    assert verdict.bad_citations == [7]
    assert not verdict.ok


def test_uncited_answer_is_checked_against_every_passage() -> None:
    assert check_grounding("Tội phạm giảm 32,2%.", SOURCES).ok
    assert not check_grounding("Tội phạm giảm 45%.", SOURCES).ok


def test_citation_forms() -> None:
    assert citations("a [1] b [2, 3] c [1]") == [1, 2, 3]
    assert citations("a [1-3]") == [1, 2, 3]
    assert citations("no citation") == []


def test_sentence_initial_capital_is_not_a_name() -> None:
    assert proper_names("Theo báo cáo, Công an TP Cần Thơ huy động lực lượng.") == [
        "Công",
        "TP Cần Thơ",
    ]
    assert proper_names("Nguyễn Văn Thuận nhận cờ.") == ["Văn Thuận"]


def test_abstention_and_garbage() -> None:
    assert is_abstention("Tài liệu không có thông tin này.")
    assert not is_abstention("Tài liệu không nêu năm, nhưng huy động 1.700 cán bộ [1].")
    assert garbage_reason("") is not None
    assert garbage_reason("警方动员了1700名干部 [1]") is not None
    assert garbage_reason("The police mobilized 1,700 officers to fight the pandemic [1].")
    assert garbage_reason("Huy động 1.700 cán bộ, chiến sĩ [1].") is None
    assert garbage("") == Reason.EMPTY_ANSWER
    assert garbage("The police mobilized 1,700 officers to fight the pandemic [1].") == (
        Reason.NOT_VIETNAMESE
    )


def test_best_passage_for_an_uncited_answer() -> None:
    assert best_passage("thành lập 33 tổ lưu động", SOURCES) == 2


def _answerer() -> LLMAnswerer:
    settings = Settings()

    def extractive(found: Retrieval) -> Answer:
        return extractive_answer(
            found.question, found.sources, SentencePicker(), threshold=0.45, max_sentences=2
        )

    def no_endpoint(settings: Settings) -> object:
        raise AssertionError("finish() must not call the model")

    return LLMAnswerer("local", settings, no_endpoint, extractive, lambda found: 1.0)  # type: ignore[arg-type]


def test_ungrounded_model_answer_falls_back_to_the_quote_and_says_so() -> None:
    found = Retrieval("Công an thành phố huy động bao nhiêu cán bộ, chiến sĩ?", SOURCES)
    answer = _answerer().finish("Công an thành phố huy động 2.500 cán bộ, chiến sĩ [1].", found)
    assert answer.answerer == "extractive"
    assert "1.700" in answer.text and "2.500" not in answer.text
    assert answer.reasons == (Reason.UNGROUNDED, Reason.FALLBACK_QUOTED)
    assert answer.note and "2.500" in answer.note  # the figure the passages lack


def test_grounded_model_answer_is_kept_and_an_uncited_one_gets_its_citation() -> None:
    found = Retrieval("Có bao nhiêu tổ lưu động?", SOURCES)
    answer = _answerer().finish("Có 33 tổ lưu động được thành lập.", found)
    assert answer.answerer == "local" and not answer.abstained and answer.note is None
    assert answer.text.endswith("[2]")


def test_ungrounded_answer_with_nothing_to_quote_abstains() -> None:
    found = Retrieval("Giá vé máy bay đi Hà Nội là bao nhiêu?", SOURCES)
    answer = _answerer().finish("Giá vé là 1.200.000 đồng [1].", found)
    assert answer.abstained and answer.answerer == "extractive"
    assert answer.reasons[0] == Reason.UNGROUNDED, answer.reasons
    assert answer.reasons[-1] == Reason.FALLBACK_ABSTAINED
    assert answer.note and "1.200.000" in answer.note


def test_true_figure_that_counts_something_else_is_refused() -> None:
    """1.700 is in the passage, but it counts officers, not ambulances."""
    found = Retrieval("Công an TP Cần Thơ có bao nhiêu xe cứu thương?", SOURCES)
    answer = _answerer().finish("Công an TP Cần Thơ có 1.700 xe cứu thương [1].", found)
    assert answer.abstained and answer.answerer == "extractive"
    assert answer.reasons[0] == Reason.MODEL_NOT_ASKED, answer.reasons
    assert answer.reasons[-1] == Reason.FALLBACK_ABSTAINED
    assert answer.note and "xe" in answer.note


def test_figure_with_the_unit_asked_for_is_kept_even_when_the_answer_omits_it() -> None:
    found = Retrieval("Thành lập bao nhiêu tổ lưu động?", SOURCES)
    assert _answerer().finish("Có 33 [2].", found).answerer == "local"
    found = Retrieval("Tội phạm giảm bao nhiêu phần trăm?", SOURCES)
    assert _answerer().finish("Giảm 32,2 [2].", found).answerer == "local"


def test_a_question_the_model_repeats_before_answering_is_dropped() -> None:
    found = Retrieval("Thành lập bao nhiêu tổ lưu động?", SOURCES)
    answer = _answerer().finish("Thành lập bao nhiêu tổ lưu động? Có 33 tổ lưu động [2].", found)
    assert answer.text == "Có 33 tổ lưu động [2]."
    # a question is all there is: nothing to drop it in favour of
    assert _answerer().finish("Có 33 tổ lưu động không? [2]", found).text.startswith("Có 33")


def test_a_true_year_that_dates_something_else_is_refused() -> None:
    """The local model answered "sinh năm 2021": 2021 is in the passage, as an award's year."""
    found = Retrieval("Thiếu tướng Nguyễn Văn Thuận sinh năm nào?", SOURCES)
    answer = _answerer().finish("Thiếu tướng Nguyễn Văn Thuận sinh năm 2021 [3].", found)
    assert answer.abstained and answer.answerer == "extractive"
    assert answer.reasons[0] == Reason.MODEL_NOT_ASKED, answer.reasons
    assert answer.note and "sinh" in answer.note


def test_a_unit_written_twice_is_written_once() -> None:
    found = Retrieval("Tội phạm giảm bao nhiêu phần trăm?", SOURCES)
    answer = _answerer().finish("Tội phạm giảm 32,2% phần trăm [2].", found)
    assert answer.answerer == "local"
    assert answer.text == "Tội phạm giảm 32,2% [2]."
    assert drop_repeated_unit("Trao 120 tấn tấn gạo") == "Trao 120 tấn gạo"
    assert drop_repeated_unit("giảm 32,2 phần trăm %") == "giảm 32,2%"
    assert drop_repeated_unit("giảm 32,2 phần trăm") == "giảm 32,2 phần trăm"


def test_figures_the_question_holds_do_not_choose_the_passage() -> None:
    """Every passage about the pandemic says "Covid-19"; only one holds 1.700."""
    sources = [
        Source("a.txt", "", None, "a", 1.0, "Dịch Covid-19 lần thứ 4 bùng phát; phòng chống "
               "dịch Covid-19 được huy động toàn lực, cán bộ tham gia phòng chống dịch Covid-19."),
        Source("b.txt", "", None, "b", 1.0, "Huy động 1.700 người."),
    ]
    text = "Huy động 1.700 cán bộ tham gia phòng chống dịch Covid-19."
    question = "Bao nhiêu cán bộ tham gia phòng chống dịch Covid-19?"
    assert best_passage(text, sources, question) == 2
    assert best_passage(text, sources) == 1  # counted, 19 ties the figures; words decide


def test_an_uncited_answer_is_cited_to_the_passage_where_its_figure_counts_the_unit() -> None:
    """Both passages hold 33, and the first shares more words; only the second has 33 teams."""
    sources = [
        Source("a.txt", "", None, "a", 1.0, "Có 33 đoàn công tác được thành lập, lưu động "
               "khắp thành phố, tổ chức kiểm tra."),
        Source("b.txt", "", None, "b", 1.0, "33 tổ lưu động."),
    ]
    assert best_passage("Có 33 tổ lưu động được thành lập.", sources) == 1
    found = Retrieval("Thành lập bao nhiêu tổ lưu động?", sources)
    answer = _answerer().finish("Có 33 tổ lưu động được thành lập.", found)
    assert answer.answerer == "local"
    assert answer.text.endswith("[2]")


def test_a_grounded_name_that_does_not_answer_where_is_refused() -> None:
    found = Retrieval("Thiếu tướng Nguyễn Văn Thuận quê ở đâu?", SOURCES)
    answer = _answerer().finish("Thiếu tướng Nguyễn Văn Thuận quê ở TP Cần Thơ [3].", found)
    assert answer.abstained
    assert answer.reasons[0] == Reason.MODEL_NOT_ASKED, answer.reasons
    assert answer.note and "quê" in answer.note
