"""`hoidap ask` from the command line shows why an answer was refused, as the page does."""

from __future__ import annotations

import pytest

from hoidap import cli
from hoidap.settings import Settings
from tests.conftest import STORE_MODES

pytestmark = pytest.mark.parametrize("store_mode", STORE_MODES[:1], indirect=True)


def test_ask_prints_the_reason_an_answer_was_refused(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "ask",
            "Công an Cần Thơ có bao nhiêu xe cứu thương?",
            "--data-dir",
            str(seeded.data_dir),
            "--answerer",
            "extractive",
        ]
    )
    shown = capsys.readouterr().out
    assert code == 0
    assert shown.startswith("Không tìm thấy thông tin này trong tài liệu.")
    assert "Ghi chú (note):" in shown and "xe cứu thương" in shown.split("Ghi chú", 1)[1]


def test_ask_json_carries_the_reasons(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    question = "Công an Cần Thơ có bao nhiêu xe cứu thương?"
    args = ["ask", question, "--data-dir", str(seeded.data_dir), "--answerer", "extractive"]
    assert cli.main([*args, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["abstained"] is True and shown["reasons"] == ["no_sentence_answers"]
