"""The question, read once: what it asks for, which statement line, which names.

Every answerer and every check needs some reading of the question: the kind of answer it
wants (:func:`qa.answer_types.classify`), the statement line and period it names
(:func:`qa.finance_question.read_question`), the words of the names it gives
(:func:`named_words`). They used to read it again each; now the chain reads it once into a
:class:`Question` (a stage after normalizing, beside retrieval) that travels on
:class:`qa.retriever.Retrieval` as ``found.asked``, and they take it from there.

Each reading is made the first time a stage asks for it and kept: a question the
statements answer is never classified for quoting, and one no stage reads for its
statement line is never read for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from qa.answer_types import AnswerType, classify
from qa.finance_question import FinanceQuestion, read_question
from qa.grounding import strip_citations
from store.lexical import fold_diacritics

__all__ = ["Question", "asked", "named_words", "read"]

# the lower-case words that belong to a legal name ("Công ty Cổ phần …", "… TNHH")
_LEGAL_WORDS = ("ty", "phan", "tnhh")


def named_words(question: str) -> frozenset[str]:
    """The words of the names a question gives (folded): its capitalized words but the first
    ("Ai là Giám đốc của Công ty Cổ phần Gốm Hạ Long?" → giam, cong, ty, co, phan, gom …),
    or, typed without capitals, the words after "của". A report's title is the subject of
    all its passages for a question naming it, not for any question sharing a word with it
    (a news headline shares most words of every question about its story)."""
    text = strip_citations(question)
    words = re.findall(r"[^\W\d_]+", text)
    if text == text.lower():
        found: list[str] = []
        for i, word in enumerate(words):
            if fold_diacritics(word) == "cua":
                found += words[i + 1 : i + 11]
        return frozenset(fold_diacritics(w) for w in found)
    capital = [w for w in words[1:] if w[0].isupper()]
    # "Công ty Cổ phần …": the lower-case words of a legal name go with it
    legal = [w for w in words if fold_diacritics(w) in _LEGAL_WORDS]
    return frozenset(fold_diacritics(w) for w in [*capital, *legal])


@dataclass(frozen=True)
class Question:
    """One normalized question and its readings (each made on first use, then kept).

    Attributes:
        text: the question as the chain normalized it (what retrieval searched for).
        kind: the kind of answer it asks for (:func:`qa.answer_types.classify`).
        finance: the statement line, ratio or card field and the period it names
            (:func:`qa.finance_question.read_question`).
        named: the folded words of the names it gives (:func:`named_words`).
    """

    text: str

    @cached_property
    def kind(self) -> AnswerType:
        return classify(self.text)

    @cached_property
    def finance(self) -> FinanceQuestion:
        return read_question(self.text)

    @cached_property
    def named(self) -> frozenset[str]:
        return named_words(self.text)


def read(text: str) -> Question:
    """The chain's reading stage: ``text`` (already normalized) as a :class:`Question`."""
    return Question(text)


def asked(question: str | Question | None, text: str) -> Question:
    """``question`` when it is the reading of ``text``, else ``text`` read now: what a
    public function given an optional reading uses (a stale one is never trusted)."""
    if isinstance(question, Question) and question.text == text:
        return question
    return Question(text)
