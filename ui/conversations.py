"""Earlier conversations, kept in the data dir (SQLite), one list per user.

People come back to a conversation after a restart, continue it (follow-ups are rewritten
with its history), rename it, delete it, or export it as Markdown with its citations. Every
call opens its own connection, so the page's threads never share one; WAL keeps a reader
from waiting on a writer. Every query is scoped to the user: one user can never read,
rename or delete another's conversation.
"""

from __future__ import annotations

import builtins
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from qa.reasons import Reason
from qa.types import Answer, Figure, Source

ANONYMOUS = ""  # the one user when the page runs without --auth
_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user TEXT NOT NULL,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    documents TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user, updated);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    standalone TEXT NOT NULL,
    answer TEXT NOT NULL,
    created REAL NOT NULL
);
"""
TITLE_CHARS = 80


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    created: float
    updated: float


@dataclass(frozen=True)
class StoredTurn:
    question: str
    standalone: str
    answer: Answer


def api_user(settings: object) -> str:
    """Whose conversations the API keeps: the ``--auth`` user (whose password is the key),
    else :data:`ANONYMOUS`, as the page would."""
    auth = getattr(settings, "auth", None)
    user, sep, _ = (auth or "").partition(":")
    return user if sep and user else ANONYMOUS


def user_of(request: object) -> str:
    """Whose conversations a page event touches: the signed-in user (``gr.Request.username``
    with --auth), else :data:`ANONYMOUS`."""
    name = getattr(request, "username", None)
    return name if isinstance(name, str) and name else ANONYMOUS


def title_from(question: str) -> str:
    """A conversation's title: its first question, cut at a word."""
    text = " ".join(question.split())
    if len(text) <= TITLE_CHARS:
        return text
    return text[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _answer_json(answer: Answer) -> str:
    return json.dumps(
        {
            "text": answer.text,
            "abstained": answer.abstained,
            "answerer": answer.answerer,
            "note": answer.note,
            "reasons": [str(r) for r in answer.reasons],
            "quotes": answer.quotes,
            "sources": [
                {**s.to_json(), "heading": s.heading, "start": s.start, "end": s.end}
                for s in answer.sources
            ],
            "figures": [f.to_json() for f in answer.figures],
        },
        ensure_ascii=False,
    )


def _answer(raw: str, question: str) -> Answer:
    data = json.loads(raw)
    sources = [
        Source(
            source=str(s.get("source", "")),
            title=str(s.get("title", "")),
            page=s.get("page"),
            chunk_id=str(s.get("chunk_id", "")),
            score=float(s.get("score", 0.0)),
            text=str(s.get("text", "")),
            heading=s.get("heading"),
            start=s.get("start"),
            end=s.get("end"),
        )
        for s in data.get("sources", [])
    ]
    figures = []
    for f in data.get("figures") or []:
        try:
            figures.append(Figure(**f))
        except TypeError:
            continue  # written by another version
    known = {str(r) for r in Reason}  # a reason a later version wrote is left out
    reasons = tuple(Reason(r) for r in data.get("reasons") or [] if r in known)
    return Answer(
        data.get("text", ""),
        bool(data.get("abstained")),
        sources,
        question,
        data.get("answerer", "extractive"),
        list(data.get("quotes") or []),
        data.get("note"),
        figures,
        reasons,
    )


def _documents_json(documents: list[str] | None) -> str:
    return json.dumps(sorted(documents), ensure_ascii=False) if documents else ""


def _cited(text: str) -> set[int]:
    """The source numbers an answer cites ("[1]", "[2]"): the sources an export lists."""
    return {int(n) for n in re.findall(r"\[(\d{1,2})\]", text or "")}


def _quoted(source: Source, answer: Answer) -> str:
    """What the answer took from a source (its marked sentences), else the passage's start."""
    from ui.render import highlight_spans

    spans = highlight_spans(source, answer.quotes, answer.text)
    text = " ".join(source.text[a:b] for a, b in spans) if spans else source.text
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:300].rsplit(" ", 1)[0] + "…"


class ConversationStore:
    """Conversations of every user of one data dir."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(conversations)")}
            if "documents" not in columns:  # a store kept before conversations had a scope
                db.execute(
                    "ALTER TABLE conversations ADD COLUMN documents TEXT NOT NULL DEFAULT ''"
                )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            with db:
                yield db

    def start(
        self, user: str, first_question: str, documents: builtins.list[str] | None = None
    ) -> int:
        """A new conversation; ``documents``: the sources it is about (None: every report)."""
        now = time.time()
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO conversations (user, title, created, updated, documents) "
                "VALUES (?, ?, ?, ?, ?)",
                (user, title_from(first_question), now, now, _documents_json(documents)),
            )
            return int(cursor.lastrowid or 0)

    def documents(self, user: str, conversation: int) -> builtins.list[str] | None:
        """The sources a conversation is about (its scope), None for every report."""
        with self._connect() as db:
            row = db.execute(
                "SELECT documents FROM conversations WHERE id = ? AND user = ?",
                (conversation, user),
            ).fetchone()
        if not row or not row[0]:
            return None
        try:
            found = json.loads(str(row[0]))
        except ValueError:
            return None
        return [str(d) for d in found] if isinstance(found, list) and found else None

    def set_documents(
        self, user: str, conversation: int, documents: builtins.list[str] | None
    ) -> bool:
        with self._connect() as db:
            return bool(
                db.execute(
                    "UPDATE conversations SET documents = ? WHERE id = ? AND user = ?",
                    (_documents_json(documents), conversation, user),
                ).rowcount
            )

    def add_turn(
        self, user: str, conversation: int, question: str, standalone: str, answer: Answer
    ) -> None:
        now = time.time()
        with self._connect() as db:
            owned = db.execute(
                "UPDATE conversations SET updated = ? WHERE id = ? AND user = ?",
                (now, conversation, user),
            ).rowcount
            if not owned:
                raise KeyError(conversation)
            db.execute(
                "INSERT INTO turns (conversation, question, standalone, answer, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (conversation, question, standalone, _answer_json(answer), now),
            )

    def list(self, user: str) -> builtins.list[Conversation]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, title, created, updated FROM conversations WHERE user = ? "
                "ORDER BY updated DESC, id DESC",
                (user,),
            ).fetchall()
        return [Conversation(int(r[0]), str(r[1]), float(r[2]), float(r[3])) for r in rows]

    def turns(self, user: str, conversation: int) -> builtins.list[StoredTurn]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT t.question, t.standalone, t.answer FROM turns t "
                "JOIN conversations c ON c.id = t.conversation "
                "WHERE c.id = ? AND c.user = ? ORDER BY t.id",
                (conversation, user),
            ).fetchall()
        return [StoredTurn(str(q), str(s), _answer(str(a), str(s))) for q, s, a in rows]

    def rename(self, user: str, conversation: int, title: str) -> bool:
        clean = title_from(title) or "Cuộc trò chuyện"
        with self._connect() as db:
            return bool(
                db.execute(
                    "UPDATE conversations SET title = ? WHERE id = ? AND user = ?",
                    (clean, conversation, user),
                ).rowcount
            )

    def delete(self, user: str, conversation: int) -> bool:
        with self._connect() as db:
            return bool(
                db.execute(
                    "DELETE FROM conversations WHERE id = ? AND user = ?", (conversation, user)
                ).rowcount
            )

    def title(self, user: str, conversation: int) -> str | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT title FROM conversations WHERE id = ? AND user = ?", (conversation, user)
            ).fetchone()
        return str(row[0]) if row else None

    def export_markdown(self, user: str, conversation: int) -> str:
        """The conversation as Markdown: each question, its answer and the cited passages."""
        title = self.title(user, conversation)
        if title is None:
            raise KeyError(conversation)
        lines = [f"# {title}", ""]
        for turn in self.turns(user, conversation):
            lines += [f"**Hỏi:** {turn.question}", ""]
            if turn.standalone.strip() and turn.standalone.strip() != turn.question.strip():
                lines += [f"_Câu hỏi được hiểu là: {turn.standalone}_", ""]
            lines += [f"**Đáp:** {turn.answer.text}", ""]
            if turn.answer.note:
                lines += [f"_{turn.answer.note}_", ""]
            cited = _cited(turn.answer.text)
            for number, source in enumerate(turn.answer.sources, start=1):
                if cited and number not in cited:
                    continue
                page = f", trang {source.page}" if source.page else ""
                name = Path(source.source).name or source.title
                quote = _quoted(source, turn.answer)
                lines.append(f"[{number}] {name}{page}: {quote}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"
