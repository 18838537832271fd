"""The Python entry points: ``answer()`` and ``stream()``, and getting ready to answer.

A long-running caller (the page) opens the index once before its first question
(:func:`open_index`), may load the encoder ahead of it (:func:`warm_up`) and start the local
model (:func:`prepare_answerer`), so nobody waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from hoidap.settings import Settings, get_settings
from qa.chain import (
    build_chain,
    cut_reason,
    make_answerer,
    prepare_question,
    resolve_answerer,
    retrieve,
    with_note,
)
from qa.question import read
from qa.retriever import HybridRetriever
from qa.scope import resolve_documents, source_note
from qa.types import Answer, Source
from store.index import Index, get_index

_OPEN_LOCK = threading.Lock()
_opened: set[Index] = set()  # by the stored index, not by the settings naming it


def answer(
    question: str,
    *,
    settings: Settings | None = None,
    answerer: str | None = None,
    documents: Iterable[str] | None = None,
) -> Answer:
    """Answer a question from the indexed reports.

    Args:
        documents: the reports the question is about (file names, globs, companies or
            tickers, :func:`qa.scope.resolve_documents`); default every report. A name no
            report has raises :class:`qa.scope.UnknownDocumentError` with the close matches.

    Returns:
        An :class:`Answer` with ``.text``, ``.abstained`` and the quoted ``.sources``.
    """
    settings = settings or get_settings()
    scope = resolve_documents(get_index(settings), documents)
    chain = build_chain(settings, answerer, sorted(scope) if scope is not None else None)
    result = chain.invoke(question)
    return with_note(with_note(result, source_note(result, scope)), cut_reason(question))


def stream(
    question: str,
    *,
    settings: Settings | None = None,
    answerer: str | None = None,
    on_sources: Callable[[list[Source]], None] | None = None,
    documents: Iterable[str] | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer text as the model writes it, then the final :class:`Answer`.

    The final Answer is what counts: a model answer that fails the grounding check is
    replaced there by the extractive one (see ``Answer.note``), after its text streamed.
    Retrieval runs before the first piece; ``on_sources`` gets its passages then, so a
    page can show the sources while the model is still reading them. ``documents`` as for
    :func:`answer`.
    """
    settings = settings or get_settings()
    index = get_index(settings)
    scope = resolve_documents(index, documents)
    respond = make_answerer(settings, index, answerer)
    found = retrieve(HybridRetriever(index, settings), read(prepare_question(question)), scope)
    if on_sources is not None:
        on_sources(found.sources)
    note = cut_reason(question)
    for item in respond.stream(found):
        if isinstance(item, Answer):
            yield with_note(with_note(item, source_note(item, scope)), note)
        else:
            yield item


def open_index(settings: Settings | None = None) -> None:
    """Open the index of ``settings`` (Chroma and BM25; the model loads on first use) once,
    one thread at a time; cheap after the first call.

    A process with several threads that may all be first (the page: warm-up, examples,
    questions, uploads) calls this before using the index: chromadb's client registry is
    left broken for the life of the process when two threads create a client at once.
    """
    index = get_index(settings or get_settings())
    if index in _opened:
        return
    with _OPEN_LOCK:
        if index in _opened:
            return
        _ = index.vectors
        _ = index.lexical
        _opened.add(index)


def warm_up(settings: Settings | None = None) -> None:
    """Open the index and load the encoder with a first (extractive) question."""
    settings = settings or get_settings()
    open_index(settings)
    answer("khởi động", settings=settings, answerer="extractive")


def prepare_answerer(settings: Settings | None = None, answerer: str | None = None) -> None:
    """Start the local model when it is the one answering: loading it takes a minute or more."""
    settings = settings or get_settings()
    if resolve_answerer(settings, answerer) == "local":
        from qa.llm_answer import local_endpoint

        local_endpoint(settings)
