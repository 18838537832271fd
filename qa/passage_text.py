"""A passage as the answer checks read it: tokens with their sentence and clause, and where
a question's verb or role ("thành lập", "giám đốc") sits next to a mention.

A date, name or place answers only next to the verb or role the question asks about: in
the same clause, within :data:`NEAR` words, or, for a name or address, on the line next to
its label as management lists and signature blocks write them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hoidap.knowledge import question_words
from qa.names import HONORIFICS, ROLES, SIGN_FOR, person_names
from qa.sentence_units import marker_spans, units
from qa.word_forms import BREAK, TOKEN, compounds, same, surface, tokens
from store.lexical import fold_diacritics

_WORDS = question_words()
# How far (in words, same clause) a year, name or place may sit from the question's verb
# ("sinh", "thành lập", "quê") and still be about it.
NEAR = 8
# How many sentences before the evidence count as its context (a list's or table's heading).
CONTEXT = 2
SIGNATURE_GAP = 6  # lines from a signature's role down to its name (stamp, scrawl, recipients)


@dataclass(frozen=True)
class PassageToken:
    surface: str
    folded: str
    sentence: int
    clause: int
    marker: bool = False  # a list item's number or an article cited ("1.", "c)", "Điều 14")

    @property
    def is_number(self) -> bool:
        return self.folded[0].isdigit()


class PassageText:
    """A passage as tokens (words, figures, "%", "|", ":"), with sentence and clause numbers.

    ``context`` is what surrounds the passage (the headings above it, the report's title):
    its words count as the evidence's subject, but no answer is looked for in it.
    """

    def __init__(self, text: str, context: str = "") -> None:
        self.tokens: list[PassageToken] = []
        self.sentences = units(text) or [text]
        clause = 0
        for number, sentence in enumerate(self.sentences):
            clause += 1
            spans = marker_spans(sentence)
            for match in TOKEN.finditer(sentence):
                piece = match.group(0)
                if piece in (";", "\n"):
                    clause += 1
                    continue
                if piece in BREAK and piece != ":":
                    continue
                form = surface(piece)
                marker = any(a <= match.start() < b for a, b in spans)
                self.tokens.append(
                    PassageToken(form, fold_diacritics(form), number, clause, marker)
                )
        self.sentence_words: dict[int, set[str]] = {}
        self.by_sentence: dict[int, list[int]] = {}
        for i, token in enumerate(self.tokens):
            self.sentence_words.setdefault(token.sentence, set()).add(token.folded)
            self.by_sentence.setdefault(token.sentence, []).append(i)
        for number, indexes in self.by_sentence.items():
            self.sentence_words[number] |= compounds([self.tokens[i].folded for i in indexes])
        extra = [t for t in tokens(context) if t != "#"]
        folded_extra = [fold_diacritics(w) for w in extra]
        self.extra: set[str] = set(folded_extra) | compounds(folded_extra)

    def context(self, sentence: int) -> set[str]:
        """The words of a sentence and of the :data:`CONTEXT` sentences before it, and of
        what surrounds the passage.

        A list item or a table row carries its subject in the line that introduces it
        ("Điều 9. Bảo trì thiết bị" / "1. Thời hạn bảo trì: Sáu tháng một lần.").
        """
        words: set[str] = set(self.extra)
        for number in range(sentence - CONTEXT, sentence + 1):
            words |= self.sentence_words.get(number, set())
        return words

    def find(self, words: Sequence[str]) -> Iterable[tuple[int, int]]:
        """Where these words occur in a row, as (first, last) token indexes.

        Typed with marks they must match with marks; figures match by value.
        """
        n = len(words)
        for start in range(len(self.tokens) - n + 1):
            hit = all(same(w, self.tokens[start + k].surface) for k, w in enumerate(words))
            if hit and self.tokens[start + n - 1].sentence == self.tokens[start].sentence:
                yield start, start + n - 1

    def find_anchor(self, anchor: str) -> Iterable[tuple[int, int]]:
        """Where an anchor occurs; one of two syllables or more is compared folded, since
        OCR slips a mark ("Trụ sớ", "GIÁM ĐÓC") and folding merges no two roles or verbs."""
        parts = anchor.split()
        if len(parts) > 1:
            parts = fold_diacritics(anchor).split()
        for a, b in self.find(parts):
            if self._real_anchor(anchor, a, b):
                yield a, b

    def anchored(self, first: int, last: int, anchors: Sequence[str], *, lead: bool) -> bool:
        """An anchor sits within :data:`NEAR` words of tokens ``first..last``, in the same
        clause (a sentence up to ";"); with ``lead``, anywhere in that clause when the
        mention opens it ("Năm 2021, Công an … được tặng …")."""
        here = self.tokens[first]
        opens_clause = lead and all(
            t.folded in _WORDS.date_lead
            for t in self.tokens[:first]
            if t.clause == here.clause
        )
        for anchor in anchors:
            for a, b in self.find_anchor(anchor):
                if self.tokens[a].clause != here.clause:
                    continue
                if opens_clause or max(0, a - last, first - b) <= NEAR:
                    return True
        return False

    def _real_anchor(self, anchor: str, a: int, b: int) -> bool:
        prev = self.tokens[a - 1].folded if a > 0 else ""
        folded = fold_diacritics(anchor)
        # "Phó Tổng Giám đốc" is not the "Tổng Giám đốc" asked about
        if prev == "pho" and folded in ROLES and not folded.startswith("pho "):
            return False
        guard = _WORDS.not_anchors.get(folded)
        if guard is None:
            return True
        before, after = guard
        nxt = self.tokens[b + 1].folded if b + 1 < len(self.tokens) else ""
        return prev not in before and nxt not in after

    # a name or place on the line next to its role or label ------------------------------

    def _words_of(self, sentence: int) -> list[int]:
        return [i for i in self.by_sentence.get(sentence, []) if self.tokens[i].folded not in ":|"]

    def _roles_in(self, sentence: int, skip: range) -> bool:
        """Sentence ``sentence`` names a role outside tokens ``skip``."""
        words = [self.tokens[i].folded for i in self._words_of(sentence) if i not in skip]
        text = f" {' '.join(words)} "
        return any(f" {role} " in text for role in ROLES)

    def _label_line(self, sentence: int, a: int, b: int, *, person: bool) -> bool:
        """The anchor's line is a label: the anchor ends it, or it holds few other words; a
        role's line names no other role ("Kế toán trưởng  Tổng Giám đốc" labels two names)."""
        words = self._words_of(sentence)
        others = [i for i in words if not a <= i <= b and self.tokens[i].folded not in SIGN_FOR]
        after = [i for i in others if i > b]
        if after and len(others) > 4:
            return False
        return not (person and self._roles_in(sentence, range(a, b + 1)))

    def _only(self, sentence: int, first: int, last: int) -> bool:
        """The line holds nothing but the mention (with "Ông"/"Bà", OCR specks, or the
        name again without marks: "LÊ VĂN AN LE VAN AN")."""
        name = {self.tokens[i].folded for i in range(first, last + 1)}
        for i in self._words_of(sentence):
            token = self.tokens[i]
            if first <= i <= last or token.surface in HONORIFICS or token.folded in name:
                continue
            if len(token.folded) == 1 and not token.is_number:
                continue
            return False
        return True

    def _opens(self, sentence: int, first: int) -> bool:
        before = [i for i in self._words_of(sentence) if i < first]
        return all(self.tokens[i].surface in HONORIFICS or self.tokens[i].marker for i in before)

    def _clear_between(self, start: int, end: int, *, sign_for: bool) -> bool:
        """Nothing between a role's line and a signer's name belongs to someone else: no
        other name, and no other role unless the role line signs for one ("KT. BỘ TRƯỞNG"
        over "THỨ TRƯỞNG")."""
        for number in range(start + 1, end):
            if person_names(self.sentences[number]):
                return False
            if self._roles_in(number, range(0)) and not sign_for:
                return False
        return True

    def linked(
        self, first: int, last: int, anchors: Sequence[str], *, person: bool, name: bool
    ) -> int | None:
        """The sentence of an anchor whose line labels the mention at ``first..last`` on a
        neighbouring line, or ``None``.

        A management list or signature block writes the role and the name on lines of their
        own: "Tổng Giám đốc" over "Nguyễn Văn An", "Bà Trần Thị Bình" over "Kế toán trưởng",
        "KT. BỘ TRƯỞNG / THỨ TRƯỞNG / (signature) / Lê Văn Cường"; an address sits on the line
        after its label. ``name``: the mention is a person's name (only a name may sit below
        a signature's stamp and scrawl, :data:`SIGNATURE_GAP` lines down).
        """
        here = self.tokens[first].sentence
        only = self._only(here, first, last)
        for anchor in anchors:
            for a, b in self.find_anchor(anchor):
                there = self.tokens[a].sentence
                if there == here or not self._label_line(there, a, b, person=person):
                    continue
                gap = here - there
                if gap == 1 and (not person or only or (name and self._opens(here, first))):
                    return there
                if gap == -1 and person and name and only and self._opens(there, a):
                    return there
                sign_for = self.tokens[self._words_of(there)[0]].folded in SIGN_FOR
                if (
                    person
                    and name
                    and only
                    and 1 < gap <= SIGNATURE_GAP
                    and self._clear_between(there, here, sign_for=sign_for)
                ):
                    return there
        return None
