"""The question → :class:`Answer` chain as a LangChain Runnable (invoke, stream, batch).

Steps: normalize the question like the documents, read it once (:mod:`qa.question`),
retrieve (hybrid), answer. Answerers plug in at the last step, so every way of answering
shares the reading, retrieval and sources; they are found by name in :data:`ANSWERER_FACTORIES`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

from langchain_core.runnables import Runnable, RunnableLambda

from hoidap.errors import UserError
from hoidap.settings import ANSWERERS, Settings
from ingest.document import CELL_SEPARATOR
from ingest.normalize import normalize_query
from qa.extractive import SentencePicker, extractive_answer
from qa.question import Question, asked, read
from qa.reasons import Reason, Why, why
from qa.retriever import HybridRetriever, Retrieval
from qa.statement_answer import StatementAnswerer
from qa.table_answer import table_answer
from qa.types import ABSTAIN_MESSAGE, Answer
from store.index import Index, get_index

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


class QuestionError(UserError, ValueError):
    """A question that cannot be asked as given; the message is for the user."""


def cut_reason(question: str) -> Why | None:
    """Why only the start of a very long question was used (``None``: all of it was)."""
    if len(normalize_query(question or "")) <= MAX_QUESTION_CHARS:
        return None
    return why(Reason.QUESTION_CUT, limit=MAX_QUESTION_CHARS)


def with_note(answer: Answer, note: str | Why | None) -> Answer:
    """``answer`` with ``note`` added after any note it has (a :class:`Why` adds its
    reasons too)."""
    if not note:
        return answer
    if isinstance(note, Why):
        return answer.because(note)
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
    # why a model answerer that was asked for is not used (said instead of any other note)
    instead: Why | None = None

    def picker(self) -> SentencePicker:
        restorer = self.index.lexical.restorer
        return SentencePicker(restorer.unigrams if restorer else None)

    def relevance(self, found: Retrieval) -> float:
        """How much of the question the best passage sentence covers (0..1)."""
        ranked = self.picker().rank(found.question, found.sources, found.asked.named)
        return ranked[0].score if ranked else 0.0

    @property
    def note(self) -> str | None:
        """What every answer says instead of its own note (:attr:`instead`'s words)."""
        return self.instead.text if self.instead is not None else None

    def __call__(self, found: Retrieval) -> Answer:
        """The quote; it passes :func:`qa.answer_types.check` with its headings, title and
        neighbours as context, so a caller need not (and, lacking that context, cannot)
        check it again (:attr:`qa.llm_answer.LLMAnswerer.fallback_checked`)."""
        answer = extractive_answer(
            found.question,
            found.sources,
            self.picker(),
            threshold=self.settings.abstain_threshold,
            max_sentences=self.settings.max_answer_sentences,
            question_read=found.asked,
        )
        return answer.because(self.instead, replacing=True) if self.instead else answer

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
        cell = table_answer(
            found.question, found.sources, found.table_candidates, kind=found.asked.kind
        )
        return cell if cell is not None else not_a_row(self.inner(found), found.asked)

    def stream(self, found: Retrieval) -> Iterator[str | Answer]:
        cell = table_answer(
            found.question, found.sources, found.table_candidates, kind=found.asked.kind
        )
        if cell is not None:
            yield cell.text
            yield cell
            return
        for item in self.inner.stream(found):
            yield not_a_row(item, found.asked) if isinstance(item, Answer) else item


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


def not_a_row(answer: Answer, question: Question | None = None) -> Answer:
    """A quoted table line whose label is not the question's row is no answer.

    The cell answerer has already looked for the row the question names; a row or header
    line the sentence picker quotes instead shares words, not the subject, and holds figures
    of another line or column.

    Args:
        question: the answer's question as the chain read it (read here when not given).
    """
    if answer.abstained or not any(CELL_SEPARATOR in quote for quote in answer.quotes):
        return answer
    if asked(question, answer.question).kind.kind != "quantity":
        return answer  # a name or an address in a row of cells is no neighbouring figure
    refused = replace(answer, text=ABSTAIN_MESSAGE, abstained=True, quotes=[])
    return refused.because(why(Reason.NOT_THE_ROW), replacing=True)


# --------------------------------------------------------------------------- by name

AnswererFactory = Callable[[Settings, Index], "Answerer"]


def _extractive(settings: Settings, index: Index) -> Answerer:
    return ExtractiveAnswerer(settings, index)


def _model(name: str) -> AnswererFactory:
    """The factory of the model answerer ``name`` (``local`` or ``openai``): the model, with
    the extractive answerer behind it for any answer it cannot give."""

    def make(settings: Settings, index: Index) -> Answerer:
        from qa.llm_answer import LLMAnswerer, local_endpoint, openai_endpoint
        from qa.llm_server import runtime_available

        extractive = ExtractiveAnswerer(settings, index)
        if name == "local" and not runtime_available():
            log.warning("answerer 'local' asked for but xllamacpp is not installed")
            return ExtractiveAnswerer(settings, index, instead=why(Reason.LOCAL_MODEL_MISSING))
        endpoint = local_endpoint if name == "local" else openai_endpoint
        return LLMAnswerer(
            name,
            settings,
            endpoint,
            extractive,
            extractive.relevance,
            picker=extractive.picker,
            fallback_checked=True,  # the extractive answerer checks its quotes itself
        )

    return make


# every answerer a user can name but ``auto`` (a rule choosing one of these,
# :func:`resolve_answerer`); hoidap.settings.ANSWERERS lists the names users may give
ANSWERER_FACTORIES: dict[str, AnswererFactory] = {
    "extractive": _extractive,
    "local": _model("local"),
    "openai": _model("openai"),
}


def _auto(settings: Settings) -> str:
    """``openai`` when a base URL is set, else ``local`` when its runtime and model are
    installed, else ``extractive``."""
    if settings.llm_base_url:
        return "openai"
    from qa.llm_model import model_available
    from qa.llm_server import runtime_available

    return "local" if runtime_available() and model_available(settings) else "extractive"


def resolve_answerer(settings: Settings, answerer: str | None = None) -> str:
    """The answerer to use: ``auto`` is ``openai`` when a base URL is set, else ``local``
    when its runtime and model are installed, else ``extractive``."""
    name = answerer or settings.answerer
    if name not in ANSWERERS:
        msg = f"Không có bộ trả lời '{name}' (unknown answerer; available: {', '.join(ANSWERERS)})"
        raise QuestionError(msg)
    return _auto(settings) if name == "auto" else name


def make_answerer(settings: Settings, index: Index, answerer: str | None = None) -> Answerer:
    """The last step of the chain: retrieved passages → :class:`Answer`.

    A model answerer falls back to the extractive one per answer (down, slow, ungrounded);
    when its runtime is not installed at all, every answer says so in ``Answer.note``.
    """
    inner = ANSWERER_FACTORIES[resolve_answerer(settings, answerer)](settings, index)
    return StatementFirstAnswerer(TableFirstAnswerer(inner), StatementAnswerer(index))


def retrieve(
    retriever: HybridRetriever, question: Question, scope: frozenset[str] | None = None
) -> Retrieval:
    """The chain's retrieval stage: the passages for ``question``, carrying its reading."""
    return replace(retriever.retrieve(question.text, scope=scope), asked=question)


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
        | RunnableLambda(read, name="read")
        | RunnableLambda(partial(retrieve, retriever, scope=scope), name="retrieve")
        | RunnableLambda(respond, name="answer")
    )
