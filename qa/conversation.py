"""A conversation: follow-up questions rewritten into standalone ones before retrieval.

Retrieval sees one question at a time, so "Còn năm 2020 thì sao?" finds nothing by itself.
:class:`Chat` keeps the history and rewrites such a follow-up with it: by the language
model when one answers, else (or when the model's rewrite is unusable) by simple rules.
A question that reads as complete is not rewritten at all, which saves a model call.

    chat = Chat(answerer="extractive")
    chat.ask("Năm 2021 tội phạm giảm bao nhiêu phần trăm?")
    chat.ask("Còn năm 2020 thì sao?")  # asked as "Năm 2020 tội phạm giảm ... phần trăm?"
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from hoidap.knowledge import text_words
from hoidap.settings import Settings, get_settings
from qa.types import Answer
from store.lexical import fold_diacritics, has_diacritics

log = logging.getLogger(__name__)

REWRITE_SYSTEM = """Bạn viết lại câu hỏi nối tiếp trong một cuộc hội thoại.
Viết lại câu hỏi cuối của người dùng thành MỘT câu hỏi tiếng Việt đầy đủ, hiểu được mà \
không cần đọc hội thoại: thay các từ như "đó", "này", "còn ... thì sao" bằng điều được \
nói tới. Giữ nguyên mọi số, năm và tên riêng của câu hỏi cuối. Chỉ viết câu hỏi, không trả lời."""

REWRITE_TEMPLATE = """Hội thoại:
{history}

Câu hỏi cuối: {question}
Câu hỏi đầy đủ:"""

# one worked example: a small model copies a pattern better than it follows a rule
REWRITE_EXAMPLE = (
    REWRITE_TEMPLATE.format(
        history="Người dùng: Năm 2021 công ty X có bao nhiêu nhân viên?\n"
        "Trợ lý: Năm 2021 công ty X có 250 nhân viên [1].",
        question="Còn số chi nhánh thì sao?",
    ),
    "Năm 2021 công ty X có bao nhiêu chi nhánh?",
)
REWRITE_MAX_TOKENS = 64
MAX_QUESTION_WORDS_FOR_FOLLOW_UP = 7

# Openings, endings and pointers that make a question lean on the one before it (folded;
# hoidap/data/text_words.json).
_LEADS = text_words().leads
_TAILS = text_words().tails
_POINTERS = text_words().pointers
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_TIME_FOCUS = re.compile(
    r"^(?:(?:vào|trong|của)\s+)?(?:năm|tháng|quý|ngày|giai đoạn)?\s*[\d/.\-–\s]+$",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class Turn:
    """One exchange: what was typed, what was asked of the reports, what came back."""

    question: str
    standalone: str
    answer: Answer


def _words(text: str) -> list[str]:
    return fold_diacritics(text).replace("?", " ").split()


def looks_like_follow_up(question: str) -> bool:
    """True when the question seems to lean on the one before (short, "còn…", "đó", …)."""
    folded = " ".join(_words(question))
    words = folded.split()
    if not words:
        return False
    if any(folded == lead or folded.startswith(lead + " ") for lead in _LEADS):
        return True
    if any(folded.endswith(" " + tail) or folded == tail for tail in _TAILS):
        return True
    return bool(_POINTERS & set(words)) or len(words) <= 3


def _focus(question: str) -> str:
    """The follow-up without its leaning words: "Còn năm 2020 thì sao?" → "năm 2020"."""
    text = question.strip().rstrip("?").strip()
    changed = True
    while changed:
        changed = False
        folded = fold_diacritics(text)
        for lead in _LEADS:
            if folded.startswith(lead + " "):
                text, changed = text[len(lead) + 1 :].strip(" ,"), True
                break
        folded = fold_diacritics(text)
        for tail in _TAILS:
            if folded.endswith(" " + tail):
                text, changed = text[: -len(tail) - 1].strip(" ,"), True
                break
    return text


def _entities(question: str) -> list[str]:
    """Names in a question ("TP Cần Thơ"), which a follow-up usually keeps talking of."""
    from qa.llm_answer import proper_names

    return [n for n in proper_names(question) if " " in n or (len(n) > 1 and n.isupper())]


def _is_name(text: str) -> bool:
    words = text.split()
    return bool(words) and all(w[0].isupper() for w in words)


def rewrite_by_rules(history: list[Turn], question: str) -> str:
    """A standalone question without a model.

    - "Còn năm 2020 thì sao?" after a question with a year: the same question, new year;
      without a year in it: the same question about that year.
    - "Vậy còn Hà Nội?": the same question about that name instead of the last one's.
    - "Đơn vị đó…" (a pointer): the question, with the names of the last one added.
    - "Còn số tổ lưu động thì sao?": its own subject, "Số tổ lưu động là bao nhiêu?". The
      last question's names are not added here: the extractive answerer scores sentences
      by the question's words, and names shared by the whole report would outweigh it.
    """
    if not history or not looks_like_follow_up(question):
        return question
    previous = history[-1].standalone.strip()
    focus = _focus(question)
    year = _YEAR.search(focus)
    if year and _TIME_FOCUS.match(focus):
        if _YEAR.search(previous):
            return _YEAR.sub(year.group(0), previous)
        return f"{previous.rstrip('?').rstrip()} {focus}?"
    names = [n for n in _entities(previous) if fold_diacritics(n) not in fold_diacritics(focus)]
    if names and _is_name(focus):
        return previous.replace(max(names, key=len), focus, 1)
    body = focus or question.strip().rstrip("?")
    body = body[:1].upper() + body[1:]
    if _POINTERS & set(_words(focus)):
        return f"{body} ({', '.join(names)})?" if names else f"{body}?"
    return f"{body} là bao nhiêu?" if _words(body)[0] == "so" else f"{body}?"


def _clean_rewrite(text: str) -> str:
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    line = re.sub(r"^(?:câu hỏi(?: đầy đủ)?\s*:\s*)", "", line, flags=re.IGNORECASE)
    return line.strip().strip('"“”\'').strip()


def usable_rewrite(rewrite: str, question: str) -> bool:
    """A model rewrite is used only when it is one Vietnamese question keeping the figures."""
    if not rewrite or len(rewrite) > 300 or _CJK.search(rewrite):
        return False
    if not has_diacritics(rewrite) or looks_like_follow_up(rewrite):
        return False
    figures = re.findall(r"\d+", question)
    return all(f in rewrite for f in figures)


@dataclass
class Chat:
    """Questions with memory, for Python users and the chat page.

    Args:
        settings: as for :func:`qa.answer`; the process settings when ``None``.
        answerer: as for :func:`qa.answer`; it also decides who rewrites follow-ups.
        max_turns: how many past exchanges the rewrite sees.
        documents: the reports the conversation is about (names, globs, companies or
            tickers, :mod:`qa.scope`); every question is limited to them. Default: all.
    """

    settings: Settings | None = None
    answerer: str | None = None
    max_turns: int = 4
    history: list[Turn] = field(default_factory=list)
    documents: list[str] | None = None

    def _settings(self) -> Settings:
        return self.settings or get_settings()

    def reset(self) -> None:
        self.history.clear()

    def rewrite(self, question: str) -> str:
        """The standalone form of ``question`` given the history (itself when complete)."""
        if not self.history or not looks_like_follow_up(question):
            return question
        from qa.chain import resolve_answerer

        name = resolve_answerer(self._settings(), self.answerer)
        if name != "extractive":
            try:
                rewrite = self._rewrite_by_model(name, question)
            except Exception as exc:  # the rules below are always there
                log.warning("follow-up rewrite by the model failed, using rules: %s", exc)
            else:
                if usable_rewrite(rewrite, question):
                    return rewrite
                log.info("model rewrite %r not usable, using rules", rewrite)
        return rewrite_by_rules(self.history, question)

    def _rewrite_by_model(self, name: str, question: str) -> str:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        from qa.llm_answer import chat_model, local_endpoint, openai_endpoint, stream_text

        settings = self._settings()
        endpoint = (local_endpoint if name == "local" else openai_endpoint)(settings)
        lines = []
        for turn in self.history[-self.max_turns :]:
            lines.append(f"Người dùng: {turn.standalone}")
            lines.append(f"Trợ lý: {turn.answer.text[:300]}")
        messages = [
            SystemMessage(REWRITE_SYSTEM),
            HumanMessage(REWRITE_EXAMPLE[0]),
            AIMessage(REWRITE_EXAMPLE[1]),
            HumanMessage(REWRITE_TEMPLATE.format(history="\n".join(lines), question=question)),
        ]
        model = chat_model(endpoint, settings, max_tokens=REWRITE_MAX_TOKENS)
        deadline = time.monotonic() + settings.llm_total_timeout
        return _clean_rewrite("".join(stream_text(model, messages, deadline)))

    def stream(self, question: str) -> Iterator[str | Answer]:
        """As :func:`qa.stream`, for the standalone question; the turn is kept at the end."""
        from qa.api import stream

        standalone = self.rewrite(question)
        final: Answer | None = None
        pieces = stream(
            standalone, settings=self._settings(), answerer=self.answerer, documents=self.documents
        )
        for item in pieces:
            if isinstance(item, Answer):
                final = item
            yield item
        if final is not None:
            self.history.append(Turn(question, standalone, final))

    def ask(self, question: str) -> Answer:
        """Answer ``question`` in the context of the conversation so far."""
        final: Answer | None = None
        for item in self.stream(question):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final
