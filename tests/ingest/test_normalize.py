from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalize import normalize_query, normalize_text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("Hoà Bình", "Hòa Bình"),
        ("uỷ ban", "ủy ban"),
        ("Ðà Nẵng", "Đà Nẵng"),
        ("quý", "quý"),
        ("hoàn thành", "hoàn thành"),
        ("người", "người"),
        ("ngoài", "ngoài"),
        ("1.700 cán bộ, 32,2%", "1.700 cán bộ, 32,2%"),
        ("COVID-19", "COVID-19"),
    ],
)
def test_one_tone_convention(typed: str, expected: str) -> None:
    assert normalize_text(typed) == expected


def test_nfd_becomes_nfc() -> None:
    nfc = "Công an thành phố huy động 1.700 cán bộ, chiến sĩ"
    assert normalize_text(unicodedata.normalize("NFD", nfc)) == nfc


def test_control_characters_and_spaces_go_paragraphs_stay() -> None:
    raw = "Dòng\u200b một\x07  có\tkhoảng trắng\r\n\r\n\r\nĐoạn hai\ufeff"
    assert normalize_text(raw) == "Dòng một có khoảng trắng\n\nĐoạn hai"


def test_query_is_one_line() -> None:
    assert normalize_query("  Tội phạm\n giảm   bao nhiêu? ") == "Tội phạm giảm bao nhiêu?"


vietnamese = st.text(
    alphabet=st.sampled_from(
        [
            *"aăâeêioôơuưyđAĐ bcdghklmnpqrstvx.,?!\n\t0123456789",
            *["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "à", "ả", "ỹ", "ọ", "ệ"],
        ]
    ),
    max_size=200,
)


@given(vietnamese)
def test_normalization_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_unicode_normalizes_idempotently(text: str) -> None:
    """Emoji, other scripts, controls, lone combining marks: one pass is a fixed point."""
    once = normalize_text(text)
    assert normalize_text(once) == once
    query = normalize_query(text)
    assert normalize_query(query) == query
    assert "\n" not in query
