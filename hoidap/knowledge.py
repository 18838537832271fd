"""The knowledge hoidap reads reports with, loaded from the data files in ``hoidap/data/``.

Statement templates (line codes, labels, identities), the concepts users ask about, ratio
formulas and question words are data a reviewer can read and extend (their sources are in
the files); this module only gives them types. It imports nothing of the project's.
"""

from __future__ import annotations

import json
import unicodedata
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
    function_syllables: frozenset[str]  # folded


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
        frozenset(fold(w) for w in data["function_syllables"]["words"]),
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


# --------------------------------------------------------------------------- word lists
# question_words.json, names_lexicon.json, document_layout.json: the vocabulary qa reads
# questions, names and document layout with. Each group is written with its marks; a group
# compared folded is folded here, once (the files say which groups are).


def _group(data: dict[str, Any], key: str) -> list[str]:
    """A group's words, NFC: a group is a list, or an object whose ``words`` are."""
    node = data[key]
    words = node["words"] if isinstance(node, dict) else node
    return [unicodedata.normalize("NFC", str(w)) for w in words]


def _folded(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold(w) for w in _group(data, key)))


def _around(word: str, phrases: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The folded words before and after ``word`` (folded) in two-word ``phrases``: what
    makes it part of another word ("an sinh", "sinh viên" for "sinh")."""
    before: set[str] = set()
    after: set[str] = set()
    for phrase in phrases:
        parts = fold(phrase).split()
        if parts[0] == word and len(parts) > 1:
            after.add(parts[1])
        elif parts[-1] == word and len(parts) > 1:
            before.add(parts[-2])
    return frozenset(before), frozenset(after)


@dataclass(frozen=True)
class QuestionWords:
    """What a question asks for and how an answer of each kind is told (``question_words.json``).

    Tuples keep the file's order where it matters (phrases are tried in it); sets of
    folded words are what the question's and the passage's folded words are looked up in.
    """

    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, its phrases as typed), in order
    anchors: dict[str, tuple[str, ...]]  # kind → verbs and roles, as typed
    not_anchors: dict[str, tuple[frozenset[str], frozenset[str]]]  # anchor → (before, after)
    polite: dict[str, str]  # folded → as typed
    question_forms: dict[str, frozenset[str]]  # folded → its spellings with marks
    may_nouns: frozenset[str]
    may_before: frozenset[str]
    dau_before: frozenset[str]
    verbs: frozenset[str]
    bang_nouns: frozenset[str]
    classifiers: frozenset[str]
    magnitudes: frozenset[str]
    currencies: frozenset[str]
    money_topics: tuple[str, ...]  # as typed
    money_opening: tuple[str, ...]  # as typed
    number_words: frozenset[str]  # as typed
    number_of_not: tuple[frozenset[str], frozenset[str]]  # around "số": (before, after)
    number_of_amount: frozenset[str]  # after "số": "lượng"
    percent_words: tuple[str, ...]
    time_units: frozenset[str]
    not_count_before: frozenset[str]
    date_lead: frozenset[str]
    time_words: tuple[str, ...]  # in order: they become one regex's alternatives
    bodies: frozenset[str]
    label_gap: frozenset[str]
    role_ends: frozenset[str]


@cache
def question_words() -> QuestionWords:
    """The question-word vocabulary, loaded once (every question and passage reads it)."""
    data = _load("question_words.json")
    forms: dict[str, set[str]] = {}
    for word in _group(data, "question_forms"):
        forms.setdefault(fold(word), set()).add(word)
    anchors = {k: tuple(_group(data["anchors"], k)) for k in data["anchors"] if k != "about"}
    guards = {
        fold(k): _around(fold(k), _group(data["not_anchors"], k))
        for k in data["not_anchors"]
        if k != "about"
    }
    return QuestionWords(
        phrases=tuple(
            (str(p["kind"]), tuple(unicodedata.normalize("NFC", w) for w in p["phrases"]))
            for p in data["phrases"]
        ),
        anchors=anchors,
        not_anchors=guards,
        polite={fold(w): w for w in _group(data, "polite")},
        question_forms={k: frozenset(v) for k, v in forms.items()},
        may_nouns=_around("may", _group(data, "may_nouns"))[1],
        may_before=frozenset(_folded(data, "may_before")),
        dau_before=frozenset(_folded(data, "dau_before")),
        verbs=frozenset(_folded(data, "verbs")),
        bang_nouns=_around("bang", _group(data, "bang_nouns"))[1],
        classifiers=frozenset(_folded(data, "classifiers")),
        magnitudes=frozenset(_folded(data, "magnitudes")),
        currencies=frozenset(_folded(data, "currencies")),
        money_topics=tuple(_group(data, "money_topics")),
        money_opening=tuple(_group(data, "money_opening")),
        number_words=frozenset(_group(data, "number_words")),
        number_of_not=_around("so", _group(data, "number_of_not")),
        number_of_amount=_around("so", _group(data, "number_of_amount"))[1],
        percent_words=_folded(data, "percent_words"),
        time_units=frozenset(_folded(data, "time_units")),
        not_count_before=frozenset(_folded(data, "not_count_before")),
        date_lead=frozenset(_folded(data, "date_lead")),
        time_words=_folded(data, "time_words"),
        bodies=frozenset(_folded(data, "bodies")),
        label_gap=frozenset(_folded(data, "label_gap")),
        role_ends=frozenset(_folded(data, "role_ends")),
    )


@dataclass(frozen=True)
class NamesLexicon:
    """People, roles, titles and bodies as text names them (``names_lexicon.json``)."""

    titles: tuple[str, ...]  # folded, in order
    roles: frozenset[str]  # folded, the titles included
    not_person_verbs: frozenset[str]  # folded
    honorifics: frozenset[str]
    surnames: frozenset[str]
    folded_surnames: frozenset[str]
    not_in_names: frozenset[str]
    place_nouns: frozenset[str]
    address_nouns: tuple[str, ...]  # folded, in order: a regex's alternatives
    role_prefixes: frozenset[str]
    folded_role_prefixes: frozenset[str]
    name_breaks: frozenset[str]
    legal_forms: frozenset[str]  # folded words
    body_words: frozenset[str]  # folded words


@cache
def names_lexicon() -> NamesLexicon:
    """The names lexicon, loaded once."""
    data = _load("names_lexicon.json")
    titles = _folded(data, "titles")

    def words_of(key: str) -> frozenset[str]:
        return frozenset(w for phrase in _folded(data, key) for w in phrase.split())

    return NamesLexicon(
        titles=titles,
        roles=frozenset(titles) | frozenset(_folded(data, "roles")),
        not_person_verbs=frozenset(_folded(data, "not_person_verbs")),
        honorifics=frozenset(_group(data, "honorifics")),
        surnames=frozenset(_group(data, "surnames")),
        folded_surnames=frozenset(_folded(data, "surnames")),
        not_in_names=frozenset(_group(data, "not_in_names")),
        place_nouns=frozenset(_group(data, "place_nouns")),
        address_nouns=_folded(data, "address_nouns"),
        role_prefixes=frozenset(_group(data, "role_prefixes")),
        folded_role_prefixes=frozenset(_folded(data, "role_prefixes")),
        name_breaks=frozenset(_group(data, "name_breaks")),
        legal_forms=words_of("legal_forms"),
        body_words=words_of("body_words"),
    )


@dataclass(frozen=True)
class DocumentLayout:
    """Outline words and signature-block marks of documents (``document_layout.json``)."""

    sections: tuple[str, ...]  # as written, in order: regex alternatives (case ignored)
    articles: tuple[str, ...]
    references: tuple[str, ...]
    stubs: tuple[str, ...]
    sign_for: dict[str, str]  # mark as printed ("KT") → its words ("ký thay")


@cache
def document_layout() -> DocumentLayout:
    """The document-layout words, loaded once."""
    data = _load("document_layout.json")
    outline = data["outline"]
    return DocumentLayout(
        sections=tuple(_group(outline, "sections")),
        articles=tuple(_group(outline, "articles")),
        references=tuple(_group(outline, "references")),
        stubs=tuple(_group(outline, "stubs")),
        sign_for={
            str(mark): unicodedata.normalize("NFC", str(words))
            for mark, words in data["sign_for"]["marks"].items()
        },
    )
