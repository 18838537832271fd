"""What a question asks for, and whether an answer is it: the names other modules import.

The work is split by job: :mod:`qa.question_kind` reads the question (:func:`classify` →
:class:`AnswerType`), :mod:`qa.answer_check` judges a candidate (:func:`check`),
:mod:`qa.sentence_units` cuts a passage into quotable units and list items,
:mod:`qa.passage_text` finds mentions next to the asked verb or role, :mod:`qa.names` reads
people's and bodies' names and signature blocks, :mod:`qa.word_forms` says what a word is.
Their vocabulary is data in ``hoidap/data/`` (``question_words.json``,
``names_lexicon.json``, ``document_layout.json``). This module keeps the names
``from qa.answer_types import …`` has always given.
"""

from __future__ import annotations

from qa.answer_check import FOCUS_SHARE, check
from qa.names import expand_sign_for
from qa.passage_text import CONTEXT, NEAR, SIGNATURE_GAP
from qa.question_kind import DURATION, KINDS, MONEY, PERCENT, AnswerType, classify
from qa.sentence_units import (
    ARTICLE,
    BULLET,
    CHAPTER,
    LETTER,
    NUMBER,
    ROMAN,
    item_marker,
    list_level,
    units,
)
from qa.word_forms import compounds, held

__all__ = [
    "ARTICLE",
    "BULLET",
    "CHAPTER",
    "CONTEXT",
    "DURATION",
    "FOCUS_SHARE",
    "KINDS",
    "LETTER",
    "MONEY",
    "NEAR",
    "NUMBER",
    "PERCENT",
    "ROMAN",
    "SIGNATURE_GAP",
    "AnswerType",
    "check",
    "classify",
    "compounds",
    "expand_sign_for",
    "held",
    "item_marker",
    "list_level",
    "units",
]
