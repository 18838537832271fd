"""Retrieval on UIT-ViNewsQA dev: the usual LangChain recipe, BM25 and hoidap, in one run.

    .venv/bin/python bench/retrieval.py [--limit N] [--bench ../shared/bench/vinewsqa-dev]

The recipe is RecursiveCharacterTextSplitter(1000, 200) + dense multilingual-e5-small in
Chroma; BM25 baselines run over the recipe's chunks (syllables, with and without
diacritics). hoidap is indexed with its own pipeline. A hit is a chunk from the question's
article that contains a gold answer. Prints one table with diacritics and one without.
UIT-ViNewsQA: K. Van Nguyen et al., ACM TALIP 21(5), 2022 (research use).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hoidap.evaluate import (
    evaluate,
    format_table,
    load_questions,
    score_questions,
)
from hoidap.metrics import percentile
from hoidap.settings import Settings, quiet_network

ANSWER_KEYS = ("f1", "em", "contains", "abstain_rate")


def recipe_rows(
    questions: list, corpus: list[Path], settings: Settings
) -> dict[str, dict[str, float]]:
    import bm25s
    import chromadb
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from store.embedder import get_embedder
    from store.lexical import fold_diacritics, syllables

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    ids, texts, docs = [], [], []
    for path in corpus:
        for i, piece in enumerate(splitter.split_text(path.read_text(encoding="utf-8"))):
            ids.append(f"{path.stem}:{i}")
            texts.append(piece)
            docs.append(path.stem)
    embedder = get_embedder(settings)
    started = time.perf_counter()
    vectors = embedder.embed_documents(texts)
    print(f"recipe: {len(texts)} chunks embedded in {time.perf_counter() - started:.0f}s")
    client = chromadb.EphemeralClient()
    collection = client.create_collection(
        "recipe", embedding_function=None, metadata={"hnsw:space": "cosine"}
    )
    for start in range(0, len(ids), 512):
        collection.add(
            ids=ids[start : start + 512],
            documents=texts[start : start + 512],
            embeddings=vectors[start : start + 512],
        )
    accented = bm25s.BM25()
    accented.index([syllables(t) for t in texts], show_progress=False)
    folded = bm25s.BM25()
    folded.index([[fold_diacritics(w) for w in syllables(t)] for t in texts], show_progress=False)
    by_id = {cid: (doc, text) for cid, doc, text in zip(ids, docs, texts, strict=True)}

    def dense(question: str) -> list[tuple[str, str]]:
        result = collection.query(
            query_embeddings=[embedder.embed_query(question)], n_results=10, include=[]
        )
        return [by_id[cid] for cid in result["ids"][0]]

    def lexical(index: bm25s.BM25, tokens: list[str]) -> list[tuple[str, str]]:
        scores = index.get_scores(tokens)
        return [by_id[ids[i]] for i in scores.argsort()[::-1][:10]]

    rows: dict[str, dict[str, float]] = {}
    for label, fold in (("", False), (" no-diac", True)):
        runs: dict[str, list] = {"recipe dense": [], "bm25": [], "bm25 folded": []}
        for q in questions:
            text = fold_diacritics(q.question) if fold else q.question
            for name, fn in (
                ("recipe dense", lambda t=text: dense(t)),
                ("bm25", lambda t=text: lexical(accented, syllables(t))),
                (
                    "bm25 folded",
                    lambda t=text: lexical(folded, [fold_diacritics(w) for w in syllables(t)]),
                ),
            ):
                started = time.perf_counter()
                ranked = fn()
                elapsed = (time.perf_counter() - started) * 1000
                runs[name].append((ranked, "", False, elapsed))
        for name, results in runs.items():
            figures = score_questions(questions, results, 5)
            for key in ANSWER_KEYS:
                figures[key] = float("nan")
            rows[name + label] = figures
    return rows


def overhead_row(questions: list, settings: Settings) -> dict[str, float]:
    """p95 of dense search alone vs hoidap's whole retrieval, on the same index."""
    from ingest.normalize import normalize_query
    from qa.retriever import HybridRetriever
    from store.index import get_index

    index = get_index(settings)
    retriever = HybridRetriever(index, settings)
    dense_ms, hybrid_ms = [], []
    for q in questions:
        text = normalize_query(q.question)
        started = time.perf_counter()
        index.dense_search(text, settings.fetch_k)
        dense_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        retriever.retrieve(text)
        hybrid_ms.append((time.perf_counter() - started) * 1000)
    return {
        "dense p50 ms": percentile(dense_ms, 0.5),
        "dense p95 ms": percentile(dense_ms, 0.95),
        "hybrid p50 ms": percentile(hybrid_ms, 0.5),
        "hybrid p95 ms": percentile(hybrid_ms, 0.95),
    }


def main() -> None:
    quiet_network()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--bench",
        default=str(Path(__file__).resolve().parents[2] / "shared" / "bench" / "vinewsqa-dev"),
    )
    parser.add_argument("--limit", type=int)
    parser.add_argument("--data-dir", help="reuse an index of the bench corpus")
    parser.add_argument("--skip-recipe", action="store_true")
    args = parser.parse_args()
    bench = Path(args.bench)
    questions = load_questions(bench / "questions.jsonl", args.limit)
    corpus = sorted((bench / "corpus").glob("*.txt")) + sorted(
        (bench / "distractors").glob("*.txt")
    )
    with tempfile.TemporaryDirectory(prefix="hoidap-bench-") as tmp:
        settings = Settings.from_env().replace(data_dir=Path(args.data_dir or tmp))
        rows = {} if args.skip_recipe else recipe_rows(questions, corpus, settings)
        from ingest import ingest

        report = ingest([bench / "corpus", bench / "distractors"], settings=settings)
        print(f"hoidap index: {report.summary()}")
        rows["hoidap"] = evaluate(questions, settings)
        rows["hoidap no-diac"] = evaluate(questions, settings, no_diacritics=True)
        overhead = overhead_row(questions, settings)
    with_diac = {k: v for k, v in rows.items() if "no-diac" not in k}
    without = {k: v for k, v in rows.items() if "no-diac" in k}
    print("\nQuestions with diacritics")
    print(format_table(with_diac))
    print("\nQuestions typed without diacritics")
    print(format_table(without))
    print("\nRetrieval latency on the same index (query embedding included in both)")
    for key, value in overhead.items():
        print(f"{key:16}{value:10.1f}")


if __name__ == "__main__":
    main()
