"""Questions in, quoted answers out: ``from qa import answer; answer("...")``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hoidap.settings import Settings
    from qa.conversation import Chat
    from qa.types import Answer, Source
    from store.lexical import fold_diacritics, syllables

__all__ = [
    "Answer",
    "Chat",
    "Source",
    "answer",
    "as_retriever",
    "as_runnable",
    "fold_diacritics",
    "open_index",
    "stream",
    "syllables",
]
# How questions and passages are split into syllables and compared without diacritics:
# a page that highlights the sentence an answer came from must compare words the same way.
_TEXT_HELPERS = ("fold_diacritics", "syllables")


def answer(question: str, **options: Any) -> Answer:
    """Answer a question from the indexed reports: :func:`qa.api.answer`.

    A forwarder, so that ``from qa import answer`` is instant: LangChain (about a second of
    imports), the model and the store load on the first call instead.
    """
    from qa import api

    return api.answer(question, **options)


def stream(question: str, **options: Any) -> Iterator[str | Answer]:
    """Yield the answer as it is written, then the final Answer: :func:`qa.api.stream`."""
    from qa import api

    return api.stream(question, **options)


def as_retriever(k: int = 5, **options: Any) -> Any:
    """A LangChain ``BaseRetriever`` over the index: :func:`qa.langchain_api.as_retriever`."""
    from qa import langchain_api

    return langchain_api.as_retriever(k, **options)


def as_runnable(**options: Any) -> Any:
    """The LangChain Runnable behind ``answer()``: :func:`qa.langchain_api.as_runnable`."""
    from qa import langchain_api

    return langchain_api.as_runnable(**options)


def open_index(settings: Settings | None = None) -> None:
    """Open the index once before the first question: :func:`qa.api.open_index`."""
    from qa import api

    api.open_index(settings)


def __getattr__(name: str) -> Any:
    # imported lazily so `from qa import ...` does not load LangChain, torch and chromadb
    if name == "Chat":
        from qa import conversation

        return conversation.Chat
    if name in ("Answer", "Source"):
        from qa import types

        return getattr(types, name)
    if name in _TEXT_HELPERS:
        from store import lexical

        return getattr(lexical, name)
    raise AttributeError(name)
