"""Several companies' statements in one library, for the scope tests: the invented
statements of :mod:`tests.statement_files` under other names and tickers, every figure
multiplied by the same factor (so the statements' identities still hold)."""

from __future__ import annotations

import re
from pathlib import Path

from tests import statement_files as sf

# file stem → (company words, ticker, factor)
COMPANIES = {
    "gtl-q1-2025": ("Thạch Lam", "GTL", 1),
    "hpg-q1-2025": ("Hòa Phát", "HPG", 3),
    "sda-q1-2025": ("Sông Đà", "SDA", 2),
}
_FIGURE = re.compile(r"\d{1,3}(?:\.\d{3})+")


def scaled(figure: str, factor: int) -> str:
    """``sf.PROFIT`` as the company with ``factor`` prints it."""
    value = int(figure.replace(".", "")) * factor
    return f"{value:,}".replace(",", ".")


def write_company(folder: Path, stem: str) -> Path:
    words, ticker, factor = COMPANIES[stem]
    path = sf.write_markdown_pipe(folder / f"{stem}.md")
    text = path.read_text(encoding="utf-8")
    text = text.replace("THẠCH LAM", words.upper()).replace("Thạch Lam", words)
    text = text.replace(sf.TICKER, ticker)
    text = _FIGURE.sub(lambda m: scaled(m.group(0), factor), text)
    path.write_text(text, encoding="utf-8")
    return path


def write_library(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_company(folder, stem) for stem in COMPANIES]


def ingest_library(folder: Path, settings: object) -> None:
    """The three companies and the sample police report, ingested with ``settings``."""
    import shutil

    from ingest import ingest
    from tests.conftest import SAMPLE

    write_library(folder)
    shutil.copy(SAMPLE, folder / "can-tho.txt")
    report = ingest([str(folder)], settings=settings)  # type: ignore[arg-type]
    assert not report.failed and len(report.added) == 4, report.summary()
