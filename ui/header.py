"""The title bar and the choice of who answers: what is indexed, who writes the answer."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping

from hoidap.settings import Settings
from ingest.library import DocumentRecord
from ui import render

log = logging.getLogger(__name__)

Choices = list[tuple[str, str]]  # (label shown, answerer name)


def answerer_choices(settings: Settings) -> Choices:
    """The answerers this installation can use, with the label the page shows."""
    from qa.llm_server import runtime_available

    choices = [("Tự động", "auto"), ("Trích nguyên văn (nhanh)", "extractive")]
    if runtime_available():
        choices.append(("Mô hình cục bộ (chậm hơn)", "local"))
    if settings.llm_base_url:
        choices.append(("Mô hình qua máy chủ", "openai"))
    return choices


def default_choice(settings: Settings, choices: Choices) -> str:
    """The configured answerer when the page offers it, else ``auto``."""
    return settings.answerer if settings.answerer in dict(choices).values() else "auto"


def options_title(choice: str, choices: Choices) -> str:
    """The collapsed options say which way of answering is chosen, without opening them."""
    label = dict((value, text) for text, value in choices).get(choice, choice)
    return f"⚙️ Cách trả lời: {label}"


def resolved_answerer(settings: Settings, choice: str | None = None) -> str:
    """Which answerer ``auto`` (or the choice) really means here, never raising."""
    try:
        from qa.chain import resolve_answerer

        return resolve_answerer(settings, choice or None)
    except Exception:
        log.debug("cannot resolve answerer", exc_info=True)
        return "extractive"


def header_html(
    settings: Settings, documents: Mapping[str, DocumentRecord], choice: str | None = None
) -> str:
    """The title bar, with what is indexed and who answers, so users know what they get."""
    docs = len(documents)
    chunks = sum(len(r.chunk_ids) for r in documents.values())
    who = render.answerer_label(resolved_answerer(settings, choice))
    library = (
        f"{docs} tài liệu · {chunks} đoạn"
        if docs
        else "Chưa có tài liệu — hãy tải lên ở thẻ Tài liệu"
    )
    return (
        '<div class="hd-header"><div class="hd-brand"><span class="hd-logo">📑</span>'
        '<div><div class="hd-title">Hỏi đáp báo cáo</div>'
        '<div class="hd-sub">Câu trả lời lấy từ chính tài liệu của bạn, luôn kèm nguồn.</div>'
        "</div></div>"
        '<div class="hd-badges">'
        f'<span class="hd-badge" id="hd-library">📚 {html.escape(library)}</span>'
        f'<span class="hd-badge" id="hd-answerer">🤖 Bộ trả lời: {html.escape(who)}</span></div>'
        "</div>"
    )
