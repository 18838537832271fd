"""OCR for pages without a real text layer: engines behind one interface, chosen by name.

``HOIDAP_OCR`` / ``--ocr``: ``auto`` (the default engine, on the pages that need it),
``off``, or an engine name (``tesseract``, ``trueocr``). The default was chosen by
measurement on real scans (``bench/ocr.py``).
"""

from __future__ import annotations

from ingest.ocr.base import OcrEngine, OcrPageError, OcrUnavailableError

ENGINES = ("tesseract", "trueocr")
DEFAULT_ENGINE = "tesseract"
OCR_MODES = ("auto", "off", *ENGINES)

_engines: dict[str, OcrEngine] = {}


def get_engine(name: str) -> OcrEngine:
    """One engine object per name and process: trueocr loads its models once."""
    engine_name = DEFAULT_ENGINE if name == "auto" else name
    if engine_name not in ENGINES:
        msg = f"Không có bộ OCR '{name}' (unknown OCR engine; choose from: {', '.join(OCR_MODES)})"
        raise OcrUnavailableError(msg)
    if engine_name not in _engines:
        if engine_name == "tesseract":
            from ingest.ocr.tesseract import TesseractEngine

            _engines[engine_name] = TesseractEngine()
        else:
            from ingest.ocr.trueocr_engine import TrueOcrEngine

            _engines[engine_name] = TrueOcrEngine()
    return _engines[engine_name]


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "OCR_MODES",
    "OcrEngine",
    "OcrPageError",
    "OcrUnavailableError",
    "get_engine",
]
