"""Crash safety: ``hoidap ingest`` killed with SIGKILL anywhere, then re-run, equals a clean ingest.

Each kill point starts the real command in a subprocess and kills it (SIGKILL, by its PID)
when the data directory shows it has reached a phase: imports, the ingest lock, Chroma
opening while the model loads, between the batches of Chroma writes, while the manifest is
being written, during the lexical rebuild, between publishing and deleting replaced chunks.
The run is then repeated (in this process, where the model is already loaded) and the
index must equal a clean ingest of the same files at the same paths: the same chunk ids,
texts and vectors, no duplicates, no orphans, manifest = Chroma = lexical index, and the
vector index finds every chunk.

Two scenarios: a first ingest of a folder, and a re-ingest with ``--prune`` after files
were edited, added and deleted (so kills also land among replacements and prunes). Small
chunks and small write batches make every phase last long enough to be hit.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from hoidap.settings import Settings
from ingest import ingest
from store.index import get_index
from store.lexical import LexicalIndex
from tests.conftest import CACHE_DIR, ROOT, make_settings

CHUNK_SIZE = 250
FLUSH_CHUNKS = 8
ARTIFACT = ROOT / "artifacts" / "reliability" / "crash-kill-points.json"
PHRASES = (
    "Công an thành phố đã huy động {n} cán bộ, chiến sĩ tham gia phòng chống dịch.",
    "Tội phạm xâm phạm trật tự xã hội giảm {p},{q}% so với cùng kỳ năm trước.",
    "Đoàn kiểm tra số {n} đến quận {k} ngày {d} tháng {m} với {k2} thành viên.",
    "Lực lượng cảnh sát giao thông đã xử lý {n} trường hợp vi phạm nồng độ cồn.",
    "Phường {k} tổ chức {k2} buổi tuyên truyền về an ninh trật tự cho người dân.",
    "Tổng kinh phí hỗ trợ đạt {n} triệu đồng, trao tặng {k2} tấn gạo cho hộ nghèo.",
)


def _write_corpus(folder: Path, version: dict[str, int]) -> None:
    """Reports named by ``version`` (name → content version); other files are deleted."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stem not in version:
            old.unlink()
    for name, v in version.items():
        rnd = random.Random(f"{name}-{v}")
        sentences = [
            rnd.choice(PHRASES).format(
                n=rnd.randint(10, 9999),
                p=rnd.randint(1, 60),
                q=rnd.randint(0, 9),
                k=rnd.randint(1, 19),
                k2=rnd.randint(2, 90),
                d=rnd.randint(1, 28),
                m=rnd.randint(1, 12),
            )
            for _ in range(5)
        ]
        body = f"Báo cáo {name} phiên bản {v}\n\n" + " ".join(sentences) + "\n"
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")


V1 = {f"bao-cao-{i:02d}": 1 for i in range(15)}
# edited, deleted and new reports
V2 = {name: (2 if i % 3 == 0 else 1) for i, name in enumerate(V1) if i % 5 != 4}
V2 |= {f"bao-cao-moi-{i}": 1 for i in range(3)}


def _settings(data_dir: Path) -> Settings:
    return make_settings(data_dir, chunk_size=CHUNK_SIZE, ingest_flush_chunks=FLUSH_CHUNKS)


def _command(corpus: Path, data_dir: Path, *, prune: bool) -> tuple[list[str], dict[str, str]]:
    command = [sys.executable, "-m", "hoidap.cli", "ingest", str(corpus), "--data-dir"]
    command += [str(data_dir), "-q"] + (["--prune"] if prune else [])
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIDAP_")}
    env |= {
        "HOIDAP_CACHE_DIR": str(CACHE_DIR),
        "HOIDAP_CHUNK_SIZE": str(CHUNK_SIZE),
        "HOIDAP_INGEST_FLUSH_CHUNKS": str(FLUSH_CHUNKS),
        "PYTHONPATH": str(ROOT),
    }
    return command, env


# -- when to kill ------------------------------------------------------------------------------
class Watch:
    """Conditions on the data directory of a running ingest, polled every fraction of a ms."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir
        self.started = time.monotonic()
        self.manifests: set[int] = set()
        self._initial_manifest = self._inode("manifest.json")
        self._initial_lexical = self._inode("lexical/state.json")

    def _inode(self, rel: str) -> int | None:
        try:
            return os.stat(self.dir / rel).st_ino
        except OSError:
            return None

    def poll(self) -> None:
        inode = self._inode("manifest.json")
        if inode is not None and inode != self._initial_manifest:
            self.manifests.add(inode)

    def after(self, seconds: float) -> bool:
        return time.monotonic() - self.started >= seconds

    def exists(self, rel: str) -> bool:
        return os.path.exists(self.dir / rel)

    def manifest_writing(self) -> bool:
        try:
            return any(n.startswith(".manifest-") for n in os.listdir(self.dir))
        except OSError:
            return False

    def manifest_saves(self, n: int) -> bool:
        return len(self.manifests) >= n

    def lexical_swapped(self) -> bool:
        inode = self._inode("lexical/state.json")
        return inode is not None and inode != self._initial_lexical


@dataclass
class KillPoint:
    name: str
    scenario: str  # "fresh" or "update"
    when: Callable[[Watch], bool]
    delay: float = 0.0  # seconds after the condition holds


def _and_then(first: Callable[[Watch], bool], seconds: float) -> Callable[[Watch], bool]:
    """``first``, then ``seconds`` later (e.g. into the model load that follows an event)."""
    seen: dict[int, float] = {}

    def condition(watch: Watch) -> bool:
        if id(watch) not in seen:
            if not first(watch):
                return False
            seen[id(watch)] = time.monotonic()
        return time.monotonic() - seen[id(watch)] >= seconds

    return condition


def _saved(n: int) -> Callable[[Watch], bool]:
    return lambda w: w.manifest_saves(n)


def _exists(rel: str) -> Callable[[Watch], bool]:
    return lambda w: w.exists(rel)


def _writing_manifest(w: Watch) -> bool:
    return w.manifest_writing()


def _both(a: Callable[[Watch], bool], b: Callable[[Watch], bool]) -> Callable[[Watch], bool]:
    return lambda w: a(w) and b(w)


def _swapped(w: Watch) -> bool:
    return w.lexical_swapped()


FRESH, UPDATE = "fresh", "update"
KILL_POINTS = [
    KillPoint("imports (0.3 s after start)", FRESH, lambda w: w.after(0.3)),
    KillPoint("ingest lock just taken", FRESH, _exists(".ingest.lock")),
    KillPoint("Chroma opened, model loading", FRESH, _exists("chroma/chroma.sqlite3")),
    KillPoint("model loaded, embedding", FRESH, _and_then(_exists("chroma/chroma.sqlite3"), 1.5)),
    KillPoint("right after the 1st manifest save", FRESH, _saved(1)),
    KillPoint("while the 2nd manifest is written", FRESH, _both(_saved(1), _writing_manifest)),
    KillPoint("between Chroma writes (after save 2)", FRESH, _saved(2)),
    KillPoint("in a Chroma upsert (save 3 + 50 ms)", FRESH, _and_then(_saved(3), 0.05)),
    KillPoint("during the lexical rebuild", FRESH, _exists("lexical.tmp")),
    KillPoint("lexical index just swapped in", FRESH, _swapped),
    KillPoint("update: while the 1st manifest is written", UPDATE, _writing_manifest),
    KillPoint("update: between replacement batches", UPDATE, _saved(1)),
    KillPoint("update: during prunes", UPDATE, _saved(3)),
    KillPoint("update: during the lexical rebuild", UPDATE, _exists("lexical.tmp")),
    KillPoint("update: deleting replaced chunks", UPDATE, _swapped),
]


def _run_and_kill(
    point: KillPoint, corpus: Path, data_dir: Path, timeout: float = 240.0
) -> tuple[bool, float, str]:
    """Start ``hoidap ingest``, SIGKILL it when the point is reached; (killed?, at, what)."""
    command, env = _command(corpus, data_dir, prune=point.scenario == UPDATE)
    with (data_dir.parent / f"{data_dir.name}.log").open("wb") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        watch = Watch(data_dir)
        deadline = time.monotonic() + timeout
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                watch.poll()
                if point.when(watch):
                    os.kill(proc.pid, signal.SIGKILL)  # this process only, by its PID
                    proc.wait(timeout=30)
                    seen = sorted(p.name for p in data_dir.iterdir()) if data_dir.exists() else []
                    return True, time.monotonic() - watch.started, " ".join(seen)
                time.sleep(0.0002)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
    return False, time.monotonic() - watch.started, f"exited {proc.returncode} first"


# -- what must hold afterwards -----------------------------------------------------------------
@dataclass
class State:
    ids: set[str]
    count: int
    texts: dict[str, str]
    vectors: dict[str, np.ndarray]
    manifest: dict[str, tuple[str, list[str]]]  # source → (sha256, chunk ids)
    lexical_ids: list[str]


def _state(settings: Settings) -> State:
    index = get_index(settings)
    got = index.vectors.collection.get(include=["documents", "embeddings"])
    manifest = index.manifest()
    return State(
        ids=set(got["ids"]),
        count=index.vectors.count(),
        texts=dict(zip(got["ids"], got["documents"], strict=True)),
        vectors={i: np.asarray(e) for i, e in zip(got["ids"], got["embeddings"], strict=True)},
        manifest={s: (r.sha256, list(r.chunk_ids)) for s, r in manifest.documents.items()},
        lexical_ids=LexicalIndex(settings.lexical_dir).ids,  # as another process loads it
    )


def _assert_equal_to_clean(settings: Settings, clean: State) -> None:
    state = _state(settings)
    assert state.ids == clean.ids, "chunk ids differ from a clean ingest"
    assert state.count == len(state.ids), "duplicate chunks in Chroma"
    owned = [cid for _, ids in state.manifest.values() for cid in ids]
    assert len(owned) == len(set(owned)), "a chunk owned twice in the manifest"
    assert set(owned) == state.ids, "orphans or missing chunks"
    assert state.manifest == clean.manifest
    assert sorted(state.lexical_ids) == sorted(clean.ids), "lexical index out of sync"
    assert len(state.lexical_ids) == len(set(state.lexical_ids))
    assert state.texts == clean.texts
    for cid, vector in clean.vectors.items():
        assert np.allclose(state.vectors[cid], vector, atol=1e-5), f"vector of {cid} differs"
    # the vector index itself (not only the stored rows) finds chunks by their own vectors
    index = get_index(settings)
    for cid in random.Random(0).sample(sorted(clean.ids), 5):
        hits = index.vectors.search(clean.vectors[cid].tolist(), 1)
        assert hits and hits[0].chunk_id == cid


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The corpus folder, a v1 index to update from, and clean ingests to compare with."""
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "reports"
    _write_corpus(corpus, V1)
    template = root / "v1-data"
    command, env = _command(corpus, template, prune=False)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)
    _write_corpus(corpus, V2)
    clean = _settings(root / "clean-data")
    report = ingest([corpus], settings=clean)
    assert not report.failed and len(report.added) == len(V2)
    assert report.chunks_written > 4 * FLUSH_CHUNKS  # several batches to kill between
    return {"root": root, "corpus": corpus, "template": template, "clean": _state(clean)}


@pytest.mark.slow  # ingests in subprocesses, over a minute here
def test_sigkill_at_every_phase_then_rerun_equals_a_clean_ingest(
    setup: dict[str, object],
) -> None:
    root, corpus, template = Path(str(setup["root"])), Path(str(setup["corpus"])), setup["template"]
    clean = setup["clean"]
    assert isinstance(clean, State) and isinstance(template, Path)
    results: list[dict[str, object]] = []
    for number, point in enumerate(KILL_POINTS):
        data_dir = root / f"kill-{number:02d}"
        if point.scenario == UPDATE:
            shutil.copytree(template, data_dir)
        killed, at, seen = _run_and_kill(point, corpus, data_dir)
        settings = _settings(data_dir)
        report = ingest([corpus], prune=point.scenario == UPDATE, settings=settings)
        assert not report.failed, report.failed
        _assert_equal_to_clean(settings, clean)
        results.append(
            {"point": point.name, "killed": killed, "seconds": round(at, 2), "on_disk": seen}
        )
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    killed = [r for r in results if r["killed"]]
    assert len(killed) >= 10, results
