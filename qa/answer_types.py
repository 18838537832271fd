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

from ingest.chunking import split_sentences
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
_NOT_COUNT_BEFORE = frozenset({"nam", "ngay", "thang", "khoa", "thu", "quy", "gio", "luc", "so"})
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
_LABEL_GAP = frozenset({"|", ":", "la", "co", "gom", "dat"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%|\$|[|:;,.!?()\"“”\n]")
_BREAK = frozenset(",.!?()\"“”:;\n")


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

    @property
    def is_number(self) -> bool:
        return self.folded[0].isdigit()


class _Text:
    """A passage as tokens (words, figures, "%", "|", ":"), with sentence and clause numbers."""

    def __init__(self, text: str) -> None:
        self.tokens: list[_Token] = []
        sentences = split_sentences(text) or [text]
        clause = 0
        for number, sentence in enumerate(sentences):
            clause += 1
            for match in _TOKEN.finditer(sentence):
                piece = match.group(0)
                if piece in (";", "\n"):
                    clause += 1
                    continue
                if piece in _BREAK and piece != ":":
                    continue
                surface = _surface(piece)
                self.tokens.append(_Token(surface, fold_diacritics(surface), number, clause))
        self.sentence_words: dict[int, set[str]] = {}
        for token in self.tokens:
            self.sentence_words.setdefault(token.sentence, set()).add(token.folded)

    def context(self, sentence: int) -> set[str]:
        """The words of a sentence and of the :data:`CONTEXT` sentences before it.

        A list item or a table row carries its subject in the line that introduces it
        ("Điều 9. Kiểm tra cơ sở dữ liệu" / "1. Thời gian kiểm tra: Định kỳ hàng năm.").
        """
        words: set[str] = set()
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
            for a, b in self.find(anchor.split()):
                if not self._real_anchor(anchor, a, b):
                    continue
                if self.tokens[a].clause != here.clause:
                    continue
                if opens_clause or max(0, a - last, first - b) <= NEAR:
                    return True
        return False

    def _real_anchor(self, anchor: str, a: int, b: int) -> bool:
        guard = _NOT_ANCHOR.get(fold_diacritics(anchor))
        if guard is None:
            return True
        before, after = guard
        prev = self.tokens[a - 1].folded if a > 0 else ""
        nxt = self.tokens[b + 1].folded if b + 1 < len(self.tokens) else ""
        return prev not in before and nxt not in after


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
    """

    kind: str
    focus: tuple[str, ...] = ()
    unit: str | None = None
    anchors: tuple[str, ...] = ()


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
                if i > 0 and folded[i - 1] in ("tru", "co", "ty"):  # trụ sở, cơ sở
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
        return tuple(dict.fromkeys(known))
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
    return AnswerType(kind, focus, unit, anchors)


# --------------------------------------------------------------------------- check


def _covers(kind: AnswerType, words: set[str], given: Iterable[str] = ()) -> bool:
    """The evidence holds enough of the question's focus (``given`` counts as held)."""
    if not kind.focus:
        return True
    held = words | set(given)
    return sum(1 for w in kind.focus if w in held) / len(kind.focus) >= FOCUS_SHARE


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
        if not said:
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
) -> str | None:
    """Pass when a mention occurs in the passage next to an anchor, in a sentence about the
    focus; else the most telling reason."""
    if not mentions:
        return none
    located = anchored = False
    for run in mentions:
        for first, last in doc.find(run):
            located = True
            if kind.anchors and not doc.anchored(first, last, kind.anchors, lead=lead):
                continue
            anchored = True
            if _covers(kind, doc.context(doc.tokens[first].sentence)):
                return None
    if not located:
        return none
    if not anchored:
        return unanchored
    return _not_about(kind)


def _names(text: str, kind: AnswerType, *, min_words: int) -> list[list[str]]:
    """Capitalized runs of ``text`` not all of whose words the question holds."""
    runs = []
    for name in proper_names(text):
        run = [w for w in _tokens(name) if w != "#"]
        if len(run) >= min_words and not all(fold_diacritics(w) in kind.focus for w in run):
            runs.append(run)
    return runs


def _titles(text: str, kind: AnswerType) -> list[list[str]]:
    """Capitalized titles ("Chủ tịch nước", "Giám đốc"), which answer "ai" as a name does."""
    words = [m.group(0) for m in re.finditer(r"[^\W\d_]+", strip_citations(text))]
    folded = [fold_diacritics(w) for w in words]
    runs = []
    for title in _TITLES:
        parts = title.split()
        if all(p in kind.focus for p in parts):
            continue
        for i in range(len(words) - len(parts) + 1):
            if folded[i : i + len(parts)] == parts and words[i][0].isupper():
                runs.append([_surface(w) for w in words[i : i + len(parts)]])
    return runs


def _check_person(kind: AnswerType, text: str, doc: _Text) -> str | None:
    mentions = _names(text, kind, min_words=2) + _titles(text, kind)
    anchor = ", ".join(kind.anchors)
    return _check_located(
        kind,
        doc,
        mentions,
        lead=False,
        none="không có tên người nào (no person's name)",
        unanchored=f"không có tên nào gắn với '{anchor}' (no name next to '{anchor}')",
    )


def _check_place(kind: AnswerType, text: str, doc: _Text) -> str | None:
    mentions = _names(text, kind, min_words=1)
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


def _check_any(kind: AnswerType, text: str, doc: _Text) -> str | None:
    """Something beyond the question's own words, from a passage sentence about the focus."""
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
    for number, words in doc.sentence_words.items():
        if words & new and _covers(kind, doc.context(number)):
            about = True
            if not kind.anchors or number in named:
                return None
    if about:
        head = ", ".join(kind.anchors)
        return f"không câu nào nói về '{head}' (nothing about '{head}')"
    return _not_about(kind)


def check(kind: AnswerType, answer: str, passage: str) -> str | None:
    """Whether ``answer`` holds an answer of ``kind`` whose evidence is in ``passage``.

    Args:
        kind: what the question asks for (:func:`classify`).
        answer: a quoted sentence (or table row), or a model's answer; citations are ignored.
        passage: where the evidence must be: the quoted sentence itself, or the passages a
            model answer cites. The model's own wording proves nothing: a figure must count
            the unit asked for *in the passage*, a year must sit next to the asked verb there.

    Returns:
        ``None`` when it does; else a short reason, Vietnamese first with English in
        parentheses, for ``Answer.note``.
    """
    text = strip_citations(answer)
    doc = _Text(passage)
    if kind.kind == "quantity":
        return _check_quantity(kind, text, doc)
    if kind.kind == "date":
        return _check_date(kind, text, doc)
    if kind.kind == "person":
        return _check_person(kind, text, doc)
    if kind.kind == "place":
        return _check_place(kind, text, doc)
    return _check_any(kind, text, doc)
