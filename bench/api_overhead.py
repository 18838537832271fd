"""What the OpenAI-compatible API layer costs: ``/v1/chat/completions`` against ``qa.answer()``.

    .venv/bin/python bench/api_overhead.py [--rounds 3]

Ingests ``examples/`` once, copies the data dir, starts ``hoidap serve`` on one copy (a free
127.0.0.1 port) and answers the same seed questions with the extractive answerer both
through ``qa.answer()`` in this process (on the other copy) and through the ``openai``
client against the server, alternating, warm. Prints p50 / p95 of each and the difference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoidap.settings import get_settings  # noqa: E402
from tests.qa.test_abstention import ANSWERABLE  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from openai import OpenAI

    from ingest import ingest
    from qa.api import answer

    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "local"
        served = Path(tmp) / "served"
        settings = get_settings().replace(data_dir=local, answerer="extractive")
        ingest([ROOT / "examples"], settings=settings)
        shutil.copytree(local, served, ignore=shutil.ignore_patterns(".ingest.lock"))
        port = _free_port()
        env = {**os.environ, "HOIDAP_ANSWERER": "extractive", "GRADIO_ANALYTICS_ENABLED": "False"}
        server = subprocess.Popen(
            [sys.executable, "-m", "hoidap.cli", "serve", "--port", str(port),
             "--data-dir", str(served)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            client = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="x", max_retries=0)
            questions = [q for q, _ in ANSWERABLE]
            for question in questions[:2]:  # warm both
                answer(question, settings=settings)
                client.chat.completions.create(
                    model="hoidap", messages=[{"role": "user", "content": question}]
                )
            direct: list[float] = []
            api: list[float] = []
            for _ in range(args.rounds):
                for question in questions:
                    started = time.perf_counter()
                    answer(question, settings=settings)
                    direct.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    client.chat.completions.create(
                        model="hoidap", messages=[{"role": "user", "content": question}]
                    )
                    api.append((time.perf_counter() - started) * 1000)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"{len(direct)} answers each, extractive, warm")
    print("| path | p50 ms | p95 ms |")
    print("|---|---|---|")
    print(f"| qa.answer() | {statistics.median(direct):.1f} | {_percentile(direct, 0.95):.1f} |")
    print(f"| /v1/chat/completions | {statistics.median(api):.1f} | {_percentile(api, 0.95):.1f} |")
    overhead = statistics.median(api) - statistics.median(direct)
    print(f"| overhead (p50) | {overhead:.1f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
