"""The word lists qa reads questions, names and layout with (hoidap/data/question_words.json,
names_lexicon.json, document_layout.json) hold together: what a reviewer of an edit checks.

Each file says where its words come from; each word is written once, NFC, in the tone
convention of ingest.normalize (a word written otherwise would never match a token); a
group compared folded is declared so; the phrases that guard a word hold that word.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from hoidap.knowledge import document_layout, names_lexicon, question_words
from hoidap.vietnamese import fold
from ingest.normalize import normalize_tones
from qa.answer_types import KINDS

DATA = Path(__file__).resolve().parents[2] / "hoidap" / "data"
FILES = ("question_words.json", "names_lexicon.json", "document_layout.json")
HEADER = {"about", "source", "compared"}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def groups(data: dict[str, Any]) -> dict[str, list[str]]:
    """Every word list of a file by its key (nested objects' lists as ``outer.inner``)."""
    found: dict[str, list[str]] = {}
    for key, node in data.items():
        if key in HEADER:
            continue
        if isinstance(node, list) and all(isinstance(w, str) for w in node):
            found[key] = node
        elif isinstance(node, list):  # question_words.phrases: [{kind, phrases}]
            for item in node:
                found[f"{key}.{item['kind']}"] = item["phrases"]
        elif isinstance(node, dict):
            for inner, value in node.items():
                if isinstance(value, list):
                    found[key if inner == "words" else f"{key}.{inner}"] = value
    return found


@pytest.mark.parametrize("name", FILES)
def test_each_file_says_what_it_holds_and_where_the_words_come_from(name: str) -> None:
    data = load(name)
    assert len(data["about"]) > 40 and len(data["source"]) > 40
    for key, node in data.items():
        if isinstance(node, dict) and key not in HEADER and key != "outline":
            assert node.get("about") or key == "sign_for", (name, key)


@pytest.mark.parametrize("name", FILES)
def test_words_are_nfc_trimmed_unique_and_in_the_tone_convention(name: str) -> None:
    for key, words in groups(load(name)).items():
        assert words, (name, key)
        assert len(words) == len(set(words)), (name, key, [w for w in words if words.count(w) > 1])
        for word in words:
            assert word == unicodedata.normalize("NFC", word) == word.strip(), (name, key, word)
            assert " ".join(word.split()) == word, (name, key, word)
            assert normalize_tones(word) == word, (name, key, word)


@pytest.mark.parametrize("name", ["question_words.json", "names_lexicon.json"])
def test_every_group_says_how_it_is_compared(name: str) -> None:
    data = load(name)
    declared = data["compared"]["as_typed"] + data["compared"]["folded"]
    assert len(declared) == len(set(declared))
    assert set(declared) == {k for k in data if k not in HEADER}


def test_question_phrases_name_known_kinds_and_guards_hold_their_word() -> None:
    data = load("question_words.json")
    kinds = [p["kind"] for p in data["phrases"]]
    assert len(kinds) == len(set(kinds)) and set(kinds) <= set(KINDS)
    assert set(data["anchors"]) - {"about"} <= set(KINDS)
    for anchor, phrases in data["not_anchors"].items():
        if anchor == "about":
            continue
        for phrase in phrases:
            parts = phrase.split()
            assert len(parts) == 2 and anchor in (parts[0], parts[-1]), (anchor, phrase)
    for key, head in (("may_nouns", "máy"), ("bang_nouns", "bằng")):
        assert all(p.split()[0] == head for p in data[key]["words"]), key
    # "trụ sở", "số hóa": folded, "sở" is "số" too, which is why these are listed
    assert all("so" in fold(p).split() for p in data["number_of_not"]["words"])


def test_signing_marks_are_printed_capitals_with_their_words() -> None:
    marks = load("document_layout.json")["sign_for"]["marks"]
    assert set(marks) == {"KT", "TM", "TL", "TUQ"}
    assert all(mark.isupper() and words.islower() for mark, words in marks.items())


def test_the_loaders_give_typed_lists_folded_where_the_file_says() -> None:
    words = question_words()
    assert words.phrases[0][0] == "date"  # a "năm nào" is a date
    assert words.not_anchors["sinh"][0] >= {"an", "hoc"}
    assert "bay" in words.may_nouns and "luong" in words.number_of_amount
    assert all(w == w.lower() and w.isascii() for w in words.verbs | words.bodies)
    names = names_lexicon()
    assert set(names.titles) <= names.roles
    assert "nguyễn" in names.surnames and "nguyen" in names.folded_surnames
    assert {"tnhh", "co", "phan"} <= names.legal_forms
    layout = document_layout()
    assert layout.sign_for["KT"] == "ký thay" and "điều" in layout.articles
    assert question_words() is words  # loaded once
