"""A question about financial statements, read once: what it asks, of which line, when.

Line names come from the templates and concepts of ``hoidap/data`` and from the lines the
library's own statements print; question words from ``report_words.json``. Words are
compared folded (no marks, lower case), so "tai san ngan han" and "tài sẳn ngắn hạn" are one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import lru_cache

from hoidap.knowledge import Ratio, concepts, phrases, ratios, statement_templates
from hoidap.vietnamese import dates_in, fold, folded_words, quarter_in, years_in

# words that say nothing about which line is meant
_FILLER = frozenset(
    [
        "la",
        "bao",
        "nhieu",
        "gi",
        "cua",
        "cong",
        "ty",
        "doanh",
        "nghiep",
        "ngan",
        "hang",
        "nay",
        "the",
        "nao",
        "tai",
        "ngay",
        "vao",
        "cho",
        "toi",
        "biet",
        "hay",
        "tinh",
        "so",
        "sanh",
        "voi",
        "phan",
        "tich",
        "nhan",
        "xet",
        "trong",
        "ky",
        "nam",
        "quy",
        "thang",
        "dau",
        "cuoi",
        "dong",
        "vnd",
        "ty",
        "trieu",
    ]
)
# the report card's fields, in the order a question is tested for them ("kiểm toán" before
# "công ty": "công ty kiểm toán nào" asks for the auditor)
_CARD_FIELDS = ("overview", "auditor", "ticker", "company", "period", "kind", "unit")
_GLUE = frozenset({"va", "cac", "khoan", "cua"})  # words a label may add or drop
MIN_COVER = 0.6  # share of a line name's words a question must hold to mean that line
CLOSE = 0.35  # lines scoring within this of the best are what the question may mean


@dataclass(frozen=True)
class Target:
    """One line a question may mean: by statement kind and key, or by concept."""

    kind: str  # a template statement's id
    key: str
    family: str  # the template family: corporate, bank, securities
    concept: str | None
    score: float
    words: int


@dataclass(frozen=True)
class PeriodAsk:
    role: str | None = None  # "end", "start", "prior" (None: the report's own period)
    months: int | None = None  # 3: a quarter; 12: a year; None: not said
    cumulative: bool = False
    quarter: int | None = None
    years: tuple[int, ...] = ()
    dates: tuple[str, ...] = ()


@dataclass(frozen=True)
class FinanceQuestion:
    text: str
    folded: str
    intent: str  # card, line, ratio, change, analysis, all_ratios, none
    card_field: str | None = None
    targets: tuple[Target, ...] = ()
    ratio: Ratio | None = None
    ratio_parts: tuple[tuple[Target, ...], tuple[Target, ...]] | None = None
    percent: bool = False
    period: PeriodAsk = field(default_factory=PeriodAsk)
    outside: bool = False  # asks what statements never hold (a share price, a plan)


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[tuple[str, ...], str, str, str | None, str], ...]:
    """(folded words, statement kind, key, concept, family) for every line name and alias."""
    found: list[tuple[tuple[str, ...], str, str, str | None, str]] = []
    known = concepts()
    for template in statement_templates():
        for line in template.lines:
            names = [line.label, *line.aliases]
            if line.concept and line.concept in known:
                names += [known[line.concept].name, *known[line.concept].aliases]
            for name in names:
                words = tuple(w for w in folded_words(re.sub(r"\([^)]*\)", " ", name)))
                if words:
                    found.append((words, template.id, line.key, line.concept, template.family))
    return tuple(found)


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words = {w for names, *_ in _names() for w in names}
    for key in _CARD_FIELDS:
        words.update(w for p in phrases(f"card.{key}") for w in p.split())
    for ratio in ratios():
        for alias in ratio.aliases:
            words.update(folded_words(alias))
    return frozenset(words)


def finance_words() -> frozenset[str]:
    """Every folded word of the statement and ratio vocabulary."""
    return _vocabulary()


def _corrected(words: list[str]) -> list[str]:
    """Typos of finance words put right: a letter slipped ("chí phí" folds right already;
    "thanh quản" → "thanh khoan" is left to the vocabulary), Telex tone keys left in
    ("laf" → "la")."""
    vocabulary = _vocabulary()
    fixed: list[str] = []
    for word in words:
        if word in vocabulary or word in _FILLER or word.isdigit() or len(word) < 4:
            fixed.append(word)
            continue
        stripped = re.sub(r"[sfrxj](?=[a-z]*$)", "", word, count=1)
        if stripped in vocabulary:
            fixed.append(stripped)
            continue
        close = get_close_matches(word, vocabulary, n=1, cutoff=0.8)
        fixed.append(close[0] if close else word)
    return fixed


def close_targets(targets: tuple[Target, ...], most: int) -> tuple[Target, ...]:
    """The ``most`` best targets scoring within :data:`CLOSE` of the best: the lines a
    question may mean."""
    if not targets:
        return ()
    best = targets[0].score
    return tuple(t for t in targets[:most] if t.score >= best - CLOSE)


def _run(content: list[str], words: list[str]) -> int:
    """The longest run of ``content`` words that stands in ``words`` in the same order."""
    best = 0
    for i in range(len(words)):
        for j in range(len(content)):
            n = 0
            while i + n < len(words) and j + n < len(content) and words[i + n] == content[j + n]:
                n += 1
            best = max(best, n)
    return best


def match_lines(words: list[str]) -> list[Target]:
    """Lines whose name the words hold, best first: most of the name's words held, longest.

    A name held only in part must have two of its words side by side in the question, so
    that words scattered over another phrase ("giấy chứng nhận … doanh nghiệp") name no line.
    """
    held = set(words)
    bare = [w for w in words if w not in _GLUE]
    best: dict[tuple[str, str, str], Target] = {}
    for names, kind, key, concept, family in _names():
        content = [w for w in names if w not in _GLUE]
        if not content:
            continue
        hit = sum(1 for w in content if w in held)
        cover = hit / len(content)
        if hit < min(2, len(content)) or cover < MIN_COVER:
            continue
        if not any(w not in _FILLER for w in content if w in held):
            continue
        if cover < 1 and (_run(content, bare) < 2 or content[0] not in held):
            continue  # a name held in part keeps its head word ("vốn" of "vốn cổ phần")
        phrase = " ".join(names)
        exact = f" {phrase} " in f" {' '.join(words)} "
        score = cover + (0.5 if exact else 0.0) + 0.02 * hit
        target = Target(kind, key, family, concept, score, hit)
        have = best.get((family, kind, key))
        if have is None or have.score < score:
            best[(family, kind, key)] = target
    return sorted(best.values(), key=lambda t: (-t.score, -t.words))


def _period(folded: str, text: str) -> PeriodAsk:
    def has(group: str) -> bool:
        return any(p in folded for p in phrases(f"question.{group}"))

    role = "start" if has("start") else "end" if has("end") else "prior" if has("prior") else None
    quarter = quarter_in(folded)
    months = 3 if quarter else 6 if has("half") else None
    cumulative = has("cumulative") or (months is None and bool(re.search(r"\bnam \d{4}\b", folded)))
    if cumulative and months is None:
        months = 12 if not has("half") else 6
    return PeriodAsk(
        role,
        months,
        cumulative,
        quarter,
        tuple(years_in(folded)),
        tuple(d.isoformat() for d in dates_in(text)),
    )


def _has(folded: str, group: str) -> bool:
    """Whether the question holds one of a word group's phrases, as whole words."""
    return any(_has_phrase(folded, p) for p in phrases(group))


def read_question(text: str) -> FinanceQuestion:
    folded = fold(text)
    words = _corrected(folded_words(text))
    folded = " ".join(words) if words else folded
    period = _period(folded, text)
    outside = any(
        _has(folded, f"intents.{group}") for group in ("not_in_statements", "narrative", "person")
    )
    for field_name in _CARD_FIELDS:
        if _has(folded, f"card.{field_name}"):
            targets = match_lines(words)
            if not targets or targets[0].score < 1.4:
                return FinanceQuestion(text, folded, "card", field_name, period=period)
    if _has(folded, "intents.all_ratios"):
        return FinanceQuestion(text, folded, "all_ratios", period=period)
    percent = _has(folded, "intents.percent")
    named = [
        (len(fold(alias)), ratio)
        for ratio in ratios()
        for alias in ratio.aliases
        if _has_phrase(folded, alias)
    ]
    if named:
        ratio = max(named, key=lambda pair: pair[0])[1]  # the longest name said: the most precise
        return FinanceQuestion(text, folded, "ratio", ratio=ratio, percent=percent, period=period)
    ratio_words = _has(folded, "intents.ratio_words") or _has(folded, "intents.share")
    # "tỷ lệ A trên B" (a ratio word needed: "so với" also compares periods), "A chiếm … B"
    for pattern, needs_word in ((r"\s(?:tren|so voi|chia cho|\/)\s", True), (r"\schiem\s", False)):
        split = re.split(pattern, folded, maxsplit=1)
        if len(split) != 2 or (needs_word and not ratio_words):
            continue
        top, bottom = match_lines(split[0].split()), match_lines(split[1].split())
        if top and bottom:
            parts = (tuple(top[:3]), tuple(bottom[:3]))
            return FinanceQuestion(
                text, folded, "ratio", ratio_parts=parts, percent=True, period=period
            )
    found = tuple(match_lines(words))
    if not found:
        return FinanceQuestion(text, folded, "none", period=period, outside=outside)
    if _has(folded, "intents.analysis"):
        intent = "analysis"
    elif _has(folded, "intents.change") and (
        "so voi" in folded or "tang" in words or "giam" in words
    ):
        intent = "change"
    else:
        intent = "line"
    return FinanceQuestion(
        text, folded, intent, targets=found, percent=percent, period=period, outside=outside
    )


def _has_phrase(folded: str, phrase: str) -> bool:
    p = fold(phrase)
    return bool(re.search(rf"(?<![a-z0-9]){re.escape(p)}(?![a-z0-9])", folded))
