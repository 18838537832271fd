"""Turn a user's file (PDF, DOCX, TXT, MD, HTML) into a :class:`LoadedDocument`.

Every loader keeps pages and section headings apart so the chunker can keep them apart too,
and every file that cannot be read ends in a :class:`LoaderError` whose message the user sees
as is: Vietnamese first, English in parentheses, and the file's name. No other exception may
escape for a bad file, because the upload page shows the message and carries on with the
next file.

Text is returned as decoded, not normalized: Windows-1258 files come back with combining
tone marks, and :mod:`ingest.normalize` turns everything into NFC later. Text typed with the
pre-Unicode Vietnamese fonts (TCVN3/ABC, VNI), in any format, is converted to Unicode here
(:mod:`ingest.legacy`), since no later step could tell it from foreign words.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ingest.document import Block, LoadedDocument, LoaderError
from ingest.legacy import detect_legacy

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: tuple[str, ...] = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")

# A first line longer than this is a paragraph, not a title.
_MAX_TITLE = 200

# --------------------------------------------------------------------------------------------
# Plain-text decoding
# --------------------------------------------------------------------------------------------

# Letters that occur in Vietnamese (NFC), besides ASCII. Used to tell a real Windows-1258
# decoding from mojibake: a wrong code page yields letters outside this set.
_VIETNAMESE_LETTERS = frozenset(
    "àáâãèéêìíòóôõùúýăđĩũơưÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
)
# Letters that only Vietnamese uses among the Latin code pages; one of them makes the guess safe.
_VIETNAMESE_ONLY = frozenset("ăđơưĂĐƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)))
# C0/C1 control characters except tab, line breaks, form feed and the DOS end-of-file mark
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _not_text(name: str) -> LoaderError:
    return LoaderError(f"Tệp không phải văn bản (is not a text file — binary content): {name}")


def _empty(name: str) -> LoaderError:
    return LoaderError(f"Tệp rỗng, không có nội dung văn bản (empty file, no text): {name}")


def _looks_binary(text: str) -> bool:
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
    return None if _looks_binary(text) else text


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
        if text is None:
            raise _not_text(name)
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_legacy(data)
    if text is None or _looks_binary(text):
        raise _not_text(name)
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# TXT and Markdown
# --------------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _paragraphs(text: str) -> Iterator[str]:
    """Paragraphs of a plain text: runs of lines between blank lines, trailing spaces cut."""
    for part in re.split(r"\n[ \t\f\v]*\n", text):
        lines = [line.rstrip() for line in part.split("\n")]
        paragraph = "\n".join(lines).strip("\n")
        if paragraph.strip():
            yield paragraph


def _load_txt(data: bytes, path: Path) -> LoadedDocument:
    text = decode_text(data, path.name)
    blocks = [Block(p) for p in _paragraphs(text)]
    if not blocks:
        raise _empty(path.name)
    first_line = next(line.strip() for line in blocks[0].text.split("\n") if line.strip())
    title = first_line if len(first_line) < _MAX_TITLE else path.stem
    return LoadedDocument(title=title, blocks=blocks)


def _load_md(data: bytes, path: Path) -> LoadedDocument:
    """Paragraphs with ``#`` headings as section headings; fenced code never holds a heading."""
    text = decode_text(data, path.name)
    blocks: list[Block] = []
    heading: str | None = None
    title: str | None = None
    first_heading: str | None = None
    lines: list[str] = []
    in_fence = False

    def flush() -> None:
        paragraph = "\n".join(lines).strip("\n")
        if paragraph.strip():
            blocks.append(Block(paragraph, heading=heading))
        lines.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            lines.append(line)
            continue
        if in_fence:
            lines.append(line)
            continue
        match = _MD_HEADING.match(line)
        if match and match.group(2).strip():
            flush()
            heading = match.group(2).strip()
            blocks.append(Block(heading, heading=heading))
            first_heading = first_heading or heading
            if title is None and len(match.group(1)) == 1:
                title = heading
        elif not line.strip():
            flush()
        else:
            lines.append(line)
    flush()
    if not blocks:
        raise _empty(path.name)
    return LoadedDocument(title=title or first_heading or path.stem, blocks=blocks)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_HTML_DROP = (
    "script", "style", "nav", "header", "footer", "aside", "noscript", "iframe", "svg",
    "template", "head", "button", "select", "textarea",
)  # fmt: skip
_HTML_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_HTML_BLOCK_NAMES = sorted(_HTML_BLOCK)  # bs4's find() wants a list, not a set
_HTML_ATOMIC = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt", "dd", "figcaption", "caption",
     "summary", "legend"}
)  # fmt: skip
_HTML_SECTION = frozenset({"h1", "h2", "h3"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _html_text(data: bytes, name: str) -> str:
    """Decode HTML: BOM, then a declared charset, then the same detection as plain text.

    A declared charset is trusted only if the bytes decode with it; pages that claim UTF-8
    and are not are common on old Vietnamese sites.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, name)
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match:
        declared = match.group(1).decode("ascii", "replace").lower()
        # browsers read these labels as Windows-1252 (WHATWG), and so do we
        if declared in {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"}:
            declared = "cp1252"
        # a meta tag readable as ASCII cannot be UTF-16 (WHATWG reads it as UTF-8)
        elif declared.startswith(("utf-16", "utf-32", "ucs-2")):
            declared = "utf-8"
        try:
            codecs.lookup(declared)
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if not _looks_binary(text):
                return text.replace("\r\n", "\n").replace("\r", "\n")
    return decode_text(data, name)


def _clean_inline(text: str) -> str:
    """Fold HTML whitespace: lines come only from <br>, spaces collapse inside them."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _is_hidden(tag: Any) -> bool:
    attrs = getattr(tag, "attrs", None) or {}
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(str(attrs.get("style", ""))))


def _is_page_wrapper(form: Any) -> bool:
    """ASP.NET pages (common on Vietnamese government sites) wrap the whole page in a <form>.

    Such a form holds the article, so dropping it would drop everything; a real form (search
    box, login, comment) holds no heading and hardly any paragraphs.
    """
    if form.find(["main", "article", "h1"]) is not None:
        return True
    return len(form.find_all("p", limit=4)) > 3


class _HtmlBlocks:
    """Walk an element tree and emit one block per block-level element, in reading order.

    Text that sits directly in a container (a ``div`` with text and child paragraphs) becomes
    its own block between the children, so nothing is lost and nothing is read twice.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.heading: str | None = None

    def emit(self, text: str, tag_name: str = "", *, pre: bool = False) -> None:
        text = text.strip("\n") if pre else _clean_inline(text)
        if not text.strip():
            return
        if tag_name in _HTML_SECTION:
            self.heading = " ".join(text.split())
        self.blocks.append(Block(text, heading=self.heading))

    def inline_text(self, tag: Any) -> str:
        from bs4 import NavigableString, Tag

        pieces: list[str] = []
        for node in tag.descendants:
            if isinstance(node, Tag):
                if node.name == "br":
                    pieces.append("\n")
            elif isinstance(node, NavigableString) and _is_plain_string(node):
                pieces.append(str(node))
        return "".join(pieces)

    def visit(self, tag: Any) -> None:
        from bs4 import Tag

        name = tag.name
        if name == "tr":
            cells = tag.find_all(["td", "th"], recursive=False)
            if not any(cell.find(_HTML_BLOCK_NAMES) for cell in cells):
                texts = [" ".join(self.inline_text(cell).split()) for cell in cells]
                self.emit(" | ".join(t for t in texts if t))
                return
        elif name in _HTML_ATOMIC and not tag.find(_HTML_BLOCK_NAMES):
            if name == "pre":
                self.emit(tag.get_text(), name, pre=True)
            else:
                self.emit(self.inline_text(tag), name)
            return
        buffer: list[str] = []
        for child in tag.children:
            if isinstance(child, Tag):
                if child.name == "br":
                    buffer.append("\n")
                elif child.name in _HTML_BLOCK or child.find(_HTML_BLOCK_NAMES):
                    self.emit("".join(buffer))
                    buffer.clear()
                    self.visit(child)
                else:
                    buffer.append(self.inline_text(child))
            elif _is_plain_string(child):
                buffer.append(str(child))
        self.emit("".join(buffer))


def _is_plain_string(node: Any) -> bool:
    """Text a reader sees: not a comment, doctype, declaration or processing instruction."""
    from bs4 import CData, NavigableString

    return type(node) is NavigableString or isinstance(node, CData)


def _load_html(data: bytes, path: Path) -> LoadedDocument:
    try:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(_html_text(data, path.name), "lxml")
    except LoaderError:
        raise
    except Exception as exc:  # any parser failure is a bad file for the user
        raise LoaderError(f"Tệp HTML không đọc được (unreadable HTML: {exc}): {path.name}") from exc

    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag else ""
    for tag in soup.find_all(_HTML_DROP):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all("form"):
        if not tag.decomposed and not _is_page_wrapper(tag):
            tag.decompose()
    for tag in soup.find_all(_is_hidden):
        if not tag.decomposed:
            tag.decompose()
    if not title:
        h1 = soup.find("h1")
        title = " ".join(h1.get_text().split()) if h1 else ""

    roots: list[Any] = []
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        roots = [main]
    else:
        roots = [a for a in soup.find_all("article") if a.find_parent("article") is None]
    walker = _HtmlBlocks()
    try:
        for root in roots:
            walker.visit(root)
        if not walker.blocks:  # an empty <main> (a script-rendered page): read the whole body
            walker = _HtmlBlocks()
            walker.visit(soup.body or soup)
    except RecursionError as exc:
        raise LoaderError(
            f"Tệp HTML lồng nhau quá sâu, không đọc được (HTML nested too deeply): {path.name}"
        ) from exc
    if not walker.blocks:
        raise _empty(path.name)
    return LoadedDocument(title=title or path.stem, blocks=walker.blocks)


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

_LIST_START = re.compile(r"^(?:[-–•+*▪●◦]\s|\(?\d{1,3}[.)]\s|\(?[a-zđ][.)]\s)")


def _reflow(lines: list[str]) -> str:
    """Join the visual lines of a PDF text block into running text.

    A PDF breaks lines where the page ends, not where sentences do, and the chunker treats a
    line break as a sentence end; so lines are joined with a space, except before a list item
    (kept on its own line) and after a trailing hyphen ("2021-" + "2025").
    """
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if not out:
            out = line
        elif _LIST_START.match(line):
            out += "\n" + line
        elif out.endswith("-"):
            out += line
        else:
            out += " " + line
    return out


def _load_pdf(data: bytes, path: Path) -> LoadedDocument:
    import pymupdf

    name = path.name
    corrupt = f"Tệp PDF bị hỏng hoặc không đọc được (corrupt PDF): {name}"
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # FileDataError and friends: all mean a bad file
        raise LoaderError(f"{corrupt} — {exc}") from exc
    with doc:
        if doc.needs_pass:
            raise LoaderError(
                f"Tệp PDF được bảo vệ bằng mật khẩu, hãy gỡ mật khẩu rồi tải lên lại "
                f"(password-protected / encrypted PDF): {name}"
            )
        if doc.page_count == 0:
            raise LoaderError(corrupt)
        blocks: list[Block] = []
        garbled = 0
        try:
            # without TEXT_PRESERVE_LIGATURES, so "ﬁ" comes back as "fi"
            flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
            for number, page in enumerate(doc, start=1):
                # content-stream order, not sort=True: sorting by position interleaves the
                # paragraphs of two-column pages
                for item in page.get_text("blocks", flags=flags):
                    if item[6] != 0:  # an image block
                        continue
                    text = _reflow(str(item[4]).split("\n"))
                    if not text:
                        continue
                    if text.count("\ufffd") > len(text) // 2:
                        garbled += 1  # glyphs without a Unicode mapping: no usable text
                        continue
                    blocks.append(Block(text, page=number))
            metadata_title = (doc.metadata or {}).get("title") or ""
            repaired = bool(doc.is_repaired)
        except Exception as exc:  # a page that fails to parse is a broken file
            raise LoaderError(f"{corrupt} — {exc}") from exc
    if not blocks:
        if repaired:
            raise LoaderError(corrupt)
        raise LoaderError(
            "Tệp PDF không có lớp văn bản (có thể là bản scan); chưa hỗ trợ nhận dạng chữ OCR "
            f"(PDF has no text layer — scanned?; OCR is not supported): {name}"
        )
    title = " ".join(metadata_title.split())
    if not title:
        first_page = [b for b in blocks if b.page == 1]
        first_line = first_page[0].text.split("\n")[0].strip() if first_page else ""
        title = first_line if 0 < len(first_line) < _MAX_TITLE else path.stem
    return LoadedDocument(title=title, blocks=blocks)


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------


def _docx_items(element: Any, parent: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell in document order.

    ``Document.paragraphs`` and ``Document.tables`` are separate lists, which would move every
    table to the end; and content controls (``w:sdt``) wrap paragraphs that both lists skip.
    """
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_items(content, parent)


def _docx_cell_text(cell: Any) -> str:
    from docx.table import Table

    parts: list[str] = []
    for item in _docx_items(cell._tc, cell):
        if isinstance(item, Table):
            parts.extend(_docx_table_lines(item))
        else:
            parts.append(item.text)
    return " ".join(" ".join(parts).split())


def _docx_table_lines(table: Any) -> list[str]:
    """One line per row, cells joined by " | "; a merged cell is written once per row."""
    lines: list[str] = []
    for row in table.rows:
        cells = row.cells
        texts: list[str] = []
        previous = None
        for cell in cells:
            if previous is not None and cell._tc is previous:
                continue  # a horizontally merged cell repeats itself in row.cells
            previous = cell._tc
            text = _docx_cell_text(cell)
            if text:
                texts.append(text)
        if texts:
            lines.append(" | ".join(texts))
    return lines


def _docx_style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
        return str(style.name or "") if style is not None else ""
    except Exception:  # a broken style reference only loses the heading
        return ""


def _load_docx(data: bytes, path: Path) -> LoadedDocument:
    from docx import Document
    from docx.table import Table

    name = path.name
    corrupt = "Tệp DOCX bị hỏng hoặc không đọc được (corrupt DOCX)"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LoaderError(
            f"{corrupt}: {name} — không phải gói ZIP của Word; tệp .doc cũ cần lưu lại thành "
            ".docx (not a ZIP package; save old .doc files as .docx)"
        )
    try:
        document = Document(io.BytesIO(data))
        blocks: list[Block] = []
        heading: str | None = None
        first_heading: str | None = None
        for item in _docx_items(document.element.body, document):
            if isinstance(item, Table):
                text = "\n".join(_docx_table_lines(item))
            else:
                text = item.text.strip()
                style = _docx_style_name(item)
                if text and style.startswith(("Heading", "Title")):
                    heading = " ".join(text.split())
                    first_heading = first_heading or heading
            if text:
                blocks.append(Block(text, heading=heading))
        core_title = document.core_properties.title or ""
    except Exception as exc:  # zip, XML and OPC errors all mean a bad file
        raise LoaderError(f"{corrupt}: {name} — {type(exc).__name__}: {exc}") from exc
    if not blocks:
        raise _empty(name)
    title = " ".join(core_title.split()) or first_heading or path.stem
    return LoadedDocument(title=title, blocks=blocks)


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------

_LOADERS: dict[str, Callable[[bytes, Path], LoadedDocument]] = {
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    ".txt": _load_txt,
    ".md": _load_md,
    ".html": _load_html,
    ".htm": _load_html,
}


def _from_legacy_fonts(document: LoadedDocument, name: str) -> LoadedDocument:
    """The document with text typed in TCVN3 or VNI fonts converted to Unicode."""
    conversion = detect_legacy("\n".join([document.title, document.text]))
    if conversion is None:
        return document
    log.info("%s: %s text converted to Unicode", name, conversion.encoding)
    blocks = [
        dataclasses.replace(
            block,
            text=conversion.apply(block.text),
            heading=conversion.apply(block.heading) if block.heading else block.heading,
        )
        for block in document.blocks
    ]
    return LoadedDocument(title=conversion.apply(document.title), blocks=blocks)


def load(path: Path) -> LoadedDocument:
    """Read one file into titled blocks, or raise :class:`LoaderError` with a message to show.

    The loader is chosen by the suffix (case-insensitively); the whole file is read first so
    that a missing, unreadable or empty file fails the same way for every format.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        shown = suffix or "(không có đuôi tệp / no extension)"
        raise LoaderError(
            f"Định dạng không hỗ trợ: {shown} (hỗ trợ: .pdf .docx .txt .md .html) "
            f"(unsupported file type): {path.name}"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LoaderError(f"Không đọc được tệp (cannot read file: {reason}): {path.name}") from exc
    if not data.strip():
        raise _empty(path.name)
    try:
        return _from_legacy_fonts(loader(data, path), path.name)
    except LoaderError:
        raise
    except Exception as exc:
        # the loaders wrap the failures they know; this net keeps the promise for the rest
        raise LoaderError(
            f"Không đọc được tệp (cannot read file: {type(exc).__name__}: {exc}): {path.name}"
        ) from exc
