"""Faults around ingest: two at once, a full disk, a read-only data directory.

In each case the user gets a clear message, the index stays what it was (or becomes what a
clean ingest makes), and questions keep being answered. The disk is made full with a small
tmpfs and the directory read-only with a read-only bind mount (root ignores file modes); a
non-root run uses file modes instead, and a machine that allows neither skips with a reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoidap.settings import Settings
from ingest import ingest
from ingest.pipeline import ingest_lock
from qa.api import answer
from store.index import get_index
from store.lexical import LexicalIndex
from store.vectors import StoreWriteError
from tests.conftest import CACHE_DIR, ROOT, make_settings, sample_folder

QUESTION = "Công an thành phố trao tặng bao nhiêu tấn gạo?"
def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "hoidap.cli", *args]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDAP_")}
    env |= {"HOIDAP_CACHE_DIR": str(CACHE_DIR), "PYTHONPATH": str(ROOT), **extra}
    return env


def _assert_in_step(settings: Settings) -> set[str]:
    """Chroma = manifest = lexical index on disk, without duplicates."""
    index = get_index(settings)
    ids = index.vectors.all_ids()
    assert index.vectors.count() == len(ids)
    owned = [cid for rec in index.manifest().documents.values() for cid in rec.chunk_ids]
    assert sorted(owned) == sorted(ids)
    assert sorted(LexicalIndex(settings.lexical_dir).ids) == sorted(ids)
    return ids


# -- two ingests at once -----------------------------------------------------------------------
@pytest.mark.slow  # two ingest processes, each loading the model: about 10 s
def test_two_ingests_at_once_one_waits_and_neither_corrupts(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    data = tmp_path / "data"
    command = _cli("ingest", str(folder), "--data-dir", str(data), "--json", "-q")
    env = _env(HOIDAP_INGEST_LOCK_WAIT="900")  # wait for the other, however slow the machine
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.decode() for _, e in outputs]
    reports = sorted((json.loads(out) for out, _ in outputs), key=lambda r: -len(r["added"]))
    assert len(reports[0]["added"]) == 2  # the first one wrote
    assert len(reports[1]["unchanged"]) == 2  # the second waited, then found nothing to do
    assert reports[1]["chunks_written"] == 0

    clean = make_settings(tmp_path / "clean")
    ingest([folder], settings=clean)
    assert _assert_in_step(make_settings(data)) == get_index(clean).vectors.all_ids()


def test_an_ingest_that_waits_too_long_refuses_clearly(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    settings = make_settings(tmp_path / "data")
    command = _cli("ingest", str(folder), "--data-dir", str(settings.data_dir), "-q")
    with ingest_lock(settings):  # another writer holds the data directory
        started = time.monotonic()
        refused = subprocess.run(
            command, env=_env(HOIDAP_INGEST_LOCK_WAIT="1"), capture_output=True, timeout=600
        )
        waited = time.monotonic() - started
    assert refused.returncode == 3
    message = refused.stderr.decode()
    assert "Another ingest is running" in message and "đang chạy" in message
    assert waited >= 1.0
    assert not settings.manifest_path.exists()  # it wrote nothing
    ingest([folder], settings=settings)  # and once the other is done, it works
    _assert_in_step(settings)


# -- a full disk and a read-only data directory ------------------------------------------------
def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@contextlib.contextmanager
def tiny_disk(path: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` at ``path`` (root only)."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        _run("mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path))
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc}); the disk-full case needs one")
    try:
        yield path
    finally:
        # lazily: this process's Chroma client still holds files open
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def _fill(disk: Path) -> Path:
    filler = disk / "filler.bin"
    with filler.open("wb") as handle:
        block = b"\0" * (1 << 16)
        with contextlib.suppress(OSError):
            while True:
                handle.write(block)
                handle.flush()
    assert shutil.disk_usage(disk).free < (1 << 16)
    return filler


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` read-only: a read-only bind mount as root, file modes otherwise."""
    if _can_mount():
        try:
            _run("mount", "--bind", str(path), str(path))
            _run("mount", "-o", "remount,bind,ro", str(path))
        except (subprocess.CalledProcessError, OSError) as exc:
            pytest.skip(f"cannot make a read-only bind mount here ({exc})")
        try:
            yield
        finally:
            subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)
        return
    modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")]}
    for p in modes:
        p.chmod(modes[p] & ~0o222)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def _ask_cli(data_dir: Path) -> subprocess.CompletedProcess[bytes]:
    command = _cli("ask", QUESTION, "--data-dir", str(data_dir), "--json")
    return subprocess.run(command, env=_env(), capture_output=True, timeout=600)


@pytest.mark.slow  # ingests in subprocesses, over a minute here
@pytest.mark.skipif(os.geteuid() != 0, reason="a tmpfs of a given size needs root")
def test_a_full_disk_is_a_clear_error_and_the_index_still_answers(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    with tiny_disk(tmp_path / "disk", 32) as disk:
        settings = make_settings(disk / "data")
        ingest([folder / "bao-cao.txt"], settings=settings)
        before = answer(QUESTION, settings=settings)
        assert "120 tấn gạo" in before.text
        filler = _fill(disk)

        with pytest.raises(StoreWriteError, match="disk full") as failure:
            ingest([folder], settings=settings)
        assert "ổ đĩa đầy" in str(failure.value)
        assert answer(QUESTION, settings=settings).text == before.text  # this process
        asked = _ask_cli(settings.data_dir)  # and a new one
        assert asked.returncode == 0, asked.stderr.decode()
        assert "120 tấn gạo" in asked.stdout.decode()
        refused = subprocess.run(
            _cli("ingest", str(folder), "--data-dir", str(settings.data_dir), "-q"),
            env=_env(),
            capture_output=True,
            timeout=600,
        )
        assert refused.returncode == 4
        assert "disk full or read-only" in refused.stderr.decode()

        filler.unlink()  # space again: the next run converges as after a kill
        report = ingest([folder], settings=settings)
        assert report.added == [str((folder / "ghi-chu.md").resolve())]
        _assert_in_step(settings)
        members = answer("Đoàn kiểm tra có bao nhiêu thành viên?", settings=settings)
        assert "12 thành viên" in members.text


@pytest.mark.slow  # ingests in subprocesses, over a minute here
def test_a_read_only_data_directory_is_a_clear_error_and_the_index_still_answers(
    tmp_path: Path,
) -> None:
    folder = sample_folder(tmp_path)
    settings = make_settings(tmp_path / "data")
    ingest([folder / "bao-cao.txt"], settings=settings)
    before = answer(QUESTION, settings=settings)
    with read_only(settings.data_dir):
        with pytest.raises(StoreWriteError, match="read-only"):
            ingest([folder], settings=settings)
        assert answer(QUESTION, settings=settings).text == before.text  # this process
        asked = _ask_cli(settings.data_dir)  # a new process opens the store read-only
        assert asked.returncode == 0, asked.stderr.decode()
        assert "120 tấn gạo" in asked.stdout.decode()
        refused = subprocess.run(
            _cli("ingest", str(folder), "--data-dir", str(settings.data_dir), "-q"),
            env=_env(),
            capture_output=True,
            timeout=600,
        )
        assert refused.returncode == 4
        assert "read-only" in refused.stderr.decode() and "chỉ đọc" in refused.stderr.decode()
    report = ingest([folder], settings=settings)  # writable again
    assert len(report.added) == 1
    _assert_in_step(settings)
