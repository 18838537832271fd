"""The *Hỏi đáp* tab: the chat, the suggestions, who answers, and the sources panel.

The sources panel fills as soon as retrieval is done, then the answer streams into the
chat. Each answered question is kept in the current conversation (:mod:`ui.history_panel`,
the column on the left), and its ``[n]`` carry the chunk id the source viewer opens
(:mod:`ui.source_panel`). Questions have their own concurrency group of several
(:data:`CHAT_GROUP`), so one person's upload never queues anyone's question.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from hoidap.settings import Settings
from ingest.library import documents
from qa.types import Answer, Source
from ui import render
from ui.asking import AskEvent, ask, make_turn
from ui.conversations import user_of
from ui.examples import ExampleCache
from ui.header import Choices, answerer_choices, header_html, options_title, resolved_answerer

CHAT_CONCURRENCY = 4
CHAT_GROUP = "questions"
# Over this many seconds without text, the waiting message shows the time spent.
SHOW_ELAPSED_AFTER = 2.0
# turns kept per conversation: the follow-up rewrite reads the last few, memory stays bounded
MAX_HISTORY = 8

Messages = list[dict[str, Any]]
History = list[Any]  # qa.conversation.Turn, one per answered question of this session
Cited = dict[str, str]  # chunk id → what the answer quoted from it (the viewer marks it)
# chat, sources panel, question box, history, conversation id, cited
Update = tuple[Messages, Any, str, History, int | None, Cited]
# keep(user, conversation, question, standalone, answer, documents=…) → the conversation
# it is kept in
Keeper = Callable[..., int | None]

ASK_EVENT: dict[str, Any] = {
    "concurrency_id": CHAT_GROUP,
    "concurrency_limit": CHAT_CONCURRENCY,
    "api_visibility": "private",
    "show_progress": "hidden",
}
# waiting for the suggestions costs no CPU: never let it hold a worker others need
EXAMPLES_EVENT: dict[str, Any] = {"api_visibility": "private", "concurrency_limit": None}

WELCOME = """<div class="welcome">
<div class="welcome-icon">💬</div>
<h3>Hỏi đáp trên các báo cáo đã nạp</h3>
<p>Gõ câu hỏi bằng tiếng Việt rồi nhấn <b>Enter</b>. Mỗi câu trả lời đều ghi nguồn
[1], [2]… và khung bên phải cho thấy đoạn trích, tên tệp, trang.</p>
</div>"""


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


# -- one exchange ----------------------------------------------------------------------------
@dataclass
class Exchange:
    """One question on its way to an answer: what the chat and the sources panel show.

    Each :class:`AskEvent` becomes the next page update (or none: a tick while text is
    already shown). ``answerer`` is who writes, for the waiting labels.
    """

    question: str
    messages: Messages
    history: History
    answerer: str
    conversation: int | None = None
    cited: Cited = field(default_factory=dict)
    answered: tuple[str, Answer] | None = None  # the standalone question and its answer
    sources: list[Source] = field(default_factory=list)
    text: str = ""
    understood: str | None = None

    def _update(self, panel: Any) -> Update:
        return self.messages, panel, "", self.history, self.conversation, self.cited

    def start(self) -> Update:
        self.messages += [
            user_message(self.question),
            bot_message(render.working_html("Đang tìm trong tài liệu…")),
        ]
        return self._update(render.SEARCHING_SOURCES)

    def update(self, event: AskEvent) -> Update | None:
        handler = getattr(self, f"_on_{event.kind}")
        return handler(event)  # type: ignore[no-any-return]

    def _show(self, message: str | None, panel: Any = None) -> Update:
        if message is not None:
            self.messages[-1] = bot_message(message)
        return self._update(gr.skip() if panel is None else panel)

    def _on_rewritten(self, event: AskEvent) -> None:
        self.understood = event.text

    def _on_sources(self, event: AskEvent) -> Update:
        self.sources = event.sources
        waiting = None if self.text else render.working_html(waiting_label(True, self.answerer))
        panel = render.sources_html(self.sources, pending=True, question=self.question)
        return self._show(waiting, panel)

    def _on_text(self, event: AskEvent) -> Update:
        self.text = event.text
        ids = [s.chunk_id for s in self.sources]
        return self._show(
            render.partial_answer_html(self.text, len(self.sources), self.answerer, ids)
        )

    def _on_tick(self, event: AskEvent) -> Update | None:
        if self.text or event.seconds < SHOW_ELAPSED_AFTER:
            return None
        label = waiting_label(bool(self.sources), self.answerer)
        return self._show(render.working_html(label, event.seconds))

    def _on_answer(self, event: AskEvent) -> Update | None:
        result = event.answer
        if result is None:
            return None
        panel = render.sources_html(
            result.sources,
            quotes=result.quotes,
            answer_text=result.text,
            abstained=result.abstained,
            question=self.question,
        )
        standalone = event.text or self.question
        turn = make_turn(self.question, standalone, result)
        if turn is not None:
            self.history = [*self.history, turn][-MAX_HISTORY:]
        marked = render.cited_quotes(result.sources, result.quotes, result.text)
        self.cited = {**self.cited, **marked}
        self.answered = (standalone, result)
        message = render.answer_html(result, seconds=event.seconds, understood=self.understood)
        return self._show(message, panel)

    def _on_error(self, event: AskEvent) -> Update:
        panel = (
            render.sources_html(self.sources, question=self.question)
            if self.sources
            else render.EMPTY_SOURCES
        )
        return self._show(render.error_html(event.text), panel)


# -- handlers --------------------------------------------------------------------------------
class ChatHandlers:
    """The chat tab's events, bound to one :class:`Settings`."""

    def __init__(
        self, settings: Settings, examples: ExampleCache, keeper: Keeper | None = None
    ) -> None:
        self.settings = settings
        self.examples = examples
        self.keeper = keeper

    def on_ask(
        self,
        question: str,
        messages: Messages | None,
        history: History | None,
        choice: str | None,
        conversation: int | None = None,
        cited: Cited | None = None,
        request: gr.Request | None = None,
        scope: list[str] | None = None,
    ) -> Iterator[Update]:
        """Stream one exchange into the chat: sources first, then the answer as it grows.

        The answer is kept in ``conversation`` (a new one for the first question), under
        the signed-in user, with ``scope``: the documents the questions are limited to.
        """
        scope = [s for s in (scope or []) if s] or None
        question = (question or "").strip()
        messages = list(messages or [])
        history = list(history or [])
        cited = dict(cited or {})
        if not question:
            gr.Info("Hãy nhập một câu hỏi.", title="Câu hỏi trống")
            yield messages, gr.skip(), "", history, conversation, cited
            return
        answerer = choice or None
        exchange = Exchange(
            question,
            messages,
            history,
            resolved_answerer(self.settings, answerer),
            conversation=conversation,
            cited=cited,
        )
        yield exchange.start()
        asking = ask(
            question, settings=self.settings, answerer=answerer, history=history, documents=scope
        )
        for event in asking:
            update = exchange.update(event)
            if update is not None:
                yield update
        if exchange.answered is not None and self.keeper is not None:
            # kept once the answer is on the page: nobody waits for the disk
            standalone, result = exchange.answered
            kept = self.keeper(
                user_of(request), conversation, question, standalone, result, documents=scope
            )
            skip = gr.skip()
            yield skip, skip, skip, skip, kept, skip

    @staticmethod
    def on_clear() -> tuple[Messages, str, History, str, None, Cited]:
        """A new conversation: the next question starts it (the old one stays in the list)."""
        return [], render.EMPTY_SOURCES, [], "", None, {}

    def example_samples(self) -> Any:
        """The suggestions, waiting for a build in progress (this event blocks nobody)."""
        examples = self.examples.get(wait=True)
        return gr.Dataset(samples=[[q] for q in examples], visible=bool(examples))

    def on_choice(self, choice: str | None) -> tuple[str, Any]:
        """A new way of answering: the header badge and the options title follow it."""
        header = header_html(self.settings, documents(self.settings), choice)
        choices = answerer_choices(self.settings)
        return header, gr.Accordion(label=options_title(choice or "auto", choices))


# -- layout ----------------------------------------------------------------------------------
@dataclass
class ChatTab:
    """The chat tab's components that events read or write."""

    chatbot: Any
    question: Any
    send: Any
    examples: Any
    options: Any
    answerer: Any
    clear: Any
    sources: Any
    side: Any = None  # what ``build_chat_tab(side=…)`` built in the left column
    top: Any = None  # what ``top`` built above the chat (the scope picker)
    below: Any = None  # what ``below`` built under it (the figures of the last answer)


def _question_row() -> tuple[Any, Any]:
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
        send = gr.Button("Gửi", variant="primary", scale=1, min_width=80, elem_id="hd-send")
    return question, send


def _tools_row(choices: Choices, choice: str) -> tuple[Any, Any, Any]:
    """Who answers (folded away) and a new conversation."""
    with gr.Row(elem_id="hd-chat-tools"):
        with gr.Accordion(
            options_title(choice, choices), open=False, elem_id="hd-options"
        ) as options:
            answerer = gr.Radio(
                choices=choices,
                value=choice,
                show_label=False,
                info="Trích nguyên văn: nhanh, đúng từng chữ của tài liệu. "
                "Mô hình: viết lại gọn hơn, rồi được đối chiếu với tài liệu.",
                elem_id="hd-answerer",
            )
        clear = gr.Button(
            "🧹 Cuộc trò chuyện mới", size="sm", scale=0, min_width=190, elem_id="hd-clear"
        )
    return options, answerer, clear


def build_chat_tab(
    choices: Choices,
    choice: str,
    side: Callable[[], Any] | None = None,
    top: Callable[[], Any] | None = None,
    below: Callable[[], Any] | None = None,
) -> ChatTab:
    """The tab's layout: ``side`` (the earlier conversations), the chat with ``top`` above it
    (what it is about) and ``below`` under it, then the sources."""
    built = None
    with (
        gr.Tab("💬 Hỏi đáp", id="chat", elem_id="tab-chat"),
        gr.Row(equal_height=False, elem_id="hd-chat-row"),
    ):
        if side is not None:
            with gr.Column(scale=1, min_width=210, elem_id="hd-history-col"):
                built = side()
        with gr.Column(scale=3, min_width=360):
            above = top() if top is not None else None
            chatbot = gr.Chatbot(
                elem_id="hd-chat",
                show_label=False,
                height=450,
                placeholder=WELCOME,
                feedback_options=None,
                buttons=["copy"],
                autoscroll=True,
            )
            question, send = _question_row()
            examples = gr.Dataset(
                label="Gợi ý câu hỏi",
                components=[question],
                samples=[],  # filled on page load, once the warm-up built them
                visible=False,
                elem_id="hd-examples",
                samples_per_page=6,
            )
            options, answerer, clear = _tools_row(choices, choice)
            under = below() if below is not None else None
        with gr.Column(scale=2, min_width=320, elem_id="hd-sources-col"):
            gr.HTML('<div class="panel-title">Nguồn trích dẫn</div>')
            sources = gr.HTML(render.EMPTY_SOURCES, elem_id="hd-sources")
    return ChatTab(
        chatbot, question, send, examples, options, answerer, clear, sources, built, above, under
    )


# -- events ----------------------------------------------------------------------------------
def wire_chat(
    tab: ChatTab,
    handlers: ChatHandlers,
    history: Any,
    header: Any,
    conversation: Any = None,
    cited: Any = None,
    scope: Any = None,
) -> list[Any]:
    """Asking (Enter, the button, a suggestion), clearing, and choosing who answers;
    ``scope``: the component holding the documents questions are limited to.

    Returns the events after which the conversation changed (asked, cleared), for the
    conversations list to follow.
    """
    conversation = conversation if conversation is not None else gr.State(None)
    cited = cited if cited is not None else gr.State({})
    inputs = [tab.question, tab.chatbot, history, tab.answerer, conversation, cited]
    if scope is not None:
        inputs.append(scope)
    outputs = [tab.chatbot, tab.sources, tab.question, history, conversation, cited]
    asked = [
        tab.question.submit(handlers.on_ask, inputs, outputs, **ASK_EVENT),
        tab.send.click(handlers.on_ask, inputs, outputs, **ASK_EVENT),
        tab.examples.click(
            lambda sample: sample[0] if sample else "",
            [tab.examples],
            [tab.question],
            queue=False,
            api_visibility="private",
        ).then(handlers.on_ask, inputs, outputs, **ASK_EVENT),
    ]
    cleared = [tab.chatbot, tab.sources, history, tab.question, conversation, cited]
    asked.append(tab.chatbot.clear(handlers.on_clear, None, cleared, api_visibility="private"))
    asked.append(
        tab.clear.click(handlers.on_clear, None, cleared, queue=False, api_visibility="private")
    )
    tab.answerer.change(
        handlers.on_choice, [tab.answerer], [header, tab.options], api_visibility="private"
    )
    return asked


def refresh_examples_after(event: Any, handlers: ChatHandlers, tab: ChatTab) -> Any:
    """Once ``event`` is done (page load, upload, re-ingest, delete), refresh the suggestions."""
    return event.then(handlers.example_samples, None, [tab.examples], **EXAMPLES_EVENT)
