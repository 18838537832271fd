"""Text typed with TCVN3 (ABC) or VNI fonts is found and converted; Unicode is never touched."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.legacy import detect_legacy, is_syllable, tcvn3_to_unicode, vni_to_unicode
from ingest.loaders import load

UNICODE = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Quyết định của Bộ trưởng về việc đảm bảo an ninh trật tự năm 2021"
)
TCVN3 = (
    "Céng hßa x· héi chñ nghÜa ViÖt Nam\n"
    "§éc lËp - Tù do - H¹nh phóc\n"
    "QuyÕt ®Þnh cña Bé tr\u00adëng vÒ viÖc ®¶m b¶o an ninh trËt tù n¨m 2021"
)
VNI = (
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\n"
    "Ñoäc laäp - Töï do - Haïnh phuùc\n"
    "Quyeát ñònh cuûa Boä tröôûng veà vieäc ñaûm baûo an ninh traät töï naêm 2021"
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§¶ng bé Tr\u00adêng", "Đảng bộ Trường"),
        ("\u00ae\u00ad\u00eec", "được"),
        ("n¨m cÇn b»ng ®Æc th× míi", "năm cần bằng đặc thì mới"),
        ("cïng nh÷ng kü", "cùng những kỹ"),
    ],
)
def test_tcvn3_table(legacy: str, unicode: str) -> None:
    assert tcvn3_to_unicode(legacy) == unicode


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
        ("ñöôïc nhöõng Chæ thò Myõ", "được những Chỉ thị Mỹ"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Toâi teân laø Nguyeãn Vaên Thöû", "Tôi tên là Nguyễn Văn Thử"),
        ("Ñaø Naüng, thuyû, ÑÔN TRÌNH BAÙO", "Đà Nẵng, thuỷ, ĐƠN TRÌNH BÁO"),
    ],
)
def test_vni_table(legacy: str, unicode: str) -> None:
    assert vni_to_unicode(legacy) == unicode


def test_detection_names_the_encoding_and_converts_only_what_gains() -> None:
    tcvn3 = detect_legacy(TCVN3)
    vni = detect_legacy(VNI)
    assert tcvn3 is not None and tcvn3.encoding.startswith("TCVN3")
    assert vni is not None and vni.encoding == "VNI"
    assert nfc(tcvn3.apply(TCVN3)) == UNICODE
    assert nfc(vni.apply(VNI)) == UNICODE
    # a Unicode heading above a TCVN3 body: only the body changes
    mixed = "Báo cáo của Công an phường\n" + TCVN3
    found = detect_legacy(mixed)
    assert found is not None
    assert found.apply(mixed) == "Báo cáo của Công an phường\n" + tcvn3_to_unicode(TCVN3)


@pytest.mark.parametrize(
    "text",
    [
        UNICODE,
        "Señor Muñoz vivía en la mañana con niños pequeños en España con la señora",
        "Größe und Übermaß für schöne Äpfel über Öl, Löwen und Bären",
        "Le café est très élégant à côté de la forêt; déjà été où, naïve Noël",
        "Kích thước 5 µm, nhiệt độ 37°C, giá 1.700 ¥ — § 3 × 4 ÷ 2",
        "Nam Dinh, Ha Noi, Can Tho",
    ],
)
def test_unicode_and_other_languages_are_left_alone(text: str) -> None:
    assert detect_legacy(text) is None


syllable = st.builds(
    lambda initial, nucleus, final, tone: nfc(initial + nucleus + final + tone),
    st.sampled_from(["", "b", "ch", "đ", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "v"]),
    st.sampled_from(["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "oa", "ươ", "uyê"]),
    st.sampled_from(["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]),
    st.sampled_from(["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(syllable, min_size=1, max_size=12).map(" ".join), min_size=1))
def test_vietnamese_in_unicode_is_never_converted(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert detect_legacy(text) is None


def test_syllables() -> None:
    assert all(is_syllable(w) for w in ["nghiêng", "được", "khuya", "quốc", "giữa", "Việt"])
    assert not any(is_syllable(w) for w in ["mađana", "Seđor", "Größe", "thuyểnn", "áà"])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("tcvn3-bytes.txt", TCVN3.encode("cp1252")),  # the file as a .VnTime editor saved it
        ("tcvn3-utf8.txt", TCVN3.encode("utf-8")),  # pasted into a UTF-8 editor
        ("vni-bytes.txt", VNI.encode("cp1252")),
        ("vni-utf8.md", VNI.encode("utf-8")),
        ("tcvn3.html", f"<html><body><p>{TCVN3}</p></body></html>".encode("cp1252")),
    ],
)
def test_legacy_files_load_as_unicode(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    text = nfc(" ".join(b.text for b in load(path).blocks))
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam" in text or "Cộng hoà" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "trưởng" in text and "năm 2021" in text


def test_legacy_docx_loads_as_unicode(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Quyeát ñònh", level=1)  # a VNI-Times heading
    for line in VNI.split("\n"):
        doc.add_paragraph(line)
    path = tmp_path / "cu.docx"
    doc.save(str(path))
    loaded = load(path)
    text = nfc(loaded.text)
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert nfc(loaded.title).lower() == "quyết định"
