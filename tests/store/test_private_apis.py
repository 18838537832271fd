"""chromadb's private attributes that store/vectors.py relies on are still there.

chromadb offers no public way to give its HTTP client a timeout, nor to open a store afresh
after a client failed to start, so ``store.vectors`` reaches into ``client._server._session``
and ``SharedSystemClient._identifier_to_system`` / ``_identifier_to_refcount``. Both fall
back (with a WARNING) when a release renames them; these tests fail instead, so a chromadb
upgrade that breaks them is caught before it ships.
"""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from store import vectors
from tests.conftest import ChromaServer, make_settings


def test_the_system_registry_is_where_it_is_reached(tmp_path: Path) -> None:
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    assert isinstance(SharedSystemClient._identifier_to_system, dict)
    assert isinstance(SharedSystemClient._identifier_to_refcount, dict)
    path = tmp_path / "chroma"
    chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    # the registry is keyed by the folder as the client was given it: what _forget_system pops
    assert str(path) in SharedSystemClient._identifier_to_system
    vectors._forget_system(path)
    assert str(path) not in SharedSystemClient._identifier_to_system
    assert str(path) not in SharedSystemClient._identifier_to_refcount


def test_the_http_session_is_where_the_timeout_is_set(
    chroma_server: ChromaServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from chromadb.config import Settings as ChromaSettings

    settings = make_settings(tmp_path / "data", chroma_url=chroma_server.url, chroma_timeout=3.0)
    with caplog.at_level(logging.WARNING, logger="store.vectors"):
        client = vectors._http_client(settings, ChromaSettings(anonymized_telemetry=False))
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    session = client._server._session
    assert isinstance(session, httpx.Client)
    assert session.timeout.read == 3.0


def test_a_missing_session_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="store.vectors"):
        vectors._set_timeout(object(), 3.0)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "_session" in caplog.records[0].getMessage()


def test_a_missing_registry_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    monkeypatch.delattr(SharedSystemClient, "_identifier_to_system")
    with caplog.at_level(logging.WARNING, logger="store.vectors"):
        vectors._forget_system(tmp_path / "chroma")
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "_identifier_to_system" in caplog.records[0].getMessage()
