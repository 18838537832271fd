"""`hoidap eval` on a corpus small enough that the right figures are obvious."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hoidap.settings
from hoidap.cli import main
from hoidap.evaluate import contains_answer, token_f1
from tests.conftest import CACHE_DIR

DOCS = {
    "ha-noi": "Hà Nội có 30 quận huyện.",
    "can-tho": "Cần Thơ nằm bên bờ sông Hậu.",
    "hue": "Huế từng là kinh đô của nhà Nguyễn.",
}
QUESTIONS = [
    {
        "id": "1",
        "question": "Hà Nội có bao nhiêu quận huyện?",
        "doc_id": "ha-noi",
        "answers": ["Hà Nội có 30 quận huyện."],
        "answerable": True,
    },
    {
        "id": "2",
        "question": "Cần Thơ nằm bên bờ sông nào?",
        "doc_id": "can-tho",
        "answers": ["Cần Thơ nằm bên bờ sông Hậu."],
        "answerable": True,
    },
    {
        "id": "3",
        "question": "Huế từng là kinh đô của triều đại nào?",
        "doc_id": "hue",
        "answers": ["Huế từng là kinh đô của nhà Nguyễn."],
        "answerable": True,
    },
    # answerable in the real world, but its article is not in the corpus: a miss everywhere
    {
        "id": "4",
        "question": "Đà Nẵng có bao nhiêu bãi biển đẹp?",
        "doc_id": "da-nang",
        "answers": ["12 bãi biển"],
        "answerable": True,
    },
    # should be abstained on
    {
        "id": "5",
        "question": "Giá vàng SJC tuần sau sẽ ra sao?",
        "doc_id": "",
        "answers": [],
        "answerable": False,
    },
]


@pytest.fixture
def fixture_files(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS), encoding="utf-8"
    )
    return corpus, questions


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOIDAP_CACHE_DIR", str(CACHE_DIR))
    monkeypatch.setattr(hoidap.settings, "_current", None)
    assert main(args) == 0


@pytest.mark.parametrize("no_diacritics", [False, True])
def test_eval_gives_the_expected_figures(
    fixture_files: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_diacritics: bool,
) -> None:
    corpus, questions = fixture_files
    out = tmp_path / "figures.json"
    args = [
        "eval",
        "--corpus",
        str(corpus),
        "--questions",
        str(questions),
        "--json",
        str(out),
        "--answerer",
        "extractive",
    ]
    _run([*args, "--no-diacritics"] if no_diacritics else args, monkeypatch)
    figures = json.loads(out.read_text())
    # 3 of 4 answerable questions have their article indexed, each found first
    assert figures["hit@1"] == figures["hit@3"] == figures["hit@5"] == 0.75
    assert figures["mrr@10"] == 0.75
    assert figures["doc_hit@5"] == 0.75
    # the 3 found are quoted exactly; the missing one and the unanswerable one are abstained
    assert figures["abstain_rate"] == pytest.approx(2 / 5)
    assert figures["f1"] == pytest.approx(4 / 5)
    assert figures["em"] == pytest.approx(4 / 5)
    assert figures["contains"] == pytest.approx(4 / 5)
    assert figures["n"] == 5
    assert figures["latency_p95_ms"] >= figures["latency_p50_ms"] > 0
    table = capsys.readouterr().out
    for key in ("hit@1", "hit@3", "hit@5", "mrr@10", "doc_hit@5", "f1", "em", "contains"):
        assert key in table


def test_token_f1_and_contains_follow_squad() -> None:
    assert token_f1("Hà Nội có 30 quận huyện. [1]", "Hà Nội có 30 quận huyện") == 1.0
    assert token_f1("30 quận", "Hà Nội có 30 quận huyện") == pytest.approx(
        2 * 1 * (2 / 6) / (1 + 2 / 6)
    )
    assert token_f1("", "30") == 0.0
    assert contains_answer("Theo báo cáo, tội phạm giảm 32,2%.", ["giảm 32,2%"])
    assert not contains_answer("tội phạm giảm", ["32,2%"])
