"""The sample report, ingested through the real pipeline, asked what it does and does not say.

A question the report does not answer must get "Không tìm thấy thông tin này trong tài
liệu." and a note saying why, never a sentence that merely shares its subject (before
qa/answer_types.py, each of these got one: medals for ambulances, leaders' advice for a
founding year, a photo caption for a home town). The questions it does answer must still get
the sentence holding the answer, verbatim, cited to a passage that holds it.
"""

from __future__ import annotations

import re

import pytest

from hoidap.settings import Settings
from qa.api import answer
from qa.grounding import strip_citations
from qa.reasons import Reason
from qa.types import ABSTAIN_MESSAGE

UNANSWERABLE = [
    "Công an Cần Thơ có bao nhiêu xe cứu thương?",  # was: the medals sentence
    "Công an thành phố được thành lập năm nào?",  # was: leaders' advice
    "Thiếu tướng Nguyễn Văn Thuận quê ở đâu?",  # was: the photo caption naming him
    "Giám đốc Công an thành phố sinh năm nào?",
    "Công an thành phố có bao nhiêu máy bay?",
    "Giám đốc Công an thành phố là ai?",
    "Trụ sở Công an thành phố ở đâu?",
    "Công an TP Cần Thơ được tặng bằng khen gì?",
    "Công an thành phố có bao nhiêu xe tuần tra?",
    # typed without diacritics
    "cong an can tho co bao nhieu xe cuu thuong",
    "cong an thanh pho duoc thanh lap nam nao",
    "thieu tuong nguyen van thuan que o dau",
    "giam doc cong an thanh pho sinh nam nao",
]


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_what_the_report_does_not_say_is_not_answered(seeded: Settings, question: str) -> None:
    result = answer(question, settings=seeded, answerer="extractive")
    assert result.abstained, result.text
    assert result.text == ABSTAIN_MESSAGE
    assert result.quotes == []
    assert result.reasons == (Reason.NO_SENTENCE_ANSWERS,), result.note
    assert result.note and "(" in result.note, result.note  # why, in Vietnamese and English


def test_the_note_says_what_was_missing(seeded: Settings) -> None:
    ambulances = answer(UNANSWERABLE[0], settings=seeded, answerer="extractive")
    assert ambulances.reasons == (Reason.NO_SENTENCE_ANSWERS,)
    assert ambulances.note and "xe cứu thương" in ambulances.note  # what was missing
    home = answer(UNANSWERABLE[2], settings=seeded, answerer="extractive")
    assert home.reasons == (Reason.NO_SENTENCE_ANSWERS,)
    assert home.note and "quê" in home.note


ANSWERABLE = [
    (
        "Có bao nhiêu cán bộ, chiến sĩ được huy động tham gia phòng chống dịch Covid-19?",
        "1.700 cán bộ",
    ),
    ("Tội phạm xâm phạm trật tự xã hội giảm bao nhiêu phần trăm?", "32,2%"),
    ("Thành lập bao nhiêu tổ lưu động để cấp căn cước công dân?", "33 tổ lưu động"),
    ("Bảo vệ tuyệt đối an toàn bao nhiêu đoàn lãnh đạo Đảng, Nhà nước?", "38 đoàn"),
    ("Công an thành phố trao tặng bao nhiêu tấn gạo?", "120 tấn gạo"),
    ("Có bao nhiêu cá nhân được khen thưởng?", "2.711 cá nhân"),
    ("Có bao nhiêu tập thể được khen thưởng?", "471 tập thể"),
    (
        "Công an TP Cần Thơ được Chủ tịch nước tặng huân chương gì?",
        "Huân chương Chiến công hạng nhì",
    ),
    (
        "Ai nhận Cờ “Đơn vị xuất sắc trong phong trào thi đua năm 2021” của Chính phủ?",
        "Nguyễn Văn Thuận",
    ),
    ("Công an TP Cần Thơ được tặng Huân chương Chiến công hạng nhì năm nào?", "2021"),
    # typed without diacritics
    ("toi pham xam pham trat tu xa hoi giam bao nhieu phan tram", "32,2%"),
    ("co bao nhieu ca nhan duoc khen thuong", "2.711 cá nhân"),
    ("cong an thanh pho trao tang bao nhieu tan gao", "120 tấn gạo"),
    ("ai nhan co don vi xuat sac trong phong trao thi dua nam 2021 cua chinh phu", "Văn Thuận"),
]


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE)
def test_what_the_report_says_is_quoted_from_where_it_says_it(
    seeded: Settings, question: str, expected: str
) -> None:
    result = answer(question, settings=seeded, answerer="extractive")
    assert not result.abstained, result.note
    assert expected in result.text
    assert result.note is None
    # verbatim: every quote is in the passage its [n] cites, and the expected words in one
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", result.text)]  # one per quote
    assert len(numbers) == len(result.quotes) >= 1
    for quote, number in zip(result.quotes, numbers, strict=True):
        assert quote in result.sources[number - 1].text
    assert any(expected in q for q in result.quotes)
    assert strip_citations(result.text).split() == " ".join(result.quotes).split()
