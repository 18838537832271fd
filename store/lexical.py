"""BM25 over Vietnamese tokens, kept beside Chroma, in two forms: with and without diacritics.

Dense search alone misses exact figures and names, and collapses when a question is typed
without diacritics. BM25 over syllables plus syllable pairs catches both (measured on
vinewsqa-dev, pairs beat pyvi's word segmentation: hit@5 0.825 against 0.787);
a second index over folded tokens (đ → d, no marks) serves folded questions, and the
indexed corpus's own syllable statistics restore a folded question's diacritics before it
goes to the dense model.

The index is rebuilt from the chunks in Chroma whenever ingest changes them, and carries a
stamp of the chunk ids it was built from: a stamp that disagrees with the manifest means
the index is stale and gets rebuilt, so the two never disagree.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import re
import shutil
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

# written in hoidap.vietnamese; re-exported: qa, ui and the benchmarks import them from here
from hoidap.knowledge import text_words
from hoidap.vietnamese import fold_diacritics
from hoidap.vietnamese import has_diacritics as has_diacritics

log = logging.getLogger(__name__)

# Syllables that only shape a question ("bao nhiêu", "là gì", "như thế nào"), folded
# (hoidap/data/text_words.json).
QUESTION_WORDS = text_words().function_syllables
_SYLLABLE = re.compile(r"\w+(?:[.,]\d+)*", re.UNICODE)
_NOT_WORD = re.compile(r"^\W+$")
STATE_FILE = "state.json"
# change it when tokens change: indexes then rebuild
TOKENIZER_VERSION = "syllables+pairs/2-figures"


# a figure in thousands: "4 250 318 906 112", "4.250.318.906.112" or "4,250,318,906,112"
_GROUPED_FIGURE = re.compile(r"(?<![\d.,])\d{1,3}(?:( |\.|,)\d{3})(?:\1\d{3})*(?![\d]|[.,]\d)")


def canonical_figures(text: str) -> str:
    """Figures written in thousands, in any of the three ways reports write them, as digits.

    Financial statements write "4 250 318 906 112", Vietnamese text "4.250.318.906.112",
    English "4,250,318,906,112": the same figure, which must be the same token whichever
    way a question types it. Decimals ("32,2") and codes keep their form.
    """
    return _GROUPED_FIGURE.sub(lambda m: re.sub(r"[ .,]", "", m.group(0)), text)


def syllables(text: str) -> list[str]:
    """Lower-cased syllables; figures in thousands as plain digits ("1.700" → "1700"),
    decimals keep their separator ("32,2")."""
    return [s.lower() for s in _SYLLABLE.findall(canonical_figures(text)) if s != "_"]


def syllable_pairs(words: list[str]) -> list[str]:
    """Adjacent syllables joined by '_': most Vietnamese words are two syllables."""
    return [f"{a}_{b}" for a, b in pairwise(words)]


def lexical_tokens(text: str) -> list[str]:
    """Syllables plus syllable pairs: what the BM25 indexes hold for a chunk."""
    words = syllables(text)
    return words + syllable_pairs(words)


def query_tokens(text: str) -> list[str]:
    """A question's tokens, without the single syllables that only shape a question."""
    return [t for t in lexical_tokens(text) if fold_diacritics(t) not in QUESTION_WORDS]


def ids_stamp(ids: Iterable[str], params: str = "") -> str:
    """A fingerprint of a set of chunk ids (and how they were tokenized and weighted), to tell
    whether an index matches the manifest."""
    digest = hashlib.sha256(f"{TOKENIZER_VERSION}|{params}\n".encode())
    for cid in sorted(ids):
        digest.update(cid.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _bm25s() -> Any:
    """bm25s, imported without letting it set its logger to DEBUG (it does on import), which
    printed "Building index from tokens" on every ingest whatever the user chose."""
    logger = logging.getLogger("bm25s")
    level = logger.level
    import bm25s

    logger.setLevel(level)
    return bm25s


@dataclass
class DiacriticRestorer:
    """Puts diacritics back on a folded question with a syllable bigram model of the corpus.

    Only the corpus's own words can be restored, which is what matters: the restored
    question is used to search that same corpus.
    """

    unigrams: dict[str, int]
    bigrams: dict[str, int]

    @classmethod
    def train(cls, token_lists: Iterable[list[str]]) -> DiacriticRestorer:
        uni: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        for tokens in token_lists:
            uni.update(tokens)
            bi.update(f"{a} {b}" for a, b in pairwise(tokens))
        return cls(dict(uni), dict(bi))

    @cached_property
    def _candidates(self) -> dict[str, list[str]]:
        """Folded syllable → its accented forms in the corpus. Built on the first folded
        question, not at load: it folds the whole vocabulary, which every process start
        paid for, and most questions carry their diacritics."""
        candidates: dict[str, list[str]] = defaultdict(list)
        for word in self.unigrams:
            candidates[fold_diacritics(word)].append(word)
        return dict(candidates)

    def accented_forms(self, folded: str) -> list[str]:
        """The corpus's spellings of a folded syllable ("nghiep" → ["nghiệp"])."""
        return self._candidates.get(fold_diacritics(folded), [])

    @cached_property
    def _total(self) -> int:
        return sum(self.unigrams.values()) or 1

    def restore(self, text: str) -> str:
        words = syllables(text)
        if not words:
            return text
        # Viterbi: state = the accented form chosen for the current syllable
        lattice: list[dict[str, tuple[float, str | None]]] = []
        for i, word in enumerate(words):
            options = self._candidates.get(word, [word])
            column: dict[str, tuple[float, str | None]] = {}
            for option in options:
                emit = math.log((self.unigrams.get(option, 0) + 0.1) / self._total)
                if i == 0:
                    column[option] = (emit, None)
                    continue
                best = max(
                    (
                        score + self._transition(prev, option, emit),
                        prev,
                    )
                    for prev, (score, _) in lattice[-1].items()
                )
                column[option] = best
            lattice.append(column)
        state = max(lattice[-1].items(), key=lambda kv: kv[1][0])[0]
        chosen = [state]
        for column in reversed(lattice[1:]):
            prev = column[chosen[-1]][1]
            chosen.append(prev or "")
        chosen.reverse()
        return " ".join(chosen)

    def _transition(self, prev: str, word: str, emit: float) -> float:
        pair = self.bigrams.get(f"{prev} {word}", 0)
        if pair:
            return math.log(pair / max(self.unigrams.get(prev, 1), 1)) + 0.0
        return emit - 2.0  # back off to how common the word is, with a penalty


@dataclass(frozen=True)
class LexicalSnapshot:
    """One built state of the lexical index: its chunk ids and the BM25 matrices over them.

    Replaced as a whole, never changed, so a question that holds one reads a consistent
    state even while an ingest swaps in the next; its ``id_set`` is the set of chunks a
    question may see (chunks written by an ingest still running are not in it yet).
    """

    ids: tuple[str, ...] = ()
    stamp: str | None = None
    accented: object | None = None
    folded: object | None = None
    restorer: DiacriticRestorer | None = None
    version: tuple[int, int] | None = None  # (inode, mtime) of the state file it came from

    @cached_property
    def id_set(self) -> frozenset[str]:
        return frozenset(self.ids)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Chunk id → its row in the BM25 matrices (for searches limited to some chunks)."""
        return {cid: i for i, cid in enumerate(self.ids)}

    def search(
        self, query: str, n: int, *, folded: bool, allowed: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``n`` chunk ids and BM25 scores; ``folded`` searches the diacritic-free index.

        ``allowed``: only these chunks may be returned (a question about some documents);
        the top ``n`` are taken among them, not filtered out of the top ``n`` of all.
        """
        index = self.folded if folded else self.accented
        if index is None or n <= 0:
            return []
        tokens = query_tokens(query)
        if folded:
            tokens = [fold_diacritics(t) for t in tokens]
        if not tokens:
            return []
        scores = index.get_scores(tokens)  # type: ignore[attr-defined]
        import numpy as np  # imported here: an ingest of unchanged files never searches

        if allowed is not None:
            where = self.positions
            rows = np.fromiter(
                sorted(where[c] for c in allowed if c in where), dtype=np.int64
            )
            if not len(rows):
                return []
            kept = scores[rows]
            n = min(n, len(kept))
            top = np.argpartition(-kept, n - 1)[:n]
            top = rows[top[np.argsort(-kept[top])]]
        else:
            n = min(n, len(scores))
            top = np.argpartition(-scores, n - 1)[:n]
            top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


class LexicalIndex:
    """Two BM25 indexes (accented and folded) over the same chunks, persisted in a folder."""

    def __init__(self, directory: Path, *, k1: float = 1.2, b: float = 0.5) -> None:
        self.directory = directory
        self.k1 = k1
        self.b = b
        self._params = f"k1={k1},b={b}"
        self._lock = threading.Lock()
        self._snapshot = LexicalSnapshot()
        self.reloads = 0  # builds of another process picked up by refresh()
        self._load()

    # the current state, as before snapshots existed ----------------------------------
    @property
    def ids(self) -> list[str]:
        return list(self._snapshot.ids)

    @property
    def stamp(self) -> str | None:
        return self._snapshot.stamp

    @property
    def restorer(self) -> DiacriticRestorer | None:
        return self._snapshot.restorer

    def snapshot(self) -> LexicalSnapshot:
        """The current state, reloaded first if another process rebuilt the index."""
        self.refresh()
        return self._snapshot

    # building -------------------------------------------------------------------------
    def rebuild(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Index these chunks from scratch and save, replacing the old files atomically."""
        bm25s = _bm25s()

        # Each text is split once; folding is per character, so folding the syllables and
        # pairing them gives the folded tokens, and each distinct syllable is folded once
        # (folding every token of every chunk was the slowest step of an ingest's end).
        words = [syllables(t) for t in texts]
        tokens = [w + syllable_pairs(w) for w in words]
        fold_cache: dict[str, str] = {}
        folded = []
        for w in words:
            plain = []
            for word in w:
                if word not in fold_cache:
                    fold_cache[word] = fold_diacritics(word)
                plain.append(fold_cache[word])
            folded.append(plain + syllable_pairs(plain))
        accented_index = bm25s.BM25(k1=self.k1, b=self.b)
        folded_index = bm25s.BM25(k1=self.k1, b=self.b)
        if ids:
            accented_index.index(tokens, show_progress=False)
            folded_index.index(folded, show_progress=False)
        restorer = DiacriticRestorer.train(words)
        stamp = ids_stamp(ids, self._params)
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if ids:
            accented_index.save(str(tmp / "accented"), show_progress=False)
            folded_index.save(str(tmp / "folded"), show_progress=False)
        with gzip.open(tmp / "restorer.json.gz", "wt", encoding="utf-8") as handle:
            json.dump({"unigrams": restorer.unigrams, "bigrams": restorer.bigrams}, handle)
        (tmp / STATE_FILE).write_text(json.dumps({"stamp": stamp, "ids": list(ids)}))
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(old)
        tmp.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)
        with self._lock:
            self._snapshot = LexicalSnapshot(
                ids=tuple(ids),
                stamp=stamp,
                accented=accented_index if ids else None,
                folded=folded_index if ids else None,
                restorer=restorer,
                version=self._version(),
            )

    def _version(self) -> tuple[int, int] | None:
        try:
            info = (self.directory / STATE_FILE).stat()
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns

    def _load(self) -> None:
        """Load the saved index; retried when an ingest swaps the folder in the middle, so
        ids and matrices always come from the same build."""
        for _ in range(5):
            before = self._version()
            if before is None:
                return
            loaded = self._read(before)
            if loaded is not None and self._version() == before:
                self._snapshot = loaded
                return
        log.warning("lexical index kept changing while loading; keeping the previous one")

    def _read(self, version: tuple[int, int]) -> LexicalSnapshot | None:
        bm25s = _bm25s()

        try:
            state = json.loads((self.directory / STATE_FILE).read_text())
            ids = state["ids"]
            accented = folded = None
            if ids:
                # memory-mapped: a question reads the columns of its few tokens, so the
                # matrices (450 MB at 100,000 chunks) are neither read at start nor resident
                accented = bm25s.BM25.load(
                    str(self.directory / "accented"), show_progress=False, mmap=True
                )
                folded = bm25s.BM25.load(
                    str(self.directory / "folded"), show_progress=False, mmap=True
                )
            with gzip.open(self.directory / "restorer.json.gz", "rt", encoding="utf-8") as fh:
                counts = json.load(fh)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("lexical index unreadable, it will be rebuilt: %s", exc)
            return None
        return LexicalSnapshot(
            ids=tuple(ids),
            stamp=state["stamp"],
            accented=accented,
            folded=folded,
            restorer=DiacriticRestorer(counts["unigrams"], counts["bigrams"]),
            version=version,
        )

    def refresh(self) -> None:
        """Reload when another process (a CLI ingest beside the server) rebuilt the index."""
        version = self._version()
        if version is None or version == self._snapshot.version:
            return
        with self._lock:
            if version != self._snapshot.version:
                self._load()
                self.reloads += 1

    def in_sync_with(self, ids: Iterable[str]) -> bool:
        return self.stamp == ids_stamp(ids, self._params)

    # searching ------------------------------------------------------------------------
    def search(
        self, query: str, n: int, *, folded: bool, allowed: frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``n`` chunk ids and BM25 scores; ``folded`` searches the diacritic-free index."""
        return self._snapshot.search(query, n, folded=folded, allowed=allowed)

    def restore_diacritics(self, query: str) -> str:
        restorer = self.restorer
        return restorer.restore(query) if restorer else query
