"""The OpenAI-compatible request is read as the page reads a conversation; bad bodies are
refused with a clear message; keys are compared, and without one only this machine is let in."""

from __future__ import annotations

import json

import pytest

from hoidap.settings import Settings
from qa.reasons import Reason, why
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from ui.openai_api import BadRequest, allowed, chunks, completion, parse_request


def test_the_last_user_message_is_the_question_and_earlier_ones_the_conversation() -> None:
    asked = parse_request(
        {
            "model": "hoidap",
            "messages": [
                {"role": "system", "content": "Trả lời ngắn."},
                {"role": "user", "content": "Năm 2021 tội phạm giảm bao nhiêu?"},
                {"role": "assistant", "content": "Giảm 32,2% [1]"},
                {"role": "user", "content": [{"type": "text", "text": "Còn năm 2020?"}]},
            ],
            "stream": True,
        }
    )
    assert asked.question == "Còn năm 2020?"
    assert asked.history == [("Năm 2021 tội phạm giảm bao nhiêu?", "Giảm 32,2% [1]")]
    assert asked.stream is True


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ([], "JSON object"),
        ({}, "messages"),
        ({"messages": []}, "messages"),
        ({"messages": [{"content": "x"}]}, "role"),
        ({"messages": [{"role": "user", "content": 5}]}, "text"),
        ({"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]},
         "last message"),
        ({"messages": [{"role": "user", "content": "x"}], "stream": "yes"}, "boolean"),
    ],
)  # fmt: skip
def test_malformed_bodies_are_refused_clearly(body: object, says: str) -> None:
    with pytest.raises(BadRequest, match=says):
        parse_request(body)


def test_keys_and_loopback() -> None:
    open_local = Settings()
    keyed = Settings(api_key="bi-mat")
    assert allowed(open_local, None, "127.0.0.1")
    assert not allowed(open_local, None, "192.0.2.10")
    assert allowed(keyed, "Bearer bi-mat", "192.0.2.10")
    assert not allowed(keyed, "Bearer sai", "127.0.0.1")
    assert allowed(Settings(auth="an:mat-khau"), "Bearer mat-khau", "192.0.2.10")
    assert "bi-mat" not in repr(keyed)


def test_completion_and_stream_carry_the_checked_text_and_sources() -> None:
    source = Source("bao-cao.txt", "Báo cáo", 2, "c1", 0.9, "Giảm 32,2%.")
    answer = Answer("Tội phạm giảm 32,2% [1]", False, [source], "q", "extractive")

    body = completion(answer, "hoidap")
    events = list(chunks(answer, "hoidap", piece_chars=5))

    assert body["choices"][0]["message"]["content"] == "Tội phạm giảm 32,2% [1]"
    assert body["hoidap"]["sources"][0]["source"] == "bao-cao.txt"
    assert events[-1] == "data: [DONE]\n\n"
    payloads = [json.loads(e[len("data: ") :]) for e in events[:-1]]
    streamed = "".join(p["choices"][0]["delta"].get("content", "") for p in payloads)
    assert streamed == answer.text
    assert payloads[-1]["choices"][0]["finish_reason"] == "stop"
    assert payloads[-1]["hoidap"]["abstained"] is False
    assert payloads[-1]["hoidap"]["reasons"] == []


def test_a_refusal_carries_its_reason_as_a_value() -> None:
    refused = Answer(ABSTAIN_MESSAGE, True, [], "q", "extractive").because(
        why(Reason.NO_SENTENCE_ANSWERS, wrong="không có con số nào")
    )

    field = completion(refused, "hoidap")["hoidap"]

    assert field["reasons"] == ["no_sentence_answers"]
    assert field["note"] == refused.note
