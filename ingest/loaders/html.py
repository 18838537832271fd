"""HTML: the main text of a page, block by block, with h1–h3 as section headings.

Menus, scripts, hidden elements and real forms are dropped; a table row becomes one line
of cells, so a figure stays beside its label.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from ingest.document import Block, LoadedDocument, LoaderError
from ingest.loaders.base import LoadOptions, empty
from ingest.loaders.text import decode_text, looks_binary

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)



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
        squashed = declared.replace("-", "").replace("_", "")
        # browsers read these labels as Windows-1252 (WHATWG), and so do we
        if squashed in {"iso88591", "latin1", "usascii", "ascii"}:
            declared = "cp1252"
        # a meta tag readable as ASCII cannot be UTF-16 (WHATWG reads it as UTF-8)
        elif squashed.startswith(("utf16", "utf32", "ucs2", "unicode")):
            declared = "utf-8"
        try:
            codecs.lookup(declared)
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if not looks_binary(text) and not _foreign_script(text):
                return text.replace("\r\n", "\n").replace("\r", "\n")
    return decode_text(data, name)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _foreign_script(text: str) -> bool:
    """Mostly CJK letters from a label: the label lied (UTF-8 bytes read as another code)."""
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    return bool(letters) and len(_CJK.findall("".join(letters))) > len(letters) // 3


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


def load_html(data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
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
    main = soup.find("main") or soup.find(lambda tag: tag.get("role") == "main")
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
        raise empty(path.name)
    return LoadedDocument(title=title or path.stem, blocks=walker.blocks)

