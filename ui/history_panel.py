"""Earlier conversations beside the chat: open one and continue it, rename, delete, export.

Every answered question is saved to the current conversation (the first question starts
one), in ``conversations.sqlite`` in the data dir (:class:`ui.conversations.ConversationStore`),
under the signed-in user (``request.username``) when ``--auth`` is on, else
:data:`ui.conversations.ANONYMOUS`. Opening one restores its messages, its sources and the
follow-up history (``qa.conversation.Turn``), so "Còn năm 2020 thì sao?" continues it.
A data dir that cannot be written still answers questions: nothing is kept, the list says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from hoidap.settings import Settings
from qa.types import Answer
from ui import render
from ui.asking import make_turn
from ui.chat import MAX_HISTORY, bot_message, user_message
from ui.conversations import Conversation, ConversationStore, StoredTurn, user_of
from ui.uploads import sanitize_filename

log = logging.getLogger(__name__)

LISTED = 100  # the newest conversations shown
STORE_NAME = "conversations.sqlite"
UNAVAILABLE = (
    '<div class="hist-empty">Không lưu được lịch sử trò chuyện ở thư mục dữ liệu này '
    "(chỉ đọc?). Câu hỏi vẫn được trả lời bình thường.</div>"
)
# SQLite reads and writes of a few rows: never queued behind questions, never a spinner
PANEL_EVENT: dict[str, Any] = {
    "api_visibility": "private",
    "concurrency_limit": None,
    "show_progress": "hidden",
}

# clicks on a conversation in the list become this component's "click" event with its id
LIST_JS = r"""
element.addEventListener('click', (event) => {
  const item = event.target instanceof Element && event.target.closest('[data-conversation]');
  if (item) trigger('click', {conversation: String(item.dataset.conversation)});
});
"""


def _conversation_id(evt: Any) -> int | None:
    data = getattr(evt, "_data", None)
    raw = data.get("conversation") if isinstance(data, dict) else None
    try:
        return int(str(raw)) if raw is not None else None
    except ValueError:
        return None


@dataclass
class HistoryPanel:
    """The conversations column: the list, and what can be done to the open one."""

    listing: Any
    actions: Any
    title: Any
    buttons: Any
    rename: Any
    delete: Any
    confirm: Any
    delete_yes: Any
    delete_no: Any
    export: Any
    opened: Any = None  # the event of opening a conversation (set by wire_history)


def build_history_panel() -> HistoryPanel:
    """The column's layout (inside the chat tab's row)."""
    gr.HTML('<div class="panel-title">Cuộc trò chuyện</div>')
    listing = gr.HTML(render.HISTORY_EMPTY, js_on_load=LIST_JS, elem_id="hd-history")
    with gr.Column(visible=False, elem_id="hd-history-actions") as actions:
        title = gr.Textbox(
            label="Tên cuộc trò chuyện",
            max_lines=1,
            elem_id="hd-history-title",
        )
        with gr.Row(elem_id="hd-history-buttons") as buttons:
            rename = gr.Button("✏️ Đổi tên", size="sm", min_width=60, elem_id="hd-history-rename")
            delete = gr.Button(
                "🗑️ Xóa", size="sm", variant="stop", min_width=60, elem_id="hd-history-delete"
            )
        with gr.Row(visible=False, elem_id="hd-history-confirm") as confirm:
            delete_yes = gr.Button(
                "Xóa hẳn", size="sm", variant="stop", min_width=60, elem_id="hd-history-delete-yes"
            )
            delete_no = gr.Button("Thôi", size="sm", min_width=60, elem_id="hd-history-delete-no")
        export = gr.DownloadButton(
            "⬇️ Xuất Markdown", size="sm", elem_id="hd-history-export", value=None
        )
    return HistoryPanel(
        listing, actions, title, buttons, rename, delete, confirm, delete_yes, delete_no, export
    )


class HistoryHandlers:
    """Saving answered questions, and the conversations column's events."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: ConversationStore | None = None
        self._unavailable = False
        self._lock = threading.Lock()

    @property
    def store(self) -> ConversationStore | None:
        """The store, opened on first use; ``None`` (logged once) when it cannot be."""
        with self._lock:
            if self._store is None and not self._unavailable:
                try:
                    self._store = ConversationStore(self.settings.data_dir / STORE_NAME)
                except Exception:
                    log.warning("conversations cannot be kept in this data dir", exc_info=True)
                    self._unavailable = True
            return self._store

    # -- saving ------------------------------------------------------------------------------
    def keep(
        self,
        user: str,
        conversation: int | None,
        question: str,
        standalone: str,
        answer: Answer,
        documents: list[str] | None = None,
    ) -> int | None:
        """Save one answered question; returns the conversation (started if need be, about
        ``documents``: the sources it is limited to, None for every report).

        Never raises: a question is answered whether or not it can be kept.
        """
        return _keep(self.store, user, conversation, question, standalone, answer, documents)

    # -- the column ----------------------------------------------------------------------
    def _list(self, user: str) -> list[Conversation]:
        store = self.store
        return store.list(user)[:LISTED] if store is not None else []

    def _export(self, user: str, conversation: int, title: str) -> str | None:
        """The conversation as a Markdown file outside the data dir, for the download."""
        store = self.store
        if store is None:
            return None
        try:
            text = store.export_markdown(user, conversation)
        except KeyError:
            return None
        key = hashlib.sha256(f"{self.settings.data_dir.resolve()}|{user}".encode()).hexdigest()
        folder = Path(tempfile.gettempdir()) / "hoidap-exports" / key[:24] / str(conversation)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = sanitize_filename(f"{title[:60]}.md")
        target = folder / name
        partial = folder / f".{name}.part"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
        return str(target)

    def panel(self, conversation: int | None, user: str) -> tuple[Any, ...]:
        """The list with ``conversation`` marked, and the open one's title and export."""
        if self.store is None:
            return UNAVAILABLE, gr.Column(visible=False), "", gr.DownloadButton(value=None)
        conversations = self._list(user)
        listing = render.history_html(conversations, conversation)
        title = next((c.title for c in conversations if c.id == conversation), None)
        if conversation is None or title is None:
            return listing, gr.Column(visible=False), "", gr.DownloadButton(value=None)
        try:
            export = self._export(user, conversation, title)
        except OSError:
            log.warning("export not written", exc_info=True)
            export = None
        return listing, gr.Column(visible=True), title, gr.DownloadButton(value=export)

    def on_refresh(self, conversation: int | None, request: gr.Request) -> tuple[Any, ...]:
        return self.panel(conversation, user_of(request))

    def restore(self, user: str, conversation: int) -> tuple[Any, ...] | None:
        """Messages, sources panel, follow-up history and marked quotes of a conversation."""
        store = self.store
        if store is None or store.title(user, conversation) is None:
            return None
        turns = store.turns(user, conversation)
        messages = []
        for turn in turns:
            understood = (
                turn.standalone if turn.standalone.strip() != turn.question.strip() else None
            )
            shown = render.answer_html(turn.answer, understood=understood)
            messages += [user_message(turn.question), bot_message(shown)]
        history = [t for t in (make_turn(s.question, s.standalone, s.answer) for s in turns) if t]
        cited: dict[str, str] = {}
        for turn in turns:
            answer = turn.answer
            cited.update(render.cited_quotes(answer.sources, answer.quotes, answer.text))
        return messages, _sources_panel(turns), history[-MAX_HISTORY:], conversation, cited

    def on_open(self, evt: gr.EventData, request: gr.Request) -> tuple[Any, ...]:
        """Open a conversation from the list: the chat continues where it was left."""
        user = user_of(request)
        conversation = _conversation_id(evt)
        restored = self.restore(user, conversation) if conversation is not None else None
        if restored is None:
            gr.Warning("Không mở được cuộc trò chuyện này (có thể đã bị xóa).")
            return (gr.skip(),) * 5 + self.panel(None, user)
        return (*restored, *self.panel(conversation, user))

    def on_rename(
        self, conversation: int | None, title: str, request: gr.Request
    ) -> tuple[Any, ...]:
        user = user_of(request)
        store = self.store
        if store is not None and conversation is not None and (title or "").strip():
            store.rename(user, conversation, title)
        return self.panel(conversation, user)

    @staticmethod
    def on_delete_ask() -> tuple[Any, Any]:
        return gr.Row(visible=True), gr.Row(visible=False)

    @staticmethod
    def on_delete_cancel() -> tuple[Any, Any]:
        return gr.Row(visible=False), gr.Row(visible=True)

    def on_delete(self, conversation: int | None, request: gr.Request) -> tuple[Any, ...]:
        """Delete the open conversation; the chat starts a new one."""
        user = user_of(request)
        store = self.store
        if store is not None and conversation is not None:
            store.delete(user, conversation)
        cleared: tuple[Any, ...] = ([], render.EMPTY_SOURCES, [], None, {})
        rows = (gr.Row(visible=False), gr.Row(visible=True))
        return (*cleared, *self.panel(None, user), *rows)


def _keep(
    store: ConversationStore | None,
    user: str,
    conversation: int | None,
    question: str,
    standalone: str,
    answer: Answer,
    documents: list[str] | None,
) -> int | None:
    if store is None:
        return conversation
    try:
        if conversation is None or store.title(user, conversation) is None:
            conversation = store.start(user, question, documents)
        elif documents != store.documents(user, conversation):
            store.set_documents(user, conversation, documents)
        store.add_turn(user, conversation, question, standalone, answer)
    except Exception:
        log.warning("the answered question could not be kept", exc_info=True)
    return conversation


def keep_answer(
    settings: Settings,
    user: str,
    conversation: int | None,
    question: str,
    standalone: str,
    answer: Answer,
    documents: list[str] | None = None,
) -> int | None:
    """Keep an answer given outside the page (``/ask``, ``/v1``) as the page keeps its own."""
    try:
        store = ConversationStore(settings.data_dir / STORE_NAME)
    except Exception:
        log.warning("conversations cannot be kept in this data dir", exc_info=True)
        return conversation
    return _keep(store, user, conversation, question, standalone, answer, documents)


def _sources_panel(turns: list[StoredTurn]) -> str:
    if not turns:
        return render.EMPTY_SOURCES
    last = turns[-1]
    return render.sources_html(
        last.answer.sources,
        quotes=last.answer.quotes,
        answer_text=last.answer.text,
        abstained=last.answer.abstained,
        question=last.question,
    )


def wire_history(
    panel: HistoryPanel,
    handlers: HistoryHandlers,
    *,
    chat: list[Any],
    conversation: Any,
) -> list[Any]:
    """The column's events. ``chat`` is [chatbot, sources, history, conversation, cited];
    returns the components :meth:`HistoryHandlers.panel` fills, for refreshing after answers."""
    refreshed = [panel.listing, panel.actions, panel.title, panel.export]
    panel.opened = panel.listing.click(handlers.on_open, None, chat + refreshed, **PANEL_EVENT)
    panel.rename.click(handlers.on_rename, [conversation, panel.title], refreshed, **PANEL_EVENT)
    panel.title.submit(handlers.on_rename, [conversation, panel.title], refreshed, **PANEL_EVENT)
    buttons = panel.buttons
    panel.delete.click(handlers.on_delete_ask, None, [panel.confirm, buttons], **PANEL_EVENT)
    panel.delete_no.click(handlers.on_delete_cancel, None, [panel.confirm, buttons], **PANEL_EVENT)
    panel.delete_yes.click(
        handlers.on_delete,
        [conversation],
        chat + refreshed + [panel.confirm, buttons],
        **PANEL_EVENT,
    )
    return refreshed
