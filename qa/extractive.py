"""The extractive answerer: quote the sentences that answer, verbatim, or say the reports don't.

No model writes anything here, so nothing can be invented: the answer is the passage
sentence that shares the most (rare) words with the question, with its citation. When no
sentence covers enough of the question it abstains instead of quoting something nearby.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from ingest.chunking import split_sentences
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from store.lexical import QUESTION_WORDS, fold_diacritics, syllables


@dataclass(frozen=True)
class ScoredSentence:
    text: str
    source_number: int
    score: float


_LAST_TOTAL: tuple[dict[str, int], int] | None = None


def _total(df: dict[str, int]) -> int:
    """The sum of a frequency table, computed once per table: a picker is made per answer,
    over the same (never mutated) corpus table, whose sum grows with the corpus."""
    global _LAST_TOTAL
    last = _LAST_TOTAL
    if last is not None and last[0] is df:  # holding the table keeps its identity unique
        return last[1]
    total = max(sum(df.values()), 1)
    _LAST_TOTAL = (df, total)
    return total


class SentencePicker:
    """Scores passage sentences by IDF-weighted overlap with the question's content words."""

    def __init__(self, document_frequency: dict[str, int] | None = None) -> None:
        self.df = document_frequency or {}
        self.total = _total(self.df)

    def weight(self, word: str) -> float:
        return math.log(1.0 + self.total / (1.0 + self.df.get(word, 0)))

    def content_words(self, question: str) -> list[str]:
        words = [fold_diacritics(w) for w in syllables(question)]
        return [w for w in dict.fromkeys(words) if w not in QUESTION_WORDS]

    def score(self, question_words: list[str], sentence: str) -> float:
        """Share of the question's weight found in the sentence (0..1), bigrams counting extra."""
        if not question_words:
            return 0.0
        words = [fold_diacritics(w) for w in syllables(sentence)]
        present = set(words)
        pairs = set(pairwise(words))
        total = sum(self.weight(w) for w in question_words)
        hit = sum(self.weight(w) for w in question_words if w in present)
        q_pairs = list(pairwise(question_words))
        pair_bonus = sum(1 for p in q_pairs if p in pairs) / max(len(q_pairs), 1)
        return (hit / total) * 0.85 + pair_bonus * 0.15

    def rank(self, question: str, sources: list[Source]) -> list[ScoredSentence]:
        words = self.content_words(question)
        scored = [
            ScoredSentence(sentence, number, self.score(words, sentence) - 0.02 * (number - 1))
            for number, source in enumerate(sources, start=1)
            for sentence in split_sentences(source.text)
        ]
        return sorted(scored, key=lambda s: -s.score)


def extractive_answer(
    question: str,
    sources: list[Source],
    picker: SentencePicker,
    *,
    threshold: float,
    max_sentences: int,
) -> Answer:
    """Quote the best sentence(s) with [n] citations, or abstain below ``threshold``."""
    ranked = picker.rank(question, sources)
    if not ranked or ranked[0].score < threshold:
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive")
    best = ranked[0]
    chosen = [best]
    for candidate in ranked[1:max_sentences]:
        if candidate.score >= 0.8 * best.score and candidate.text != best.text:
            chosen.append(candidate)
    text = " ".join(f"{s.text} [{s.source_number}]" for s in chosen)
    return Answer(text, False, sources, question, "extractive", quotes=[s.text for s in chosen])
