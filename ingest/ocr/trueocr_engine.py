"""trueocr (PyPI, Apache-2.0): Vietnamese text detection and recognition in ONNX, on the CPU.

It boxes runs of text rather than single words, and sometimes runs two neighbouring table
cells into one ("38.255.091.705.27937.553.650.065.098"): such runs are cut back into their
figures here, where the broken digit grouping shows where one figure ends.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ingest.layout import Word
from ingest.ocr.base import OcrPageError, OcrUnavailableError

if TYPE_CHECKING:
    from PIL.Image import Image

_RUN_OF_FIGURES = re.compile(r"\(?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{3,})+\)?")


def split_run_figures(text: str) -> list[str]:
    """"38.255.091.705.27937.553.650.065.098" → the two figures it is made of.

    In dot- or comma-grouped figures every group after the first has three digits; a longer
    group is the end of one figure (its first three digits) and the start of the next.
    """
    separator = "." if text.count(".") >= text.count(",") else ","
    groups = text.strip("()").split(separator)
    figures: list[list[str]] = [[groups[0]]]
    for group in groups[1:]:
        if len(group) <= 3:
            figures[-1].append(group)
            continue
        figures[-1].append(group[:3])
        figures.append([group[3:]])
    return [separator.join(f) for f in figures]


@dataclass
class TrueOcrEngine:
    threads: int = 2
    name: str = "trueocr"
    _model: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from trueocr import OCRConfig, TrueOCR
                except ImportError as exc:
                    msg = (
                        "Chưa cài trueocr để nhận dạng chữ trong bản scan "
                        "(trueocr is not installed: pip install trueocr opencv-python-headless)"
                    )
                    raise OcrUnavailableError(msg) from exc
                self._model = TrueOCR(OCRConfig(threads=self.threads, save_outputs=False))
            return self._model

    @property
    def recipe(self) -> str:
        try:
            from importlib.metadata import version

            return f"trueocr {version('trueocr')}"
        except Exception:  # metadata missing: still a stable name
            return "trueocr"

    def recognize(self, image: Image, *, timeout: float) -> list[Word]:
        try:
            result = self.model().predict(image.convert("RGB"))
        except OcrUnavailableError:
            raise
        except Exception as exc:  # the engine's own failure on one page
            raise OcrPageError(f"trueocr: {type(exc).__name__}: {exc}") from exc
        words: list[Word] = []
        for line in result.lines:
            x0, y0, x1, y1 = (float(v) for v in line["bbox"])
            text = str(line["text"]).strip()
            if not text:
                continue
            pieces = text.split(" ")
            # spread a run's words over its box by their length: enough for cell gaps,
            # which the engine already split into separate runs
            total = sum(len(p) for p in pieces) + len(pieces) - 1
            cursor = x0
            for piece in pieces:
                width = (x1 - x0) * len(piece) / max(total, 1)
                parts = split_run_figures(piece) if _RUN_OF_FIGURES.fullmatch(piece) else [piece]
                step = width / len(parts)
                for part in parts:
                    words.append(Word(part, cursor, y0, cursor + step, y1))
                    cursor += step + (2.0 * (y1 - y0) if len(parts) > 1 else 0.0)
                cursor += (x1 - x0) / max(total, 1)
        return words
