"""Answers written by a language model, checked in code before anyone trusts them.

Both model answerers (``local``: our llama.cpp child; ``openai``: any OpenAI-compatible
endpoint) go through ``langchain-openai``'s ``ChatOpenAI`` with one code path:

1. abstain without calling the model when retrieval found nothing relevant enough;
2. ask for a brief Vietnamese answer from numbered excerpts only, citing [n]
   (:mod:`qa.llm_prompt`: the few sentences and table rows that matter, by default);
3. stream it, under a timeout on every read and a deadline on the whole answer;
4. check it: every figure, date and proper name must appear in what the model read of the
   passages it cites (names may also come from the question); a citation must name a
   passage it read (:mod:`qa.grounding`); and it must be what was asked, there: a figure
   counting the thing counted, a year next to the asked event, a name or place
   (:mod:`qa.answer_types`);
5. make sure it cites: an answer without a citation, or whose citation names a passage
   without its figures while another one it read holds them all, cites that one;
6. on failure of any step, answer with the extractive answerer instead, and say so in
   ``Answer.note`` (``Answer.answerer`` names who wrote the text the user sees).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

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
from qa.retriever import Retrieval
from qa.statement_check import off_line_figure
from qa.types import ABSTAIN_MESSAGE, Answer
from store.index import get_index

if TYPE_CHECKING:
    from qa.extractive import SentencePicker

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

# a citation with the space before it: "… 1.700 cán bộ [2]." → "… 1.700 cán bộ."
_CITED = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")
# "1. …", "2) …" starting a line of a list the model wrote: a place in the list, not a figure
_LIST_NUMBER = re.compile(r"(?m)^(\s*)\d{1,2}[.)]\s+(?=\D)")


def drop_list_numbers(text: str) -> str:
    """The answer with its list's numbers as dashes ("1. Ăn chín" → "- Ăn chín"): they are
    no figure of the report, and the grounding check would look for them there."""
    return _LIST_NUMBER.sub(r"\1- ", text)

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
            prompt = self.build(found)
            deadline = time.monotonic() + self.settings.llm_total_timeout
            for piece in stream_text(model, prompt.messages, deadline):
                pieces.append(piece)
                yield piece
        except Exception as exc:  # any failure of the model path must yield the fallback
            reason = scrub(f"{type(exc).__name__}: {exc}", self.settings)
            log.warning("%s answerer failed, using the extractive answer: %s", self.name, reason)
            yield self._fallback(
                found, f"Mô hình không trả lời được ({reason}); dùng câu trích nguyên văn."
            )
            return
        yield self.finish("".join(pieces), found, prompt)

    def finish(self, raw: str, found: Retrieval, prompt: Prompt | None = None) -> Answer:
        """Check the model's full text and decide what the user gets.

        A kept answer always cites, and what the model read of the passages it cites holds
        every figure and name it states (names may also come from the question): the
        model's own [n] when so; else (no citation, a wrong one, one of a passage it did not
        read) the passage it read that holds its figures, chosen by :meth:`_cite`; else the
        answer is not kept.

        Args:
            prompt: what the model read (built again from ``found`` when not given).
        """
        prompt = prompt or self.build(found)
        text = drop_list_numbers(drop_repeated_unit(drop_echoed_question(raw.strip())))
        if is_abstention(text):
            return Answer(text, True, found.sources, found.question, self.name)
        problem = garbage_reason(text)
        if problem:
            return self._fallback(found, f"Mô hình trả lời không dùng được ({problem}).")
        shown = prompt.shown
        grounding = check_grounding(text, shown, found.question)
        unread = [n for n in grounding.cited if n not in prompt.numbers]
        if grounding.cited and (unread or not grounding.ok):
            # the model cited the wrong passage (or one it did not read): if the one it read
            # that holds everything is found below, cite that instead
            bare = _CITED.sub("", text).strip()
            if check_grounding(bare, shown, found.question).ok:
                log.info("model citation %s does not hold the answer; re-citing", grounding.cited)
                text, grounding = bare, check_grounding(bare, shown, found.question)
            elif unread:
                grounding = replace(grounding, bad_citations=[*grounding.bad_citations, *unread])
        if not grounding.ok:
            log.info("model answer rejected: %s", grounding.describe())
            return self._fallback(
                found,
                "Câu trả lời của mô hình có chi tiết không có trong đoạn trích được dẫn "
                f"({grounding.describe()}); không dùng.",
            )
        kind = classify(found.question)
        if not grounding.cited:
            cited_text = self._cite(text, found, prompt)
            if cited_text is None:
                log.info("no passage the model read holds the answer's figures")
                return self._fallback(
                    found,
                    "Không đoạn trích nào mô hình đã đọc chứa mọi số liệu của câu trả lời "
                    "(no passage the model read holds all of its figures); không dùng.",
                )
            text = cited_text
        # the type check reads whole passages: the context of a figure (a list's heading)
        # may sit in a sentence the model was not shown
        numbers = citations(text)
        wrong = check(kind, text, "\n\n".join(found.sources[n - 1].text for n in numbers))
        if wrong:
            log.info("model answer is not what was asked: %s", wrong)
            return self._fallback(
                found,
                f"Câu trả lời của mô hình không phải điều được hỏi ({wrong}); không dùng.",
                kind,
            )
        library = get_index(self.settings).statements.all()
        off = off_line_figure(found.question, text, found.sources, library) if library else None
        if off:
            log.info("model figure %s is not the asked line's", off)
            return self._fallback(
                found,
                f"Số {off} của mô hình không phải số của dòng được hỏi trong báo cáo "
                "(not the asked line's figure); không dùng.",
                kind,
            )
        return Answer(text, False, found.sources, found.question, self.name)

    def _cite(self, text: str, found: Retrieval, prompt: Prompt) -> str | None:
        """``text`` with the [n] of the passage it comes from, or ``None`` when none will do.

        The passage must be one the model read and hold every figure of the answer in what
        the model read of it; among those, the one holding an answer of the kind asked, then
        the one :func:`qa.grounding.best_passage` prefers. A name the answer took from
        another passage it read ("Công an TP Cần Thơ" said once in the report) adds that
        passage's number too ("[1, 3]"), so the cited passages hold all it says.
        """
        kind = classify(found.question)
        question = found.question
        figures_only = [
            n
            for n in prompt.numbers
            if not check_grounding(f"{text} [{n}]", prompt.shown, question).unsupported_figures
        ]
        if not figures_only:
            return None
        typed = [n for n in figures_only if check(kind, text, found.sources[n - 1].text) is None]
        pool = typed or figures_only
        among = [prompt.shown[n - 1] for n in pool]
        cited = [pool[(best_passage(text, among, question) or 1) - 1]]
        shown = prompt.shown

        def unheld(numbers: list[int]) -> list[str]:
            return check_grounding(f"{text} {_mark(numbers)}", shown, question).unsupported_names

        for name in unheld(cited):
            if name not in unheld(cited):
                continue  # the passage added for an earlier name holds this one too
            holder = next(
                (n for n in prompt.numbers if n not in cited and name not in unheld([n])), None
            )
            if holder is None:
                return None
            cited.append(holder)
        marked = f"{text} {_mark(cited)}"
        return marked if check_grounding(marked, shown, question).ok else None

    def _fallback(self, found: Retrieval, why: str, kind: AnswerType | None = None) -> Answer:
        """The extractive answer, unless its quote is not of the type asked for either.

        The extractive answerer checks its quote itself, with the context the quote needs
        (the list heading above it, the report's title, the signature line beside it);
        another ``fallback`` callable's answer is checked here, since an abstention must
        never become a quote.
        """
        answer = self.fallback(found)
        if not answer.abstained and not getattr(self.fallback, "checks_answer_types", False):
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


def _mark(numbers: list[int]) -> str:
    return "[" + ", ".join(str(n) for n in sorted(numbers)) + "]"
