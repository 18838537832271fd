"""Show a cited passage where it came from: its PDF page as an image with the passage boxed,
or, for DOCX, HTML, TXT and MD, the passage marked in its surrounding text.

People check an answer by looking at the original. For a scan the boxes come from the OCR
word boxes the ingest kept; for a text-layer page, from the text layer. Only documents in
the index can be shown, and the request names a chunk (an id from an answer's sources),
never a path: the file is the one the manifest holds for that chunk.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoidap.settings import Settings
from ingest.layout import Word
from ingest.normalize import normalize_text
from qa import fold_diacritics, syllables

HIGHLIGHT = (255, 214, 0, 96)
OUTLINE = (220, 120, 0, 255)
PAGE_DPI = 110


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


def locate(settings: Settings, chunk_id: str) -> Located:
    """The indexed file a chunk belongs to, or :class:`NotShown`."""
    from ingest.library import chunks, document_record

    if not chunk_id or len(chunk_id) > 64 or not chunk_id.isalnum():
        raise NotShown("Mã đoạn trích không hợp lệ (invalid passage id)")
    found = chunks(settings, [chunk_id])
    if chunk_id not in found:
        raise NotShown("Đoạn trích không còn trong chỉ mục (the passage is no longer indexed)")
    text, meta = found[chunk_id]
    record = document_record(settings, chunk_id)
    if record is None:
        raise NotShown("Tài liệu không còn trong chỉ mục (the document is no longer indexed)")
    path = Path(record.source)
    if not path.is_file():
        raise NotShown(f"Không còn tệp gốc (the original file is gone): {record.name}")
    page = meta.get("page")
    return Located(
        path,
        record.name,
        int(page) if isinstance(page, int) and page > 0 else None,
        record.pages,
        text,
        meta.get("start") if isinstance(meta.get("start"), int) else None,
        meta.get("end") if isinstance(meta.get("end"), int) else None,
        record.sha256,
    )


def _tokens(text: str) -> list[str]:
    return [fold_diacritics(t) for t in syllables(normalize_text(text))]


def passage_boxes(words: list[Word], quote: str) -> list[Word]:
    """The page words that spell the quote: the window of page words matching most of it.

    OCR and the text layer split words their own way, so words are compared as folded
    syllables, in order, with slips allowed.
    """
    wanted = _tokens(quote)
    if not wanted or not words:
        return []
    page_tokens: list[tuple[str, int]] = []
    for index, word in enumerate(words):
        page_tokens.extend((token, index) for token in _tokens(word.text))
    best: tuple[int, int, int] = (0, 0, 0)  # matches, first, last token index
    for start in range(len(page_tokens)):
        if page_tokens[start][0] != wanted[0] and page_tokens[start][0] not in wanted[:3]:
            continue
        matched, position, last = 0, 0, start
        for offset in range(start, min(len(page_tokens), start + len(wanted) * 2)):
            token = page_tokens[offset][0]
            look = wanted[position : position + 3]
            if token in look:
                position += look.index(token) + 1
                matched += 1
                last = offset
                if position >= len(wanted):
                    break
        if matched > best[0]:
            best = (matched, start, last)
    if best[0] < max(2, len(wanted) // 3):
        return []
    indexes = sorted({page_tokens[i][1] for i in range(best[1], best[2] + 1)})
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
        box = (x0 * scale - 2, y0 * scale - 2, x1 * scale + 2, y1 * scale + 2)
        draw.rectangle(box, fill=HIGHLIGHT, outline=OUTLINE, width=2)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


@dataclass(frozen=True)
class PageView:
    image: Any  # PIL image
    page: int
    pages: int
    boxes: int  # how many line boxes mark the passage (0: shown without a mark)
    recognized: bool


def page_view(settings: Settings, located: Located, quote: str, page: int | None = None) -> PageView:
    """The page of a PDF passage (or another page of it, for next/previous), marked."""
    from ingest.loaders.pdf import page_count, page_words, render_page
    from ingest.pipeline import load_options

    number = page or located.page or 1
    total = located.pages or page_count(located.path)
    number = max(1, min(number, total))
    image = render_page(located.path, number, PAGE_DPI)
    boxes: list[tuple[float, float, float, float]] = []
    recognized = False
    if number == located.page:
        words = page_words(located.path, number, load_options(settings, located.sha256, None))
        recognized = words.recognized
        boxes = _line_boxes(passage_boxes(words.words, quote or located.text))
    marked = draw_highlight(image, boxes, PAGE_DPI / 72) if boxes else image
    return PageView(marked, number, total, len(boxes), recognized)


def context_html(settings: Settings, located: Located, quote: str, around: int = 1500) -> str:
    """A DOCX, HTML, TXT or MD passage marked in the text around it."""
    from ingest.loaders import LoadOptions, load

    document = load(located.path, LoadOptions(ocr="off"))
    text = normalize_text(document.text)
    target = normalize_text(quote or located.text).split("\n")[-1][:200]
    start = text.find(target) if target else -1
    if start < 0 and located.start is not None:
        start = located.start
    if start < 0:
        start = 0
    end = start + len(target) if target else start
    first = max(0, start - around)
    last = min(len(text), end + around)
    before, marked, after = text[first:start], text[start:end], text[end:last]

    def paragraphs(part: str) -> str:
        return html.escape(part).replace("\n\n", "</p><p>").replace("\n", "<br>")

    return (
        '<div class="hoidap-context"><p>'
        + ("… " if first else "")
        + paragraphs(before)
        + f"<mark>{paragraphs(marked)}</mark>"
        + paragraphs(after)
        + (" …" if last < len(text) else "")
        + "</p></div>"
    )
