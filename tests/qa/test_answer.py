"""The typical questions about the sample report, asked from Python, as a user would."""

from __future__ import annotations

import unicodedata

import pytest

from hoidap.settings import Settings
from qa.api import answer
from qa.chain import QuestionError
from qa.reasons import Reason
from qa.types import ABSTAIN_MESSAGE
from tests.conftest import STORE_MODES

# every test runs on the embedded store and on a real Chroma server
pytestmark = pytest.mark.parametrize("store_mode", STORE_MODES, indirect=True)

SEED_QUESTIONS = [
    ("Có bao nhiêu cán bộ, chiến sĩ được huy động tham gia phòng chống dịch Covid-19?", "1.700"),
    ("Tội phạm xâm phạm trật tự xã hội giảm bao nhiêu phần trăm?", "32,2%"),
    (
        "Công an TP Cần Thơ được Chủ tịch nước tặng huân chương gì?",
        "Huân chương Chiến công hạng nhì",
    ),
    ("Thành lập bao nhiêu tổ lưu động để cấp căn cước công dân?", "33 tổ lưu động"),
    ("Công an thành phố trao tặng bao nhiêu tấn gạo?", "120 tấn gạo"),
]


@pytest.mark.parametrize(("question", "figure"), SEED_QUESTIONS)
def test_seed_questions_get_the_right_figure(seeded: Settings, question: str, figure: str) -> None:
    result = answer(question, settings=seeded)
    assert not result.abstained
    assert figure in result.text
    # the answer is quoted from a numbered source that really contains it
    cited = int(result.text.rsplit("[", 1)[1].rstrip("]"))
    assert figure in result.sources[cited - 1].text
    assert result.sources[0].source == "can-tho-police-2021.txt"


def test_question_the_report_does_not_answer_abstains(seeded: Settings) -> None:
    result = answer("Giá vàng SJC hôm nay là bao nhiêu một lượng?", settings=seeded)
    assert result.abstained
    assert result.text == ABSTAIN_MESSAGE


def test_nfd_and_old_tone_marks_find_the_same_chunk(seeded: Settings) -> None:
    question = "Công an thành phố trao tặng bao nhiêu tấn gạo và rau củ quả?"
    nfc = answer(question, settings=seeded)
    nfd = answer(unicodedata.normalize("NFD", question), settings=seeded)
    old_style = answer(
        "Công an thành phố trao tặng bao nhiêu tấn gạo, rau củ quả, thuỷ sản hoà?", settings=seeded
    )
    assert [s.chunk_id for s in nfd.sources] == [s.chunk_id for s in nfc.sources]
    assert nfd.text == nfc.text
    new_style = answer(
        "Công an thành phố trao tặng bao nhiêu tấn gạo, rau củ quả, thủy sản hòa?", settings=seeded
    )
    assert [s.chunk_id for s in old_style.sources] == [s.chunk_id for s in new_style.sources]


def test_question_without_diacritics_finds_the_same_passage(seeded: Settings) -> None:
    with_marks = answer(
        "Tội phạm xâm phạm trật tự xã hội giảm bao nhiêu phần trăm?", settings=seeded
    )
    without = answer("toi pham xam pham trat tu xa hoi giam bao nhieu phan tram?", settings=seeded)
    assert without.sources[0].chunk_id == with_marks.sources[0].chunk_id
    assert "32,2%" in without.text


@pytest.mark.parametrize("question", ["", "   ", "???"])
def test_empty_question_is_a_clear_error(seeded: Settings, question: str) -> None:
    with pytest.raises(QuestionError, match="Câu hỏi trống"):
        answer(question, settings=seeded)


def test_a_very_long_question_is_answered_from_its_start_and_says_so(seeded: Settings) -> None:
    question = SEED_QUESTIONS[1][0] + " " + "xin cảm ơn " * 400
    result = answer(question, settings=seeded)
    assert "32,2%" in result.text
    assert result.reasons == (Reason.QUESTION_CUT,)
    assert result.note and "2000" in result.note  # the user reads the limit
    assert answer(SEED_QUESTIONS[1][0], settings=seeded).note is None
    from qa.api import stream

    final = list(stream(question, settings=seeded))[-1]
    assert not isinstance(final, str) and Reason.QUESTION_CUT in final.reasons


def test_runnable_chain_batches(seeded: Settings) -> None:
    from qa.chain import build_chain

    chain = build_chain(seeded)
    results = chain.batch([SEED_QUESTIONS[0][0], SEED_QUESTIONS[1][0]])
    assert "1.700" in results[0].text
    assert "32,2%" in results[1].text
