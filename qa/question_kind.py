"""What a question asks for, read once from its Vietnamese question words: :func:`classify`.

"Bao nhiêu xe cứu thương?" wants a figure that counts ambulances, "năm nào … thành lập?" a
year next to the founding, "quê ở đâu?" a place next to "quê". The question words, the
verbs an answer must sit next to, units and money words are data
(``hoidap/data/question_words.json``); this module reads a question with them. Everything
is compared folded, so questions typed without marks work the same; where folding merges
two words that matter ("mấy"/"máy", "đâu"/"đầu"), a word typed with marks is compared with
them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from hoidap.knowledge import names_lexicon, question_words
from qa.grounding import strip_citations
from qa.word_forms import same, tokens
from store.lexical import QUESTION_WORDS, fold_diacritics, has_diacritics

KINDS = ("quantity", "date", "person", "place", "thing", "reason", "other")
PERCENT = "%"
MONEY = "tiền"
DURATION = "thời gian"

_WORDS = question_words()
_NAMES = names_lexicon()
MONEY_WORDS = _WORDS.magnitudes | _WORDS.currencies
# "số" opens what is counted ("Số người …"), except in "trụ sở", "số hóa": (before, after)
_NOT_NUMBER_OF = _WORDS.number_of_not


@dataclass(frozen=True)
class AnswerType:
    """What an answer to one question must contain.

    Attributes:
        kind: one of :data:`KINDS`.
        focus: the question's content syllables, folded, without its question words: what
            the answer's sentence must be about.
        unit: for a quantity, what is counted as typed ("xe cứu thương"), or :data:`PERCENT`,
            :data:`MONEY`, :data:`DURATION`; ``None`` when any figure may answer.
        anchors: for a date, place or person, the verbs or roles it must sit next to in the
            passage ("thành lập", "quê", "giám đốc"); for a thing, the word pairs of the
            noun phrase it must be, one of which its sentence holds ("huân chương" in
            "huân chương gì"); as typed.
        entity: for "công ty nào", "ngân hàng nào": the body whose name is asked.
        named_subject: the name the question gives its subject ("… của ABC?"),
            folded: the body asked is another one.
    """

    kind: str
    focus: tuple[str, ...] = ()
    unit: str | None = None
    anchors: tuple[str, ...] = ()
    # for "công ty nào", "cơ quan nào": the kind of body asked for, as typed; its name must
    # be in the answer ("Công ty TNHH Kiểm toán Hòa Bình"), and when the question names its
    # own subject ("… của ABC?"), not that one nor the report's own (its title)
    entity: str | None = None
    named_subject: tuple[str, ...] = ()


def _match_at(words: list[str], i: int, phrase: str) -> bool:
    parts = phrase.split()
    if i + len(parts) > len(words):
        return False
    if not all(same(words[i + k], w) for k, w in enumerate(parts)):
        return False
    if phrase == "mấy" and words[i] == "may":  # typed without marks: "máy" or "mấy"?
        before = fold_diacritics(words[i - 1]) if i > 0 else ""
        after = fold_diacritics(words[i + 1]) if i + 1 < len(words) else ""
        machine = after in _WORDS.may_nouns or before in _WORDS.may_before
        return not (machine or before[:1].isdigit())
    if phrase == "đâu" and words[i] == "dau":  # "đầu" (head, first) folds the same way
        before = fold_diacritics(words[i - 1]) if i > 0 else ""
        return before in _WORDS.dau_before or i + 1 == len(words) or words[i + 1] == "#"
    return True


def _find_phrase(words: list[str]) -> tuple[str, str, int] | None:
    """The first kind whose question phrase occurs: (kind, phrase, index)."""
    for kind, phrases in _WORDS.phrases:
        for phrase in phrases:
            for i in range(len(words)):
                if _match_at(words, i, phrase):
                    return kind, phrase, i
    return None


def question_word_flags(words: list[str]) -> list[bool]:
    """Which of ``words`` only shape the question (store.lexical.QUESTION_WORDS).

    Typed with marks, a word is one only in its question-word spelling ("mấy", not "máy");
    typed without, "may" is "mấy" unless a noun follows ("may bay" is "máy bay").
    """
    accented = any(has_diacritics(w) for w in words)
    flags = []
    for i, word in enumerate(words):
        folded = fold_diacritics(word)
        if word in ("#", "%"):
            flags.append(True)
        elif folded in _WORDS.polite:
            flags.append(word == _WORDS.polite[folded] if accented else True)
        elif folded not in QUESTION_WORDS:
            flags.append(False)
        elif accented and folded in _WORDS.question_forms:
            flags.append(word in _WORDS.question_forms[folded])
        elif folded == "may":
            flags.append(_match_at(words, i, "mấy"))
        elif folded == "the":  # "như thế", "thế nào" shape; "tập the" (tập thể) is a subject
            before = fold_diacritics(words[i - 1]) if i > 0 else ""
            after = fold_diacritics(words[i + 1]) if i + 1 < len(words) else ""
            flags.append(before in ("nhu", "vi", "") or after in ("nao", "la"))
        else:
            flags.append(True)
    return flags


def _content(words: list[str], skip: set[int], flags: list[bool]) -> list[int]:
    return [i for i in range(len(words)) if i not in skip and not flags[i]]


def _unit_after(words: list[str], start: int, flags: list[bool]) -> list[str]:
    """Up to three syllables from ``start`` that name what is counted."""
    if (
        start + 1 < len(words)
        and fold_diacritics(words[start]) in _WORDS.classifiers
        and not flags[start + 1]
    ):
        start += 1  # "bao nhiêu chiếc xe": the passage may write "5 xe"
    unit: list[str] = []
    for i in range(start, min(start + 3, len(words))):
        if flags[i] or words[i][0].isdigit():
            break
        unit.append(words[i])
    return unit


def _quantity_unit(words: list[str], phrase: str, end: int, flags: list[bool]) -> str | None:
    folded = [fold_diacritics(w) for w in words]
    text = " " + " ".join(folded) + " "
    if phrase == "bao lâu":
        return DURATION
    after = words[end : end + 2]
    if after[:1] == ["%"] or [fold_diacritics(w) for w in after] == ["phan", "tram"]:
        return PERCENT
    unit = _unit_after(words, end, flags) if phrase in ("bao nhiêu", "mấy") else []
    if not unit:  # "Số lượng xe cứu thương là bao nhiêu?", "Số cán bộ … là bao nhiêu?"
        for i, w in enumerate(folded):
            if w == "so" and (words[i] == "số" or not has_diacritics(words[i])):
                if i > 0 and folded[i - 1] in _NOT_NUMBER_OF[0]:  # trụ sở, cơ sở, ký số
                    continue
                if set(folded[i + 1 : i + 2]) & _NOT_NUMBER_OF[1]:  # "số hóa" counts nothing
                    continue
                start = i + 2 if set(folded[i + 1 : i + 2]) & _WORDS.number_of_amount else i + 1
                unit = _unit_after(words, start, flags)
                if unit:
                    break
    if unit and fold_diacritics(unit[0]) in _WORDS.magnitudes and len(unit) > 1:
        unit = unit[1:]  # "bao nhiêu triệu chai nước" counts bottles, in millions
    if unit and fold_diacritics(unit[0]) in MONEY_WORDS:
        return MONEY
    if unit:
        return " ".join(unit)
    if any(f" {w} " in text for w in _WORDS.percent_words):
        return PERCENT
    if any(_match_at(words, i, t) for t in _WORDS.money_topics for i in range(len(words))):
        return MONEY
    if words and any(_match_at(words, 0, w) for w in _WORDS.money_opening):
        return MONEY
    return None


def _head(words: list[str], phrase_at: int, content: list[int]) -> tuple[str, ...]:
    """What a "… gì" question asks for: the noun phrase between its verb and "gì", as word
    pairs ("tặng huân chương gì" → "huân chương"; "nhãn hiệu xe gì" → "nhãn hiệu",
    "hiệu xe"), one of which the answer's sentence must hold: a sentence about a medal
    does not say what certificate was given.

    Only for "gì" and a phrase of two syllables or more: "triều đại nào" is answered by
    "nhà Nguyễn", which picks one without naming the kind, and "nghề gì", "màu gì" are
    answered the same way.
    """
    if not _match_at(words, phrase_at, "gì"):
        return ()
    run: list[str] = []
    for i in range(phrase_at - 1, max(phrase_at - 4, -1), -1):
        if i not in content or words[i][0].isdigit() or _ends_noun_phrase(words, i):
            break
        run.insert(0, words[i])
    return tuple(f"{a} {b}" for a, b in pairwise(run))


def _ends_noun_phrase(words: list[str], i: int) -> bool:
    """Word ``i`` is a verb or preposition before the asked noun ("tặng | huân chương gì")."""
    folded = fold_diacritics(words[i])
    if folded == "bang":  # "bằng khen" is a noun, "bằng tàu hỏa" a preposition
        after = fold_diacritics(words[i + 1]) if i + 1 < len(words) else ""
        return after not in _WORDS.bang_nouns
    return folded in _WORDS.verbs


def _with_prefix(words: list[str], anchor: str) -> str:
    """A role with the words that make it another one: "Tổng Giám đốc" is not "Giám đốc"."""
    size = len(anchor.split())
    for i in range(len(words) - size + 1):
        if " ".join(words[i : i + size]) != anchor:
            continue
        start = i
        while start > 0 and _is_role_prefix(words[start - 1]):
            start -= 1
        if start < i:
            return " ".join(words[start : i + size])
    return anchor


def _is_role_prefix(word: str) -> bool:
    if has_diacritics(word):
        return word in _NAMES.role_prefixes
    return word in _NAMES.folded_role_prefixes


def _role_phrase(words: list[str], phrase_at: int, content: list[int]) -> str | None:
    """The role of "Ai là người phụ trách kỹ thuật của X?" / "Người đại diện của X là ai?":
    its content words between "là" and "của" (or from the start up to "của"/"là")."""
    folded = [fold_diacritics(w) for w in words]
    if phrase_at == 0 and folded[1:2] == ["la"]:
        span = range(2, len(words))
    elif phrase_at > 0 and folded[phrase_at - 1] == "la":
        span = range(0, phrase_at - 1)
    else:
        return None
    role: list[str] = []
    for i in span:
        if (folded[i] == "#" or folded[i] in _WORDS.role_ends) and role:
            break
        if i in content:
            role.append(words[i])
    return " ".join(role[:5]) if role else None


def _entity(words: list[str], phrase: str, at: int) -> str | None:
    """The body a "… nào" question asks to name ("công ty nào" → "công ty")."""
    if phrase != "nào":
        return None
    for size in (3, 2, 1):
        if at - size < 0:
            continue
        noun = " ".join(fold_diacritics(w) for w in words[at - size : at])
        if noun in _WORDS.bodies:
            return " ".join(words[at - size : at])
    return None


def _named_subject(question: str) -> tuple[str, ...]:
    """The name the question gives whose the thing asked is ("… của ABC", "… của công
    ty Sao Mai"), folded, or nothing; typed without capitals, the words after "của"."""
    text = strip_citations(question)
    generic = _NAMES.legal_forms | _NAMES.body_words
    words = re.findall(r"[^\W\d_]+", text)
    found: list[str] = []
    for i, word in enumerate(words):
        if fold_diacritics(word) != "cua" or word not in ("của", "cua"):
            continue
        after = words[i + 1 : i + 11]
        if text == text.lower():
            found += [fold_diacritics(w) for w in after]
            continue
        capital = next((k for k, w in enumerate(after[:3]) if w[0].isupper()), None)
        if capital is None:
            continue
        for w in after[capital:]:
            folded = fold_diacritics(w)
            if not (w[0].isupper() or folded in generic):
                break
            found.append(folded)
    return tuple(w for w in dict.fromkeys(found) if w not in generic)


def _anchors(kind: str, words: list[str], phrase_at: int, content: list[int]) -> tuple[str, ...]:
    """The verbs or roles of the question that its answer must sit next to."""
    known: list[str] = []
    for anchor in _WORDS.anchors.get(kind, ()):
        size = len(anchor.split())
        for i in range(len(words)):
            if _match_at(words, i, anchor):
                known.append(" ".join(words[i : i + size]))  # as typed: marks or none
    # "phó giám đốc" holds "giám đốc", "hy sinh" holds "sinh": keep the longest
    known = [a for a in known if not any(a != b and f" {a} " in f" {b} " for b in known)]
    if known:
        if kind == "person":
            known = [_with_prefix(words, a) for a in known]
        return tuple(dict.fromkeys(known))
    if kind == "person":
        role = _role_phrase(words, phrase_at, content)
        if role:
            return (role,)
    if kind == "thing":
        return _head(words, phrase_at, content)
    if kind not in _WORDS.anchors:
        return ()
    before = [i for i in content if i < phrase_at]
    pick = before[-1] if before else (content[-1] if content else None)
    if pick is None or words[pick][0].isdigit():
        return ()
    return (words[pick],)


def classify(question: str) -> AnswerType:
    """Read what ``question`` asks for from its question words, with or without diacritics."""
    words = tokens(question)
    found = _find_phrase(words)
    if found is None:
        kind, phrase, at, skip = "other", "", len(words), set()
    else:
        kind, phrase, at = found
        skip = set(range(at, at + len(phrase.split())))
    flags = question_word_flags(words)
    content = _content(words, skip, flags)
    focus = tuple(dict.fromkeys(fold_diacritics(words[i]) for i in content))
    end = at + len(phrase.split())
    unit = _quantity_unit(words, phrase, end, flags) if kind == "quantity" else None
    anchors = _anchors(kind, words, at, content)
    entity = _entity(words, phrase, at) if kind == "thing" else None
    subject = _named_subject(question) if entity else ()
    return AnswerType(kind, focus, unit, anchors, entity, subject)
