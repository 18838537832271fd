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
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Syllables that only shape a question ("bao nhiêu", "là gì", "như thế nào"): folded, since
# they are matched against folded and accented questions alike.
QUESTION_WORDS = frozenset(
    [
        "la",
        "gi",
        "nao",
        "ai",
        "dau",
        "bao",
        "nhieu",
        "may",
        "khi",
        "sao",
        "vi",
        "tai",
        "the",
        "nhu",
        "khong",
        "co",
        "duoc",
        "nhung",
        "cac",
        "cua",
        "va",
        "thi",
        "ma",
        "o",
        "trong",
        "voi",
        "cho",
        "ve",
        "da",
        "dang",
        "se",
        "nay",
        "do",
        "kia",
        "bi",
        "de",
        "tu",
        "theo",
        "ra",
        "vao",
        "len",
        "mot",
        "gom",
        "boi",
        "hay",
        "hoac",
        "nhat",
        "nguoi",
        "loai",
        "dieu",
        "viec",
        "cai",
        "nham",
        "nen",
        "sau",
        "truoc",
    ]
)
_SYLLABLE = re.compile(r"\w+(?:[.,]\d+)*", re.UNICODE)
_NOT_WORD = re.compile(r"^\W+$")
STATE_FILE = "state.json"
TOKENIZER_VERSION = "syllables+pairs/1"  # change it when tokens change: indexes then rebuild


def fold_diacritics(text: str) -> str:
    """Lower-case text without any diacritic (đ → d): how many people type Vietnamese."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese mark; a question without any is typed folded."""
    return fold_diacritics(text) != text.lower()


def syllables(text: str) -> list[str]:
    """Lower-cased syllables; numbers keep their separators ("1.700", "32,2")."""
    return [s.lower() for s in _SYLLABLE.findall(text) if s != "_"]


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

    def __post_init__(self) -> None:
        candidates: dict[str, list[str]] = defaultdict(list)
        for word in self.unigrams:
            candidates[fold_diacritics(word)].append(word)
        self._candidates = dict(candidates)
        self._total = sum(self.unigrams.values()) or 1

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


class LexicalIndex:
    """Two BM25 indexes (accented and folded) over the same chunks, persisted in a folder."""

    def __init__(self, directory: Path, *, k1: float = 1.2, b: float = 0.5) -> None:
        self.directory = directory
        self.k1 = k1
        self.b = b
        self._params = f"k1={k1},b={b}"
        self._lock = threading.Lock()
        self.ids: list[str] = []
        self.stamp: str | None = None
        self._accented = None
        self._folded = None
        self.restorer: DiacriticRestorer | None = None
        self._mtime: int | None = None
        self._load()

    # building -------------------------------------------------------------------------
    def rebuild(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Index these chunks from scratch and save, replacing the old files atomically."""
        import bm25s

        tokens = [lexical_tokens(t) for t in texts]
        folded = [[fold_diacritics(tok) for tok in toks] for toks in tokens]
        accented_index = bm25s.BM25(k1=self.k1, b=self.b)
        folded_index = bm25s.BM25(k1=self.k1, b=self.b)
        if ids:
            accented_index.index(tokens, show_progress=False)
            folded_index.index(folded, show_progress=False)
        restorer = DiacriticRestorer.train(syllables(t) for t in texts)
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
            self.ids = list(ids)
            self.stamp = stamp
            self._accented = accented_index if ids else None
            self._folded = folded_index if ids else None
            self.restorer = restorer
            self._mtime = (self.directory / STATE_FILE).stat().st_mtime_ns

    def _load(self) -> None:
        state_file = self.directory / STATE_FILE
        if not state_file.exists():
            return
        import bm25s

        try:
            state = json.loads(state_file.read_text())
            ids = state["ids"]
            accented = folded = None
            if ids:
                accented = bm25s.BM25.load(str(self.directory / "accented"), show_progress=False)
                folded = bm25s.BM25.load(str(self.directory / "folded"), show_progress=False)
            with gzip.open(self.directory / "restorer.json.gz", "rt", encoding="utf-8") as fh:
                counts = json.load(fh)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("lexical index unreadable, it will be rebuilt: %s", exc)
            return
        self._mtime = state_file.stat().st_mtime_ns
        self.ids, self.stamp = ids, state["stamp"]
        self._accented, self._folded = accented, folded
        self.restorer = DiacriticRestorer(counts["unigrams"], counts["bigrams"])

    def refresh(self) -> None:
        """Reload when another process (a CLI ingest beside the server) rebuilt the index."""
        state_file = self.directory / STATE_FILE
        try:
            mtime = state_file.stat().st_mtime_ns
        except OSError:
            return
        if mtime != self._mtime:
            with self._lock:
                if mtime != self._mtime:
                    self._load()

    def in_sync_with(self, ids: Iterable[str]) -> bool:
        return self.stamp == ids_stamp(ids, self._params)

    # searching ------------------------------------------------------------------------
    def search(self, query: str, n: int, *, folded: bool) -> list[tuple[str, float]]:
        """Top ``n`` chunk ids and BM25 scores; ``folded`` searches the diacritic-free index."""
        index = self._folded if folded else self._accented
        if index is None or n <= 0:
            return []
        tokens = query_tokens(query)
        if folded:
            tokens = [fold_diacritics(t) for t in tokens]
        if not tokens:
            return []
        scores = index.get_scores(tokens)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def restore_diacritics(self, query: str) -> str:
        return self.restorer.restore(query) if self.restorer else query
