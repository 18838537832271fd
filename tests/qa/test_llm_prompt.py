"""What the model reads (qa/llm_prompt.py): a few sentences and table rows, not whole passages.

No model is called here: these build prompts from real retrievals of the sample report and
from hand-made table passages, and look at them.
"""

from __future__ import annotations

import pytest

from hoidap.settings import Settings
from ingest.document import CELL_SEPARATOR
from qa.extractive import SentencePicker
from qa.llm_prompt import (
    DEFAULT_MODE,
    SENTENCE_SYSTEM_PROMPT,
    SYSTEM_PROMPT,
    build_prompt,
    prompt_mode,
    table_parts,
)
from qa.retriever import Retrieval
from qa.types import Source

OFFICERS = "Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?"
OFFICERS_SENTENCE = "huy động 1.700 cán bộ, chiến sĩ tham gia nhiệm vụ phòng, chống dịch"


@pytest.fixture(scope="module")
def officers(report: Settings) -> tuple[Retrieval, SentencePicker]:
    """The seed question's real retrieval from the sample report, and the corpus's ranking."""
    from qa.chain import ExtractiveAnswerer, prepare_question
    from qa.retriever import HybridRetriever
    from store.index import get_index

    index = get_index(report)
    found = HybridRetriever(index, report).retrieve(prepare_question(OFFICERS))
    return found, ExtractiveAnswerer(report, index).picker()


def test_sentence_prompt_holds_the_answer_in_a_fraction_of_the_passage_prompt(
    report: Settings, officers: tuple[Retrieval, SentencePicker]
) -> None:
    found, picker = officers
    sentences = build_prompt(found.question, found.sources, report, mode="sentences", picker=picker)
    passages = build_prompt(found.question, found.sources, report, mode="passages", picker=picker)
    print(sentences.user_text)
    # each mode's rules (and the sentence mode's worked examples) come first and are the
    # same for every question, so the server's prompt cache holds them
    other = build_prompt("Tội phạm giảm bao nhiêu phần trăm?", found.sources, report, picker=picker)
    assert [m.content for m in other.messages[:-1]] == [m.content for m in sentences.messages[:-1]]
    assert sentences.messages[0].content == SENTENCE_SYSTEM_PROMPT
    assert [m.content for m in passages.messages[:-1]] == [SYSTEM_PROMPT]
    assert OFFICERS not in "".join(str(m.content) for m in sentences.messages[:-1])
    assert OFFICERS_SENTENCE in sentences.user_text
    assert sentences.user_text.rstrip().endswith(f"Câu hỏi: {OFFICERS}")
    assert len(sentences.user_text) < 0.45 * len(passages.user_text), (
        len(sentences.user_text),
        len(passages.user_text),
    )
    # [n] still means found.sources[n - 1]: the number before the sentence is its passage's
    (number,) = [n for n in sentences.numbers if OFFICERS_SENTENCE in sentences.shown[n - 1].text]
    assert OFFICERS_SENTENCE in found.sources[number - 1].text
    block = sentences.user_text.split(f"[{number}]", 1)[1].split("\n\n[", 1)[0]
    assert OFFICERS_SENTENCE in block
    # what the model read of each passage is part of that passage, and nothing of the others
    for n, shown in enumerate(sentences.shown, start=1):
        if n not in sentences.numbers:
            assert shown.text == ""
        for piece in shown.text.split(" … "):
            assert " ".join(piece.split()) in " ".join(found.sources[n - 1].text.split())


HEADER = ("Chỉ tiêu", "Mã số", "Thuyết minh", "30/6/2025", "1/1/2025")
TABLE = Source(
    "bao-cao-tai-chinh.pdf",
    "Báo cáo tài chính HBMILK quý II năm 2025",
    3,
    "t1",
    1.0,
    "\n".join(
        [
            "BẢNG CÂN ĐỐI KẾ TOÁN tại ngày 30 tháng 6 năm 2025",
            "Chỉ tiêu | Mã số | Thuyết minh | 30/6/2025 | 1/1/2025",
            "Tiền và các khoản tương đương tiền | 110 | V.1 | 1.204.551.908.112 "
            "| 1.108.002.331.907",
            "Các khoản phải thu ngắn hạn | 130 | V.3 | 2.877.104.993.201 | 2.650.447.120.018",
            "Hàng tồn kho | 140 | V.5 | 6.204.318.775.931 | 5.117.640.220.184",
            "Dự phòng giảm giá hàng tồn kho | 149 | | (12.441.007.300) | (10.980.220.115)",
            "Tài sản ngắn hạn khác | 150 | | 310.774.018.552 | 298.120.447.019",
            "Tài sản cố định hữu hình | 221 | V.8 | 9.118.550.200.117 | 9.402.331.887.650",
        ]
    ),
    table_header=HEADER,
)
TEXT = Source(
    "bao-cao-tai-chinh.pdf",
    "Báo cáo tài chính HBMILK quý II năm 2025",
    1,
    "p1",
    0.9,
    "Công ty HBMILK công bố báo cáo tài chính quý II năm 2025. Hàng tồn kho tăng do dự trữ "
    "nguyên liệu sữa bột cho mùa cao điểm. Công ty không có khoản vay dài hạn.",
)


def test_a_table_passage_shows_its_matching_rows_under_the_header_line() -> None:
    question = "Hàng tồn kho của HBMILK tại ngày 30/6/2025 là bao nhiêu?"
    prompt = build_prompt(question, [TEXT, TABLE], Settings(), mode="sentences")
    print(prompt.user_text)
    text = prompt.user_text
    header = CELL_SEPARATOR.join(HEADER)
    row = "Hàng tồn kho | 140 | V.5 | 6.204.318.775.931 | 5.117.640.220.184"
    assert row in text
    lines = text.split("\n")
    # the table's block: its number, the table title, the header line, then its rows
    start = lines.index("[2]")
    assert lines[start + 1] == "BẢNG CÂN ĐỐI KẾ TOÁN tại ngày 30 tháng 6 năm 2025"
    assert lines[start + 2] == header
    assert text.count(header) == 1
    rows = [line for line in lines if CELL_SEPARATOR in line and line != header]
    assert row in rows and lines.index(row) > start + 2
    # every row shown sits below the header line, in the table's own block
    assert all(lines.index(r) > lines.index(header) for r in rows)
    # rows about other things are left out
    assert not any(r.startswith(("Tài sản cố định", "Các khoản phải thu")) for r in rows), rows
    assert prompt.shown[1].text.startswith("BẢNG CÂN ĐỐI KẾ TOÁN")
    assert row in prompt.shown[1].text and 2 in prompt.numbers


def test_table_parts_read_title_header_and_rows() -> None:
    parts = table_parts(TABLE)
    assert parts is not None
    assert parts.title.startswith("BẢNG CÂN ĐỐI")
    assert parts.header == CELL_SEPARATOR.join(HEADER)
    assert len(parts.lines) == 6 and parts.lines[2].startswith("Hàng tồn kho | 140")
    assert table_parts(TEXT) is None


def test_prompt_mode_is_chosen_by_name_and_an_unknown_one_is_refused() -> None:
    assert prompt_mode(Settings()) == DEFAULT_MODE == "sentences"
    assert prompt_mode(Settings(), "passages") == "passages"
    with pytest.raises(ValueError, match="prompt mode"):
        prompt_mode(Settings(), "chunks")
    prompt = build_prompt("Hàng tồn kho?", [TEXT, TABLE], Settings(llm_passages=1), mode="passages")
    assert prompt.numbers == (1,) and "[2]" not in prompt.user_text
