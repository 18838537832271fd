"""The embedding model on torch against onnxruntime (fp32 and int8): speed and retrieval quality.

    .venv/bin/python bench/encoder.py [--backends torch,onnx,onnx-int8] [--sample 256]
        [--questions 600] [--source /tmp/hdb1000] [--work /tmp/hoidap-encoder]

Speed: chunks per second encoding ``--sample`` benchmark chunk texts (the search text
ingest embeds) with the configured batch size, and one query's latency; backends are
timed in alternating rounds so a busy machine penalizes them alike. Agreement: the mean
cosine between each backend's passage vectors and torch's. Quality: ``--source`` (the 500
benchmark articles, indexed with torch) is copied once per backend into ``--work``, its
chunk vectors are re-embedded with that backend, and hoidap's evaluation runs on it: hit@5
of the hybrid retrieval (what users get) and of the dense side alone (where the encoder
shows). sentence-transformers' ``backend="onnx"`` needs optimum, which pins
transformers 4.x; the ONNX runs here use hoidap's own export (store/onnx_encoder.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hoidap.settings import Settings, quiet_network  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "vinewsqa-dev"
READY = "hoidap-encoder-bench.json"


def chunk_texts(data_dir: Path) -> tuple[list[str], list[str]]:
    from store.index import get_index, search_text

    settings = Settings.from_env().replace(data_dir=data_dir)
    ids, texts, metas = get_index(settings).vectors.get()
    return ids, [search_text(t, m) for t, m in zip(texts, metas, strict=True)]


def backend_index(source: Path, work: Path, backend: str) -> Path:
    """A copy of ``source`` whose chunk vectors come from ``backend`` (built once)."""
    from store.embedder import get_embedder
    from store.index import get_index

    target = work / backend
    marker = target / READY
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)
    (target / ".ingest.lock").unlink(missing_ok=True)
    if backend != "torch":
        settings = Settings.from_env().replace(data_dir=target, embedding_backend=backend)
        ids, texts = chunk_texts(target)
        started = time.perf_counter()
        vectors = get_embedder(settings).encode(texts, "passage")
        collection = get_index(settings).vectors.collection
        for start in range(0, len(ids), 1000):
            collection.update(
                ids=ids[start : start + 1000], embeddings=vectors[start : start + 1000]
            )
        print(f"  {backend}: re-embedded {len(ids)} chunks in "
              f"{time.perf_counter() - started:.0f}s", flush=True)
    marker.write_text(json.dumps({"backend": backend}))
    return target


def main() -> None:
    quiet_network()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--sample", type=int, default=256, help="chunk texts timed per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--questions", type=int, default=600, help="questions for hit@5")
    parser.add_argument("--source", default="/tmp/hdb1000", help="data dir of the 500 articles")
    parser.add_argument("--work", default="/tmp/hoidap-encoder")
    parser.add_argument("--bench", default=str(DEFAULT_BENCH))
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    import numpy as np

    from hoidap.evaluate import evaluate, load_questions
    from store.embedder import get_embedder

    backends = [b for b in args.backends.split(",") if b]
    base = Settings.from_env()
    _, texts = chunk_texts(Path(args.source))
    step = max(1, len(texts) // args.sample)
    sample = texts[::step][: args.sample]
    questions = load_questions(Path(args.bench) / "questions.jsonl", args.questions)
    embedders = {b: get_embedder(base.replace(embedding_backend=b)) for b in backends}
    vectors: dict[str, np.ndarray] = {}
    load_s: dict[str, float] = {}
    for backend, embedder in embedders.items():
        started = time.perf_counter()
        embedder.encode(sample[:8], "passage")  # loads (and exports, the first time)
        load_s[backend] = time.perf_counter() - started
    rates: dict[str, list[float]] = {b: [] for b in backends}
    for _ in range(args.rounds):
        for backend, embedder in embedders.items():
            started = time.perf_counter()
            vectors[backend] = embedder.encode(sample, "passage")
            rates[backend].append(len(sample) / (time.perf_counter() - started))
            print(f"  {backend}: {rates[backend][-1]:.1f} chunks/s", flush=True)
    query_ms: dict[str, float] = {}
    for backend, embedder in embedders.items():
        times = []
        for q in questions[:50]:
            started = time.perf_counter()
            embedder.encode([q.question], "query")
            times.append((time.perf_counter() - started) * 1000)
        query_ms[backend] = statistics.median(times)
    quality: dict[str, dict[str, float]] = {}
    if not args.skip_quality:
        for backend in backends:
            data_dir = backend_index(Path(args.source), Path(args.work), backend)
            settings = base.replace(data_dir=data_dir, embedding_backend=backend)
            hybrid = evaluate(questions, settings)
            dense = evaluate(questions, settings.replace(dense_weight=1.0, lexical_weight=0.0))
            quality[backend] = {"hybrid": hybrid["hit@5"], "dense": dense["hit@5"]}
            print(f"  {backend}: hit@5 {quality[backend]}", flush=True)
    reference = vectors.get("torch")
    print(f"\n{len(sample)} chunk texts, batch {base.embedding_batch_size}, best of "
          f"{args.rounds} alternating rounds; hit@5 on {len(questions)} questions")
    header = ["backend", "chunks/s", "vs torch", "query ms", "load s", "cos torch",
              "hit@5", "dense hit@5"]
    print("".join(f"{h:>12}" for h in header))
    torch_rate = max(rates["torch"]) if "torch" in rates else float("nan")
    for backend in backends:
        rate = max(rates[backend])
        cos = (
            float(np.mean(np.sum(vectors[backend] * reference, axis=1)))
            if reference is not None
            else float("nan")
        )
        q = quality.get(backend, {})
        cells = [
            f"{backend:>12}", f"{rate:12.1f}", f"{rate / torch_rate:12.2f}",
            f"{query_ms[backend]:12.1f}", f"{load_s[backend]:12.1f}", f"{cos:12.4f}",
            f"{q.get('hybrid', float('nan')):12.3f}", f"{q.get('dense', float('nan')):12.3f}",
        ]
        print("".join(cells))


if __name__ == "__main__":
    main()
