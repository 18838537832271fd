"""OCR engines side by side: accuracy, speed, and what hoidap's OCR ingest costs beyond them.

    .venv/bin/python bench/ocr.py [--engines tesseract,trueocr] [--pages 8]
                                  [--truth PDF:PAGE:FILE ...] [--memory]

For each engine, in the same run:
- character error rate (edit distance / reference length, after NFC, one tone convention
  and folded whitespace) on pages with a hand transcription (``bench/data/02-bnv.page2.txt``
  is page 2 of the shared circular, a legal text free of copyright; pass more with
  ``--truth``) and on a statement page the tests generate (exact reference), plus the
  share of that page's figures read exactly — a wrong digit is a wrong answer;
- pages per minute of the engine alone (render + recognize) on the first ``--pages`` pages
  of each shared scan, and hoidap's loader on the same pages (render + recognize + layout +
  syllable repair), as a ratio (aim ≥ 0.9);
- with ``--memory``: peak RSS of a child process that ingests the 63-page scan.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.loaders import LoadOptions  # noqa: E402
from ingest.loaders.pdf import load_pdf  # noqa: E402
from ingest.normalize import normalize_text  # noqa: E402
from ingest.ocr import get_engine  # noqa: E402

SHARED = ROOT.parent / "shared" / "reports"
SCANS = ("02-bnv.signed.pdf", "vnm-q2-2025.pdf")
DEFAULT_TRUTH = (f"{SHARED / '02-bnv.signed.pdf'}:2:{ROOT / 'bench/data/02-bnv.page2.txt'}",)
_FIGURE = re.compile(r"\(?\d{1,3}(?:[.,]\d{3})+\)?")


def clean(text: str) -> str:
    return " ".join(normalize_text(unicodedata.normalize("NFC", text)).split())


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(hypothesis: str, reference: str) -> float:
    ref = clean(reference)
    return edit_distance(clean(hypothesis), ref) / max(len(ref), 1)


def page_text(pdf_path: Path, page: int, engine_name: str, dpi: int) -> str:
    """The engine's words of one page, in reading order (lines top to bottom)."""
    import pypdfium2 as pdfium

    from ingest.layout import group_lines

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        image = pdf[page - 1].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    words = get_engine(engine_name).recognize(image, timeout=300)
    return "\n".join(line.text for line in group_lines(words))


def generated_page(tmp: Path) -> tuple[Path, str, list[str]]:
    from tests.report_files import balance_sheet_lines, write_scanned_pdf

    path = write_scanned_pdf(tmp / "generated-scan.pdf")
    lines = balance_sheet_lines()
    by_y: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in lines:
        by_y.setdefault(y, []).append((x, text))
    reference = "\n".join(" ".join(t for _, t in sorted(by_y[y])) for y in sorted(by_y))
    return path, reference, _FIGURE.findall(reference)


def speed(engine_name: str, pages: int, dpi: int) -> tuple[float, float, int]:
    """Seconds for the engine alone and for hoidap's loader on the same pages."""
    import pypdfium2 as pdfium

    engine = get_engine(engine_name)
    total = 0
    alone = 0.0
    loader = 0.0
    for name in SCANS:
        path = SHARED / name
        pdf = pdfium.PdfDocument(path)
        count = min(pages, len(pdf))
        started = time.perf_counter()
        for index in range(count):
            image = pdf[index].render(scale=dpi / 72, grayscale=True).to_pil()
            engine.recognize(image, timeout=300)
        alone += time.perf_counter() - started
        # the loader on a PDF of the same pages: write them out once, untimed
        subset = pdfium.PdfDocument.new()
        subset.import_pages(pdf, list(range(count)))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            subset.save(handle.name)
            data = Path(handle.name).read_bytes()
            started = time.perf_counter()
            load_pdf(data, path, LoadOptions(ocr=engine_name, ocr_dpi=dpi, cache_dir=None))
            loader += time.perf_counter() - started
        pdf.close()
        total += count
    return alone, loader, total


def peak_rss_ingest(engine_name: str) -> float:
    """MB of the largest resident set of a child that ingests the 63-page scan alone."""
    with tempfile.TemporaryDirectory() as data:
        code = (
            "import sys; from ingest import ingest; from hoidap.settings import get_settings;"
            f"s=get_settings().replace(data_dir={data!r}, ocr={engine_name!r});"
            f"r=ingest([{str(SHARED / 'vnm-q2-2025.pdf')!r}], settings=s); print(r.summary())"
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="tesseract,trueocr")
    parser.add_argument("--pages", type=int, default=8, help="pages of each scan for speed")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--truth", nargs="*", default=list(DEFAULT_TRUTH), help="PDF:PAGE:FILE")
    parser.add_argument("--memory", action="store_true", help="peak RSS of a 63-page ingest")
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    rows: dict[str, dict[str, str]] = {e: {} for e in engines}
    with tempfile.TemporaryDirectory() as tmp:
        generated, reference, figures = generated_page(Path(tmp))
        for engine in engines:
            for spec in args.truth:
                pdf, page, truth = spec.rsplit(":", 2)
                text = page_text(Path(pdf), int(page), engine, args.dpi)
                label = f"CER {Path(pdf).name[:12]} p{page}"
                rows[engine][label] = f"{cer(text, Path(truth).read_text('utf-8')):.3f}"
            text = page_text(generated, 2, engine, args.dpi)
            rows[engine]["CER generated statement"] = f"{cer(text, reference):.3f}"
            read = set(_FIGURE.findall(text))
            rows[engine]["figures exact (generated)"] = (
                f"{sum(f in read for f in figures)}/{len(figures)}"
            )
            alone, loader, pages = speed(engine, args.pages, args.dpi)
            rows[engine]["pages/min, engine alone"] = f"{pages / alone * 60:.1f}"
            rows[engine]["pages/min, hoidap loader"] = f"{pages / loader * 60:.1f}"
            rows[engine]["loader / engine (speed)"] = f"{alone / loader:.2f}"
            if args.memory:
                rows[engine]["peak RSS, 63-page ingest MB"] = f"{peak_rss_ingest(engine):.0f}"
    metrics = list(next(iter(rows.values())))
    print("| metric | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for metric in metrics:
        print(f"| {metric} | " + " | ".join(rows[e].get(metric, "") for e in engines) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
