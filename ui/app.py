"""The chat web page: questions with their sources, and the documents they are answered from.

``build_app(settings)`` makes the Gradio app and ``serve(settings)`` runs it (``hoidap
serve``). Two tabs: *Hỏi đáp* (chat; the sources panel fills as soon as retrieval is done,
then the answer streams in) and *Tài liệu* (upload, table, delete, re-ingest). Named API
endpoints (``/ask``, ``/ingest``, ``/documents``, ``/delete``) serve ``gradio_client``.

Writes to the index (upload, delete, re-ingest) share one concurrency group of size 1,
and questions have their own group of several, so one person's upload never queues
anyone's question. No handler lets an exception reach Gradio: users see a Vietnamese
message, the log gets the traceback.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from hoidap.settings import Settings, quiet_network
from qa.types import Answer, Source
from store.manifest import Manifest
from ui import render
from ui.asking import ask, friendly_error, is_user_error, make_turn, open_index, store_failure
from ui.examples import ExampleCache
from ui.uploads import ALLOWED_SUFFIXES, UploadBatch, save_uploads

log = logging.getLogger(__name__)

CHAT_CONCURRENCY = 4
INDEX_GROUP = "index-writes"
CHAT_GROUP = "questions"
# Over this many seconds without text, the waiting message shows the time spent.
SHOW_ELAPSED_AFTER = 2.0
# turns kept per conversation: the follow-up rewrite reads the last few, memory stays bounded
MAX_HISTORY = 8

Messages = list[dict[str, Any]]
History = list[Any]  # qa.conversation.Turn, one per answered question of this session

THEME = gr.themes.Soft(
    primary_hue="blue",
    secondary_hue="sky",
    neutral_hue="slate",
    radius_size="lg",
    # system fonts: the default theme loads Google Fonts, and the page must not go online
    font=[
        "ui-sans-serif",
        "system-ui",
        "Segoe UI",
        "Roboto",
        "Helvetica Neue",
        "Arial",
        "sans-serif",
    ],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)

CSS_PATH = Path(__file__).with_name("style.css")
# Gradio's login form has English labels only; the message says what they mean.
LOGIN_MESSAGE = (
    "Đăng nhập để dùng trang <b>Hỏi đáp báo cáo</b>.<br>"
    "Nhập tên đăng nhập (username), mật khẩu (password), rồi bấm Login."
)

WELCOME = """<div class="welcome">
<div class="welcome-icon">💬</div>
<h3>Hỏi đáp trên các báo cáo đã nạp</h3>
<p>Gõ câu hỏi bằng tiếng Việt rồi nhấn <b>Enter</b>. Mỗi câu trả lời đều ghi nguồn
[1], [2]… và khung bên phải cho thấy đoạn trích, tên tệp, trang.</p>
</div>"""


# -- small helpers ---------------------------------------------------------------------------
def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """``"user:password"`` → ``(user, password)``; the password may itself contain ``:``."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        msg = "HOIDAP_AUTH / --auth phải có dạng tên:mật_khẩu (user:password)."
        raise ValueError(msg)
    return user, password


def answerer_choices(settings: Settings) -> list[tuple[str, str]]:
    """The answerers this installation can use, with the label the page shows."""
    from qa.llm_server import runtime_available

    choices = [("Tự động", "auto"), ("Trích nguyên văn (nhanh)", "extractive")]
    if runtime_available():
        choices.append(("Mô hình cục bộ (chậm hơn)", "local"))
    if settings.llm_base_url:
        choices.append(("Mô hình qua máy chủ", "openai"))
    return choices


def options_title(choice: str, choices: list[tuple[str, str]]) -> str:
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


def _manifest(settings: Settings) -> Manifest:
    try:
        return Manifest.load(settings.manifest_path)
    except (OSError, ValueError):
        log.warning("manifest unreadable", exc_info=True)
        return Manifest(settings.manifest_path)


def header_html(settings: Settings, manifest: Manifest, choice: str | None = None) -> str:
    """The title bar, with what is indexed and who answers, so users know what they get."""
    docs = len(manifest.documents)
    chunks = sum(len(r.chunk_ids) for r in manifest.documents.values())
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


def waiting_label(found: bool, answerer: str) -> str:
    """What the placeholder says while nothing is written yet."""
    if not found:
        return "Đang tìm trong tài liệu…"
    if answerer == "extractive":
        return "Đang soạn câu trả lời…"
    return "Mô hình đang đọc các đoạn trích…"


def user_message(question: str) -> dict[str, Any]:
    return {"role": "user", "content": html.escape(question)}


def bot_message(content: str) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


# -- the app ---------------------------------------------------------------------------------
class HoidapApp:
    """The handlers, bound to one :class:`Settings` (one data directory)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.examples = ExampleCache(settings)

    # chat ------------------------------------------------------------------------------
    def on_ask(
        self, question: str, messages: Messages | None, history: History | None, choice: str | None
    ) -> Iterator[tuple[Messages, str, str, History]]:
        """Stream one exchange into the chat: sources first, then the answer as it grows."""
        question = (question or "").strip()
        messages = list(messages or [])
        history = list(history or [])
        if not question:
            gr.Info("Hãy nhập một câu hỏi.", title="Câu hỏi trống")
            yield messages, gr.skip(), "", history
            return
        messages += [
            user_message(question),
            bot_message(render.working_html("Đang tìm trong tài liệu…")),
        ]
        yield messages, render.SEARCHING_SOURCES, "", history
        sources: list[Source] = []
        text = ""
        understood: str | None = None
        answerer = choice or None
        model_name = resolved_answerer(self.settings, answerer)
        for event in ask(question, settings=self.settings, answerer=answerer, history=history):
            if event.kind == "rewritten":
                understood = event.text
            elif event.kind == "sources":
                sources = event.sources
                if not text:
                    messages[-1] = bot_message(render.working_html(waiting_label(True, model_name)))
                panel = render.sources_html(sources, pending=True, question=question)
                yield messages, panel, "", history
            elif event.kind == "text":
                text = event.text
                messages[-1] = bot_message(
                    render.partial_answer_html(text, len(sources), model_name)
                )
                yield messages, gr.skip(), "", history
            elif event.kind == "tick":
                if not text and event.seconds >= SHOW_ELAPSED_AFTER:
                    label = waiting_label(bool(sources), model_name)
                    messages[-1] = bot_message(render.working_html(label, event.seconds))
                    yield messages, gr.skip(), "", history
            elif event.kind == "answer" and event.answer is not None:
                result: Answer = event.answer
                messages[-1] = bot_message(
                    render.answer_html(result, seconds=event.seconds, understood=understood)
                )
                panel = render.sources_html(
                    result.sources,
                    quotes=result.quotes,
                    answer_text=result.text,
                    abstained=result.abstained,
                    question=question,
                )
                turn = make_turn(question, event.text or question, result)
                if turn is not None:
                    history = [*history, turn][-MAX_HISTORY:]
                yield messages, panel, "", history
            elif event.kind == "error":
                messages[-1] = bot_message(render.error_html(event.text))
                panel = (
                    render.sources_html(sources, question=question)
                    if sources
                    else render.EMPTY_SOURCES
                )
                yield messages, panel, "", history

    @staticmethod
    def on_clear() -> tuple[Messages, str, History, str]:
        return [], render.EMPTY_SOURCES, [], ""

    def example_samples(self) -> Any:
        """The suggestions, waiting for a build in progress (this event blocks nobody)."""
        examples = self.examples.get(wait=True)
        return gr.Dataset(samples=[[q] for q in examples], visible=bool(examples))

    # documents -------------------------------------------------------------------------
    def library(self, choice: str | None = None) -> tuple[str, list[list[object]], Any]:
        """Header, documents table and delete choices, as they are now."""
        manifest = _manifest(self.settings)
        choices = render.document_choices(manifest.documents)
        return (
            header_html(self.settings, manifest, choice),
            render.document_rows(manifest.documents),
            gr.Dropdown(choices=choices, value=[]),
        )

    def _run_ingest(
        self, paths: list[Path], progress: Callable[..., Any] | None, *, prune: bool = False
    ) -> Any:
        from ingest.pipeline import ingest

        open_index(self.settings)

        def report_progress(done: int, total: int, name: str) -> None:
            if progress is None:
                return
            if not name:
                progress(None, desc="Đang cập nhật chỉ mục tìm kiếm…")
            elif total <= 1:
                # ingest reports per file: one file would sit at 0 % until done, so say what
                # is happening (with the elapsed time) instead of showing a frozen bar
                progress(None, desc=f"Đang đọc và lập chỉ mục {name}…")
            else:
                desc = f"Đang nạp {name} ({done + 1}/{total})"
                progress((min(done, total), total), desc=desc, unit="tệp")

        def report_pages(page: int, pages: int, name: str) -> None:
            # a long scan is recognized page by page (minutes): the bar counts its pages
            if progress is not None and pages > 1:
                desc = f"Đang đọc {name}: trang {page}/{pages} (nhận dạng chữ nếu là bản scan)"
                progress((min(page, pages), pages), desc=desc, unit="trang")

        return ingest(
            paths,
            prune=prune,
            settings=self.settings,
            progress=report_progress,
            page_progress=report_pages,
        )

    def ingest_files(
        self, files: list[str] | None, progress: Callable[..., Any] | None = None
    ) -> tuple[str, Any, UploadBatch]:
        """Check, save and ingest uploaded files; returns the status HTML and the report."""
        from ingest.pipeline import IngestBusyError

        files = [f for f in (files or []) if f]
        if not files:
            return render.status_html("info", "Chưa chọn tệp nào."), None, UploadBatch()
        if progress is not None:
            progress(0, desc="Đang kiểm tra tệp…")
        batch = save_uploads(
            [(Path(f), Path(f).name) for f in files], self.settings, _manifest(self.settings)
        )
        report = None
        if batch.saved:
            try:
                report = self._run_ingest(batch.saved, progress)
            except IngestBusyError:
                return (
                    render.status_html(
                        "err", "Một lần nạp tài liệu khác đang chạy; hãy thử lại sau ít phút."
                    ),
                    None,
                    batch,
                )
            except Exception as exc:
                log.exception("ingest of uploads failed")
                return (
                    render.status_html("err", store_failure(exc, "Nạp tài liệu")),
                    None,
                    batch,
                )
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
        status, _, _ = self.ingest_files(files, progress)
        return (status, *self.library(choice), None)

    def on_choice(self, choice: str | None) -> tuple[str, Any]:
        """A new way of answering: the header badge and the options title follow it."""
        header = header_html(self.settings, _manifest(self.settings), choice)
        choices = answerer_choices(self.settings)
        return header, gr.Accordion(label=options_title(choice or "auto", choices))

    def on_reingest(
        self,
        choice: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        """Bring the index in line with the files: changed files re-embedded, lost ones dropped."""
        from ingest.pipeline import IngestBusyError

        manifest = _manifest(self.settings)
        if not manifest.documents:
            return (
                render.status_html("info", "Chưa có tài liệu nào để nạp lại."),
                *self.library(choice),
            )
        paths = [Path(s) for s in manifest.documents if Path(s).exists()]
        try:
            report = self._run_ingest(paths, progress, prune=True)
        except IngestBusyError:
            status = render.status_html(
                "err", "Một lần nạp tài liệu khác đang chạy; hãy thử lại sau ít phút."
            )
        except Exception as exc:
            log.exception("re-ingest failed")
            status = render.status_html("err", store_failure(exc, "Nạp lại"))
        else:
            status = render.ingest_report_html(report)
            self.examples.refresh_in_background()
        return (status, *self.library(choice))

    def delete(self, sources: list[str]) -> list[str]:
        """Take documents out of the index; an uploaded copy is deleted with it."""
        from ingest.pipeline import remove_documents

        open_index(self.settings)
        manifest = _manifest(self.settings)
        known = [s for s in sources if s in manifest.documents]
        removed = remove_documents(known, settings=self.settings) if known else []
        uploads = self.settings.uploads_dir.resolve()
        for source in removed:
            path = Path(source)
            if path.parent.resolve() == uploads:
                path.unlink(missing_ok=True)
        if removed:
            self.examples.refresh_in_background()
        return removed

    def on_delete(self, selected: list[str] | str | None, choice: str | None) -> tuple[Any, ...]:
        from ingest.pipeline import IngestBusyError

        if isinstance(selected, str):
            selected = [selected]
        selected = [s for s in (selected or []) if s]
        if not selected:
            return (
                render.status_html("info", "Chưa chọn tài liệu nào để xóa."),
                *self.library(choice),
            )
        try:
            removed = self.delete(selected)
        except IngestBusyError:
            status = render.status_html(
                "err", "Đang có một lần nạp tài liệu; hãy xóa lại sau khi nạp xong."
            )
        except Exception as exc:
            log.exception("delete failed")
            status = render.status_html("err", store_failure(exc, "Xóa"))
        else:
            names = render.names_list([Path(s).name for s in removed])
            status = render.status_html(
                "ok", f"Đã xóa khỏi chỉ mục: {names}. Các câu trả lời không còn dùng tài liệu này."
            )
        return (status, *self.library(choice))

    # API -------------------------------------------------------------------------------
    def api_ask(self, question: str, answerer: str = "") -> dict[str, Any]:
        """Answer a question from the indexed documents.

        Returns the same JSON as ``hoidap ask --json``: ``answer``, ``abstained`` and the
        numbered ``sources`` the answer cites as [1], [2]…
        """
        from qa.api import answer

        try:
            open_index(self.settings)
            result = answer(question, settings=self.settings, answerer=answerer or None)
        except Exception as exc:
            if not is_user_error(exc):
                log.exception("API ask failed")
            raise gr.Error(friendly_error(exc), title="Lỗi", print_exception=False) from None
        return result.to_json()

    def api_ingest(self, files: list[str] | None) -> dict[str, Any]:
        _, report, batch = self.ingest_files(files, None)
        payload: dict[str, Any] = report.to_json() if report is not None else {}
        payload["duplicates"] = [{"file": n, "indexed_as": i} for n, i in batch.duplicates]
        payload["rejected"] = [{"file": n, "reason": r} for n, r in batch.rejected]
        if report is None and not batch.duplicates and not batch.rejected:
            payload["error"] = "Không nạp được tệp."
        return payload

    def api_documents(self) -> list[dict[str, Any]]:
        """The indexed documents: source, name, title, pages, chunks, ingested_at."""
        manifest = _manifest(self.settings)
        return [
            {
                "source": source,
                "name": rec.name,
                "title": rec.title,
                "pages": rec.pages,
                "chunks": len(rec.chunk_ids),
                "ingested_at": rec.ingested_at,
            }
            for source, rec in sorted(manifest.documents.items())
        ]

    def api_delete(self, documents: list[str]) -> list[str]:
        """Remove documents, given by source path or by file name; returns the removed sources."""
        manifest = _manifest(self.settings)
        wanted = set(documents or [])
        sources = [s for s, r in manifest.documents.items() if s in wanted or r.name in wanted]
        return self.delete(sources)

    # warm-up ---------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load the models before the first question, so nobody waits for them."""
        try:
            from qa.api import answer

            open_index(self.settings)
            if _manifest(self.settings).documents:
                answer("khởi động", settings=self.settings, answerer="extractive")
            self.examples.refresh()
            if resolved_answerer(self.settings) == "local":
                from qa.llm_answer import local_endpoint

                local_endpoint(self.settings)
        except Exception:
            log.warning("warm-up failed; the first question will load the models", exc_info=True)


def build_app(settings: Settings, handlers: HoidapApp | None = None) -> gr.Blocks:
    """The whole page for these settings (not launched); ``handlers`` lets serve() warm up first."""
    quiet_network()
    app = handlers or HoidapApp(settings)
    manifest = _manifest(settings)
    choices = answerer_choices(settings)
    default_choice = settings.answerer if settings.answerer in dict(choices).values() else "auto"

    with gr.Blocks(
        title="Hỏi đáp báo cáo", analytics_enabled=False, delete_cache=(3600, 24 * 3600)
    ) as demo:
        demo.hoidap = app  # type: ignore[attr-defined]  # tests and serve() reach the handlers
        header = gr.HTML(header_html(settings, manifest), elem_id="hd-header-box")
        history = gr.State([])
        with gr.Tabs(elem_id="hd-tabs"):
            with gr.Tab("💬 Hỏi đáp", id="chat", elem_id="tab-chat"):  # noqa: SIM117
                with gr.Row(equal_height=False, elem_id="hd-chat-row"):
                    with gr.Column(scale=3, min_width=360):
                        chatbot = gr.Chatbot(
                            elem_id="hd-chat",
                            show_label=False,
                            height=450,
                            placeholder=WELCOME,
                            feedback_options=None,
                            buttons=["copy"],
                            autoscroll=True,
                        )
                        with gr.Row(elem_id="hd-ask-row"):
                            question = gr.Textbox(
                                elem_id="hd-question",
                                show_label=False,
                                placeholder="Nhập câu hỏi về các báo cáo… (Enter để gửi)",
                                lines=1,
                                max_lines=4,
                                scale=8,
                                autofocus=True,
                                container=False,
                            )
                            send = gr.Button(
                                "Gửi", variant="primary", scale=1, min_width=80, elem_id="hd-send"
                            )
                        examples = gr.Dataset(
                            label="Gợi ý câu hỏi",
                            components=[question],
                            samples=[],  # filled on page load, once the warm-up built them
                            visible=False,
                            elem_id="hd-examples",
                            samples_per_page=6,
                        )
                        with gr.Row(elem_id="hd-chat-tools"):
                            with gr.Accordion(
                                options_title(default_choice, choices),
                                open=False,
                                elem_id="hd-options",
                            ) as options:
                                answerer = gr.Radio(
                                    choices=choices,
                                    value=default_choice,
                                    show_label=False,
                                    info="Trích nguyên văn: nhanh, đúng từng chữ của tài liệu. "
                                    "Mô hình: viết lại gọn hơn, rồi được đối chiếu với tài liệu.",
                                    elem_id="hd-answerer",
                                )
                            clear = gr.Button(
                                "🧹 Cuộc trò chuyện mới",
                                size="sm",
                                scale=0,
                                min_width=190,
                                elem_id="hd-clear",
                            )
                    with gr.Column(scale=2, min_width=320, elem_id="hd-sources-col"):
                        gr.HTML('<div class="panel-title">Nguồn trích dẫn</div>')
                        sources = gr.HTML(render.EMPTY_SOURCES, elem_id="hd-sources")
            with gr.Tab("📁 Tài liệu", id="docs", elem_id="tab-docs") as docs_tab:
                limit = settings.max_upload_mb
                allowed = ", ".join(s for s in ALLOWED_SUFFIXES if s != ".htm")
                gr.HTML(
                    '<div class="docs-intro"><b>Tải báo cáo lên</b> để hỏi đáp trên đó. '
                    f"Nhận tệp {allowed}; tối đa {limit} MB mỗi tệp; chọn được nhiều tệp "
                    "cùng lúc. Tệp đã nạp mà không đổi sẽ không phải nạp lại.</div>"
                )
                with gr.Row(elem_id="hd-doc-actions"):
                    upload = gr.UploadButton(
                        "📤 Tải tài liệu lên",
                        file_count="multiple",
                        file_types=list(ALLOWED_SUFFIXES),
                        variant="primary",
                        elem_id="hd-upload",
                        scale=0,
                        min_width=220,
                    )
                    reingest = gr.Button(
                        "🔄 Nạp lại tất cả", elem_id="hd-reingest", scale=0, min_width=180
                    )
                status = gr.HTML("", elem_id="hd-status")
                table = gr.Dataframe(
                    value=render.document_rows(manifest.documents),
                    headers=render.DOCUMENT_COLUMNS,
                    datatype=["str", "str", "str", "number", "str"],
                    interactive=False,
                    wrap=True,
                    label="Tài liệu đã nạp",
                    elem_id="hd-documents",
                    column_widths=["28%", "32%", "10%", "10%", "20%"],
                    max_height=420,
                )
                with gr.Row(elem_id="hd-delete-row"):
                    to_delete = gr.Dropdown(
                        choices=render.document_choices(manifest.documents),
                        value=[],
                        multiselect=True,
                        label="Xóa tài liệu khỏi chỉ mục",
                        info="Chọn một hoặc nhiều tài liệu; "
                        "chúng sẽ không còn được dùng để trả lời.",
                        elem_id="hd-delete-pick",
                        scale=4,
                    )
                    delete = gr.Button(
                        "🗑️ Xóa", variant="stop", elem_id="hd-delete", scale=0, min_width=120
                    )

        library_outputs = [header, table, to_delete]
        # waiting for the suggestions costs no CPU: never let it hold a worker others need
        examples_kwargs: dict[str, Any] = {"api_visibility": "private", "concurrency_limit": None}
        chat_outputs = [chatbot, sources, question, history]
        ask_kwargs: dict[str, Any] = {
            "concurrency_id": CHAT_GROUP,
            "concurrency_limit": CHAT_CONCURRENCY,
            "api_visibility": "private",
            "show_progress": "hidden",
        }
        question.submit(
            app.on_ask, [question, chatbot, history, answerer], chat_outputs, **ask_kwargs
        )
        send.click(app.on_ask, [question, chatbot, history, answerer], chat_outputs, **ask_kwargs)
        examples.click(
            lambda sample: sample[0] if sample else "",
            [examples],
            [question],
            queue=False,
            api_visibility="private",
        ).then(app.on_ask, [question, chatbot, history, answerer], chat_outputs, **ask_kwargs)
        chatbot.clear(
            app.on_clear, None, [chatbot, sources, history, question], api_visibility="private"
        )
        clear.click(
            app.on_clear,
            None,
            [chatbot, sources, history, question],
            queue=False,
            api_visibility="private",
        )

        write_kwargs: dict[str, Any] = {
            "concurrency_id": INDEX_GROUP,
            "concurrency_limit": 1,
            "api_visibility": "private",
            "show_progress_on": [status],  # one progress bar, where the result will appear
        }
        upload.upload(
            app.on_upload, [upload, answerer], [status, *library_outputs, upload], **write_kwargs
        ).then(app.example_samples, None, [examples], **examples_kwargs)
        reingest.click(
            app.on_reingest, [answerer], [status, *library_outputs], **write_kwargs
        ).then(app.example_samples, None, [examples], **examples_kwargs)
        delete.click(
            app.on_delete,
            [to_delete, answerer],
            [status, *library_outputs],
            js=(
                "(picked, choice) => [(picked && picked.length && window.confirm("
                "'Xóa ' + picked.length + ' tài liệu khỏi chỉ mục?')) ? picked : [], choice]"
            ),
            **write_kwargs,
        ).then(app.example_samples, None, [examples], **examples_kwargs)
        answerer.change(app.on_choice, [answerer], [header, options], api_visibility="private")
        docs_tab.select(app.library, [answerer], library_outputs, api_visibility="private")
        demo.load(app.library, [answerer], library_outputs, api_visibility="private").then(
            app.example_samples, None, [examples], **examples_kwargs
        )

        # named endpoints for gradio_client; hidden components carry the files for /ingest
        gr.api(
            app.api_ask,
            api_name="ask",
            concurrency_id=CHAT_GROUP,
            concurrency_limit=CHAT_CONCURRENCY,
        )
        gr.api(app.api_documents, api_name="documents")
        gr.api(app.api_delete, api_name="delete", concurrency_id=INDEX_GROUP, concurrency_limit=1)
        with gr.Column(visible=False):
            # no file_types: the handler refuses bad files itself, per file, in Vietnamese
            api_files = gr.File(file_count="multiple")
            api_report = gr.JSON()
            api_trigger = gr.Button()
        api_trigger.click(
            app.api_ingest,
            [api_files],
            [api_report],
            api_name="ingest",
            api_description="Upload and ingest files; returns what was added, updated, skipped.",
            concurrency_id=INDEX_GROUP,
            concurrency_limit=1,
        )
    return demo


def serve(settings: Settings) -> None:
    """Run the page on ``settings.host:port`` until interrupted (``hoidap serve``)."""
    quiet_network()
    auth = parse_auth(settings.auth)
    # first, so the model loads (≈10 s of imports) while the page is built and served
    handlers = HoidapApp(settings)
    threading.Thread(target=handlers.warm_up, name="hoidap-warmup", daemon=True).start()
    demo = build_app(settings, handlers)
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY, max_size=256)
    app_kwargs: dict[str, Any] = {}
    if auth:
        from starlette.middleware import Middleware

        from ui.security import HideApiBeforeLogin

        app_kwargs["middleware"] = [Middleware(HideApiBeforeLogin)]
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        auth_message=LOGIN_MESSAGE if auth else None,
        app_kwargs=app_kwargs,
        show_error=False,
        max_file_size=f"{settings.max_upload_mb}mb",
        blocked_paths=[str(settings.data_dir.resolve())],
        footer_links=[],
        run_history=False,
        enable_monitoring=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        share=False,
        inbrowser=False,
        theme=THEME,
        css_paths=[CSS_PATH],
    )
