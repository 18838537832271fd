"""The embedding model run by onnxruntime instead of torch (``HOIDAP_EMBEDDING_BACKEND``).

sentence-transformers' own ``backend="onnx"`` needs ``optimum``, whose releases pin
transformers 4.x while hoidap runs on transformers 5, so the model is exported here with
``torch.onnx.export`` (once, into the model cache, beside the sentence-transformers folder)
and run with onnxruntime directly. The exported graph includes mean pooling and L2
normalization, so it returns exactly what the sentence-transformers pipeline returns
(Transformer → mean Pooling → Normalize) for the same token ids.

``onnx-int8`` is the same graph with dynamic int8 quantization of its weights
(``onnxruntime.quantization.quantize_dynamic``); whether it is worth its quality cost is
measured by ``bench/encoder.py``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"
STAMP_FILE = "hoidap_onnx.json"
EXPORT_VERSION = 1  # bump when the exported graph changes, so old exports get rebuilt
OPSET = 17


def onnx_dir(model_dir: Path) -> Path:
    """Where the ONNX files of a sentence-transformers folder live (next to it)."""
    return model_dir.with_name(model_dir.name + "-onnx")


def _source_stamp(model_dir: Path) -> dict[str, Any]:
    """What the export was made from: a changed source folder means a new export."""
    weights = model_dir / "model.safetensors"
    stat = weights.stat()
    return {"version": EXPORT_VERSION, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _is_current(folder: Path, model_dir: Path, filename: str) -> bool:
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp == _source_stamp(model_dir) and (folder / filename).is_file()


def _export(model_dir: Path, target: Path) -> None:
    """Trace Transformer → mean pooling → normalize into one ONNX graph."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            mean = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            Pooled(model),
            (ids, mask),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def _quantize(fp32: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True)


def materialize_onnx(model_dir: Path, backend: str) -> Path:
    """The ONNX file for ``backend`` ("onnx" or "onnx-int8"), exported on first use.

    Built in a staging folder and renamed in, like the model conversion, so a killed export
    never leaves a half-written graph that later loads.
    """
    folder = onnx_dir(model_dir)
    filename = INT8_FILE if backend == "onnx-int8" else ONNX_FILE
    if _is_current(folder, model_dir, filename):
        return folder / filename
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".onnx-staging-", dir=folder.parent))
    try:
        if _is_current(folder, model_dir, ONNX_FILE):
            shutil.copy2(folder / ONNX_FILE, staging / ONNX_FILE)
        else:
            log.info("exporting %s to ONNX (once)", model_dir)
            _export(model_dir, staging / ONNX_FILE)
        if filename == INT8_FILE:
            log.info("quantizing the ONNX model to int8 (once)")
            _quantize(staging / ONNX_FILE, staging / INT8_FILE)
        (staging / STAMP_FILE).write_text(json.dumps(_source_stamp(model_dir)), encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it owner-only; a service user may need to read it
        for path in staging.iterdir():
            path.chmod(0o644)
        trash = folder.with_name(folder.name + ".old")
        shutil.rmtree(trash, ignore_errors=True)
        if folder.exists():
            os.replace(folder, trash)
        os.replace(staging, folder)
        shutil.rmtree(trash, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder / filename


class OnnxEncoder:
    """``encode`` with the behaviour hoidap uses from ``SentenceTransformer.encode``.

    Texts are sorted by length and batched (less padding), prompts are prepended, input is
    truncated to the model's ``max_seq_length``, and vectors come back L2-normalized.
    """

    def __init__(self, model_dir: Path, backend: str, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = materialize_onnx(model_dir, backend)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        # int8 dynamic quantization scales activations per run: a text batched with others
        # would get a vector that depends on its neighbours (a re-ingest after a crash would
        # not reproduce a clean one). One text per run is deterministic, and no slower here:
        # 35 against 29 chunks/s with batches of 32, which pad to their longest text.
        self.one_per_run = backend == "onnx-int8"
        self.session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        st_config = json.loads(
            (model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8")
        )
        self.prompts: dict[str, str] = dict(st_config.get("prompts") or {})
        self.max_seq_length = int(config.get("max_seq_length") or 512)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        self.pad_id = int(self.tokenizer.token_to_id("<pad>") or 1)
        self._lock = threading.Lock()  # the tokenizer's truncation state is shared
        self.dimension = int(self.session.get_outputs()[0].shape[-1] or 0) or self._probe()

    def _probe(self) -> int:
        return int(self.encode(["a"], batch_size=1).shape[1])

    def encode(
        self, texts: list[str], *, batch_size: int = 32, prompt_name: str | None = None
    ) -> NDArray[np.float32]:
        if self.one_per_run:
            batch_size = 1
        prompt = self.prompts.get(prompt_name or "", "")
        with self._lock:
            encoded = self.tokenizer.encode_batch([prompt + t for t in texts])
        order = sorted(range(len(texts)), key=lambda i: -len(encoded[i].ids))
        out = np.empty((len(texts), 0), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            width = max(len(encoded[i].ids) for i in batch)
            ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                tokens = encoded[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            if out.shape[1] == 0:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[batch] = vectors
        return out
