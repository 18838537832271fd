"""hoidap as LangChain parts: a ``BaseRetriever`` over the index and the answering Runnable.

A LangChain user composes these in their own LCEL chain, the way a vector store's
``as_retriever()`` plugs in: the same hybrid retrieval as ``answer()`` (dense + BM25, with
and without diacritics), returning ``Document``s whose metadata holds source, title, page,
chunk id and score.

    from qa import as_retriever
    retriever = as_retriever(k=5)
    docs = retriever.invoke("Hàng tồn kho tại ngày 30/6/2025 là bao nhiêu?")
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable
from pydantic import ConfigDict

from hoidap.settings import Settings, get_settings
from qa.types import Answer, Source


def source_document(source: Source) -> Document:
    """A retrieved passage as a LangChain ``Document``."""
    metadata: dict[str, Any] = {
        "source": source.source,
        "title": source.title,
        "page": source.page,
        "chunk_id": source.chunk_id,
        "score": float(source.score),
    }
    if source.heading:
        metadata["heading"] = source.heading
    if source.table_header:
        metadata["table_header"] = list(source.table_header)
    return Document(page_content=source.text, metadata=metadata, id=source.chunk_id)


class HoidapRetriever(BaseRetriever):
    """hoidap's hybrid retrieval as a LangChain retriever.

    Args:
        k: how many passages to return.
        settings: whose index to search (default: the process settings, ``HOIDAP_*``).
    """

    k: int = 5
    settings: Settings | None = None
    documents: list[str] | None = None  # names, globs, companies or tickers (qa.scope)
    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        from qa.chain import prepare_question
        from qa.retriever import HybridRetriever
        from qa.scope import resolve_documents
        from store.index import get_index

        settings = self.settings or get_settings()
        index = get_index(settings)
        scope = resolve_documents(index, self.documents)
        found = HybridRetriever(index, settings).retrieve(prepare_question(query), self.k, scope)
        return [source_document(s) for s in found.sources]


def as_retriever(
    k: int = 5, *, settings: Settings | None = None, documents: list[str] | None = None
) -> HoidapRetriever:
    """A LangChain ``BaseRetriever`` over the indexed reports (``documents``: only those)."""
    return HoidapRetriever(
        k=k, settings=settings, documents=list(documents) if documents is not None else None
    )


def as_runnable(
    *,
    settings: Settings | None = None,
    answerer: str | None = None,
    documents: list[str] | None = None,
) -> Runnable[str, Answer]:
    """The Runnable behind ``answer()``: question → checked :class:`Answer`."""
    from qa.chain import build_chain

    return build_chain(settings or get_settings(), answerer, documents)
