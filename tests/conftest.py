"""Shared fixtures: real model, real Chroma, the sample report ingested once per session.

``settings`` and ``seeded`` use the embedded store unless a module parametrizes
``store_mode`` (``pytestmark = pytest.mark.parametrize("store_mode", STORE_MODES,
indirect=True)``): then its tests run against a real ``chroma run`` server as well, one
server for the session and one collection per test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoidap.settings import Settings, quiet_network

quiet_network()
# The default answerer is `auto`, which starts the local model when it is installed (~20 s an
# answer here). Tests that are not about a model answerer use the extractive one, also in the
# subprocesses they start (`hoidap ask`, `hoidap serve`); the model tests ask for theirs.
os.environ["HOIDAP_ANSWERER"] = "extractive"

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "can-tho-police-2021.txt"
# The model cache is shared by the whole suite (and with `make run`): conversion happens once.
CACHE_DIR = Path(os.environ.get("HOIDAP_CACHE_DIR") or Path.home() / ".cache" / "hoidap")


CHROMA_BIN = ROOT / ".venv" / "bin" / "chroma"
STORE_MODES = ("embedded", "server")


def make_settings(data_dir: Path, **changes: object) -> Settings:
    base = Settings(data_dir=data_dir, cache_dir=CACHE_DIR, answerer="extractive")
    return base.replace(**changes)


def sample_folder(tmp_path: Path) -> Path:
    """A folder of two reports: the sample report and a one-line note with its own figure."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "bao-cao.txt")
    (folder / "ghi-chu.md").write_text(
        "# Ghi chú\n\nĐoàn kiểm tra đến Cần Thơ ngày 5 tháng 3 với 12 thành viên.\n",
        encoding="utf-8",
    )
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChromaServer:
    """A real ``chroma run`` on 127.0.0.1, started and stopped by its PID."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ChromaServer:
        import httpx

        self.path.mkdir(parents=True, exist_ok=True)
        log = (self.path.parent / f"chroma-{self.port}.log").open("ab")
        command = [str(CHROMA_BIN), "run", "--path", str(self.path)]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}")
            try:
                httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).raise_for_status()
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # by PID: this process only
            self.proc.wait(timeout=30)
        self.proc = None


# fixtures that start a service beside the tests: a test using one is marked `service`
SERVICE_FIXTURES = frozenset({"chroma_server", "browser"})
# fixtures (tests/ui) that start their own `hoidap serve`, or the `hoidap ingest` the servers
# share, about 10 s of CPU each (Gradio, the model): a test using one is marked `slow`, so
# the fast tier stays under three minutes
SERVE_FIXTURES = frozenset({"server", "auth_server", "keyed_server", "launch", "ingested_dir"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``service`` every test that needs a Chroma server or a browser: those using
    :data:`SERVICE_FIXTURES` and the server half of a ``store_mode`` parametrization; mark
    ``slow`` every test that starts a ``hoidap serve`` or ``hoidap ingest``
    (:data:`SERVE_FIXTURES`). ``make test-fast`` leaves them out; ``make test`` runs them."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        server_mode = callspec is not None and callspec.params.get("store_mode") == "server"
        fixtures = set(getattr(item, "fixturenames", ()))
        if server_mode or SERVICE_FIXTURES & fixtures:
            item.add_marker(pytest.mark.service)
        if SERVE_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the session's server-mode tests (a collection per test)."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def store_mode(request: pytest.FixtureRequest) -> str:
    """"embedded" unless a module parametrizes it over :data:`STORE_MODES`."""
    return str(getattr(request, "param", "embedded"))


def store_settings(data_dir: Path, mode: str, request: pytest.FixtureRequest) -> Settings:
    """Settings for ``mode``: a server-mode test gets its own collection on the shared server;
    the manifest and the lexical index stay in ``data_dir`` either way."""
    if mode == "server":
        server: ChromaServer = request.getfixturevalue("chroma_server")
        collection = f"hoidap-{uuid.uuid4().hex[:12]}"
        return make_settings(data_dir, chroma_url=server.url, collection=collection)
    return make_settings(data_dir)


@pytest.fixture
def settings(tmp_path: Path, store_mode: str, request: pytest.FixtureRequest) -> Settings:
    return store_settings(tmp_path / "data", store_mode, request)


@pytest.fixture(scope="session")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, store_mode: str, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    """A data directory with the sample report ingested; tests must not change it."""
    from ingest import ingest

    settings = store_settings(tmp_path_factory.mktemp("seeded") / "data", store_mode, request)
    report = ingest([SAMPLE], settings=settings)
    assert report.added == [str(SAMPLE.resolve())]
    yield settings
