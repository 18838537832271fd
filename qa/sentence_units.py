"""A passage cut into the units an answer quotes: sentences, list items, outline parts.

A list item's marker ("1.", "c)", "Điều 9.", "Chương II", "-") says how deep in an outline
the item sits and is never a figure asked for; a sentence holding several items is cut
before each, and a signing mark or an article number the sentence splitter cut off ("KT.",
"Điều 6.") is joined back to its line. The outline words and signing marks are data
(``hoidap/data/document_layout.json``); the marker shapes are text syntax, written here.
"""

from __future__ import annotations

import re

from hoidap.knowledge import document_layout
from ingest.chunking import sentence_spans

_LAYOUT = document_layout()


def alternatives(words: tuple[str, ...] | list[str]) -> str:
    """Words as a regex alternation, in their order (escaped: "phụ lục" keeps its space)."""
    return "|".join(re.escape(w) for w in words)


_REFERENCES = alternatives(_LAYOUT.references)
_SECTIONS = alternatives(_LAYOUT.sections)
_ARTICLES = alternatives(_LAYOUT.articles)
_STUBS = alternatives(_LAYOUT.stubs)
_SIGN_FOR = alternatives(list(_LAYOUT.sign_for))

# A list item's number is no figure: "1. Hồ sơ …", "c) Kích thước …", "Điều 14.",
# "Chương II". OCR writes the item's dot as "," or ":" ("2, Thời hạn nộp", "2: Hồ sơ giấy").
_REFERENCE = re.compile(
    rf"\b(?i:{_REFERENCES})\s+(?:\d{{1,3}}|[IVXLC]{{1,6}})(?![\d.,]\d)\b"
)
_INLINE_ITEM = re.compile(r"(?<=[;:])\s*[;:]?\s*[a-zđ] ?\)")
_LEAD_NOISE = re.compile(r"[\s\-–—•+*_.,:;'\"`¬~^|]*")
_NUMBERED = re.compile(r"\d{1,3}(?:\.\d{1,2})*\s*[.)](?=\s|[^\W\d_])|\d{1,2}\s*[,:](?=\s*[^\W\d_])")
_LETTERED = re.compile(r"[a-zđ] ?\)")
_ROMAN_ITEM = re.compile(r"[IVXLC]{1,6}\s*[.)](?=\s|[^\W\d_])")
_SECTION = re.compile(rf"(?i:{_SECTIONS})\s+(?:\d{{1,3}}|[IVXLC]{{1,6}})\b")
_ARTICLE = re.compile(rf"(?i:{_ARTICLES})\s+\d{{1,3}}\s*[.,:]?")
_BULLET = re.compile(r"[\-–—•+*]")
# Levels of a Vietnamese legal or report outline, outermost first.
CHAPTER, ROMAN, ARTICLE, NUMBER, LETTER, BULLET = range(6)


def item_marker(sentence: str) -> tuple[int, int] | None:
    """The level (:func:`list_level`) and end offset of the list marker opening
    ``sentence``, if any."""
    start = _LEAD_NOISE.match(sentence).end()  # type: ignore[union-attr]
    head = sentence[start:]
    for level, pattern in (
        (CHAPTER, _SECTION),
        (ARTICLE, _ARTICLE),
        (ROMAN, _ROMAN_ITEM),
        (NUMBER, _NUMBERED),
        (LETTER, _LETTERED),
    ):
        match = pattern.match(head)
        if match:
            if pattern is _NUMBERED and match.group(0)[-1] in ",:":
                rest = head[match.end() :].lstrip()
                if not rest[:1].isupper():  # "3, 5 và 7 đơn vị" counts; "2, Thời hạn nộp" numbers
                    continue
            return level, start + match.end()
    if start and _BULLET.search(sentence[:start]):
        return BULLET, start
    return None


def list_level(sentence: str) -> int | None:
    """How deep in an outline ``sentence`` sits, by the marker opening it: :data:`CHAPTER`
    ("Chương II"), :data:`ROMAN` ("V."), :data:`ARTICLE` ("Điều 9."), :data:`NUMBER` ("1.",
    "2:"), :data:`LETTER` ("c)"), :data:`BULLET` ("-"); ``None`` without one."""
    found = item_marker(sentence)
    return found[0] if found else None


def marker_spans(sentence: str) -> list[tuple[int, int]]:
    """Where ``sentence`` numbers its items or cites an article: never a figure asked for."""
    spans = [m.span() for m in _REFERENCE.finditer(sentence)]
    spans += [m.span() for m in _INLINE_ITEM.finditer(sentence)]
    found = item_marker(sentence)
    if found:
        spans.append((0, found[1]))
    return spans


# Where a sentence holds a second list item: "a) Màu sắc: xanh; b) Chiều dài tối đa: …".
_NEXT_ITEM = re.compile(r"[;:]\s*(?:[;:]\s*)?(?=[a-zđ] ?\)\s*\S)")
# A "sentence" the splitter cut after an abbreviation or a number that opens a line:
# "KT. | BỘ TRƯỞNG", "Điều 6. | Phạm vi …"
_STUB = re.compile(
    rf"(?:{_SIGN_FOR})\.|(?i:{_STUBS})\s+(?:\d{{1,3}}|[IVXLC]{{1,6}})\s*[.,:]?"
)


def units(text: str) -> list[str]:
    """``text`` as sentences, a sentence holding several list items cut before each, and a
    "KT." or "Điều 6." the splitter cut off joined to the words after it on its line:
    verbatim pieces of ``text``."""
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        at = start
        for match in _NEXT_ITEM.finditer(text, start, end):
            spans.append((at, match.end()))
            at = match.end()
        spans.append((at, end))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if not text[start:end].strip():
            continue
        if (
            merged
            and "\n" not in text[merged[-1][1] : start]
            and _STUB.fullmatch(text[merged[-1][0] : merged[-1][1]].strip())
        ):
            merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    return [text[a:b].strip() for a, b in merged if text[a:b].strip()]
