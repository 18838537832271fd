"""Glued Vietnamese syllables are split again; valid text, ASCII words and numbers are not."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import syllables
from ingest.syllables import glued_rate, is_syllable, split_glued

PARAGRAPH = (
    "Báo cáo tài chính hợp nhất của Công ty cho năm tài chính kết thúc ngày 30/6/2025 đã "
    "được kiểm toán bởi KPMG. Doanh thu thuần đạt 1.410.126.517.617 VND, tăng 12,5% so với "
    "năm trước; lợi nhuận sau thuế thu nhập doanh nghiệp tăng nhờ chi phí tài chính giảm. "
    "Ban Tổng Giám đốc chịu trách nhiệm lập và trình bày trung thực, hợp lý các khoản dự "
    "phòng giảm giá hàng tồn kho của Vinamilk theo Thuyết minh V.4(a).\n\n"
    "Quyết định số 15/QĐ-HĐQT về việc giữ lại lợi nhuận để đầu tư mở rộng nhà máy ở Nghệ "
    "An được Đại hội đồng cổ đông thông qua, khuyến khích nghiên cứu sản phẩm mới."
)

# Real syllables, in the shapes that trip a syllable model: gi/qu onsets, three-vowel
# nuclei, k/gh/ngh spellings, vowel-initial syllables, ươ/uyê clusters.
SYLLABLES = " ".join(
    [
        "Nguyễn thường nghiêng khuyến Quyết giữ quốc gì gìn giếng quý quỳnh quýt quả quê",
        "người rượu khuỷu khuya chuyện truyền tuổi nghĩa kênh kiểm ghế ghi ngoài ngoằn",
        "hoạch hoặc khỏe khoẻ thuở huơ xoong boong ổn ở ưu ý yêu yên ấy uy ủy ạ",
        "thuế tuệ huỳnh huýt ngoẹo khuếch nguệch được trường nước lớp gặp bậc mứt",
    ]
).split()
ASCII_WORDS = ["Vinamilk", "KPMG", "iPhone", "GTGT", "VND", "email", "Covid", "eKYC"]
NUMBERS = ["30/6/2025", "1.410.126.517.617", "V.4(a)", "12,5%", "2021-2025", "(1)"]


@pytest.mark.parametrize(
    ("glued", "expected"),
    [
        ("Dựphòng", "Dự phòng"),
        ("Dựphòng giảm giá", "Dự phòng giảm giá"),
        ("ThuếGTGT được khấu trừ", "Thuế GTGT được khấu trừ"),
        ("Tựdo - Hạnh phúc", "Tự do - Hạnh phúc"),
        ("BộNội vụ", "Bộ Nội vụ"),
        ("dữliệu", "dữ liệu"),
        ("sôminh", "sô minh"),
        ("TÀISẢN", "TÀI SẢN"),
        ("THUẾGTGT", "THUẾ GTGT"),
        ("đầu tưXDCB", "đầu tư XDCB"),
        ("Chiphí", "Chi phí"),  # the longer onset: not "Chip hí"
        ("CôngAn", "Công An"),  # pieces keep one case each: not "Côn gAn"
        ("BanHành", "Ban Hành"),  # not "Ba nHành"
        ("kếtoán", "kế toán"),
        ("giátrị", "giá trị"),
        ("Nhànước", "Nhà nước"),
        ("dựán", "dự án"),
        ("BộY tế", "Bộ Y tế"),
        ("tàisảncốđịnh", "tài sản cố định"),
        ("Dựphòng,", "Dự phòng,"),
        ("(Tựdo)", "(Tự do)"),
        ("số 5Dựphòng", "số 5Dự phòng"),
        ("Nguyễn\tDựphòng\n\nTựdo", "Nguyễn\tDự phòng\n\nTự do"),
    ],
)
def test_glued_syllables_are_split(glued: str, expected: str) -> None:
    assert split_glued(glued) == expected


def test_nfd_input_is_split_and_returned_in_nfc() -> None:
    assert split_glued(unicodedata.normalize("NFD", "Dựphòng ThuếGTGT")) == "Dự phòng Thuế GTGT"


@pytest.mark.parametrize(
    "word",
    [
        *["Nguyễn", "thường", "nghiêng", "khuyến", "Quyết", "giữ", "quốc", "gì", "quý"],
        *["Vinamilk", "KPMG", "VND", "iPhone", "email", "30/6/2025", "1.410.126.517.617"],
        "V.4(a)",
        # not syllables, but with no cut into syllables: left as they are
        *["Đắk", "ĐHCĐ", "HĐQT", "VNĐ", "café"],
        # VNI and TCVN3 mojibake is the legacy decoder's job, not glue to split
        *["Nguyeãn", "Quyeát", "naêm", "veà", "BAÙO", "héi", "míi"],
    ],
)
def test_words_that_stay_whole(word: str) -> None:
    assert split_glued(word) == word


@pytest.mark.parametrize("word", SYLLABLES)
def test_real_syllables_are_syllables(word: str) -> None:
    assert is_syllable(word)
    assert is_syllable(word.upper())
    assert is_syllable(unicodedata.normalize("NFD", word))


@pytest.mark.parametrize(
    "word",
    [
        "Dựphòng",  # two syllables
        "ThuếGTGT",
        "ba\u0301\u0300",  # two tone marks
        "hóà",
        "ngi",  # ng before i is spelled ngh
        "nghéon",  # not a rhyme: eon
        "ka",  # k only before i e ê y
        "ce",  # c never before e
        "gha",  # gh only before i e ê
        "quo",
        "hàt",  # a stop-final syllable takes only the acute or the dot below
        "ă",  # ă and â need a final consonant
        "bkan",  # invalid consonant cluster
        "fan",  # f is not a Vietnamese letter
        "Vinamilk",
        "Đắk",  # final k is not Vietnamese spelling
        "",
        "ḿ",  # tone on a consonant
    ],
)
def test_non_syllables(word: str) -> None:
    assert not is_syllable(word)


def test_paragraph_is_unchanged() -> None:
    assert split_glued(PARAGRAPH) == PARAGRAPH


def test_glued_rate() -> None:
    assert glued_rate(PARAGRAPH) == 0.0
    assert glued_rate("Dựphòng ThuếGTGT Tựdo") == 1.0
    assert glued_rate("Dựphòng giảm giá, Vinamilk 2025") == pytest.approx(1 / 3)
    assert glued_rate("Vinamilk KPMG 30/6/2025") == 0.0
    assert glued_rate("QĐ-HĐQT của Đắk Lắk") == pytest.approx(2 / 3)  # abbreviations not counted
    assert glued_rate("") == 0.0
    assert glued_rate(split_glued("Dựphòng ThuếGTGT Tựdo")) == 0.0


def _cased(word: str, how: int) -> str:
    return (word, word.lower(), word.upper(), word.capitalize())[how]


_valid_token = st.one_of(
    st.builds(_cased, st.sampled_from(SYLLABLES), st.integers(0, 3)),
    st.sampled_from(ASCII_WORDS + NUMBERS),
    st.builds(_cased, st.sampled_from(PARAGRAPH.split()), st.integers(0, 0)),
)
_separator = st.sampled_from([" ", "  ", "\n", "\t", ", ", ". ", " - ", "; ", " (", ") "])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_valid_token, _separator), max_size=30))
def test_valid_text_is_unchanged(parts: list[tuple[str, str]]) -> None:
    text = "".join(token + sep for token, sep in parts)
    assert split_glued(text) == text


_glued_text = st.lists(
    st.tuples(st.sampled_from(SYLLABLES + ASCII_WORDS + NUMBERS), st.sampled_from(["", " ", ","])),
    max_size=20,
).map(lambda parts: "".join(token + sep for token, sep in parts))
_any_text = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạếộựữĐÀGTNQ 0.,-\n\u0301")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_glued_text, _any_text))
def test_idempotent_and_only_spaces_added(text: str) -> None:
    once = split_glued(text)
    assert split_glued(once) == once
    # a split inserts spaces and nothing else: no letter lost, moved or re-cased
    assert once.replace(" ", "") == unicodedata.normalize("NFC", text).replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4))
def test_glued_syllables_split_into_syllables(words: list[str]) -> None:
    glued = "".join(w.lower() for w in words)
    split = split_glued(glued)
    if split != glued:
        assert all(is_syllable(piece) for piece in split.split(" "))
    assert glued_rate(split) <= glued_rate(glued)


def test_100k_tokens_in_under_a_second() -> None:
    words = [*PARAGRAPH.split(), "Dựphòng", "ThuếGTGT", "Tựdo", "BộNội", "dữliệu", "TÀISẢN"]
    text = " ".join(words[i % len(words)] for i in range(100_000))
    syllables._resegment.cache_clear()
    syllables._onset_length.cache_clear()
    start = time.perf_counter()
    out = split_glued(text)
    elapsed = time.perf_counter() - start
    assert "Dự phòng" in out and "Thuế GTGT" in out
    assert elapsed < 1.0, f"{elapsed:.2f} s for 100k tokens"
