"""Hostile and malformed input, and what a user gets for each: prints the table.

    .venv/bin/python bench/hostile.py [--json out.json]

Indexes the sample report, then feeds hoidap bad questions (through ``qa.api.answer``, what
the CLI, the API and the page call), bad files (through ``ingest``) and bad uploads
(through the page's ``ui.uploads.save_uploads``). After every case the sample report must
still answer its question exactly as before (nothing lost, the service still up).
The cases are ``tests/hostile_inputs.py``'s; ``tests/test_hostile_inputs.py`` runs the same
cases and asserts each expectation.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoidap.settings import quiet_network  # noqa: E402
from tests.hostile_inputs import Row, case_names, prepare, run_case  # noqa: E402


def format_table(rows: list[Row]) -> str:
    lines = [
        "| input | kind | what the user got | as expected | index intact | s |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        got = r.got.replace("|", "\\|")
        ok = "yes" if r.ok else "NO"
        intact = "yes" if r.intact else "NO"
        lines.append(f"| {r.case} | {r.kind} | {got} | {ok} | {intact} | {r.seconds:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    quiet_network()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    from hoidap.settings import get_settings

    with tempfile.TemporaryDirectory(prefix="hoidap-hostile-") as tmp:
        work = Path(tmp)
        # the quoted answer: what a hostile input does to retrieval and the page, without
        # a model's 20 s per answer (HOIDAP_ANSWERER=local tries the model path)
        settings = get_settings().replace(
            data_dir=work / "data", answerer=os.environ.get("HOIDAP_ANSWERER", "extractive")
        )
        ctx = prepare(settings, work)
        rows = [run_case(ctx, name) for name in case_names()]
    sys.stdout.write(format_table(rows) + "\n")
    if args.json:
        Path(args.json).write_text(
            json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return 0 if all(r.ok and r.intact for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
