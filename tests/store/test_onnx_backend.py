"""The default encoder is onnxruntime (int8): the same vectors as torch, without loading torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from hoidap.settings import Settings
from store.embedder import Embedder
from tests.conftest import CACHE_DIR, ROOT

TEXTS = [
    "Tội phạm xâm phạm trật tự xã hội giảm 32,2% so với cùng kỳ.",
    "Công an thành phố huy động 1.700 cán bộ, chiến sĩ phòng chống dịch COVID-19. " * 6,
    "a",
]


def _vectors(backend: str) -> tuple[np.ndarray, np.ndarray]:
    embedder = Embedder(Settings().embedding_model, CACHE_DIR / "models", 32, backend)
    return embedder.encode(TEXTS, "passage"), embedder.encode(["tội phạm giảm"], "query")


@pytest.mark.slow  # loads torch and three encoders: about 15 s
def test_onnx_vectors_match_torch() -> None:
    torch_p, torch_q = _vectors("torch")
    for backend, floor in (("onnx", 0.9999), ("onnx-int8", 0.98)):
        passages, query = _vectors(backend)
        assert passages.shape == torch_p.shape == (3, 384)
        assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
        assert np.min(np.sum(passages * torch_p, axis=1)) > floor, backend
        assert float(query[0] @ torch_q[0]) > floor, backend


def test_int8_vector_of_a_text_does_not_depend_on_its_batch() -> None:
    """A re-ingest after a crash batches chunks differently; their vectors must not change."""
    embedder = Embedder(Settings().embedding_model, CACHE_DIR / "models", 32, "onnx-int8")
    together = embedder.encode(TEXTS, "passage")
    for i, text in enumerate(TEXTS):
        assert np.array_equal(embedder.encode([text], "passage")[0], together[i])


# `auto` (the default answerer) answers with the local model when it is installed, about a
# minute here: marked `llm`; `extractive` walks the same embedding path without the model
@pytest.mark.parametrize("answerer", ["extractive", pytest.param("auto", marks=pytest.mark.llm)])
def test_default_backend_answers_without_torch(seeded: Settings, answerer: str) -> None:
    assert Settings().embedding_backend == "onnx-int8"
    probe = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from hoidap.settings import Settings\n"
        "from qa import answer\n"
        "s = Settings(data_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2]),\n"
        "             answerer=sys.argv[3])\n"
        "a = answer('Tội phạm giảm bao nhiêu phần trăm?', settings=s)\n"
        "print(json.dumps({'text': a.text, 'torch': 'torch' in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(seeded.data_dir), str(seeded.cache_dir), answerer],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
        timeout=600,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "32,2%" in result["text"]
    assert result["torch"] is False
