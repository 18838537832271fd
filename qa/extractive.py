"""The extractive answerer: quote the sentences that answer, verbatim, or say the reports don't.

No model writes anything here, so nothing can be invented: the answer is the passage
sentence that shares the most (rare) words with the question, with its citation. When no
sentence covers enough of the question it abstains instead of quoting something nearby.

Sharing words is not answering, though: "Công an Cần Thơ có bao nhiêu xe cứu thương?" shares
"Công an Cần Thơ" with a sentence about medals. So a sentence is quoted only when it also
holds an answer of the kind asked for (:mod:`qa.answer_types`): a figure counting ambulances,
a year next to "thành lập", a place next to "quê". When none does, it abstains and says why.

Reports are not all prose. A list item says its value and leaves its subject to the line
that introduces it ("4. Tài liệu âm thanh" / "b) Bit rate tối thiểu: 128 kbps"); a signature
block or a management list puts a name on the line next to its role ("KT. BỘ TRƯỞNG" /
"THỨ TRƯỞNG" / "Lê Văn Cường"); an address sits after its label. So a sentence is scored and
checked with the list headings above it (and the report's title) as its subject, and a role
or label line that holds no answer itself may be quoted with the line next to it that does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import pairwise

from ingest.document import CELL_SEPARATOR
from qa.answer_types import (
    SIGNATURE_GAP,
    AnswerType,
    check,
    compounds,
    expand_sign_for,
    held,
    item_marker,
    list_level,
    units,
)
from qa.question import Question, asked, named_words
from qa.reasons import Reason, why
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from store.lexical import QUESTION_WORDS, fold_diacritics, syllables

_PLAIN = 99  # the level of a sentence that opens with no list marker
# "Độ phân giải tối thiểu: 200 dpi": a list item naming what it gives, then the value
_LABELLED = re.compile(r"^([^:|]{2,60}?)\s*:\s*\S")
LABEL_BONUS = 0.15  # a list item whose label is the question's words says what it gives
HEADING_FACTOR = 0.5  # a word only in a heading further up, or the title, counts this much


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate answer: a passage sentence (or list item), its source's number and how
    much of the question it covers with its context; ``index`` is its position among
    its passage's units (:func:`passage_units`)."""

    text: str
    source_number: int
    score: float
    index: int = -1
    labelled: bool = False  # a list item whose label the question names (:func:`_label`)


def passage_units(text: str) -> list[str]:
    """A passage's sentences, with a sentence holding several list items cut before each,
    and an article's number or a "KT." kept with the words after it: every unit is a
    verbatim piece of ``text`` (:func:`qa.answer_types.units`)."""
    return units(text)


class _Passage:
    """One retrieved passage as units, each with the list headings it sits under."""

    def __init__(self, source: Source, named: frozenset[str] = frozenset()) -> None:
        """``named``: the words of the names the question gives (:func:`named_words`); the
        report's title counts as the subject of its passages only with those words."""
        self.source = source
        title = source.title or ""
        subject = " ".join(
            w for w in re.findall(r"[^\W\d_]+", title) if fold_diacritics(w) in named
        )
        self.units = passage_units(source.text)
        levels = [list_level(u) for u in self.units]
        self.parents: list[list[int]] = []
        for i, level in enumerate(levels):
            chain: list[int] = []
            current = _PLAIN if level is None else level
            for j in range(i - 1, -1, -1):
                above = levels[j]
                if above is not None and above < current:
                    chain.append(j)
                    current = above
            self.parents.append(chain)  # nearest first
        self.around = " \n".join(t for t in (source.heading or "", subject) if t)

    def context(self, i: int) -> str:
        """What unit ``i`` is about beyond its own words: its headings, the passage's
        heading and the report's title."""
        lines = [self.units[j] for j in reversed(self.parents[i])]
        return " \n".join([*lines, self.around]) if self.around else " \n".join(lines)

    def weighted_context(self, i: int) -> list[tuple[str, float]]:
        """:meth:`context` as texts with how much each counts: the heading right above
        fully, headings further up and the title by :data:`HEADING_FACTOR`."""
        parents = self.parents[i]
        found = [(self.units[j], 1.0 if k == 0 else HEADING_FACTOR) for k, j in enumerate(parents)]
        if self.around:
            found.append((self.around, HEADING_FACTOR))
        return found


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

    def score(
        self,
        question_words: list[str],
        sentence: str,
        context: list[tuple[str, float]] | None = None,
    ) -> float:
        """Share of the question's weight found in the sentence (0..1), bigrams counting extra;
        a word written split or joined ("Bit rate", "bitrate") counts as the same. A word
        found only in ``context`` (texts with a factor) counts by its factor."""
        if not question_words:
            return 0.0
        credit: dict[str, float] = {}
        pairs: set[tuple[str, str]] = set()
        for text, factor in [(sentence, 1.0), *(context or [])]:
            words = [fold_diacritics(w) for w in syllables(text)]
            for word in held(question_words, set(words) | compounds(words)):
                credit[word] = max(credit.get(word, 0.0), factor)
            pairs |= set(pairwise(words))
        total = sum(self.weight(w) for w in question_words)
        hit = sum(self.weight(w) * credit.get(w, 0.0) for w in question_words)
        q_pairs = list(pairwise(question_words))
        pair_bonus = sum(1 for p in q_pairs if p in pairs) / max(len(q_pairs), 1)
        return (hit / total) * 0.85 + pair_bonus * 0.15

    def rank(
        self, question: str, sources: list[Source], named: frozenset[str] | None = None
    ) -> list[ScoredSentence]:
        """Every unit of every passage, best first, scored with its context (:class:`_Passage`);
        a list item labelled with the question's words scores :data:`LABEL_BONUS` more, one
        labelled with others as much less (:func:`_label`).

        Args:
            named: the words of the names the question gives, when the caller has them
                (:attr:`qa.question.Question.named`; else read here).
        """
        words = self.content_words(question)
        asked = set(words) | compounds(words)
        named = named_words(question) if named is None else named
        scored = []
        for number, source in enumerate(sources, start=1):
            passage = _Passage(source, named)
            for i, unit in enumerate(passage.units):
                score = self.score(words, expand_sign_for(unit), passage.weighted_context(i))
                label = _label(unit, asked)
                if label is not None:
                    score += LABEL_BONUS if label else -LABEL_BONUS
                score -= 0.02 * (number - 1)
                scored.append(ScoredSentence(unit, number, score, i, bool(label)))
        return sorted(scored, key=lambda s: -s.score)


def _label(unit: str, asked: set[str]) -> bool | None:
    """Whether ``unit``, a list item "label: value", is labelled with the question's words
    ("Bit rate tối thiểu: 128 kbps" for "bitrate tối thiểu là bao nhiêu?"): ``True``;
    ``False`` for a list item labelled with other words ("- Hình ảnh: …, định dạng PNG"
    gives a picture, not the format asked); ``None`` for anything else (prose with a colon
    says no more than its words)."""
    found = item_marker(unit)
    match = _LABELLED.match(unit[found[1] :] if found else unit)
    if not match:
        return None
    label = [fold_diacritics(w) for w in syllables(match.group(1))]
    label = [w for w in label if w not in QUESTION_WORDS and not w[0].isdigit()]
    if not label or len(label) > 6:
        return None
    if held(label, asked) == set(label):
        return True
    return False if found else None


def _sibling(first: ScoredSentence, other: ScoredSentence, passages: dict[int, _Passage]) -> bool:
    """``other`` is an item labelled as asked under the same heading as ``first``; under
    another heading ("3. Tài liệu phim ảnh" / "a) Định dạng: …") it is another subject's."""
    if not other.labelled or other.source_number != first.source_number:
        return False
    parents = passages[first.source_number].parents
    return parents[first.index][:1] == parents[other.index][:1]


def _neighbours(kind: AnswerType, i: int, size: int) -> list[int]:
    """The units a label or role line may be answered by, nearest first."""
    if kind.kind == "person":
        order = [i + 1, i - 1, *range(i + 2, i + SIGNATURE_GAP + 1)]
    elif kind.kind == "place":
        order = [i + 1]
    elif kind.entity:
        order = [i - 1, i + 1]
    else:
        order = []
    return [j for j in order if 0 <= j < size]


def _quotes(kind: AnswerType, passage: _Passage, indexes: list[int], words: list[str]) -> list[str]:
    """The verbatim pieces to quote for units ``indexes``: with the nearest heading above
    the first when it holds words of the question the units lack, and a table line's
    cells one by one when the answer is not a figure (a row's figures are
    :mod:`qa.table_answer`'s; its name or address cell is quoted here)."""
    units = [passage.units[i] for i in indexes]
    parents = passage.parents[indexes[0]]
    if parents:
        own = {fold_diacritics(w) for u in units for w in syllables(u)}
        heading = passage.units[parents[0]]
        lacking = {w for w in words if w not in own}
        if lacking & {fold_diacritics(w) for w in syllables(heading)}:
            units.insert(0, heading)
    quotes: list[str] = []
    for unit in units:
        if kind.kind != "quantity" and CELL_SEPARATOR in unit:
            quotes.extend(c.strip() for c in unit.split(CELL_SEPARATOR.strip()) if c.strip())
        else:
            quotes.append(unit)
    return list(dict.fromkeys(quotes))


def _answering(
    kind: AnswerType, candidate: ScoredSentence, passage: _Passage, words: list[str]
) -> tuple[list[int] | None, str | None]:
    """The units that answer, starting from ``candidate`` (itself, or it and the line next
    to it), or ``None`` and why not."""
    i = candidate.index
    units = passage.units
    subject = passage.source.title or ""
    context = passage.context(i)
    reason = check(kind, units[i], units[i], context=context, subject=subject)
    if reason is None:
        return [i], None
    if not kind.anchors and not kind.entity:
        return None, reason
    for j in _neighbours(kind, i, len(units)):
        if check(kind, units[j], units[j], context=passage.context(j), subject=subject) is None:
            continue  # the neighbour answers alone (and is a candidate of its own)
        low, high = min(i, j), max(i, j)
        answer = f"{units[low]}\n{units[high]}"
        span = "\n".join(units[low : high + 1])
        around = f"{context} \n{passage.context(j)}"
        if check(kind, answer, span, context=around, subject=subject) is None:
            return [low, high], None
    return None, reason


def extractive_answer(
    question: str,
    sources: list[Source],
    picker: SentencePicker,
    *,
    threshold: float,
    max_sentences: int,
    kind: AnswerType | None = None,
    question_read: Question | None = None,
) -> Answer:
    """Quote the best sentence(s) that answer, with [n] citations, or abstain.

    Candidates are the sentences scoring at least ``threshold``, best first; the first one
    that :func:`qa.answer_types.check` accepts for the question's type is quoted, with up to
    ``max_sentences - 1`` more accepted ones scoring nearly as well. A candidate may bring
    the heading it sits under, or the line next to it that holds the name or address its
    role or label asks for. None accepted: abstain, with the reason the best candidate
    failed in ``Answer.note``.

    Args:
        kind: the question's type, when the caller has it already (else classified here).
        question_read: ``question`` as the chain read it (:mod:`qa.question`), for its
            type and names (read here when not given).
    """
    reading = asked(question_read, question)
    named = reading.named
    ranked = [s for s in picker.rank(question, sources, named) if s.score >= threshold]
    if not ranked:
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive")
    kind = kind or reading.kind
    words = picker.content_words(question)
    passages: dict[int, _Passage] = {}
    chosen: list[tuple[ScoredSentence, list[str]]] = []
    used: set[tuple[int, int]] = set()
    first_reason: str | None = None
    for candidate in ranked:
        if chosen and (len(chosen) >= max_sentences or candidate.score < 0.8 * chosen[0][0].score):
            break
        number = candidate.source_number
        if (number, candidate.index) in used or any(candidate.text in q for _, q in chosen):
            continue  # overlapping passages repeat a sentence
        if number not in passages:
            passages[number] = _Passage(sources[number - 1], named)
        passage = passages[number]
        if chosen and chosen[0][0].labelled and not _sibling(chosen[0][0], candidate, passages):
            continue  # the item named as asked answers; others are of other things
        indexes, reason = _answering(kind, candidate, passage, words)
        if indexes is None:
            first_reason = first_reason or reason
            continue
        if any((number, i) in used for i in indexes):
            continue
        used |= {(number, i) for i in indexes}
        chosen.append((candidate, _quotes(kind, passage, indexes, words)))
    if not chosen:
        return Answer(ABSTAIN_MESSAGE, True, sources, question, "extractive").because(
            why(Reason.NO_SENTENCE_ANSWERS, wrong=first_reason)
        )
    quotes: list[str] = []
    cited: list[str] = []
    for candidate, pieces in chosen:
        for piece in pieces:
            if piece not in quotes:
                quotes.append(piece)
                cited.append(f"{piece} [{candidate.source_number}]")
    return Answer(" ".join(cited), False, sources, question, "extractive", quotes=quotes)
