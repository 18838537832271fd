"""The results a question gets: an :class:`Answer` with the :class:`Source` passages it quotes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from ingest.document import ChunkTable
from qa.reasons import Reason, Why

ABSTAIN_MESSAGE = "Không tìm thấy thông tin này trong tài liệu."


@dataclass(frozen=True)
class Source:
    """One retrieved passage, numbered by its position in :attr:`Answer.sources` (1-based).

    A passage of a table carries its rows as data in ``table`` (what ingest stored beside
    the text); ``table_header`` is that table's header, kept for the callers that only
    need the header (the prompt, the LangChain metadata).
    """

    source: str
    title: str
    page: int | None
    chunk_id: str
    score: float
    text: str
    heading: str | None = None
    start: int | None = None
    end: int | None = None
    # the column headers of the table whose rows this passage holds; given ``table``, its
    # header unless set
    table_header: tuple[str, ...] | None = None
    # the rows of the table this passage holds, each its cells (ingest.document.ChunkTable)
    table: ChunkTable | None = None

    def __post_init__(self) -> None:
        if self.table is not None and self.table_header is None:
            object.__setattr__(self, "table_header", self.table.header)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "title": self.title,
            "page": self.page,
            "chunk_id": self.chunk_id,
            "score": round(float(self.score), 6),
            "text": self.text,
        }


@dataclass(frozen=True)
class Figure:
    """One figure a statement answer states: a report's line in one period (qa/figures.py).

    ``citation`` is the number of the answer's source it comes from; ``asked`` marks the
    period the question asked for (the others are the report's other columns).
    """

    company: str
    ticker: str | None
    document: str  # the file name
    source: str
    line: str
    period: str
    period_end: str | None
    value: int
    unit: str
    citation: int
    asked: bool = True

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What ``answer()`` returns.

    ``quotes`` are the verbatim sentences the extractive answerer picked (so the page can
    highlight them); ``answerer`` names who wrote ``text``; ``note`` says when a model's
    answer was replaced by the extractive one, and why; ``reasons`` are those whys as values
    (:class:`qa.reasons.Reason`, in the order ``note`` says them; ``note`` may say more,
    such as what to check in a figure, that has no reason).
    """

    text: str
    abstained: bool
    sources: list[Source] = field(default_factory=list)
    question: str = ""
    answerer: str = "extractive"
    quotes: list[str] = field(default_factory=list)
    note: str | None = None
    # a statement line's figures per report and period, as data (chart, CSV, API)
    figures: list[Figure] = field(default_factory=list)
    reasons: tuple[Reason, ...] = ()

    def because(self, why: Why | None, *, replacing: bool = False) -> Answer:
        """This answer with ``why`` said after its note (instead of it, with ``replacing``)."""
        if why is None:
            return self
        if replacing:
            return replace(self, note=why.text or None, reasons=why.reasons)
        note = f"{self.note} {why.text}" if self.note and why.text else self.note or why.text
        return replace(self, note=note or None, reasons=(*self.reasons, *why.reasons))

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "answer": self.text,
            "abstained": self.abstained,
            "sources": [s.to_json() for s in self.sources],
        }
        if self.figures:
            data["figures"] = [f.to_json() for f in self.figures]
        if self.reasons:
            data["reasons"] = [str(r) for r in self.reasons]
        return data

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
