"""Chroma as a server: a clear error when it goes away, and recovery without a restart."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import hoidap.settings as settings_module
from hoidap import cli
from hoidap.settings import Settings, SettingsError
from ingest import ingest
from qa.api import answer
from store.vectors import StoreUnavailableError
from tests.conftest import SAMPLE, ChromaServer, make_settings

QUESTION = "Công an thành phố trao tặng bao nhiêu tấn gạo?"
TIMEOUT = 3.0


def test_a_server_and_a_local_path_together_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SettingsError, match="not both"):
        Settings(chroma_url="http://127.0.0.1:8000", chroma_path=tmp_path / "chroma")
    # the environment gives the path, the command line the server: refused before any work
    monkeypatch.setenv("HOIDAP_CHROMA_PATH", str(tmp_path / "chroma"))
    monkeypatch.setattr(settings_module, "_current", None)
    code = cli.main(["ask", "câu hỏi", "--chroma-url", "http://127.0.0.1:9", "--data-dir", "x"])
    assert code == 2
    err = capsys.readouterr().err
    assert "HOIDAP_CHROMA_URL" in err and "HOIDAP_CHROMA_PATH" in err
    assert not (tmp_path / "chroma").exists()
    # either one alone is fine; the path moves the embedded store
    alone = make_settings(tmp_path / "data", chroma_path=tmp_path / "elsewhere")
    assert alone.chroma_dir == tmp_path / "elsewhere"


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A server this test may stop and start (the session's shared one must stay up)."""
    server = ChromaServer(tmp_path / "chroma-db").start()
    yield server
    server.stop()


def _ask_fails_fast(settings: Settings) -> float:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="Store unavailable"):
        answer(QUESTION, settings=settings)
    return time.monotonic() - started


@pytest.mark.service  # its own chroma run
def test_server_going_away_is_a_clear_message_and_hoidap_recovers(
    own_server: ChromaServer, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path / "data", chroma_url=own_server.url, chroma_timeout=TIMEOUT, collection="gone"
    )
    ingest([SAMPLE], settings=settings)
    before = answer(QUESTION, settings=settings)
    assert "120 tấn gạo" in before.text

    own_server.stop()  # killed: connections are refused at once
    assert _ask_fails_fast(settings) < TIMEOUT + 2

    # the page shows the same message instead of a traceback
    from ui.asking import ask

    events = list(ask(QUESTION, settings=settings, tick=30))
    errors = [e.text for e in events if e.kind == "error"]
    assert errors and "Chroma" in errors[0] and "Store unavailable" in errors[0]

    own_server.start()  # same path, same port: the data is back, this process is not restarted
    again = answer(QUESTION, settings=settings)
    assert again.text == before.text
    assert [s.chunk_id for s in again.sources] == [s.chunk_id for s in before.sources]


@pytest.mark.service  # its own chroma run
def test_a_hung_server_times_out_and_hoidap_recovers(
    own_server: ChromaServer, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path / "data", chroma_url=own_server.url, chroma_timeout=TIMEOUT, collection="hung"
    )
    ingest([SAMPLE], settings=settings)
    assert own_server.proc is not None
    own_server.proc.send_signal(signal.SIGSTOP)  # alive but silent: only a timeout helps
    try:
        elapsed = _ask_fails_fast(settings)
    finally:
        own_server.proc.send_signal(signal.SIGCONT)
    assert TIMEOUT - 0.5 < elapsed < 3 * TIMEOUT + 5
    assert "120 tấn gạo" in answer(QUESTION, settings=settings).text


@pytest.mark.service  # its own chroma run
def test_a_server_down_at_start_is_picked_up_when_it_comes(tmp_path: Path) -> None:
    server = ChromaServer(tmp_path / "late-db")
    settings = make_settings(
        tmp_path / "data", chroma_url=server.url, chroma_timeout=TIMEOUT, collection="late"
    )
    with pytest.raises(StoreUnavailableError):
        ingest([SAMPLE], settings=settings)
    server.start()
    try:
        ingest([SAMPLE], settings=settings)
        assert "120 tấn gạo" in answer(QUESTION, settings=settings).text
    finally:
        server.stop()
