"""Whether an answer is of the kind its question asks for, with its evidence in the passage.

A sentence that shares the question's subject but holds no such thing does not answer,
however many words it shares: quoting it (or letting a model rephrase it) is how a report QA
system says something false with a citation. So both answerers, the extractive one and the
model's checks, ask :func:`check`: a figure must count the unit asked for, a year sit next
to the asked verb, a name next to the asked role, in a sentence about the question's focus.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hoidap.knowledge import names_lexicon, question_words
from qa.grounding import figure_values, figures, fold, strip_citations
from qa.names import (
    LEGAL_FORMS,
    NOT_IN_NAMES,
    ROLES,
    SIGN_FOR_MARK,
    SIGN_FOR_WORDS,
    bodies,
    expand_sign_for,
    names,
    person_names,
    titles,
)
from qa.passage_text import PassageText
from qa.question_kind import DURATION, MONEY, MONEY_WORDS, PERCENT, AnswerType, question_word_flags
from qa.sentence_units import alternatives
from qa.word_forms import held, tokens
from store.lexical import fold_diacritics

_WORDS = question_words()
# Share of the question's focus words the evidence sentence must hold: the subject has to be
# there, not just one of its words. Unweighted, so a little above the extractive answerer's
# IDF-weighted threshold (0.45).
FOCUS_SHARE = 0.5
# What may sit between a label and its figure: a cell separator, a colon, "là", "gồm" …
_LABEL_GAP = frozenset({"|", ":"}) | _WORDS.label_gap
# What people do, among the person anchors (the rest are roles).
_PERSON_VERBS = (
    frozenset(
        fold_diacritics(a) for a in _WORDS.anchors["person"] if fold_diacritics(a) not in ROLES
    )
    - names_lexicon().not_person_verbs
)
# Dates and times as folded text writes them; the time words ("hằng năm", "năm ngoái") are data.
_DATE_PATTERNS = (
    re.compile(r"(?<![\d.,/])\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?(?![\d/]|[.,]\d)"),
    re.compile(r"(?<![\d.,])\d{1,2}\.\d{1,2}\.\d{4}(?!\d)"),
    re.compile(r"\bngay \d{1,2}(?: thang \d{1,2})?(?: nam \d{4})?(?!\d|[.,/]\d)"),
    re.compile(r"\bthang \d{1,2}(?:(?: nam |/)\d{4})?(?!\d|[.,/]\d)"),
    re.compile(r"\bquy (?:iv|i{1,3}|[1-4])\b"),
    re.compile(r"(?<![\d.,])(?:19\d{2}|20\d{2}|2100)(?![\d]|[.,]\d)"),
    re.compile(r"(?<![\d.,])\d{1,2} ?(?:gio|h)(?: ?\d{1,2})?\b"),
    re.compile(r"\b(?:" + alternatives(_WORDS.time_words) + r")\b"),
)
# A house number before a street noun ("12 đường …", "số nhà 5/3 hẻm …"), folded.
_ADDRESS = re.compile(
    r"(?:\bso (?:nha )?)?(?<![\d.,])\d+[a-z]?(?:/\d+)* (?:"
    + alternatives(names_lexicon().address_nouns)
    + r")\b"
)


def _covers(kind: AnswerType, words: set[str], given: Iterable[str] = ()) -> bool:
    """The evidence holds enough of the question's focus (``given`` counts as held)."""
    if not kind.focus:
        return True
    got = held(kind.focus, words | set(given))
    return len(got) / len(kind.focus) >= FOCUS_SHARE


def _about(kind: AnswerType) -> str:
    return " ".join(kind.focus[:8])


def _not_about(kind: AnswerType) -> str:
    return f"câu không nói về '{_about(kind)}' (the sentence is not about '{_about(kind)}')"


def _unit_follows(doc: PassageText, i: int, unit: str) -> bool:
    """Figure token ``i`` counts ``unit``: the unit follows within three words, or precedes it
    as a label ("Xe cứu thương: 5", a table row "Xe cứu thương | 5 | 7")."""
    tokens = doc.tokens
    here = tokens[i]
    after = [t for t in tokens[i + 1 : i + 6] if t.clause == here.clause]
    folded_after = [t.folded for t in after]
    if unit == PERCENT:
        return folded_after[:1] == ["%"] or folded_after[:2] == ["phan", "tram"]
    if unit == MONEY:
        if folded_after[:1] and folded_after[0] in MONEY_WORDS:  # not "40 hợp đồng"
            return True
        # a statement's figures carry no currency: its header says "Đơn vị tính: VND", and
        # the header is often not in the chunk; a row's label is checked as the focus
        if any(t.folded == "|" for t in tokens if t.sentence == here.sentence):
            return True
        return not after and any(t.folded in _WORDS.currencies for t in tokens)
    if unit == DURATION:
        return any(w in _WORDS.time_units for w in folded_after[:2])
    parts = [fold_diacritics(w) for w in unit.split()]
    for offset in range(min(3, len(folded_after))):
        run = folded_after[offset : offset + len(parts)]
        if run == parts:
            return True
        # "bao nhiêu cán bộ tham gia" against "1.700 cán bộ, chiến sĩ tham gia": the noun,
        # then the question's next words shortly after it ("12 xe cứu hỏa" is no "xe cứu thương")
        head = min(len(parts), 2)
        rest = folded_after[offset + head : offset + head + 4]
        if run[:head] == parts[:head] and all(p in rest for p in parts[head:]):
            return True
    for a, b in doc.find(parts):  # a label before the figure, in the same row or clause
        between = tokens[b + 1 : i]
        if (
            b < i
            and tokens[a].clause == here.clause
            and len(between) <= 6
            and all(t.is_number or t.folded in _LABEL_GAP for t in between)
        ):
            return True
    return False


def _check_quantity(kind: AnswerType, text: str, doc: PassageText) -> str | None:
    asked = {v for w in kind.focus if w[0].isdigit() for v in figure_values(w)}
    wanted: set[str] = set()
    for figure in figures(text):
        values = figure_values(figure)
        if values and not values & asked:
            wanted |= values
    # "hai bộ", "ba năm": written out, a number is one only with the unit asked right after
    spelled = {w for w in tokens(text) if w in _WORDS.number_words} if kind.unit else set()
    unit_words = [fold_diacritics(w) for w in (kind.unit or "").split()]
    if kind.unit == PERCENT:
        unit_words = ["phan", "tram"]
    what = f"về '{kind.unit}' (no figure counting '{kind.unit}')" if kind.unit else "(no figure)"
    if not wanted and not spelled:
        return f"không có con số nào {what}"
    counted = False
    for i, token in enumerate(doc.tokens):
        said = token.surface in spelled or (
            token.is_number and bool(figure_values(token.folded) & wanted)
        )
        if not said or token.marker:  # "1. Hồ sơ …", "c)", "Điều 14" number, not count
            continue
        if kind.unit is None and i > 0 and doc.tokens[i - 1].folded in _WORDS.not_count_before:
            continue
        if kind.unit is not None and not _unit_follows(doc, i, kind.unit):
            continue
        counted = True
        if _covers(kind, doc.context(token.sentence), unit_words):
            return None
    if not counted:
        return f"không có con số nào {what}"
    return _not_about(kind)


def _date_mentions(text: str, kind: AnswerType) -> list[list[str]]:
    """The years, dates and time expressions of ``text``, as token runs, except those the
    question itself holds ("Năm 2021, … khi nào?" is not answered by "năm 2021")."""
    folded = fold(text)
    found: list[list[str]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            run = [w for w in tokens(match.group(0)) if w != "#"]
            if run and run not in found and not all(w in kind.focus for w in run):
                found.append(run)
    return found


def _check_located(
    kind: AnswerType,
    doc: PassageText,
    mentions: list[list[str]],
    *,
    lead: bool,
    none: str,
    unanchored: str,
    link: str | None = None,
    names: set[tuple[str, ...]] | None = None,
) -> str | None:
    """Pass when a mention occurs in the passage next to an anchor, in a sentence about the
    focus; else the most telling reason.

    ``link`` ("person", "place"): the mention may also sit on the line next to the anchor's
    (:meth:`PassageText.linked`); then both lines are its evidence. ``names``: the mentions that
    are people's names, which alone may sit further below a signature's role.
    """
    if not mentions:
        return none
    located = anchored = False
    for run in mentions:
        for first, last in doc.find(run):
            located = True
            evidence = {doc.tokens[first].sentence}
            if kind.anchors and not doc.anchored(first, last, kind.anchors, lead=lead):
                if link is None:
                    continue
                there = doc.linked(
                    first,
                    last,
                    kind.anchors,
                    person=link == "person",
                    name=tuple(run) in (names or set()),
                )
                if there is None:
                    continue
                evidence.add(there)
            anchored = True
            words = set().union(*(doc.context(n) for n in evidence))
            if _covers(kind, words):
                return None
    if not located:
        return none
    if not anchored:
        return unanchored
    return _not_about(kind)


def _check_person(kind: AnswerType, text: str, doc: PassageText) -> str | None:
    people = person_names(text)
    mentions = names(text, kind, min_words=2, person=True)
    # a title answers who did something ("Chủ tịch nước tặng …"), not who holds a role:
    # "Kế toán trưởng | Tổng Giám đốc" names no one
    if not any(fold_diacritics(a) not in _PERSON_VERBS for a in kind.anchors):
        mentions += titles(text, kind)
    else:  # nor is a run of capitals holding a role ("Tổng Giám đốc", "Ban Kiểm soát")
        mentions = [run for run in mentions if not any(w in NOT_IN_NAMES for w in run)]
    anchor = ", ".join(kind.anchors)
    return _check_located(
        kind,
        doc,
        mentions,
        lead=False,
        none="không có tên người nào (no person's name)",
        unanchored=f"không có tên nào gắn với '{anchor}' (no name next to '{anchor}')",
        link="person",
        names={tuple(run) for run in people},
    )


def _check_place(kind: AnswerType, text: str, doc: PassageText) -> str | None:
    # "Công ty", "Ban", "Sở" capitalized name a body, not where it is
    mentions = [
        run for run in names(text, kind, min_words=1) if not all(w in NOT_IN_NAMES for w in run)
    ]
    for match in _ADDRESS.finditer(fold(text)):
        mentions.append([w for w in tokens(match.group(0)) if w != "#"])
    anchor = ", ".join(kind.anchors)
    return _check_located(
        kind,
        doc,
        mentions,
        lead=False,
        none="không có địa danh hay địa chỉ nào (no place or address)",
        unanchored=f"không có địa danh nào gắn với '{anchor}' (no place next to '{anchor}')",
        link="place",
    )


def _check_date(kind: AnswerType, text: str, doc: PassageText) -> str | None:
    anchor = ", ".join(kind.anchors)
    return _check_located(
        kind,
        doc,
        _date_mentions(text, kind),
        lead=True,
        none="không có năm, ngày hay thời gian nào (no year, date or time)",
        unanchored=f"không có năm hay ngày nào gắn với '{anchor}' (no date next to '{anchor}')",
    )


def _check_entity(kind: AnswerType, text: str, doc: PassageText, subject: str) -> str | None:
    """A "công ty nào" answer names a body the question does not (nor, when the question
    names its own subject, the report's own, from its title), in or next to a sentence
    about the focus."""
    own = {fold_diacritics(w) for w in tokens(subject)} if kind.named_subject else set()
    entity = kind.entity or ""
    named = []
    for run, heads in bodies(text, entity):
        distinct = [fold_diacritics(w) for w in run[len(entity.split()) :]]
        distinct = [w for w in distinct if w not in LEGAL_FORMS]
        if any(w in kind.named_subject for w in distinct):
            continue  # "Công ty Cổ phần … ABC" is the question's own subject
        if distinct and not all(w in kind.focus or w in own for w in distinct):
            named.append((run, heads))
    if not named:
        return f"không có tên {entity} nào (no {fold_diacritics(entity)} named)"
    for run, heads in named:
        for first, _ in doc.find(run):
            here = doc.tokens[first].sentence
            # its own sentence, not the ones before: a company named after a sentence about
            # the review did not review, unless it heads the page or signs
            words = doc.sentence_words[here] | doc.extra
            if _covers(kind, words):
                return None
            if not heads:
                continue
            for there in (here - 1, here + 1):  # what the letterhead's report or signature is
                if there in doc.sentence_words and _covers(kind, words | doc.sentence_words[there]):
                    return None
    return _not_about(kind)


def _check_any(kind: AnswerType, text: str, doc: PassageText, subject: str = "") -> str | None:
    """Something beyond the question's own words, from a passage sentence about the focus."""
    if kind.entity:
        return _check_entity(kind, text, doc, subject)
    words = tokens(text)
    flags = question_word_flags(words)
    new = {
        fold_diacritics(w)
        for w, shapes in zip(words, flags, strict=True)
        if not shapes and fold_diacritics(w) not in kind.focus
    }
    if not new:
        return "câu trả lời chỉ nhắc lại câu hỏi (the answer only repeats the question)"
    # the kind of thing asked for ("huân chương" in "huân chương gì") must be named there
    named = {doc.tokens[i].sentence for h in kind.anchors for i, _ in doc.find(h.split())}
    about = False
    for number, said in doc.sentence_words.items():
        if said & new and _covers(kind, doc.context(number)):
            about = True
            if not kind.anchors or number in named:
                return None
    if about:
        head = ", ".join(kind.anchors)
        return f"không câu nào nói về '{head}' (nothing about '{head}')"
    return _not_about(kind)


def check(
    kind: AnswerType, answer: str, passage: str, *, context: str = "", subject: str = ""
) -> str | None:
    """Whether ``answer`` holds an answer of ``kind`` whose evidence is in ``passage``.

    Args:
        kind: what the question asks for (:func:`classify`).
        answer: a quoted sentence (or table row), or a model's answer; citations are ignored.
        passage: where the evidence must be: the quoted sentence itself, or the passages a
            model answer cites. The model's own wording proves nothing: a figure must count
            the unit asked for *in the passage*, a year must sit next to the asked verb there.
        context: what surrounds the passage (the list headings above it, the report's
            title): its words count toward the question's subject, no answer is taken
            from it.
        subject: the report's title, whose own company does not answer "công ty nào …
            của ABC?".

    Returns:
        ``None`` when it does; else a short reason, Vietnamese first with English in
        parentheses, for ``Answer.note``.
    """
    text = strip_citations(answer)
    signs = " ".join(SIGN_FOR_WORDS[m.lower()] for m in SIGN_FOR_MARK.findall(passage))
    doc = PassageText(passage, f"{expand_sign_for(context)} \n{signs}")
    if kind.kind == "quantity":
        return _check_quantity(kind, text, doc)
    if kind.kind == "date":
        return _check_date(kind, text, doc)
    if kind.kind == "person":
        return _check_person(kind, text, doc)
    if kind.kind == "place":
        return _check_place(kind, text, doc)
    return _check_any(kind, text, doc, subject)
