"""One normalizer for documents and questions alike, so that equal Vietnamese text is equal bytes.

Vietnamese has two Unicode forms (NFC and NFD) and two tone-mark placements ("hoà" and
"hòa"); a question typed one way must find a document written the other way. Everything
that enters the index or a query passes through :func:`normalize_text`.

Convention: NFC, and in an open syllable with two vowels the tone sits on the first one
(hoà → hòa, thuỷ → thủy), in three-vowel nuclei on the middle one, with a final consonant
on the last vowel, and always on a vowel that carries a shape mark (ă â ê ô ơ ư).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from hoidap.vietnamese import TONE_MARKS, VOWELS

_SHAPED = set("ăâêôơư")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2060\ufeff\u00ad]"
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110"})


@lru_cache(maxsize=1 << 16)
def _place_tone(word: str) -> str:
    """Move the tone mark of one syllable to the conventional vowel; foreign words pass through.

    Cached: a corpus repeats a few thousand syllables, and this was a tenth of ingest's
    own (non-encoder) time.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    lower = bare.lower()
    start = 0
    if lower.startswith("qu") or (
        lower.startswith("gi") and len(lower) > 2 and lower[2] in VOWELS
    ):
        start = 2
    positions = [i for i in range(start, len(lower)) if lower[i] in VOWELS]
    if not positions or positions != list(range(positions[0], positions[-1] + 1)):
        return word  # vowels not in one run: not a Vietnamese syllable
    if len(positions) > 3:
        return word
    shaped = [i for i in positions if lower[i] in _SHAPED]
    has_final = positions[-1] < len(lower) - 1
    if shaped:
        target = shaped[-1]
    elif len(positions) == 1:
        target = positions[0]
    elif len(positions) == 3:
        target = positions[1]
    elif has_final:
        target = positions[-1]
    else:
        target = positions[0]
    pieces = list(unicodedata.normalize("NFD", bare))
    # map the NFC index to the NFD index: count base characters
    base_index = -1
    for j, ch in enumerate(pieces):
        if not unicodedata.combining(ch):
            base_index += 1
        if base_index == target:
            insert_at = j + 1
            while insert_at < len(pieces) and unicodedata.combining(pieces[insert_at]):
                insert_at += 1
            pieces.insert(insert_at, tones[0])
            break
    return unicodedata.normalize("NFC", "".join(pieces))


def normalize_tones(text: str) -> str:
    """Apply the tone-mark convention to every word of an NFC text."""
    return _WORD.sub(lambda m: _place_tone(m.group(0)), text)


def normalize_text(text: str) -> str:
    """NFC, one tone convention, look-alike letters fixed, control characters and stray spaces gone.

    Paragraph breaks survive (as one blank line) because chunking and the page use them.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", normalize_tones(text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def normalize_query(text: str) -> str:
    """A question is one line: the document normalization with every whitespace folded."""
    return " ".join(normalize_text(text).split())
