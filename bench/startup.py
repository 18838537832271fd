"""Cold start and memory: ``hoidap --help``, ``from qa import answer``, ``hoidap ask`` and
``hoidap serve`` to its first answer, and the server's peak RSS, on one or more data dirs.

    .venv/bin/python bench/startup.py [--data-dirs /tmp/hoidap-scale/1000,/tmp/hoidap-scale/100000]
        [--repeat 3] [--answers 20]

Data directories come from ``bench/latency.py`` (which grows them). Everything runs as a
subprocess, as a user starts it, on a warm disk (one untimed run first); each figure is the
median of ``--repeat`` runs. The server is asked through its ``/ask`` API (gradio_client);
peak RSS is the server process's VmHWM after its first answer and after ``--answers`` more.
On a shared machine, compare figures within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "vinewsqa-dev"
QUESTION = "Có bao nhiêu ca mắc mới được ghi nhận?"


def _env(data_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOIDAP_ANSWERER="extractive")
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    if data_dir is not None:
        env["HOIDAP_DATA_DIR"] = str(data_dir)
    return env


def wall(cmd: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall seconds of ``cmd`` after one untimed run (warm disk)."""
    subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=True)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve_once(data_dir: Path, questions: list[str], timeout: float = 600.0) -> dict[str, float]:
    """Start ``hoidap serve``; seconds to its first answer, peak RSS after 1 and N answers."""
    from gradio_client import Client

    port = _free_port()
    log = Path(tempfile.gettempdir()) / f"hoidap-bench-serve-{port}.log"
    started = time.perf_counter()
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hoidap.cli", "serve", "--port", str(port)],
            env=_env(data_dir),
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        while True:
            if proc.poll() is not None:
                raise RuntimeError("hoidap serve exited")
            if time.perf_counter() - started > timeout:
                raise TimeoutError("hoidap serve did not answer in time")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        while True:  # the port opens before the app answers: retry until it does
            try:
                client = Client(url, verbose=False)
                result = client.predict(QUESTION, "extractive", api_name="/ask")
                break
            except Exception:
                if proc.poll() is not None or time.perf_counter() - started > timeout:
                    print(f"hoidap serve failed, see {log}")
                    raise
                time.sleep(0.2)
        first = time.perf_counter() - started
        assert "answer" in result
        hwm_first = _hwm_mb(proc.pid)
        for question in questions:
            client.predict(question, "extractive", api_name="/ask")
        return {"serve→answer s": first, "RSS after 1 MB": hwm_first,
                f"RSS after {len(questions) + 1} MB": _hwm_mb(proc.pid)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dirs", default="/tmp/hoidap-scale/1000,/tmp/hoidap-scale/100000",
        help="comma-separated data dirs (grown by bench/latency.py)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--answers", type=int, default=20, help="questions after the first")
    parser.add_argument("--bench", default=str(DEFAULT_BENCH))
    parser.add_argument("--no-serve", action="store_true", help="skip hoidap serve")
    args = parser.parse_args()
    py = sys.executable
    with (Path(args.bench) / "questions.jsonl").open(encoding="utf-8") as handle:
        questions = [json.loads(line)["question"] for line in handle if line.strip()]
    questions = questions[: args.answers]
    rows: list[tuple[str, str, float]] = [
        ("python -c pass", "-", wall([py, "-c", "pass"], _env(), args.repeat)),
        ("hoidap --help", "-", wall([py, "-m", "hoidap.cli", "--help"], _env(), args.repeat)),
        ("from qa import answer", "-",
         wall([py, "-c", "from qa import answer"], _env(), args.repeat)),
        ("from ingest import ingest", "-",
         wall([py, "-c", "from ingest import ingest"], _env(), args.repeat)),
    ]
    for data_dir in [Path(d) for d in args.data_dirs.split(",") if d]:
        if not (data_dir / "manifest.json").exists():
            print(f"skipping {data_dir}: no index (run bench/latency.py first)")
            continue
        label = data_dir.name
        ask = [py, "-m", "hoidap.cli", "ask", QUESTION]
        rows.append(("hoidap ask → answer (s)", label, wall(ask, _env(data_dir), args.repeat)))
        if args.no_serve:
            continue
        runs = [serve_once(data_dir, questions) for _ in range(max(1, args.repeat - 1))]
        for key in runs[0]:
            rows.append((f"hoidap serve {key}", label,
                         statistics.median(r[key] for r in runs)))
    print(f"\nmedian of {args.repeat} runs (serve: {max(1, args.repeat - 1)}), warm disk")
    print(f"{'measure':34}{'data dir':>10}{'value':>10}")
    for name, label, value in rows:
        print(f"{name:34}{label:>10}{value:10.2f}")


if __name__ == "__main__":
    main()
