"""Questions asked while an ingest rewrites a document read its old or its new version, whole.

An ingest writes the new chunks before it publishes them (the lexical index rebuilt from the
manifest) and deletes the old ones after; a question holds one published snapshot for
both of its searches. Here one thread ingests version after version of a document whose
every chunk names its version, while others ask about it: no answer may quote two versions.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from hoidap.settings import Settings
from ingest import ingest
from qa.api import answer
from tests.conftest import STORE_MODES

pytestmark = pytest.mark.parametrize("store_mode", STORE_MODES, indirect=True)

QUESTION = "Trong đợt tuần tra đặc biệt có bao nhiêu cuộc tuần tra?"
_VERSION = re.compile(r"mã phiên bản V(\d+)")


def document(version: int) -> str:
    paragraphs = [f"Báo cáo đợt tuần tra đặc biệt, mã phiên bản V{version}."]
    for part in range(1, 6):
        paragraphs.append(
            f"Phần {part} (mã phiên bản V{version}). Trong đợt tuần tra đặc biệt có "
            f"{1000 + version} cuộc tuần tra và lập {30 + version} biên bản tại khu vực {part}. "
            + "Lực lượng tham gia gồm cảnh sát giao thông, cảnh sát cơ động và công an phường. "
            * 8
        )
    return "\n\n".join(paragraphs)


@pytest.mark.slow  # five ingests raced by three askers: 15-30 s on a 2-core laptop
def test_answers_during_an_ingest_read_one_whole_version(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "tuan-tra.txt"
    path.write_text(document(0), encoding="utf-8")
    ingest([path], settings=settings)
    assert "1000 cuộc" in answer(QUESTION, settings=settings).text

    stop = threading.Event()
    mixed: list[str] = []
    seen: set[int] = set()
    errors: list[BaseException] = []
    asked = 0

    def ask() -> None:
        nonlocal asked
        while not stop.is_set():
            try:
                result = answer(QUESTION, settings=settings)
            except BaseException as exc:
                errors.append(exc)
                return
            versions = {int(v) for s in result.sources for v in _VERSION.findall(s.text)}
            seen.update(versions)
            figures = set(re.findall(r"\b1\d{3}\b", result.text))
            asked += 1
            if len(versions) > 1 or not figures <= {str(1000 + v) for v in versions}:
                mixed.append(f"{sorted(versions)} {figures}: {result.text[:80]}")

    askers = [threading.Thread(target=ask, daemon=True) for _ in range(3)]
    for thread in askers:
        thread.start()
    try:
        for version in range(1, 5):
            path.write_text(document(version), encoding="utf-8")
            report = ingest([path], settings=settings)
            assert report.updated == [str(path.resolve())]
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in askers:
            thread.join(timeout=120)
    assert not errors, errors
    assert asked > 0
    assert not mixed, mixed
    assert 4 in seen or "1004 cuộc" in answer(QUESTION, settings=settings).text
