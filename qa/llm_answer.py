"""Answers written by a language model, checked in code before anyone trusts them.

Both model answerers (``local``: our llama.cpp child; ``openai``: any OpenAI-compatible
endpoint) go through ``langchain-openai``'s ``ChatOpenAI`` with one code path:

1. abstain without calling the model when retrieval found nothing relevant enough;
2. ask for a brief Vietnamese answer from the numbered passages only, citing [n];
3. stream it, under a timeout on every read and a deadline on the whole answer;
4. check it: every figure, date and proper name must appear in the passages it cites
   (names may also come from the question); a citation must name a passage
   (:mod:`qa.grounding`); and it must be what was asked, there: a figure counting the
   thing counted, a year next to the asked event, a name or place (:mod:`qa.answer_types`);
5. on failure of any step, answer with the extractive answerer instead, and say so in
   ``Answer.note`` (``Answer.answerer`` names who wrote the text the user sees).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from hoidap.settings import Settings
from qa.answer_types import AnswerType, check, classify
from qa.grounding import (  # re-exported: callers imported these from here before grounding.py
    Grounding,
    best_passage,
    check_grounding,
    citations,
    drop_echoed_question,
    drop_repeated_unit,
    figure_values,
    figures,
    fold,
    garbage_reason,
    is_abstention,
    proper_names,
    strip_citations,
)
from qa.retriever import Retrieval
from qa.types import ABSTAIN_MESSAGE, Answer, Source

__all__ = [
    "Grounding",
    "LLMAnswerer",
    "best_passage",
    "check_grounding",
    "citations",
    "drop_echoed_question",
    "drop_repeated_unit",
    "figure_values",
    "figures",
    "fold",
    "garbage_reason",
    "is_abstention",
    "proper_names",
    "strip_citations",
]

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """Bạn là trợ lý hỏi đáp trên tài liệu tiếng Việt.
Quy tắc:
- Chỉ dùng thông tin trong các đoạn trích được đánh số [1], [2], ... của người dùng.
- Trả lời bằng một câu đầy đủ, ngắn gọn, bằng tiếng Việt, kể cả khi đoạn trích hay câu \
hỏi có tiếng Anh. Chép đúng số liệu, ngày tháng và tên riêng như trong đoạn trích.
- Cuối câu trả lời ghi số đoạn trích đã dùng trong ngoặc vuông. Ví dụ: \
"Công ty X có 250 nhân viên [2]."
- Nếu các đoạn trích không có câu trả lời, chỉ viết: "Tài liệu không có thông tin này.\""""

USER_TEMPLATE = """Đoạn trích:
{passages}

Câu hỏi: {question}"""

MODEL_ABSTAIN = "Tài liệu không có thông tin này."

_CHARS_PER_TOKEN = 2.5  # Vietnamese in Qwen's tokenizer, measured on the sample report


# --------------------------------------------------------------------------- prompting


def format_passages(sources: list[Source], budget_chars: int) -> str:
    """Numbered passages for the prompt, each cut to its share of the context budget."""
    share = max(200, budget_chars // max(len(sources), 1))
    blocks = []
    for number, source in enumerate(sources, start=1):
        body = " ".join(source.text.split())
        if len(body) > share:
            body = body[:share].rsplit(" ", 1)[0] + " …"
        label = source.title or source.source
        blocks.append(f"[{number}] ({label}) {body}" if label else f"[{number}] {body}")
    return "\n\n".join(blocks)


def build_messages(question: str, sources: list[Source], settings: Settings) -> list[Any]:
    """System rules first (constant, so the server can reuse its cache), then passages."""
    from langchain_core.messages import HumanMessage, SystemMessage

    prompt_tokens = settings.llm_ctx - settings.llm_max_tokens - 300
    budget = int(max(prompt_tokens, 500) * _CHARS_PER_TOKEN)
    passages = format_passages(sources[: settings.llm_passages], budget)
    return [
        SystemMessage(SYSTEM_PROMPT),
        HumanMessage(USER_TEMPLATE.format(passages=passages, question=question)),
    ]


# --------------------------------------------------------------------------- model access


class ModelUnavailable(RuntimeError):
    """The model cannot be reached or set up; the message is for the user."""


def scrub(message: str, settings: Settings) -> str:
    """An error message without the API key (some servers echo it back)."""
    key = settings.llm_api_key
    return message.replace(key, "***") if key else message


@dataclass(frozen=True)
class Endpoint:
    """Where a model answers: an OpenAI-compatible base URL and the model's name there."""

    base_url: str
    model: str
    api_key: str | None


_models_lock = threading.Lock()
_models: dict[str, str] = {}


def discover_model(base_url: str, api_key: str | None, timeout: float) -> str:
    """The first model an endpoint lists, for when ``HOIDAP_LLM_MODEL`` is not set."""
    import httpx

    with _models_lock:
        if base_url in _models:
            return _models[base_url]
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    response = httpx.get(f"{base_url.rstrip('/')}/models", headers=headers, timeout=timeout)
    response.raise_for_status()
    data = response.json().get("data") or []
    if not data:
        msg = "máy chủ không có mô hình nào (the endpoint lists no model); set HOIDAP_LLM_MODEL"
        raise ModelUnavailable(msg)
    model = str(data[0]["id"])
    with _models_lock:
        _models[base_url] = model
    return model


def openai_endpoint(settings: Settings) -> Endpoint:
    if not settings.llm_base_url:
        msg = "chưa đặt HOIDAP_LLM_BASE_URL (no OpenAI-compatible endpoint is set)"
        raise ModelUnavailable(msg)
    model = settings.llm_model or discover_model(
        settings.llm_base_url, settings.llm_api_key, settings.llm_timeout
    )
    return Endpoint(settings.llm_base_url, model, settings.llm_api_key)


def local_endpoint(settings: Settings) -> Endpoint:
    from qa.llm_server import get_server

    server = get_server(settings)
    return Endpoint(server.base_url, server.config.alias, None)


def chat_model(endpoint: Endpoint, settings: Settings, max_tokens: int | None = None) -> Any:
    """A ``ChatOpenAI`` that never waits longer than ``llm_timeout`` for a byte, never retries."""
    import httpx
    from langchain_openai import ChatOpenAI

    timeout = httpx.Timeout(settings.llm_timeout, connect=min(settings.llm_timeout, 10.0))
    return ChatOpenAI(
        model=endpoint.model,
        base_url=endpoint.base_url,
        api_key=endpoint.api_key or "not-needed",  # type: ignore[arg-type]
        timeout=timeout,
        max_retries=0,
        max_tokens=max_tokens or settings.llm_max_tokens,  # type: ignore[call-arg]
        temperature=settings.llm_temperature,
        streaming=True,
    )


def stream_text(
    model: Any, messages: list[Any], deadline: float
) -> Iterator[str]:
    """Yield the model's text as it arrives; stop with ``TimeoutError`` past ``deadline``."""
    for chunk in model.stream(messages):
        piece = chunk.content if isinstance(chunk.content, str) else ""
        if piece:
            yield piece
        if time.monotonic() > deadline:
            msg = "quá thời gian trả lời (the model took too long)"
            raise TimeoutError(msg)


# --------------------------------------------------------------------------- the answerer


@dataclass
class LLMAnswerer:
    """Retrieved passages → a checked model :class:`Answer`, or the extractive one.

    Args:
        name: ``"local"`` or ``"openai"``: what ``Answer.answerer`` says when the model's
            text is kept.
        endpoint: called once per answer to find the model (starts the local server).
        fallback: the extractive answerer, used whenever the model's answer is not.
        relevance: how well the best passage sentence covers the question (0..1).
    """

    name: str
    settings: Settings
    endpoint: Callable[[Settings], Endpoint]
    fallback: Callable[[Retrieval], Answer]
    relevance: Callable[[Retrieval], float]

    def __call__(self, found: Retrieval) -> Answer:
        final: Answer | None = None
        for item in self.stream(found):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def stream(self, found: Retrieval) -> Iterator[str | Answer]:
        """Yield text pieces as the model writes them, then the final (checked) Answer."""
        if not found.sources or self.relevance(found) < self.settings.llm_relevance_threshold:
            yield Answer(
                ABSTAIN_MESSAGE,
                True,
                found.sources,
                found.question,
                "extractive",
                note="Không có đoạn trích đủ liên quan; không hỏi mô hình "
                "(nothing relevant enough was retrieved; the model was not asked).",
            )
            return
        pieces: list[str] = []
        try:
            model = chat_model(self.endpoint(self.settings), self.settings)
            messages = build_messages(found.question, found.sources, self.settings)
            deadline = time.monotonic() + self.settings.llm_total_timeout
            for piece in stream_text(model, messages, deadline):
                pieces.append(piece)
                yield piece
        except Exception as exc:  # any failure of the model path must yield the fallback
            reason = scrub(f"{type(exc).__name__}: {exc}", self.settings)
            log.warning("%s answerer failed, using the extractive answer: %s", self.name, reason)
            yield self._fallback(
                found, f"Mô hình không trả lời được ({reason}); dùng câu trích nguyên văn."
            )
            return
        yield self.finish("".join(pieces), found)

    def finish(self, raw: str, found: Retrieval) -> Answer:
        """Check the model's full text and decide what the user gets."""
        text = drop_repeated_unit(drop_echoed_question(raw.strip()))
        if is_abstention(text):
            return Answer(text, True, found.sources, found.question, self.name)
        problem = garbage_reason(text)
        if problem:
            return self._fallback(found, f"Mô hình trả lời không dùng được ({problem}).")
        shown = found.sources[: self.settings.llm_passages]  # what the model read
        grounding = check_grounding(text, shown, found.question)
        if not grounding.ok:
            log.info("model answer rejected: %s", grounding.describe())
            return self._fallback(
                found,
                "Câu trả lời của mô hình có chi tiết không có trong đoạn trích được dẫn "
                f"({grounding.describe()}); không dùng.",
            )
        kind = classify(found.question)
        if grounding.cited:
            cited = "\n\n".join(shown[n - 1].text for n in grounding.cited)
            wrong = check(kind, text, cited)
            holding: list[int] = []
        else:  # each passage on its own: the citation added below must be one that holds it
            holding = [n for n, s in enumerate(shown, start=1) if check(kind, text, s.text) is None]
            wrong = None if holding else check(kind, text, "\n\n".join(s.text for s in shown))
        if wrong:
            log.info("model answer is not what was asked: %s", wrong)
            return self._fallback(
                found,
                f"Câu trả lời của mô hình không phải điều được hỏi ({wrong}); không dùng.",
                kind,
            )
        if not grounding.cited:
            among = [shown[n - 1] for n in holding]
            number = holding[(best_passage(text, among, found.question) or 1) - 1]
            text = f"{text} [{number}]"
        return Answer(text, False, found.sources, found.question, self.name)

    def _fallback(self, found: Retrieval, why: str, kind: AnswerType | None = None) -> Answer:
        """The extractive answer, unless its quote is not of the type asked for either.

        The extractive answerer checks its quote itself; this is checked again because
        ``fallback`` may be any callable, and an abstention must never become a quote.
        """
        answer = self.fallback(found)
        if not answer.abstained:
            kind = kind or classify(found.question)
            quoted = [
                found.sources[n - 1].text
                for n in citations(answer.text)
                if 1 <= n <= len(found.sources)
            ]
            passage = "\n\n".join(quoted) or strip_citations(answer.text)
            wrong = check(kind, answer.text, passage)
            if wrong:
                note = f"Câu trích cũng không phải điều được hỏi ({wrong})."
                answer = Answer(
                    ABSTAIN_MESSAGE, True, found.sources, found.question, "extractive", note=note
                )
        what = (
            "Không đủ căn cứ nên không trả lời."
            if answer.abstained
            else "Đây là câu trích nguyên văn từ tài liệu."
        )
        extra = f" {answer.note}" if answer.abstained and answer.note else ""
        return replace(answer, note=f"{why}{extra} {what}")
