"""Ingest throughput against the encoder alone, and re-ingest of unchanged files, in one run.

    .venv/bin/python bench/ingest_speed.py [--limit FILES] [--bench ../shared/bench/vinewsqa-dev]

1. ``hoidap ingest`` (a subprocess, as a user runs it) of the benchmark articles (corpus +
   distractors) into a fresh data directory: chunks per second, wall clock (Python start and
   model load included) and the time ingest itself reports.
2. ``SentenceTransformer.encode`` alone, in this process, on the very chunk texts that ingest
   embedded (read back from the index), with the same batch size and prompt: chunks per
   second. ``ingest / encode`` is the pipeline's overhead (target ≥ 0.9).
3. ``hoidap ingest`` again on the same, unchanged files: seconds, and whether the embedding
   model was loaded (target: under 2 s, no model load).

The machine may be shared: only ratios measured in the same run are meaningful, so the
encoder is timed before and after a second ingest (``--rounds 2``, the default) and the means
are compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hoidap.settings import Settings, quiet_network  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "vinewsqa-dev"
MODEL_LOADED = "loading embedding model"


def bench_files(bench: Path, limit: int | None) -> list[Path]:
    files = sorted((bench / "corpus").glob("*.txt")) + sorted(
        (bench / "distractors").glob("*.txt")
    )
    return files[:limit] if limit else files


def run_cli_ingest(folder: Path, data_dir: Path) -> tuple[dict, float, bool]:
    """``hoidap ingest --json -v`` in a subprocess: its report, wall seconds, model loaded?"""
    env = dict(os.environ, HOIDAP_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "hoidap.cli", "ingest", str(folder), "--json", "-q", "-v"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    wall = time.perf_counter() - started
    return json.loads(done.stdout), wall, MODEL_LOADED in done.stderr


def chunk_texts(settings: Settings) -> list[str]:
    """What ingest embedded: the search text of every stored chunk."""
    from store.index import get_index, search_text

    _, texts, metas = get_index(settings).vectors.get()
    return [search_text(t, m) for t, m in zip(texts, metas, strict=True)]


def time_encode(settings: Settings, texts: list[str]) -> float:
    from store.embedder import get_embedder

    model = get_embedder(settings).model
    prompt = "passage" if "passage" in (model.prompts or {}) else None
    started = time.perf_counter()
    model.encode(
        texts,
        batch_size=settings.embedding_batch_size,
        prompt_name=prompt,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return time.perf_counter() - started


def main() -> None:
    quiet_network()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bench", default=str(DEFAULT_BENCH), help="vinewsqa-dev folder")
    parser.add_argument("--limit", type=int, help="only the first N files (default: all 500)")
    parser.add_argument("--keep", help="keep the data directory here (default: a temp dir)")
    parser.add_argument("--rounds", type=int, default=2, help="1: one ingest, one encode")
    args = parser.parse_args()
    files = bench_files(Path(args.bench), args.limit)
    with tempfile.TemporaryDirectory(prefix="hoidap-ingest-bench-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for path in files:
            os.symlink(path, folder / path.name)
        data_dir = Path(args.keep) if args.keep else Path(tmp) / "data"
        settings = Settings.from_env().replace(data_dir=data_dir)

        # the texts are read back from the first ingest's index; the model then loads in
        # this process outside any timing
        report, ingest_wall, _ = run_cli_ingest(folder, data_dir)
        texts = chunk_texts(settings)
        time_encode(settings, texts[:64])  # warm-up
        encode_before = time_encode(settings, texts)
        report2, ingest_wall2, encode_after = report, ingest_wall, encode_before
        if args.rounds > 1:
            # a second ingest into a fresh directory, so the encoder runs on both sides of it
            report2, ingest_wall2, _ = run_cli_ingest(folder, Path(tmp) / "data2")
            encode_after = time_encode(settings, texts)
        again, again_wall, loaded = run_cli_ingest(folder, data_dir)

    chunks = report["chunks_written"]
    encode_s = (encode_before + encode_after) / 2
    ingest_s = (report["seconds"] + report2["seconds"]) / 2
    wall_s = (ingest_wall + ingest_wall2) / 2
    encode_rate = len(texts) / encode_s
    rows = [
        (f"encode alone (same texts, batch {settings.embedding_batch_size})", encode_s,
         encode_rate, 1.0),
        ("ingest() as reported (model load incl.)", ingest_s, chunks / ingest_s,
         chunks / ingest_s / encode_rate),
        ("`hoidap ingest` wall clock", wall_s, chunks / wall_s, chunks / wall_s / encode_rate),
    ]
    print(f"\n{len(files)} files, {chunks} chunks; encoder runs {encode_before:.1f}s / "
          f"{encode_after:.1f}s, ingest runs {report['seconds']:.1f}s / {report2['seconds']:.1f}s")
    print(f"{'step':44}{'seconds':>9}{'chunks/s':>10}{'/ encode':>10}")
    for name, seconds, rate, ratio in rows:
        print(f"{name:44}{seconds:9.1f}{rate:10.1f}{ratio:10.2f}")
    print(f"\nRe-ingest of {len(files)} unchanged files")
    print(f"{'measure':44}{'value':>9}")
    print(f"{'`hoidap ingest` wall clock (s)':44}{again_wall:9.2f}")
    print(f"{'ingest() as reported (s)':44}{again['seconds']:9.2f}")
    print(f"{'unchanged files':44}{len(again['unchanged']):9d}")
    print(f"{'embedding model loaded':44}{'yes' if loaded else 'no':>9}")


if __name__ == "__main__":
    main()
