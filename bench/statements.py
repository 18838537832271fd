"""What reading statements as data costs: ingest time with and without, and answer time.

    .venv/bin/python bench/statements.py [--reports DIR] [--rounds 3] [--repeats 40]

Ingests the same files (the Markdown statements of ``DIR/md`` and one invented statement
rendered as Markdown, DOCX, XLSX and a text PDF, see ``tests/statement_files.py``) into
fresh data dirs with ``statements`` on and off, alternating, ``--rounds`` times; prints the
median seconds and the ratio (aim ≤ 1.10), and the builder's own time per file. Then asks a
ratio, a line, a change and a report question ``--repeats`` times each with the extractive
answerer (no model) and prints p50 / p95 (aim for a ratio question: p95 < 100 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoidap.metrics import percentile  # noqa: E402
from hoidap.settings import get_settings, quiet_network  # noqa: E402

QUESTIONS = {
    "ratio (tính ROE)": "tính ROE",
    "line (nợ phải trả)": "nợ phải trả là bao nhiêu",
    "change (so với đầu năm)": "hàng tồn kho giảm bao nhiêu so với đầu năm",
    "report (tên công ty)": "tên công ty là gì",
}


def files(reports: Path, folder: Path) -> list[Path]:
    from tests import statement_files as sf

    made = [
        sf.write_markdown_pipe(folder / "gtl-pipe.md"),
        sf.write_markdown_html(folder / "gtl-html.md"),
        sf.write_docx(folder / "gtl.docx"),
        sf.write_xlsx(folder / "gtl.xlsx"),
        sf.write_text_pdf(folder / "gtl.pdf"),
    ]
    return sorted((reports / "md").glob("*.md")) + made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=Path, default=ROOT.parent / "shared" / "reports")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args(argv)
    quiet_network()
    from ingest import ingest
    from qa.api import answer

    base = get_settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        paths = [str(p) for p in files(args.reports, folder)]
        # warm the encoder once so the first measured run does not pay for loading it
        ingest(paths[:1], settings=base.replace(data_dir=Path(tmp) / "warm"))
        seconds: dict[bool, list[float]] = {True: [], False: []}
        for round_ in range(args.rounds):
            for on in (True, False) if round_ % 2 == 0 else (False, True):
                settings = base.replace(data_dir=Path(tmp) / f"d{round_}-{on}", statements=on)
                started = time.perf_counter()
                report = ingest(paths, settings=settings)
                seconds[on].append(time.perf_counter() - started)
                assert not report.failed, report.failed
        on, off = statistics.median(seconds[True]), statistics.median(seconds[False])
        print(f"ingest of {len(paths)} files, median of {args.rounds} rounds")
        print(f"  {'statements off':<28}{off:8.2f} s")
        print(f"  {'statements on':<28}{on:8.2f} s")
        print(f"  {'ratio on / off':<28}{on / off:8.3f}   (aim ≤ 1.10)")

        from ingest.document import LoadedDocument
        from ingest.loaders import LoadOptions, load
        from ingest.pipeline import _normalized
        from ingest.statements import build_statements

        build_ms = []
        for path in paths:
            loaded = load(Path(path), LoadOptions(ocr="off"))
            blocks = [b for b in (_normalized(x) for x in loaded.blocks) if b is not None]
            doc = LoadedDocument(loaded.title, blocks)
            started = time.perf_counter()
            build_statements(doc, path, Path(path).name, lambda t, i: (None, None))
            build_ms.append((time.perf_counter() - started) * 1000)
        print(
            f"  {'builder alone, per file':<28}{statistics.median(build_ms):8.1f} ms median, "
            f"{max(build_ms):.1f} ms max"
        )

        one = base.replace(data_dir=Path(tmp) / "one", answerer="extractive")
        ingest([str(args.reports / "md" / "eemc-q4-2024.md")], settings=one)
        answer("tính ROE", settings=one)  # open the index and load the encoder
        print(f"\nanswer time, {args.repeats} repeats, extractive (no model), one report indexed")
        print(f"  {'question':<28}{'p50 ms':>9}{'p95 ms':>9}  answerer")
        for name, question in QUESTIONS.items():
            times = []
            who = ""
            for _ in range(args.repeats):
                started = time.perf_counter()
                got = answer(question, settings=one)
                times.append((time.perf_counter() - started) * 1000)
                who = got.answerer
            print(f"  {name:<28}{percentile(times, 0.5):9.1f}{percentile(times, 0.95):9.1f}  {who}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
