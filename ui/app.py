"""The chat web page: questions with their sources, and the documents they are answered from.

``build_app(settings)`` makes the Gradio app and ``serve(settings)`` runs it (``hoidap
serve``). Two tabs, each a module with its layout, handlers and events: *Hỏi đáp*
(:mod:`ui.chat`) and *Tài liệu* (:mod:`ui.documents`); the named endpoints for
``gradio_client`` are :mod:`ui.api`.

Writes to the index (upload, delete, re-ingest) share one concurrency group of size 1,
and questions have their own group of several, so one person's upload never queues
anyone's question. No handler lets an exception reach Gradio: users see a Vietnamese
message, the log gets the traceback.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from hoidap.settings import Settings, quiet_network
from ingest.library import documents
from qa import open_index
from ui.api import ApiHandlers, register_api
from ui.chat import (
    CHAT_CONCURRENCY,
    ChatHandlers,
    build_chat_tab,
    refresh_examples_after,
    wire_chat,
)
from ui.documents import DocumentHandlers, build_docs_tab, wire_documents
from ui.examples import ExampleCache
from ui.header import answerer_choices, default_choice, header_html
from ui.history_panel import PANEL_EVENT, HistoryHandlers, build_history_panel, wire_history
from ui.scope import ScopeHandlers, build_figures_panel, build_scope_bar, wire_scope
from ui.source_panel import SourceHandlers, build_source_viewer, wire_source_viewer

log = logging.getLogger(__name__)

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


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """``"user:password"`` → ``(user, password)``; the password may itself contain ``:``."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        msg = "HOIDAP_AUTH / --auth phải có dạng tên:mật_khẩu (user:password)."
        raise ValueError(msg)
    return user, password


class HoidapApp:
    """The page's handlers for one :class:`Settings` (one data directory), by tab."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.examples = ExampleCache(settings)
        self.history = HistoryHandlers(settings)
        self.chat = ChatHandlers(settings, self.examples, keeper=self.history.keep)
        self.documents = DocumentHandlers(settings, self.examples)
        self.api = ApiHandlers(settings, self.documents)
        self.sources = SourceHandlers(settings)
        self.scope = ScopeHandlers(settings, self.history)

    def writes(self) -> dict[Callable[..., Any], str]:
        """The handlers that change the library, each with what a refusal calls it."""
        upload = "tải và nạp tài liệu (to upload and ingest documents)"
        return {
            self.documents.on_upload: upload,
            self.api.api_ingest: upload,
            self.documents.on_reingest: "nạp lại tài liệu (to re-ingest the documents)",
            self.documents.on_delete: "xóa tài liệu (to delete documents)",
            self.api.api_delete: "xóa tài liệu (to delete documents)",
        }

    def warm_up(self) -> None:
        """Load the models before the first question, so nobody waits for them."""
        try:
            from qa.api import prepare_answerer, warm_up

            open_index(self.settings)
            if documents(self.settings):
                warm_up(self.settings)
            self.examples.refresh()
            prepare_answerer(self.settings)
        except Exception:
            log.warning("warm-up failed; the first question will load the models", exc_info=True)


def build_app(settings: Settings, handlers: HoidapApp | None = None) -> gr.Blocks:
    """The whole page for these settings (not launched); ``handlers`` lets serve() warm up first."""
    quiet_network()
    app = handlers or HoidapApp(settings)
    docs = documents(settings)
    choices = answerer_choices(settings)
    with gr.Blocks(
        title="Hỏi đáp báo cáo", analytics_enabled=False, delete_cache=(3600, 24 * 3600)
    ) as demo:
        demo.hoidap = app  # type: ignore[attr-defined]  # tests and serve() reach the handlers
        header = gr.HTML(header_html(settings, docs), elem_id="hd-header-box")
        history = gr.State([])  # qa.conversation.Turn: what follow-ups are rewritten with
        conversation = gr.State(None)  # the id of the conversation answers are kept in
        cited = gr.State({})  # chunk id → what an answer quoted from it
        viewing, asked = gr.State(None), gr.State("")  # the source viewer's page, its request
        with gr.Tabs(elem_id="hd-tabs") as tabs:
            chat = build_chat_tab(
                choices,
                default_choice(settings, choices),
                side=build_history_panel,
                top=partial(build_scope_bar, settings),
                below=build_figures_panel,
            )
            docs_tab = build_docs_tab(settings, docs)
        viewer = build_source_viewer()
        scope_bar, figures = chat.top, chat.below
        changed = wire_chat(
            chat, app.chat, history, header, conversation, cited, scope=scope_bar.picker
        )
        panel = wire_history(
            chat.side,
            app.history,
            chat=[chat.chatbot, chat.sources, history, conversation, cited],
            conversation=conversation,
        )
        for event in changed:
            event.then(app.history.on_refresh, [conversation], panel, **PANEL_EVENT)
        wire_source_viewer(viewer, app.sources, cited, viewing, asked)
        refresh_examples = partial(refresh_examples_after, handlers=app.chat, tab=chat)
        library = wire_documents(
            docs_tab,
            app.documents,
            header=header,
            answerer=chat.answerer,
            after_write=refresh_examples,
        )
        loaded = demo.load(
            app.documents.library, [chat.answerer], library, api_visibility="private"
        )
        refresh_examples(loaded)
        wire_scope(
            scope_bar,
            figures,
            app.scope,
            conversation=conversation,
            asked=changed,
            opened=chat.side.opened,
            library_changed=[loaded, *docs_tab.writes],
        )
        docs_tab.offer.click(
            app.scope.on_ask_about,
            [docs_tab.added],
            [tabs, scope_bar.picker, scope_bar.shown],
            **PANEL_EVENT,
        ).then(
            app.chat.on_clear,
            None,
            [chat.chatbot, chat.sources, history, chat.question, conversation, cited],
            **PANEL_EVENT,
        ).then(app.history.on_refresh, [conversation], panel, **PANEL_EVENT).then(
            app.scope.on_answered,
            [conversation],
            [figures.column, figures.chart, figures.csv],
            **PANEL_EVENT,
        )
        demo.load(app.history.on_refresh, [conversation], panel, **PANEL_EVENT)
        register_api(app.api)
    return demo


def serve(settings: Settings) -> None:
    """Run the page on ``settings.host:port`` until interrupted (``hoidap serve``)."""
    from starlette.middleware import Middleware

    from ui.access import Access, AccessGuard, exposure

    quiet_network()
    auth = parse_auth(settings.auth)
    exposure(settings)  # refuses a server open to the network with no credential
    # first, so the model loads (≈10 s of imports) while the page is built and served
    handlers = HoidapApp(settings)
    threading.Thread(target=handlers.warm_up, name="hoidap-warmup", daemon=True).start()
    demo = build_app(settings, handlers)
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY, max_size=256)
    access = Access(settings, handlers.writes())
    app_kwargs: dict[str, Any] = {"middleware": [Middleware(AccessGuard, access=access)]}
    if auth:
        from ui.security import HideApiBeforeLogin

        app_kwargs["middleware"].append(Middleware(HideApiBeforeLogin))
    demo.launch(
        prevent_thread_lock=True,
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
    # the OpenAI-compatible API on the same port, behind its own bearer key (ui/openai_api.py)
    from ui.openai_api import router

    routes = demo.app.router.routes
    before = len(routes)
    demo.app.include_router(router(settings))
    # first, so none of Gradio's own path patterns (``/{...}``) takes /v1 for itself
    routes[:] = routes[before:] + routes[:before]
    demo.block_thread()
