"""Query latency at 1,000, 10,000 and 100,000 chunks: retrieval alone and ``answer()``.

    .venv/bin/python bench/latency.py [--sizes 1000,10000,100000] [--queries 100]
        [--source /tmp/hdb1000] [--work /tmp/hoidap-scale]

``--source`` is a data directory holding the 500 benchmark articles (as built by
``hoidap ingest ../shared/bench/vinewsqa-dev/corpus ../shared/bench/vinewsqa-dev/distractors``;
``--build-source`` builds it when missing). Larger collections are grown from it, once, into
``--work/N`` and reused by later runs: every stored chunk is copied under new ids with its
stored vector (plus a little noise, so the vector index holds no exact duplicates) and a
synthetic variation of its text (sentences rotated, digits shifted), with matching manifest
entries, so the lexical index is rebuilt by ``Index.sync_lexical`` like after an ingest.
Embedding 100,000 real texts would take hours on this machine; the query side is real.

For each size: retrieval p50/p95 with the query embedding excluded (vectors computed in an
untimed first pass), ``answer()`` end to end (extractive, query embedding included) p50/p95,
and the query embedding alone; for questions with diacritics and the same questions typed
without them. Timings on a shared machine are noisy: compare sizes within one run; the CPU
columns (process CPU time, all threads) move far less with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hoidap.metrics import percentile  # noqa: E402
from hoidap.settings import Settings, quiet_network  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "vinewsqa-dev"
READY = "hoidap-bench-size.json"


def _vary(text: str, r: int) -> str:
    """A synthetic Vietnamese variation: sentences rotated by r, digits shifted by r."""
    from ingest.chunking import split_sentences

    sentences = split_sentences(text) or [text]
    shift = r % len(sentences)
    rotated = " ".join(sentences[shift:] + sentences[:shift])
    digits = "".join(str((d + r) % 10) for d in range(10))
    return rotated.translate(str.maketrans("0123456789", digits))


def build_source(bench: Path, target: Path) -> None:
    from ingest import ingest

    settings = Settings.from_env().replace(data_dir=target)
    report = ingest([bench / "corpus", bench / "distractors"], settings=settings)
    print(f"built {target}: {report.summary()}")


def ensure_scaled(source: Path, work: Path, size: int) -> Path:
    """A data directory with about ``size`` chunks, grown from ``source`` (reused if built)."""
    import numpy as np

    from store.index import get_index
    from store.manifest import DocumentRecord, Manifest

    target = work / str(size)
    marker = target / READY
    if marker.exists() and json.loads(marker.read_text()).get("size") == size:
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)
    (target / ".ingest.lock").unlink(missing_ok=True)
    settings = Settings.from_env().replace(data_dir=target)
    index = get_index(settings)
    manifest = Manifest.load(settings.manifest_path)
    collection = index.vectors.collection
    base = collection.get(include=["embeddings", "documents", "metadatas"])
    rows = {cid: i for i, cid in enumerate(base["ids"])}
    total = len(rows)
    started = time.perf_counter()
    if size < total:  # drop whole documents until the size is reached
        for src in sorted(manifest.documents):
            if total <= size:
                break
            record = manifest.documents.pop(src)
            collection.delete(ids=record.chunk_ids)
            total -= len(record.chunk_ids)
    rng = np.random.default_rng(7)
    copy = 0
    batch_ids: list[str] = []
    batch_docs: list[str] = []
    batch_metas: list[dict] = []
    batch_vecs: list[np.ndarray] = []
    originals = sorted(manifest.documents.items())

    def flush() -> None:
        if batch_ids:
            collection.add(
                ids=batch_ids, documents=batch_docs, metadatas=batch_metas,
                embeddings=np.stack(batch_vecs),
            )
            batch_ids.clear(), batch_docs.clear(), batch_metas.clear(), batch_vecs.clear()

    while total < size:
        copy += 1
        for src, record in originals:
            if total >= size:
                break
            new_src = f"{src}#syn{copy}"
            new_ids = []
            for cid in record.chunk_ids:
                i = rows[cid]
                new_id = f"{cid}-s{copy}"
                meta = dict(base["metadatas"][i])
                meta["source"] = new_src
                meta["name"] = f"{Path(src).stem}-syn{copy}.txt"
                vec = np.asarray(base["embeddings"][i], dtype=np.float32)
                noise = rng.normal(size=vec.shape).astype(np.float32)
                vec = vec + 0.2 * noise / np.linalg.norm(noise)
                batch_ids.append(new_id)
                batch_docs.append(_vary(base["documents"][i], copy))
                batch_metas.append(meta)
                batch_vecs.append(vec / np.linalg.norm(vec))
                new_ids.append(new_id)
                if len(batch_ids) >= 2000:
                    flush()
            manifest.documents[new_src] = DocumentRecord(
                source=new_src, sha256=record.sha256, chunk_ids=new_ids, title=record.title,
                pages=record.pages, ingested_at=record.ingested_at, size=record.size,
            )
            total += len(new_ids)
        print(f"  grown to {total} chunks ({time.perf_counter() - started:.0f}s)", flush=True)
    flush()
    manifest.save()
    index.sync_lexical(manifest, force=True)
    print(f"built {target}: {index.vectors.count()} chunks in "
          f"{time.perf_counter() - started:.0f}s", flush=True)
    marker.write_text(json.dumps({"size": size}))
    return target


def timed(fn: Callable[[], object], cpu: list[float] | None = None) -> float:
    """Wall milliseconds of ``fn()``; its CPU milliseconds (all threads) go to ``cpu``."""
    cpu_started = time.process_time()
    started = time.perf_counter()
    fn()
    elapsed = (time.perf_counter() - started) * 1000
    if cpu is not None:
        cpu.append((time.process_time() - cpu_started) * 1000)
    return elapsed


def measure(data_dir: Path, questions: list[str]) -> dict[str, dict[str, float]]:
    """Latency figures (ms) for one data directory, with and without diacritics."""
    from qa.api import answer
    from qa.chain import prepare_question
    from qa.retriever import HybridRetriever
    from store.index import get_index
    from store.lexical import fold_diacritics

    settings = Settings.from_env().replace(data_dir=data_dir, answerer="extractive")
    index = get_index(settings)
    answer("khởi động", settings=settings)  # opens everything and loads the model
    retriever = HybridRetriever(index, settings)
    embedder = index.embedder
    real_embed = embedder.embed_query
    results: dict[str, dict[str, float]] = {}
    for label, texts in (
        ("diacritics", [prepare_question(q) for q in questions]),
        ("no diacritics", [prepare_question(fold_diacritics(q)) for q in questions]),
    ):
        cache: dict[str, list[float]] = {}

        def cached(text: str, cache: dict[str, list[float]] = cache) -> list[float]:
            if text not in cache:
                cache[text] = real_embed(text)
            return cache[text]

        embedder.embed_query = cached  # type: ignore[method-assign]
        try:
            for text in texts:  # untimed: fills the vector cache
                retriever.retrieve(text)
            retrieval_cpu: list[float] = []
            retrieval = [
                timed(lambda t=text: retriever.retrieve(t), retrieval_cpu) for text in texts
            ]
        finally:
            del embedder.embed_query
        embed = [timed(lambda t=text: real_embed(t)) for text in texts]
        e2e_cpu: list[float] = []
        e2e = [timed(lambda t=text: answer(t, settings=settings), e2e_cpu) for text in texts]
        results[label] = {
            "retrieval p50": percentile(retrieval, 0.5),
            "retrieval p95": percentile(retrieval, 0.95),
            "answer p50": percentile(e2e, 0.5),
            "answer p95": percentile(e2e, 0.95),
            "embed p50": percentile(embed, 0.5),
            "retrieval CPU p95": percentile(retrieval_cpu, 0.95),
            "answer CPU p95": percentile(e2e_cpu, 0.95),
            "mean answer": statistics.fmean(e2e),
        }
    results["_count"] = {"chunks": float(index.vectors.count())}
    return results


def main() -> None:
    quiet_network()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=100, help="questions per size")
    parser.add_argument("--source", default="/tmp/hdb1000", help="data dir of the 500 articles")
    parser.add_argument("--build-source", action="store_true", help="ingest it if missing")
    parser.add_argument("--work", default="/tmp/hoidap-scale", help="where grown dirs live")
    parser.add_argument("--bench", default=str(DEFAULT_BENCH))
    args = parser.parse_args()
    source, work, bench = Path(args.source), Path(args.work), Path(args.bench)
    if not (source / "manifest.json").exists():
        if not args.build_source:
            sys.exit(f"{source} has no index: pass --build-source to ingest the articles there")
        build_source(bench, source)
    with (bench / "questions.jsonl").open(encoding="utf-8") as handle:
        questions = [json.loads(line)["question"] for line in handle if line.strip()]
    questions = questions[: args.queries]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    dirs = {size: ensure_scaled(source, work, size) for size in sizes}
    print(f"\n{len(questions)} questions per size, ms (query embedding excluded from retrieval)")
    header = ["chunks", "questions", "retr p50", "retr p95", "answer p50", "answer p95",
              "embed p50", "retr CPU p95", "ans CPU p95"]
    print("".join(f"{h:>14}" for h in header), flush=True)
    for size in sizes:
        table = {size: measure(dirs[size], questions)}
        count = int(table[size]["_count"]["chunks"])
        for label in ("diacritics", "no diacritics"):
            row = table[size][label]
            cells = [f"{count:>14}", f"{label:>14}"] + [
                f"{row[k]:14.1f}"
                for k in ("retrieval p50", "retrieval p95", "answer p50", "answer p95",
                          "embed p50", "retrieval CPU p95", "answer CPU p95")
            ]
            print("".join(cells), flush=True)


if __name__ == "__main__":
    main()
