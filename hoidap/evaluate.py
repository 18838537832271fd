"""``hoidap eval``: index a corpus, ask a question set, and print retrieval and answer figures.

The question file is JSONL in the shape of UIT-ViNewsQA's (``question``, ``answers``,
``answerable``, ``doc_id`` = the corpus file name without its suffix). A retrieved chunk is a
hit when it comes from ``doc_id`` and contains a gold answer; answers are scored with
SQuAD-style token F1 and exact match against the best gold answer. A file whose rows name
their file in ``doc`` (real reports, ``../shared/reports``) is scored by ``report_eval``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import string
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hoidap.metrics import percentile
from hoidap.settings import Settings

_CITATION = re.compile(r"\s*\[\d+\]")
_PUNCT = set(string.punctuation) | set("“”‘’–—…")


@dataclass
class Question:
    id: str
    question: str
    answers: list[str]
    answerable: bool
    doc_id: str


def load_questions(path: Path, limit: int | None = None) -> list[Question]:
    questions: list[Question] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            questions.append(
                Question(
                    str(row.get("id", len(questions))),
                    row["question"],
                    list(row.get("answers") or []),
                    bool(row.get("answerable", bool(row.get("answers")))),
                    str(row.get("doc_id", "")),
                )
            )
            if limit and len(questions) >= limit:
                break
    return questions


def answer_tokens(text: str) -> list[str]:
    """SQuAD normalization: lower case, no punctuation, whitespace tokens."""
    text = _CITATION.sub("", text).lower()
    text = "".join(" " if ch in _PUNCT else ch for ch in text)
    return text.split()


def token_f1(prediction: str, gold: str) -> float:
    pred, ref = answer_tokens(prediction), answer_tokens(gold)
    common = Counter(pred) & Counter(ref)
    overlap = sum(common.values())
    if not pred or not ref or overlap == 0:
        return float(pred == ref)
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


def contains_answer(text: str, answers: Sequence[str]) -> bool:
    haystack = " ".join(answer_tokens(text))
    return any(" ".join(answer_tokens(a)) in haystack for a in answers if answer_tokens(a))


def score_questions(
    questions: Sequence[Question],
    results: Sequence[tuple[list[tuple[str, str]], str, bool, float]],
    k: int,
) -> dict[str, float]:
    """Figures for answered questions.

    Args:
        results: per question, (ranked (doc_id, chunk text) pairs, answer text, abstained,
            latency in ms), in the order of ``questions``.
    """
    answerable = [(q, r) for q, r in zip(questions, results, strict=True) if q.answerable]
    hits = {1: 0, 3: 0, k: 0}
    rr = doc_hits = 0.0
    for question, (ranked, _, _, _) in answerable:
        first = next(
            (
                rank
                for rank, (doc_id, text) in enumerate(ranked[:10], start=1)
                if doc_id == question.doc_id and contains_answer(text, question.answers)
            ),
            None,
        )
        for cut in hits:
            hits[cut] += int(first is not None and first <= cut)
        rr += 1.0 / first if first else 0.0
        doc_hits += any(doc_id == question.doc_id for doc_id, _ in ranked[:k])
    f1s, ems, contains = [], [], []
    for question, (_, text, abstained, _) in zip(questions, results, strict=True):
        if not question.answerable:
            f1s.append(float(abstained))
            ems.append(float(abstained))
            contains.append(float(abstained))
            continue
        prediction = "" if abstained else text
        f1s.append(max((token_f1(prediction, a) for a in question.answers), default=0.0))
        ems.append(
            float(any(answer_tokens(prediction) == answer_tokens(a) for a in question.answers))
        )
        contains.append(float(not abstained and contains_answer(text, question.answers)))
    latencies = [r[3] for r in results]
    n_ans = max(len(answerable), 1)
    return {
        "hit@1": hits[1] / n_ans,
        "hit@3": hits[3] / n_ans,
        f"hit@{k}": hits[k] / n_ans,
        "mrr@10": rr / n_ans,
        f"doc_hit@{k}": doc_hits / n_ans,
        "f1": statistics.fmean(f1s) if f1s else 0.0,
        "em": statistics.fmean(ems) if ems else 0.0,
        "contains": statistics.fmean(contains) if contains else 0.0,
        "abstain_rate": statistics.fmean(float(r[2]) for r in results) if results else 0.0,
        "latency_p50_ms": percentile(latencies, 0.5),
        "latency_p95_ms": percentile(latencies, 0.95),
        "n": float(len(questions)),
    }


def format_table(rows: dict[str, dict[str, float]]) -> str:
    """Systems as columns, figures as rows: easy to read side by side."""
    names = list(rows)
    keys = list(next(iter(rows.values())))
    width = max(12, *(len(n) for n in names))
    lines = ["metric".ljust(16) + "".join(n.rjust(width + 2) for n in names)]
    for key in keys:
        cells = []
        for name in names:
            value = rows[name].get(key, float("nan"))
            cells.append(f"{value:.0f}" if key == "n" or "latency" in key else f"{value:.3f}")
        lines.append(key.ljust(16) + "".join(c.rjust(width + 2) for c in cells))
    return "\n".join(lines)


def evaluate(
    questions: Sequence[Question],
    settings: Settings,
    *,
    k: int = 5,
    answerer: str = "extractive",
    no_diacritics: bool = False,
) -> dict[str, float]:
    """Ask every question against the index in ``settings`` and score the results."""
    from qa.chain import make_answerer, prepare_question
    from qa.retriever import HybridRetriever
    from store.index import get_index
    from store.lexical import fold_diacritics

    index = get_index(settings)
    retriever = HybridRetriever(index, settings)
    respond = make_answerer(settings, index, answerer)
    results = []
    for question in questions:
        text = fold_diacritics(question.question) if no_diacritics else question.question
        started = time.perf_counter()
        # the answer sees the top k, as answer() does; the ranking to 10 is kept for MRR@10
        found = retriever.retrieve(prepare_question(text), k=max(k, 10))
        answer = respond(replace(found, sources=found.sources[:k]))
        elapsed = (time.perf_counter() - started) * 1000
        ranked = [(Path(s.source).stem, s.text) for s in found.sources]
        results.append((ranked, answer.text, answer.abstained, elapsed))
    return score_questions(questions, results, k)


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from hoidap import report_eval
    from ingest.pipeline import ingest

    if report_eval.is_report_format(Path(args.questions)):  # rows with `doc`, not `doc_id`
        return report_eval.run_report_eval(args, settings, echo=print)

    questions = load_questions(Path(args.questions), args.limit)
    with tempfile.TemporaryDirectory(prefix="hoidap-eval-") as tmp:
        if not args.data_dir:
            settings = settings.replace(data_dir=Path(tmp))
        report = ingest(args.corpus, settings=settings)
        print(f"index: {report.summary()}")
        figures = evaluate(
            questions,
            settings,
            k=args.k,
            answerer=args.answerer,
            no_diacritics=args.no_diacritics,
        )
    label = "hoidap" + (" (no diacritics)" if args.no_diacritics else "")
    print(format_table({label: figures}))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0
