"""Answers written by a language model, checked in code before anyone trusts them.

Both model answerers (``local``: our llama.cpp child; ``openai``: any OpenAI-compatible
endpoint) go through ``langchain-openai``'s ``ChatOpenAI`` with one code path:

1. abstain without calling the model when retrieval found nothing relevant enough;
2. ask for a brief Vietnamese answer from the numbered passages only, citing [n];
3. stream it, under a timeout on every read and a deadline on the whole answer;
4. check it: every figure, date and proper name must appear in the passages it cites
   (names may also come from the question); a citation must name a passage;
5. on failure of any step, answer with the extractive answerer instead, and say so in
   ``Answer.note`` (``Answer.answerer`` names who wrote the text the user sees).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from hoidap.settings import Settings
from qa.retriever import Retrieval
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from store.lexical import fold_diacritics, has_diacritics

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

# What a model writes when the passages do not answer (compared without diacritics).
_ABSTAIN_PHRASES = tuple(
    fold_diacritics(p)
    for p in (
        "không có thông tin",
        "không tìm thấy",
        "không đề cập",
        "không được đề cập",
        "không nêu",
        "không được nêu",
        "không chứa",
        "không có dữ liệu",
        "không có câu trả lời",
        "không cung cấp",
        "không có trong",
        "does not contain",
        "no information",
        "not mentioned",
    )
)
_CITATION = re.compile(r"\[(\d+(?:\s*[,;-]\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]\w*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CHARS_PER_TOKEN = 2.5  # Vietnamese in Qwen's tokenizer, measured on the sample report


# --------------------------------------------------------------------------- grounding


@dataclass(frozen=True)
class Grounding:
    """The verdict on a model answer: which passages it cites and what they do not support."""

    cited: list[int]
    unsupported_figures: list[str] = field(default_factory=list)
    unsupported_names: list[str] = field(default_factory=list)
    bad_citations: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.unsupported_figures or self.unsupported_names or self.bad_citations)

    def describe(self) -> str:
        """What was wrong, for ``Answer.note`` (Vietnamese first, as the page is)."""
        parts = []
        if self.unsupported_figures:
            parts.append("số liệu " + ", ".join(self.unsupported_figures))
        if self.unsupported_names:
            parts.append("tên " + ", ".join(self.unsupported_names))
        if self.bad_citations:
            parts.append("trích dẫn " + ", ".join(f"[{n}]" for n in self.bad_citations))
        return "; ".join(parts)


def citations(text: str) -> list[int]:
    """The passage numbers cited as [n], [n, m] or [n-m], in order of first use."""
    found: list[int] = []
    for group in _CITATION.findall(text):
        numbers = [int(n) for n in re.findall(r"\d+", group)]
        if "-" in group and len(numbers) == 2 and 0 < numbers[1] - numbers[0] < 10:
            numbers = list(range(numbers[0], numbers[1] + 1))
        found.extend(n for n in numbers if n not in found)
    return found


def strip_citations(text: str) -> str:
    return _CITATION.sub("", text)


def _grouping_value(token: str, thousands: str, decimal: str) -> str | None:
    """``token`` read with these separators, or ``None`` when it cannot be written so."""
    whole, _, fraction = token.partition(decimal)
    if thousands in fraction or decimal in fraction:
        return None
    groups = whole.split(thousands)
    if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
        return None
    value = Decimal("".join(groups) + ("." + fraction if fraction else ""))
    return format(value.normalize(), "f")


def figure_values(token: str) -> set[str]:
    """Every value a written figure can mean: "1.700" is 1700 (Vietnamese) or 1.7 (English).

    So "1.700", "1,700" and "1700" match each other, "32,2" matches "32.2", and "3,22"
    (which no convention reads as 32.2 or 322) matches neither.
    """
    values = {
        _grouping_value(token, thousands, decimal)
        for thousands, decimal in ((".", ","), (",", "."))
    }
    values.discard(None)
    return values  # type: ignore[return-value]


def figures(text: str) -> list[str]:
    """Numbers, percentages, years and date parts written in digits (citations excluded)."""
    return [m.group(0) for m in _NUMBER.finditer(strip_citations(text))]


def _fold(text: str) -> str:
    return " ".join(fold_diacritics(unicodedata.normalize("NFC", text)).split())


def proper_names(text: str) -> list[str]:
    """Runs of capitalized words (names, places, units, acronyms such as "TP Cần Thơ").

    A capital that only starts a sentence says nothing, so a sentence's first word is
    dropped from its run; what is left of the run must still be checked.
    """
    names: list[str] = []
    clean = strip_citations(text)
    run: list[str] = []
    run_starts_sentence = False
    previous_end = 0

    def close() -> None:
        words = run[1:] if run_starts_sentence else run
        if words:
            name = " ".join(words)
            if name not in names:
                names.append(name)

    for match in _WORD.finditer(clean):
        word = match.group(0)
        gap = clean[previous_end : match.start()]
        at_sentence_start = previous_end == 0 or bool(_SENTENCE_END.search(clean[:match.start()]))
        capitalized = word[0].isupper()
        joined = bool(run) and gap.strip() in ("", ".")  # "TP. Cần Thơ" stays one run
        if capitalized and joined and not at_sentence_start:
            run.append(word)
        else:
            close()
            run = [word] if capitalized else []
            run_starts_sentence = capitalized and at_sentence_start
        previous_end = match.end()
    close()
    return names


def check_grounding(text: str, sources: list[Source], question: str = "") -> Grounding:
    """Check a model answer against the passages it cites.

    Figures (any number written in digits: amounts, percentages, dates, years) must appear
    in a cited passage; proper names must appear in a cited passage or the question. An
    answer that cites nothing is checked against every passage. A citation of a passage
    that does not exist is itself a failure.

    Args:
        text: the model's answer, with its [n] citations.
        sources: the numbered passages the model was shown (1-based).
        question: the question, whose names the answer may repeat.
    """
    cited = citations(text)
    bad = [n for n in cited if not 1 <= n <= len(sources)]
    good = [n for n in cited if 1 <= n <= len(sources)]
    shown = [sources[n - 1].text for n in good] if cited else [s.text for s in sources]
    passage_figures = {
        value for passage in shown for f in _NUMBER.findall(passage) for value in figure_values(f)
    }
    unsupported_figures = [
        f for f in dict.fromkeys(figures(text)) if not figure_values(f) & passage_figures
    ]
    haystack = " " + _fold(" ".join([*shown, question])) + " "
    unsupported_names = [
        name
        for name in proper_names(text)
        if not re.search(rf"(?<!\w){re.escape(_fold(name))}(?!\w)", haystack)
    ]
    return Grounding(good, unsupported_figures, unsupported_names, bad)


_HOW_MANY = re.compile(r"(?:bao nhieu|may)\s+([a-z]+)", re.IGNORECASE)
_NOT_UNITS = frozenset({"la", "va", "thi", "nguoi", "lan", "nam", "ngay", "thang", "gio"})


def asked_unit(question: str) -> str | None:
    """The unit a "bao nhiêu X" / "mấy X" question asks for (folded), e.g. "tan" for tấn.

    Units too general to tell answers apart (người, lần, năm…) give ``None``: no check.
    """
    match = _HOW_MANY.search(_fold(question))
    if not match or match.group(1) in _NOT_UNITS:
        return None
    unit = match.group(1)
    return "%" if unit == "phan" else unit


def _units_after(text: str, figure: str, words: int = 3) -> set[str]:
    """The few words after each occurrence of ``figure`` in ``text`` (folded), and "%"."""
    folded = _fold(text)
    found: set[str] = set()
    for match in re.finditer(rf"(?<![\d.,]){re.escape(figure)}(?![\d])", folded):
        tail = folded[match.end() : match.end() + 60]
        if tail.lstrip().startswith(("%", "phan tram")):
            found.add("%")
        found.update(re.findall(r"[a-z]+", tail)[:words])
    return found


def answers_quantity(question: str, text: str, passages: list[str]) -> bool:
    """False when a "bao nhiêu X" question gets a figure that counts something else.

    "Có bao nhiêu xe cứu thương?" answered "Có 471 xe cứu thương [1]" where the passage has
    "471 tập thể" cites a true figure that does not answer. The unit asked for must follow
    the figure where the passage writes it: the model's own wording proves nothing.

    Args:
        passages: the cited passages; empty when ``text`` is itself a verbatim quote.
    """
    unit = asked_unit(question)
    said = figures(text)
    if unit is None or not said:
        return True
    where = passages or [strip_citations(text)]
    return any(unit in _units_after(passage, figure) for figure in said for passage in where)


_LEADING_QUESTION = re.compile(r"^[^.!?\n]*\?\s*")


def drop_echoed_question(text: str) -> str:
    """The answer without a question the model wrote before it.

    Small models often restate the question ("Có bao nhiêu cán bộ? Có 1.700 cán bộ [1].");
    the user asked it already, and it is not part of the answer.
    """
    rest = _LEADING_QUESTION.sub("", text, count=1)
    return rest if _WORD.search(strip_citations(rest)) else text


def is_abstention(text: str) -> bool:
    """True when the model says the passages do not answer, without citing any passage."""
    folded = _fold(text)
    return not citations(text) and any(phrase in folded for phrase in _ABSTAIN_PHRASES)


def garbage_reason(text: str) -> str | None:
    """Why ``text`` is not a usable Vietnamese answer (or ``None`` when it is)."""
    words = _WORD.findall(strip_citations(text))
    if not words and not figures(text):
        return "câu trả lời rỗng (empty answer)"
    if _CJK.search(text):
        return "câu trả lời không phải tiếng Việt (not Vietnamese)"
    if len(words) > 4 and not has_diacritics(text):
        return "câu trả lời không phải tiếng Việt (not Vietnamese)"
    return None


def best_passage(text: str, sources: list[Source]) -> int | None:
    """The passage that shares the most figures and words with ``text`` (1-based)."""
    if not sources:
        return None
    want_figures = {v for f in figures(text) for v in figure_values(f)}
    want_words = set(_fold(strip_citations(text)).split())

    def overlap(source: Source) -> tuple[int, int]:
        have = {v for f in _NUMBER.findall(source.text) for v in figure_values(f)}
        return len(want_figures & have), len(want_words & set(_fold(source.text).split()))

    scores = [overlap(s) for s in sources]
    return max(range(len(sources)), key=lambda i: scores[i]) + 1


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
        text = drop_echoed_question(raw.strip())
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
        cited = [shown[n - 1].text for n in grounding.cited]
        if not answers_quantity(found.question, text, cited or [s.text for s in shown]):
            return self._fallback(
                found,
                "Số liệu mô hình đưa ra không phải điều được hỏi "
                f"({asked_unit(found.question)}); không dùng.",
            )
        if not grounding.cited:
            number = best_passage(text, shown)
            text = f"{text} [{number}]"
        return Answer(text, False, found.sources, found.question, self.name)

    def _fallback(self, found: Retrieval, why: str) -> Answer:
        """The extractive answer, unless its quote has no figure of the unit asked for."""
        answer = self.fallback(found)
        if not answer.abstained and not answers_quantity(found.question, answer.text, []):
            answer = Answer(ABSTAIN_MESSAGE, True, found.sources, found.question, "extractive")
        what = (
            "Không đủ căn cứ nên không trả lời."
            if answer.abstained
            else "Đây là câu trích nguyên văn từ tài liệu."
        )
        return replace(answer, note=f"{why} {what}")
