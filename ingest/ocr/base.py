"""What every OCR engine gives hoidap: the words of a page image, with their boxes.

Engines differ in speed, in the letters they know and in whether they box words or whole
text runs; behind this one interface the loader, the layout rebuild and the cache do not
care which one read the page (docling's ``base_ocr_model.py`` is the model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from hoidap.errors import UserError

if TYPE_CHECKING:
    from PIL.Image import Image

    from ingest.layout import Word


class OcrUnavailableError(UserError):
    """The OCR engine asked for is not installed here; the message says how to get it."""


class OcrPageError(Exception):
    """One page could not be recognized (timeout, engine crash); the other pages go on."""


class OcrEngine(Protocol):
    """Reads one page image into positioned words (pixel coordinates, top-left origin)."""

    name: str

    @property
    def recipe(self) -> str:
        """Everything about the engine that changes its output: cached pages depend on it."""
        ...

    def recognize(self, image: Image, *, timeout: float) -> list[Word]: ...
