"""The real `openai` client against a running `hoidap serve`: answers with the right figure and
a citation, streamed or not; a wrong key is refused; a malformed body gets a clear 400."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.ui.conftest import AUTH

QUESTION = "Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?"


def client(server: Any, key: str = "khong-can") -> Any:
    from openai import OpenAI

    return OpenAI(base_url=f"{server.url}/v1", api_key=key, timeout=120, max_retries=0)


def test_models_and_a_completion(server: Any) -> None:
    api = client(server)
    assert [m.id for m in api.models.list().data] == ["hoidap"]

    started = time.perf_counter()
    reply = api.chat.completions.create(
        model="hoidap", messages=[{"role": "user", "content": QUESTION}]
    )
    seconds = time.perf_counter() - started

    text = reply.choices[0].message.content or ""
    assert "1.700" in text and "[1]" in text
    extra = reply.model_extra["hoidap"]  # type: ignore[index]
    assert extra["abstained"] is False
    assert "1.700" in extra["sources"][0]["text"]
    assert seconds < 60


def test_a_streamed_completion(server: Any) -> None:
    stream = client(server).chat.completions.create(
        model="hoidap", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    pieces = [chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices]
    text = "".join(pieces)
    assert "1.700" in text and "[1]" in text
    assert len(pieces) > 2  # it streamed in pieces


def test_a_follow_up_uses_the_earlier_messages(server: Any) -> None:
    reply = client(server).chat.completions.create(
        model="hoidap",
        messages=[
            {"role": "user", "content": "Năm 2021 tội phạm giảm bao nhiêu phần trăm?"},
            {"role": "assistant", "content": "Tội phạm giảm 32,2% [1]"},
            {"role": "user", "content": "Còn số cán bộ được huy động thì sao?"},
        ],
    )
    assert reply.choices[0].message.content


def post(url: str, body: bytes, key: str | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_malformed_body_gets_a_clear_400(server: Any) -> None:
    status, body = post(f"{server.url}/v1/chat/completions", b'{"messages": "hoi gi"}')
    assert status == 400
    assert "messages" in body["error"]["message"]

    status, body = post(f"{server.url}/v1/chat/completions", b"not json")
    assert status == 400 and "JSON" in body["error"]["message"]


def test_with_auth_the_password_is_the_key(auth_server: Any) -> None:
    from openai import AuthenticationError

    with pytest.raises(AuthenticationError):
        client(auth_server, "sai-khoa").chat.completions.create(
            model="hoidap", messages=[{"role": "user", "content": QUESTION}]
        )
    reply = client(auth_server, AUTH[1]).chat.completions.create(
        model="hoidap", messages=[{"role": "user", "content": QUESTION}]
    )
    assert "1.700" in (reply.choices[0].message.content or "")
