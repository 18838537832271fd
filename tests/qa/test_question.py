"""The question is read once, as a stage of the chain, and answerers are found by name."""

from __future__ import annotations

from dataclasses import replace

import pytest

import qa.question
from hoidap.settings import ANSWERERS, Settings
from qa.chain import ANSWERER_FACTORIES, ExtractiveAnswerer, build_chain
from qa.question import Question, read
from qa.reasons import Reason
from qa.retriever import Retrieval
from store.index import get_index

ASKED = "Công ty Gốm Hạ Long có bao nhiêu lò nung?"  # made up


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions :mod:`qa.question` classifies from now on."""
    seen: list[str] = []
    classify = qa.question.classify

    def counted(text: str) -> qa.question.AnswerType:
        seen.append(text)
        return classify(text)

    monkeypatch.setattr(qa.question, "classify", counted)
    return seen


def test_each_reading_is_made_once_and_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _counting(monkeypatch)
    asked = read(ASKED)
    assert seen == []  # nothing is read before a stage needs it
    assert asked.kind.kind == "quantity" and asked.kind is asked.kind
    assert seen == [ASKED]
    assert {"gom", "ha", "long"} <= asked.named
    assert asked.finance is asked.finance


def test_a_retrieval_carries_the_reading_of_its_own_question() -> None:
    asked = Question(ASKED)
    found = Retrieval(ASKED, [], asked=asked)
    assert found.asked is asked
    assert Retrieval(ASKED, []).asked.text == ASKED  # made without one: read from question
    other = replace(found, question="Công ty Gốm Hạ Long ở đâu?")
    assert other.asked.text == other.question  # a reading of another text is not kept


def test_the_chain_reads_the_question_once(
    seeded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = build_chain(seeded, "extractive")
    seen = _counting(monkeypatch)
    result = chain.invoke("Công an thành phố huy động bao nhiêu cán bộ, chiến sĩ?")
    assert not result.abstained
    assert len(seen) == 1  # the answerers took it from the retrieval


def test_every_answerer_but_auto_is_found_by_name() -> None:
    assert set(ANSWERER_FACTORIES) == set(ANSWERERS) - {"auto"}


def test_a_local_model_not_installed_quotes_and_says_so(
    seeded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.llm_server

    monkeypatch.setattr(qa.llm_server, "runtime_available", lambda: False)
    inner = ANSWERER_FACTORIES["local"](seeded, get_index(seeded))
    assert isinstance(inner, ExtractiveAnswerer)
    found = Retrieval("Công an thành phố huy động bao nhiêu cán bộ, chiến sĩ?", [])
    assert inner(found).reasons == (Reason.LOCAL_MODEL_MISSING,)
