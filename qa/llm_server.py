"""The local model behind an OpenAI-compatible server on 127.0.0.1, started and stopped by hoidap.

``xllamacpp`` (prebuilt llama.cpp) serves the model from inside a Python process. That
process is a child of ours rather than a thread of ours, because:

- a model that crashes llama.cpp (a bad user GGUF) then takes down the child, not the app;
- it can be stopped at once, even mid-answer, by killing it;
- it reads its stdin and exits when that closes, so it never outlives hoidap, even when
  hoidap itself is killed and no ``atexit`` runs;
- llama.cpp's own log goes to a file in the model cache instead of the user's terminal.

The child binds port 0 (the kernel picks a free port, so no race with other programs) and
prints the address it got. One server per process, reused by every answer.
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from hoidap.settings import Settings
from qa.llm_model import ensure_model

log = logging.getLogger(__name__)

_HEALTH_POLL_S = 0.25


class ServerError(RuntimeError):
    """The local model server could not be started; the message says why."""


def runtime_available() -> bool:
    """True when the ``xllamacpp`` wheel is installed (without importing llama.cpp)."""
    import importlib.util

    return importlib.util.find_spec("xllamacpp") is not None


@dataclass(frozen=True)
class ServerConfig:
    """What a server is started with; a different config means a different server."""

    model: Path
    alias: str
    ctx: int
    threads: int

    @classmethod
    def from_settings(cls, settings: Settings, *, progress: bool = True) -> ServerConfig:
        model = ensure_model(settings, progress=progress)
        threads = settings.llm_threads or os.cpu_count() or 1
        return cls(model.path, model.name, settings.llm_ctx, threads)


class LocalServer:
    """One running xllamacpp server child process: its address, and how to stop it."""

    def __init__(self, config: ServerConfig, log_path: Path) -> None:
        self.config = config
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.address = ""

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible root (``…/v1``) for ``ChatOpenAI(base_url=...)``."""
        return f"{self.address}/v1"

    def start(self, timeout: float) -> None:
        """Start the child and wait until ``/health`` says the model is loaded.

        Raises:
            ServerError: the child exited, or was not healthy within ``timeout`` seconds.
        """
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "qa.llm_server",
            "--model",
            str(self.config.model),
            "--alias",
            self.config.alias,
            "--ctx",
            str(self.config.ctx),
            "--threads",
            str(self.config.threads),
        ]
        # the child imports this module by name, so it must see this checkout's packages
        root = str(Path(__file__).resolve().parent.parent)
        paths = [root, *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        deadline = time.monotonic() + timeout
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
                env=env,
            )
        self.address = self._read_address(deadline)
        self._wait_healthy(deadline)
        log.info("local model %s served at %s", self.config.alias, self.address)

    def _read_address(self, deadline: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=_HEALTH_POLL_S)
                break
            except queue.Empty:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._fail("did not start")
        try:
            return str(json.loads(line)["address"]).rstrip("/")
        except (ValueError, KeyError, TypeError):
            self._fail("started but did not report its address")

    def _wait_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.healthy():
                return
            if self.process is None or self.process.poll() is not None:
                break
            time.sleep(_HEALTH_POLL_S)
        self._fail("was not ready in time")

    def _fail(self, what: str) -> NoReturn:
        self.stop()
        msg = (
            f"Máy chủ mô hình cục bộ không chạy được: the local model server {what}; "
            f"see {self.log_path}"
        )
        raise ServerError(msg)

    def healthy(self, timeout: float = 2.0) -> bool:
        if not self.address or self.process is None or self.process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{self.address}/health", timeout=timeout) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        """Stop the child: close its stdin (it exits by itself), then kill if it lingers."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(timeout=5)
        log.info("local model server stopped")


_lock = threading.Lock()
_server: LocalServer | None = None
# A start that failed is not retried at once: every question would wait for it again.
_RETRY_AFTER_S = 60.0
_failed: tuple[ServerConfig, float, str] | None = None


def get_server(settings: Settings, *, progress: bool = True) -> LocalServer:
    """The process-wide local server for these settings, started (or restarted) if needed.

    Raises:
        ModelError: the model is not installed or does not match its checksum.
        ServerError: the runtime is missing, or the server did not come up in time.
    """
    global _server, _failed
    if not runtime_available():
        msg = "Chưa cài xllamacpp (the local runtime is missing): pip install '.[local-llm]'"
        raise ServerError(msg)
    with _lock:
        config = ServerConfig.from_settings(settings, progress=progress)
        if _server is not None and _server.config == config and _server.healthy():
            return _server
        recent = _failed is not None and time.monotonic() - _failed[1] < _RETRY_AFTER_S
        if _failed is not None and recent and _failed[0] == config:
            raise ServerError(_failed[2])
        if _server is not None:
            log.warning("restarting the local model server")
            _server.stop()
            _server = None
        server = LocalServer(config, settings.model_cache / "llm-server.log")
        try:
            server.start(settings.llm_start_timeout)
        except ServerError as exc:
            _failed = (config, time.monotonic(), str(exc))
            raise
        _failed = None
        _server = server
        return server


def stop_server() -> None:
    """Stop the process-wide server if one runs (also registered to run at exit)."""
    global _server
    with _lock:
        if _server is not None:
            _server.stop()
            _server = None


atexit.register(stop_server)


def _serve(argv: list[str] | None = None) -> int:
    """The child: load the model, print the address, serve until stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m qa.llm_server")
    parser.add_argument("--model", required=True)
    parser.add_argument("--alias", required=True)
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = args.model
    params.model_alias = args.alias
    params.n_ctx = args.ctx
    params.n_parallel = 1  # one answer at a time: a second would only halve both on a small CPU
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    server = xlc.Server(params)
    sys.stdout.write(json.dumps({"address": server.listening_address}) + "\n")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads the pipe from now on
    sys.stdin.read()  # returns when the parent closes the pipe or dies
    del server
    return 0


if __name__ == "__main__":
    sys.exit(_serve())
