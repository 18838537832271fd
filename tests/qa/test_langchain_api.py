"""hoidap as LangChain parts: a retriever and a Runnable a user composes in an LCEL chain."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from hoidap.settings import Settings
from qa import as_retriever, as_runnable
from qa.types import Answer


def test_the_retriever_returns_the_seed_passage_with_its_metadata(seeded: Settings) -> None:
    retriever = as_retriever(k=3, settings=seeded)

    docs = retriever.invoke("Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?")

    assert 1 <= len(docs) <= 3
    assert all(isinstance(d, Document) for d in docs)
    assert "1.700" in docs[0].page_content
    assert {"source", "title", "page", "chunk_id", "score"} <= set(docs[0].metadata)
    assert docs[0].metadata["source"].endswith(".txt")


def test_the_retriever_works_without_diacritics(seeded: Settings) -> None:
    docs = as_retriever(k=5, settings=seeded).invoke("co bao nhieu can bo duoc huy dong")
    assert any("1.700" in d.page_content for d in docs)


def test_an_lcel_chain_built_from_the_retriever(seeded: Settings) -> None:
    """A user's own chain: retrieve, then keep only the passages that hold a figure."""
    chain = {
        "docs": as_retriever(k=5, settings=seeded),
        "question": RunnablePassthrough(),
    } | RunnableLambda(lambda x: [d.page_content for d in x["docs"] if "1.700" in d.page_content])

    passages = chain.invoke("Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?")

    assert passages and "1.700" in passages[0]


def test_the_runnable_answers_like_answer(seeded: Settings) -> None:
    runnable = as_runnable(settings=seeded, answerer="extractive")

    result = runnable.invoke("Tội phạm giảm bao nhiêu phần trăm?")

    assert isinstance(result, Answer)
    assert "32,2%" in result.text and not result.abstained
