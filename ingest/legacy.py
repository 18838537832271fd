"""Vietnamese typed with pre-Unicode fonts (TCVN3/ABC, VNI), found and turned into Unicode.

Before Unicode, Vietnamese documents were typed with fonts such as ``.VnTime`` (TCVN3, also
called ABC) or ``VNI-Times`` that draw Vietnamese letters in place of Latin-1 characters.
Such a file reads without error in every code page and still says nothing:
"Céng hoµ x· héi chñ nghÜa ViÖt Nam" (TCVN3) or "Coäng hoøa xaõ hoäi chuû nghóa Vieät
Nam" (VNI); the index would hold mojibake and no question would ever find it.

Detection is by outcome, not by bytes: a line is converted when the conversion turns words
that are not Vietnamese syllables into words that are, and a document is called legacy
when enough words gain. Unicode lines never gain (their words are valid already), so a
document that mixes Unicode headings and a TCVN3 body gets only its body converted, and
French, Spanish or German text (é, ñ, ö…) is left alone because its words do not become
Vietnamese syllables.

Uppercase TCVN3 (the ``.VnTimeH`` fonts) reuses the lowercase codes, so it comes back in
lower case; its letters are right, which is what search needs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from hoidap.vietnamese import ACUTE, DOT, GRAVE, HOOK, TILDE, TONE_MARKS

# TCVN 5712:1993 (VN3 / "ABC"): the Latin-1 character each code draws, and the letter it means.
_TCVN3_PAIRS = (
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \u00adư ®đ "
    "µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ Éẫ Êấ Ëậ "
    "Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ ×ì Øỉ Üĩ Ýí Þị "
    "ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ êờ ëở ìỡ íớ îợ "
    "ïù ñủ òũ óú ôụ õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ"
)
TCVN3_TABLE = {ord(pair[0]): pair[1] for pair in _TCVN3_PAIRS.split()}

# VNI-Windows: a base letter followed by one character carrying its marks.
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_MARKS = {
    "ù": ACUTE, "ø": GRAVE, "û": HOOK, "õ": TILDE, "ï": DOT,
    "â": _CIRC, "á": _CIRC + ACUTE, "à": _CIRC + GRAVE, "å": _CIRC + HOOK,
    "ã": _CIRC + TILDE, "ä": _CIRC + DOT,
    "ê": _BREVE, "é": _BREVE + ACUTE, "è": _BREVE + GRAVE, "ú": _BREVE + HOOK,
    "ü": _BREVE + TILDE, "ë": _BREVE + DOT,
}  # fmt: skip
_VNI_MARKS |= {k.upper(): v for k, v in _VNI_MARKS.items()}
# letters VNI writes as one character
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}  # fmt: skip
_VNI_BASES = frozenset("aeouyơưAEOUYƠƯ")

# Vietnamese syllables: initial consonant, vowel nucleus, final consonant (marks removed
# except the shape marks ă â ê ô ơ ư).
_NUCLEI = " ".join(
    [
        "a ă â e ê i o ô ơ u ư y",
        "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ ưa ưi ưu ươ uy yê",
        "iêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu yêu",
    ]
).split()
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    rf"(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})"
    r"(?:ch|ng|nh|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"\S+")
# how much a document must gain to be called legacy: a few words, most of them valid after
MIN_GAINED_WORDS = 3
MIN_VALID_SHARE = 0.7
# Unicode Vietnamese has about 3 in 4 of its non-ASCII letters beyond U+00FF; TCVN3 and VNI
# files none (their fonts draw over Latin-1), so a text with over half is not looked at
UNICODE_SHARE = 0.5
SAMPLE_CHARS = 200_000  # the detection reads this much; the conversion, all of it


def tcvn3_to_unicode(text: str) -> str:
    return text.translate(TCVN3_TABLE)


def _vni_takes(base: str, marks: str) -> bool:
    """Whether a VNI mark character can sit on ``base`` (an unmarked vowel, or ơ ư)."""
    if base not in _VNI_BASES:
        return False
    if _BREVE in marks:
        return base in "aA"
    if _CIRC in marks:
        return base in "aeoAEO"
    return True


def vni_to_unicode(text: str) -> str:
    out: list[str] = []
    for ch in text:
        marks = _VNI_MARKS.get(ch)
        if marks and out and _vni_takes(out[-1], marks):
            out[-1] = unicodedata.normalize("NFC", out[-1] + marks)
        else:
            out.append(_VNI_SINGLE.get(ch, ch))
    return "".join(out)


def is_syllable(word: str) -> bool:
    """True when ``word`` is a well-formed Vietnamese syllable with at most one tone mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(c in TONE_MARKS for c in decomposed) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return bool(_SYLLABLE.match(bare))


def _valid_words(text: str) -> int:
    return sum(is_syllable(w) for w in _WORD.findall(text) if not w.isascii())


def _convert_token(token: str, convert: Callable[[str], str]) -> str | None:
    """The converted token when that makes it (more) Vietnamese, else ``None``.

    A single character that becomes a one-letter word does not count: stray symbols
    (× ÷ §) would otherwise read as "ì", "ữ", "Đ" in any Unicode text.
    """
    converted = convert(token)
    if converted == token or len(converted.strip(".,;:!?()[]\"'-")) < 2:
        return None
    return converted if _valid_words(converted) > _valid_words(token) else None


def _native(token: str) -> bool:
    """A Vietnamese syllable written in Unicode proper: letters no legacy font file holds."""
    return any(ord(c) > 0xFF for c in token) and _valid_words(token) > 0


@dataclass(frozen=True)
class Conversion:
    """A detected legacy encoding: its name, and how many words it made readable."""

    encoding: str
    gained: int
    convert: Callable[[str], str]

    def apply(self, text: str) -> str:
        """Convert every line of the document that holds no Unicode Vietnamese word.

        Whole lines, not only the words that gain: many legacy words look like other valid
        words ("Céng" for "Cộng", "Tù" for "Tự"); a line with a real Unicode word ("của",
        "phường") is a line someone retyped, and stays as it is.
        """
        return "\n".join(self._line(line) for line in text.split("\n"))

    def _line(self, line: str) -> str:
        if line.isascii() or any(_native(t) for t in _TOKEN.findall(line)):
            return line
        converted = self.convert(line)
        return converted if _valid_words(converted) >= _valid_words(line) else line


_ENCODINGS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("TCVN3 (ABC)", tcvn3_to_unicode),
    ("VNI", vni_to_unicode),
)


def detect_legacy(text: str) -> Conversion | None:
    """The legacy encoding ``text`` was typed in, or ``None`` for Unicode (or anything else).

    Legacy when at least a few words become Vietnamese, more of them than the words already
    written in Unicode Vietnamese, and most words are Vietnamese after the conversion.
    """
    if text.isascii():
        return None
    text = text[:SAMPLE_CHARS]
    beyond = [ord(c) > 0xFF for c in text if ord(c) > 0x7F]
    if sum(beyond) > UNICODE_SHARE * len(beyond):
        return None  # mostly letters no legacy font file holds (ạ ư đ…): Unicode, and fast
    tokens = [t for t in _TOKEN.findall(text) if not t.isascii()]
    native = sum(_native(t) for t in tokens)
    best: Conversion | None = None
    for name, convert in _ENCODINGS:
        after = [_convert_token(t, convert) for t in tokens]
        gained = sum(c is not None for c in after)
        if gained < MIN_GAINED_WORDS or gained <= native:
            continue
        converted = " ".join(c or t for c, t in zip(after, tokens, strict=True))
        words = [w for w in _WORD.findall(converted) if not w.isascii()]
        if sum(is_syllable(w) for w in words) < MIN_VALID_SHARE * len(words):
            continue
        if best is None or gained > best.gained:
            best = Conversion(name, gained, convert)
    return best
