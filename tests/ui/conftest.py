"""Real ``hoidap serve`` processes and a headless Chromium to drive them.

The servers are the command users run, started as subprocesses on free 127.0.0.1 ports with
the sample report ingested beforehand into a temporary data directory; they live for the
whole session because starting one loads the embedding model. The model cache is the
user's (``~/.cache/hoidap``), so the model is converted once per machine, not per run.

The browser is Debian's ``chromium`` (``apt-get install chromium``) driven by Playwright's
Python API; ``playwright install`` is never needed. Pages keep a connection open, so tests
wait for ``load`` and then for elements, never for network idle.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "examples"
SAMPLE_NAME = "can-tho-police-2021.txt"
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("HOIDAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AUTH = ("lan", "mat-khau-thu-nghiem")
START_TIMEOUT = 180.0
INGEST_TIMEOUT = 600.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def own_address() -> str | None:
    """This machine's own non-loopback IPv4 address (``hostname -I``), or None: a server
    bound to it and reached through it sees a client that is not loopback, without any
    packet leaving this machine."""
    try:
        out = subprocess.run(
            ["hostname", "-I"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.split()
    except OSError:
        out = []
    with contextlib.suppress(OSError):
        out += socket.gethostbyname_ex(socket.gethostname())[2]
    for candidate in out:
        if "." in candidate and not candidate.startswith("127."):
            try:
                with socket.socket() as sock:
                    sock.bind((candidate, 0))  # ours: a foreign address cannot be bound
            except OSError:
                continue
            return candidate
    return None


# the page may load from these (the servers' own addresses); anything else is outside
LOCAL_PREFIXES = ["http://127.0.0.1", "data:", "blob:", "about:"]


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server: its own data and temp dirs, the shared model cache."""
    env = dict(os.environ)
    env.update(
        HOIDAP_DATA_DIR=str(data_dir),
        HOIDAP_CACHE_DIR=env.get("HOIDAP_CACHE_DIR") or str(Path.home() / ".cache" / "hoidap"),
        HOIDAP_ANSWERER=extra.pop("HOIDAP_ANSWERER", "extractive"),
        GRADIO_TEMP_DIR=str(data_dir.parent / f"{data_dir.name}-gradio-tmp"),
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("HOIDAP_AUTH", None)
    env.update(extra)
    return env


def run_ingest(data_dir: Path, *paths: Path) -> None:
    """``hoidap ingest`` into ``data_dir``, as a user would before serving."""
    command = [sys.executable, "-m", "hoidap.cli", "ingest", *map(str, paths)]
    command += ["--data-dir", str(data_dir), "-q"]
    done = subprocess.run(
        command,
        env=server_env(data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=INGEST_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"ingest failed:\n{done.stdout}\n{done.stderr}"


@dataclass
class Server:
    """One running ``hoidap serve``."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    data_dir: Path
    started_at: float
    ready_after: float = 0.0
    auth: tuple[str, str] | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def http_status(url: str, *, method: str = "GET", data: bytes | None = None) -> int:
    request = urllib.request.Request(url, method=method, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def start_server(
    data_dir: Path,
    log_dir: Path,
    *,
    auth: tuple[str, str] | None = None,
    host: str | None = None,
    args: tuple[str, ...] = (),
    **env: str,
) -> Server:
    """Start ``hoidap serve`` (on ``host``, default 127.0.0.1, with more ``args``) and return
    once the page answers HTTP."""
    port = free_port(host or "127.0.0.1")
    command = [sys.executable, "-m", "hoidap.cli", "serve", "--port", str(port)]
    command += ["--data-dir", str(data_dir), *args]
    if host:
        command += ["--host", host]
    if auth:
        command += ["--auth", f"{auth[0]}:{auth[1]}"]
    log_path = log_dir / f"serve-{port}.log"
    handle = log_path.open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=server_env(data_dir, **env), cwd=REPO, stdout=handle, stderr=subprocess.STDOUT
    )
    handle.close()
    url = f"http://{host or '127.0.0.1'}:{port}"
    server = Server(url, process, log_path, data_dir, started, auth=auth)
    deadline = started + START_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            pytest.fail(f"hoidap serve exited ({process.returncode}):\n{server.log_text()}")
        try:
            if http_status(server.url + "/") == 200:
                server.ready_after = time.perf_counter() - started
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    pytest.fail(f"hoidap serve did not answer within {START_TIMEOUT:.0f}s:\n{server.log_text()}")


# -- data and servers ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def ingested_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the sample report ingested by ``hoidap ingest examples/``."""
    data_dir = tmp_path_factory.mktemp("hoidap") / "data"
    run_ingest(data_dir, SAMPLE_DIR)
    return data_dir


@pytest.fixture(scope="session")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


def _copy_data(source: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A private copy of an ingested data dir, so servers never share one (Chroma is local)."""
    target = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ingest.lock"))
    return target


@pytest.fixture(scope="session")
def server(
    ingested_dir: Path, logs_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The server most tests use: no auth, extractive answers, the sample report indexed."""
    data_dir = _copy_data(ingested_dir, tmp_path_factory, "main")
    running = start_server(data_dir, logs_dir)
    yield running
    running.stop()
    if "Traceback" in running.log_text():
        pytest.fail(f"the server logged a traceback:\n{running.log_text()[-4000:]}")


@pytest.fixture(scope="session")
def auth_server(
    ingested_dir: Path, logs_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server started with ``--auth user:password``."""
    data_dir = _copy_data(ingested_dir, tmp_path_factory, "auth")
    running = start_server(data_dir, logs_dir, auth=AUTH)
    yield running
    running.stop()


# -- the browser -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium "
            "fonts-noto-color-emoji` (or `make test`, which does)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageWatch:
    """What a page did besides rendering: requests that left this machine, console errors."""

    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def page(browser: Any, watch: PageWatch) -> Iterator[Any]:
    """A fresh browser context (its own cookies), Vietnamese locale, laptop-sized window."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.set_default_timeout(60_000)
    tab = context.new_page()

    def on_request(request: Any) -> None:
        if not request.url.startswith(tuple(LOCAL_PREFIXES)):
            watch.external.append(request.url)

    tab.on("request", on_request)
    tab.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    yield tab
    context.close()
    assert not watch.external, f"the page went outside this machine: {watch.external}"


def screenshot(tab: Any, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot under artifacts/screenshots/ (a test artifact people look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Gradio fades every output of a running event; a screenshot shows the settled page
    tab.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=status-tracker]')]"
        ".every((e) => e.classList.contains('hide'))",
        timeout=60_000,
    )
    tab.wait_for_timeout(400)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=full_page)
    return path


def record_figures(figures: dict[str, Any]) -> None:
    """Merge measured figures into artifacts/figures.json (what the issue asks to report)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "figures.json"
    current: dict[str, Any] = {}
    if path.exists():
        try:
            current = json.loads(path.read_text())
        except ValueError:
            current = {}
    current.update(figures)
    path.write_text(json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True))
    log.warning("figures: %s", figures)


@pytest.fixture
def shot() -> Any:
    """``shot(page, name)``: save a screenshot to artifacts/screenshots/NAME.png."""
    return screenshot


@pytest.fixture
def figures() -> Any:
    """``figures({...})``: merge measured figures into artifacts/figures.json."""
    return record_figures


@pytest.fixture
def launch(logs_dir: Path) -> Iterator[Any]:
    """``launch(data_dir, auth=None, host=None, args=(), **env)``: a server stopped when the
    test ends."""
    started: list[Server] = []

    def _launch(
        data_dir: Path,
        *,
        auth: tuple[str, str] | None = None,
        host: str | None = None,
        args: tuple[str, ...] = (),
        **env: str,
    ) -> Server:
        running = start_server(data_dir, logs_dir, auth=auth, host=host, args=args, **env)
        started.append(running)
        return running

    yield _launch
    for running in started:
        running.stop()


@pytest.fixture
def fresh_data(ingested_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the ingested sample data directory."""
    return _copy_data(ingested_dir, tmp_path_factory, "fresh")
