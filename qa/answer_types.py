"""What a question asks for, read from its Vietnamese question words, and whether an answer is it.

"Bao nhiêu xe cứu thương?" wants a figure that counts ambulances, "năm nào … thành lập?" a
year next to the founding, "quê ở đâu?" a place next to "quê". A sentence that shares the
question's subject but holds no such thing does not answer, however many words it shares:
quoting it (or letting a model rephrase it) is how a report QA system says something false
with a citation. So both answerers, the extractive one and the model's checks, ask this one
module: :func:`classify` reads the question once, :func:`check` judges a candidate.

Everything is compared folded (no diacritics, lower case), so questions typed without marks
work the same. Where folding merges two words that matter ("mấy"/"máy", "đâu"/"đầu",
"nhận"/"nhân"), a word typed with its marks is compared with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from ingest.chunking import sentence_spans
from ingest.normalize import normalize_tones
from qa.grounding import figure_values, figures, fold, proper_names, strip_citations
from store.lexical import QUESTION_WORDS, fold_diacritics, has_diacritics

KINDS = ("quantity", "date", "person", "place", "thing", "reason", "other")
PERCENT = "%"
MONEY = "tiền"
DURATION = "thời gian"

# Share of the question's focus words the evidence sentence must hold: the subject has to be
# there, not just one of its words. Unweighted, so a little above the extractive answerer's
# IDF-weighted threshold (0.45).
FOCUS_SHARE = 0.5
# How far (in words, same clause) a year, name or place may sit from the question's verb
# ("sinh", "thành lập", "quê") and still be about it.
NEAR = 8
# How many sentences before the evidence count as its context (a list's or table's heading).
CONTEXT = 2

# --------------------------------------------------------------------------- words

# Question phrases by kind, most specific first (a "năm nào" is a date, not a "nào" thing).
_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "date",
        (
            "năm nào", "năm bao nhiêu", "khi nào", "ngày nào", "ngày bao nhiêu", "tháng nào",
            "bao giờ", "thời gian nào", "thời điểm nào", "lúc nào", "mấy giờ", "hồi nào",
            "dịp nào", "giai đoạn nào", "từ bao giờ", "quý nào",
        ),
    ),
    (
        "quantity",
        (
            "bao nhiêu", "mấy", "số lượng", "tỷ lệ", "tỉ lệ", "tổng số", "tổng cộng",
            "tổng giá trị", "tổng kinh phí", "bao lâu",
        ),
    ),
    ("person", ("người nào", "những ai", "ai")),
    (
        "place",
        (
            "ở đâu", "tại đâu", "nơi nào", "chỗ nào", "địa chỉ", "địa điểm nào", "tỉnh nào",
            "thành phố nào", "huyện nào", "xã nào", "nước nào", "quốc gia nào", "vùng nào",
            "khu vực nào", "đường nào", "đâu",
        ),
    ),
    ("reason", ("vì sao", "tại sao", "lý do", "lí do", "nguyên nhân", "vì lý do gì")),
    ("other", ("như thế nào", "thế nào", "ra sao", "làm sao", "bằng cách nào")),
    (
        "thing",
        (
            "là gì", "cái gì", "loại nào", "định dạng nào", "phương thức nào", "hình thức nào",
            "gì", "nào",
        ),
    ),
)
# Verbs and roles a date, place or name must sit next to in the passage, when asked about.
_ANCHORS: dict[str, tuple[str, ...]] = {
    "date": (
        "sinh", "ra đời", "thành lập", "bắt đầu", "kết thúc", "diễn ra", "tổ chức", "ban hành",
        "ký", "khởi công", "hoàn thành", "khánh thành", "qua đời", "mất", "hy sinh",
        "bổ nhiệm", "nhận", "tặng", "trao", "bùng phát", "xảy ra", "khai trương", "thông qua",
        "hiệu lực", "nghỉ hưu", "tốt nghiệp", "áp dụng", "triển khai", "sáp nhập", "sát nhập",
        "giải thể", "ra mắt", "phát hành", "công bố", "bầu cử", "tiếp nhận", "khai mạc",
        "bế mạc", "đưa vào", "hết hạn",
    ),
    "place": (
        "quê", "trụ sở", "địa chỉ", "sinh", "tọa lạc", "đặt", "diễn ra", "tổ chức", "xảy ra",
        "đóng quân", "làm việc", "công tác", "sống", "cư trú", "bùng phát", "xây dựng",
        "khai trương", "thường trú", "tạm trú",
    ),
    "person": (
        "nhận", "trao", "tặng", "ký", "chủ trì", "phụ trách", "lãnh đạo", "chỉ huy",
        "giám đốc", "chủ tịch", "bí thư", "đứng đầu", "phát biểu", "tác giả", "sáng lập",
        "quản lý", "đại diện", "thủ trưởng", "tư lệnh", "chính ủy", "bộ trưởng", "thủ tướng",
        "chỉ đạo", "phó giám đốc", "trưởng phòng", "trưởng ban", "trưởng đoàn", "viết",
        "phát hiện",
    ),
}
# Words that hide an anchor inside another word: "an sinh" is welfare, not a birth.
_NOT_ANCHOR = {
    "sinh": (
        {"an", "hoc", "ve", "phat", "giang", "ky"},
        {"vien", "hoat", "thai", "san", "song", "ke", "ly", "hoc", "loi", "khi", "dong", "vat"},
    ),
}
# Courtesy around a question ("Xin cho biết…", "bạn ơi"), as typed with marks: folded,
# "bạn" would also drop "bán" (sell) and "hỏi" "hơi".
# Verbs that end, going backwards, the noun phrase a "… gì" asks for.
_VERBS = frozenset(
    {
        "lam", "dung", "su", "can", "phai", "tang", "trao", "nhan", "thuoc", "dat", "mua",
        "ban", "xuat", "nghe", "xem", "doc", "an", "uong", "chon", "ky", "gui", "cap",
    }
)
_POLITE = {
    "xin": "xin", "biet": "biết", "vui": "vui", "long": "lòng", "hoi": "hỏi", "oi": "ơi",
    "a": "ạ", "nhe": "nhé", "vay": "vậy", "ban": "bạn",
}
# Nouns that follow "máy" (machine) typed without marks, where "may" is not "mấy".
_MAY_NOUNS = frozenset(
    {
        "bay", "moc", "tinh", "in", "anh", "quay", "chu", "phat", "bom", "lanh", "xuc", "cay",
        "gat", "keo", "dieu", "giat", "loc", "nen", "hut", "khoan", "cat", "say", "xay", "ui",
        "chieu", "thu", "dem", "ban", "tau", "nong",
    }
)
# How store.lexical.QUESTION_WORDS are written with marks: in a question typed with marks,
# "máy" (machine), "đầu" (head), "cờ" (flag), "thể" (tập thể) are words of its subject,
# though they fold to "may", "dau", "co", "the".
_QUESTION_FORMS: dict[str, frozenset[str]] = {
    folded: frozenset(forms.split())
    for folded, forms in {
        "la": "là", "gi": "gì", "nao": "nào", "ai": "ai", "dau": "đâu", "bao": "bao",
        "nhieu": "nhiêu", "may": "mấy", "khi": "khi", "sao": "sao", "vi": "vì", "tai": "tại",
        "the": "thế", "nhu": "như", "khong": "không", "co": "có", "duoc": "được",
        "nhung": "những nhưng", "cac": "các", "cua": "của", "va": "và", "thi": "thì",
        "ma": "mà", "o": "ở", "trong": "trong", "voi": "với", "cho": "cho", "ve": "về",
        "da": "đã", "dang": "đang", "se": "sẽ", "nay": "này nay", "do": "do đó", "kia": "kia",
        "bi": "bị", "de": "để", "tu": "từ", "theo": "theo", "ra": "ra", "vao": "vào",
        "len": "lên", "mot": "một", "gom": "gồm", "boi": "bởi", "hay": "hay", "hoac": "hoặc",
        "nhat": "nhất", "nguoi": "người", "loai": "loại", "dieu": "điều", "viec": "việc",
        "cai": "cái", "nham": "nhằm", "nen": "nên", "sau": "sau", "truoc": "trước",
    }.items()
}
_MAY_BEFORE = frozenset({"nhieu", "cac", "nhung", "chiec", "cai", "mot", "so", "loai", "nha"})
_DAU_BEFORE = frozenset({"o", "tai", "noi", "den", "tu", "di", "ve", "cho", "chon"})
_CLASSIFIERS = frozenset({"chiec", "cai", "con", "tam", "qua", "bo"})
_MAGNITUDES = frozenset({"ty", "ti", "trieu", "nghin", "ngan"})
_CURRENCIES = frozenset({"tien", "dong", "usd", "vnd", "vnđ", "$"})
_MONEY_WORDS = _MAGNITUDES | _CURRENCIES
# What a "bao nhiêu" with no unit asks a sum of money about ("giá" only first: "tham gia")
_MONEY_TOPICS = (
    "giá trị", "kinh phí", "số tiền", "chi phí", "vốn", "doanh thu", "lợi nhuận", "tiền lương",
    "ngân sách", "thu nhập", "giá vé", "giá bán",
)
_NUMBER_WORDS = frozenset(
    {"một", "hai", "ba", "bốn", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mươi"}
)
_TIME_UNITS = frozenset({"nam", "thang", "tuan", "ngay", "gio", "phut", "quy", "ky"})
# Figures after these words are dates, ordinals or names, not counts ("năm 2021", "lần thứ 4").
# a number after these names a thing (a version, a page, an article), it counts nothing:
# "phiên bản 1.4", "trang 12", "Điều 5"
_NOT_COUNT_BEFORE = frozenset(
    {"nam", "ngay", "thang", "khoa", "thu", "quy", "gio", "luc", "so", "ban", "trang", "dieu"}
    | {"khoan", "muc", "chuong"}
)
# What may open a clause before its date: "Năm 2021, …", "Trong tháng 3, …".
_DATE_LEAD = frozenset(
    {"nam", "ngay", "thang", "trong", "vao", "tu", "den", "cuoi", "dau", "giua", "tai", "luc"}
)
_TIME_WORDS = (
    "hang nam", "hang thang", "hang quy", "hang tuan", "hang ngay", "moi nam", "moi thang",
    "moi tuan", "dinh ky", "thuong nien", "dau nam", "cuoi nam", "giua nam", "nam nay",
    "nam ngoai", "nam truoc", "nam sau", "thang truoc", "thang nay", "tuan truoc", "hom qua",
    "hom nay", "ngay mai",
)
_DATE_PATTERNS = (
    re.compile(r"(?<![\d.,/])\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?(?![\d/]|[.,]\d)"),
    re.compile(r"(?<![\d.,])\d{1,2}\.\d{1,2}\.\d{4}(?!\d)"),
    re.compile(r"\bngay \d{1,2}(?: thang \d{1,2})?(?: nam \d{4})?(?!\d|[.,/]\d)"),
    re.compile(r"\bthang \d{1,2}(?:(?: nam |/)\d{4})?(?!\d|[.,/]\d)"),
    re.compile(r"\bquy (?:iv|i{1,3}|[1-4])\b"),
    re.compile(r"(?<![\d.,])(?:19\d{2}|20\d{2}|2100)(?![\d]|[.,]\d)"),
    re.compile(r"(?<![\d.,])\d{1,2} ?(?:gio|h)(?: ?\d{1,2})?\b"),
    re.compile(r"\b(?:" + "|".join(_TIME_WORDS) + r")\b"),
)
_ADDRESS = re.compile(
    r"(?:\bso (?:nha )?)?(?<![\d.,])\d+[a-z]?(?:/\d+)* (?:duong|pho|ngo|hem|kiet|ap|khu pho)\b"
)
# A capitalized title answers "ai" as well as a name does ("Chủ tịch nước tặng …").
_TITLES = (
    "chu tich", "thu tuong", "bo truong", "giam doc", "bi thu", "tong bi thu", "tu lenh",
    "chanh an", "vien truong", "tong thong", "thu truong",
)
# Roles a management list or signature block gives a name (folded): a line holding two of
# them labels two names, and one between a role and a name belongs to someone else.
_ROLES = frozenset(
    {
        *_TITLES, "tong giam doc", "pho giam doc", "pho tong giam doc", "ke toan truong",
        "truong phong", "truong ban", "truong doan", "chinh uy", "tong thu ky",
        "nguoi lap", "nguoi duyet", "nguoi soat xet", "kiem toan vien", "pho chu tich",
        "uy vien",
    }
)
# What people do, among the person anchors (the rest are roles).
_PERSON_VERBS = frozenset(
    fold_diacritics(a) for a in _ANCHORS["person"] if fold_diacritics(a) not in _ROLES
) - {"thu truong", "chinh uy", "truong phong", "truong ban", "truong doan", "tac gia"}
# "KT. BỘ TRƯỞNG" (ký thay), "TM." (thay mặt), "TL." (thừa lệnh), "TUQ.": someone signs for
# the role on the line below.
_SIGN_FOR = frozenset({"kt", "tm", "tl", "tuq"})
_SIGN_FOR_WORDS = {"kt": "ký thay", "tm": "thay mặt", "tl": "thừa lệnh", "tuq": "thừa ủy quyền"}
_HONORIFICS = frozenset({"ông", "bà"})
# A person's name opens with a family name (with marks: "Trương" is one, "trưởng" a role).
_SURNAMES = frozenset(
    (
        "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
        "hồ", "ngô", "dương", "lý", "đào", "đoàn", "đinh", "lâm", "trịnh", "mai", "tô", "trương",
        "hà", "cao", "lương", "phùng", "châu", "tạ", "thái", "lưu", "quách", "kiều", "hứa", "khúc",
        "la", "chu", "kim", "lại", "tăng", "tiêu", "vương", "giang", "tôn", "đàm", "thạch", "âu",
        "mạc", "lục", "nghiêm", "triệu", "doãn", "khổng", "quan", "tống", "phí", "từ", "ninh",
        "thân", "hàn", "bạch", "viên", "diệp", "lã", "lò", "mẫn", "ông",
    )
)
_FOLDED_SURNAMES = frozenset(fold_diacritics(w) for w in _SURNAMES)
# Words that end a name's run of capitals: "Bà Trần Thị Bình Tổng Giám đốc".
_NOT_IN_NAMES = frozenset(
    (
        "tổng", "giám", "đốc", "chủ", "tịch", "kế", "toán", "trưởng", "thứ", "bộ", "phó", "thủ",
        "ban", "hội", "đồng", "công", "ty", "người", "phòng", "sở", "ủy", "uỷ", "cục", "viện",
        "quận", "huyện", "phường", "tỉnh", "đường",
    )
)
# Words before a capitalized run that make it a place named after someone.
_PLACE_NOUNS = frozenset(
    (
        "đường", "phố", "phường", "quận", "huyện", "xã", "tỉnh", "tp", "ngõ", "hẻm", "cầu",
        "trường", "chợ", "số",
    )
)
SIGNATURE_GAP = 6  # lines from a signature's role down to its name (stamp, scrawl, recipients)
_ROLE_PREFIXES = frozenset({"tong", "pho", "quyen"})
# Bodies whose name a "… nào" question asks for.
_BODIES = frozenset(
    {
        "cong ty", "tong cong ty", "ngan hang", "co quan", "to chuc", "don vi", "tap doan",
        "doanh nghiep", "benh vien", "hang", "cong ty kiem toan", "to chuc kiem toan",
    }
)
_LABEL_GAP = frozenset({"|", ":", "la", "co", "gom", "dat"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%|\$|[|:;,.!?()\"“”\n]")
_BREAK = frozenset(",.!?()\"“”:;\n")


# --------------------------------------------------------------------------- structure
# A list item's number is no figure: "1. Tài liệu …", "c) Độ phân giải …", "Điều 14.",
# "Chương II". OCR writes the item's dot as "," or ":" ("2, Số lưu trữ", "2: Tài liệu ảnh").
_REFERENCE = re.compile(
    r"\b(?i:điều|khoản|mục|chương|phụ lục|bước)\s+(?:\d{1,3}|[IVXLC]{1,6})(?![\d.,]\d)\b"
)
_INLINE_ITEM = re.compile(r"(?<=[;:])\s*[;:]?\s*[a-zđ] ?\)")
_LEAD_NOISE = re.compile(r"[\s\-–—•+*_.,:;'\"`¬~^|]*")
_NUMBERED = re.compile(r"\d{1,3}(?:\.\d{1,2})*\s*[.)](?=\s|[^\W\d_])|\d{1,2}\s*[,:](?=\s*[^\W\d_])")
_LETTERED = re.compile(r"[a-zđ] ?\)")
_ROMAN_ITEM = re.compile(r"[IVXLC]{1,6}\s*[.)](?=\s|[^\W\d_])")
_SECTION = re.compile(r"(?i:chương|phần|mục|phụ lục)\s+(?:\d{1,3}|[IVXLC]{1,6})\b")
_ARTICLE = re.compile(r"(?i:điều)\s+\d{1,3}\s*[.,:]?")
_BULLET = re.compile(r"[\-–—•+*]")
# Levels of a Vietnamese legal or report outline, outermost first.
CHAPTER, ROMAN, ARTICLE, NUMBER, LETTER, BULLET = range(6)


def item_marker(sentence: str) -> tuple[int, int] | None:
    """The level (:func:`list_level`) and end offset of the list marker opening
    ``sentence``, if any."""
    start = _LEAD_NOISE.match(sentence).end()  # type: ignore[union-attr]
    head = sentence[start:]
    for level, pattern in (
        (CHAPTER, _SECTION),
        (ARTICLE, _ARTICLE),
        (ROMAN, _ROMAN_ITEM),
        (NUMBER, _NUMBERED),
        (LETTER, _LETTERED),
    ):
        match = pattern.match(head)
        if match:
            if pattern is _NUMBERED and match.group(0)[-1] in ",:":
                rest = head[match.end() :].lstrip()
                if not rest[:1].isupper():  # "3, 5 và 7 đơn vị" counts; "2, Số lưu trữ" numbers
                    continue
            return level, start + match.end()
    if start and _BULLET.search(sentence[:start]):
        return BULLET, start
    return None


def list_level(sentence: str) -> int | None:
    """How deep in an outline ``sentence`` sits, by the marker opening it: :data:`CHAPTER`
    ("Chương II"), :data:`ROMAN` ("V."), :data:`ARTICLE` ("Điều 9."), :data:`NUMBER` ("1.",
    "2:"), :data:`LETTER` ("c)"), :data:`BULLET` ("-"); ``None`` without one."""
    found = item_marker(sentence)
    return found[0] if found else None


def _marker_spans(sentence: str) -> list[tuple[int, int]]:
    """Where ``sentence`` numbers its items or cites an article: never a figure asked for."""
    spans = [m.span() for m in _REFERENCE.finditer(sentence)]
    spans += [m.span() for m in _INLINE_ITEM.finditer(sentence)]
    found = item_marker(sentence)
    if found:
        spans.append((0, found[1]))
    return spans


# Where a sentence holds a second list item: "a) Định dạng: MP3; b) Bit rate tối thiểu: …".
_NEXT_ITEM = re.compile(r"[;:]\s*(?:[;:]\s*)?(?=[a-zđ] ?\)\s*\S)")
# A "sentence" the splitter cut after an abbreviation or a number that opens a line:
# "KT. | BỘ TRƯỞNG", "Điều 6. | Tiêu chuẩn …"
_STUB = re.compile(
    r"(?:KT|TM|TL|TUQ)\.|(?i:điều|chương|mục|phần|phụ lục)\s+(?:\d{1,3}|[IVXLC]{1,6})\s*[.,:]?"
)


def units(text: str) -> list[str]:
    """``text`` as sentences, a sentence holding several list items cut before each, and a
    "KT." or "Điều 6." the splitter cut off joined to the words after it on its line:
    verbatim pieces of ``text``."""
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        at = start
        for match in _NEXT_ITEM.finditer(text, start, end):
            spans.append((at, match.end()))
            at = match.end()
        spans.append((at, end))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if not text[start:end].strip():
            continue
        if (
            merged
            and "\n" not in text[merged[-1][1] : start]
            and _STUB.fullmatch(text[merged[-1][0] : merged[-1][1]].strip())
        ):
            merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    return [text[a:b].strip() for a, b in merged if text[a:b].strip()]


def compounds(words: Sequence[str]) -> set[str]:
    """Neighbouring syllables written as one word: "Bit rate" is also "bitrate", "e mail"
    "email" (folded words in, joined words out)."""
    return {
        a + b
        for a, b in pairwise(words)
        if a.isalpha() and b.isalpha() and len(a) + len(b) >= 5
    }


def held(wanted: Sequence[str], present: set[str]) -> set[str]:
    """The words of ``wanted`` (folded, in question order) that ``present`` holds, a word
    written split or joined counting ("bitrate" held by "bit rate", "bit rate" by "bitrate";
    ``present`` should include :func:`compounds` of the passage)."""
    got = {w for w in wanted if w in present}
    for a, b in pairwise(wanted):
        if a.isalpha() and b.isalpha() and a + b in present:
            got |= {a, b}
    return got


def _surface(word: str) -> str:
    """A word as typed, in one form: NFC, one tone convention, lower case."""
    return normalize_tones(unicodedata.normalize("NFC", word)).lower()


def _same(typed: str, word: str) -> bool:
    """``typed`` (a word of a question or an answer) is ``word``: compared with its marks
    when it was typed with marks, folded otherwise; figures by value ("03" is "3")."""
    if typed[:1].isdigit() and word[:1].isdigit():
        return typed == word or bool(figure_values(typed) & figure_values(word))
    if has_diacritics(typed):
        return typed == word
    return typed == fold_diacritics(word)


@dataclass(frozen=True)
class _Token:
    surface: str
    folded: str
    sentence: int
    clause: int
    marker: bool = False  # a list item's number or an article cited ("1.", "c)", "Điều 14")

    @property
    def is_number(self) -> bool:
        return self.folded[0].isdigit()


class _Text:
    """A passage as tokens (words, figures, "%", "|", ":"), with sentence and clause numbers.

    ``context`` is what surrounds the passage (the headings above it, the report's title):
    its words count as the evidence's subject, but no answer is looked for in it.
    """

    def __init__(self, text: str, context: str = "") -> None:
        self.tokens: list[_Token] = []
        self.sentences = units(text) or [text]
        clause = 0
        for number, sentence in enumerate(self.sentences):
            clause += 1
            spans = _marker_spans(sentence)
            for match in _TOKEN.finditer(sentence):
                piece = match.group(0)
                if piece in (";", "\n"):
                    clause += 1
                    continue
                if piece in _BREAK and piece != ":":
                    continue
                surface = _surface(piece)
                marker = any(a <= match.start() < b for a, b in spans)
                self.tokens.append(
                    _Token(surface, fold_diacritics(surface), number, clause, marker)
                )
        self.sentence_words: dict[int, set[str]] = {}
        self.by_sentence: dict[int, list[int]] = {}
        for i, token in enumerate(self.tokens):
            self.sentence_words.setdefault(token.sentence, set()).add(token.folded)
            self.by_sentence.setdefault(token.sentence, []).append(i)
        for number, indexes in self.by_sentence.items():
            self.sentence_words[number] |= compounds([self.tokens[i].folded for i in indexes])
        extra = [t for t in _tokens(context) if t != "#"]
        folded_extra = [fold_diacritics(w) for w in extra]
        self.extra: set[str] = set(folded_extra) | compounds(folded_extra)

    def context(self, sentence: int) -> set[str]:
        """The words of a sentence and of the :data:`CONTEXT` sentences before it, and of
        what surrounds the passage.

        A list item or a table row carries its subject in the line that introduces it
        ("Điều 9. Kiểm tra cơ sở dữ liệu" / "1. Thời gian kiểm tra: Định kỳ hàng năm.").
        """
        words: set[str] = set(self.extra)
        for number in range(sentence - CONTEXT, sentence + 1):
            words |= self.sentence_words.get(number, set())
        return words

    def find(self, words: Sequence[str]) -> Iterable[tuple[int, int]]:
        """Where these words occur in a row, as (first, last) token indexes.

        Typed with marks they must match with marks; figures match by value.
        """
        n = len(words)
        for start in range(len(self.tokens) - n + 1):
            same = all(_same(w, self.tokens[start + k].surface) for k, w in enumerate(words))
            if same and self.tokens[start + n - 1].sentence == self.tokens[start].sentence:
                yield start, start + n - 1

    def find_anchor(self, anchor: str) -> Iterable[tuple[int, int]]:
        """Where an anchor occurs; one of two syllables or more is compared folded, since
        OCR slips a mark ("Trụ sớ", "CÔNG BÓ") and folding merges no two roles or verbs."""
        parts = anchor.split()
        if len(parts) > 1:
            parts = fold_diacritics(anchor).split()
        for a, b in self.find(parts):
            if self._real_anchor(anchor, a, b):
                yield a, b

    def anchored(self, first: int, last: int, anchors: Sequence[str], *, lead: bool) -> bool:
        """An anchor sits within :data:`NEAR` words of tokens ``first..last``, in the same
        clause (a sentence up to ";"); with ``lead``, anywhere in that clause when the
        mention opens it ("Năm 2021, Công an … được tặng …")."""
        here = self.tokens[first]
        opens_clause = lead and all(
            t.folded in _DATE_LEAD
            for t in self.tokens[:first]
            if t.clause == here.clause
        )
        for anchor in anchors:
            for a, b in self.find_anchor(anchor):
                if self.tokens[a].clause != here.clause:
                    continue
                if opens_clause or max(0, a - last, first - b) <= NEAR:
                    return True
        return False

    def _real_anchor(self, anchor: str, a: int, b: int) -> bool:
        prev = self.tokens[a - 1].folded if a > 0 else ""
        folded = fold_diacritics(anchor)
        # "Phó Tổng Giám đốc" is not the "Tổng Giám đốc" asked about
        if prev == "pho" and folded in _ROLES and not folded.startswith("pho "):
            return False
        guard = _NOT_ANCHOR.get(folded)
        if guard is None:
            return True
        before, after = guard
        nxt = self.tokens[b + 1].folded if b + 1 < len(self.tokens) else ""
        return prev not in before and nxt not in after

    # a name or place on the line next to its role or label ------------------------------

    def _words_of(self, sentence: int) -> list[int]:
        return [i for i in self.by_sentence.get(sentence, []) if self.tokens[i].folded not in ":|"]

    def _roles_in(self, sentence: int, skip: range) -> bool:
        """Sentence ``sentence`` names a role outside tokens ``skip``."""
        words = [self.tokens[i].folded for i in self._words_of(sentence) if i not in skip]
        text = f" {' '.join(words)} "
        return any(f" {role} " in text for role in _ROLES)

    def _label_line(self, sentence: int, a: int, b: int, *, person: bool) -> bool:
        """The anchor's line is a label: the anchor ends it, or it holds few other words; a
        role's line names no other role ("Kế toán trưởng  Tổng Giám đốc" labels two names)."""
        words = self._words_of(sentence)
        others = [i for i in words if not a <= i <= b and self.tokens[i].folded not in _SIGN_FOR]
        after = [i for i in others if i > b]
        if after and len(others) > 4:
            return False
        return not (person and self._roles_in(sentence, range(a, b + 1)))

    def _only(self, sentence: int, first: int, last: int) -> bool:
        """The line holds nothing but the mention (with "Ông"/"Bà", OCR specks, or the
        name again without marks: "LÊ VĂN AN LE VAN AN")."""
        name = {self.tokens[i].folded for i in range(first, last + 1)}
        for i in self._words_of(sentence):
            token = self.tokens[i]
            if first <= i <= last or token.surface in _HONORIFICS or token.folded in name:
                continue
            if len(token.folded) == 1 and not token.is_number:
                continue
            return False
        return True

    def _opens(self, sentence: int, first: int) -> bool:
        before = [i for i in self._words_of(sentence) if i < first]
        return all(self.tokens[i].surface in _HONORIFICS or self.tokens[i].marker for i in before)

    def _clear_between(self, start: int, end: int, *, sign_for: bool) -> bool:
        """Nothing between a role's line and a signer's name belongs to someone else: no
        other name, and no other role unless the role line signs for one ("KT. BỘ TRƯỞNG"
        over "THỨ TRƯỞNG")."""
        for number in range(start + 1, end):
            if _person_names(self.sentences[number]):
                return False
            if self._roles_in(number, range(0)) and not sign_for:
                return False
        return True

    def linked(
        self, first: int, last: int, anchors: Sequence[str], *, person: bool, name: bool
    ) -> int | None:
        """The sentence of an anchor whose line labels the mention at ``first..last`` on a
        neighbouring line, or ``None``.

        A management list or signature block writes the role and the name on lines of their
        own: "Tổng Giám đốc" over "Nguyễn Văn An", "Bà Trần Thị Bình" over "Kế toán trưởng",
        "KT. BỘ TRƯỞNG / THỨ TRƯỞNG / (signature) / Lê Văn Cường"; an address sits on the line
        after its label. ``name``: the mention is a person's name (only a name may sit below
        a signature's stamp and scrawl, :data:`SIGNATURE_GAP` lines down).
        """
        here = self.tokens[first].sentence
        only = self._only(here, first, last)
        for anchor in anchors:
            for a, b in self.find_anchor(anchor):
                there = self.tokens[a].sentence
                if there == here or not self._label_line(there, a, b, person=person):
                    continue
                gap = here - there
                if gap == 1 and (not person or only or (name and self._opens(here, first))):
                    return there
                if gap == -1 and person and name and only and self._opens(there, a):
                    return there
                sign_for = self.tokens[self._words_of(there)[0]].folded in _SIGN_FOR
                if (
                    person
                    and name
                    and only
                    and 1 < gap <= SIGNATURE_GAP
                    and self._clear_between(there, here, sign_for=sign_for)
                ):
                    return there
        return None


def _tokens(text: str) -> list[str]:
    """The words, figures and "%" of ``text`` in one form (see :func:`_surface`); a "#"
    stands for punctuation, which ends a unit ("bao nhiêu cán bộ, chiến sĩ")."""
    words = []
    for match in _TOKEN.finditer(strip_citations(text)):
        piece = match.group(0)
        words.append("#" if piece in _BREAK or piece == "|" else _surface(piece))
    return words


# --------------------------------------------------------------------------- classify


@dataclass(frozen=True)
class AnswerType:
    """What an answer to one question must contain.

    Attributes:
        kind: one of :data:`KINDS`.
        focus: the question's content syllables, folded, without its question words: what
            the answer's sentence must be about.
        unit: for a quantity, what is counted as typed ("xe cứu thương"), or :data:`PERCENT`,
            :data:`MONEY`, :data:`DURATION`; ``None`` when any figure may answer.
        anchors: for a date, place or person, the verbs or roles it must sit next to in the
            passage ("thành lập", "quê", "giám đốc"); for a thing, the word pairs of the
            noun phrase it must be, one of which its sentence holds ("huân chương" in
            "huân chương gì"); as typed.
        entity: for "công ty nào", "ngân hàng nào": the body whose name is asked.
        named_subject: the name the question gives its subject ("… của Vinamilk?"),
            folded: the body asked is another one.
    """

    kind: str
    focus: tuple[str, ...] = ()
    unit: str | None = None
    anchors: tuple[str, ...] = ()
    # for "công ty nào", "cơ quan nào": the kind of body asked for, as typed; its name must
    # be in the answer ("Công ty TNHH Kiểm toán An Phú"), and when the question names its
    # own subject ("… của Vinamilk?"), not that one nor the report's own (its title)
    entity: str | None = None
    named_subject: tuple[str, ...] = ()


def _match_at(words: list[str], i: int, phrase: str) -> bool:
    parts = phrase.split()
    if i + len(parts) > len(words):
        return False
    if not all(_same(words[i + k], w) for k, w in enumerate(parts)):
        return False
    if phrase == "mấy" and words[i] == "may":  # typed without marks: "máy" or "mấy"?
        before = fold_diacritics(words[i - 1]) if i > 0 else ""
        after = fold_diacritics(words[i + 1]) if i + 1 < len(words) else ""
        return not (after in _MAY_NOUNS or before in _MAY_BEFORE or before[:1].isdigit())
    if phrase == "đâu" and words[i] == "dau":  # "đầu" (head, first) folds the same way
        before = fold_diacritics(words[i - 1]) if i > 0 else ""
        return before in _DAU_BEFORE or i + 1 == len(words) or words[i + 1] == "#"
    return True


def _find_phrase(words: list[str]) -> tuple[str, str, int] | None:
    """The first kind whose question phrase occurs: (kind, phrase, index)."""
    for kind, phrases in _PHRASES:
        for phrase in phrases:
            for i in range(len(words)):
                if _match_at(words, i, phrase):
                    return kind, phrase, i
    return None


def _question_words(words: list[str]) -> list[bool]:
    """Which of ``words`` only shape the question (store.lexical.QUESTION_WORDS).

    Typed with marks, a word is one only in its question-word spelling ("mấy", not "máy");
    typed without, "may" is "mấy" unless a noun follows ("may bay" is "máy bay").
    """
    accented = any(has_diacritics(w) for w in words)
    flags = []
    for i, word in enumerate(words):
        folded = fold_diacritics(word)
        if word in ("#", "%"):
            flags.append(True)
        elif folded in _POLITE:
            flags.append(word == _POLITE[folded] if accented else True)
        elif folded not in QUESTION_WORDS:
            flags.append(False)
        elif accented and folded in _QUESTION_FORMS:
            flags.append(word in _QUESTION_FORMS[folded])
        elif folded == "may":
            flags.append(_match_at(words, i, "mấy"))
        elif folded == "the":  # "như thế", "thế nào" shape; "tập the" (tập thể) is a subject
            before = fold_diacritics(words[i - 1]) if i > 0 else ""
            after = fold_diacritics(words[i + 1]) if i + 1 < len(words) else ""
            flags.append(before in ("nhu", "vi", "") or after in ("nao", "la"))
        else:
            flags.append(True)
    return flags


def _content(words: list[str], skip: set[int], flags: list[bool]) -> list[int]:
    return [i for i in range(len(words)) if i not in skip and not flags[i]]


def _unit_after(words: list[str], start: int, flags: list[bool]) -> list[str]:
    """Up to three syllables from ``start`` that name what is counted."""
    if (
        start + 1 < len(words)
        and fold_diacritics(words[start]) in _CLASSIFIERS
        and not flags[start + 1]
    ):
        start += 1  # "bao nhiêu chiếc xe": the passage may write "5 xe"
    unit: list[str] = []
    for i in range(start, min(start + 3, len(words))):
        if flags[i] or words[i][0].isdigit():
            break
        unit.append(words[i])
    return unit


def _quantity_unit(words: list[str], phrase: str, end: int, flags: list[bool]) -> str | None:
    folded = [fold_diacritics(w) for w in words]
    text = " " + " ".join(folded) + " "
    if phrase == "bao lâu":
        return DURATION
    after = words[end : end + 2]
    if after[:1] == ["%"] or [fold_diacritics(w) for w in after] == ["phan", "tram"]:
        return PERCENT
    unit = _unit_after(words, end, flags) if phrase in ("bao nhiêu", "mấy") else []
    if not unit:  # "Số lượng xe cứu thương là bao nhiêu?", "Số cán bộ … là bao nhiêu?"
        for i, w in enumerate(folded):
            if w == "so" and (words[i] == "số" or not has_diacritics(words[i])):
                if i > 0 and folded[i - 1] in ("tru", "co", "ty", "ky"):  # trụ sở, cơ sở, ký số
                    continue
                if folded[i + 1 : i + 2] == ["hoa"]:  # "số hóa" digitizes, counts nothing
                    continue
                start = i + 2 if folded[i + 1 : i + 2] == ["luong"] else i + 1
                unit = _unit_after(words, start, flags)
                if unit:
                    break
    if unit and fold_diacritics(unit[0]) in _MAGNITUDES and len(unit) > 1:
        unit = unit[1:]  # "bao nhiêu triệu hộp sữa" counts boxes, in millions
    if unit and fold_diacritics(unit[0]) in _MONEY_WORDS:
        return MONEY
    if unit:
        return " ".join(unit)
    if " ty le " in text or " ti le " in text or " phan tram " in text:
        return PERCENT
    if any(_match_at(words, i, t) for t in _MONEY_TOPICS for i in range(len(words))):
        return MONEY
    if words and _match_at(words, 0, "giá"):
        return MONEY
    return None


def _head(words: list[str], phrase_at: int, content: list[int]) -> tuple[str, ...]:
    """What a "… gì" question asks for: the noun phrase between its verb and "gì", as word
    pairs ("tặng huân chương gì" → "huân chương"; "định dạng file gì" → "định dạng",
    "dạng file"), one of which the answer's sentence must hold: a sentence about a medal
    does not say what certificate was given.

    Only for "gì" and a phrase of two syllables or more: "triều đại nào" is answered by
    "nhà Nguyễn", which picks one without naming the kind, and "nghề gì", "màu gì" are
    answered the same way.
    """
    if not _match_at(words, phrase_at, "gì"):
        return ()
    run: list[str] = []
    for i in range(phrase_at - 1, max(phrase_at - 4, -1), -1):
        if i not in content or words[i][0].isdigit() or _ends_noun_phrase(words, i):
            break
        run.insert(0, words[i])
    return tuple(f"{a} {b}" for a, b in pairwise(run))


def _ends_noun_phrase(words: list[str], i: int) -> bool:
    """Word ``i`` is a verb or preposition before the asked noun ("tặng | huân chương gì")."""
    folded = fold_diacritics(words[i])
    if folded == "bang":  # "bằng khen" is a noun, "bằng định dạng" a preposition
        after = fold_diacritics(words[i + 1]) if i + 1 < len(words) else ""
        return after not in {"khen", "cap", "lai", "chung", "sang"}
    return folded in _VERBS


def _with_prefix(words: list[str], anchor: str) -> str:
    """A role with the words that make it another one: "Tổng Giám đốc" is not "Giám đốc"."""
    size = len(anchor.split())
    for i in range(len(words) - size + 1):
        if " ".join(words[i : i + size]) != anchor:
            continue
        start = i
        while start > 0 and _is_role_prefix(words[start - 1]):
            start -= 1
        if start < i:
            return " ".join(words[start : i + size])
    return anchor


def _is_role_prefix(word: str) -> bool:
    if has_diacritics(word):
        return word in ("tổng", "phó", "quyền")
    return word in _ROLE_PREFIXES


def _role_phrase(words: list[str], phrase_at: int, content: list[int]) -> str | None:
    """The role of "Ai là người công bố thông tin của X?" / "Người đại diện của X là ai?":
    its content words between "là" and "của" (or from the start up to "của"/"là")."""
    folded = [fold_diacritics(w) for w in words]
    if phrase_at == 0 and folded[1:2] == ["la"]:
        span = range(2, len(words))
    elif phrase_at > 0 and folded[phrase_at - 1] == "la":
        span = range(0, phrase_at - 1)
    else:
        return None
    role: list[str] = []
    for i in span:
        if folded[i] in ("cua", "#", "tai", "o") and role:
            break
        if i in content:
            role.append(words[i])
    return " ".join(role[:5]) if role else None


def _entity(words: list[str], phrase: str, at: int) -> str | None:
    """The body a "… nào" question asks to name ("công ty nào" → "công ty")."""
    if phrase != "nào":
        return None
    for size in (3, 2, 1):
        if at - size < 0:
            continue
        noun = " ".join(fold_diacritics(w) for w in words[at - size : at])
        if noun in _BODIES:
            return " ".join(words[at - size : at])
    return None


def _named_subject(question: str) -> tuple[str, ...]:
    """The name the question gives whose the thing asked is ("… của Vinamilk", "… của công
    ty Sao Mai"), folded, or nothing; typed without capitals, the words after "của"."""
    text = strip_citations(question)
    generic = _LEGAL_FORMS | {"cong", "ty"}
    words = re.findall(r"[^\W\d_]+", text)
    found: list[str] = []
    for i, word in enumerate(words):
        if fold_diacritics(word) != "cua" or word not in ("của", "cua"):
            continue
        after = words[i + 1 : i + 11]
        if text == text.lower():
            found += [fold_diacritics(w) for w in after]
            continue
        capital = next((k for k, w in enumerate(after[:3]) if w[0].isupper()), None)
        if capital is None:
            continue
        for w in after[capital:]:
            folded = fold_diacritics(w)
            if not (w[0].isupper() or folded in generic):
                break
            found.append(folded)
    return tuple(w for w in dict.fromkeys(found) if w not in generic)


def _anchors(kind: str, words: list[str], phrase_at: int, content: list[int]) -> tuple[str, ...]:
    """The verbs or roles of the question that its answer must sit next to."""
    known: list[str] = []
    for anchor in _ANCHORS.get(kind, ()):
        size = len(anchor.split())
        for i in range(len(words)):
            if _match_at(words, i, anchor):
                known.append(" ".join(words[i : i + size]))  # as typed: marks or none
    # "phó giám đốc" holds "giám đốc", "hy sinh" holds "sinh": keep the longest
    known = [a for a in known if not any(a != b and f" {a} " in f" {b} " for b in known)]
    if known:
        if kind == "person":
            known = [_with_prefix(words, a) for a in known]
        return tuple(dict.fromkeys(known))
    if kind == "person":
        role = _role_phrase(words, phrase_at, content)
        if role:
            return (role,)
    if kind == "thing":
        return _head(words, phrase_at, content)
    if kind not in _ANCHORS:
        return ()
    before = [i for i in content if i < phrase_at]
    pick = before[-1] if before else (content[-1] if content else None)
    if pick is None or words[pick][0].isdigit():
        return ()
    return (words[pick],)


def classify(question: str) -> AnswerType:
    """Read what ``question`` asks for from its question words, with or without diacritics."""
    words = _tokens(question)
    found = _find_phrase(words)
    if found is None:
        kind, phrase, at, skip = "other", "", len(words), set()
    else:
        kind, phrase, at = found
        skip = set(range(at, at + len(phrase.split())))
    flags = _question_words(words)
    content = _content(words, skip, flags)
    focus = tuple(dict.fromkeys(fold_diacritics(words[i]) for i in content))
    end = at + len(phrase.split())
    unit = _quantity_unit(words, phrase, end, flags) if kind == "quantity" else None
    anchors = _anchors(kind, words, at, content)
    entity = _entity(words, phrase, at) if kind == "thing" else None
    subject = _named_subject(question) if entity else ()
    return AnswerType(kind, focus, unit, anchors, entity, subject)


# --------------------------------------------------------------------------- check


def _covers(kind: AnswerType, words: set[str], given: Iterable[str] = ()) -> bool:
    """The evidence holds enough of the question's focus (``given`` counts as held)."""
    if not kind.focus:
        return True
    got = held(kind.focus, words | set(given))
    return len(got) / len(kind.focus) >= FOCUS_SHARE


def _about(kind: AnswerType) -> str:
    return " ".join(kind.focus[:8])


def _not_about(kind: AnswerType) -> str:
    return f"câu không nói về '{_about(kind)}' (the sentence is not about '{_about(kind)}')"


def _unit_follows(doc: _Text, i: int, unit: str) -> bool:
    """Figure token ``i`` counts ``unit``: the unit follows within three words, or precedes it
    as a label ("Xe cứu thương: 5", a table row "Xe cứu thương | 5 | 7")."""
    tokens = doc.tokens
    here = tokens[i]
    after = [t for t in tokens[i + 1 : i + 6] if t.clause == here.clause]
    folded_after = [t.folded for t in after]
    if unit == PERCENT:
        return folded_after[:1] == ["%"] or folded_after[:2] == ["phan", "tram"]
    if unit == MONEY:
        if folded_after[:1] and folded_after[0] in _MONEY_WORDS:  # not "40 hợp đồng"
            return True
        # a statement's figures carry no currency: its header says "Đơn vị tính: VND", and
        # the header is often not in the chunk; a row's label is checked as the focus
        if any(t.folded == "|" for t in tokens if t.sentence == here.sentence):
            return True
        return not after and any(t.folded in _CURRENCIES for t in tokens)
    if unit == DURATION:
        return any(w in _TIME_UNITS for w in folded_after[:2])
    parts = [fold_diacritics(w) for w in unit.split()]
    for offset in range(min(3, len(folded_after))):
        run = folded_after[offset : offset + len(parts)]
        if run == parts:
            return True
        # "bao nhiêu cán bộ tham gia" against "1.700 cán bộ, chiến sĩ tham gia": the noun,
        # then the question's next words shortly after it ("12 xe cứu hỏa" is no "xe cứu thương")
        head = min(len(parts), 2)
        rest = folded_after[offset + head : offset + head + 4]
        if run[:head] == parts[:head] and all(p in rest for p in parts[head:]):
            return True
    for a, b in doc.find(parts):  # a label before the figure, in the same row or clause
        between = tokens[b + 1 : i]
        if (
            b < i
            and tokens[a].clause == here.clause
            and len(between) <= 6
            and all(t.is_number or t.folded in _LABEL_GAP for t in between)
        ):
            return True
    return False


def _check_quantity(kind: AnswerType, text: str, doc: _Text) -> str | None:
    asked = {v for w in kind.focus if w[0].isdigit() for v in figure_values(w)}
    wanted: set[str] = set()
    for figure in figures(text):
        values = figure_values(figure)
        if values and not values & asked:
            wanted |= values
    # "hai bộ", "ba năm": written out, a number is one only with the unit asked right after
    spelled = {w for w in _tokens(text) if w in _NUMBER_WORDS} if kind.unit else set()
    unit_words = [fold_diacritics(w) for w in (kind.unit or "").split()]
    if kind.unit == PERCENT:
        unit_words = ["phan", "tram"]
    what = f"về '{kind.unit}' (no figure counting '{kind.unit}')" if kind.unit else "(no figure)"
    if not wanted and not spelled:
        return f"không có con số nào {what}"
    counted = False
    for i, token in enumerate(doc.tokens):
        said = token.surface in spelled or (
            token.is_number and bool(figure_values(token.folded) & wanted)
        )
        if not said or token.marker:  # "1. Tài liệu …", "c)", "Điều 14" number, not count
            continue
        if kind.unit is None and i > 0 and doc.tokens[i - 1].folded in _NOT_COUNT_BEFORE:
            continue
        if kind.unit is not None and not _unit_follows(doc, i, kind.unit):
            continue
        counted = True
        if _covers(kind, doc.context(token.sentence), unit_words):
            return None
    if not counted:
        return f"không có con số nào {what}"
    return _not_about(kind)


def _date_mentions(text: str, kind: AnswerType) -> list[list[str]]:
    """The years, dates and time expressions of ``text``, as token runs, except those the
    question itself holds ("Năm 2021, … khi nào?" is not answered by "năm 2021")."""
    folded = fold(text)
    found: list[list[str]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            run = [w for w in _tokens(match.group(0)) if w != "#"]
            if run and run not in found and not all(w in kind.focus for w in run):
                found.append(run)
    return found


def _check_located(
    kind: AnswerType,
    doc: _Text,
    mentions: list[list[str]],
    *,
    lead: bool,
    none: str,
    unanchored: str,
    link: str | None = None,
    names: set[tuple[str, ...]] | None = None,
) -> str | None:
    """Pass when a mention occurs in the passage next to an anchor, in a sentence about the
    focus; else the most telling reason.

    ``link`` ("person", "place"): the mention may also sit on the line next to the anchor's
    (:meth:`_Text.linked`); then both lines are its evidence. ``names``: the mentions that
    are people's names, which alone may sit further below a signature's role.
    """
    if not mentions:
        return none
    located = anchored = False
    for run in mentions:
        for first, last in doc.find(run):
            located = True
            evidence = {doc.tokens[first].sentence}
            if kind.anchors and not doc.anchored(first, last, kind.anchors, lead=lead):
                if link is None:
                    continue
                there = doc.linked(
                    first,
                    last,
                    kind.anchors,
                    person=link == "person",
                    name=tuple(run) in (names or set()),
                )
                if there is None:
                    continue
                evidence.add(there)
            anchored = True
            words = set().union(*(doc.context(n) for n in evidence))
            if _covers(kind, words):
                return None
    if not located:
        return none
    if not anchored:
        return unanchored
    return _not_about(kind)


def _person_names(text: str) -> list[list[str]]:
    """People named in ``text``: runs of two to five capitalized words after "Ông"/"Bà" or
    opening with a family name, as tokens; in capitals ("LÊ VĂN AN") only on a line of its
    own, where a signature block puts it (a heading in capitals is no name)."""
    found: list[list[str]] = []
    for line in re.split(r"\n| \| ", strip_citations(text)):
        for run, honoured in _capital_runs(line):
            name = [m.group(0) for m in run]
            half = len(name) // 2
            folded = [fold_diacritics(w.lower()) for w in name]
            if len(name) % 2 == 0 and half >= 2 and folded[:half] == folded[half:]:
                run, name = run[:half], name[:half]  # "LÊ VĂN AN LE VAN AN"
            if not 2 <= len(name) <= 5:
                continue
            first = _surface(name[0])
            surname = first in _SURNAMES or (
                not has_diacritics(first) and first in _FOLDED_SURNAMES
            )
            before = line[: run[0].start()].split()
            if before and _surface(before[-1]) in _PLACE_NOUNS:
                continue  # "đường Lê Hồng Phong" is a street
            if not (honoured or surname):
                continue
            if all(w.isupper() for w in name):
                rest = line[: run[0].start()] + " " + line[run[-1].end() :]
                known = set(folded)
                if any(
                    fold_diacritics(w.lower()) not in known
                    for w in re.findall(r"[^\W\d_]{2,}", rest)
                ):
                    continue
            found.append([w for w in _tokens(" ".join(name)) if w != "#"])
    return found


def _capital_runs(line: str) -> list[tuple[list[re.Match[str]], bool]]:
    """Runs of capitalized words of one line (split at "Ông"/"Bà", which mark the run
    after them, and at role words), each with whether an honorific opens it."""
    runs: list[tuple[list[re.Match[str]], bool]] = []
    run: list[re.Match[str]] = []
    honoured = False
    previous_end = 0
    for match in re.finditer(r"[^\W\d_]+", line):
        word = match.group(0)
        lower = _surface(word)
        joined = line[previous_end : match.start()].strip() in ("", ".")
        previous_end = match.end()
        capital = word[0].isupper()
        if capital and lower in _HONORIFICS:
            runs.append((run, honoured))
            run, honoured = [], True
            continue
        if capital and lower not in _NOT_IN_NAMES and (joined or not run):
            run.append(match)
            continue
        runs.append((run, honoured))
        run, honoured = [], False
        if capital and lower not in _NOT_IN_NAMES:
            run = [match]
    runs.append((run, honoured))
    return [(r, h) for r, h in runs if r]


def _names(
    text: str, kind: AnswerType, *, min_words: int, person: bool = False
) -> list[list[str]]:
    """Capitalized runs of ``text`` not all of whose words the question holds; for a
    person, a run in capitals only when it is a name ("NGƯỜI LẬP BIỂU" is a role)."""
    people = {tuple(run) for run in _person_names(text)} if person else set()
    runs = []
    for name in proper_names(text):
        run = [w for w in _tokens(name) if w != "#"]
        if person and name.isupper() and not any(
            tuple(run[i : i + len(p)]) == p for p in people for i in range(len(run))
        ):
            continue
        if len(run) >= min_words and not all(fold_diacritics(w) in kind.focus for w in run):
            runs.append(run)
    for named in people:
        if list(named) not in runs and not all(fold_diacritics(w) in kind.focus for w in named):
            runs.append(list(named))
    return runs


def _titles(text: str, kind: AnswerType) -> list[list[str]]:
    """Capitalized titles ("Chủ tịch nước", "Giám đốc"), which answer "ai" as a name does;
    not a role in capitals, which a signature block writes over the signer's name."""
    words = [m.group(0) for m in re.finditer(r"[^\W\d_]+", strip_citations(text))]
    folded = [fold_diacritics(w) for w in words]
    runs = []
    for title in _TITLES:
        parts = title.split()
        if all(p in kind.focus for p in parts):
            continue
        for i in range(len(words) - len(parts) + 1):
            here = words[i : i + len(parts)]
            if folded[i : i + len(parts)] == parts and here[0][0].isupper():
                if all(w.isupper() for w in here):
                    continue
                runs.append([_surface(w) for w in here])
    return runs


def _check_person(kind: AnswerType, text: str, doc: _Text) -> str | None:
    people = _person_names(text)
    mentions = _names(text, kind, min_words=2, person=True)
    # a title answers who did something ("Chủ tịch nước tặng …"), not who holds a role:
    # "Kế toán trưởng | Tổng Giám đốc" names no one
    if not any(fold_diacritics(a) not in _PERSON_VERBS for a in kind.anchors):
        mentions += _titles(text, kind)
    else:  # nor is a run of capitals holding a role ("Tổng Giám đốc", "Ban Kiểm soát")
        mentions = [run for run in mentions if not any(w in _NOT_IN_NAMES for w in run)]
    anchor = ", ".join(kind.anchors)
    return _check_located(
        kind,
        doc,
        mentions,
        lead=False,
        none="không có tên người nào (no person's name)",
        unanchored=f"không có tên nào gắn với '{anchor}' (no name next to '{anchor}')",
        link="person",
        names={tuple(run) for run in people},
    )


def _check_place(kind: AnswerType, text: str, doc: _Text) -> str | None:
    # "Công ty", "Ban", "Sở" capitalized name a body, not where it is
    mentions = [
        run for run in _names(text, kind, min_words=1) if not all(w in _NOT_IN_NAMES for w in run)
    ]
    for match in _ADDRESS.finditer(fold(text)):
        mentions.append([w for w in _tokens(match.group(0)) if w != "#"])
    anchor = ", ".join(kind.anchors)
    return _check_located(
        kind,
        doc,
        mentions,
        lead=False,
        none="không có địa danh hay địa chỉ nào (no place or address)",
        unanchored=f"không có địa danh nào gắn với '{anchor}' (no place next to '{anchor}')",
        link="place",
    )


def _check_date(kind: AnswerType, text: str, doc: _Text) -> str | None:
    anchor = ", ".join(kind.anchors)
    return _check_located(
        kind,
        doc,
        _date_mentions(text, kind),
        lead=True,
        none="không có năm, ngày hay thời gian nào (no year, date or time)",
        unanchored=f"không có năm hay ngày nào gắn với '{anchor}' (no date next to '{anchor}')",
    )


_NAME_BREAKS = frozenset(
    (
        "là", "và", "của", "được", "đã", "có", "tại", "với", "cho", "theo", "trong", "thì", "mà",
        "do", "bởi", "nên",
        # "công ty con", "công ty mẹ", "công ty liên kết" are kinds of company, not names
        "con", "mẹ", "liên",
    )
)
_LEGAL_FORMS = frozenset(
    (
        "tnhh", "cp", "co", "phan", "mtv", "trach", "nhiem", "huu", "han", "mot", "thanh", "vien",
        "chi", "nhanh",
    )
)


def _bodies(text: str, entity: str) -> list[tuple[list[str], bool]]:
    """Names of the body asked ("Công ty TNHH Kiểm toán An Phú" for "công ty"), as tokens,
    each with whether it heads its line: a letterhead or a signature ("Chi nhánh Công ty
    TNHH KPMG Tầng 10, …"), not a clause about it ("Công ty TNHH ABC là công ty con")."""
    parts = fold_diacritics(entity.lower()).split()
    found: list[tuple[list[str], bool]] = []
    for line in re.split(r"\n| \| ", strip_citations(text)):
        words = list(re.finditer(r"[^\W\d_]+|\d+|[^\w\s]", line))
        folded = [fold_diacritics(m.group(0).lower()) for m in words]
        for i in range(len(words) - len(parts) + 1):
            if folded[i : i + len(parts)] != parts:
                continue
            end = i + len(parts)
            named = False
            while end < len(words):
                word = words[end].group(0)
                if not word[0].isalpha() or folded[end : end + len(parts)] == parts:
                    break  # punctuation, or the next body ("Công ty A và Công ty B")
                if not word[0].isupper():
                    # "Công ty cổ phần Vận tải xăng dầu VIPCO": a few lower-case words inside
                    # a name, when a capital follows them and none is a function word
                    inner = [m.group(0) for m in words[end : end + 4]]
                    upper = next(
                        (k for k, w in enumerate(inner) if w[0].isalpha() and w[0].isupper()),
                        None,
                    )
                    if upper is None or any(
                        not w[0].isalpha() or _surface(w) in _NAME_BREAKS for w in inner[:upper]
                    ):
                        break
                    end += upper
                    continue
                named = named or folded[end] not in _LEGAL_FORMS
                end += 1
            if not named:
                continue
            lead = [f for f in folded[:i] if f[0].isalnum()]
            after = words[end].group(0) if end < len(words) else ""
            heads = len(lead) <= 2 and not (after[:1].isalpha() and after[:1].islower())
            run = line[words[i].start() : words[end - 1].end()]
            found.append(([w for w in _tokens(run) if w != "#"], heads))
    return found


def _check_entity(kind: AnswerType, text: str, doc: _Text, subject: str) -> str | None:
    """A "công ty nào" answer names a body the question does not (nor, when the question
    names its own subject, the report's own, from its title), in or next to a sentence
    about the focus."""
    own = {fold_diacritics(w) for w in _tokens(subject)} if kind.named_subject else set()
    entity = kind.entity or ""
    named = []
    for run, heads in _bodies(text, entity):
        distinct = [fold_diacritics(w) for w in run[len(entity.split()) :]]
        distinct = [w for w in distinct if w not in _LEGAL_FORMS]
        if any(w in kind.named_subject for w in distinct):
            continue  # "Công ty Cổ phần … VIPCO" is the question's own subject
        if distinct and not all(w in kind.focus or w in own for w in distinct):
            named.append((run, heads))
    if not named:
        return f"không có tên {entity} nào (no {fold_diacritics(entity)} named)"
    for run, heads in named:
        for first, _ in doc.find(run):
            here = doc.tokens[first].sentence
            # its own sentence, not the ones before: a company named after a sentence about
            # the review did not review, unless it heads the page or signs
            words = doc.sentence_words[here] | doc.extra
            if _covers(kind, words):
                return None
            if not heads:
                continue
            for there in (here - 1, here + 1):  # what the letterhead's report or signature is
                if there in doc.sentence_words and _covers(kind, words | doc.sentence_words[there]):
                    return None
    return _not_about(kind)


def _check_any(kind: AnswerType, text: str, doc: _Text, subject: str = "") -> str | None:
    """Something beyond the question's own words, from a passage sentence about the focus."""
    if kind.entity:
        return _check_entity(kind, text, doc, subject)
    words = _tokens(text)
    flags = _question_words(words)
    new = {
        fold_diacritics(w)
        for w, shapes in zip(words, flags, strict=True)
        if not shapes and fold_diacritics(w) not in kind.focus
    }
    if not new:
        return "câu trả lời chỉ nhắc lại câu hỏi (the answer only repeats the question)"
    # the kind of thing asked for ("huân chương" in "huân chương gì") must be named there
    named = {doc.tokens[i].sentence for h in kind.anchors for i, _ in doc.find(h.split())}
    about = False
    for number, said in doc.sentence_words.items():
        if said & new and _covers(kind, doc.context(number)):
            about = True
            if not kind.anchors or number in named:
                return None
    if about:
        head = ", ".join(kind.anchors)
        return f"không câu nào nói về '{head}' (nothing about '{head}')"
    return _not_about(kind)


_SIGN_FOR_MARK = re.compile(r"\b(KT|TM|TL|TUQ)\.")


def expand_sign_for(text: str) -> str:
    """The signing abbreviations written out: "KT. BỘ TRƯỞNG" says "ký thay Bộ trưởng"."""
    return _SIGN_FOR_MARK.sub(
        lambda m: m.group(0) + " " + _SIGN_FOR_WORDS[m.group(1).lower()], text
    )


def check(
    kind: AnswerType, answer: str, passage: str, *, context: str = "", subject: str = ""
) -> str | None:
    """Whether ``answer`` holds an answer of ``kind`` whose evidence is in ``passage``.

    Args:
        kind: what the question asks for (:func:`classify`).
        answer: a quoted sentence (or table row), or a model's answer; citations are ignored.
        passage: where the evidence must be: the quoted sentence itself, or the passages a
            model answer cites. The model's own wording proves nothing: a figure must count
            the unit asked for *in the passage*, a year must sit next to the asked verb there.
        context: what surrounds the passage (the list headings above it, the report's
            title): its words count toward the question's subject, no answer is taken
            from it.
        subject: the report's title, whose own company does not answer "công ty nào …
            của Vinamilk?".

    Returns:
        ``None`` when it does; else a short reason, Vietnamese first with English in
        parentheses, for ``Answer.note``.
    """
    text = strip_citations(answer)
    signs = " ".join(_SIGN_FOR_WORDS[m.lower()] for m in _SIGN_FOR_MARK.findall(passage))
    doc = _Text(passage, f"{expand_sign_for(context)} \n{signs}")
    if kind.kind == "quantity":
        return _check_quantity(kind, text, doc)
    if kind.kind == "date":
        return _check_date(kind, text, doc)
    if kind.kind == "person":
        return _check_person(kind, text, doc)
    if kind.kind == "place":
        return _check_place(kind, text, doc)
    return _check_any(kind, text, doc, subject)
