"""Hostile and malformed input, and what a user gets for each: the cases.

Each case feeds hoidap a bad question (through ``qa.api.answer``, what the CLI, the API and
the page call), a bad file (through ``ingest``) or a bad upload (through the page's
``ui.uploads.save_uploads``), on an index holding the sample report; after every case the
sample report must still answer its question exactly as before (nothing lost, the service
still up). ``tests/test_hostile_inputs.py`` runs each case as a test and
``bench/hostile.py`` prints them as a table.
"""

from __future__ import annotations

import codecs
import io
import logging
import time
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hoidap.settings import Settings
from hoidap.vietnamese import TONE_MARKS

ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger("bench.hostile")

SAMPLE = ROOT / "examples" / "can-tho-police-2021.txt"
BASELINE = "Công an thành phố trao tặng bao nhiêu tấn gạo?"
BASELINE_FIGURE = "120 tấn gạo"
# one fact per readable file, unrelated to each other and to the sample report
FACTS = {
    "cp1258": (
        "Đội tuần tra đường thủy đã thu giữ 47 chiếc thuyền khai thác cát trái phép.",
        "Đội tuần tra đường thủy thu giữ bao nhiêu chiếc thuyền?",
        "47 chiếc thuyền",
    ),
    "utf16": (
        "Trung tâm chỉ huy đã tiếp nhận 5.321 cuộc gọi khẩn cấp qua số điện thoại 113.",
        "Trung tâm chỉ huy tiếp nhận bao nhiêu cuộc gọi khẩn cấp?",
        "5.321 cuộc gọi",
    ),
    "tcvn3": (
        "Phòng cảnh sát phòng cháy chữa cháy đã tổ chức 64 cuộc diễn tập tại khu dân cư.",
        "Phòng cảnh sát phòng cháy chữa cháy tổ chức bao nhiêu cuộc diễn tập?",
        "64 cuộc diễn tập",
    ),
    "vni": (
        "Lực lượng cảnh sát cơ động đã bảo vệ an toàn 19 sự kiện chính trị quan trọng.",
        "Lực lượng cảnh sát cơ động bảo vệ an toàn bao nhiêu sự kiện chính trị?",
        "19 sự kiện",
    ),
    "html": (
        "Cảnh sát môi trường đã phát hiện 88 vụ xả thải trái phép ra sông Hậu.",
        "Cảnh sát môi trường phát hiện bao nhiêu vụ xả thải trái phép?",
        "88 vụ xả thải",
    ),
}
TCVN3_TEXT = (
    "Phßng c¶nh s¸t phßng ch¸y ch÷a ch¸y ®· tæ chøc 64 cuéc diÔn tËp t¹i khu d©n c\u00ad."
)
VNI_TEXT = (
    "Löïc löôïng caûnh saùt cô ñoäng ñaõ baûo veä an toaøn 19 söï kieän chính trò quan troïng."
)


CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage"
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


@dataclass
class Row:
    """One hostile input and what the user got."""

    case: str
    kind: str
    got: str
    ok: bool
    intact: bool = True
    seconds: float = 0.0


@dataclass
class Context:
    settings: Settings
    work: Path
    baseline: str = ""

    def file(self, name: str, data: bytes) -> Path:
        folder = self.work / "files"
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        return path


def _short(text: str, width: int = 90, around: str = "") -> str:
    """One line of at most ``width`` characters, centred on ``around`` when it occurs."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    at = text.find(around) if around else -1
    if at < 0:
        return text[: width - 1] + "…"
    start = max(0, min(at - width // 2, len(text) - width))
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


# -- questions ---------------------------------------------------------------------------------
def _ask(ctx: Context, question: str) -> tuple[str, str]:
    """("answer"|"error", text): what ``hoidap ask`` / the page would show."""
    from qa.api import answer
    from qa.chain import QuestionError
    from store.vectors import StoreError

    try:
        return "answer", answer(question, settings=ctx.settings).text
    except (QuestionError, StoreError) as exc:
        return "error", str(exc)


def question_case(question: str, expect: Callable[[str, str, Context], bool]) -> Callable:
    def run(ctx: Context) -> tuple[str, bool]:
        kind, text = _ask(ctx, question)
        label = "lỗi" if kind == "error" else "trả lời"
        return f"{label}: {_short(text, around=BASELINE_FIGURE)}", expect(kind, text, ctx)

    return run


def _empty_message(kind: str, text: str, _: Context) -> bool:
    return kind == "error" and "Câu hỏi trống" in text and "empty" in text


def _baseline_answer(kind: str, text: str, _: Context) -> bool:
    return kind == "answer" and BASELINE_FIGURE in text


def _same_as_baseline(kind: str, text: str, ctx: Context) -> bool:
    return kind == "answer" and text == ctx.baseline


def _anything_but_a_crash(kind: str, text: str, _: Context) -> bool:
    return kind in ("answer", "error") and bool(text)


# -- files -------------------------------------------------------------------------------------
def _ingest(ctx: Context, path: Path) -> tuple[str, str]:
    """("added"|"failed", message) for one file, as ``hoidap ingest`` reports it."""
    from ingest import ingest

    report = ingest([path], settings=ctx.settings)
    if report.failed:
        return "failed", report.failed[0][1]
    return "added", f"nạp được ({report.chunks_written} đoạn)"


def refused_file(name: str, data: bytes | Callable[[], bytes], *needles: str) -> Callable:
    def run(ctx: Context) -> tuple[str, bool]:
        path = ctx.file(name, data() if callable(data) else data)
        status, message = _ingest(ctx, path)
        ok = status == "failed" and all(n in message for n in needles)
        return f"từ chối: {_short(message)}", ok

    return run


def readable_file(name: str, data: Callable[[], bytes], fact: str) -> Callable:
    """A file that must be read correctly: ingested, then its fact asked and found."""

    def run(ctx: Context) -> tuple[str, bool]:
        status, message = _ingest(ctx, ctx.file(name, data()))
        _, question, figure = FACTS[fact]
        kind, text = _ask(ctx, question)
        ok = status == "added" and kind == "answer" and figure in text
        return f"{message}; hỏi → {_short(text, 60, around=figure)}", ok

    return run


def _pdf(encrypted: bool = False) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Bao cao mat")
    options: dict[str, object] = {}
    if encrypted:
        options = {
            "encryption": pymupdf.PDF_ENCRYPT_AES_256,
            "user_pw": "mat-khau",
            "owner_pw": "chu-so-huu",
        }
    return doc.tobytes(**options)


def _damaged_docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Báo cáo tổng kết năm 2021 của Công an phường.")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))
    return data[: len(data) // 2]  # cut mid-archive, as an interrupted download


def _html_with_scripts() -> bytes:
    fact = FACTS["html"][0]
    return f"""<!doctype html><html><head><title>Báo cáo môi trường</title>
<script>document.write("Cảnh sát môi trường phát hiện 999 vụ"); alert("xss")</script>
<style>p {{ color: red }}</style></head>
<body onload="alert('xss')"><main><h1>Báo cáo môi trường</h1>
<p onclick="steal()">{fact}</p>
<noscript>Cảnh sát môi trường phát hiện 777 vụ</noscript>
<script src="https://evil.example/x.js"></script>
<iframe src="javascript:alert(1)"></iframe></main></body></html>""".encode()


def html_case(ctx: Context) -> tuple[str, bool]:
    status, message = _ingest(ctx, ctx.file("co-script.html", _html_with_scripts()))
    from qa.api import answer

    result = answer(FACTS["html"][1], settings=ctx.settings)
    texts = " ".join(s.text for s in result.sources)
    clean = not any(bad in texts for bad in ("999", "777", "alert", "<script", "xss"))
    ok = status == "added" and FACTS["html"][2] in result.text and clean
    shown = "script, style, noscript, iframe bỏ đi" if clean else "CÒN MÃ SCRIPT"
    return f"{message}, {shown}; hỏi → {_short(result.text, 50, around='88')}", ok


def nul_path_case(ctx: Context) -> tuple[str, bool]:
    from ingest import ingest

    report = ingest([str(ctx.work / "bao\x00cao.txt")], settings=ctx.settings)
    message = report.failed[0][1] if report.failed else "?"
    return f"từ chối: {_short(message.replace(chr(0), '␀'))}", "không tìm thấy" in message.lower()


# -- uploads (the page's own checks) -----------------------------------------------------------
def _upload(ctx: Context, name: str, data: bytes, settings: Settings | None = None) -> object:
    from ui.uploads import save_uploads

    temp = ctx.work / "upload.tmp"
    temp.write_bytes(data)
    return save_uploads([(temp, name)], settings or ctx.settings)


def upload_name_case(name: str) -> Callable:
    def run(ctx: Context) -> tuple[str, bool]:
        batch = _upload(ctx, name, "Báo cáo nhỏ.".encode())
        saved = getattr(batch, "saved", [])
        uploads = ctx.settings.uploads_dir.resolve()
        ok = len(saved) == 1 and saved[0].parent == uploads and "\x00" not in saved[0].name
        where = saved[0].relative_to(ctx.settings.data_dir) if saved else "?"
        return f"lưu thành {where} (trong thư mục tải lên)", ok

    return run


def upload_too_big(ctx: Context) -> tuple[str, bool]:
    small = ctx.settings.replace(max_upload_mb=1)
    batch = _upload(ctx, "rat-lon.txt", b"a" * (1024 * 1024 + 1), small)
    rejected = getattr(batch, "rejected", [])
    message = rejected[0][1] if rejected else "nhận"
    return f"từ chối: {message}", bool(rejected) and "quá lớn" in message


def upload_wrong_type(ctx: Context) -> tuple[str, bool]:
    batch = _upload(ctx, "virus.exe", b"MZ\x90\x00" + bytes(200))
    rejected = getattr(batch, "rejected", [])
    message = rejected[0][1] if rejected else "nhận"
    return f"từ chối: {message}", bool(rejected) and "không được hỗ trợ" in message


# -- the table -----------------------------------------------------------------------------------
def _cases() -> list[tuple[str, str, Callable[[Context], tuple[str, bool]]]]:
    nfc_question = BASELINE
    long_question = (BASELINE + " ") * (100_000 // (len(BASELINE) + 1) + 1)
    fact = {k: v[0] for k, v in FACTS.items()}
    return [
        ("câu hỏi rỗng", "question", question_case("", _empty_message)),
        ("câu hỏi chỉ có khoảng trắng", "question", question_case(" \t\n  \u3000", _empty_message)),
        ("chỉ có emoji và dấu câu", "question", question_case("🚓🚓 ??? 🍚", _empty_message)),
        (
            "câu hỏi 100.000 ký tự",
            "question",
            question_case(long_question[:100_000], _baseline_answer),
        ),
        (
            "emoji và nhiều loại chữ",
            "question",
            question_case(f"🚓 {BASELINE} 🍚 警察 полиция شرطة", _baseline_answer),
        ),
        (
            "câu hỏi dạng NFD",
            "question",
            question_case(unicodedata.normalize("NFD", nfc_question), _same_as_baseline),
        ),
        (
            "câu hỏi không dấu",
            "question",
            question_case("cong an thanh pho trao tang bao nhieu tan gao", _baseline_answer),
        ),
        (
            "ký tự điều khiển, NUL, đảo chiều",
            "question",
            question_case(
                "\x00Công an\u202e thành phố\x07 trao tặng bao nhiêu tấn gạo?\u200b",
                _baseline_answer,
            ),
        ),
        (
            "HTML/SQL trong câu hỏi",
            "question",
            question_case(
                "<script>alert(1)</script>'; DROP TABLE embeddings; -- tấn gạo?",
                _anything_but_a_crash,
            ),
        ),
        ("tệp rỗng (.txt 0 byte)", "file", refused_file("rong.txt", b"", "rỗng", "empty")),
        ("PDF 0 byte", "file", refused_file("rong.pdf", b"", "rỗng", "empty")),
        (
            "PDF hỏng",
            "file",
            refused_file("hong.pdf", CORRUPT_PDF, "PDF", "corrupt"),
        ),
        (
            "PDF có mật khẩu",
            "file",
            refused_file("mat-khau.pdf", lambda: _pdf(encrypted=True), "mật khẩu", "encrypted"),
        ),
        (
            "tệp nhị phân đặt tên .txt",
            "file",
            refused_file("anh.txt", BINARY, "không phải văn bản", "not a text file"),
        ),
        (
            "DOCX có gói zip hỏng",
            "file",
            refused_file("hong.docx", _damaged_docx, "DOCX", "corrupt"),
        ),
        ("định dạng không hỗ trợ (.exe)", "file", refused_file("x.exe", b"MZ", "không hỗ trợ")),
        ("HTML có script", "file", html_case),
        (
            "văn bản Windows-1258",
            "file",
            readable_file("cp1258.txt", lambda: _to_cp1258(fact["cp1258"]), "cp1258"),
        ),
        (
            "văn bản UTF-16",
            "file",
            readable_file(
                "utf16.txt",
                lambda: codecs.BOM_UTF16_LE + fact["utf16"].encode("utf-16-le"),
                "utf16",
            ),
        ),
        (
            "văn bản UTF-16 không BOM",
            "file",
            readable_file("utf16-nobom.txt", lambda: fact["utf16"].encode("utf-16-be"), "utf16"),
        ),
        (
            "văn bản TCVN3 (ABC)",
            "file",
            readable_file("tcvn3.txt", lambda: TCVN3_TEXT.encode("cp1252"), "tcvn3"),
        ),
        ("văn bản VNI", "file", readable_file("vni.txt", lambda: VNI_TEXT.encode("cp1252"), "vni")),
        ("đường dẫn có NUL (CLI)", "file", nul_path_case),
        ("tải lên: tên có ../", "upload", upload_name_case("../../../etc/cron.d/evil.txt")),
        ("tải lên: tên có NUL", "upload", upload_name_case("bao\x00cao.txt")),
        ("tải lên: tệp quá giới hạn", "upload", upload_too_big),
        ("tải lên: .exe", "upload", upload_wrong_type),
    ]


def _to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: a precomposed letter where the code page
    has one, else the letter followed by its combining tone mark ("ệ" is "ê" + dot below)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in decomposed if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
            out += (base + tones).encode("cp1258")
    return bytes(out)


def case_names() -> list[str]:
    return [name for name, _, _ in _cases()]


def prepare(settings: Settings, work: Path) -> Context:
    """Index the sample report: the existing index every case must leave answering."""
    from ingest import ingest
    from qa.api import answer

    ingest([SAMPLE], settings=settings)
    ctx = Context(settings, work)
    ctx.baseline = answer(BASELINE, settings=settings).text
    assert BASELINE_FIGURE in ctx.baseline, ctx.baseline
    return ctx


def run_case(ctx: Context, name: str) -> Row:
    """Run one case, then check that the sample report still answers as before."""
    from qa.api import answer
    from store.index import get_index

    kind, run = next((k, r) for n, k, r in _cases() if n == name)
    started = time.perf_counter()
    try:
        got, ok = run(ctx)
    except Exception as exc:  # a case that crashes is a failed case, not a crashed table
        log.exception("case %s crashed", name)
        got, ok = f"LỖI KHÔNG XỬ LÝ: {type(exc).__name__}: {_short(str(exc))}", False
    seconds = time.perf_counter() - started
    manifest = get_index(ctx.settings).manifest()
    intact = (
        answer(BASELINE, settings=ctx.settings).text == ctx.baseline
        and str(SAMPLE.resolve()) in manifest.documents
    )
    return Row(name, kind, got, ok, intact, round(seconds, 2))
