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

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# the benchmark is hoidap.report_eval.reports_bench_main (tested there); this script is its
# command line: the tables on stdout, progress and problems on stderr
from hoidap.report_eval import reports_bench_main  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    return reports_bench_main(
        argv, echo=print, note=lambda line: print(line, file=sys.stderr), doc=__doc__ or ""
    )


if __name__ == "__main__":
    sys.exit(main())
