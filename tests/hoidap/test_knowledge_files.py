"""The knowledge files in hoidap/data/ hold together: what a reviewer of an edit to them checks.

Standard library only (json, unicodedata): these tests read data, nothing else.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "hoidap" / "data"
TEMPLATES = json.loads((DATA / "statement_templates.json").read_text(encoding="utf-8"))
RATIOS = json.loads((DATA / "financial_ratios.json").read_text(encoding="utf-8"))
CONCEPTS: dict = TEMPLATES["concepts"]

# digits, an optional dotted sub-number (TT 334: "111.1", "100.2") and an optional letter
# (TT 200: "411a", "421b"; TT 334: "223a", "411.1a")
CODE = re.compile(r"^\d{2,3}(\.\d{1,2})?[a-z]?$")


def fold(text: str) -> str:
    """NFC, lowercase, diacritics removed, đ→d, spaces collapsed: how aliases are compared."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return " ".join(text.split())


def statements() -> list[tuple[str, dict]]:
    return [
        (f"{template['id']}/{statement['id']}", statement)
        for template in TEMPLATES["templates"]
        for statement in template["statements"]
    ]


STATEMENTS = statements()
IDS = [name for name, _ in STATEMENTS]


def test_the_three_templates_and_their_statements_are_there() -> None:
    assert {t["id"] for t in TEMPLATES["templates"]} == {"corporate", "bank", "securities"}
    for template in TEMPLATES["templates"]:
        assert {s["id"] for s in template["statements"]} == {
            "balance_sheet",
            "income_statement",
            "cash_flow",
        }, template["id"]
        assert template["source"] and template["markers"]
        assert all(marker == fold(marker) for marker in template["markers"]), template["id"]


@pytest.mark.parametrize(("name", "statement"), STATEMENTS, ids=IDS)
def test_keys_are_unique_and_codes_are_codes(name: str, statement: dict) -> None:
    keys = [line["key"] for line in statement["lines"]]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]
    assert statement["at"] in {"instant", "period"}
    assert statement["titles"] and all(t == fold(t) for t in statement["titles"])
    for line in statement["lines"]:
        assert line["label"].strip(), line
        code = line["code"]
        if code is None:
            continue
        assert isinstance(code, str) and CODE.match(code), (name, line)
        # a coded line is keyed by its code, unless the same code has a second meaning in
        # the statement (the direct method's 01-07 in B03-DN), where the key says so
        assert line["key"] == code or line["key"].endswith("_" + code), (name, line)


@pytest.mark.parametrize(("name", "statement"), STATEMENTS, ids=IDS)
def test_every_identity_refers_to_lines_of_its_statement(name: str, statement: dict) -> None:
    keys = {line["key"] for line in statement["lines"]}
    assert statement["identities"], name
    for identity in statement["identities"]:
        assert identity["total"] in keys, (name, identity)
        assert identity["parts"], (name, identity)
        for part in identity["parts"]:
            assert part.removeprefix("-") in keys, (name, identity, part)
        assert identity["total"] not in [p.removeprefix("-") for p in identity["parts"]]


@pytest.mark.parametrize(("name", "statement"), STATEMENTS, ids=IDS)
def test_parents_exist(name: str, statement: dict) -> None:
    keys = {line["key"] for line in statement["lines"]}
    for line in statement["lines"]:
        if "parent" in line:
            assert line["parent"] in keys, (name, line)


def test_every_concept_a_line_names_exists() -> None:
    missing = [
        (name, line["key"], line["concept"])
        for name, statement in STATEMENTS
        for line in statement["lines"]
        if "concept" in line and line["concept"] not in CONCEPTS
    ]
    assert not missing


@pytest.mark.parametrize(("name", "statement"), STATEMENTS, ids=IDS)
def test_a_concept_names_one_line_per_statement_and_form(name: str, statement: dict) -> None:
    seen: dict[tuple[str, str], str] = {}
    for line in statement["lines"]:
        if "concept" not in line:
            continue
        slot = (line["concept"], line.get("method", ""))
        assert slot not in seen, (name, line["key"], seen.get(slot))
        seen[slot] = line["key"]


def test_every_concept_a_ratio_uses_exists() -> None:
    assert RATIOS["ratios"]
    for ratio in RATIOS["ratios"]:
        assert ratio["numerator"] and ratio["denominator"], ratio["id"]
        for term in ratio["numerator"] + ratio["denominator"]:
            assert term.removeprefix("-") in CONCEPTS, (ratio["id"], term)
        assert isinstance(ratio["percent"], bool)
        assert isinstance(ratio["average_denominator"], bool)


def test_no_alias_belongs_to_two_concepts() -> None:
    owner: dict[str, str] = {}
    clashes = []
    for cid, concept in CONCEPTS.items():
        assert concept["name"] and concept["aliases"], cid
        for alias in {fold(a) for a in concept["aliases"]}:
            if alias in owner and owner[alias] != cid:
                clashes.append((alias, owner[alias], cid))
            owner[alias] = cid
    assert not clashes


def test_ratio_ids_and_aliases_are_unique() -> None:
    ids = [r["id"] for r in RATIOS["ratios"]]
    assert len(ids) == len(set(ids))
    owner: dict[str, str] = {}
    for ratio in RATIOS["ratios"]:
        for alias in {fold(a) for a in ratio["aliases"]}:
            assert owner.setdefault(alias, ratio["id"]) == ratio["id"], alias


def test_every_concept_is_used() -> None:
    used = {line["concept"] for _, s in STATEMENTS for line in s["lines"] if "concept" in line}
    used |= {
        term.removeprefix("-")
        for ratio in RATIOS["ratios"]
        for term in ratio["numerator"] + ratio["denominator"]
    }
    assert not set(CONCEPTS) - used


def test_no_ratio_alias_is_a_concept_alias() -> None:
    concept_aliases = {fold(a) for c in CONCEPTS.values() for a in c["aliases"]}
    shared = [
        (ratio["id"], alias)
        for ratio in RATIOS["ratios"]
        for alias in ratio["aliases"]
        if fold(alias) in concept_aliases
    ]
    assert not shared


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in [key, *_strings(value)]]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_every_data_file_says_what_it_is_and_is_nfc(path: Path) -> None:
    """A reviewer must be able to tell where each list comes from, and a word written with
    decomposed marks would never match the NFC text documents and questions are read into."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(str(data.get("about", ""))) > 40, "the file needs an 'about' saying its source"
    odd = [s for s in _strings(data) if unicodedata.normalize("NFC", s) != s]
    assert not odd


def test_the_text_word_lists_hold_no_repeats_and_abbreviations_no_final_dot() -> None:
    words = json.loads((DATA / "text_words.json").read_text(encoding="utf-8"))
    for group in (words["follow_up"], words["example_questions"]):
        for name, values in group.items():
            if name != "about":
                assert len(values) == len(set(values)), name
    abbreviations = words["abbreviations"]["words"]
    assert len(abbreviations) == len(set(abbreviations))
    assert not [a for a in abbreviations if a.endswith(".")]
