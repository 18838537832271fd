"""Checks that an answer is supported by the passages it cites: figures, names, citations.

A model can write a fluent sentence with a figure it made up, a name it half remembers or a
citation of a passage that does not exist. None of that can be seen in the text alone, so
every figure and proper name of an answer is looked up in the passages it cites (names may
also come from the question). These checks know nothing about what was asked; whether a
grounded answer is of the kind the question wants is :mod:`qa.answer_types`'s job.

They are here, not in :mod:`qa.llm_answer`, because the extractive answerer, the type
checks and the benchmarks use them without any model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from hoidap.vietnamese import fold, fold_diacritics, has_diacritics
from qa.reasons import Reason, message
from qa.types import Source

# What a model writes when the passages do not answer (compared without diacritics).
_ABSTAIN_PHRASES = tuple(
    fold_diacritics(p)
    for p in (
        "không có thông tin",
        "không tìm thấy",
        "không đề cập",
        "không được đề cập",
        "không nêu",
        "không được nêu",
        "không chứa",
        "không có dữ liệu",
        "không có câu trả lời",
        "không cung cấp",
        "không có trong",
        "does not contain",
        "no information",
        "not mentioned",
    )
)
_CITATION = re.compile(r"\[(\d+(?:\s*[,;-]\s*\d+)*)\]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]\w*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class Grounding:
    """The verdict on a model answer: which passages it cites and what they do not support."""

    cited: list[int]
    unsupported_figures: list[str] = field(default_factory=list)
    unsupported_names: list[str] = field(default_factory=list)
    bad_citations: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.unsupported_figures or self.unsupported_names or self.bad_citations)

    def describe(self) -> str:
        """What was wrong, for ``Answer.note`` (Vietnamese first, as the page is)."""
        parts = []
        if self.unsupported_figures:
            parts.append("số liệu " + ", ".join(self.unsupported_figures))
        if self.unsupported_names:
            parts.append("tên " + ", ".join(self.unsupported_names))
        if self.bad_citations:
            parts.append("trích dẫn " + ", ".join(f"[{n}]" for n in self.bad_citations))
        return "; ".join(parts)


def citations(text: str) -> list[int]:
    """The passage numbers cited as [n], [n, m] or [n-m], in order of first use."""
    found: list[int] = []
    for group in _CITATION.findall(text):
        numbers = [int(n) for n in re.findall(r"\d+", group)]
        if "-" in group and len(numbers) == 2 and 0 < numbers[1] - numbers[0] < 10:
            numbers = list(range(numbers[0], numbers[1] + 1))
        found.extend(n for n in numbers if n not in found)
    return found


def strip_citations(text: str) -> str:
    return _CITATION.sub("", text)


def _grouping_value(token: str, thousands: str, decimal: str) -> str | None:
    """``token`` read with these separators, or ``None`` when it cannot be written so."""
    whole, _, fraction = token.partition(decimal)
    if thousands in fraction or decimal in fraction:
        return None
    groups = whole.split(thousands)
    if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
        return None
    value = Decimal("".join(groups) + ("." + fraction if fraction else ""))
    return format(value.normalize(), "f")


def figure_values(token: str) -> set[str]:
    """Every value a written figure can mean: "1.700" is 1700 (Vietnamese) or 1.7 (English).

    So "1.700", "1,700" and "1700" match each other, "32,2" matches "32.2", and "3,22"
    (which no convention reads as 32.2 or 322) matches neither.
    """
    values = {
        _grouping_value(token, thousands, decimal)
        for thousands, decimal in ((".", ","), (",", "."))
    }
    values.discard(None)
    return values  # type: ignore[return-value]


def figures(text: str) -> list[str]:
    """Numbers, percentages, years and date parts written in digits (citations excluded)."""
    return [m.group(0) for m in NUMBER.finditer(strip_citations(text))]


def proper_names(text: str) -> list[str]:
    """Runs of capitalized words (names, places, units, acronyms such as "TP Cần Thơ").

    A capital that only starts a sentence says nothing, so a sentence's first word is
    dropped from its run; what is left of the run must still be checked.
    """
    names: list[str] = []
    clean = strip_citations(text)
    run: list[str] = []
    run_starts_sentence = False
    previous_end = 0

    def close() -> None:
        words = run[1:] if run_starts_sentence else run
        if words:
            name = " ".join(words)
            if name not in names:
                names.append(name)

    for match in _WORD.finditer(clean):
        word = match.group(0)
        gap = clean[previous_end : match.start()]
        at_sentence_start = previous_end == 0 or bool(_SENTENCE_END.search(clean[:match.start()]))
        capitalized = word[0].isupper()
        joined = bool(run) and gap.strip() in ("", ".")  # "TP. Cần Thơ" stays one run
        if capitalized and joined and not at_sentence_start:
            run.append(word)
        else:
            close()
            run = [word] if capitalized else []
            run_starts_sentence = capitalized and at_sentence_start
        previous_end = match.end()
    close()
    return names


def check_grounding(text: str, sources: list[Source], question: str = "") -> Grounding:
    """Check a model answer against the passages it cites.

    Figures (any number written in digits: amounts, percentages, dates, years) must appear
    in a cited passage; proper names must appear in a cited passage or the question. An
    answer that cites nothing is checked against every passage. A citation of a passage
    that does not exist is itself a failure.

    Args:
        text: the model's answer, with its [n] citations.
        sources: the numbered passages the model was shown (1-based).
        question: the question, whose names the answer may repeat.
    """
    cited = citations(text)
    bad = [n for n in cited if not 1 <= n <= len(sources)]
    good = [n for n in cited if 1 <= n <= len(sources)]
    shown = [sources[n - 1].text for n in good] if cited else [s.text for s in sources]
    passage_figures = {
        value for passage in shown for f in NUMBER.findall(passage) for value in figure_values(f)
    }
    unsupported_figures = [
        f for f in dict.fromkeys(figures(text)) if not figure_values(f) & passage_figures
    ]
    haystack = " " + fold(" ".join([*shown, question])) + " "
    unsupported_names = [
        name
        for name in proper_names(text)
        if not re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", haystack)
    ]
    return Grounding(good, unsupported_figures, unsupported_names, bad)


_LEADING_QUESTION = re.compile(r"^[^.!?\n]*\?\s*")


def drop_echoed_question(text: str) -> str:
    """The answer without a question the model wrote before it.

    Small models often restate the question ("Có bao nhiêu cán bộ? Có 1.700 cán bộ [1].");
    the user asked it already, and it is not part of the answer.
    """
    rest = _LEADING_QUESTION.sub("", text, count=1)
    return rest if _WORD.search(strip_citations(rest)) else text


# "32,2% phần trăm", "32,2 phần trăm %": the sign and the words say the same thing
_PERCENT_TWICE = re.compile(r"(\d)\s*(?:%\s*ph[ầa]n\s+tr[ăa]m|ph[ầa]n\s+tr[ăa]m\s*%)(?!\w)", re.I)
# "120 tấn tấn gạo": a word written twice right after a figure
_UNIT_TWICE = re.compile(r"(\d(?:[\d.,]*\d)?\s*)([^\W\d_]+)(\s+\2)+(?!\w)", re.I)


def drop_repeated_unit(text: str) -> str:
    """The answer with a unit the model wrote twice after a figure written once.

    A small model that copies "32,2%" and then says what it is gets "32,2% phần trăm",
    which no report writes and which reads as a slip.
    """
    text = _PERCENT_TWICE.sub(r"\1%", text)
    return _UNIT_TWICE.sub(r"\1\2", text)


def is_abstention(text: str) -> bool:
    """True when the model says the passages do not answer, without citing any passage."""
    folded = fold(text)
    return not citations(text) and any(phrase in folded for phrase in _ABSTAIN_PHRASES)


def garbage(text: str) -> Reason | None:
    """Why ``text`` is not a usable Vietnamese answer (or ``None`` when it is)."""
    words = _WORD.findall(strip_citations(text))
    if not words and not figures(text):
        return Reason.EMPTY_ANSWER
    if _CJK.search(text):
        return Reason.NOT_VIETNAMESE
    if len(words) > 4 and not has_diacritics(text):
        return Reason.NOT_VIETNAMESE
    return None


def garbage_reason(text: str) -> str | None:
    """:func:`garbage`'s reason in the user's words (or ``None`` when ``text`` will do)."""
    reason = garbage(text)
    return message(reason) if reason is not None else None


def best_passage(text: str, sources: list[Source], question: str = "") -> int | None:
    """The passage an uncited answer comes from (1-based): the one holding most of its
    figures, then most of its words.

    Figures decide first because they are what a reader checks; figures the question itself
    holds ("Covid-19", "năm 2021") do not tell passages apart, so they are not counted.
    """
    if not sources:
        return None
    asked = {v for f in figures(question) for v in figure_values(f)}
    # one entry per figure: "1.700" may mean 1700 or 1.7, and counts once either way
    want_figures = [
        values for f in dict.fromkeys(figures(text)) if not (values := figure_values(f)) & asked
    ]
    want_words = set(fold(strip_citations(text)).split())

    def overlap(source: Source) -> tuple[int, int]:
        have = {v for f in NUMBER.findall(source.text) for v in figure_values(f)}
        held = sum(1 for values in want_figures if values & have)
        return held, len(want_words & set(fold(source.text).split()))

    scores = [overlap(s) for s in sources]
    return max(range(len(sources)), key=lambda i: scores[i]) + 1
