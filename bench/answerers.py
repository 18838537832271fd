"""Extractive vs model answers on ViNewsQA, side by side in one run.

    .venv/bin/python bench/answerers.py --limit 100 --unindexed 5

Indexes the benchmark corpus (with the distractors) minus a few held-out articles, asks a
fixed sample of questions about indexed articles and every question about the held-out
ones, and answers each retrieval with every answerer. Prints token F1, the "contains a
gold answer" rate, wrong figures, abstention on questions whose article is not indexed,
citations, and time to first token / total time (p50, p95) per answer.

A model answerer may be named with what its model reads (``qa/llm_prompt.py``):
``local:sentences`` (the few sentences and table rows that matter) or ``local:passages``
(the top passages whole), ``local:sentences:notitles`` (the sentences without their
documents' titles); all answer the same retrievals in the same run, one server.
The default compares extractive, local:passages and local:sentences.

Citations: ``cited`` is the share of given answers with a [n]; ``cite_holds`` the share
whose cited passages hold every figure and name of the answer (``check_grounding`` against
them); ``model_cited`` the share of kept model answers where the model wrote the [n] itself
(else the code added it).

A wrong figure: a non-abstained answer whose numbers are none of the gold answers' numbers
(for a question whose gold answer has a number), or any number in an answer to a question
whose article is not indexed. Results are appended to a JSONL file per configuration so an
interrupted run resumes where it stopped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoidap.evaluate import (  # noqa: E402
    Question,
    contains_answer,
    format_table,
    load_questions,
    token_f1,
)
from hoidap.metrics import percentile  # noqa: E402
from hoidap.settings import Settings, quiet_network  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "vinewsqa-dev"
BENCH_VERSION = 5  # bump when the answerers' code changes, so old results are not reused


@dataclass
class Result:
    """One answerer's answer to one question, with its timings."""

    id: str
    answerer: str
    indexed: bool
    text: str
    abstained: bool
    written_by: str
    note: str | None
    ttft_ms: float
    total_ms: float
    cited: bool = False  # the answer the user gets has a [n]
    cite_holds: bool = False  # ... and its cited passages hold its figures and names
    model_cited: bool = False  # the model wrote a [n] itself
    prompt_chars: int = 0  # the model's user message (0: no model)


def pick_questions(
    questions: list[Question], limit: int, unindexed_docs: int, seed: int
) -> tuple[list[Question], list[Question], set[str]]:
    """A fixed sample about indexed articles, and all questions about held-out articles."""
    rng = random.Random(seed)
    docs = sorted({q.doc_id for q in questions})
    held_out = set(rng.sample(docs, unindexed_docs)) if unindexed_docs else set()
    indexed = [q for q in questions if q.doc_id not in held_out]
    rng.shuffle(indexed)  # a smaller --limit asks a prefix of a larger one's questions
    return indexed[:limit], [q for q in questions if q.doc_id in held_out], held_out


def build_index(bench: Path, held_out: set[str], settings: Settings) -> None:
    from ingest import ingest

    files = [
        p
        for folder in ("corpus", "distractors")
        for p in sorted((bench / folder).glob("*.txt"))
        if p.stem not in held_out
    ]
    started = time.perf_counter()
    report = ingest([str(p) for p in files], prune=True, settings=settings)
    print(f"index: {report.summary()} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


def run_key(settings: Settings, answerers: list[str], seed: int) -> str:
    """A name for this configuration: results are only reused for the same one."""
    from qa import llm_prompt

    blob = json.dumps(
        [
            llm_prompt.SYSTEM_PROMPT,
            llm_prompt.SENTENCE_SYSTEM_PROMPT,
            llm_prompt.EXAMPLES,
            llm_prompt.USER_TEMPLATE,
            llm_prompt.SENTENCE_BUDGET,
            llm_prompt.MAX_SENTENCES,
            llm_prompt.FOLLOW,
            llm_prompt.TITLES,
            settings.k,
            settings.llm_max_tokens,
            settings.llm_passages,
            settings.llm_ctx,
            settings.chunk_size,
            settings.embedding_backend,
            settings.fusion,
            BENCH_VERSION,
            settings.llm_relevance_threshold,
            settings.abstain_threshold,
            answerers,
            seed,
        ]
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def ask_all(
    asked: list[tuple[Question, bool]],
    answerers: list[str],
    settings: Settings,
    out: Path,
    *,
    score_only: bool = False,
) -> list[Result]:
    """Retrieve once per question and answer with each answerer; append results to ``out``.

    With ``score_only``, nothing is asked: the questions every answerer has answered in
    ``out`` are returned (to read the figures of a run that is still going).
    """
    from qa.api import Answer
    from qa.chain import prepare_question
    from qa.retriever import HybridRetriever
    from store.index import get_index

    done: dict[tuple[str, str], Result] = {}
    if out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            row = Result(**json.loads(line))
            done[(row.id, row.answerer)] = row
    index = get_index(settings)
    retriever = HybridRetriever(index, settings)
    responders = {name: _responder(settings, index, name) for name in answerers}
    results: list[Result] = []
    with out.open("a", encoding="utf-8") as sink:
        for number, (question, indexed) in enumerate(asked, start=1):
            todo = [name for name in answerers if (question.id, name) not in done]
            if todo and score_only:
                continue
            if todo:
                started = time.perf_counter()
                found = retriever.retrieve(prepare_question(question.question))
                retrieval_ms = (time.perf_counter() - started) * 1000
            for name in answerers:
                if (question.id, name) in done:
                    results.append(done[(question.id, name)])
                    continue
                started = time.perf_counter()
                first: float | None = None
                final = None
                pieces: list[str] = []
                for item in responders[name].stream(found):
                    if first is None:
                        first = time.perf_counter()
                    if isinstance(item, Answer):
                        final = item
                    else:
                        pieces.append(item)
                ended = time.perf_counter()
                assert final is not None and first is not None
                inner = getattr(responders[name], "inner", None)
                model_ran = final.answerer != "extractive" or bool(
                    final.note and "không hỏi mô hình" not in final.note
                )
                prompt_chars = (
                    len(inner.build(found).user_text)
                    if hasattr(inner, "build") and model_ran
                    else 0
                )
                result = Result(
                    question.id,
                    name,
                    indexed,
                    final.text,
                    final.abstained,
                    final.answerer,
                    final.note,
                    retrieval_ms + (first - started) * 1000,
                    retrieval_ms + (ended - started) * 1000,
                    *_citation_flags(final, "".join(pieces)),
                    prompt_chars,
                )
                sink.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
                sink.flush()
                results.append(result)
            if number % 10 == 0 and not score_only:
                print(f"{number}/{len(asked)} questions", file=sys.stderr)
    return results


def _responder(settings: Settings, index: object, name: str) -> object:
    """``local:sentences`` → the local answerer reading sentences (same server, same
    retrieval as every other answerer of the run); ``local:sentences:notitles`` without
    the documents' titles over its blocks."""
    from qa.chain import make_answerer

    base, _, variant = name.partition(":")
    mode, _, flags = variant.partition(":")
    responder = make_answerer(settings, index, base)  # type: ignore[arg-type]
    inner = getattr(responder, "inner", None)
    if mode and hasattr(inner, "prompt"):
        from qa.llm_prompt import prompt_mode

        inner.prompt = prompt_mode(settings, mode)  # type: ignore[union-attr]
        if flags not in ("", "notitles"):
            raise SystemExit(f"unknown answerer variant {name!r}")
        if flags == "notitles":
            inner.titles = False  # type: ignore[union-attr]
    return responder


def _citation_flags(final: object, streamed: str) -> tuple[bool, bool, bool]:
    """(cited, its cited passages hold it, the model wrote the [n] itself)."""
    from qa.grounding import check_grounding, citations

    text = getattr(final, "text", "")
    sources = getattr(final, "sources", [])
    numbers = citations(text)
    cited = bool(numbers) and not getattr(final, "abstained", True)
    holds = cited and check_grounding(text, sources, getattr(final, "question", "")).ok
    model_wrote = getattr(final, "answerer", "extractive") != "extractive"
    return cited, holds, model_wrote and cited and bool(citations(streamed))


def wrong_figure(result: Result, question: Question) -> bool:
    from qa.llm_answer import figure_values, figures

    if result.abstained:
        return False
    said = {v for f in figures(result.text) for v in figure_values(f)}
    if not result.indexed:
        return bool(said)
    gold = {v for answer in question.answers for f in figures(answer) for v in figure_values(f)}
    return bool(gold and said and not said & gold)


def _fell_back(result: Result) -> bool:
    """The model answered, but its text was replaced (not: the model was never asked)."""
    gated = bool(result.note) and "không hỏi mô hình" in (result.note or "")
    return result.written_by != result.answerer.partition(":")[0] and not gated


def score(results: list[Result], questions: dict[str, Question]) -> dict[str, float]:
    indexed = [r for r in results if r.indexed]
    unindexed = [r for r in results if not r.indexed]

    def f1(r: Result) -> float:
        prediction = "" if r.abstained else r.text
        return max((token_f1(prediction, a) for a in questions[r.id].answers), default=0.0)

    def mean(values: list[float]) -> float:
        return statistics.fmean(values) if values else float("nan")

    model = [r for r in results if r.answerer != "extractive"]
    given = [r for r in results if not r.abstained]
    kept = [r for r in model if r.written_by == r.answerer.partition(":")[0]]
    prompts = [float(r.prompt_chars) for r in indexed if r.prompt_chars]
    # timed on questions about indexed articles: held-out ones mostly abstain at once
    ttft = [r.ttft_ms for r in indexed]
    total = [r.total_ms for r in indexed]
    return {
        "f1": mean([f1(r) for r in indexed]),
        "contains": mean(
            [float(not r.abstained and contains_answer(r.text, questions[r.id].answers))
             for r in indexed]
        ),
        "wrong_figures": mean([float(wrong_figure(r, questions[r.id])) for r in results]),
        "abstain_indexed": mean([float(r.abstained) for r in indexed]),
        "abstain_unindexed": mean([float(r.abstained) for r in unindexed]),
        "fallback_rate": mean([float(_fell_back(r)) for r in model])
        if model
        else 0.0,
        "cited": mean([float(r.cited) for r in given]),
        "cite_holds": mean([float(r.cite_holds) for r in given]),
        "model_cited": mean([float(r.model_cited) for r in kept]) if kept else float("nan"),
        "prompt_kchars_p50": percentile(prompts, 0.5) / 1000,
        "ttft_latency_p50": percentile(ttft, 0.5),
        "ttft_latency_p95": percentile(ttft, 0.95),
        "total_latency_p50": percentile(total, 0.5),
        "total_latency_p95": percentile(total, 0.95),
        "n": float(len(results)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--limit", type=int, default=100, help="questions on indexed articles")
    parser.add_argument("--unindexed", type=int, default=5, help="articles held out of the index")
    parser.add_argument(
        "--answerers",
        default="extractive,local:passages,local:sentences",
        help="comma-separated; a model answerer may say what it reads: local:sentences, "
        "local:passages (qa/llm_prompt.py); local:sentences:notitles without titles",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="JSONL of per-answer results (resumable)")
    parser.add_argument("--score-only", action="store_true", help="score what --out holds")
    args = parser.parse_args(argv)
    quiet_network()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    settings = Settings.from_env()
    names = [n.strip() for n in args.answerers.split(",") if n.strip()]
    questions = load_questions(args.bench / "questions.jsonl")
    sample, unindexed, held_out = pick_questions(questions, args.limit, args.unindexed, args.seed)
    # the index is kept between runs; its name changes with what decides its chunks
    index_key = [
        *sorted(held_out),
        settings.chunk_size,
        settings.chunk_overlap,
        settings.embedding_backend,
    ]
    tag = hashlib.sha256(json.dumps(index_key).encode()).hexdigest()[:8]
    settings = replace(settings, data_dir=settings.cache_dir / "bench" / f"vinewsqa-{tag}")
    if not args.score_only:
        build_index(args.bench, held_out, settings)
    key = run_key(settings, names, args.seed)
    out = args.out or settings.cache_dir / "bench" / f"answerers-{key}.jsonl"
    asked = [(q, False) for q in unindexed] + [(q, True) for q in sample]
    print(f"{len(sample)} questions on indexed articles, {len(unindexed)} on "
          f"{len(held_out)} held-out articles; results in {out}", file=sys.stderr)
    results = ask_all(asked, names, settings, out, score_only=args.score_only)
    by_id = {q.id: q for q, _ in asked}
    table = {name: score([r for r in results if r.answerer == name], by_id) for name in names}
    print(format_table(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
