"""PDF: the text layer where a page has one, OCR where it is a scan, tables rebuilt as rows.

Text layers are read with pdfium (pypdfium2), character by character with their boxes:
PyMuPDF's ``get_text()`` glues Vietnamese syllables after toned letters on real reports
("Dựphòng", "ThuếGTGT") where pdfium keeps the spaces (``bench/pdf_text.py``). Whether a
page needs OCR is decided per page: an image covering most of it and next to no text (a
scan, perhaps with a signature stamp's few dozen characters) is rendered and recognized;
any other page keeps its text layer, so mixed files work. Recognized pages are cached by
file content, page and engine recipe, so re-ingesting a scan never recognizes it again.
Pages are read one at a time: a 300-page scan holds one page image in memory, not all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.document import Block, LoadedDocument, LoaderError, Table
from ingest.layout import Word, words_to_blocks
from ingest.loaders.base import MAX_TITLE, LoadOptions
from ingest.syllables import split_glued

log = logging.getLogger(__name__)

# a page with fewer characters than this in its text layer and an image over most of it
# is a scan (a digital signature stamp is ~150 characters)
SCAN_TEXT_CHARS = 200
SCAN_IMAGE_COVER = 0.5
# fewer characters per page than this, after OCR if any, is a file that was not read
MIN_CHARS_PER_PAGE = 40


@dataclass
class _PageText:
    words: list[Word]
    chars: int
    garbled: int
    image_cover: float


def _corrupt(name: str, detail: object = "") -> LoaderError:
    tail = f" — {detail}" if detail else ""
    return LoaderError(f"Tệp PDF bị hỏng hoặc không đọc được (corrupt PDF): {name}{tail}")


def _open(data: bytes, name: str) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise LoaderError(
                "Tệp PDF được bảo vệ bằng mật khẩu, hãy gỡ mật khẩu rồi tải lên lại "
                f"(password-protected / encrypted PDF): {name}"
            ) from exc
        raise _corrupt(name, exc) from exc


def _text_layer(page: Any) -> _PageText:
    """The page's words with boxes (top-left origin, points), and how much image covers it."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    words: list[Word] = []
    chars = garbled = 0
    current: list[str] = []
    box: list[float] = []

    def close() -> None:
        if current:
            words.append(Word("".join(current), box[0], height - box[3], box[2], height - box[1]))
        current.clear()
        box.clear()

    try:
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage.raw, i)
            char = chr(code) if 0 < code < 0x110000 else "\ufffd"
            if char.isspace() or char == "\x00":
                close()
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            if current and unicodedata.combining(char):
                current.append(char)  # a tone mark drawn apart from its letter: same word
                continue
            size = max(top - bottom, box[3] - box[1] if box else 0.0, 1.0)
            middle = (top + bottom) / 2
            same_line = box[1] - size / 2 < middle < box[3] + size / 2 if box else True
            if current and (left - box[2] > 0.6 * size or not same_line):
                close()  # a gap or a new line without a generated space
            chars += 1
            garbled += char == "\ufffd"
            current.append(char)
            if box:
                box[:] = [min(box[0], left), min(box[1], bottom), max(box[2], right),
                          max(box[3], top)]  # fmt: skip
            else:
                box[:] = [left, bottom, right, top]
        close()
    finally:
        textpage.close()
    cover = 0.0
    area = max(width * height, 1.0)
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        cover = max(cover, max(0.0, right - left) * max(0.0, top - bottom) / area)
    return _PageText(words, chars, garbled, min(cover, 1.0))


def needs_ocr(text: _PageText) -> bool:
    """A scan: an image over most of the page and next to no real text on it."""
    real = text.chars - text.garbled
    if text.image_cover < SCAN_IMAGE_COVER:
        return False
    return real < SCAN_TEXT_CHARS or text.garbled > text.chars // 10


class _OcrCache:
    """Recognized pages on disk, one JSON file per page, keyed by content + page + recipe."""

    def __init__(self, root: Path | None, sha256: str, recipe: str) -> None:
        key = hashlib.sha256(recipe.encode()).hexdigest()[:16]
        self.folder = root / sha256[:2] / f"{sha256}-{key}" if root else None

    def get(self, page: int) -> list[Word] | None:
        if self.folder is None:
            return None
        try:
            data = json.loads((self.folder / f"{page}.json").read_text(encoding="utf-8"))
            return [Word(str(w[0]), *map(float, w[1:5])) for w in data["words"]]
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def put(self, page: int, words: list[Word]) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            payload = {"words": [[w.text, w.x0, w.y0, w.x1, w.y1] for w in words]}
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(tmp, self.folder / f"{page}.json")
        except OSError as exc:  # a full disk costs a re-OCR next time, not this ingest
            log.warning("OCR cache not written for page %s: %s", page, exc)


def ocr_recipe(options: LoadOptions, engine_recipe: str) -> str:
    return f"{engine_recipe};dpi={options.ocr_dpi}"


def _recognize(page: Any, engine: Any, options: LoadOptions) -> list[Word]:
    """Render one page, recognize it, and give its words in PDF points."""
    scale = options.ocr_dpi / 72.0
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image = bitmap.to_pil()
        words = engine.recognize(image, timeout=options.ocr_page_timeout)
    finally:
        bitmap.close()
    return [Word(w.text, w.x0 / scale, w.y0 / scale, w.x1 / scale, w.y1 / scale) for w in words]


def _pages(pdf: Any, name: str) -> Iterator[tuple[int, Any]]:
    for number in range(1, len(pdf) + 1):
        try:
            page = pdf[number - 1]
        except Exception as exc:  # a page object that does not parse: the file is broken
            raise _corrupt(name, f"trang {number} (page {number}): {exc}") from exc
        try:
            yield number, page
        finally:
            page.close()


def load_pdf(data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
    name = path.name
    pdf = _open(data, name)
    try:
        return _read(pdf, data, path, options)
    finally:
        pdf.close()


def _read(pdf: Any, data: bytes, path: Path, options: LoadOptions) -> LoadedDocument:
    name = path.name
    total = len(pdf)
    if total <= 0:
        raise _corrupt(name)
    if total > options.max_pages:
        raise LoaderError(
            f"Tệp PDF có {total} trang, quá giới hạn {options.max_pages} trang "
            f"(PDF has {total} pages, over the limit of {options.max_pages}; "
            f"raise HOIDAP_PDF_MAX_PAGES): {name}"
        )
    engine = None
    engine_error: str | None = None
    cache: _OcrCache | None = None
    blocks: list[Block] = []
    notes: list[str] = []
    ocr_pages: list[int] = []
    failed_pages: list[str] = []
    chars_read = 0
    carry: Table | None = None
    for number, page in _pages(pdf, name):
        text = _text_layer(page)
        words = text.words
        if needs_ocr(text) and options.ocr != "off" and engine_error is None:
            if engine is None:
                from ingest.ocr import OcrUnavailableError, get_engine

                try:
                    engine = get_engine(options.ocr)
                    recipe = ocr_recipe(options, engine.recipe)
                except OcrUnavailableError as exc:
                    engine_error = str(exc)
                else:
                    sha = options.sha256 or hashlib.sha256(data).hexdigest()
                    cache = _OcrCache(options.cache_dir, sha, recipe)
            if engine is not None and cache is not None:
                cached = cache.get(number)
                if cached is not None:
                    words = cached
                    ocr_pages.append(number)
                else:
                    from ingest.ocr import OcrPageError

                    try:
                        words = _recognize(page, engine, options)
                    except OcrPageError as exc:
                        failed_pages.append(f"trang {number} (page {number}): {exc}")
                    else:
                        cache.put(number, words)
                        ocr_pages.append(number)
        words = [Word(split_glued(w.text), w.x0, w.y0, w.x1, w.y1) for w in words]
        page_blocks, carry = words_to_blocks(words, page=number, previous=carry)
        for block in page_blocks:
            if block.text.count("\ufffd") > len(block.text) // 10:
                continue  # glyphs without a Unicode mapping (a broken font map): no usable text
            blocks.append(block)
            chars_read += sum(not c.isspace() for c in block.text)
        if options.page_progress is not None:
            options.page_progress(number, total)
    if ocr_pages:
        count = len(ocr_pages)
        notes.append(f"Đã nhận dạng chữ (OCR) {count}/{total} trang (OCR: {count}/{total} pages)")
    if failed_pages:
        notes.append("Không nhận dạng được (OCR failed): " + "; ".join(failed_pages))
    if chars_read < MIN_CHARS_PER_PAGE * total:
        raise _too_little(name, total, chars_read, options, engine_error, failed_pages)
    metadata_title = (pdf.get_metadata_dict() or {}).get("Title") or ""
    return LoadedDocument(
        title=_title(metadata_title, blocks, path), blocks=blocks, notes=notes, page_count=total
    )


def _too_little(
    name: str,
    pages: int,
    chars: int,
    options: LoadOptions,
    engine_error: str | None,
    failed: list[str],
) -> LoaderError:
    """The plain message for a file that would otherwise be indexed as next to nothing."""
    if options.ocr == "off":
        why = "OCR đang tắt, hãy bật HOIDAP_OCR=auto (OCR is off: set HOIDAP_OCR=auto)"
    elif engine_error:
        why = engine_error
    elif failed:
        why = "OCR lỗi (OCR failed): " + "; ".join(failed[:3])
    else:
        why = "có thể là bản scan mờ hoặc trang trắng (a blurred scan or blank pages?)"
    return LoaderError(
        f"{pages} trang nhưng chỉ đọc được {chars} ký tự — {why} "
        f"({pages} pages but only {chars} characters could be read): {name}"
    )


def _title(metadata_title: str, blocks: list[Block], path: Path) -> str:
    """The metadata title unless it is a scanner's or a date's, else the first line."""
    title = " ".join(metadata_title.split())
    if title and any(ch.isalpha() for ch in title) and not title[:4].isdigit():
        return title
    first_page = [b for b in blocks if b.page == 1 and b.table is None]
    first_line = first_page[0].text.split("\n")[0].strip() if first_page else ""
    return first_line if 0 < len(first_line) < MAX_TITLE else path.stem


@dataclass(frozen=True)
class PageWords:
    """A page's words as hoidap read them (text layer, or OCR for a scan), in points."""

    width: float
    height: float
    words: list[Word]
    recognized: bool  # the words came from OCR


def page_words(path: Path, page: int, options: LoadOptions) -> PageWords:
    """The words of one page with their boxes, for showing a cited passage on the page.

    A scanned page's words come from the OCR cache the ingest filled (recognized again,
    and cached, only when the cache lacks them); other pages' from the text layer.
    """
    data = path.read_bytes()
    pdf = _open(data, path.name)
    try:
        if not 1 <= page <= len(pdf):
            raise LoaderError(f"Không có trang {page} (no page {page}): {path.name}")
        handle = pdf[page - 1]
        try:
            width, height = handle.get_size()
            text = _text_layer(handle)
            if not needs_ocr(text) or options.ocr == "off":
                return PageWords(width, height, text.words, False)
            from ingest.ocr import get_engine

            engine = get_engine(options.ocr)
            sha = options.sha256 or hashlib.sha256(data).hexdigest()
            cache = _OcrCache(options.cache_dir, sha, ocr_recipe(options, engine.recipe))
            words = cache.get(page)
            if words is None:
                words = _recognize(handle, engine, options)
                cache.put(page, words)
            return PageWords(width, height, words, True)
        finally:
            handle.close()
    finally:
        pdf.close()


def render_page(path: Path, page: int, dpi: int = 110) -> Any:
    """One page as a PIL image, for the page that shows a citation on its page."""
    pdf = _open(path.read_bytes(), path.name)
    try:
        if not 1 <= page <= len(pdf):
            raise LoaderError(f"Không có trang {page} (no page {page}): {path.name}")
        handle = pdf[page - 1]
        try:
            bitmap = handle.render(scale=dpi / 72)
            try:
                return bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            handle.close()
    finally:
        pdf.close()


def page_count(path: Path) -> int:
    pdf = _open(path.read_bytes(), path.name)
    try:
        return len(pdf)
    finally:
        pdf.close()
