"""One question, as a stream of events the page can show while the answer is made.

The page needs more than ``qa.api.stream`` gives in its simplest form: the sources the
moment retrieval finishes (long before a local model has written a word), a sign of life
every second while a slow model works, and errors as messages instead of tracebacks. The
question runs in a worker thread so the page can tick while it waits.

Sources reach the page through ``stream(..., on_sources=)``, called when retrieval is
done; a streamed item carrying sources (a list of :class:`Source`, or an object with a
``sources`` list that is not the final :class:`Answer`) is accepted too.
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from hoidap.errors import UserError
from hoidap.settings import Settings
from qa import open_index
from qa.types import Answer, Source

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
EventKind = Literal["rewritten", "sources", "text", "answer", "error", "tick"]


@dataclass
class AskEvent:
    """One thing that happened while answering, in the order it happened.

    ``text`` is the answer so far (``text``), the standalone question (``rewritten``,
    ``answer``) or the message (``error``).
    """

    kind: EventKind
    sources: list[Source] = field(default_factory=list)
    text: str = ""
    answer: Answer | None = None
    seconds: float = 0.0


def _as_sources(item: object) -> list[Source] | None:
    """The sources in a streamed item that is not the final answer, if it carries any."""
    if isinstance(item, Answer):
        return None
    candidates = getattr(item, "sources", item)
    if (
        isinstance(candidates, list | tuple)
        and candidates
        and all(isinstance(s, Source) for s in candidates)
    ):
        return list(candidates)
    return None


# -- conversation --------------------------------------------------------------------------
def conversation_available() -> bool:
    """True when ``qa.conversation`` (follow-up questions, the LLM issue) is installed."""
    try:
        module = importlib.import_module("qa.conversation")
    except ImportError:
        return False
    return hasattr(module, "Chat") and hasattr(module, "Turn")


def standalone_question(
    question: str, settings: Settings, answerer: str | None, history: Sequence[object]
) -> str:
    """The follow-up rewritten with the conversation (``qa.conversation.Chat.rewrite``).

    Any failure asks the question as typed: a follow-up answered without context is
    better than no answer.
    """
    if not history or not conversation_available():
        return question
    try:
        from qa.conversation import Chat

        chat = Chat(settings=settings, answerer=answerer, history=list(history))  # type: ignore[arg-type]
        return chat.rewrite(question) or question
    except Exception:
        log.warning("follow-up rewrite failed, asking as typed", exc_info=True)
        return question


def make_turn(question: str, standalone: str, answer: Answer) -> object | None:
    """The history entry ``Chat`` expects, or ``None`` without the conversation module."""
    if not conversation_available():
        return None
    from qa.conversation import Turn

    return Turn(question, standalone, answer)


def is_user_error(exc: BaseException) -> bool:
    """Errors whose message is for the user (an empty question, a store to start, a busy
    ingest, a file or a setting to fix): every :class:`~hoidap.errors.UserError`."""
    return isinstance(exc, UserError)


def friendly_error(exc: BaseException) -> str:
    """The message a user sees for a failure: theirs to act on, or a plain apology."""
    if is_user_error(exc):
        return str(exc)
    return "Đã có lỗi khi trả lời câu hỏi này. Hãy thử lại sau giây lát."


def store_failure(exc: BaseException, action: str) -> str:
    """The status line for a failed upload, re-ingest or delete: a problem the user can act
    on (disk full, read-only folder, Chroma server down) is named; anything else is not."""
    if is_user_error(exc):
        return f"{action} không thành công: {exc}"
    return f"{action} không thành công; hãy thử lại."


def ask(
    question: str,
    *,
    settings: Settings,
    answerer: str | None = None,
    history: Sequence[object] = (),
    tick: float = TICK_SECONDS,
    documents: Sequence[str] | None = None,
) -> Iterator[AskEvent]:
    """Answer ``question``, yielding sources, text so far, ticks, then the answer or an error.

    ``history`` holds the earlier turns (``qa.conversation.Turn``); a follow-up is
    rewritten with them first, and a ``rewritten`` event says how it was understood.
    ``documents`` limits the answer to those reports (``qa.stream(documents=...)``).

    ``text`` events carry the whole text so far (not the last piece), so the page can
    redraw from any one of them. Closing the iterator stops reading the stream; the worker
    then drops the rest of the answer.
    """
    events: queue.Queue[AskEvent | None] = queue.Queue()
    stop = threading.Event()
    started = time.perf_counter()

    def elapsed() -> float:
        return time.perf_counter() - started

    def work() -> None:
        sent_sources = False

        def deliver(sources: list[Source]) -> None:
            nonlocal sent_sources
            if not sent_sources:
                sent_sources = True
                events.put(AskEvent("sources", sources=sources, seconds=elapsed()))

        try:
            from qa.api import stream

            open_index(settings)
            standalone = standalone_question(question, settings, answerer, history)
            if standalone.strip() != question.strip():
                events.put(AskEvent("rewritten", text=standalone, seconds=elapsed()))
            text = ""
            pieces = stream(
                standalone,
                settings=settings,
                answerer=answerer,
                on_sources=deliver,
                documents=list(documents) if documents else None,
            )
            try:
                for item in pieces:
                    if stop.is_set():
                        break
                    if isinstance(item, Answer):
                        deliver(item.sources)
                        events.put(
                            AskEvent("answer", answer=item, text=standalone, seconds=elapsed())
                        )
                        return
                    if isinstance(item, str):
                        text += item
                        events.put(AskEvent("text", text=text, seconds=elapsed()))
                        continue
                    found = _as_sources(item)
                    if found:
                        deliver(found)
            finally:
                # a reader who left (tab closed, new question) stops the model's generation now
                close = getattr(pieces, "close", None)
                if close is not None:
                    close()
            if not stop.is_set():
                log.warning("answer stream ended without an Answer")
                events.put(AskEvent("error", text=friendly_error(RuntimeError())))
        except Exception as exc:
            if not is_user_error(exc):
                log.exception("answering %r failed", question[:80])
            events.put(AskEvent("error", text=friendly_error(exc), seconds=elapsed()))
        finally:
            events.put(None)

    worker = threading.Thread(target=work, name="hoidap-ask", daemon=True)
    worker.start()
    try:
        while True:
            try:
                event = events.get(timeout=tick)
            except queue.Empty:
                yield AskEvent("tick", seconds=elapsed())
                continue
            if event is None:
                return
            yield event
    finally:
        stop.set()
