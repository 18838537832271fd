"""Whatever a folder holds, `hoidap ingest` finishes: every hostile file is failed with its
reason (or read, when it is only odd), every good file is ingested, no traceback, within the
time and memory limits; and nothing already in the index is lost."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from ingest.pipeline import collect_files, ingest
from qa.api import answer
from tests.conftest import CACHE_DIR, ROOT, make_settings
from tests.hostile_files import (
    CASES,
    GOOD_FIGURE,
    GOOD_QUESTION,
    LIMITS,
    good_file,
    measured_ingest,
)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:  # the symlink loop beside them
        return False


# one `hoidap ingest` of every hostile file, about two minutes of CPU on a 2-core laptop
# (the bombs, and embedding the large ones that are read): out of make test-fast
hostile_batch = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "tai-lieu"
    folder.mkdir()
    good = good_file(folder)
    made = {label: maker(folder) for label, (maker, _) in CASES.items()}
    env = {
        **os.environ,
        **LIMITS,
        "HOIDAP_DATA_DIR": str(root / "data"),
        "HOIDAP_CACHE_DIR": str(CACHE_DIR),
    }
    run = measured_ingest(folder, env, ROOT, 600)
    done = subprocess.CompletedProcess([], run.code, run.stdout.decode(), run.stderr.decode())
    seconds, peak_mb = run.seconds, run.peak_mb
    return {
        "done": done,
        "report": json.loads(done.stdout),
        "made": made,
        "good": good,
        "seconds": seconds,
        "peak_mb": peak_mb,
        "settings": make_settings(root / "data"),
    }


@hostile_batch
def test_the_batch_finishes_with_the_good_file_in_and_no_traceback(hostile_run) -> None:  # type: ignore[no-untyped-def]
    done = hostile_run["done"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    report = hostile_run["report"]
    assert str(hostile_run["good"].resolve()) in report["added"]
    assert hostile_run["seconds"] < 300
    # the ingest process itself (model, Chroma) and at most one reading worker, which is
    # killed when it passes the limit
    assert hostile_run["peak_mb"] < 900 + int(LIMITS["HOIDAP_INGEST_MAX_MB"]) * 1.5
    result = answer(GOOD_QUESTION, settings=hostile_run["settings"])
    assert GOOD_FIGURE in result.text


@hostile_batch
@pytest.mark.parametrize("label", sorted(CASES))
def test_each_hostile_file_has_the_outcome_it_should(hostile_run, label: str) -> None:  # type: ignore[no-untyped-def]
    report = hostile_run["report"]
    path = hostile_run["made"][label]
    expected = CASES[label][1]
    where = path if path.is_symlink() and not path.exists() else path.resolve()
    shown = os.fsencode(where).decode("utf-8", "replace")
    failed = {entry["source"]: entry["error"] for entry in report["failed"]}
    if expected == "added":
        assert shown in report["added"], (label, failed.get(shown))
    elif expected == "failed":
        assert shown in failed, label
        message = failed[shown]
        assert path.name in message or shown in message
        assert "(" in message and ")" in message  # Vietnamese, English in parentheses
    elif expected == "duplicate":
        # the link and its target are one file: read once, and the report says so
        pair = {str(p) for p in path.parent.iterdir() if _same(p, path)}
        assert len(pair & set(report["added"])) == 1, label
        assert len(pair & set(report["duplicates"])) == 1, label
    elif expected == "skipped":
        inner = [s for s in report["added"] if "/thu-muc.pdf/" in s]
        assert inner, "the folder named like a PDF is a folder: its files are read"


@hostile_batch
def test_limits_are_named_in_the_failure(hostile_run) -> None:  # type: ignore[no-untyped-def]
    failed = {Path(e["source"]).name: e["error"] for e in hostile_run["report"]["failed"]}
    assert "HOIDAP_INGEST_MAX_UNZIPPED_MB" in failed["bom.docx"]
    assert "HOIDAP_INGEST_MAX_MB" in failed["luong-lon.pdf"] or "hỏng" in failed["luong-lon.pdf"]
    assert "HOIDAP_INGEST_MAX_UNZIPPED_MB" in failed["bom-chuoi.xlsx"]
    assert "sharedStrings.xml" in failed["bom-chuoi.xlsx"]
    assert "HOIDAP_INGEST_MAX_CELLS" in failed["nhieu-chuoi.xlsx"]
    assert "HOIDAP_INGEST_MAX_ROWS" in failed["ti-dong.xlsx"]
    assert "1.000.000.000" in failed["ti-dong.xlsx"]
    assert "HOIDAP_INGEST_MAX_CELLS" in failed["nhieu-o.xlsx"]
    assert "HOIDAP_INGEST_MAX_CELLS" in failed["bang-lon.md"]


def test_a_file_reached_twice_in_one_run_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    good = good_file(folder)
    settings = make_settings(tmp_path / "data")

    report = ingest([folder, good, good], settings=settings)

    assert report.added == [str(good.resolve())]
    assert report.duplicates == [str(good.resolve())] * 2
    assert "duplicate" in report.summary()


def test_a_symlink_loop_is_reported_not_skipped(tmp_path: Path) -> None:
    loop = tmp_path / "vong.txt"
    loop.symlink_to(loop)

    files, problems = collect_files([tmp_path])

    assert files == []
    assert problems and "looping link" in problems[0][1]
