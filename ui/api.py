"""The page's named endpoints for ``gradio_client``: ``/ask``, ``/ingest``, ``/documents``,
``/delete``. They share the concurrency groups of the page's own events, so an API upload
queues behind a page upload, never in front of anyone's question."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from hoidap.files import readable
from hoidap.settings import Settings
from ingest.library import documents
from qa import open_index
from ui.asking import friendly_error, is_user_error
from ui.chat import CHAT_CONCURRENCY, CHAT_GROUP
from ui.conversations import user_of
from ui.documents import INDEX_GROUP, DocumentHandlers
from ui.history_panel import keep_answer

log = logging.getLogger(__name__)


class ApiHandlers:
    """The endpoints' functions; uploads and deletes go through the documents tab's."""

    def __init__(self, settings: Settings, docs: DocumentHandlers) -> None:
        self.settings = settings
        self.docs = docs

    def api_ask(
        self, question: str, answerer: str = "", request: gr.Request | None = None
    ) -> dict[str, Any]:
        """Answer a question from the indexed documents (``/ask``: its two inputs stay as
        scripts call it; ``/ask_about`` adds the documents a question is about)."""
        return self.api_ask_about(question, answerer, None, request)

    def api_ask_about(
        self,
        question: str,
        answerer: str = "",
        documents: list[str] | None = None,
        request: gr.Request | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the indexed documents (``documents``: only those reports,
        by file name, glob, company or ticker).

        Returns the same JSON as ``hoidap ask --json``: ``answer``, ``abstained`` and the
        numbered ``sources`` the answer cites as [1], [2]… (and ``figures`` when it states
        a statement line's figures), with ``conversation``: the id it is kept under, as the
        page keeps its conversations.
        """
        from qa.api import answer
        from qa.scope import scope_sources

        try:
            open_index(self.settings)
            wanted = [d for d in (documents or []) if d]
            scope = scope_sources(self.settings, wanted) if wanted else None
            result = answer(
                question, settings=self.settings, answerer=answerer or None, documents=scope
            )
        except Exception as exc:
            if not is_user_error(exc):
                log.exception("API ask failed")
            raise gr.Error(friendly_error(exc), title="Lỗi", print_exception=False) from None
        payload = result.to_json()
        kept = keep_answer(
            self.settings, user_of(request), None, question, question, result, documents=scope
        )
        if kept is not None:
            payload["conversation"] = kept
        return payload

    def api_ingest(self, files: list[str] | None) -> dict[str, Any]:
        _, report, batch = self.docs.ingest_files(files, None)
        payload: dict[str, Any] = report.to_json() if report is not None else {}
        payload["duplicates"] = [{"file": n, "indexed_as": i} for n, i in batch.duplicates]
        payload["rejected"] = [{"file": n, "reason": r} for n, r in batch.rejected]
        if report is None and not batch.duplicates and not batch.rejected:
            payload["error"] = "Không nạp được tệp."
        return payload

    def api_documents(self) -> list[dict[str, Any]]:
        """The indexed documents: source, name, title, pages, chunks, ingested_at."""
        return [
            {
                "source": readable(source),
                "name": rec.name,
                "title": rec.title,
                "pages": rec.pages,
                "chunks": len(rec.chunk_ids),
                "ingested_at": rec.ingested_at,
            }
            for source, rec in sorted(documents(self.settings).items())
        ]

    def api_delete(self, documents: list[str]) -> list[str]:
        """Remove documents, given by source path or by file name; returns the removed sources."""
        return self.docs.delete(documents or [])


def register_api(handlers: ApiHandlers) -> None:
    """The named endpoints; hidden components carry the files for ``/ingest``."""
    gr.api(
        handlers.api_ask,
        api_name="ask",
        concurrency_id=CHAT_GROUP,
        concurrency_limit=CHAT_CONCURRENCY,
    )
    gr.api(
        handlers.api_ask_about,
        api_name="ask_about",
        concurrency_id=CHAT_GROUP,
        concurrency_limit=CHAT_CONCURRENCY,
    )
    gr.api(handlers.api_documents, api_name="documents")
    gr.api(handlers.api_delete, api_name="delete", concurrency_id=INDEX_GROUP, concurrency_limit=1)
    with gr.Column(visible=False):
        # no file_types: the handler refuses bad files itself, per file, in Vietnamese
        files = gr.File(file_count="multiple")
        report = gr.JSON()
        trigger = gr.Button()
    trigger.click(
        handlers.api_ingest,
        [files],
        [report],
        api_name="ingest",
        api_description="Upload and ingest files; returns what was added, updated, skipped.",
        concurrency_id=INDEX_GROUP,
        concurrency_limit=1,
    )
