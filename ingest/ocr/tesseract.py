"""Tesseract 5 with the Vietnamese model (Debian's ``tesseract-ocr`` + ``tesseract-ocr-vie``).

Run as a child process, one page at a time, so a page that hangs is killed at its time
limit and the memory it used is given back. ``--psm 6`` (one uniform block of text) keeps a
table row on one line; the TSV output boxes every word, which is what rebuilds columns.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ingest.layout import Word
from ingest.ocr.base import OcrPageError, OcrUnavailableError

if TYPE_CHECKING:
    from PIL.Image import Image

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"


@dataclass
class TesseractEngine:
    language: str = "vie"
    psm: int = 6
    threads: int = 1  # pages run one after another; OpenMP threads only fight for 2 cores
    name: str = "tesseract"

    @cached_property
    def binary(self) -> str:
        found = shutil.which("tesseract")
        if not found:
            msg = (
                "Chưa cài Tesseract để nhận dạng chữ trong bản scan "
                f"(Tesseract OCR is not installed: {INSTALL_HINT})"
            )
            raise OcrUnavailableError(msg)
        languages = subprocess.run(
            [found, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
        if self.language not in languages:
            msg = (
                f"Tesseract thiếu dữ liệu tiếng Việt (Tesseract has no '{self.language}' "
                f"language data: {INSTALL_HINT})"
            )
            raise OcrUnavailableError(msg)
        return found

    @cached_property
    def version(self) -> str:
        out = subprocess.run(
            [self.binary, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        first = (out.stdout or out.stderr).splitlines()
        return first[0].strip() if first else "tesseract"

    @property
    def recipe(self) -> str:
        return f"{self.version};lang={self.language};psm={self.psm}"

    def recognize(self, image: Image, *, timeout: float) -> list[Word]:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        env = {"OMP_THREAD_LIMIT": str(self.threads), "PATH": "/usr/bin:/bin"}
        try:
            done = subprocess.run(
                [self.binary, "stdin", "stdout", "-l", self.language, "--psm", str(self.psm),
                 "tsv"],
                input=buffer.getvalue(),
                capture_output=True,
                timeout=timeout,
                env=env,
                check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise OcrPageError(f"quá {timeout:.0f} giây (over {timeout:.0f} s)") from exc
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise OcrPageError(f"tesseract: {reason[0]}")
        return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[Word]:
    """Level-5 rows of Tesseract's TSV (one per word) as words with boxes."""
    words: list[Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        try:
            left, top = float(row["left"]), float(row["top"])
            width, height = float(row["width"]), float(row["height"])
        except (KeyError, TypeError, ValueError):
            continue
        words.append(Word(text, left, top, left + width, top + height))
    return words
