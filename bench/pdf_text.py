"""Which PDF text extractor keeps Vietnamese words apart: glued-token rate per extractor.

    .venv/bin/python bench/pdf_text.py [PDF ...]

(default: the text-layer PDFs in ../shared/reports and a statement the tests generate)

For each PDF, extracts the text with PyMuPDF's ``get_text()``, pypdfium2's text page,
poppler's ``pdftotext -layout`` (when installed) and hoidap's own loader (pdfium words →
layout → glued-syllable repair), and prints the share of word tokens with a Vietnamese
letter that are not valid Vietnamese syllables (``ingest.syllables.glued_rate``): "Dựphòng"
and "ThuếGTGT" count, "Nguyễn" does not. Lower is better; OCR errors in a scan's own text
layer count too, equally for every extractor.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.loaders import LoadOptions, load  # noqa: E402
from ingest.syllables import glued_rate  # noqa: E402

SHARED = ROOT.parent / "shared" / "reports"


def pymupdf_text(path: Path) -> str:
    import pymupdf

    with pymupdf.open(path) as doc:
        return "\n".join(page.get_text() for page in doc)


def pdfium_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def poppler_text(path: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=False
    )
    return done.stdout.decode("utf-8", "replace")


def hoidap_text(path: Path) -> str:
    return load(path, LoadOptions(ocr="off")).text


def default_pdfs(tmp: Path) -> list[Path]:
    pdfs = [p for p in sorted(SHARED.glob("*.pdf")) if pdfium_text(p).strip()]
    sys.path.insert(0, str(ROOT))
    from tests.report_files import write_text_pdf

    pdfs.append(write_text_pdf(tmp / "generated-statement.pdf"))
    return pdfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = args.pdfs or default_pdfs(Path(tmp))
        extractors = {
            "pymupdf get_text": pymupdf_text,
            "pypdfium2": pdfium_text,
            "poppler -layout": poppler_text,
            "hoidap loader": hoidap_text,
        }
        print("| file | " + " | ".join(extractors) + " |")
        print("|---|" + "---|" * len(extractors))
        for pdf in pdfs:
            cells = []
            for extract in extractors.values():
                text = extract(pdf)
                cells.append("—" if text is None else f"{glued_rate(text):.4f}")
            print(f"| {pdf.name[:40]} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
