"""Loaders read real files the tests write themselves: PDF, DOCX, TXT/MD in every encoding
a Vietnamese user meets, and HTML; every unreadable file must end in a LoaderError whose
message names the problem, because the upload page shows that message to the user."""

from __future__ import annotations

import codecs
import io
import random
import unicodedata
import zipfile
from pathlib import Path

import docx
import pymupdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoidap.vietnamese import TONE_MARKS
from ingest.document import LoadedDocument, LoaderError
from ingest.loaders import SUPPORTED_SUFFIXES, decode_text, load

PAGE_ONE = "Công an thành phố huy động 1.700 cán bộ, chiến sĩ bảo đảm an ninh dịp Tết Nguyên đán."
PAGE_TWO = "Đội Cảnh sát giao thông tuần tra ở quận Ninh Kiều; kiểm soát phòng chống dịch Covid-19."

SAMPLE = (
    "Báo cáo tổng kết công tác năm 2021\n"
    "\n"
    "Năm 2021, Công an thành phố Cần Thơ huy động 1.700 cán bộ, chiến sĩ tham gia phòng chống "
    "dịch Covid-19, bảo đảm an ninh trật tự trên địa bàn.\n"
    "\n"
    "Lực lượng Cảnh sát giao thông xử lý hơn 12.000 trường hợp vi phạm; thu hồi 350 giấy phép "
    "lái xe. Đồng chí Thiếu tướng Nguyễn Văn Thuận nhấn mạnh: “Quyết tâm giữ vững bình yên.”\n"
)

DEJAVU_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: a precomposed letter if the code page has one, else the
    letter without its tone followed by the combining tone mark (so "ệ" is "ê" + dot below)."""
    out = bytearray()
    for ch in nfc(text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = nfc("".join(c for c in decomposed if c not in TONE_MARKS))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def vietnamese_font() -> str | None:
    """A TrueType font with Vietnamese glyphs, if the machine has one (fonts-dejavu-core)."""
    for candidate in DEJAVU_CANDIDATES:
        if Path(candidate).exists() and pymupdf.Font(fontfile=candidate).has_glyph(ord("ệ")):
            return candidate
    return None


def write_pdf(path: Path, pages: list[str], *, title: str = "", **save_options: object) -> None:
    """A real PDF with one text page per item, in a font that has every Vietnamese glyph.

    DejaVu Sans (embedded, like a Word export) when the system has it; otherwise MuPDF's
    HTML box, whose built-in Charis SIL / Noto Serif fonts cover Vietnamese too.
    """
    font = vietnamese_font()
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        if font:
            # two visual lines per page, as a PDF of a paragraph would have
            words = text.split(" ")
            half = len(words) // 2
            lines = " ".join(words[:half]) + "\n" + " ".join(words[half:])
            page.insert_text((72, 72), lines, fontname="dejavu", fontfile=font, fontsize=11)
        else:
            page.insert_htmlbox(pymupdf.Rect(72, 72, 520, 400), f"<p>{text}</p>")
    if title:
        doc.set_metadata({"title": title})
    doc.save(path, **save_options)
    doc.close()


def error_of(path: Path) -> str:
    with pytest.raises(LoaderError) as info:
        load(path)
    return str(info.value)


# ---------------------------------------------------------------------------------- PDF


def test_pdf_two_pages_keep_diacritics_and_page_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.pdf"
    write_pdf(path, [PAGE_ONE, PAGE_TWO], title="Báo cáo Công an TP Cần Thơ")

    doc = load(path)

    assert isinstance(doc, LoadedDocument)
    assert nfc(doc.title) == "Báo cáo Công an TP Cần Thơ"
    assert {b.page for b in doc.blocks} == {1, 2}
    page_one = " ".join(b.text for b in doc.blocks if b.page == 1)
    page_two = " ".join(b.text for b in doc.blocks if b.page == 2)
    # visual line breaks are joined back into running text, diacritics intact
    assert nfc(page_one) == PAGE_ONE
    assert nfc(page_two) == PAGE_TWO
    assert doc.pages == 2


def test_pdf_title_falls_back_to_first_line(tmp_path: Path) -> None:
    path = tmp_path / "khong-tieu-de.pdf"
    write_pdf(path, ["Kế hoạch tuần tra", PAGE_TWO])

    assert nfc(load(path).title) == "Kế hoạch tuần tra"


def test_pdf_with_owner_password_only_still_loads(tmp_path: Path) -> None:
    # government PDFs often restrict printing with an owner password; they open without one
    path = tmp_path / "han-che.pdf"
    write_pdf(path, [PAGE_ONE], encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="chu", user_pw="")

    assert nfc(load(path).text) == PAGE_ONE


def test_encrypted_pdf_needs_password(tmp_path: Path) -> None:
    path = tmp_path / "mat.pdf"
    write_pdf(
        path, [PAGE_ONE], encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="chu", user_pw="mk"
    )

    message = error_of(path)
    assert "mật khẩu" in message
    assert "password" in message
    assert "mat.pdf" in message


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf body\n")

    message = error_of(path)
    assert "bị hỏng" in message
    assert "corrupt PDF" in message
    assert "hong.pdf" in message


def test_truncated_pdf_is_corrupt_not_scanned(tmp_path: Path) -> None:
    whole = tmp_path / "nguyen.pdf"
    write_pdf(whole, [PAGE_ONE, PAGE_TWO])
    path = tmp_path / "cut.pdf"
    data = whole.read_bytes()
    # cut before the page contents: MuPDF repairs the xref and finds pages without text,
    # which must read as a broken file, not as a scan
    path.write_bytes(data[: len(data) // 5])

    assert "corrupt PDF" in error_of(path)


def test_zero_byte_pdf(tmp_path: Path) -> None:
    path = tmp_path / "rong.pdf"
    path.write_bytes(b"")

    message = error_of(path)
    assert "Tệp rỗng" in message
    assert "empty" in message


def test_scanned_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    pixmap.clear_with(180)
    page.insert_image(pymupdf.Rect(72, 72, 372, 472), pixmap=pixmap)
    doc.save(path)
    doc.close()

    # a blank grey picture: nothing to recognize, so never "added" with no text
    message = error_of(path)
    assert "1 trang nhưng chỉ đọc được 0 ký tự" in message
    assert "1 pages but only 0 characters could be read" in message
    assert "scan.pdf" in message


# --------------------------------------------------------------------------------- DOCX


def write_docx(path: Path, *, title: str = "") -> None:
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading("Kết quả công tác năm 2021", level=1)
    document.add_paragraph("Công an thành phố huy động 1.700 cán bộ, chiến sĩ.")
    document.add_paragraph("Bảo đảm tuyệt đối an toàn các sự kiện chính trị.")
    table = document.add_table(rows=3, cols=3)
    rows = [
        ("Đơn vị", "Số vụ", "Ghi chú"),
        ("Quận Ninh Kiều", "125", "Giảm 12%"),
        ("Huyện Phong Điền", "38", ""),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("Phương hướng năm 2022", level=2)
    document.add_paragraph("Tiếp tục thực hiện ba khâu đột phá.")
    document.save(path)


def test_docx_paragraphs_tables_and_headings_in_order(tmp_path: Path) -> None:
    path = tmp_path / "ket-qua.docx"
    write_docx(path)

    doc = load(path)

    assert doc.title == "Kết quả công tác năm 2021"  # no core title: the first heading
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("Kết quả công tác năm 2021", "Kết quả công tác năm 2021"),
        ("Công an thành phố huy động 1.700 cán bộ, chiến sĩ.", "Kết quả công tác năm 2021"),
        ("Bảo đảm tuyệt đối an toàn các sự kiện chính trị.", "Kết quả công tác năm 2021"),
        (
            "Đơn vị | Số vụ | Ghi chú\nQuận Ninh Kiều | 125 | Giảm 12%\nHuyện Phong Điền | 38",
            "Kết quả công tác năm 2021",
        ),
        ("Phương hướng năm 2022", "Phương hướng năm 2022"),
        ("Tiếp tục thực hiện ba khâu đột phá.", "Phương hướng năm 2022"),
    ]
    assert all(b.page is None for b in doc.blocks)


def test_docx_title_from_core_properties(tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.docx"
    write_docx(path, title="Báo cáo năm 2021")

    assert load(path).title == "Báo cáo năm 2021"


def test_docx_merged_cell_is_written_once(tmp_path: Path) -> None:
    path = tmp_path / "gop.docx"
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "Tổng cộng"
    table.cell(0, 2).text = "1.700"
    table.cell(0, 0).merge(table.cell(0, 1))
    document.save(path)

    assert load(path).text == "Tổng cộng | 1.700"


def test_truncated_docx(tmp_path: Path) -> None:
    whole = tmp_path / "nguyen.docx"
    write_docx(whole)
    path = tmp_path / "hong.docx"
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    message = error_of(path)
    assert "bị hỏng" in message
    assert "corrupt DOCX" in message
    assert "hong.docx" in message


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "gia.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải Word")
    path.write_bytes(buffer.getvalue())

    assert "corrupt DOCX" in error_of(path)


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "trang.docx"
    docx.Document().save(path)

    assert "Tệp rỗng" in error_of(path)


# ---------------------------------------------------------------------------- TXT / MD


def sample_blocks(tmp_path: Path, name: str, data: bytes) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    return [nfc(b.text) for b in load(path).blocks]


def test_utf8_text_paragraphs_and_title(tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(SAMPLE.encode("utf-8"))

    doc = load(path)

    assert doc.title == "Báo cáo tổng kết công tác năm 2021"
    assert [b.text for b in doc.blocks] == [p.strip() for p in SAMPLE.split("\n\n")]
    assert all(b.page is None and b.heading is None for b in doc.blocks)


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("utf8-bom.txt", lambda s: codecs.BOM_UTF8 + s.encode("utf-8")),
        ("cp1258.txt", to_cp1258),
        ("utf16-le-bom.txt", lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le")),
        ("utf16-be-bom.txt", lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be")),
        ("utf16-le.txt", lambda s: s.encode("utf-16-le")),
        ("utf16-be.txt", lambda s: s.encode("utf-16-be")),
        ("crlf.txt", lambda s: s.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_encodings_decode_to_the_utf8_text(tmp_path: Path, name: str, encode: object) -> None:
    assert callable(encode)
    expected = sample_blocks(tmp_path, "utf8.txt", SAMPLE.encode("utf-8"))

    assert sample_blocks(tmp_path, name, encode(SAMPLE)) == expected


def test_cp1258_comes_back_decomposed_but_equal_after_nfc(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes(to_cp1258(SAMPLE))

    doc = load(path)

    assert isinstance(doc.title, str)
    assert nfc(doc.title) == "Báo cáo tổng kết công tác năm 2021"
    assert "\u0323" in doc.text  # Windows-1258 writes the dot below as a combining mark


def test_utf8_bom_is_not_part_of_the_title(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"))

    assert load(path).title == "Báo cáo tổng kết công tác năm 2021"


def test_long_first_line_is_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "dai-dong.txt"
    path.write_text("Công an thành phố " * 20 + "\n\nĐoạn hai.", encoding="utf-8")

    assert load(path).title == "dai-dong"


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "HOA.TXT"
    path.write_bytes(SAMPLE.encode("utf-8"))

    assert len(load(path).blocks) == 3


VIETNAMESE_ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
    "0123456789 .,;:!?-\n"
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=VIETNAMESE_ALPHABET, min_size=1, max_size=300))
def test_any_vietnamese_text_survives_every_encoding(text: str) -> None:
    encodings = {
        "utf-8": text.encode("utf-8"),
        "utf-8-sig": codecs.BOM_UTF8 + text.encode("utf-8"),
        "cp1258": to_cp1258(text),
        "utf-16": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    }
    for label, data in encodings.items():
        assert nfc(decode_text(data, "x.txt")) == text, label


def test_markdown_headings_title_and_code_fence(tmp_path: Path) -> None:
    path = tmp_path / "ghi-chu.md"
    path.write_text(
        "Lời nói đầu ngắn.\n\n"
        "# Báo cáo an ninh\n"
        "Đoạn mở đầu.\n\n"
        "## Phòng chống dịch\n\n"
        "Huy động 1.700 cán bộ.\n"
        "Dòng thứ hai.\n\n"
        "```\n# không phải tiêu đề\n```\n\n"
        "### Giao thông ###\n"
        "Giảm 12% số vụ.\n",
        encoding="utf-8",
    )

    doc = load(path)

    assert doc.title == "Báo cáo an ninh"
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("Lời nói đầu ngắn.", None),
        ("Báo cáo an ninh", "Báo cáo an ninh"),
        ("Đoạn mở đầu.", "Báo cáo an ninh"),
        ("Phòng chống dịch", "Phòng chống dịch"),
        ("Huy động 1.700 cán bộ.\nDòng thứ hai.", "Phòng chống dịch"),
        ("```\n# không phải tiêu đề\n```", "Phòng chống dịch"),
        ("Giao thông", "Giao thông"),
        ("Giảm 12% số vụ.", "Giao thông"),
    ]


def test_markdown_without_h1_uses_first_heading_then_stem(tmp_path: Path) -> None:
    with_h2 = tmp_path / "a.md"
    with_h2.write_text("## Mục một\n\nNội dung.", encoding="utf-8")
    plain = tmp_path / "ghi-chu-rieng.md"
    plain.write_text("Chỉ có nội dung.", encoding="utf-8")

    assert load(with_h2).title == "Mục một"
    assert load(plain).title == "ghi-chu-rieng"


def test_binary_file_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "anh.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(4000))

    message = error_of(path)
    assert "không phải văn bản" in message
    assert "not a text file" in message
    assert "anh.txt" in message


def test_zip_named_txt_is_binary(tmp_path: Path) -> None:
    source = tmp_path / "x.docx"
    write_docx(source)
    path = tmp_path / "nen.txt"
    path.write_bytes(source.read_bytes())

    assert "not a text file" in error_of(path)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n"])
def test_empty_txt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "rong.txt"
    path.write_bytes(content)

    message = error_of(path)
    assert "Tệp rỗng" in message
    assert "empty" in message


# --------------------------------------------------------------------------------- HTML

PAGE_HTML = """<!DOCTYPE html>
<html lang="vi"><head>
<meta charset="utf-8"><title>Công an Cần Thơ tổng kết năm 2021</title>
<style>p { color: red }</style>
<script>var secret = "không được lấy";</script>
</head><body>
<header><h1>Báo Cần Thơ</h1><nav><a href="/">Trang chủ</a><a href="/x">Thời sự</a></nav></header>
<aside>Tin đọc nhiều</aside>
<main>
  <h1>Tổng kết công tác năm 2021</h1>
  <div>Cập nhật lúc 08:00 <b>ngày 12/1/2022</b>
    <p>Công an thành phố huy động <em>1.700</em> cán bộ, chiến sĩ.<br>Dòng thứ hai.</p>
    Ghi chú cuối.
  </div>
  <h2>Số liệu</h2>
  <table><tr><th>Đơn vị</th><th>Số vụ</th></tr><tr><td>Ninh Kiều</td><td>125</td></tr></table>
  <ul><li>Tuần tra <ul><li>ban đêm</li></ul></li></ul>
  <p style="display: none">ẩn đi</p>
  <!-- bình luận -->
  <form><label>Email</label><input name="e"></form>
  <script>track("không được lấy")</script>
</main>
<footer>Bản quyền thuộc Báo Cần Thơ</footer>
</body></html>
"""


def test_html_main_text_only(tmp_path: Path) -> None:
    path = tmp_path / "tin.html"
    path.write_text(PAGE_HTML, encoding="utf-8")

    doc = load(path)

    assert doc.title == "Công an Cần Thơ tổng kết năm 2021"
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("Tổng kết công tác năm 2021", "Tổng kết công tác năm 2021"),
        ("Cập nhật lúc 08:00 ngày 12/1/2022", "Tổng kết công tác năm 2021"),
        (
            "Công an thành phố huy động 1.700 cán bộ, chiến sĩ.\nDòng thứ hai.",
            "Tổng kết công tác năm 2021",
        ),
        ("Ghi chú cuối.", "Tổng kết công tác năm 2021"),
        ("Số liệu", "Số liệu"),
        ("Đơn vị | Số vụ", "Số liệu"),
        ("Ninh Kiều | 125", "Số liệu"),
        ("Tuần tra", "Số liệu"),
        ("ban đêm", "Số liệu"),
    ]
    for unwanted in ("không được lấy", "Trang chủ", "Bản quyền", "Tin đọc nhiều", "ẩn đi"):
        assert unwanted not in doc.text
    assert "color" not in doc.text
    assert "Email" not in doc.text


def test_html_without_main_reads_body_and_title_from_h1(tmp_path: Path) -> None:
    path = tmp_path / "don-gian.htm"
    path.write_text(
        "<html><body><nav>Menu</nav><h1>Thông báo</h1><p>Nội dung chính.</p>"
        "<footer>Chân trang</footer></body></html>",
        encoding="utf-8",
    )

    doc = load(path)

    assert doc.title == "Thông báo"
    assert [b.text for b in doc.blocks] == ["Thông báo", "Nội dung chính."]


def test_html_prefers_article(tmp_path: Path) -> None:
    path = tmp_path / "bai.html"
    path.write_text(
        "<html><body><div class='sidebar'>Quảng cáo</div>"
        "<article><h2>Bài viết</h2><p>Đoạn văn.</p></article></body></html>",
        encoding="utf-8",
    )

    assert load(path).text == "Bài viết\n\nĐoạn văn."


def test_html_charset_from_meta(tmp_path: Path) -> None:
    path = tmp_path / "cu.html"
    body = "<p>Công an thành phố huy động 1.700 cán bộ, chiến sĩ.</p>"
    path.write_bytes(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        b"<title>"
        + to_cp1258("Tin cũ")
        + b"</title></head><body>"
        + to_cp1258(body)
        + b"</body></html>"
    )

    doc = load(path)

    assert nfc(doc.title) == "Tin cũ"
    assert nfc(doc.text) == "Công an thành phố huy động 1.700 cán bộ, chiến sĩ."


def test_html_charset_that_lies_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "noi-doi.html"
    path.write_bytes(
        b'<html><head><meta charset="utf-8"></head><body>'
        + to_cp1258("<p>Bảo đảm an ninh trật tự.</p>")
        + b"</body></html>"
    )

    assert nfc(load(path).text) == "Bảo đảm an ninh trật tự."


def test_html_without_charset_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "khong-khai-bao.html"
    path.write_bytes(to_cp1258("<html><body><p>Quyết tâm giữ vững bình yên.</p></body></html>"))

    assert nfc(load(path).text) == "Quyết tâm giữ vững bình yên."


def test_html_page_wrapped_in_a_form_keeps_its_content(tmp_path: Path) -> None:
    # ASP.NET sites put the whole page inside <form runat="server">
    path = tmp_path / "aspnet.html"
    path.write_text(
        "<html><body><form id='form1' method='post'><input type='hidden' name='__VIEWSTATE'>"
        "<div class='search'><input name='q'><button>Tìm kiếm</button></div>"
        "<h1>Thông cáo báo chí</h1><p>Nội dung thông cáo.</p></form></body></html>",
        encoding="utf-8",
    )

    assert load(path).text == "Thông cáo báo chí\n\nNội dung thông cáo."


def test_html_with_only_chrome_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "vo.html"
    path.write_text("<html><body><nav>Menu</nav><script>x()</script></body></html>", "utf-8")

    assert "Tệp rỗng" in error_of(path)


# ------------------------------------------------------------------------------- dispatch


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "bang.xyz"
    path.write_bytes(b"whatever")

    message = error_of(path)
    assert message.startswith(
        "Định dạng không hỗ trợ: .xyz (hỗ trợ: .pdf .docx .xlsx .txt .md .html)"
    )


def test_missing_file(tmp_path: Path) -> None:
    message = error_of(tmp_path / "khong-co.pdf")
    assert "Không đọc được tệp" in message
    assert "khong-co.pdf" in message


def test_directory_with_a_document_suffix(tmp_path: Path) -> None:
    folder = tmp_path / "thu-muc.docx"
    folder.mkdir()

    assert "cannot read file" in error_of(folder)


def test_supported_suffixes() -> None:
    assert isinstance(SUPPORTED_SUFFIXES, tuple)
    assert set(SUPPORTED_SUFFIXES) == {".pdf", ".docx", ".xlsx", ".txt", ".md", ".html", ".htm"}
