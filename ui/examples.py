"""Example questions drawn from the indexed documents, so a new user sees what works.

Reports are full of figures, and "how many…?" is what people ask them, so candidates are
made from clauses with a number: "thành lập 33 tổ lưu động" becomes "Thành lập bao nhiêu tổ
lưu động?". A candidate is kept only if the extractive answerer, asked it, quotes a sentence
containing that number, so no example leads to an abstention. The list is cached per state of
the manifest and rebuilt in the background after an ingest or a delete.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator

from hoidap.knowledge import text_words
from hoidap.settings import Settings
from ingest.library import chunk_texts, documents

log = logging.getLogger(__name__)

MAX_EXAMPLES = 4
MAX_CANDIDATES = 16
CHUNKS_PER_DOCUMENT = 6
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
# "32,2" and "1.700" are numbers: a comma or dot splits clauses only before a space
_CLAUSE_SPLIT = re.compile(r"[;:()\[\]“”\"…!?]|[.,](?=\s|$)|\s[-–—]\s")
_NUMBER_IN_CLAUSE = re.compile(rf"(?<![\w.,])({NUMBER})(\s?%)?(?![\w.,]?\d)")
# A number after these words is a name or a date, not a quantity to ask about; "hơn 130 tấn":
# the modifier belongs to the number, the question drops it (hoidap/data/text_words.json).
_NOT_A_QUANTITY = text_words().not_a_quantity
_MODIFIERS = text_words().modifiers
MAX_LEAD_WORDS = 6
MAX_TAIL_WORDS = 8
MAX_SUBJECT_WORDS = 14
_WORD = re.compile(r"^[^\W\d_][\w-]*$", re.UNICODE)


def _words(text: str) -> list[str]:
    return text.split()


def _all_words(words: list[str]) -> bool:
    return all(_WORD.match(w) for w in words)


def candidates_from_text(text: str) -> Iterator[tuple[str, str]]:
    """``(question, number)`` pairs for the clauses of ``text`` that state one quantity."""
    for clause in _CLAUSE_SPLIT.split(text):
        clause = " ".join(clause.split())
        matches = list(_NUMBER_IN_CLAUSE.finditer(clause))
        if len(matches) != 1:
            continue
        match = matches[0]
        number, percent = match.group(1), bool(match.group(2))
        if re.fullmatch(r"(19|20)\d\d", number):
            continue
        before = _words(clause[: match.start()])
        after = _words(clause[match.end() :])
        if before and before[-1].lower() in _NOT_A_QUANTITY:
            continue
        while before and before[-1].lower() in _MODIFIERS:
            before.pop()
        # whole clauses only: a question cut out of the middle of a phrase reads badly
        if percent:
            if after or not 3 <= len(before) <= MAX_SUBJECT_WORDS or not _all_words(before):
                continue
            question = " ".join(before) + " bao nhiêu phần trăm?"
        else:
            if len(before) > MAX_LEAD_WORDS or not 2 <= len(after) <= MAX_TAIL_WORDS:
                continue
            if not _all_words(before + after) or len(before) + len(after) < 3:
                continue
            question = " ".join([*before, "bao nhiêu", *after]) + "?"
        yield question[0].upper() + question[1:], number


def build_examples(settings: Settings, limit: int = MAX_EXAMPLES) -> list[str]:
    """Up to ``limit`` questions the index answers, checked by asking them (extractive)."""
    from qa import open_index
    from qa.api import answer

    records = documents(settings)
    if not records:
        return []
    open_index(settings)
    seen: set[str] = set()
    candidates: list[tuple[str, str]] = []
    for text in chunk_texts(settings, records, per_document=CHUNKS_PER_DOCUMENT):
        for question, number in candidates_from_text(text):
            if question.lower() not in seen:
                seen.add(question.lower())
                candidates.append((question, number))
    # shortest first: short questions read best as suggestions
    candidates.sort(key=lambda qn: len(qn[0]))
    chosen: list[str] = []
    for question, number in candidates[:MAX_CANDIDATES]:
        try:
            result = answer(question, settings=settings, answerer="extractive")
        except Exception:
            log.debug("example %r failed", question, exc_info=True)
            continue
        if not result.abstained and number in result.text:
            chosen.append(question)
            if len(chosen) >= limit:
                break
    return chosen


class ExampleCache:
    """The examples for the current manifest; rebuilt in a background thread when it changes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._stamp: object = None
        self._examples: list[str] = []
        self._build_lock = threading.Lock()

    def _manifest_stamp(self) -> object:
        try:
            stat = self.settings.manifest_path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def get(self, *, wait: bool = False) -> list[str]:
        """The current examples; without ``wait``, a stale list while a new one is built."""
        if self._fresh():
            with self._lock:
                return list(self._examples)
        if wait:
            self.refresh()
        else:
            self.refresh_in_background()
        with self._lock:
            return list(self._examples)

    def _fresh(self) -> bool:
        stamp = self._manifest_stamp()
        with self._lock:
            return stamp == self._stamp

    def refresh(self) -> None:
        """Rebuild unless fresh; one build at a time, and a waiter reuses the one running."""
        with self._build_lock:
            if self._fresh():
                return
            stamp = self._manifest_stamp()
            try:
                examples = build_examples(self.settings)
            except Exception:
                log.warning("could not build example questions", exc_info=True)
                examples = []
            with self._lock:
                self._stamp, self._examples = stamp, examples

    def refresh_in_background(self) -> None:
        if self._build_lock.locked():
            return
        threading.Thread(target=self.refresh, name="hoidap-examples", daemon=True).start()
