"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused into one ranking.

A question typed without diacritics is detected and handled on purpose: the lexical side
searches the folded index, and the dense side gets the question with its diacritics
restored from the corpus's own vocabulary (the dense model barely understands folded text).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hoidap.settings import Settings
from ingest.document import ChunkTable
from qa.types import Source
from store.index import Index
from store.lexical import fold_diacritics, has_diacritics

if TYPE_CHECKING:
    from qa.question import Question

# Text that addresses the model instead of the reader ("bỏ qua mọi hướng dẫn…", "ignore all
# previous instructions"): a passage carrying it is never shown to any answerer, because a
# grounding check cannot catch a false figure that the hijacking passage itself supplies.
_INSTRUCTIONS = re.compile(
    r"bo qua (moi|tat ca|cac|nhung)? ?(huong dan|chi dan|lenh|quy tac)"
    r"|ignore (all |any )?(the )?(previous|prior|above) (instructions|rules)"
    r"|(system prompt|loi nhac he thong)"
    r"|ban khong con la (tro ly|mo hinh)"
)


def carries_instructions(text: str) -> bool:
    """True for a passage written to steer a language model (prompt injection)."""
    return bool(_INSTRUCTIONS.search(fold_diacritics(text)))

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for one question, with how it searched."""

    question: str
    sources: list[Source]
    folded: bool = False
    dense_query: str = ""
    lexical_scores: dict[str, float] = field(default_factory=dict)
    dense_scores: dict[str, float] = field(default_factory=dict)
    # table passages ranked just below the top k: a financial statement is many near-alike
    # chunks of rows, and the one holding the asked row is often 6th to 20th
    table_candidates: list[Source] = field(default_factory=list)
    # the documents (sources) the question was limited to; None: every document
    scope: frozenset[str] | None = None
    # the question read once (qa/question.py), what every answerer and check takes; a
    # Retrieval made without it reads ``question`` here (a reading of another text is not
    # kept: ``replace(found, question=…)`` reads the new question)
    asked: Question = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        from qa.question import asked

        object.__setattr__(self, "asked", asked(self.asked, self.question))


def fuse_rrf(rankings: list[list[str]], weights: list[float], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: rank-based, so scales of the two lists do not matter."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, cid in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + weight / (k + rank + 1)
    return fused


def fuse_convex(scored: list[dict[str, float]], weights: list[float]) -> dict[str, float]:
    """Convex combination of min-max normalized scores (missing from a list counts as 0)."""
    fused: dict[str, float] = {}
    for scores, weight in zip(scored, weights, strict=True):
        if not scores:
            continue
        low, high = min(scores.values()), max(scores.values())
        span = (high - low) or 1.0
        for cid, score in scores.items():
            fused[cid] = fused.get(cid, 0.0) + weight * (score - low) / span
    return fused


def _to_source(cid: str, score: float, text: str, meta: dict[str, Any]) -> Source:
    page = meta.get("page")
    return Source(
        source=str(meta.get("name") or meta.get("source") or ""),
        title=str(meta.get("title") or ""),
        page=int(page) if isinstance(page, int) and page >= 0 else None,
        chunk_id=cid,
        score=float(score),
        text=text,
        heading=str(meta.get("heading") or "") or None,
        start=meta.get("start"),
        end=meta.get("end"),
        table=ChunkTable.from_json(meta.get("table")),
    )


def _document(chunk: tuple[str, dict[str, Any]] | None) -> str | None:
    return str(chunk[1].get("source") or "") if chunk else None


def entity_terms(question: str, accented: Callable[[str], list[str]] | None = None) -> list[str]:
    """Names in a question that are not Vietnamese words: "Vinamilk", "VIPCO", "KPMG".

    Such a name says which report is meant ("… của Vinamilk"); a figure from another
    company's statement with the same row label is the worst wrong answer there is.

    Args:
        accented: for a question typed without diacritics, the corpus's accented forms of
            a folded word ("nghiep" → ["nghiệp"]): a word with a Vietnamese form is no name.
    """
    from ingest.syllables import is_syllable

    typed_folded = not has_diacritics(question)  # then names come in lower case too
    terms: list[str] = []
    for word in re.findall(r"[^\W\d_]{3,}", question):
        if is_syllable(word) or not (word[0].isupper() or (typed_folded and len(word) >= 5)):
            continue
        forms = accented(word.lower()) if typed_folded and accented is not None else []
        if any(is_syllable(form) for form in forms):
            continue
        if fold_diacritics(word) not in terms:
            terms.append(fold_diacritics(word))
    return terms


class HybridRetriever:
    """Dense + BM25 over one :class:`Index`; ``k``, ``fetch_k`` and fusion come from settings."""

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings

    def _named_documents(
        self, question: str, snapshot: Any, allowed: frozenset[str] | None = None
    ) -> set[str]:
        """Documents holding every name the question gives (empty: no name, or none has it)."""
        restorer = snapshot.restorer
        accented = restorer.accented_forms if restorer is not None else None
        documents: set[str] | None = None
        for term in entity_terms(question, accented):
            hits = self.index.lexical_search(
                term, 200, folded=True, snapshot=snapshot, allowed=allowed
            )
            chunks = self.index.get_chunks([cid for cid, _ in hits])
            found = {_document(chunk) or "" for chunk in chunks.values()}
            if not found:
                continue  # a name no document has tells nothing about which one is meant
            documents = found if documents is None else documents & found
        return documents or set()

    def retrieve(
        self, question: str, k: int | None = None, scope: frozenset[str] | None = None
    ) -> Retrieval:
        """The top ``k`` passages for ``question``; ``scope`` (document sources, see
        :mod:`qa.scope`) limits every search to those documents: no passage outside it is
        ever returned, from Chroma (embedded or server) or BM25."""
        k = k or self.settings.k
        fetch = max(self.settings.fetch_k, k)
        folded = not has_diacritics(question)
        # one published state of the index for both searches: an ingest running beside this
        # question must not mix a document's old chunks with its new ones in one answer
        snapshot = self.index.snapshot()
        allowed = None
        if scope is not None:
            from qa.scope import scope_chunk_ids

            allowed = scope_chunk_ids(self.index, scope)
        restorer = snapshot.restorer
        dense_query = restorer.restore(question) if folded and restorer else question
        dense = self.index.dense_search(dense_query, fetch, snapshot=snapshot, sources=scope)
        lexical = self.index.lexical_search(
            question, fetch, folded=folded, snapshot=snapshot, allowed=allowed
        )
        share = 0.0 if folded else self.settings.folded_weight
        loose = (
            self.index.lexical_search(
                question, fetch, folded=True, snapshot=snapshot, allowed=allowed
            )
            if share > 0
            else []
        )
        dense_scores = {h.chunk_id: h.similarity for h in dense}
        lexical_scores = dict(lexical)
        lexical_weight = self.settings.lexical_weight
        weights = [self.settings.dense_weight, lexical_weight * (1 - share), lexical_weight * share]
        if self.settings.fusion == "convex":
            fused = fuse_convex([dense_scores, lexical_scores, dict(loose)], weights)
        else:
            fused = fuse_rrf(
                [[h.chunk_id for h in dense], [cid for cid, _ in lexical], [c for c, _ in loose]],
                weights,
                self.settings.rrf_k,
            )
        ranked = sorted(fused, key=lambda cid: -fused[cid])
        known = {h.chunk_id: (h.text, h.metadata) for h in dense}
        wanted = ranked[: k + self.settings.table_candidates]
        named = self._named_documents(question, snapshot, allowed)
        if named:
            wanted = ranked[:fetch]
        known.update(self.index.get_chunks([cid for cid in wanted if cid not in known]))
        if scope is not None:  # a chunk whose stored document is outside the scope never shows
            known = {c: v for c, v in known.items() if _document(v) in scope}
        if named and any(_document(known.get(cid)) in named for cid in wanted):
            ranked = [cid for cid in ranked if _document(known.get(cid)) in named]
        top, below = ranked[:k], ranked[k : k + self.settings.table_candidates]
        sources = [
            _to_source(cid, fused[cid], *known[cid])
            for cid in top
            if cid in known and not carries_instructions(known[cid][0])
        ]
        tables = [
            _to_source(cid, fused[cid], *known[cid])
            for cid in below
            if cid in known
            and known[cid][1].get("table")
            and not carries_instructions(known[cid][0])
        ]
        return Retrieval(
            question, sources, folded, dense_query, lexical_scores, dense_scores, tables, scope
        )
