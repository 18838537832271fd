"""The knowledge hoidap reads reports with, loaded from the data files in ``hoidap/data/``.

Statement templates (line codes, labels, identities), the concepts users ask about, ratio
formulas and question words are data a reviewer can read and extend (their sources are in
the files); this module only gives them types. It imports nothing of the project's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hoidap.vietnamese import fold

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Identity:
    """``total = Σ sign·part`` between lines of one statement, by their keys."""

    total: str
    parts: tuple[tuple[int, str], ...]

    def text(self, names: dict[str, str] | None = None) -> str:
        def name(key: str) -> str:
            return (names or {}).get(key, key)

        terms = " ".join(
            f"{'-' if sign < 0 else '+'} {name(key)}" for sign, key in self.parts
        ).lstrip("+ ")
        return f"{name(self.total)} = {terms}"


@dataclass(frozen=True)
class LineTemplate:
    key: str
    code: str | None
    label: str
    concept: str | None
    aliases: tuple[str, ...]

    @property
    def folded(self) -> str:
        return fold(self.label)


@dataclass(frozen=True)
class StatementTemplate:
    """One mandated statement (balance sheet, income statement, …) of one template family."""

    family: str
    id: str
    name: str
    titles: tuple[str, ...]
    at: str  # "instant": columns are dates; "period": columns are periods
    lines: tuple[LineTemplate, ...]
    identities: tuple[Identity, ...]

    def line(self, key: str) -> LineTemplate | None:
        return next((line for line in self.lines if line.key == key), None)

    def by_code(self, code: str) -> LineTemplate | None:
        return next((line for line in self.lines if line.code == code), None)


@dataclass(frozen=True)
class Concept:
    id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Ratio:
    id: str
    name: str
    aliases: tuple[str, ...]
    numerator: tuple[tuple[int, str], ...]
    denominator: tuple[tuple[int, str], ...]
    percent: bool
    average_denominator: bool
    note: str


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    return data


def _signed(terms: list[str]) -> tuple[tuple[int, str], ...]:
    return tuple(
        (-1, t[1:].strip()) if t.startswith("-") else (1, t.lstrip("+").strip()) for t in terms
    )


@cache
def statement_templates() -> tuple[StatementTemplate, ...]:
    found: list[StatementTemplate] = []
    for family in _load("statement_templates.json")["templates"]:
        for st in family["statements"]:
            lines = tuple(
                LineTemplate(
                    str(line["key"]),
                    str(line["code"]) if line.get("code") else None,
                    line["label"],
                    line.get("concept"),
                    tuple(line.get("aliases") or ()),
                )
                for line in st["lines"]
            )
            identities = tuple(
                Identity(str(i["total"]), _signed([str(p) for p in i["parts"]]))
                for i in st.get("identities") or ()
            )
            found.append(
                StatementTemplate(
                    family["id"],
                    st["id"],
                    st["name"],
                    tuple(fold(t) for t in st.get("titles") or ()),
                    st.get("at", "period"),
                    lines,
                    identities,
                )
            )
    return tuple(found)


@cache
def family_markers() -> dict[str, tuple[str, ...]]:
    """Folded words that show which template family a report uses (its circular, forms)."""
    return {
        family["id"]: tuple(fold(m) for m in family.get("markers") or ())
        for family in _load("statement_templates.json")["templates"]
    }


@cache
def concepts() -> dict[str, Concept]:
    raw = _load("statement_templates.json").get("concepts") or {}
    return {
        cid: Concept(cid, c.get("name", cid), tuple(c.get("aliases") or ()))
        for cid, c in raw.items()
    }


@cache
def ratios() -> tuple[Ratio, ...]:
    return tuple(
        Ratio(
            r["id"],
            r["name"],
            tuple(r.get("aliases") or ()),
            _signed(r["numerator"]),
            _signed(r["denominator"]),
            bool(r.get("percent", True)),
            bool(r.get("average_denominator", False)),
            r.get("note", ""),
        )
        for r in _load("financial_ratios.json")["ratios"]
    )


@cache
def report_words() -> dict[str, Any]:
    """Question words, period words and report-card vocabulary (``report_words.json``)."""
    return _load("report_words.json")


@cache
def phrases(group: str) -> tuple[str, ...]:
    """A list of folded phrases from ``report_words.json``, by its key (dotted for nesting);
    cached: every question and every table column asks for the same few lists."""
    node: Any = report_words()
    for part in group.split("."):
        node = node[part]
    return tuple(fold(p) for p in node)


@dataclass(frozen=True)
class TextWords:
    """How running text and conversation are read (``text_words.json``): sentence-splitting
    abbreviations (as written), follow-up leads, tails and pointers (folded), and the words
    that make a number in a clause no quantity to ask about (lowercase)."""

    abbreviations: frozenset[str]
    leads: tuple[str, ...]
    tails: tuple[str, ...]
    pointers: frozenset[str]
    not_a_quantity: frozenset[str]
    modifiers: frozenset[str]


@cache
def text_words() -> TextWords:
    data = _load("text_words.json")
    follow, examples = data["follow_up"], data["example_questions"]
    return TextWords(
        frozenset(data["abbreviations"]["words"]),
        tuple(fold(w) for w in follow["leads"]),
        tuple(fold(w) for w in follow["tails"]),
        frozenset(fold(w) for w in follow["pointers"]),
        frozenset(w.lower() for w in examples["not_a_quantity"]),
        frozenset(w.lower() for w in examples["modifiers"]),
    )


@dataclass(frozen=True)
class SyllableSpelling:
    """The parts a Vietnamese syllable is spelled with (``vietnamese_syllables.json``)."""

    onsets: tuple[str, ...]  # longest first, "" last
    stops: tuple[str, ...]
    open_rhymes: frozenset[str]
    closed_nuclei: dict[str, tuple[str, ...]]
    qu_only_rhymes: frozenset[str]
    glide_starts: tuple[str, ...]


@cache
def syllable_spelling() -> SyllableSpelling:
    data = _load("vietnamese_syllables.json")
    return SyllableSpelling(
        tuple(data["onsets"]["letters"]),
        tuple(data["stops"]["letters"]),
        frozenset(data["open_rhymes"]["rhymes"]),
        {k: tuple(v) for k, v in data["closed_nuclei"]["codas"].items()},
        frozenset(data["qu_only_rhymes"]["rhymes"]),
        tuple(data["glide_starts"]["rhymes"]),
    )
