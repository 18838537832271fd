"""Answers written by a language model, checked in code before anyone trusts them.

Both model answerers (``local``: our llama.cpp child; ``openai``: any OpenAI-compatible
endpoint) go through ``langchain-openai``'s ``ChatOpenAI`` with one code path:

1. abstain without calling the model when retrieval found nothing relevant enough;
2. ask for a brief Vietnamese answer from numbered excerpts only, citing [n]
   (:mod:`qa.llm_prompt`: the few sentences and table rows that matter, by default);
3. stream it, under a timeout on every read and a deadline on the whole answer;
4. check it and make sure it cites (:mod:`qa.llm_verdict`): every figure, date and
   proper name in what the model read of the passages it cites, a citation of a passage
   it read, what was asked, there;
5. on failure of any step, answer with the extractive answerer instead, and say so in
   ``Answer.note`` and ``Answer.reasons`` (``Answer.answerer`` names who wrote the text
   the user sees).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hoidap.settings import Settings
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
from qa.llm_prompt import (  # re-exported: the prompt was built here before llm_prompt.py
    DEFAULT_MODE,
    MODEL_ABSTAIN,
    PROMPT_MODES,
    SYSTEM_PROMPT,
    USER_TEMPLATE,
    Prompt,
    build_messages,
    build_prompt,
    format_passages,
    prompt_mode,
)
from qa.llm_verdict import drop_list_numbers, judge, replaced
from qa.reasons import Reason, Why, why
from qa.retriever import Retrieval
from qa.types import ABSTAIN_MESSAGE, Answer
from store.index import get_index

if TYPE_CHECKING:
    from qa.extractive import SentencePicker
    from store.statements import DocumentStatements

__all__ = [
    "DEFAULT_MODE",
    "MODEL_ABSTAIN",
    "PROMPT_MODES",
    "SYSTEM_PROMPT",
    "USER_TEMPLATE",
    "Grounding",
    "LLMAnswerer",
    "Prompt",
    "best_passage",
    "build_messages",
    "build_prompt",
    "check_grounding",
    "citations",
    "drop_echoed_question",
    "drop_list_numbers",
    "drop_repeated_unit",
    "figure_values",
    "figures",
    "fold",
    "format_passages",
    "garbage_reason",
    "is_abstention",
    "prompt_mode",
    "proper_names",
    "strip_citations",
]

log = logging.getLogger(__name__)

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
    # llama.cpp's server: ask it to keep the prompt's KV cache (its default, said explicitly:
    # the constant system prompt is then not read again); other servers may refuse the field
    cache_prompt: bool = False


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
    return Endpoint(server.base_url, server.config.alias, None, cache_prompt=True)


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
        extra_body={"cache_prompt": True} if endpoint.cache_prompt else None,
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
        fallback_checked: whether the fallback checks its own quotes against the kind of
            answer asked, with the context they need (the extractive answerer does); if
            not, they are checked here (:func:`qa.llm_verdict.replaced`).
        relevance: how well the best passage sentence covers the question (0..1).
        prompt: what the model reads, one of :data:`qa.llm_prompt.PROMPT_MODES`; ``None``:
            ``settings.llm_prompt`` when set, else :data:`qa.llm_prompt.DEFAULT_MODE`.
        picker: makes the sentence ranking (with the corpus's word frequencies); ``None``:
            the fallback's, when it has one (the extractive answerer does).
        titles: whether the sentence prompt names each block's document (``None``: the
            setting, else :data:`qa.llm_prompt.TITLES`).
    """

    name: str
    settings: Settings
    endpoint: Callable[[Settings], Endpoint]
    fallback: Callable[[Retrieval], Answer]
    relevance: Callable[[Retrieval], float]
    prompt: str | None = None
    picker: Callable[[], SentencePicker] | None = field(default=None, repr=False)
    titles: bool | None = None
    fallback_checked: bool = False

    def __post_init__(self) -> None:
        self.prompt = prompt_mode(self.settings, self.prompt)
        if self.picker is None:
            self.picker = getattr(self.fallback, "picker", None)

    def __call__(self, found: Retrieval) -> Answer:
        final: Answer | None = None
        for item in self.stream(found):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def build(self, found: Retrieval) -> Prompt:
        """What the model is asked for ``found`` (also used by tests and the benchmark)."""
        picker = self.picker() if self.picker is not None else None
        return build_prompt(
            found.question,
            found.sources,
            self.settings,
            mode=self.prompt,
            picker=picker,
            titles=self.titles,
        )

    def stream(self, found: Retrieval) -> Iterator[str | Answer]:
        """Yield text pieces as the model writes them, then the final (checked) Answer."""
        if not found.sources or self.relevance(found) < self.settings.llm_relevance_threshold:
            yield Answer(
                ABSTAIN_MESSAGE, True, found.sources, found.question, "extractive"
            ).because(why(Reason.NOTHING_RELEVANT))
            return
        pieces: list[str] = []
        try:
            model = chat_model(self.endpoint(self.settings), self.settings)
            prompt = self.build(found)
            deadline = time.monotonic() + self.settings.llm_total_timeout
            for piece in stream_text(model, prompt.messages, deadline):
                pieces.append(piece)
                yield piece
        except Exception as exc:  # any failure of the model path must yield the fallback
            reason = scrub(f"{type(exc).__name__}: {exc}", self.settings)
            log.warning("%s answerer failed, using the extractive answer: %s", self.name, reason)
            yield self._fallback(found, why(Reason.MODEL_FAILED, error=reason))
            return
        yield self.finish("".join(pieces), found, prompt)

    def finish(self, raw: str, found: Retrieval, prompt: Prompt | None = None) -> Answer:
        """Check the model's full text and decide what the user gets (:func:`judge`): the
        model's answer, cited, or the fallback's with why in its note.

        Args:
            prompt: what the model read (built again from ``found`` when not given).
        """
        verdict = judge(raw, found, prompt or self.build(found), self.name, self._statements)
        return verdict if isinstance(verdict, Answer) else self._fallback(found, verdict)

    def _statements(self) -> dict[str, DocumentStatements]:
        return get_index(self.settings).statements.all()

    def _fallback(self, found: Retrieval, because: Why) -> Answer:
        """The fallback's answer instead of the model's, saying why (:func:`replaced`)."""
        return replaced(self.fallback(found), found, because, checked=self.fallback_checked)


