"""Decode the bytes of a text file the way a Vietnamese user's files are likely encoded.

UTF-8 and UTF-16 with or without a BOM, then the legacy Windows-1258 code page, and the
pre-Unicode TCVN3/VNI font encodings (converted later, see :mod:`ingest.legacy`). Text is
returned as decoded, not normalized: :mod:`ingest.normalize` makes it NFC later.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ingest.document import LoaderError
from ingest.legacy import detect_legacy
from ingest.loaders.base import not_text

# Letters that occur in Vietnamese (NFC), besides ASCII. Used to tell a real Windows-1258
# decoding from mojibake: a wrong code page yields letters outside this set.
_VIETNAMESE_LETTERS = frozenset(
    "àáâãèéêìíòóôõùúýăđĩũơưÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
)
# Letters that only Vietnamese uses among the Latin code pages; one of them makes the guess safe.
_VIETNAMESE_ONLY = frozenset("ăđơưĂĐƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)))
# C0/C1 control characters except tab, line breaks, form feed and the DOS end-of-file mark
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
def looks_binary(text: str) -> bool:
    """Control characters are rare in real text and common in a binary read as text."""
    if not text:
        return False
    return len(_CONTROLS.findall(text)) > max(2, len(text) // 100)


def _vietnamese_score(text: str) -> tuple[float, int]:
    """Share of non-ASCII letters that are Vietnamese, and how many Vietnamese-only letters.

    A Windows-1258 file read with the right code page composes (after NFC) into Vietnamese
    letters only; stray combining marks or foreign letters mean the guess is wrong.
    """
    nfc = unicodedata.normalize("NFC", text[:200_000])  # a sample decides, and stays fast
    letters = [ch for ch in nfc if ord(ch) > 127 and unicodedata.category(ch)[0] in "LM"]
    if not letters:
        return 0.0, 0
    good = sum(ch in _VIETNAMESE_LETTERS for ch in letters)
    only = sum(ch in _VIETNAMESE_ONLY for ch in letters)
    return good / len(letters), only


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by where the NUL bytes sit.

    Text that is mostly Latin script (Vietnamese included) has a NUL high byte in most code
    units: at odd offsets for little-endian, at even offsets for big-endian. Binary files
    have NULs scattered over both.
    """
    sample = data[:8192]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        codec = "utf-16-le"
    elif even_nul > 0.3 and odd_nul < 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) - len(data) % 2].decode(codec)
    except UnicodeDecodeError:
        return None
    return None if looks_binary(text) else text


def _decode_legacy(data: bytes) -> str | None:
    """Bytes that are not UTF-8: Windows-1258 when it reads as Vietnamese, else the best guess."""
    try:
        cp1258 = data.decode("cp1258")
    except UnicodeDecodeError:
        cp1258 = None
    if cp1258 is not None:
        share, only = _vietnamese_score(cp1258)
        if share >= 0.9 and (only > 0 or share == 1.0):
            return cp1258
    # TCVN3 and VNI files are bytes of the Windows-1252 characters their fonts draw over;
    # :func:`load` converts that view to Unicode
    western = data.decode("cp1252", errors="replace")
    if "\ufffd" in western:
        western = data.decode("latin-1")
    if detect_legacy(western) is not None:
        return western
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # detection is a best effort; fall back below
        best = None
    if best is not None:
        guessed = str(best)
        if cp1258 is not None and _vietnamese_score(cp1258)[0] > _vietnamese_score(guessed)[0]:
            return cp1258
        return guessed
    return cp1258


def decode_text(data: bytes, name: str) -> str:
    """Decode the bytes of a text file the way a Vietnamese user's files are likely encoded.

    Order: BOMs (UTF-8, UTF-32, UTF-16), BOM-less UTF-16 by its NUL pattern, UTF-8, then the
    legacy Windows code page Windows-1258 (or what charset-normalizer finds). NUL bytes that
    are not UTF-16, or a mass of control characters, mean a binary file.
    """
    text: str | None = None
    boms = (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, codec in boms:
        if data.startswith(bom):
            # a BOM settles the encoding; a stray bad byte becomes U+FFFD, a mass of them
            # means the file is not what its BOM claims
            text = data[len(bom) :].decode(codec, errors="replace")
            if text.count("\ufffd") > max(2, len(text) // 100):
                raise LoaderError(
                    f"Tệp văn bản có mã hóa {codec.upper()} bị lỗi "
                    f"(invalid {codec.upper()} text): {name}"
                )
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None and data.count(b"\x00") <= max(2, len(data) // 1000):
            text = _mostly_utf8(data.replace(b"\x00", b""))  # a stray NUL in a text file
        if text is None:
            raise not_text(name)
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _mostly_utf8(data) or _decode_legacy(data)
    if text is None or looks_binary(text):
        raise not_text(name)
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few flaws: a stray byte (→ U+FFFD), or a character written as CESU-8
    (an emoji as two encoded surrogates, as old Java and MySQL tools write it).

    A long Vietnamese text in UTF-8 with one bad byte is UTF-8, not Windows-1258: reading it
    as the legacy code page would turn every accented letter into mojibake.
    """
    try:
        text = data.decode("utf-8", errors="surrogatepass")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        # surrogate pairs (CESU-8) → the character; a lone surrogate → U+FFFD
        return text.encode("utf-16", "surrogatepass").decode("utf-16", errors="replace")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    # most non-ASCII characters decoded as real UTF-8 letters: the file is UTF-8
    if bad <= max(2, len(text) // 1000) and non_ascii > 4 * bad:
        return text
    return None

