"""The OpenAI-compatible API with a scope: ``hoidap.documents`` limits the answer to those
reports, an unknown name is a 400 listing close matches, the figures come back as data,
and the exchange is kept as a conversation of the page, with its scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.settings import Settings
from tests import scope_files
from tests import statement_files as sf
from tests.conftest import make_settings
from ui.conversations import ANONYMOUS, ConversationStore
from ui.history_panel import STORE_NAME
from ui.openai_api import BadRequest, parse_request

KEY = "khoa-thu"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("scope-api")
    settings = make_settings(folder / "data", api_key=KEY)
    scope_files.ingest_library(folder / "reports", settings)
    return settings


@pytest.fixture(scope="module")
def client(library: Settings):  # type: ignore[no-untyped-def]
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from ui.openai_api import router

    app = FastAPI()
    app.include_router(router(library))
    return TestClient(app, headers={"Authorization": f"Bearer {KEY}"})


def ask(question: str, **hoidap: object) -> dict[str, object]:
    body: dict[str, object] = {
        "model": "hoidap",
        "messages": [{"role": "user", "content": question}],
    }
    if hoidap:
        body["hoidap"] = hoidap
    return body


def test_the_hoidap_field_is_read_and_checked() -> None:
    asked = parse_request(ask("nợ phải trả", documents=["HPG", "*.md"], conversation=3))
    assert asked.documents == ["HPG", "*.md"] and asked.conversation == 3
    assert parse_request(ask("nợ phải trả")).documents is None
    for bad in ({"documents": "HPG"}, {"documents": [1]}, {"conversation": "x"}):
        with pytest.raises(BadRequest):
            parse_request(ask("nợ phải trả", **bad))


def test_v1_answers_within_the_scope_and_keeps_the_conversation(
    client,
    library: Settings,  # type: ignore[no-untyped-def]
) -> None:
    reply = client.post(
        "/v1/chat/completions", json=ask("nợ phải trả là bao nhiêu", documents=["HPG"])
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    text = body["choices"][0]["message"]["content"]
    assert scope_files.scaled(sf.LIABILITIES, 3) in text and sf.LIABILITIES not in text
    extra = body["hoidap"]
    assert {Path(s["source"]).name for s in extra["sources"]} == {"hpg-q1-2025.md"}
    assert extra["figures"] and extra["figures"][0]["ticker"] == "HPG"
    conversation = extra["conversation"]
    store = ConversationStore(library.data_dir / STORE_NAME)
    assert [Path(d).name for d in store.documents(ANONYMOUS, conversation) or []] == [
        "hpg-q1-2025.md"
    ]
    # the next request continues it
    again = client.post(
        "/v1/chat/completions",
        json=ask("tổng tài sản", documents=["HPG"], conversation=conversation),
    )
    assert again.json()["hoidap"]["conversation"] == conversation
    assert len(store.turns(ANONYMOUS, conversation)) == 2


def test_v1_several_reports_stream_their_figures(client) -> None:  # type: ignore[no-untyped-def]
    reply = client.post(
        "/v1/chat/completions",
        json={**ask("nợ phải trả là bao nhiêu", documents=["*.md"]), "stream": True},
    )
    assert reply.status_code == 200
    import json

    events = [
        json.loads(line[6:]) for line in reply.text.splitlines() if line.startswith("data: {")
    ]
    last = events[-1]["hoidap"]
    assert {f["ticker"] for f in last["figures"] if f["asked"]} == {"GTL", "HPG", "SDA"}


def test_v1_an_unknown_document_is_a_clear_400(client) -> None:  # type: ignore[no-untyped-def]
    reply = client.post("/v1/chat/completions", json=ask("nợ phải trả", documents=["hpg-q1-2052"]))
    assert reply.status_code == 400
    message = reply.json()["error"]["message"]
    assert "hpg-q1-2052" in message and "hpg-q1-2025" in message
