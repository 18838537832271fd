"""Read untrusted files in a worker process that can be killed: bounded time and memory.

Every file a folder or an upload holds is untrusted: a 36 KB DOCX, a 1 MB PDF or a line of
Markdown can take gigabytes or hours inside a parser, and in the page's own process that
would take the page down with it. So files are read by one long-lived worker process per
ingest run (``python -m ingest.isolation``: a plain child process, not multiprocessing, which
would import the caller's ``__main__`` again in the child and break a user's script without
a main guard), one file at a time. The parent watches it: a worker whose resident memory passes
``settings.ingest_max_mb``, or that sends nothing (no page read, no result) for
``settings.ingest_file_timeout`` seconds, is killed, the file is failed with a message
naming the limit and how to raise it, and a fresh worker takes the next file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ingest.document import LoadedDocument, LoaderError
from ingest.loaders.base import LoadOptions, PageProgress

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.05


def _serve(requests: Connection, connection: Connection) -> None:
    """The worker: read each (path, options) it is sent, report pages, send the result."""
    from ingest.loaders import load

    while True:
        try:
            request = requests.recv()
        except EOFError:
            return
        if request is None:
            return
        path, options = request

        def progress(done: int, total: int) -> None:
            connection.send(("page", done, total))

        try:
            document = load(Path(path), _with_progress(options, progress))
        except LoaderError as exc:
            connection.send(("error", str(exc)))
        except MemoryError:
            connection.send(("memory", ""))
        except Exception as exc:  # load() wraps what it knows; keep the worker alive anyway
            connection.send(("error", f"{type(exc).__name__}: {exc}"))
        else:
            connection.send(("done", document))


def _with_progress(options: LoadOptions, progress: PageProgress) -> LoadOptions:
    from dataclasses import replace

    return replace(options, page_progress=progress)


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Tesseract runs as a child), in MB."""
    total = 0.0
    for candidate in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{candidate}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
                        break
        except (OSError, ValueError):
            continue
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(p) for p in handle.read().split()]
    except (OSError, ValueError):
        return []


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    connection: Connection  # replies from the worker
    requests: Connection  # requests to the worker


class IsolatedLoader:
    """``load(path, options)`` in a killable worker; use as a context manager per ingest run.

    Args:
        max_mb: the most resident memory (MB) reading one file may take.
        timeout: the most seconds reading may go without progress (a page read, a result).
    """

    def __init__(self, *, max_mb: int, timeout: float) -> None:
        self.max_mb = max_mb
        self.timeout = timeout
        self._worker: _Worker | None = None

    def __enter__(self) -> IsolatedLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        if self._worker is not None and self._worker.process.poll() is None:
            return self._worker
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        process = subprocess.Popen(
            [sys.executable, "-m", "ingest.isolation", str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._worker = _Worker(
            process, Connection(from_child_r), Connection(to_child_w, readable=False)
        )
        return self._worker

    def _kill(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        for pid in _children(worker.process.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        worker.process.kill()
        worker.process.wait(timeout=5)
        worker.connection.close()
        worker.requests.close()

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        with contextlib.suppress(OSError):
            worker.requests.send(None)
        try:
            worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=5)
        worker.connection.close()
        worker.requests.close()

    def load(self, path: Path, options: LoadOptions) -> LoadedDocument:
        """The file read by the worker, or :class:`LoaderError` (also for a limit passed)."""
        progress = options.page_progress
        worker = self._start()
        worker.requests.send((os.fspath(path), _with_progress(options, None)))  # type: ignore[arg-type]
        last = time.monotonic()
        name = path.name
        while True:
            if worker.connection.poll(_POLL_SECONDS):
                try:
                    message = worker.connection.recv()
                except (EOFError, OSError):
                    self._kill()
                    raise LoaderError(_crashed(name)) from None
                kind = message[0]
                if kind == "page":
                    last = time.monotonic()
                    if progress is not None:
                        progress(message[1], message[2])
                    continue
                if kind == "done":
                    document: LoadedDocument = message[1]
                    return document
                if kind == "memory":
                    self._kill()
                    raise LoaderError(self._over_memory(name))
                raise LoaderError(str(message[1]))
            if worker.process.poll() is not None:
                self._kill()
                raise LoaderError(_crashed(name))
            if _rss_mb(worker.process.pid) > self.max_mb:
                self._kill()
                raise LoaderError(self._over_memory(name))
            if time.monotonic() - last > self.timeout:
                self._kill()
                raise LoaderError(
                    f"Đọc tệp quá {self.timeout:.0f} giây mà không xong, đã dừng; tăng "
                    f"HOIDAP_INGEST_FILE_TIMEOUT nếu tệp này đúng là cần lâu hơn (reading took "
                    f"over {self.timeout:.0f} s without progress and was stopped; raise "
                    f"HOIDAP_INGEST_FILE_TIMEOUT if the file really needs longer): {name}"
                )

    def _over_memory(self, name: str) -> str:
        return (
            f"Đọc tệp cần hơn {self.max_mb} MB bộ nhớ, đã dừng; tăng HOIDAP_INGEST_MAX_MB nếu "
            f"tệp này đúng là lớn như vậy (reading took over {self.max_mb} MB of memory and "
            f"was stopped; raise HOIDAP_INGEST_MAX_MB if the file really is that large): {name}"
        )


def _crashed(name: str) -> str:
    return (
        f"Trình đọc tệp bị dừng đột ngột khi đọc tệp này (the reader crashed on this file): {name}"
    )


if __name__ == "__main__":  # the worker: python -m ingest.isolation READ_FD WRITE_FD
    _serve(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
