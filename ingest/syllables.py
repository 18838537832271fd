"""Put back the spaces that PDF extractors and OCR engines drop between Vietnamese syllables.

Vietnamese writes one syllable per word, separated by spaces, and several text layers lose
some of those spaces, mostly right after a letter with a diacritic: ``Dựphòng``,
``ThuếGTGT``, ``Tựdo``, ``BộNội vụ``. A glued word matches neither a question typed
normally nor the BM25 vocabulary, so the passage becomes hard to find.

Vietnamese syllables have a small, regular structure (onset, rhyme, at most one tone), so a
word that is not a syllable but can be cut into syllables is almost surely glued. This module
knows that structure (:func:`is_syllable`), re-inserts spaces (:func:`split_glued`) and
measures how much of a text is glued (:func:`glued_rate`), which the extractor benchmark
uses to compare text layers. Words written only in ASCII (``Vinamilk``, ``KPMG``,
``email``) are never touched: without a Vietnamese letter there is no evidence of glue.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from hoidap.knowledge import syllable_spelling
from hoidap.vietnamese import GRAVE, HOOK, TILDE, TONE_MARKS, VOWELS

__all__ = ["glued_rate", "is_syllable", "split_glued"]

# shape marks that stay on the letter when the tone is taken off: circumflex, breve, horn
_SHAPES = frozenset({"\u0302", "\u0306", "\u031b"})
# the Vietnamese alphabet: no f, j, w, z
_ALPHABET = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")

# the spelling of a syllable, as data: onsets (longest first, so the first prefix that
# matches is the longest), rhymes, and codas (hoidap/data/vietnamese_syllables.json)
_SPELLING = syllable_spelling()
_ONSETS = _SPELLING.onsets
_STOPS = _SPELLING.stops
_OPEN_RHYMES = _SPELLING.open_rhymes
_CLOSED_NUCLEI = _SPELLING.closed_nuclei
_RHYMES = _OPEN_RHYMES | {n + c for n, codas in _CLOSED_NUCLEI.items() for c in codas}
_QU_ONLY_RHYMES = _SPELLING.qu_only_rhymes  # "qu" + y + the codas of "uy": quỳnh, quýt
_GLIDE_STARTS = _SPELLING.glide_starts  # spelled with "qu", never after c

# Every Vietnamese letter that ASCII lacks, in NFC, both cases.
_VIET_NON_ASCII = frozenset(
    ch
    for base in VOWELS
    for tone in ("", *sorted(TONE_MARKS))
    for ch in {
        unicodedata.normalize("NFC", base + tone),
        unicodedata.normalize("NFC", base + tone).upper(),
    }
    if not ch.isascii()
) | {"đ", "Đ"}

# a letter that is no more than an ASCII vowel: a space lost between it and a vowel is unlikely
_PLAIN_VOWELS = frozenset("aeiouyAEIOUY")
# one word: letters with any combining marks left after NFC; digits and punctuation split words
_WORD = re.compile(r"(?:[^\W\d_][\u0300-\u036f]*)+")
_LONGEST_SYLLABLE = 8  # "nghiêng", "khuyếch" are 7 letters; one more for safety
_LONGEST_WORD = 48  # longer letter runs are not glued syllables; leave them alone


def _onset_fits(onset: str, rhyme: str) -> bool:
    """Whether Vietnamese spelling puts this onset before this rhyme (c/k, g/gh, ng/ngh, qu)."""
    first = rhyme[0]
    if rhyme in _QU_ONLY_RHYMES:
        return onset == "qu"
    if rhyme.startswith("yê") and onset not in ("", "qu"):
        return False  # after a consonant the glide is spelled i: tiền, not tyền
    if onset == "k":
        return first in "ieêy"
    if onset in ("gh", "ngh"):
        return first in "ieê"
    if onset == "c":
        return first not in "ieêy" and not rhyme.startswith(_GLIDE_STARTS)
    if onset == "ng":
        return first not in "ieê"
    if onset == "g":
        return first not in "eê"  # "gì", "gìn": the i of gi doubles as the vowel
    if onset == "gi":
        return first != "i"
    if onset == "qu":
        return first not in "uưo"
    return True


@lru_cache(maxsize=1 << 16)
def _onset_length(word: str) -> int:
    """Length of the longest onset that makes ``word`` a valid syllable, or -1 if none does.

    The length is what :func:`split_glued` uses to prefer ``Chi phí`` over ``Chip hí``.
    """
    tone = ""
    kept: list[str] = []
    last_base = ""
    for ch in unicodedata.normalize("NFD", word).lower():
        if ch in TONE_MARKS:
            if tone or last_base not in VOWELS:
                return -1  # a second tone, or a tone on a consonant or at the start
            tone = ch
        else:
            kept.append(ch)
            if ch not in _SHAPES:
                last_base = ch
    bare = unicodedata.normalize("NFC", "".join(kept))
    if not bare or not _ALPHABET.issuperset(bare):
        return -1
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset) :]
        if not rhyme or (rhyme not in _RHYMES and rhyme not in _QU_ONLY_RHYMES):
            continue
        if not _onset_fits(onset, rhyme):
            continue
        if rhyme.endswith(_STOPS) and tone in (GRAVE, TILDE, HOOK):
            continue  # a stop-final syllable takes only the acute or the dot below: "hàt" is not
        return len(onset)
    return -1


def is_syllable(word: str) -> bool:
    """True when ``word`` (any case, NFC or NFD) is one valid Vietnamese syllable.

    That is an optional onset, a rhyme from the Vietnamese rhyme inventory (nucleus plus an
    optional c/ch/m/n/ng/nh/p/t coda) and at most one tone mark, spelled by the usual rules
    (k/gh/ngh before i e ê, "gi" and "qu" as onsets). It is what tells a glued word
    (``Dựphòng``) from a normal one (``nghiêng``). Permissive where unsure: a lost tone
    (``sô``, from OCR) still counts as a syllable.
    """
    return _onset_length(word) >= 0


def _well_cased(piece: str) -> bool:
    """A split-off syllable is lower, Title or UPPER case: ``BộNội`` → ``Bộ Nội``, not ``BộN``."""
    return piece.islower() or piece.isupper() or (piece[0].isupper() and piece[1:].islower())


def _may_cut(word: str, i: int) -> bool:
    """Whether a piece may start at ``word[i]`` (i > 0), beyond its being a syllable.

    Between a plain ASCII vowel and a vowel the cut is refused: extractors lose spaces after
    marked letters, and such cuts are what turn legacy-font mojibake (VNI "Nguyeãn",
    "naêm") or foreign words ("où") into strings of Vietnamese-looking pieces.
    """
    return not (word[i - 1] in _PLAIN_VOWELS and _base(word[i]) in VOWELS)


def _base(ch: str) -> str:
    """The letter under the marks, lowercased: "Ế" → "e"."""
    return unicodedata.normalize("NFD", ch)[0].lower()


def _stray_vowel(piece: str) -> bool:
    """A lone unmarked a/e/i/o/u is hardly ever a word of its own in running text.

    Refusing it as a non-first piece keeps TCVN3 mojibake ("héi", "míi") whole; "y" stays
    allowed for "Bộ Y tế".
    """
    return len(piece) == 1 and piece in "aeiouAEIOU"


def _acronym_may_start(word: str, i: int) -> bool:
    """An ASCII acronym may follow a lowercase or a diacritic letter: ``ThuếGTGT``, ``tưXDCB``."""
    return i > 0 and (word[i - 1].islower() or not word[i - 1].isascii())


def _acronym_ends(word: str, i: int) -> range:
    """The ends ``j`` for which ``word[i:j]`` is an all-caps ASCII acronym of 2 letters or more."""
    j = i
    while j < len(word) and word[j].isascii() and word[j].isupper():
        j += 1
    return range(i + 2, j + 1)


@lru_cache(maxsize=1 << 16)
def _resegment(word: str) -> str:
    """``word`` with spaces between its syllables, or ``word`` itself if it is not glued.

    Dynamic programming over the split points. A cut is allowed only if every piece is a
    well-cased syllable (or an all-caps ASCII acronym after a case change), no cut falls
    between a plain vowel and a vowel and no later piece is a lone plain vowel (see
    :func:`_may_cut`, :func:`_stray_vowel`). Among the valid cuts the cost, compared in
    order, is: fewer pieces, more boundaries right after a letter with a diacritic (where
    extractors lose spaces), longer onsets for the pieces after the first (``Chi phí``, not
    ``Chip hí``). The cost is a sum over pieces, so the DP finds the cheapest cut exactly.
    """
    if (
        len(word) > _LONGEST_WORD
        or not any(ch in _VIET_NON_ASCII for ch in word)
        or is_syllable(word)
    ):
        return word
    n = len(word)
    # best[j]: the cheapest (cost, cuts) for word[:j], cost = (pieces, -diacritic cuts, -onsets)
    best: list[tuple[tuple[int, int, int], tuple[int, ...]] | None] = [None] * (n + 1)
    best[0] = ((0, 0, 0), ())
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        (pieces, marked, onsets), cuts = here
        if i > 0 and not _may_cut(word, i):
            continue
        after_mark = 1 if i > 0 and not word[i - 1].isascii() else 0
        options: list[tuple[int, int]] = []
        for j in range(i + 1, min(n, i + _LONGEST_SYLLABLE) + 1):
            piece = word[i:j]
            if i > 0 and _stray_vowel(piece):
                continue
            if _well_cased(piece) and (onset := _onset_length(piece)) >= 0:
                options.append((j, onset))
        if _acronym_may_start(word, i):
            options.extend((j, 0) for j in _acronym_ends(word, i))
        for j, onset in options:
            cost = (pieces + 1, marked - after_mark, onsets - (onset if i else 0))
            current = best[j]
            if current is None or cost <= current[0]:  # a tie goes to the later cut
                best[j] = (cost, (*cuts, i) if i else cuts)
    final = best[n]
    if final is None:
        return word
    bounds = (*final[1], n)
    starts = (0, *final[1])
    return " ".join(word[a:b] for a, b in zip(starts, bounds, strict=True))


def split_glued(text: str) -> str:
    """``text`` in NFC with the spaces between glued Vietnamese syllables put back.

    Only a word with a Vietnamese letter outside ASCII that is not itself a syllable is
    re-cut, and only if every piece is a syllable (``Dựphòng,`` → ``Dự phòng,``; an ASCII
    acronym may close a case change: ``ThuếGTGT`` → ``Thuế GTGT``). Words that cannot be cut
    into syllables, ASCII words, numbers and punctuation come back as they were, so the
    function is idempotent and safe to run on every page. Cached per word: OCR text repeats
    the same few thousand words.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    return _WORD.sub(lambda m: _resegment(m.group(0)), text)


def glued_rate(text: str) -> float:
    """Share of the words with a non-ASCII Vietnamese letter that are not valid syllables.

    A text layer that glues syllables scores high; a clean one scores near 0. Used by the
    benchmark that compares PDF extractors. Words without a vowel (the abbreviations "QĐ",
    "HĐQT", "VNĐ") are not counted: they are no syllable in any text layer, so they would
    only add the same noise to every extractor. 0.0 when the text has no counted word.
    """
    total = glued = 0
    for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = match.group(0)
        if any(ch in _VIET_NON_ASCII for ch in word) and any(_base(ch) in VOWELS for ch in word):
            total += 1
            glued += not is_syllable(word)
    return glued / total if total else 0.0
