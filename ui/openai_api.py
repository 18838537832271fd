"""hoidap as an OpenAI-compatible model: ``POST /v1/chat/completions`` and ``GET /v1/models``.

So Open WebUI, anything-llm, LibreChat, ``curl`` or the ``openai`` Python package can talk to
the indexed reports as if to a model. The last user message is the question, earlier user
and assistant messages are the conversation (follow-ups are rewritten with them, as on the
page), and the reply is the checked answer with its ``[n]`` citations. The passages ride
along in an extra field, ``hoidap``, of the completion (and of the last streamed chunk):

    {"hoidap": {"abstained": false, "answerer": "extractive", "note": null,
                "sources": [{"source", "title", "page", "chunk_id", "score", "text"}, …]}}

A streamed reply (``"stream": true``, server-sent events) carries the checked text, never a
draft the grounding check later replaced: what a client shows is what hoidap stands by.

Access is the page's (ui/access.py). On a loopback host, as it always was: with
``HOIDAP_API_KEY`` (or ``--auth`` credentials, whose password is then the key) every request
needs ``Authorization: Bearer KEY``; without either, only clients on this machine (loopback)
are answered. On any other host a question needs the key or a signed-in page session,
unless ``--allow-anonymous-questions``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Request  # at module level: FastAPI resolves the handlers' annotations here

from hoidap.errors import UserError
from hoidap.settings import Settings
from qa.types import Answer
from ui.access import Access, bearer, is_signed_in

MODEL_ID = "hoidap"


@dataclass(frozen=True)
class ChatRequest:
    """What a chat-completions request asks, checked."""

    question: str
    history: list[tuple[str, str]]  # earlier (user question, assistant answer) pairs
    stream: bool
    model: str
    # the request's ``hoidap`` field: the reports asked about (qa.scope), the conversation
    documents: list[str] | None = None
    conversation: int | None = None


class BadRequest(UserError):
    """A malformed request body; the message says what is wrong, in both languages."""


def parse_request(body: object) -> ChatRequest:
    """The question, the conversation and the stream flag, or :class:`BadRequest`."""
    if not isinstance(body, dict):
        raise BadRequest("Thân yêu cầu phải là một đối tượng JSON (the body must be a JSON object)")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest(
            "Thiếu 'messages': cần danh sách tin nhắn (missing 'messages': a non-empty list "
            "of {role, content} is required)"
        )
    turns: list[tuple[str, str]] = []
    pending: str | None = None
    last_user: str | None = None
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message:
            raise BadRequest(
                f"Tin nhắn {index} không hợp lệ (message {index} needs a 'role' and 'content')"
            )
        role = message.get("role")
        content = _text(message.get("content"), index)
        if role == "user":
            if pending is not None:
                turns.append((pending, ""))
            pending = content
            last_user = content
        elif role == "assistant" and pending is not None:
            turns.append((pending, content))
            pending = None
        elif role not in ("system", "assistant", "developer", "tool"):
            raise BadRequest(f"Vai trò không hợp lệ: {role!r} (unknown role in message {index})")
    if last_user is None or messages[-1].get("role") != "user":
        raise BadRequest(
            "Tin nhắn cuối phải là câu hỏi của người dùng (the last message must have role 'user')"
        )
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise BadRequest("'stream' phải là true hoặc false ('stream' must be a boolean)")
    model = body.get("model") or MODEL_ID
    documents, conversation = _hoidap_field(body.get("hoidap"))
    return ChatRequest(last_user, turns, stream, str(model), documents, conversation)


def _hoidap_field(raw: object) -> tuple[list[str] | None, int | None]:
    """``{"documents": [names…], "conversation": id}``, both optional."""
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise BadRequest(
            "'hoidap' phải là một đối tượng JSON ('hoidap' must be an object, e.g. "
            '{"documents": ["vnm-q2-2025.pdf"]})'
        )
    documents = raw.get("documents")
    if documents is not None and (
        not isinstance(documents, list) or not all(isinstance(d, str) for d in documents)
    ):
        raise BadRequest(
            "'hoidap.documents' phải là danh sách tên tài liệu ('hoidap.documents' must be a "
            "list of document names, globs, companies or tickers)"
        )
    conversation = raw.get("conversation")
    if conversation is not None and (isinstance(conversation, bool) or not isinstance(
        conversation, int
    )):
        raise BadRequest("'hoidap.conversation' phải là số ('hoidap.conversation' must be an id)")
    return (list(documents) if documents else None), conversation


def _text(content: object, index: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        ]
        return "\n".join(str(p) for p in parts)
    msg = f"Nội dung tin nhắn {index} phải là văn bản (message {index} content must be text)"
    raise BadRequest(msg)


def extra(answer: Answer, **more: Any) -> dict[str, Any]:
    """The ``hoidap`` field of a reply: the answer's passages, and its figures as data."""
    data = {
        "abstained": answer.abstained,
        "answerer": answer.answerer,
        "note": answer.note,
        "reasons": [str(r) for r in answer.reasons],  # the note's whys as values (qa.reasons)
        "sources": [s.to_json() for s in answer.sources],
        "figures": [f.to_json() for f in answer.figures],
    }
    data.update({key: value for key, value in more.items() if value is not None})
    return data


def completion(
    answer: Answer, model: str, more: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An OpenAI ``chat.completion`` object for a checked answer."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "hoidap": extra(answer, **(more or {})),
    }


def chunks(
    answer: Answer, model: str, piece_chars: int = 48, more: dict[str, Any] | None = None
) -> Iterator[str]:
    """Server-sent events of ``chat.completion.chunk`` objects, then ``[DONE]``."""
    ident = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())

    def event(delta: dict[str, Any], finish: str | None, **more: Any) -> str:
        payload = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **more,
        }
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""}, None)
    text = answer.text
    for start in range(0, len(text), piece_chars):
        yield event({"content": text[start : start + piece_chars]}, None)
    yield event({}, "stop", hoidap=extra(answer, **(more or {})))
    yield "data: [DONE]\n\n"


def expected_key(settings: Settings) -> str | None:
    """The bearer token requests must carry: ``HOIDAP_API_KEY``, else the --auth password."""
    return Access(settings).key


def allowed(
    settings: Settings,
    authorization: str | None,
    client_host: str | None,
    signed_in: bool = False,
) -> bool:
    """Whether a /v1 request is answered (:meth:`ui.access.Access.allows_v1`)."""
    token = bearer({"authorization": authorization or ""})
    return Access(settings).allows_v1(token, client_host, signed_in)


def router(settings: Settings) -> Any:
    """The FastAPI router with both endpoints, for the page's server to include."""
    from fastapi import APIRouter
    from fastapi.responses import JSONResponse, StreamingResponse

    api = APIRouter()

    def refuse(request: Request) -> JSONResponse | None:
        client = request.client.host if request.client else None
        session = is_signed_in(request.app, request.headers)
        if allowed(settings, request.headers.get("authorization"), client, session):
            return None
        return _error(401, "Sai hoặc thiếu khóa API (invalid or missing API key)", "auth_error")

    @api.get("/v1/models")
    def models(request: Request) -> Any:
        refused = refuse(request)
        if refused is not None:
            return refused
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "hoidap"}],
        }

    @api.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        refused = refuse(request)
        if refused is not None:
            return refused
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return _error(400, "Thân yêu cầu không phải JSON (the body is not valid JSON)")
        try:
            asked = parse_request(body)
        except BadRequest as exc:
            return _error(400, str(exc))
        from starlette.concurrency import run_in_threadpool

        try:
            answer, kept = await run_in_threadpool(respond_and_keep, asked, settings)
        except UserError as exc:
            return _error(400, str(exc))
        more = {"conversation": kept, "documents": asked.documents}
        if asked.stream:
            return StreamingResponse(
                chunks(answer, asked.model, more=more), media_type="text/event-stream"
            )
        return completion(answer, asked.model, more)

    return api


def respond(asked: ChatRequest, settings: Settings) -> Answer:
    """The checked answer to the last question, the earlier turns as its conversation."""
    return _respond(asked, settings)[1]


def _respond(asked: ChatRequest, settings: Settings) -> tuple[str, Answer]:
    from qa.conversation import Chat, Turn

    history = [
        Turn(question, question, Answer(reply, not reply, [], question))
        for question, reply in asked.history
    ]
    chat = Chat(settings=settings, history=history, documents=asked.documents)
    answer = chat.ask(asked.question)
    return chat.history[-1].standalone, answer


def respond_and_keep(asked: ChatRequest, settings: Settings) -> tuple[Answer, int | None]:
    """The answer, kept in a conversation like the page's (the request's, else a new one)."""
    from ui.conversations import api_user
    from ui.history_panel import keep_answer

    standalone, answer = _respond(asked, settings)
    kept = keep_answer(
        settings,
        api_user(settings),
        asked.conversation,
        asked.question,
        standalone,
        answer,
        documents=_scope(settings, asked.documents),
    )
    return answer, kept


def _scope(settings: Settings, documents: list[str] | None) -> list[str] | None:
    """The sources ``documents`` name (already checked by the answer), for the record."""
    if not documents:
        return None
    from qa.scope import scope_sources

    return scope_sources(settings, documents)


def _error(status: int, message: str, kind: str = "invalid_request_error") -> Any:
    from fastapi.responses import JSONResponse

    return JSONResponse(
        {"error": {"message": message, "type": kind, "code": status}}, status_code=status
    )
