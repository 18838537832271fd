"""Which reports a conversation is about, on the page; and the figures of its last answer.

Above the chat, a picker of the indexed documents (searchable: each is listed by file name,
company, ticker and period from its report card) says what the questions are about: one,
several, or none picked for every report. The scope is sent with each question
(``qa.stream(documents=...)``), kept with the conversation, and restored when a conversation
is reopened. Uploading a report offers to start a conversation about it.

Under the chat, when the last answer states a line over several periods or companies, a
bar chart of its figures (Gradio's own ``BarPlot``) and the per-report table as CSV.
"""

from __future__ import annotations

import html
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from hoidap.settings import Settings
from qa.figures import chartable, figures_csv
from qa.scope import LibraryDocument, documents_in
from qa.types import Figure
from ui.conversations import user_of
from ui.history_panel import PANEL_EVENT, HistoryHandlers

log = logging.getLogger(__name__)

ALL_DOCUMENTS = "tất cả tài liệu"


@dataclass
class ScopeBar:
    """The picker and the line saying what the conversation is about."""

    picker: Any
    shown: Any


@dataclass
class FiguresPanel:
    """The chart and the CSV of the last answer's figures."""

    column: Any
    chart: Any
    csv: Any


def _library(settings: Settings) -> list[LibraryDocument]:
    try:
        return documents_in(settings)
    except Exception:  # a page still opens on a damaged or unreachable store
        log.warning("the documents list for the scope picker is unavailable", exc_info=True)
        return []


def choices(docs: list[LibraryDocument]) -> list[tuple[str, str]]:
    """(label, source) pairs: the label holds what a person searches by."""
    return [(d.label, d.source) for d in docs]


def scope_html(scope: list[str] | None, docs: list[LibraryDocument]) -> str:
    """"Đang hỏi về: …" with the documents' names (and companies), or every document."""
    if not scope:
        return f'<div class="hd-scope-line">Đang hỏi về: <b>{ALL_DOCUMENTS}</b></div>'
    by_source = {d.source: d for d in docs}
    names = []
    for source in scope:
        doc = by_source.get(source)
        shown = doc.label if doc else Path(source).name
        names.append(f'<span class="hd-scope-doc">{html.escape(shown)}</span>')
    return f'<div class="hd-scope-line">Đang hỏi về: {" ".join(names)}</div>'


def build_scope_bar(settings: Settings) -> ScopeBar:
    docs = _library(settings)
    with gr.Row(elem_id="hd-scope-row"):
        picker = gr.Dropdown(
            choices=choices(docs),
            value=[],
            multiselect=True,
            filterable=True,
            label="Hỏi về tài liệu",
            info="Gõ tên tệp, công ty, mã hoặc kỳ để tìm; để trống để hỏi tất cả.",
            elem_id="hd-scope",
            scale=4,
        )
    shown = gr.HTML(scope_html(None, docs), elem_id="hd-scope-shown")
    return ScopeBar(picker, shown)


def build_figures_panel() -> FiguresPanel:
    with gr.Column(visible=False, elem_id="hd-figures") as column:
        chart = gr.BarPlot(
            value=None,
            x="bar",
            y="value",
            color="company",
            title="Số liệu trong câu trả lời",
            x_title="",
            y_title="",
            sort=None,
            height=260,
            elem_id="hd-chart",
        )
        csv = gr.DownloadButton(
            "⬇️ Tải bảng số liệu (CSV)", size="sm", value=None, elem_id="hd-figures-csv"
        )
    return FiguresPanel(column, chart, csv)


def chart_frame(figures: list[Figure]) -> Any:
    """One bar per (report, period): x is "ticker · period", colour the company."""
    import pandas as pd

    rows = [
        {
            "bar": f"{f.ticker or f.company} · {f.period}",
            "value": f.value,
            "company": f.ticker or f.company,
            "period": f.period,
            "unit": f.unit,
        }
        for f in figures
    ]
    return pd.DataFrame(rows)


def chart_caption(figures: list[Figure]) -> str:
    """What the chart shows: the line, and whose (ticker or company) figures."""
    who = ", ".join(dict.fromkeys(f.ticker or f.company for f in figures))
    return f"{figures[0].line} ({figures[0].unit}): {who}"


class ScopeHandlers:
    """The picker's and the figures panel's events."""

    def __init__(self, settings: Settings, history: HistoryHandlers) -> None:
        self.settings = settings
        self.history = history

    def on_library(self, scope: list[str] | None) -> tuple[Any, str]:
        """The picker's choices as the library is now (after an upload or a delete)."""
        docs = _library(self.settings)
        known = {d.source for d in docs}
        kept = [s for s in (scope or []) if s in known]
        return gr.Dropdown(choices=choices(docs), value=kept), scope_html(kept, docs)

    def on_change(self, scope: list[str] | None) -> str:
        return scope_html(list(scope or []), _library(self.settings))

    def on_restore(self, conversation: int | None, request: gr.Request) -> tuple[Any, str]:
        """A reopened conversation gets its scope back."""
        store = self.history.store
        scope: list[str] = []
        if store is not None and conversation is not None:
            scope = store.documents(user_of(request), conversation) or []
        docs = _library(self.settings)
        return gr.Dropdown(choices=choices(docs), value=scope), scope_html(scope, docs)

    def last_figures(self, conversation: int | None, user: str) -> list[Figure]:
        store = self.history.store
        if store is None or conversation is None:
            return []
        turns = store.turns(user, conversation)
        return list(turns[-1].answer.figures) if turns else []

    def on_answered(self, conversation: int | None, request: gr.Request) -> tuple[Any, ...]:
        """The chart and the CSV of the conversation's last answer (hidden without figures)."""
        user = user_of(request)
        figures = self.last_figures(conversation, user)
        if not chartable(figures):
            return gr.Column(visible=False), gr.BarPlot(value=None), gr.DownloadButton(value=None)
        path = self._csv(figures, conversation, user)
        return (
            gr.Column(visible=True),
            gr.BarPlot(
                value=chart_frame(figures), y_title=figures[0].unit, caption=chart_caption(figures)
            ),
            gr.DownloadButton(value=path),
        )

    def _csv(self, figures: list[Figure], conversation: int | None, user: str) -> str | None:
        import hashlib

        key = hashlib.sha256(f"{self.settings.data_dir.resolve()}|{user}".encode()).hexdigest()
        text = figures_csv(figures)
        # one folder per table: a download of the same path is not fetched again
        content = hashlib.sha256(text.encode()).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / "hoidap-exports" / key[:24] / str(conversation)
        try:
            (folder / content).mkdir(mode=0o700, parents=True, exist_ok=True)
            target = folder / content / "so-lieu.csv"
            target.write_text(text, encoding="utf-8-sig")
        except OSError:
            log.warning("figures CSV not written", exc_info=True)
            return None
        return str(target)

    def on_ask_about(self, added: list[str] | None) -> tuple[Any, ...]:
        """Start a conversation about the reports just uploaded: the chat tab, scoped."""
        docs = _library(self.settings)
        known = {d.source for d in docs}
        scope = [s for s in (added or []) if s in known]
        return (
            gr.Tabs(selected="chat"),
            gr.Dropdown(choices=choices(docs), value=scope),
            scope_html(scope, docs),
        )


def wire_scope(
    bar: ScopeBar,
    figures: FiguresPanel,
    handlers: ScopeHandlers,
    *,
    conversation: Any,
    asked: list[Any],
    opened: Any,
    library_changed: list[Any],
) -> None:
    """The picker follows the library and the conversation; the figures follow answers.

    ``asked``: the events after which the conversation's last answer changed (asked,
    cleared); ``opened``: reopening a conversation; ``library_changed``: page load, upload,
    re-ingest, delete.
    """
    bar.picker.change(handlers.on_change, [bar.picker], [bar.shown], **PANEL_EVENT)
    shown = [figures.column, figures.chart, figures.csv]
    for event in asked:
        event.then(handlers.on_answered, [conversation], shown, **PANEL_EVENT)
    opened.then(handlers.on_restore, [conversation], [bar.picker, bar.shown], **PANEL_EVENT).then(
        handlers.on_answered, [conversation], shown, **PANEL_EVENT
    )
    for event in library_changed:
        event.then(handlers.on_library, [bar.picker], [bar.picker, bar.shown], **PANEL_EVENT)
