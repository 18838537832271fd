"""Ingest throughput against the encoder alone, and re-ingest of unchanged files, in one run.

    .venv/bin/python bench/ingest_speed.py [--limit FILES] [--bench ../shared/bench/vinewsqa-dev]

1. ``hoidap ingest`` (a subprocess, as a user runs it) of the benchmark articles (corpus +
   distractors) into a fresh data directory: chunks per second, wall clock and CPU seconds
   (Python start and model load included).
2. The encoder alone, in this process, on the very chunk texts that ingest embedded (read
   back from the index), with the same batch size and prompt: ``SentenceTransformer.encode``
   for ``HOIDAP_EMBEDDING_BACKEND=torch``, the onnxruntime encoder for ``onnx``/``onnx-int8``.
   ``ingest / encode`` is the pipeline's overhead (target ≥ 0.9).
3. ``hoidap ingest`` again on the same, unchanged files: seconds, and whether the embedding
   model was loaded (target: under 2 s, no model load).

The machine may be shared: only ratios measured in the same run are meaningful, so the
encoder is timed before and after a second ingest (``--rounds 2``, the default) and the means
are compared, in wall seconds and in CPU seconds (which a busy machine moves far less).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli_ingest(folder: Path, data_dir: Path) -> tuple[dict, float, float, bool]:
    """``hoidap ingest --json -v`` in a subprocess: its report, wall and CPU seconds, and
    whether it loaded the embedding model."""
    env = dict(os.environ, HOIDAP_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    cpu = _children_cpu()
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
    return json.loads(done.stdout), wall, _children_cpu() - cpu, MODEL_LOADED in done.stderr


def chunk_texts(settings: Settings) -> list[str]:
    """What ingest embedded: the search text of every stored chunk."""
    from store.index import get_index, search_text

    _, texts, metas = get_index(settings).vectors.get()
    return [search_text(t, m) for t, m in zip(texts, metas, strict=True)]


def time_encode(settings: Settings, texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one encode of ``texts`` by the configured encoder, as ingest
    calls it (``SentenceTransformer.encode`` for torch, onnxruntime for onnx/onnx-int8)."""
    from store.embedder import get_embedder

    embedder = get_embedder(settings)
    cpu = time.process_time()
    started = time.perf_counter()
    embedder.encode(texts, "passage")
    return time.perf_counter() - started, time.process_time() - cpu


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
        ingests = [run_cli_ingest(folder, data_dir)]
        texts = chunk_texts(settings)
        time_encode(settings, texts[:64])  # warm-up
        encodes = [time_encode(settings, texts)]
        for round_ in range(1, args.rounds):
            # another ingest into a fresh directory, so the encoder runs on both sides of it
            ingests.append(run_cli_ingest(folder, Path(tmp) / f"data{round_}"))
            encodes.append(time_encode(settings, texts))
        again, again_wall, again_cpu, loaded = run_cli_ingest(folder, data_dir)

    chunks = ingests[0][0]["chunks_written"]
    encode_wall = statistics.fmean(e[0] for e in encodes)
    encode_cpu = statistics.fmean(e[1] for e in encodes)
    wall_s = statistics.fmean(i[1] for i in ingests)
    cpu_s = statistics.fmean(i[2] for i in ingests)
    print(f"\n{len(files)} files, {chunks} chunks; batch {settings.embedding_batch_size}; "
          f"encoder runs (wall) {', '.join(f'{e[0]:.1f}s' for e in encodes)}; "
          f"ingest runs (wall) {', '.join(f'{i[1]:.1f}s' for i in ingests)}")
    print("CPU seconds are what the process used: on a shared machine they move far less than")
    print("wall seconds, so the CPU ratio is the overhead to trust.")
    print(f"{'step':36}{'wall s':>9}{'CPU s':>9}{'chunks/s':>10}{'wall ratio':>12}"
          f"{'CPU ratio':>11}")
    encoder = (
        "SentenceTransformer.encode alone"
        if settings.embedding_backend == "torch"
        else f"{settings.embedding_backend} encode alone"
    )
    print(f"{encoder:36}{encode_wall:9.1f}{encode_cpu:9.1f}"
          f"{len(texts) / encode_wall:10.2f}{1.0:12.2f}{1.0:11.2f}")
    print(f"{'`hoidap ingest` (all included)':36}{wall_s:9.1f}{cpu_s:9.1f}"
          f"{chunks / wall_s:10.2f}{encode_wall / wall_s:12.2f}{encode_cpu / cpu_s:11.2f}")
    print(f"\nRe-ingest of {len(files)} unchanged files")
    print(f"{'measure':44}{'value':>9}")
    print(f"{'`hoidap ingest` wall clock (s)':44}{again_wall:9.2f}")
    print(f"{'`hoidap ingest` CPU (s)':44}{again_cpu:9.2f}")
    print(f"{'ingest() as reported (s)':44}{again['seconds']:9.2f}")
    print(f"{'unchanged files':44}{len(again['unchanged']):9d}")
    print(f"{'embedding model loaded':44}{'yes' if loaded else 'no':>9}")


if __name__ == "__main__":
    main()
