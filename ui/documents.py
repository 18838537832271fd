"""The *Tài liệu* tab: upload, the documents table, delete, re-ingest.

Writes to the index (upload, delete, re-ingest) share one concurrency group of size 1
(:data:`INDEX_GROUP`), and each goes through :func:`run_write`, which turns a busy index or
a failed write into the status line the user reads (the log gets the traceback).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import gradio as gr

from hoidap.files import readable
from hoidap.settings import Settings
from ingest import IngestBusyError, IngestReport, ingest
from ingest.library import (
    DocumentRecord,
    delete_documents,
    documents,
    find_documents,
    reingest,
)
from ingest.loaders import SUPPORTED_SUFFIXES
from qa import open_index
from ui import render
from ui.asking import store_failure
from ui.examples import ExampleCache
from ui.header import header_html
from ui.uploads import UploadBatch, save_uploads, shown_suffixes

log = logging.getLogger(__name__)

INDEX_GROUP = "index-writes"
T = TypeVar("T")
GradioProgress = Callable[..., Any]
CONFIRM_DELETE = (
    "(picked, choice) => [(picked && picked.length && window.confirm("
    "'Xóa ' + picked.length + ' tài liệu khỏi chỉ mục?')) ? picked : [], choice]"
)


# -- writing to the index --------------------------------------------------------------------
@dataclass(frozen=True)
class IndexWrite:
    """One kind of write to the index, as the tab reports it when it cannot be done."""

    action: str  # the status line: "<action> không thành công…"
    busy: str  # the status line while another ingest holds the index
    log_as: str  # the log line's name for it


BUSY = "Một lần nạp tài liệu khác đang chạy; hãy thử lại sau ít phút."
UPLOAD = IndexWrite("Nạp tài liệu", BUSY, "ingest of uploads")
REINGEST = IndexWrite("Nạp lại", BUSY, "re-ingest")
DELETE = IndexWrite("Xóa", "Đang có một lần nạp tài liệu; hãy xóa lại sau khi nạp xong.", "delete")


def run_write(kind: IndexWrite, write: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run one write to the index, never raising.

    Returns:
        ``(result, None)``, or ``(None, status)`` with the status HTML to show instead: the
        index busy with another ingest, or the write failed (named when the user can act).
    """
    try:
        return write(), None
    except IngestBusyError:
        return None, render.status_html("err", kind.busy)
    except Exception as exc:
        log.exception("%s failed", kind.log_as)
        return None, render.status_html("err", store_failure(exc, kind.action))


class IngestProgress:
    """Ingest's progress callbacks drawn on Gradio's progress bar (or on nothing)."""

    def __init__(self, progress: GradioProgress | None) -> None:
        self.progress = progress

    def files(self, done: int, total: int, name: str) -> None:
        if self.progress is None:
            return
        if not name:
            self.progress(None, desc="Đang cập nhật chỉ mục tìm kiếm…")
        elif total <= 1:
            # ingest reports per file: one file would sit at 0 % until done, so say what is
            # happening (with the elapsed time) instead of showing a frozen bar
            self.progress(None, desc=f"Đang đọc và lập chỉ mục {name}…")
        else:
            desc = f"Đang nạp {name} ({done + 1}/{total})"
            self.progress((min(done, total), total), desc=desc, unit="tệp")

    def pages(self, page: int, pages: int, name: str) -> None:
        # a long scan is recognized page by page (minutes): the bar counts its pages
        if self.progress is not None and pages > 1:
            desc = f"Đang đọc {name}: trang {page}/{pages} (nhận dạng chữ nếu là bản scan)"
            self.progress((min(page, pages), pages), desc=desc, unit="trang")

    def callbacks(self) -> dict[str, Callable[[int, int, str], None]]:
        """The ``progress`` and ``page_progress`` arguments of an ingest."""
        return {"progress": self.files, "page_progress": self.pages}


# -- handlers --------------------------------------------------------------------------------
class DocumentHandlers:
    """The documents tab's events (and the writes the API shares), for one data directory."""

    def __init__(self, settings: Settings, examples: ExampleCache) -> None:
        self.settings = settings
        self.examples = examples

    def library(self, choice: str | None = None) -> tuple[str, list[list[object]], Any]:
        """Header, documents table and delete choices, as they are now."""
        docs = documents(self.settings)
        return (
            header_html(self.settings, docs, choice),
            render.document_rows(docs),
            gr.Dropdown(choices=render.document_choices(docs), value=[]),
        )

    def _run_ingest(
        self, paths: list[Path], progress: GradioProgress | None, *, prune: bool = False
    ) -> IngestReport:
        open_index(self.settings)
        shown = IngestProgress(progress).callbacks()
        return ingest(paths, prune=prune, settings=self.settings, **shown)

    def _reingest(self, progress: GradioProgress | None) -> IngestReport:
        open_index(self.settings)
        return reingest(self.settings, **IngestProgress(progress).callbacks())

    def ingest_files(
        self, files: list[str] | None, progress: GradioProgress | None = None
    ) -> tuple[str, IngestReport | None, UploadBatch]:
        """Check, save and ingest uploaded files; returns the status HTML and the report."""
        files = [f for f in (files or []) if f]
        if not files:
            return render.status_html("info", "Chưa chọn tệp nào."), None, UploadBatch()
        if progress is not None:
            progress(0, desc="Đang kiểm tra tệp…")
        uploaded = [(Path(f), Path(f).name) for f in files]
        batch = save_uploads(uploaded, self.settings, documents(self.settings))
        report = None
        if batch.saved:
            report, failed = run_write(UPLOAD, lambda: self._run_ingest(batch.saved, progress))
            if failed is not None:
                return failed, None, batch
            self.examples.refresh_in_background()
        status = render.ingest_report_html(
            report, duplicates=batch.duplicates, rejected=batch.rejected
        )
        return status, report, batch

    def on_upload(
        self,
        files: list[str] | None,
        choice: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        """Ingest the uploads; the last two outputs offer a conversation about them."""
        status, report, _ = self.ingest_files(files, progress)
        added = [readable(s) for s in (report.added + report.updated)] if report else []
        offer = gr.Button(visible=bool(added))
        return (status, *self.library(choice), None, offer, added)

    def on_reingest(
        self,
        choice: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        """Bring the index in line with the files: changed files re-embedded, lost ones dropped."""
        if not documents(self.settings):
            status = render.status_html("info", "Chưa có tài liệu nào để nạp lại.")
            return (status, *self.library(choice))
        report, failed = run_write(REINGEST, lambda: self._reingest(progress))
        if failed is None:
            self.examples.refresh_in_background()
        return (failed or render.ingest_report_html(report), *self.library(choice))

    def delete(self, wanted: list[str]) -> list[str]:
        """Take documents out of the index, given by source path (as stored or as shown) or by
        file name; an uploaded copy is deleted with it. Returns the removed sources as shown."""
        open_index(self.settings)
        sources = find_documents(self.settings, wanted)
        removed = delete_documents(sources, settings=self.settings) if sources else []
        if removed:
            self.examples.refresh_in_background()
        return [readable(s) for s in removed]

    def on_delete(self, selected: list[str] | str | None, choice: str | None) -> tuple[Any, ...]:
        if isinstance(selected, str):
            selected = [selected]
        picked = [s for s in (selected or []) if s]
        if not picked:
            status = render.status_html("info", "Chưa chọn tài liệu nào để xóa.")
            return (status, *self.library(choice))
        removed, failed = run_write(DELETE, lambda: self.delete(picked))
        if failed is None:
            names = render.names_list([Path(s).name for s in removed or []])
            failed = render.status_html(
                "ok", f"Đã xóa khỏi chỉ mục: {names}. Các câu trả lời không còn dùng tài liệu này."
            )
        return (failed, *self.library(choice))


# -- layout ----------------------------------------------------------------------------------
@dataclass
class DocsTab:
    """The documents tab's components that events read or write."""

    tab: Any
    upload: Any
    reingest: Any
    status: Any
    table: Any
    to_delete: Any
    delete: Any
    offer: Any = None  # "ask about the uploaded reports", shown after an upload
    added: Any = None  # the sources the last upload added or updated
    writes: Any = None  # the events that changed the library (set by wire_documents)


def _intro(settings: Settings) -> None:
    gr.HTML(
        '<div class="docs-intro"><b>Tải báo cáo lên</b> để hỏi đáp trên đó. '
        f"Nhận tệp {shown_suffixes()}; tối đa {settings.max_upload_mb} MB mỗi tệp; chọn được "
        "nhiều tệp cùng lúc. Tệp đã nạp mà không đổi sẽ không phải nạp lại.</div>"
    )


def _actions_row() -> tuple[Any, Any]:
    with gr.Row(elem_id="hd-doc-actions"):
        upload = gr.UploadButton(
            "📤 Tải tài liệu lên",
            file_count="multiple",
            file_types=list(SUPPORTED_SUFFIXES),
            variant="primary",
            elem_id="hd-upload",
            scale=0,
            min_width=220,
        )
        again = gr.Button("🔄 Nạp lại tất cả", elem_id="hd-reingest", scale=0, min_width=180)
    return upload, again


def _documents_table(docs: Mapping[str, DocumentRecord]) -> Any:
    return gr.Dataframe(
        value=render.document_rows(docs),
        headers=render.DOCUMENT_COLUMNS,
        datatype=["str", "str", "str", "number", "str"],
        interactive=False,
        wrap=True,
        label="Tài liệu đã nạp",
        elem_id="hd-documents",
        column_widths=["28%", "32%", "10%", "10%", "20%"],
        max_height=420,
    )


def _delete_row(docs: Mapping[str, DocumentRecord]) -> tuple[Any, Any]:
    with gr.Row(elem_id="hd-delete-row"):
        to_delete = gr.Dropdown(
            choices=render.document_choices(docs),
            value=[],
            multiselect=True,
            label="Xóa tài liệu khỏi chỉ mục",
            info="Chọn một hoặc nhiều tài liệu; chúng sẽ không còn được dùng để trả lời.",
            elem_id="hd-delete-pick",
            scale=4,
        )
        delete = gr.Button("🗑️ Xóa", variant="stop", elem_id="hd-delete", scale=0, min_width=120)
    return to_delete, delete


def build_docs_tab(settings: Settings, docs: Mapping[str, DocumentRecord]) -> DocsTab:
    """The tab's layout: what it accepts, upload and re-ingest, the table, delete."""
    with gr.Tab("📁 Tài liệu", id="docs", elem_id="tab-docs") as tab:
        _intro(settings)
        upload, again = _actions_row()
        status = gr.HTML("", elem_id="hd-status")
        offer = gr.Button(
            "💬 Hỏi về tài liệu vừa nạp", visible=False, variant="primary", elem_id="hd-ask-about"
        )
        added = gr.State([])
        table = _documents_table(docs)
        to_delete, delete = _delete_row(docs)
    return DocsTab(tab, upload, again, status, table, to_delete, delete, offer, added)


# -- events ----------------------------------------------------------------------------------
def wire_documents(
    tab: DocsTab,
    handlers: DocumentHandlers,
    *,
    header: Any,
    answerer: Any,
    after_write: Callable[[Any], Any],
) -> list[Any]:
    """Upload, re-ingest and delete (each followed by ``after_write``), and the table kept
    current when the tab is opened. Returns the library outputs (header, table, picker)."""
    library = [header, tab.table, tab.to_delete]
    write: dict[str, Any] = {
        "concurrency_id": INDEX_GROUP,
        "concurrency_limit": 1,
        "api_visibility": "private",
        "show_progress_on": [tab.status],  # one progress bar, where the result will appear
    }
    uploaded = tab.upload.upload(
        handlers.on_upload,
        [tab.upload, answerer],
        [tab.status, *library, tab.upload, tab.offer, tab.added],
        **write,
    )
    after_write(uploaded)
    reingested = tab.reingest.click(
        handlers.on_reingest, [answerer], [tab.status, *library], **write
    )
    after_write(reingested)
    deleted = tab.delete.click(
        handlers.on_delete,
        [tab.to_delete, answerer],
        [tab.status, *library],
        js=CONFIRM_DELETE,
        **write,
    )
    after_write(deleted)
    tab.tab.select(handlers.library, [answerer], library, api_visibility="private")
    tab.writes = [uploaded, reingested, deleted]
    return library
