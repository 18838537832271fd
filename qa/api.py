"""The Python entry points: ``answer()`` and ``stream()``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hoidap.settings import Settings, get_settings
from qa.chain import build_chain, cut_note, make_answerer, prepare_question, with_note
from qa.retriever import HybridRetriever
from qa.types import Answer, Source
from store.index import get_index


def answer(
    question: str, *, settings: Settings | None = None, answerer: str | None = None
) -> Answer:
    """Answer a question from the indexed reports.

    Returns:
        An :class:`Answer` with ``.text``, ``.abstained`` and the quoted ``.sources``.
    """
    result = build_chain(settings or get_settings(), answerer).invoke(question)
    return with_note(result, cut_note(question))


def stream(
    question: str,
    *,
    settings: Settings | None = None,
    answerer: str | None = None,
    on_sources: Callable[[list[Source]], None] | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer text as the model writes it, then the final :class:`Answer`.

    The final Answer is what counts: a model answer that fails the grounding check is
    replaced there by the extractive one (see ``Answer.note``), after its text streamed.
    Retrieval runs before the first piece; ``on_sources`` gets its passages then, so a
    page can show the sources while the model is still reading them.
    """
    settings = settings or get_settings()
    index = get_index(settings)
    respond = make_answerer(settings, index, answerer)
    found = HybridRetriever(index, settings).retrieve(prepare_question(question))
    if on_sources is not None:
        on_sources(found.sources)
    note = cut_note(question)
    for item in respond.stream(found):
        yield with_note(item, note) if isinstance(item, Answer) else item
