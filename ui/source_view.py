"""Show a cited passage where it came from: its PDF page as an image with the passage boxed,
or, for DOCX, HTML, TXT and MD, the passage marked in its surrounding text.

People check an answer by looking at the original. For a scan the boxes come from the OCR
word boxes the ingest kept; for a text-layer page, from the text layer. Only documents in
the index can be shown, and the request names a chunk (an id from an answer's sources),
never a path: the file is the one the manifest holds for that chunk.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoidap.settings import Settings
from ingest.layout import Word
from qa import fold_diacritics

log = logging.getLogger(__name__)

HIGHLIGHT = (255, 214, 0, 96)
OUTLINE = (220, 120, 0, 255)
PAGE_DPI = 110
CONTEXT_CHARS = 1500  # text shown on each side of a DOCX/HTML/TXT/MD passage
CHUNK_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
# a passage is found on its page when at least this share of its words is there, in order
MIN_MATCHED = 1 / 3
# pdfium is not thread-safe: one page is read at a time in this process
_PDFIUM = threading.Lock()
COPIES_KEPT_SECONDS = 24 * 3600


class NotShown(Exception):
    """The passage cannot be shown (not in the index, file gone); the message says why."""


@dataclass(frozen=True)
class Located:
    """A chunk's document: the indexed file, its page, and the chunk's text and offsets."""

    path: Path
    name: str
    page: int | None
    pages: int | None
    text: str
    start: int | None
    end: int | None
    sha256: str
    chunk_id: str = ""
    source: str = ""

    @property
    def is_pdf(self) -> bool:
        return self.path.suffix.lower() == ".pdf"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def locate(settings: Settings, chunk_id: str) -> Located:
    """The indexed file a chunk belongs to, or :class:`NotShown`.

    ``chunk_id`` comes from the browser: it is only ever looked up in the index, never used
    as (part of) a path, and the file shown is the one the manifest lists for that chunk.
    """
    from ingest.library import chunks, document_record, documents

    chunk_id = (chunk_id or "").strip()
    if not CHUNK_ID.fullmatch(chunk_id):
        raise NotShown("Mã đoạn trích không hợp lệ (invalid passage id).")
    found = chunks(settings, [chunk_id])
    if chunk_id not in found:
        raise NotShown("Đoạn trích không có trong chỉ mục (the passage is not indexed).")
    text, meta = found[chunk_id]
    record = documents(settings).get(str(meta.get("source") or ""))
    if record is None or chunk_id not in record.chunk_ids:
        record = document_record(settings, chunk_id)
    if record is None:
        raise NotShown("Tài liệu không còn trong chỉ mục (the document is no longer indexed).")
    path = Path(record.source)
    if not path.is_file():
        raise NotShown(f"Không còn tệp gốc (the original file is gone): {record.name}")
    page = _int(meta.get("page"))
    return Located(
        path=path,
        name=record.name,
        page=page if page and page > 0 else None,
        pages=record.pages or None,
        text=text,
        start=_int(meta.get("start")),
        end=_int(meta.get("end")),
        sha256=record.sha256,
        chunk_id=chunk_id,
        source=record.source,
    )


# -- the passage on its page -----------------------------------------------------------------
_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[str]:
    """Folded letters-and-digits runs: "6.204.318" → ["6", "204", "318"], "Hàng" → ["hang"].

    The same on the index's text and on page words however each splits a figure or glues
    a syllable, so a passage and its page compare word by word.
    """
    return _TOKEN.findall(fold_diacritics(unicodedata.normalize("NFC", text)))


def passage_boxes(words: list[Word], quote: str) -> list[Word]:
    """The page words that spell the quote: the window of page words matching most of it.

    OCR and the text layer split words their own way, so words are compared as folded
    tokens, in order, with slips allowed (a misread word, a stray mark). Of two windows
    that match as much, the tighter wins: "khách hàng" on the line above a "Hàng tồn kho"
    row is not where the row starts.
    """
    wanted = _tokens(quote)
    if not wanted or not words:
        return []
    page_tokens: list[tuple[str, int]] = []
    for index, word in enumerate(words):
        page_tokens.extend((token, index) for token in _tokens(word.text))
    heads = set(wanted[:3])
    best: tuple[float, int, int, int] = (0.0, 0, 0, 0)  # score, matched, first, last
    for start in range(len(page_tokens)):
        if page_tokens[start][0] not in heads:
            continue
        position = wanted.index(page_tokens[start][0], 0, 3) + 1
        matched, last = 1, start
        for offset in range(start + 1, min(len(page_tokens), start + len(wanted) * 2)):
            if position >= len(wanted):
                break
            look = wanted[position : position + 3]
            token = page_tokens[offset][0]
            if token in look:
                position += look.index(token) + 1
                matched += 1
                last = offset
        gaps = (last - start + 1) - matched
        score = matched - 0.3 * gaps
        if score > best[0]:
            best = (score, matched, start, last)
    if best[1] < max(2, len(wanted) * MIN_MATCHED):
        return []
    indexes = sorted({page_tokens[i][1] for i in range(best[2], best[3] + 1)})
    return [words[i] for i in indexes]


def _line_boxes(words: list[Word]) -> list[tuple[float, float, float, float]]:
    """One box per line of marked words, so a highlight reads as a highlighter stroke."""
    from ingest.layout import group_lines

    return [
        (min(w.x0 for w in line.words), line.y0, max(w.x1 for w in line.words), line.y1)
        for line in group_lines(words)
    ]


def draw_highlight(image: Any, boxes: list[tuple[float, float, float, float]], scale: float) -> Any:
    """The page image with translucent boxes over the passage."""
    from PIL import Image, ImageDraw

    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, y0, x1, y1 in boxes:
        box = (x0 * scale - 3, y0 * scale - 2, x1 * scale + 3, y1 * scale + 2)
        draw.rectangle(box, fill=HIGHLIGHT, outline=OUTLINE, width=2)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


@dataclass(frozen=True)
class PageView:
    image: Any  # PIL image
    page: int
    pages: int
    boxes: int  # how many line boxes mark the passage (0: shown without a mark)
    recognized: bool  # the boxes come from OCR word boxes (a scanned page)
    focus: float | None = None  # where the mark is, as a share of the page height
    seconds: float = 0.0


def _page_boxes(
    settings: Settings, located: Located, number: int, quote: str
) -> tuple[list[tuple[float, float, float, float]], bool, float]:
    """The passage's line boxes on page ``number`` (points), whether from OCR, page height."""
    from ingest.loaders.pdf import page_words
    from ingest.pipeline import load_options

    words = page_words(located.path, number, load_options(settings, located.sha256, None))
    marked = passage_boxes(words.words, quote) or (
        passage_boxes(words.words, located.text) if quote else []
    )
    return _line_boxes(marked), words.recognized, float(words.height)


def page_view(
    settings: Settings, located: Located, quote: str, page: int | None = None
) -> PageView:
    """The page of a PDF passage (or another page of it, for next/previous), marked.

    The passage is looked for on its page, and on the next one when it is not there (a
    chunk that starts at the foot of a page); other pages are shown unmarked.
    """
    from ingest.loaders.pdf import page_count, render_page

    started = time.perf_counter()
    quote = quote or located.text
    with _PDFIUM:
        total = located.pages or page_count(located.path)
        home = max(1, min(located.page or 1, total))
        number = max(1, min(page or home, total))
        boxes: list[tuple[float, float, float, float]] = []
        recognized = False
        height = 0.0
        candidates = [home, home + 1] if page is None else [number]
        for candidate in candidates:
            if candidate > total or candidate not in (home, home + 1):
                continue
            boxes, recognized, height = _page_boxes(settings, located, candidate, quote)
            if boxes:
                number = candidate
                break
        image = render_page(located.path, number, PAGE_DPI)
    focus = None
    if boxes and height:
        focus = min(1.0, max(0.0, (boxes[0][1] + boxes[0][3]) / 2 / height))
    marked = draw_highlight(image, boxes, PAGE_DPI / 72) if boxes else image
    seconds = time.perf_counter() - started
    return PageView(marked, number, total, len(boxes), recognized, focus, seconds)


# -- the passage in its text -----------------------------------------------------------------
def _find_loose(haystack: str, needle: str, start: int = 0) -> tuple[int, int] | None:
    """Where ``needle`` occurs in ``haystack`` from ``start``, whatever the whitespace."""
    words = needle.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.compile(pattern).search(haystack, start)
    return (match.start(), match.end()) if match else None


def _passage_span(text: str, located: Located) -> tuple[int, int]:
    """Where the chunk sits in the document's text: its offsets, checked, or searched."""
    start, end = located.start, located.end
    if start is not None and end is not None and text[start:end].strip() == located.text.strip():
        return start, end
    found = _find_loose(text, located.text)
    if found:
        return found
    head = _find_loose(text, " ".join(located.text.split()[:12]))
    if head:
        return head[0], min(len(text), head[0] + len(located.text))
    return 0, 0


def _quote_spans(text: str, chunk: tuple[int, int], quote: str) -> list[tuple[int, int]]:
    """The quote's sentences (or lines) in the text, looked for in the chunk first."""
    spans: list[tuple[int, int]] = []
    for piece in [p for p in quote.split("\n") if p.strip()]:
        found = _find_loose(text[: chunk[1] + len(piece)], piece, chunk[0]) or _find_loose(
            text, piece
        )
        if found:
            spans.append(found)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _cut(text: str, index: int, *, backwards: bool) -> int:
    """A paragraph or sentence boundary near ``index``, so the context starts cleanly."""
    if backwards:
        if index <= 0:
            return 0
        window = text.rfind("\n", max(0, index - 300), index)
        return window + 1 if window >= 0 else index
    if index >= len(text):
        return len(text)
    window = text.find("\n", index, index + 300)
    return window if window >= 0 else index


def _paragraph_html(part: str) -> str:
    escaped = html.escape(part)
    return re.sub(r"\n\s*\n+", "</p><p>", escaped).replace("\n", "<br>")


def context_html(
    settings: Settings, located: Located, quote: str, around: int = CONTEXT_CHARS
) -> str:
    """A DOCX, HTML, TXT or MD passage marked in the text around it.

    The text is the file read again the way ingest read it, so the chunk's offsets hold;
    the quote (the answering sentences) is marked, or the whole passage without one.
    """
    from ingest.library import documents, indexed_text

    record = documents(settings).get(located.source)
    if record is None:
        raise NotShown("Tài liệu không còn trong chỉ mục (the document is no longer indexed).")
    text = indexed_text(settings, record)
    chunk = _passage_span(text, located)
    spans = _quote_spans(text, chunk, quote) if quote else []
    if not spans and chunk[1] > chunk[0]:
        spans = [chunk]
    begin, finish = (spans[0][0], spans[-1][1]) if spans else (0, 0)
    first = _cut(text, max(0, begin - around), backwards=True)
    last = _cut(text, min(len(text), finish + around), backwards=False)
    parts: list[str] = []
    cursor = first
    for a, b in spans:
        a, b = max(a, first), min(b, last)
        if b <= a:
            continue
        parts.append(_paragraph_html(text[cursor:a]))
        parts.append(f'<mark class="hd-passage">{_paragraph_html(text[a:b])}</mark>')
        cursor = b
    parts.append(_paragraph_html(text[cursor:last]))
    lead = '<p class="hd-more">…</p>' if first > 0 else ""
    tail = '<p class="hd-more">…</p>' if last < len(text) else ""
    body = "".join(parts).strip()
    return f'<div class="hd-context">{lead}<p>{body}</p>{tail}</div>'


# -- the original file, to download ----------------------------------------------------------
def _prune(folder: Path, keep_seconds: float) -> None:
    cutoff = time.time() - keep_seconds
    for entry in folder.iterdir() if folder.is_dir() else ():
        try:
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def original_copy(located: Located, root: Path | None = None) -> Path:
    """A copy of the original file outside the data dir, for the page to offer as a download.

    The data dir is closed to Gradio's file routes (``blocked_paths``), so the page serves a
    copy (a hard link when the file system allows) named after the document, kept by its
    content hash and removed a day later.
    """
    root = root or Path(tempfile.gettempdir()) / "hoidap-originals"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / located.sha256[:32]
    target = folder / (Path(located.name).name or located.path.name)
    if target.is_file() and target.stat().st_size == located.path.stat().st_size:
        os.utime(folder)
        return target
    _prune(root, COPIES_KEPT_SECONDS)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = folder / f".{target.name}.part"
    partial.unlink(missing_ok=True)
    try:
        os.link(located.path, partial)
    except OSError:
        shutil.copyfile(located.path, partial)
    os.replace(partial, target)
    return target
