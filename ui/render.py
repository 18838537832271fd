"""HTML and text for the page: source cards, answers, abstentions, the documents table.

Everything that came from a document or a user is escaped here, because an uploaded HTML
report could otherwise put markup (or script) on every reader's page. Answers are rendered
as one HTML block without blank lines, so the chat's Markdown renderer leaves them alone and
a ``*`` or ``#`` in a report cannot reformat the answer.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from hoidap.files import readable
from ingest import IngestReport
from ingest.chunking import split_sentences
from ingest.library import DocumentRecord
from qa import fold_diacritics, syllables
from qa.types import Answer, Source

CONTEXT_BEFORE = 160
CONTEXT_AFTER = 140
EXCERPT_CHARS = 280
NEAREST_SHOWN = 3
# share of a written answer's words a passage sentence must hold to be highlighted as its source
MIN_COVERAGE = 0.4
CITATION = re.compile(r"\[(\d{1,2})\]")
CHUNK_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
DOCUMENT_COLUMNS = ["Tên tệp", "Tiêu đề", "Số trang", "Số đoạn", "Nạp lúc"]

ANSWERER_LABELS = {
    "extractive": "Trích nguyên văn",
    "auto": "Tự động",
    "local": "Mô hình ngôn ngữ cục bộ",
    "llm": "Mô hình ngôn ngữ",
}

EMPTY_SOURCES = (
    '<div class="src-empty"><div class="src-empty-icon">📚</div>'
    "<p>Các đoạn trích làm căn cứ cho câu trả lời sẽ hiện ở đây, kèm tên tệp và trang.</p>"
    "</div>"
)
SEARCHING_SOURCES = (
    '<div class="src-empty"><div class="hd-spinner"></div><p>Đang tìm trong tài liệu…</p></div>'
)


def answerer_label(name: str | None) -> str:
    """How a user reads the name of who wrote the answer."""
    if not name:
        return ANSWERER_LABELS["extractive"]
    return ANSWERER_LABELS.get(name, name)


def cited_numbers(text: str) -> list[int]:
    """The source numbers an answer cites, in order of first mention."""
    return list(dict.fromkeys(int(m) for m in CITATION.findall(text or "")))


def _fold_words(text: str) -> list[str]:
    return [fold_diacritics(w) for w in syllables(text)]


def _find_loose(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where ``needle`` occurs in ``haystack``, tolerating different whitespace."""
    needle = needle.strip()
    if not needle:
        return None
    exact = haystack.find(needle)
    if exact >= 0:
        return exact, exact + len(needle)
    words = needle.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, haystack)
    return (match.start(), match.end()) if match else None


def _best_sentence(text: str, answer_text: str) -> tuple[int, int] | None:
    """For a written (not quoted) answer: the passage sentence that says what it says.

    Scored by how much of the answer the sentence covers, numbers counting triple: an
    answer's figures are what a reader checks, and a sentence without them is not the one.
    """
    answer_words = set(_fold_words(CITATION.sub(" ", answer_text)))
    numbers = {w for w in answer_words if any(ch.isdigit() for ch in w)}
    total = len(answer_words) + 2 * len(numbers)
    if not total:
        return None
    best: tuple[float, int, str] | None = None
    for sentence in split_sentences(text):
        words = set(_fold_words(sentence))
        if numbers and not numbers & words:
            continue
        score = (len(words & answer_words) + 2 * len(words & numbers)) / total
        candidate = (score, -len(sentence), sentence)
        if best is None or candidate > best:
            best = candidate
    if best is None or best[0] < MIN_COVERAGE:
        return None
    return _find_loose(text, best[2])


def highlight_spans(
    source: Source, quotes: Sequence[str], answer_text: str = ""
) -> list[tuple[int, int]]:
    """Character spans of ``source.text`` to mark as the answering sentence(s)."""
    spans = [span for q in quotes if (span := _find_loose(source.text, q))]
    if not spans and answer_text and not quotes:
        span = _best_sentence(source.text, answer_text)
        spans = [span] if span else []
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _paragraphs(text: str) -> str:
    """Escaped text with paragraph breaks kept (a chunk can span paragraphs)."""
    escaped = html.escape(text.strip())
    return re.sub(r"\n\s*\n+", "<br><br>", escaped).replace("\n", "<br>")


def passage_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The passage, escaped, with each span wrapped in ``<mark>``."""
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        parts.append(_paragraphs_inline(text[cursor:start]))
        parts.append(f"<mark>{_paragraphs_inline(text[start:end])}</mark>")
        cursor = end
    parts.append(_paragraphs_inline(text[cursor:]))
    return "".join(parts).strip()


def _cut_before(text: str, end: int, budget: int) -> int:
    """Where to start showing text so that about ``budget`` chars precede ``end``."""
    if end <= budget:
        return 0
    start = end - budget
    sentence = max(text.rfind(". ", start, end), text.rfind("\n", start, end))
    if sentence >= 0:
        return sentence + 1
    space = text.find(" ", start, end)
    return space + 1 if space >= 0 else start


def _cut_after(text: str, start: int, budget: int) -> int:
    """Where to stop showing text so that about ``budget`` chars follow ``start``."""
    if len(text) - start <= budget:
        return len(text)
    space = text.rfind(" ", start, start + budget)
    return space if space > start else start + budget


def excerpt_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The part of a passage worth reading in a card: around the highlight, or its start.

    A chunk is ~700 characters; a card shows the answering sentence with a little context
    on each side, so the highlight is always in view without scrolling.
    """
    text = text.strip() if not spans else text
    if spans:
        begin = _cut_before(text, spans[0][0], CONTEXT_BEFORE)
        finish = _cut_after(text, spans[-1][1], CONTEXT_AFTER)
    else:
        begin, finish = 0, _cut_after(text, 0, EXCERPT_CHARS)
    shown = [(a - begin, b - begin) for a, b in spans]
    body = passage_html(text[begin:finish], shown)
    lead = "… " if text[:begin].strip() else ""
    tail = " …" if text[finish:].strip() else ""
    return f"{lead}{body}{tail}"


def _paragraphs_inline(text: str) -> str:
    escaped = html.escape(text)
    return re.sub(r"\n\s*\n+", "<br><br>", escaped).replace("\n", " ")


def source_location(source: Source) -> str:
    """ "trang 3 · Mục II" — the parts a reader uses to find the passage in the file."""
    parts = []
    if source.page:
        parts.append(f"trang {source.page}")
    if source.heading:
        parts.append(source.heading)
    return " · ".join(parts)


def viewable_id(chunk_id: str) -> str:
    """The chunk id as the page may carry it (in a class name, a data attribute), or ""."""
    return chunk_id if CHUNK_ID.fullmatch(chunk_id or "") else ""


def source_card(
    number: int, source: Source, spans: Sequence[tuple[int, int]], *, cited: bool
) -> str:
    name = html.escape(Path(source.source).name or source.title or "Tài liệu")
    title = source.title.strip()
    title_html = ""
    if title and title != Path(source.source).stem:
        title_html = f'<div class="src-title">{html.escape(title)}</div>'
    location = source_location(source)
    location_html = f'<span class="src-loc">{html.escape(location)}</span>' if location else ""
    classes = "src-card cited" if cited else "src-card"
    chunk = viewable_id(source.chunk_id)
    opener = ""
    if chunk:
        classes += " viewable"
        opener = (
            f'<span class="src-open" role="button" tabindex="0" data-chunk="{chunk}" '
            'title="Mở trang tài liệu gốc có đoạn trích này">🔍 Xem bản gốc</span>'
        )
    data_chunk = f' data-chunk="{chunk}"' if chunk else ""
    return (
        f'<div class="{classes}" id="src-{number}" data-source-number="{number}"{data_chunk}>'
        f'<div class="src-head"><span class="src-num">{number}</span>'
        f'<span class="src-file" title="{name}">📄 {name}</span>{location_html}{opener}</div>'
        f"{title_html}"
        f'<div class="src-text">{excerpt_html(source.text, spans)}</div>'
        "</div>"
    )


def cited_quotes(
    sources: Sequence[Source], quotes: Sequence[str] = (), answer_text: str = ""
) -> dict[str, str]:
    """Chunk id → the text marked as the answer in that source (what its page highlights).

    The cited sources only; each one's marked spans, one per line, as the sources panel
    marks them.
    """
    cited = set(cited_numbers(answer_text))
    marked: dict[str, str] = {}
    for number, source in enumerate(sources, start=1):
        if number not in cited or not viewable_id(source.chunk_id):
            continue
        spans = highlight_spans(source, quotes, answer_text)
        if spans:
            marked[source.chunk_id] = "\n".join(source.text[a:b] for a, b in spans)
    return marked


def sources_html(
    sources: Sequence[Source],
    *,
    quotes: Sequence[str] = (),
    answer_text: str = "",
    abstained: bool = False,
    pending: bool = False,
    question: str = "",
) -> str:
    """The sources panel: numbered cards, the cited ones first in emphasis.

    ``pending`` is the state between retrieval and the answer (nothing is cited yet);
    ``abstained`` labels the passages as the nearest found, not as evidence. The panel
    carries its ``question`` (``data-question``), so a reader (or a test) can tell it from
    the previous question's panel.
    """
    asked = f' data-question="{html.escape(question)}"'
    if not sources:
        return (
            f'<div class="src-empty src-none"{asked}><div class="src-empty-icon">🗂️</div>'
            "<p>Không tìm thấy đoạn nào liên quan trong các tài liệu đã nạp.</p></div>"
        )
    cited = set(cited_numbers(answer_text))
    if abstained:
        header = (
            '<div class="src-header warn">Các đoạn gần nhất tìm được — '
            "chưa đủ để trả lời câu hỏi</div>"
        )
    elif pending:
        header = (
            '<div class="src-header"><div class="hd-spinner small"></div>'
            f"Đã tìm thấy {len(sources)} đoạn liên quan — đang soạn câu trả lời…</div>"
        )
    else:
        header = (
            f'<div class="src-header">Căn cứ trả lời ({len(cited) or len(sources)} nguồn)</div>'
        )
    cards: list[str] = []
    others: list[str] = []
    for number, source in enumerate(sources, start=1):
        if abstained and number > NEAREST_SHOWN:
            break
        is_cited = number in cited
        spans = highlight_spans(source, quotes, answer_text) if is_cited else []
        card = source_card(number, source, spans, cited=is_cited)
        (cards if is_cited or pending or abstained or not cited else others).append(card)
    body = "".join(cards)
    if others:
        body += (
            '<details class="src-others"><summary>Các đoạn liên quan khác '
            f"({len(others)})</summary>{''.join(others)}</details>"
        )
    return f'<div class="src-list"{asked}>{header}{body}</div>'


def _citations_html(escaped_text: str, count: int, chunk_ids: Sequence[str] = ()) -> str:
    """``[n]`` as links to source card n; with the chunk's id in the class (the chat keeps
    classes, not data attributes), so a click opens that passage in its original file."""

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= count:
            chunk = viewable_id(chunk_ids[number - 1]) if number <= len(chunk_ids) else ""
            classes = f"cite hd-chunk-{chunk}" if chunk else "cite"
            tip = f"Nguồn {number} — bấm để xem trong tệp gốc" if chunk else f"Nguồn {number}"
            return f'<a class="{classes}" href="#src-{number}" title="{tip}">{number}</a>'
        return match.group(0)

    return CITATION.sub(link, escaped_text)


def understood_html(understood: str | None) -> str:
    """How a follow-up was understood, so a wrong rewrite is visible and can be rephrased."""
    if not understood:
        return ""
    return f'<div class="ans-understood">Câu hỏi được hiểu là: “{html.escape(understood)}”</div>'


def answer_html(
    result: Answer,
    *,
    seconds: float | None = None,
    streaming: bool = False,
    understood: str | None = None,
) -> str:
    """The assistant's message: the answer with linked citations, or a clear abstention."""
    if result.abstained:
        return abstain_html(result, understood=understood)
    text = _paragraphs(result.text)
    body = _citations_html(text, len(result.sources), [x.chunk_id for x in result.sources])
    cursor = '<span class="hd-cursor"></span>' if streaming else ""
    meta = [f"Trả lời bởi: {html.escape(answerer_label(result.answerer))}"]
    if seconds is not None:
        meta.append(f"{seconds:.1f} giây".replace(".", ","))
    note = f'<div class="ans-note">{html.escape(result.note)}</div>' if result.note else ""
    meta_html = "" if streaming else f'<div class="ans-meta">{" · ".join(meta)}</div>'
    lead = understood_html(understood)
    return f'<div class="ans">{lead}{body}{cursor}{note}{meta_html}</div>'


def partial_answer_html(
    text: str, source_count: int, answerer: str | None, chunk_ids: Sequence[str] = ()
) -> str:
    """The answer while a model is still writing it: marked as a draft, because the final
    check against the passages may still replace it (with a quote, or an abstention)."""
    body = _citations_html(_paragraphs(text), source_count, chunk_ids)
    label = html.escape(answerer_label(answerer))
    return (
        f'<div class="ans draft">{body}<span class="hd-cursor"></span>'
        f'<div class="ans-meta">{label} đang viết… câu trả lời sẽ được đối chiếu '
        "với tài liệu khi viết xong.</div></div>"
    )


def abstain_html(result: Answer, *, understood: str | None = None) -> str:
    has_sources = bool(result.sources)
    nearest = (
        "<li>Xem các đoạn gần nhất ở khung <b>Nguồn trích dẫn</b> bên cạnh.</li>"
        if has_sources
        else ""
    )
    note = f'<div class="ans-note">{html.escape(result.note)}</div>' if result.note else ""
    return (
        f'<div class="abstain">{understood_html(understood)}'
        '<div class="abstain-title">🔎 Chưa tìm thấy câu trả lời trong các tài liệu đã nạp</div>'
        "<div>Hệ thống chỉ trả lời khi tài liệu có nói rõ, nên không đoán. Bạn có thể:</div>"
        "<ul><li>Hỏi lại bằng từ ngữ khác hoặc cụ thể hơn (tên đơn vị, năm, chỉ tiêu…).</li>"
        "<li>Tải lên báo cáo có chứa thông tin này ở thẻ <b>Tài liệu</b>.</li>"
        f"{nearest}</ul>{note}</div>"
    )


def working_html(text: str, seconds: float | None = None) -> str:
    """The placeholder message while the question is being answered."""
    elapsed = f" <span class='hd-elapsed'>{seconds:.0f} giây</span>" if seconds else ""
    dots = '<span class="hd-dots"><i></i><i></i><i></i></span>'
    return f'<div class="working">{dots}{html.escape(text)}{elapsed}</div>'


def error_html(message: str) -> str:
    title = f'<div class="abstain-title">⚠️ {html.escape(message)}</div>'
    return f'<div class="abstain error">{title}</div>'


# documents ------------------------------------------------------------------------------
def format_time(iso: str) -> str:
    """An ISO timestamp in the server's local time, the way Vietnamese dates are written."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


MAX_DOCUMENT_ROWS = 1000  # the newest; a page of 40,000 rows helps nobody and loads slowly


def document_rows(documents: Mapping[str, DocumentRecord]) -> list[list[object]]:
    """Rows of the documents table, newest first; past the cap, a last row counts the rest."""
    records = sorted(documents.values(), key=lambda r: (r.ingested_at, r.name), reverse=True)
    rows: list[list[object]] = [
        [
            rec.name,
            rec.title,
            rec.pages if rec.pages else "—",
            len(rec.chunk_ids),
            format_time(rec.ingested_at),
        ]
        for rec in records[:MAX_DOCUMENT_ROWS]
    ]
    rest = len(records) - MAX_DOCUMENT_ROWS
    if rest > 0:
        rows.append([f"… và {rest} tài liệu khác (cũ hơn)", "", "", "", ""])
    return rows


def document_choices(documents: Mapping[str, DocumentRecord]) -> list[tuple[str, str]]:
    """(label, source as shown) pairs for the delete picker; the label tells same-named files
    apart. The handler finds the documents again by the shown source (``find_documents``)."""
    names = Counter(rec.name for rec in documents.values())
    choices = []
    for source, rec in sorted(documents.items(), key=lambda kv: kv[1].name.lower()):
        label = rec.name
        if names[rec.name] > 1:
            label = f"{rec.name} ({Path(source).parent.name})"
        choices.append((label, readable(source)))
    return choices


def names_list(names: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f" và {len(names) - limit} tệp khác"
    return shown


def _status(kind: str, icon: str, text: str) -> str:
    return f'<div class="st st-{kind}"><span class="st-icon">{icon}</span><span>{text}</span></div>'


def ingest_report_html(
    report: IngestReport | None,
    *,
    duplicates: Sequence[tuple[str, str]] = (),
    rejected: Sequence[tuple[str, str]] = (),
) -> str:
    """What an upload or a re-ingest did, in sentences a user reads at a glance."""
    lines: list[str] = []
    esc = html.escape
    if report is not None:
        if report.added:
            names = esc(names_list([Path(s).name for s in report.added]))
            lines.append(
                _status(
                    "ok",
                    "✅",
                    f"Đã nạp {len(report.added)} tài liệu mới: <b>{names}</b> "
                    f"({report.chunks_written} đoạn, {report.seconds:.0f} giây). "
                    "Bạn có thể đặt câu hỏi ngay.",
                )
            )
        if report.updated:
            names = esc(names_list([Path(s).name for s in report.updated]))
            lines.append(
                _status("ok", "🔄", f"Đã cập nhật {len(report.updated)} tài liệu: <b>{names}</b>.")
            )
        if report.unchanged:
            names = esc(names_list([Path(s).name for s in report.unchanged]))
            lines.append(
                _status(
                    "info",
                    "ℹ️",
                    f"{len(report.unchanged)} tài liệu không thay đổi nên không cần nạp lại: "
                    f"{names}.",
                )
            )
        for source, note in report.notes:
            lines.append(_status("info", "🔎", f"{esc(Path(source).name)}: {esc(note)}"))
        if report.removed:
            names = esc(names_list([Path(s).name for s in report.removed]))
            lines.append(
                _status("info", "🗑️", f"Đã bỏ khỏi chỉ mục tài liệu không còn tệp gốc: {names}.")
            )
        for source, error in report.failed:
            lines.append(
                _status("err", "⚠️", f"Không nạp được <b>{esc(Path(source).name)}</b>: {esc(error)}")
            )
    for name, indexed_as in duplicates:
        same = "" if name == indexed_as else f" (với tên {esc(indexed_as)})"
        lines.append(
            _status(
                "info",
                "ℹ️",
                f"<b>{esc(name)}</b> đã có trong chỉ mục{same} và không thay đổi — "
                "không cần nạp lại.",
            )
        )
    for name, reason in rejected:
        lines.append(_status("err", "⛔", f"<b>{esc(name)}</b>: {esc(reason)}"))
    if not lines:
        lines.append(_status("info", "ℹ️", "Không có gì thay đổi."))
    return _status_list(lines)


def _status_list(lines: Sequence[str]) -> str:
    """Status lines with the time they were made: the same result twice still reads as new."""
    at = datetime.now().strftime("%H:%M:%S")
    return f'<div class="st-list">{"".join(lines)}<div class="st-time">Lúc {at}</div></div>'


def status_html(kind: str, text: str) -> str:
    """One status line (``ok``, ``info`` or ``err``) for the documents tab."""
    icon = {"ok": "✅", "info": "ℹ️", "err": "⚠️"}.get(kind, "ℹ️")
    return _status_list([_status(kind, icon, html.escape(text))])


# source viewer -------------------------------------------------------------------------
VIEWER_LOADING = (
    '<div class="vw-head"><div class="hd-spinner small"></div>'
    "<span>Đang mở tài liệu gốc…</span></div>"
)


def viewer_head_html(
    name: str,
    *,
    page: int | None = None,
    pages: int | None = None,
    marked: bool = True,
    recognized: bool = False,
    focus: float | None = None,
    at_passage: bool = True,
) -> str:
    """The viewer's title line: the file, the page, and what the yellow mark is."""
    parts = []
    if page and pages:
        parts.append(f"Trang {page}/{pages}")
    if page is None:
        parts.append("Đoạn trích được tô vàng trong văn bản xung quanh")
    elif marked:
        how = " (vị trí lấy từ nhận dạng chữ OCR của bản scan)" if recognized else ""
        parts.append(f"Đoạn trích được tô vàng{how}")
    elif at_passage:
        parts.append("Không định vị được đoạn trích trên trang này")
    else:
        parts.append("Trang không chứa đoạn trích")
    focus_attr = f' data-focus="{focus:.4f}"' if focus is not None else ""
    page_attr = f' data-page="{page}"' if page else ""
    return (
        f'<div class="vw-head"{focus_attr}{page_attr}>'
        f'<span class="vw-file" title="{html.escape(name)}">📄 {html.escape(name)}</span>'
        f'<span class="vw-meta">{html.escape(" · ".join(parts))}</span></div>'
    )


def viewer_refusal_html(message: str) -> str:
    """Why a source cannot be shown (not indexed, gone, not allowed) — never a traceback."""
    return (
        '<div class="vw-head vw-refused"><span class="vw-file">⛔ Không mở được nguồn này</span>'
        f'<span class="vw-meta">{html.escape(message)}</span></div>'
    )


# conversations -----------------------------------------------------------------------------
HISTORY_EMPTY = (
    '<div class="hist-empty">Chưa có cuộc trò chuyện nào. Câu hỏi đầu tiên sẽ bắt đầu '
    "một cuộc mới, được lưu lại ở đây.</div>"
)


def conversation_time(timestamp: float) -> str:
    """When a conversation last moved, in the server's local time."""
    return datetime.fromtimestamp(timestamp).strftime("%d/%m/%Y %H:%M")


def history_html(conversations: Sequence[object], current: int | None) -> str:
    """The earlier conversations, newest first: title (the first question) and date."""
    if not conversations:
        return HISTORY_EMPTY
    items = []
    for item in conversations:
        ident = int(getattr(item, "id", 0))
        title = html.escape(str(getattr(item, "title", "")))
        when = conversation_time(float(getattr(item, "updated", 0.0)))
        active = " active" if ident == current else ""
        pressed = "true" if ident == current else "false"
        items.append(
            f'<button type="button" class="hist-item{active}" data-conversation="{ident}" '
            f'aria-pressed="{pressed}" title="{title}"><span class="hist-title">{title}</span>'
            f'<span class="hist-date">{when}</span></button>'
        )
    return f'<div class="hist-list">{"".join(items)}</div>'
