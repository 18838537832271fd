"""A bounded load test: concurrent chat sessions against ``hoidap serve`` while an ingest runs.

    .venv/bin/python bench/load.py [--sessions 20] [--seconds 60] [--ingest-via api|cli]
                                   [--chroma-url http://127.0.0.1:PORT] [--json out.json]

Starts ``hoidap serve`` on a free 127.0.0.1 port with a fresh data directory (the sample
report, plus one document that keeps changing), then runs ``--sessions`` threads that ask
questions through the page's named ``/ask`` endpoint (``gradio_client``) for ``--seconds``,
while another thread rewrites the changing document and ingests each new version, through
the page's ``/ingest`` endpoint (in the server's process) or ``hoidap ingest`` (another
process; use it with ``--chroma-url``, since an embedded store opened by two processes does
not share its vector index). Everything stops by itself: the clock, the threads, then the
server, killed by its PID. Only 127.0.0.1 is ever contacted.

Every version of the changing document says its version in each of its chunks; an answer
about it whose passages carry two versions would have read a half-written state, and is
counted as "mixed" (the target is zero, as for errors). Prints one table: requests
completed, errors, p50 / p95 latency, ingests completed, mixed answers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "can-tho-police-2021.txt"
PYTHON = sys.executable
HOST = "127.0.0.1"
CHANGING = "tuan-tra-dac-biet.txt"
CHANGING_QUESTION = "Trong đợt tuần tra đặc biệt có bao nhiêu cuộc tuần tra?"
QUESTIONS = [
    "Có bao nhiêu cán bộ, chiến sĩ được huy động tham gia phòng chống dịch Covid-19?",
    "Tội phạm xâm phạm trật tự xã hội giảm bao nhiêu phần trăm?",
    "Công an TP Cần Thơ được Chủ tịch nước tặng huân chương gì?",
    "Thành lập bao nhiêu tổ lưu động để cấp căn cước công dân?",
    "cong an thanh pho trao tang bao nhieu tan gao",
    "Giá vàng SJC hôm nay là bao nhiêu một lượng?",
    CHANGING_QUESTION,
    CHANGING_QUESTION,
]
_VERSION = re.compile(r"mã phiên bản V(\d+)")

log = logging.getLogger("bench.load")


def changing_document(version: int) -> str:
    """Six paragraphs (six chunks), every one naming the version and its figures."""
    paragraphs = [f"Báo cáo đợt tuần tra đặc biệt, mã phiên bản V{version}."]
    for part in range(1, 7):
        paragraphs.append(
            f"Phần {part} (mã phiên bản V{version}). Trong đợt tuần tra đặc biệt có "
            f"{1000 + version} cuộc tuần tra, kiểm tra {200 + version} phương tiện và lập "
            f"{30 + version} biên bản tại khu vực số {part}. "
            + "Lực lượng tham gia gồm cảnh sát giao thông, cảnh sát cơ động và công an phường. "
            * 8
        )
    return "\n\n".join(paragraphs) + "\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)
    versions_seen: set[int] = field(default_factory=set)
    backwards: int = 0  # a session saw an older version after a newer one
    ingests: list[float] = field(default_factory=list)
    ingest_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _env(chroma_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDAP_")}
    env |= {"PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False"}
    if os.environ.get("HOIDAP_CACHE_DIR"):
        env["HOIDAP_CACHE_DIR"] = os.environ["HOIDAP_CACHE_DIR"]
    if chroma_url:
        env["HOIDAP_CHROMA_URL"] = chroma_url
        env["HOIDAP_COLLECTION"] = f"load-{os.getpid()}-{int(time.time())}"
    return env


def _cli(*args: str) -> list[str]:
    return [PYTHON, "-m", "hoidap.cli", *args]


def _wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _check_answer(result: dict, stats: Stats, last_seen: list[int]) -> None:
    """An answer about the changing document must read one version of it, not two."""
    versions = {
        int(m)
        for s in result.get("sources", [])
        if s.get("source") == CHANGING
        for m in _VERSION.findall(s.get("text", ""))
    }
    if not versions:
        return
    with stats.lock:
        stats.versions_seen |= versions
        if len(versions) > 1:
            stats.mixed.append(f"versions {sorted(versions)}: {result.get('answer', '')[:80]}")
        newest = max(versions)
        if newest < last_seen[0]:
            stats.backwards += 1
        last_seen[0] = max(last_seen[0], newest)
    figures = set(re.findall(r"\b1\d{3}\b", result.get("answer", "")))
    expected = {str(1000 + v) for v in versions}
    if figures and not figures <= expected:
        with stats.lock:
            stats.mixed.append(f"answer figure {figures} not from version(s) {sorted(versions)}")


def session(url: str, stop: threading.Event, stats: Stats, seed: int) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False)
    rnd = random.Random(seed)
    last_seen = [-1]
    while not stop.is_set():
        question = rnd.choice(QUESTIONS)
        started = time.perf_counter()
        try:
            result = client.predict(question, "extractive", api_name="/ask")
        except Exception as exc:  # every failure a user would see counts
            with stats.lock:
                stats.errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            continue
        elapsed = time.perf_counter() - started
        if not isinstance(result, dict) or "answer" not in result:
            with stats.lock:
                stats.errors.append(f"unexpected reply: {str(result)[:120]}")
            continue
        with stats.lock:
            stats.latencies.append(elapsed)
        _check_answer(result, stats, last_seen)


def ingest_loop(
    url: str, via: str, data_dir: Path, work: Path, env: dict[str, str],
    stop: threading.Event, stats: Stats,
) -> None:  # fmt: skip
    """Write version 1, 2, … of the changing document and ingest each, until stopped."""
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False, download_files=False) if via == "api" else None
    version = 0
    while not stop.is_set():
        version += 1
        path = work / "changing" / CHANGING
        path.write_text(changing_document(version), encoding="utf-8")
        started = time.perf_counter()
        try:
            if client is not None:
                report = client.predict([handle_file(str(path))], api_name="/ingest")
                ok = bool(report.get("updated") or report.get("added"))
                if not ok:
                    raise RuntimeError(str(report)[:200])
            else:
                command = _cli("ingest", str(path), "--data-dir", str(data_dir), "-q")
                subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)
        except Exception as exc:
            with stats.lock:
                stats.ingest_errors.append(f"v{version}: {type(exc).__name__}: {str(exc)[:150]}")
            continue
        with stats.lock:
            stats.ingests.append(time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> dict[str, object]:
    if args.chroma_url and urlparse(args.chroma_url).hostname not in (HOST, "localhost"):
        raise SystemExit("the load test only talks to 127.0.0.1")
    work = Path(tempfile.mkdtemp(prefix="hoidap-load-"))
    data_dir = work / "data"
    (work / "changing").mkdir()
    env = _env(args.chroma_url)
    port = free_port()
    url = f"http://{HOST}:{port}/"
    server: subprocess.Popen[bytes] | None = None
    stats = Stats()
    try:
        # the existing index: the sample report, and version 0 of the changing document
        (work / "changing" / CHANGING).write_text(changing_document(0), encoding="utf-8")
        first = [str(SAMPLE)]
        if args.ingest_via == "cli":
            first.append(str(work / "changing" / CHANGING))
        subprocess.run(
            _cli("ingest", *first, "--data-dir", str(data_dir), "-q"),
            env=env, check=True, capture_output=True, timeout=900,
        )  # fmt: skip
        serve_log = (work / "serve.log").open("wb")
        command = _cli("serve", "--host", HOST, "--port", str(port), "--data-dir", str(data_dir))
        server = subprocess.Popen(command, env=env, stdout=serve_log, stderr=subprocess.STDOUT)
        _wait_for(url, timeout=300)
        from gradio_client import Client, handle_file

        warm = Client(url, verbose=False, download_files=False)
        if args.ingest_via == "api":
            warm.predict([handle_file(str(work / "changing" / CHANGING))], api_name="/ingest")
        warm.predict(CHANGING_QUESTION, "extractive", api_name="/ask")  # models loaded

        stop = threading.Event()
        threads = [
            threading.Thread(target=session, args=(url, stop, stats, n), daemon=True)
            for n in range(args.sessions)
        ]
        writer = threading.Thread(
            target=ingest_loop,
            args=(url, args.ingest_via, data_dir, work, env, stop, stats),
            daemon=True,
        )
        started = time.monotonic()
        for thread in [*threads, writer]:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in [*threads, writer]:
            thread.join(timeout=max(5.0, args.grace - (time.monotonic() - started - args.seconds)))
        wall = time.monotonic() - started
        stuck = sum(t.is_alive() for t in [*threads, writer])
    finally:
        if server is not None and server.poll() is None:
            server.kill()  # by its PID
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    latencies = stats.latencies
    return {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "wall_seconds": round(wall, 1),
        "store": "server " + args.chroma_url if args.chroma_url else "embedded",
        "ingest_via": args.ingest_via,
        "requests": len(latencies),
        "errors": len(stats.errors),
        "requests_per_second": round(len(latencies) / args.seconds, 2),
        "p50_ms": round(percentile(latencies, 0.5) * 1000),
        "p95_ms": round(percentile(latencies, 0.95) * 1000),
        "max_ms": round(max(latencies, default=float("nan")) * 1000),
        "mean_ms": round(statistics.fmean(latencies) * 1000) if latencies else None,
        "ingests": len(stats.ingests),
        "ingest_p50_s": round(percentile(stats.ingests, 0.5), 2) if stats.ingests else None,
        "ingest_errors": len(stats.ingest_errors),
        "versions_seen": sorted(stats.versions_seen),
        "mixed_answers": len(stats.mixed),
        "went_backwards": stats.backwards,
        "threads_still_running": stuck,
        "error_samples": stats.errors[:5] + stats.ingest_errors[:5],
        "mixed_samples": stats.mixed[:5],
    }


def format_table(result: dict[str, object]) -> str:
    mx = result["max_ms"]
    rows = [
        ("concurrent sessions", result["sessions"]),
        ("duration (s)", f"{result['seconds']} (all stopped after {result['wall_seconds']})"),
        ("store / ingest", f"{result['store']} / via {result['ingest_via']}"),
        ("requests completed", result["requests"]),
        ("errors", result["errors"]),
        ("throughput (req/s)", result["requests_per_second"]),
        ("latency p50 / p95 / max (ms)", f"{result['p50_ms']} / {result['p95_ms']} / {mx}"),
        ("ingests completed during the test", result["ingests"]),
        ("ingest time p50 (s)", result["ingest_p50_s"]),
        ("ingest errors", result["ingest_errors"]),
        ("document versions seen in answers", _ranges(result["versions_seen"])),
        ("answers mixing two versions", result["mixed_answers"]),
        ("a session saw an older version after a newer", result["went_backwards"]),
    ]
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def _ranges(values: object) -> str:
    numbers = list(values) if isinstance(values, list) else []
    if not numbers:
        return "none"
    return f"{len(numbers)} (V{numbers[0]}…V{numbers[-1]})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--grace", type=float, default=120.0, help="max wait for threads")
    parser.add_argument("--ingest-via", choices=["api", "cli"], default="api")
    parser.add_argument("--chroma-url", help="a Chroma server on 127.0.0.1 instead of embedded")
    parser.add_argument("--json", help="also write the result to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("httpx", "gradio_client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    result = run(args)
    sys.stdout.write(format_table(result) + "\n")
    if result["error_samples"] or result["mixed_samples"]:
        samples = {k: result[k] for k in ("error_samples", "mixed_samples")}
        sys.stdout.write(json.dumps(samples, ensure_ascii=False, indent=1) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return 0 if result["errors"] == 0 and result["mixed_answers"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
