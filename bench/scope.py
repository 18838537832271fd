"""Scoped vs unscoped questions on a library of 100 reports: retrieval and answer latency.

    .venv/bin/python bench/scope.py [--reports 100] [--repeat 3] [--work /tmp/hoidap-scope-bench]

Writes ``--reports`` synthetic financial statements (one invented company each: its own
name, ticker and figures, the statements of ``tests/statement_files.py`` with every figure
scaled, so their identities hold) and a narrative note per ten reports, ingests them once
into ``--work`` (reused by later runs), then asks line and narrative questions unscoped and
scoped to one report (by its ticker, as ``hoidap ask --doc HPG`` would; a random report per
question): retrieval alone (``HybridRetriever.retrieve``, query embedding included) and
``answer()`` end to end (extractive; a scoped answer also resolves the name). Prints one
table: p50 / p95 in ms and the scoped/unscoped ratio, and how many scoped answers quoted
only their report (the scope is a filter: it must be 100 %).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hoidap.settings import Settings, get_settings, quiet_network  # noqa: E402

LINE_QUESTIONS = [
    "nợ phải trả là bao nhiêu",
    "tổng tài sản cuối kỳ",
    "lợi nhuận sau thuế quý 1 năm 2025",
    "doanh thu thuần là bao nhiêu",
    "hàng tồn kho giảm bao nhiêu so với đầu năm",
]
TEXT_QUESTIONS = [
    "Đoàn kiểm tra đến vào ngày nào?",
    "Báo cáo này do ai lập?",
    "Công ty có bao nhiêu nhân viên?",
]
SYLLABLES = [
    "An", "Bình", "Cát", "Dương", "Đông", "Gia", "Hải", "Hòa", "Khánh", "Lạc", "Long", "Minh",
    "Nam", "Phát", "Phú", "Quang", "Sơn", "Tân", "Thành", "Thịnh", "Trung", "Việt", "Vinh",
    "Xuân",
]  # fmt: skip
_FIGURE = re.compile(r"\d{1,3}(?:\.\d{3})+")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def companies(count: int) -> list[tuple[str, str, int]]:
    """(company words, ticker, factor) for ``count`` invented companies, all different."""
    found: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    rng = random.Random(20)
    while len(found) < count:
        words = " ".join(rng.sample(SYLLABLES, 2))
        ticker = "".join(rng.choice("ABCDEFGHKLMNPQRSTVX") for _ in range(3))
        if words in seen or ticker in seen:
            continue
        seen |= {words, ticker}
        found.append((words, ticker, 2 + len(found)))
    return found


def write_reports(folder: Path, count: int) -> list[tuple[str, str, int]]:
    from tests import statement_files as sf

    folder.mkdir(parents=True, exist_ok=True)
    made = companies(count)
    for number, (words, ticker, factor) in enumerate(made):
        path = sf.write_markdown_pipe(folder / f"{ticker.lower()}-q1-2025.md")
        text = path.read_text(encoding="utf-8")
        text = text.replace("THẠCH LAM", words.upper()).replace("Thạch Lam", words)
        text = text.replace(sf.TICKER, ticker)
        text = _FIGURE.sub(
            lambda m, f=factor: f"{int(m.group(0).replace('.', '')) * f:,}".replace(",", "."),
            text,
        )
        path.write_text(text, encoding="utf-8")
        if number % 10 == 0:
            (folder / f"ghi-chu-{ticker.lower()}.md").write_text(
                f"# Ghi chú về Công ty {words}\n\nĐoàn kiểm tra đến công ty {words} ngày "
                f"{number % 27 + 1} tháng 3 năm 2025 với {number + 5} thành viên. Báo cáo do "
                f"phòng kế toán lập. Công ty có {100 + number} nhân viên.\n",
                encoding="utf-8",
            )
    return made


def build(work: Path, count: int) -> tuple[Settings, list[tuple[str, str, int]]]:
    from ingest import ingest

    settings = get_settings().replace(data_dir=work / "data", answerer="extractive")
    made = companies(count)
    ready = work / "ready.json"
    if not (ready.exists() and json.loads(ready.read_text()) == {"reports": count}):
        made = write_reports(work / "reports", count)
        started = time.perf_counter()
        report = ingest([str(work / "reports")], settings=settings)
        took = time.perf_counter() - started
        print(f"ingest: {report.summary()} in {took:.1f} s", file=sys.stderr)
        ready.write_text(json.dumps({"reports": count}))
    return settings, made


def ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the questions")
    parser.add_argument("--work", type=Path, default=Path("/tmp/hoidap-scope-bench"))
    parser.add_argument("--json", dest="json_out", type=Path)
    args = parser.parse_args(argv)
    quiet_network()

    from qa import answer
    from qa.chain import prepare_question
    from qa.retriever import HybridRetriever
    from qa.scope import resolve_documents
    from store.index import get_index

    settings, made = build(args.work, args.reports)
    index = get_index(settings)
    retriever = HybridRetriever(index, settings)
    chunks = sum(len(r.chunk_ids) for r in index.manifest().documents.values())
    answer("khởi động", settings=settings)  # loads the model, opens the index
    rng = random.Random(7)
    questions = (LINE_QUESTIONS + TEXT_QUESTIONS) * args.repeat
    timings: dict[str, list[float]] = {
        k: [] for k in ("retrieve", "retrieve scoped", "answer", "answer scoped")
    }
    own = scoped_answers = 0
    for question in questions:
        _, ticker, _ = rng.choice(made)
        text = prepare_question(question)
        started = time.perf_counter()
        retriever.retrieve(text)
        timings["retrieve"].append(ms_since(started))
        started = time.perf_counter()
        scope = resolve_documents(index, [ticker])  # the name → sources step counts too
        retriever.retrieve(text, scope=scope)
        timings["retrieve scoped"].append(ms_since(started))
        started = time.perf_counter()
        answer(question, settings=settings)
        timings["answer"].append(ms_since(started))
        started = time.perf_counter()
        result = answer(question, settings=settings, documents=[ticker])
        timings["answer scoped"].append(ms_since(started))
        names = {Path(s).name for s in scope or ()}
        scoped_answers += 1
        own += all(Path(s.source).name in names for s in result.sources)

    rows = []
    for kind in ("retrieve", "answer"):
        base, scoped = timings[kind], timings[f"{kind} scoped"]
        rows.append(
            {
                "what": kind,
                "unscoped_p50_ms": round(statistics.median(base), 1),
                "unscoped_p95_ms": round(percentile(base, 0.95), 1),
                "scoped_p50_ms": round(statistics.median(scoped), 1),
                "scoped_p95_ms": round(percentile(scoped, 0.95), 1),
                "ratio_p50": round(statistics.median(scoped) / statistics.median(base), 2),
                "ratio_p95": round(percentile(scoped, 0.95) / percentile(base, 0.95), 2),
            }
        )
    print(
        f"{args.reports} reports, {len(index.manifest().documents)} documents, {chunks} chunks; "
        f"{len(questions)} questions per column (scoped: one report, by ticker)"
    )
    print(f"{'':10} {'unscoped p50':>13} {'p95':>8} {'scoped p50':>11} {'p95':>8} "
          f"{'ratio p50':>10} {'p95':>6}")  # fmt: skip
    for row in rows:
        print(
            f"{row['what']:10} {row['unscoped_p50_ms']:>10.1f} ms "
            f"{row['unscoped_p95_ms']:>5.1f} ms "
            f"{row['scoped_p50_ms']:>8.1f} ms {row['scoped_p95_ms']:>5.1f} ms "
            f"{row['ratio_p50']:>10.2f} {row['ratio_p95']:>6.2f}"
        )
    print(f"scoped answers quoting only their report: {own}/{scoped_answers}")
    if args.json_out:
        args.json_out.write_text(
            json.dumps({"rows": rows, "own": [own, scoped_answers], "chunks": chunks}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
