"""Vietnamese text primitives shared by ingest, store and qa: tone marks, folding, figures,
dates.

Written once here so that a statement line read at ingest and the words of a question are
compared by the same rules; this module imports nothing of the project's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# the five tone marks as NFD writes them (combining): huyền, sắc, ngã, hỏi, nặng
GRAVE, ACUTE, TILDE, HOOK, DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
TONE_MARKS = frozenset({GRAVE, ACUTE, TILDE, HOOK, DOT})
# the vowels a tone mark sits on, lower case, with their shape marks (ă â ê ô ơ ư)
VOWELS = frozenset("aăâeêioôơuưy")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


@lru_cache(maxsize=1 << 17)
def fold_diacritics(text: str) -> str:
    """Lower-case text without any diacritic (đ → d), whitespace kept as it is.

    The word-by-word form of :func:`fold`, for callers that keep offsets or split the text
    themselves (the lexical index folds token by token). Cached: it is called per word of
    every passage sentence an answer scores, and a corpus repeats a few thousand syllables.
    """
    return _strip_marks(text)


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese mark; a question without any is typed folded."""
    return fold_diacritics(text) != text.lower()


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``, whitespace folded: how people type fast.

    A tone typed on the wrong vowel ("tài sẳn") or left out ("tai san") folds to the same
    word as the right spelling, so most typos of marks vanish here.
    """
    return " ".join(_strip_marks(text).split())


def folded_words(text: str) -> list[str]:
    """The folded words of ``text``: letters and digits, punctuation dropped."""
    return re.findall(r"[a-z0-9]+", fold(text))


# a figure as statements print it: 1.234.567 / 1,234,567 / 1 234 567 / 1234567, negatives in
# parentheses or with a minus; the groups' separator is one character throughout
_GROUPED = re.compile(r"^\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*$")
_PLAIN = re.compile(r"^\d+$")
_DASHES = {"-", "–", "—", "−"}


@dataclass(frozen=True)
class Figure:
    """A cell read as a number: ``value`` in the statement's unit; ``text`` as printed.

    ``regrouped`` says the digits were all there but a thousands separator was lost or
    doubled (OCR): the value is the digits' value, to be confirmed by an identity.
    """

    value: int
    text: str
    regrouped: bool = False


def parse_figure(cell: str) -> Figure | None:
    """The integer a statement cell prints, or ``None`` when it is no figure.

    "(495.000.000)" is −495,000,000; a lone dash is zero (the line is nil this period);
    "2.845.117.360904" (a lost separator) is read with ``regrouped`` set; decimals and
    percentages are not figures of a statement line.
    """
    text = " ".join(cell.replace("\u00a0", " ").split()).strip()
    if not text:
        return None
    if text in _DASHES:
        return Figure(0, text)
    negative = False
    body = text
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body[:1] in _DASHES and len(body) > 1:
        negative, body = True, body[1:].strip()
    if not body or not body[0].isdigit() or not body[-1].isdigit():
        return None
    if _GROUPED.match(body) or _PLAIN.match(body):
        digits = re.sub(r"\D", "", body)
        regrouped = False
    elif re.fullmatch(r"\d+(?:[., ]\d+)+", body) and len(re.sub(r"\D", "", body)) >= 7:
        # every character a digit or a separator, groups broken: OCR lost or doubled a dot
        groups = re.split(r"[., ]", body)
        if len(groups[-1]) < 3 or any(len(g) == 0 for g in groups):
            return None  # "1,5" or "12.3": a decimal, not a figure with a lost separator
        digits = "".join(groups)
        # only separators lost ("2.845.117.360904": every later group a multiple of three
        # digits) leaves every digit in place; other breaks wait for an identity
        regrouped = len(groups[0]) > 3 or any(len(g) % 3 for g in groups[1:])
    else:
        return None
    value = int(digits)
    return Figure(-value if negative else value, text, regrouped)


def format_figure(value: int, separator: str = ".") -> str:
    """``1234567`` → ``1.234.567``; negatives in parentheses as statements print them."""
    body = f"{abs(value):,}".replace(",", separator)
    return f"({body})" if value < 0 else body


def format_number(value: float, decimals: int = 2) -> str:
    """A ratio or a percentage the Vietnamese way: ``22,89``."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?!\d)")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*((?:19|20)\d{2})")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def dates_in(text: str) -> list[date]:
    """The dates written in ``text`` (31/12/2024, 1-1-2024, "ngày 30 tháng 6 năm 2025")."""
    folded = fold(text)
    found: list[date] = []
    for pattern in (_DATE, _DATE_WORDS):
        for day, month, year in pattern.findall(folded):
            try:
                found.append(date(int(year), int(month), int(day)))
            except ValueError:
                continue
    return found


def years_in(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(text)]


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def quarter_in(text: str) -> int | None:
    """The quarter named in ``text`` ("quý 4", "Quý IV", "quí II", "Q3"), or ``None``."""
    match = re.search(r"\b(?:quy|qui|q)\s*\.?\s*(0?[1-4]|iv|iii|ii|i)\b", fold(text))
    if not match:
        return None
    token = match.group(1)
    return _ROMAN.get(token) or int(token)
