"""Questions in, quoted answers out: ``from qa import answer; answer("...")``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.conversation import Chat
    from qa.types import Answer, Source

__all__ = ["Answer", "Chat", "Source", "answer", "stream"]


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


def __getattr__(name: str) -> Any:
    # imported lazily so `from qa import ...` does not load LangChain, torch and chromadb
    if name == "Chat":
        from qa import conversation

        return conversation.Chat
    if name in ("Answer", "Source"):
        from qa import types

        return getattr(types, name)
    raise AttributeError(name)
