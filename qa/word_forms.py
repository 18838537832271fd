"""Words as a question or a passage types them, in one form, and compared with or without marks.

A question typed with marks is compared with its marks ("mấy" is not "máy"), one typed
without is compared folded; figures compare by value. Every reader of questions and passages
in :mod:`qa.question_kind`, :mod:`qa.passage_text`, :mod:`qa.names` and :mod:`qa.answer_check`
tokenizes through here, so they agree on what a word is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

from ingest.normalize import normalize_tones
from qa.grounding import figure_values, strip_citations
from store.lexical import fold_diacritics, has_diacritics

# a figure (with its group or decimal marks), a word, "%", "$", or punctuation that matters:
# a cell separator, a label's colon, a clause break
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%|\$|[|:;,.!?()\"“”\n]")
BREAK = frozenset(",.!?()\"“”:;\n")


def compounds(words: Sequence[str]) -> set[str]:
    """Neighbouring syllables written as one word: "Web site" is also "website", "e mail"
    "email" (folded words in, joined words out)."""
    return {
        a + b
        for a, b in pairwise(words)
        if a.isalpha() and b.isalpha() and len(a) + len(b) >= 5
    }


def held(wanted: Sequence[str], present: set[str]) -> set[str]:
    """The words of ``wanted`` (folded, in question order) that ``present`` holds, a word
    written split or joined counting ("website" held by "web site", "web site" by "website";
    ``present`` should include :func:`compounds` of the passage)."""
    got = {w for w in wanted if w in present}
    for a, b in pairwise(wanted):
        if a.isalpha() and b.isalpha() and a + b in present:
            got |= {a, b}
    return got


def surface(word: str) -> str:
    """A word as typed, in one form: NFC, one tone convention, lower case."""
    return normalize_tones(unicodedata.normalize("NFC", word)).lower()


def same(typed: str, word: str) -> bool:
    """``typed`` (a word of a question or an answer) is ``word``: compared with its marks
    when it was typed with marks, folded otherwise; figures by value ("03" is "3")."""
    if typed[:1].isdigit() and word[:1].isdigit():
        return typed == word or bool(figure_values(typed) & figure_values(word))
    if has_diacritics(typed):
        return typed == word
    return typed == fold_diacritics(word)


def tokens(text: str) -> list[str]:
    """The words, figures and "%" of ``text`` in one form (see :func:`surface`); a "#"
    stands for punctuation, which ends a unit ("bao nhiêu cán bộ, chiến sĩ")."""
    words = []
    for match in TOKEN.finditer(strip_citations(text)):
        piece = match.group(0)
        words.append("#" if piece in BREAK or piece == "|" else surface(piece))
    return words
