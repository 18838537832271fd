"""The sample report's questions, answerable and not, with each answerer side by side.

    .venv/bin/python bench/sample_report.py [--answerers extractive,local]

Ingests ``examples/`` into a temporary data dir and asks the questions of
``tests/qa/test_abstention.py``: the seed questions the report answers (1.700 cán bộ,
32,2%, 33 tổ, …, with and without diacritics) and the ones it does not ("… bao nhiêu xe
cứu thương?", "… thành lập năm nào?", "… quê ở đâu?", …). Prints, per answerer, the
answerable ones answered with the expected content, the unanswerable ones abstained, the
wrong answers stated (an answer to an unanswerable question, or a wrong one to an
answerable question), and answer time p50 / p95; then every miss with its answer.
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

from hoidap.settings import get_settings  # noqa: E402
from tests.qa.test_abstention import ANSWERABLE, UNANSWERABLE  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answerers", default="extractive,local")
    args = parser.parse_args(argv)
    from ingest import ingest
    from qa.api import answer
    from qa.chain import resolve_answerer
    from qa.grounding import strip_citations

    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings().replace(data_dir=Path(tmp) / "data")
        ingest([ROOT / "examples"], settings=settings)
        rows: dict[str, dict[str, str]] = {}
        misses: list[str] = []
        for name in [a for a in args.answerers.split(",") if a]:
            if name == "local" and resolve_answerer(settings.replace(answerer="auto")) != "local":
                print(f"skipping {name}: the local model is not installed")
                continue
            right = abstained = wrong = 0
            seconds: list[float] = []
            for question, expected in ANSWERABLE:
                started = time.perf_counter()
                result = answer(question, settings=settings, answerer=name)
                seconds.append(time.perf_counter() - started)
                ok = not result.abstained and expected in strip_citations(result.text)
                right += ok
                wrong += not ok and not result.abstained
                if not ok:
                    misses.append(f"  {name} | {question} → {result.text[:140]}")
            for question in UNANSWERABLE:
                started = time.perf_counter()
                result = answer(question, settings=settings, answerer=name)
                seconds.append(time.perf_counter() - started)
                abstained += result.abstained
                wrong += not result.abstained
                if not result.abstained:
                    misses.append(f"  {name} | {question} → {result.text[:140]}")
            ordered = sorted(seconds)
            rows[name] = {
                "answerable right": f"{right}/{len(ANSWERABLE)}",
                "unanswerable abstained": f"{abstained}/{len(UNANSWERABLE)}",
                "wrong answers stated": str(wrong),
                "answer p50 s": f"{statistics.median(ordered):.2f}",
                "answer p95 s": f"{ordered[int(0.95 * (len(ordered) - 1))]:.2f}",
            }
    names = list(rows)
    print("| metric | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for metric in next(iter(rows.values()), {}):
        print(f"| {metric} | " + " | ".join(rows[n][metric] for n in names) + " |")
    if misses:
        print("misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
