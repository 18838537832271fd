"""The extractive answerer: quote the sentences that answer, verbatim, or say the reports don't.

No model writes anything here, so nothing can be invented: the answer is the passage
sentence that shares the most (rare) words with the question, with its citation. When no
sentence covers enough of the question it abstains instead of quoting something nearby.

Sharing words is not answering, though: "Công an Cần Thơ có bao nhiêu xe cứu thương?" shares
"Công an Cần Thơ" with a sentence about medals. So a sentence is quoted only when it also
holds an answer of the kind asked for (:mod:`qa.answer_types`): a figure counting ambulances,
a year next to "thành lập", a place next to "quê". When none does, it abstains and says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from ingest.chunking import split_sentences
from qa.answer_types import AnswerType, check, classify
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from store.lexical import QUESTION_WORDS, fold_diacritics, syllables


@dataclass(frozen=True)
class ScoredSentence:
    text: str
    source_number: int
    score: float


class SentencePicker:
    """Scores passage sentences by IDF-weighted overlap with the question's content words."""

    def __init__(
        self, document_frequency: dict[str, int] | None = None, total: int | None = None
    ) -> None:
        """``total`` is the sum of ``document_frequency``: a caller that makes a picker per
        answer over the same (never mutated) corpus table may compute it once and pass it,
        since the sum grows with the corpus; otherwise it is computed here."""
        self.df = document_frequency or {}
        self.total = total if total is not None else max(sum(self.df.values()), 1)

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
    kind: AnswerType | None = None,
) -> Answer:
    """Quote the best sentence(s) that answer, with [n] citations, or abstain.

    Candidates are the sentences scoring at least ``threshold``, best first; the first one
    that :func:`qa.answer_types.check` accepts for the question's type is quoted, with up to
    ``max_sentences - 1`` more accepted ones scoring nearly as well. None accepted: abstain,
    with the reason the best candidate failed in ``Answer.note``.

    Args:
        kind: the question's type, when the caller has it already (else classified here).
    """
    ranked = [s for s in picker.rank(question, sources) if s.score >= threshold]
    if not ranked:
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive")
    kind = kind or classify(question)
    chosen: list[ScoredSentence] = []
    first_reason: str | None = None
    for candidate in ranked:
        if chosen and (
            len(chosen) >= max_sentences
            or candidate.score < 0.8 * chosen[0].score
        ):
            break
        if any(candidate.text == c.text for c in chosen):
            continue
        reason = check(kind, candidate.text, candidate.text)
        if reason is None:
            chosen.append(candidate)
        elif first_reason is None:
            first_reason = reason
    if not chosen:
        note = (
            "Không câu nào trong tài liệu trả lời đúng điều được hỏi: "
            f"{first_reason}."
        )
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive", note=note)
    text = " ".join(f"{s.text} [{s.source_number}]" for s in chosen)
    return Answer(text, False, sources, question, "extractive", quotes=[s.text for s in chosen])
