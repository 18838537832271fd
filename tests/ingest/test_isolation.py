"""Files are read in a worker that is killed past its limits, and the next file still reads."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.document import LoaderError
from ingest.isolation import IsolatedLoader
from ingest.loaders import LoadOptions
from tests.conftest import CACHE_DIR
from tests.hostile_files import good_file, pdf_stream_bomb


def test_a_reader_that_hangs_is_stopped_and_the_next_file_reads(tmp_path: Path) -> None:
    fifo = tmp_path / "treo.txt"
    os.mkfifo(fifo)  # reading it blocks forever: a parser that never returns
    good = good_file(tmp_path)

    with IsolatedLoader(max_mb=2048, timeout=2) as reader:
        started = time.monotonic()
        with pytest.raises(LoaderError, match="HOIDAP_INGEST_FILE_TIMEOUT"):
            reader.load(fifo, LoadOptions())
        stopped = time.monotonic() - started
        document = reader.load(good, LoadOptions())

    assert stopped < 10
    assert "4.321" in document.text


def test_a_reader_over_its_memory_ceiling_is_stopped(tmp_path: Path) -> None:
    bomb = pdf_stream_bomb(tmp_path)
    good = good_file(tmp_path)

    with IsolatedLoader(max_mb=300, timeout=60) as reader:
        with pytest.raises(LoaderError, match="HOIDAP_INGEST_MAX_MB"):
            reader.load(bomb, LoadOptions())
        assert "4.321" in reader.load(good, LoadOptions()).text


@pytest.mark.slow  # a separate script imports everything and ingests: about 7 s
def test_a_plain_script_without_a_main_guard_can_ingest(tmp_path: Path) -> None:
    """The worker is a plain child process: nothing re-imports the user's script."""
    script = tmp_path / "nap.py"
    script.write_text(
        "from ingest import ingest\n"
        "from hoidap.settings import get_settings\n"
        f"s = get_settings().replace(data_dir={str(tmp_path / 'data')!r})\n"
        f"print(ingest([{str(good_file(tmp_path))!r}], settings=s).summary())\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HOIDAP_CACHE_DIR": str(CACHE_DIR)}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-1500:]
    assert "added 1" in done.stdout
