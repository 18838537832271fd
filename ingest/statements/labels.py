"""A statement row's label and code as printed, freed of the reader's and the form's marks.

Readers and other tools leave ``**bold**``, ``<br/>``, numbering ("A-", "IV.", "1.", "a)"),
the form's own formula ("(100=110+120+130+140+150)") and note references ("V.22") in the
label; the formula also names the row's code when the code column is empty or glued.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from hoidap.vietnamese import fold

_MARKUP = re.compile(r"\*\*|__|\\(?=[*_\[\]()#])|<br\s*/?>", re.IGNORECASE)
_FORMULA = re.compile(r"[({\[]\s*(\d{2,3})\s*=\s*[^)}\]]*[)}\]]?")
_ANY_FORMULA = re.compile(r"[({\[][^)}\]]*=[^)}\]]*[)}\]]?")
_NUMBERING = re.compile(
    r"^\s*(?:[A-Z]\s*[.\-–)]|[IVXLC]{1,5}\s*[.\-–)]|\d{1,2}(?:\.\d{1,2})?\s*[.\-–)]|[a-zđ]\s*\)|[-–+•*])\s*"
)
_NOTE_REF = re.compile(r"\s+(?:[IVX]{1,4}\.\d{1,2}[a-z]?|V\d{1,2}|\d{1,2}(?:\.\d{1,2})?[a-z]?)\s*$")
_STAR = re.compile(r"\(\s*\*+\s*\)|\*")
# a code cell as OCR may read it: letters that look like digits
_OCR_DIGITS = str.maketrans(
    {"l": "1", "I": "1", "i": "1", "|": "1", "O": "0", "o": "0", "S": "5", "B": "8", "Z": "2"}
)
CODE = re.compile(r"^\d{2,3}[a-z]?$")


def clean_cell(text: str) -> str:
    """A cell without Markdown emphasis, line breaks or escapes."""
    return " ".join(_MARKUP.sub(" ", text).split())


def formula_code(label: str) -> str | None:
    """The code a label's own formula names: "Lợi nhuận gộp (20 = 10 - 11)" → "20"."""
    match = _FORMULA.search(clean_cell(label))
    return match.group(1) if match else None


def clean_label(label: str) -> str:
    """The label's words: "A- TÀI SẢN NGẮN HẠN(100=110+120)" → "TÀI SẢN NGẮN HẠN"."""
    text = _ANY_FORMULA.sub(" ", clean_cell(label))
    text = _STAR.sub(" ", text)
    for _ in range(2):  # "B. I." or "1. -": numbering can stack
        text = _NUMBERING.sub("", text)
    text = _NOTE_REF.sub("", text)
    return " ".join(text.split()).strip(" :.-–")


def code_of(cell: str, known: set[str]) -> str | None:
    """A code cell's code, if it is one of ``known``; OCR's "l4I" is read as "141"."""
    text = clean_cell(cell).strip(" .")
    if not text or len(text) > 5:
        return None
    for candidate in (text, text.translate(_OCR_DIGITS)):
        if CODE.match(candidate):
            code = candidate.lstrip("0").rjust(2, "0") if candidate.isdigit() else candidate
            if code in known:
                return code
            if candidate in known:
                return candidate
    return None


def label_similarity(a: str, b: str) -> float:
    """How alike two labels are once folded (1.0: the same words)."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    return SequenceMatcher(None, fa, fb, autojunk=False).ratio()
