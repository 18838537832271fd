"""Hostile files, one at a time beside a good file: time, peak memory and outcome of an ingest.

    .venv/bin/python bench/hostile_files.py [--repo DIR] [--only SUBSTRING] [--timeout 900]

Each case of ``tests/hostile_files.py`` is written into a fresh folder beside one good text
file and ``hoidap ingest FOLDER --json`` is run on it as a subprocess of the code in
``--repo`` (default: this checkout; point it at a ``git worktree`` of an older commit, with
this venv, for the "before" column). The peak is the largest summed resident memory of the
ingest's whole process tree (the reading worker included), sampled every 50 ms. Outcome:
what the report says of the hostile file, and whether the good file was added.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile_files import CASES, LIMITS, good_file, measured_ingest  # noqa: E402


def run_case(label: str, repo: Path, timeout: float) -> dict[str, object]:
    maker, _ = CASES[label]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        good = good_file(folder)
        bad = maker(folder)
        env = {**os.environ, **LIMITS, "HOIDAP_DATA_DIR": str(Path(tmp) / "data")}
        env["PYTHONPATH"] = str(repo)
        run = measured_ingest(folder, env, repo, timeout)
        out, err, code, seconds, peak = run.stdout, run.stderr, run.code, run.seconds, run.peak_mb
        outcome = "?"
        good_added = False
        try:
            report = json.loads(out.decode("utf-8", "replace"))
        except ValueError:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            outcome = f"no report (exit {code}): {tail[0][:90]}"
        else:
            good_added = str(good.resolve()) in report["added"]
            name = os.fsencode(bad.name).decode("utf-8", "replace")
            try:
                target = os.fsencode(bad.resolve().name).decode("utf-8", "replace")
            except (OSError, RuntimeError):  # a link that loops
                target = name
            failed = [f for f in report["failed"] if name in f["source"]]
            if failed:
                outcome = "failed: " + failed[0]["error"][:90]
            elif report.get("duplicates"):
                outcome = "read once: " + ", ".join(Path(s).name for s in report["duplicates"])
            elif any(name in s or target in s for s in report["added"]):
                outcome = "added"
            else:
                outcome = "not listed"
        return {
            "case": label,
            "exit": code,
            "seconds": round(seconds, 1),
            "peak_mb": round(peak),
            "outcome": outcome,
            "good file added": good_added,
            "traceback": b"Traceback" in err,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--only", default="")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--json", dest="json_out", type=Path)
    args = parser.parse_args(argv)
    rows = [
        run_case(label, args.repo.resolve(), args.timeout)
        for label in CASES
        if args.only.lower() in label.lower()
    ]
    print(f"repo: {args.repo}  limits: {LIMITS}")
    print("| input | exit | s | peak MB | good file added | traceback | outcome |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['case']} | {row['exit']} | {row['seconds']} | {row['peak_mb']} | "
            f"{row['good file added']} | {row['traceback']} | {row['outcome']} |"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
