"""The extractive answerer on passages laid out the way real reports lay them out.

Scanned and digital reports are not prose: a circular ends with a signature block, a
financial statement opens with a management list and an auditor's letterhead, a regulation
gives its values as list items under a heading ("4. Tài liệu âm thanh" / "b) Bit rate tối
thiểu: 128 kbps"). The passages below are written for these tests in that style (other
names, figures and places than any real report); each pattern is asked both ways: what the
passage says is quoted, verbatim, and what it does not say is abstained on.
"""

from __future__ import annotations

import re

import pytest

from qa.answer_types import classify
from qa.chain import not_a_row
from qa.extractive import SentencePicker, extractive_answer, passage_units
from qa.grounding import strip_citations
from qa.reasons import Reason
from qa.types import ABSTAIN_MESSAGE, Answer, Source

COMPANY = "Công ty Cổ phần Thực phẩm An Khang và các công ty con"
MINISTRY = "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def source(text: str, title: str = COMPANY, header: tuple[str, ...] | None = None) -> Source:
    return Source("bao-cao.pdf", title, 1, "c1", 1.0, text, table_header=header)


def ask(question: str, *sources: Source) -> Answer:
    return extractive_answer(
        question, list(sources), SentencePicker(), threshold=0.45, max_sentences=2
    )


def assert_quoted(result: Answer, *expected: str) -> None:
    """Answered, every quote verbatim in the passage its [n] cites, the text being the quotes."""
    assert not result.abstained, result.note
    for words in expected:
        assert words in result.text, result.text
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", result.text)]
    assert len(numbers) == len(result.quotes) >= 1
    for quote, number in zip(result.quotes, numbers, strict=True):
        assert quote in result.sources[number - 1].text
    assert strip_citations(result.text).split() == " ".join(result.quotes).split()


def assert_abstains(result: Answer) -> None:
    assert result.abstained, result.text
    assert result.text == ABSTAIN_MESSAGE


# ------------------------------------------------------------------ signature blocks

DISCLOSURE = (
    "Chúng tôi cam kết các thông tin công bố trên đây là đúng sự thật và hoàn toàn chịu "
    "trách nhiệm trước pháp luật về nội dung các thông tin đã công bố.\n"
    "Nơi nhận:\n"
    "- Như trên;\n"
    "- Lưu: VT.\n"
    "NGƯỜI CÔNG BỐ THÔNG TIN\n"
    "(Đã ký)\n"
    "TRẦN MINH KHOA TRAN MINH KHOA"
)


def test_the_name_under_a_signature_role_answers_who() -> None:
    result = ask("Ai là người công bố thông tin của An Khang?", source(DISCLOSURE))
    assert_quoted(result, "NGƯỜI CÔNG BỐ THÔNG TIN", "TRẦN MINH KHOA")
    typed_plain = ask("ai la nguoi cong bo thong tin cua an khang", source(DISCLOSURE))
    assert_quoted(typed_plain, "TRẦN MINH KHOA")


def test_a_signature_role_without_its_name_is_no_answer() -> None:
    cut = DISCLOSURE.rsplit("\n", 1)[0]  # the chunk ends before the name
    assert_abstains(ask("Ai là người công bố thông tin của An Khang?", source(cut)))


CIRCULAR_END = (
    "Điều 15. Hiệu lực thi hành\n"
    "Thông tư này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2023.\n"
    "Nơi nhận:\n"
    "- Văn phòng Chính phủ;\n"
    "KT. BỘ TRƯỞNG\n"
    "THỨ TRƯỞNG\n"
    "Phạm Thị Hồng Vân"
)


def test_who_signs_for_the_minister_is_the_name_below_the_deputys_title() -> None:
    result = ask("Ai ký Thông tư này thay Bộ trưởng?", source(CIRCULAR_END, MINISTRY))
    assert_quoted(result, "KT. BỘ TRƯỞNG", "Phạm Thị Hồng Vân")


def test_a_name_below_another_persons_name_does_not_sign_for_the_role() -> None:
    passage = "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nNguyễn Văn Bảo\nPhạm Thị Hồng Vân"
    result = ask("Ai ký Thông tư này thay Bộ trưởng?", source(passage, MINISTRY))
    assert "Hồng Vân" not in result.text


def test_a_line_of_two_roles_labels_no_one_name() -> None:
    passage = "Người lập Người duyệt\nKế toán trưởng Tổng Giám đốc\nNguyễn Hùng Trần Bích"
    result = ask("Tổng Giám đốc của Công ty Cổ phần Thực phẩm An Khang là ai?", source(passage))
    assert_abstains(result)


# ------------------------------------------------------------------ management lists

MANAGEMENT = (
    "Ban Điều hành\n"
    "Họ tên | Chức vụ\n"
    "Ông Đỗ Quang Vinh | Chủ tịch\n"
    "Bà Lương Thị Hạnh | Tổng Giám đốc\n"
    "Ông Phan Văn Tú | Phó Tổng Giám đốc"
)


def test_a_management_table_row_names_the_role_asked() -> None:
    table = source(MANAGEMENT, header=("Họ tên", "Chức vụ"))
    result = ask("Tổng Giám đốc của Công ty Cổ phần Thực phẩm An Khang là ai?", table)
    assert_quoted(result, "Lương Thị Hạnh")
    assert "Phan Văn Tú" not in result.text
    # the row's cells are quoted, so the chain does not take it for a figure row
    assert all(" | " not in quote for quote in result.quotes)
    assert not_a_row(result) is result
    deputy = ask("Phó Tổng Giám đốc của An Khang là ai?", table)
    assert_quoted(deputy, "Phan Văn Tú")
    assert "Lương Thị Hạnh" not in deputy.text


def test_a_deputy_does_not_answer_for_the_chief() -> None:
    row = source("Ông Phan Văn Tú | Phó Tổng Giám đốc", header=("Họ tên", "Chức vụ"))
    assert_abstains(ask("Tổng Giám đốc của Công ty Cổ phần Thực phẩm An Khang là ai?", row))


def test_a_scanned_list_names_the_role_on_its_line() -> None:
    scanned = "Ban Điều hành Bà Lương Thị Hạnh Tổng Giám đốc\nÔng Phan Văn Tú Giám đốc Tài chính"
    result = ask("Tổng Giám đốc của Công ty Cổ phần Thực phẩm An Khang là ai?", source(scanned))
    assert_quoted(result, "Lương Thị Hạnh")
    assert "Phan Văn Tú" not in result.text


def test_a_signature_name_above_its_role() -> None:
    passage = "Ngày 28 tháng 7 năm 2025\nLương Thị Hạnh\nTổng Giám đốc"
    result = ask("Tổng Giám đốc của Công ty Cổ phần Thực phẩm An Khang là ai?", source(passage))
    assert_quoted(result, "Lương Thị Hạnh", "Tổng Giám đốc")


# ------------------------------------------------------------------ addresses

ADDRESS = "25 Nguyễn Văn Linh, Phường Tân Thuận, Quận 7, Thành phố Hồ Chí Minh"


@pytest.mark.parametrize(
    ("text", "header"),
    [
        (f"Thông tin về Công ty\nTrụ sở đăng ký | {ADDRESS}", ("Mục", "Nội dung")),
        (f"Thông tin về Công ty\nTrụ sở đăng ký\n{ADDRESS}", None),
        (f"Trụ sớ đăng ký {ADDRESS}", None),  # OCR slipped a mark: "sớ"
    ],
)
def test_the_address_after_its_label_answers_where(
    text: str, header: tuple[str, ...] | None
) -> None:
    result = ask("Trụ sở đăng ký của An Khang ở đâu?", source(text, header=header))
    assert_quoted(result, "25 Nguyễn Văn Linh")
    assert not_a_row(result) is result


def test_an_office_without_an_address_is_no_answer_to_where() -> None:
    passage = "Trụ sở đăng ký của Công ty được cải tạo trong năm 2024.\nVốn điều lệ 500 tỷ đồng."
    assert_abstains(ask("Trụ sở đăng ký của An Khang ở đâu?", source(passage)))


# ------------------------------------------------------------------ list items "X: value"

RULES = (
    "Điều 6. Tiêu chuẩn dữ liệu số hóa\n"
    "1. Tài liệu bản đồ được số hóa\n"
    "a) Định dạng: TIFF;\n"
    "b) Ảnh màu; c) Độ phân giải tối thiểu: 300 dpi;\n"
    "d) Tỷ lệ số hóa: 100%.\n"
    "đ) Hình thức dấu của cơ quan lưu trữ\n"
    "- Vị trí: Góc dưới, bên trái, trang cuối tài liệu;\n"
    "- Hình ảnh: màu đỏ, định dạng PNG.\n"
    "2. Tài liệu ghi âm\n"
    "a) Định dạng: MP3;\n"
    "b) Bit rate tối thiểu: 192 kbps.\n"
    "3. Tài liệu ghi hình\n"
    "a) Định dạng: MP4; b)Bitrate tối thiểu: 2000 kbps.\n"
    "Điều 7. Kiểm tra thiết bị lưu trữ\n"
    "1. Thời gian kiểm tra: Định kỳ hàng quý.\n"
    "2. Nội dung kiểm tra: tình trạng vật lý của thiết bị."
)


def test_a_list_item_splits_from_the_one_before_it_on_its_line() -> None:
    units = passage_units(RULES)
    assert "c) Độ phân giải tối thiểu: 300 dpi;" in units
    assert "b)Bitrate tối thiểu: 2000 kbps." in units
    assert "Điều 6. Tiêu chuẩn dữ liệu số hóa" in units  # the article keeps its title


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        ("Tài liệu bản đồ phải lưu ở định dạng nào?", "TIFF", "MP3"),
        ("Tài liệu ghi âm được lưu theo định dạng nào?", "MP3", "TIFF"),
        ("Dấu của cơ quan lưu trữ được đặt ở vị trí nào?", "Góc dưới, bên trái", "PNG"),
        ("Thiết bị lưu trữ được kiểm tra vào thời gian nào?", "Định kỳ hàng quý", "vật lý"),
    ],
)
def test_a_list_item_labelled_as_asked_answers_under_its_heading(
    question: str, expected: str, not_expected: str
) -> None:
    result = ask(question, source(RULES, MINISTRY))
    assert_quoted(result, expected)
    assert not_expected not in result.text


@pytest.mark.parametrize(
    ("question", "figure", "other"),
    [
        (
            "Tài liệu bản đồ được số hóa phải có độ phân giải tối thiểu bao nhiêu?",
            "300 dpi",
            "100%",
        ),
        # the question joins what the passage splits, and splits what it joins
        ("Tài liệu ghi âm phải có bitrate tối thiểu là bao nhiêu?", "192 kbps", "2000"),
        ("Bit rate tối thiểu của tài liệu ghi hình là bao nhiêu?", "2000 kbps", "192"),
    ],
)
def test_a_quantity_in_a_list_item_is_quoted_with_its_heading(
    question: str, figure: str, other: str
) -> None:
    result = ask(question, source(RULES, MINISTRY))
    assert_quoted(result, figure)
    assert other not in result.text


def test_a_list_number_is_never_the_figure_asked() -> None:
    headings = "Điều 14. Độ phân giải tối thiểu\n1. Tài liệu bản đồ được số hóa\nb) Ảnh màu."
    result = ask(
        "Tài liệu bản đồ được số hóa phải có độ phân giải tối thiểu bao nhiêu?",
        source(headings, MINISTRY),
    )
    assert_abstains(result)
    reason = classify("Độ phân giải tối thiểu là bao nhiêu?")
    assert reason.kind == "quantity"


def test_a_figure_counting_something_else_stays_refused() -> None:
    passage = (
        "1. Đội tàu của Công ty\na) Số thuyền viên: 120 người;\nb) Tổng trọng tải: 95.000 tấn."
    )
    assert_abstains(ask("Đội tàu của Công ty có bao nhiêu con tàu?", source(passage)))
    assert_abstains(
        ask("Mỗi cơ quan phải có bao nhiêu máy chủ lưu trữ dự phòng?", source(RULES, MINISTRY))
    )


# ------------------------------------------------------------------ which company

LETTERHEAD = (
    "Công ty TNHH Kiểm toán Sao Mai Tầng 5, Tòa nhà Bình Minh, 12 Lê Lợi, Quận 1 | saomai.vn\n"
    "BÁO CÁO SOÁT XÉT THÔNG TIN TÀI CHÍNH GIỮA NIÊN ĐỘ\n"
    "Kính gửi các Cổ đông Công ty Cổ phần Thực phẩm An Khang\n"
    "Chúng tôi đã soát xét báo cáo tài chính giữa niên độ đính kèm của Công ty Cổ phần "
    "Thực phẩm An Khang."
)


def test_the_auditors_letterhead_answers_which_company_reviewed() -> None:
    result = ask(
        "Công ty nào soát xét báo cáo tài chính giữa niên độ của An Khang?", source(LETTERHEAD)
    )
    assert_quoted(result, "Công ty TNHH Kiểm toán Sao Mai", "BÁO CÁO SOÁT XÉT")


def test_the_auditors_signature_answers_which_company_reviewed() -> None:
    passage = (
        "Căn cứ trên kết quả soát xét của chúng tôi, báo cáo tài chính giữa niên độ đã phản "
        "ánh trung thực tình hình tài chính của Công ty Cổ phần Thực phẩm An Khang.\n"
        "Công ty TNHH Kiểm toán Sao Mai\n"
        "Báo cáo số: 25-01-123"
    )
    result = ask(
        "Công ty nào soát xét báo cáo tài chính giữa niên độ của An Khang?", source(passage)
    )
    assert_quoted(result, "Công ty TNHH Kiểm toán Sao Mai")


def test_the_company_reviewed_is_not_the_one_that_reviewed() -> None:
    passage = LETTERHEAD.split("\n", 1)[1]  # no letterhead: only the reviewed company is named
    result = ask(
        "Công ty nào soát xét báo cáo tài chính giữa niên độ của An Khang?", source(passage)
    )
    assert_abstains(result)
    assert result.reasons == (Reason.NO_SENTENCE_ANSWERS,)
    assert result.note and "công ty" in result.note


# ------------------------------------------------------------------ the report's title


def test_the_title_is_the_subject_only_for_a_question_naming_it() -> None:
    """A report's title (its company) stands for the subject a question names; a headline
    sharing a question's words does not make any sentence of the story about it."""
    scanned = source("Ban Điều hành Bà Lương Thị Hạnh Tổng Giám đốc")
    named = ask("Tổng Giám đốc của Công ty Cổ phần Thực phẩm An Khang là ai?", scanned)
    assert_quoted(named, "Lương Thị Hạnh")
    story = source(
        "Bác sĩ Chung cho biết ca mổ kéo dài ba giờ.\nChị từng sinh con đầu lòng ở Hải Dương.",
        title="Sản phụ được đưa đi sinh con an toàn sau ca mổ khó",
    )
    assert_abstains(ask("Sản phụ được đưa đến đâu để sinh con?", story))
