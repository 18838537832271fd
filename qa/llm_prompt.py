"""What the model reads: the fixed rules, then a few numbered excerpts and the question.

On a CPU the time to the first word is the time to read the prompt, so the model is shown
as little as answers the question. Two ways, selectable per answerer (``PROMPT_MODES``):

- ``"sentences"`` (the default): the few passage sentences that share most (rare) words
  with the question (:class:`qa.extractive.SentencePicker`, the extractive answerer's
  ranking), and for a table passage its best rows under the table's header line, grouped
  under their passage's number: ``[2] (title) sentence a … sentence b``;
  the model is asked for the asked thing in the excerpt's words, shown by two worked
  examples (:data:`SENTENCE_SYSTEM_PROMPT`, :data:`EXAMPLES`);
- ``"passages"``: the top ``settings.llm_passages`` passages whole, with the rules as they
  were before (:data:`SYSTEM_PROMPT`).

Either way ``[n]`` means ``found.sources[n - 1]``, and :attr:`Prompt.shown` holds, at that
place, the passage as the model read it (the excerpt, or an empty text when it read none of
it), so an answer's figures are checked against what the model saw.

Each mode's rules and examples are constant and come first, so llama.cpp keeps their KV
cache between questions (``cache_prompt`` in the request; its host-memory prompt cache even
brings it back after a request of the other mode): only the excerpts and the question are
read per question.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from hoidap.settings import Settings
from ingest.chunking import split_sentences
from ingest.document import CELL_SEPARATOR, render_cells
from qa.extractive import SentencePicker
from qa.types import Source

SYSTEM_PROMPT = """Bạn là trợ lý hỏi đáp trên tài liệu tiếng Việt.
Quy tắc:
- Chỉ dùng thông tin trong các đoạn trích được đánh số [1], [2], ... của người dùng.
- Trả lời bằng một câu đầy đủ, ngắn gọn, bằng tiếng Việt, kể cả khi đoạn trích hay câu \
hỏi có tiếng Anh. Chép đúng số liệu, ngày tháng và tên riêng như trong đoạn trích.
- Cuối câu trả lời ghi số đoạn trích đã dùng trong ngoặc vuông. Ví dụ: \
"Công ty X có 250 nhân viên [2]."
- Nếu các đoạn trích không có câu trả lời, chỉ viết: "Tài liệu không có thông tin này.\""""

# The sentence prompt's rules: the answer is the asked thing in the excerpt's own words (the
# full-sentence rule above had the model restate the question, and copy its inline example
# "Công ty X có 250 nhân viên" as an answer), shown by two worked examples. All of it is
# constant and comes before the excerpts, so llama.cpp reads it once and keeps it cached.
SENTENCE_SYSTEM_PROMPT = """Bạn là trợ lý hỏi đáp trên tài liệu tiếng Việt.
Quy tắc:
- Chỉ dùng thông tin trong các đoạn trích được đánh số [1], [2], ... của người dùng.
- Trả lời ngắn gọn bằng tiếng Việt, kể cả khi đoạn trích hay câu hỏi có tiếng Anh: chỉ nêu \
điều được hỏi, chép đúng từ ngữ, số liệu, ngày tháng và tên riêng của đoạn trích, không \
nhắc lại câu hỏi.
- Cuối câu trả lời ghi số của đoạn trích chứa câu trả lời trong ngoặc vuông.
- Nếu các đoạn trích không có câu trả lời, chỉ viết: "Tài liệu không có thông tin này.\""""

EXAMPLES = (
    (
        """Đoạn trích:
[1] (Báo cáo năm 2023 của Hợp tác xã Tân Lộc) Năm 2023, hợp tác xã thu mua 640 tấn lúa \
của xã viên. Nhờ giống lúa mới, năng suất bình quân đạt 6,8 tấn mỗi héc-ta.

[2] Chi phí sản xuất năm 2023 tăng mạnh. Nguyên nhân chính là giá phân bón tăng cao.

Câu hỏi: Năng suất lúa bình quân năm 2023 đạt bao nhiêu?""",
        "Năng suất bình quân đạt 6,8 tấn mỗi héc-ta [1].",
    ),
    (
        """Đoạn trích:
[1] (Báo cáo năm 2023 của Hợp tác xã Tân Lộc) Năm 2023, hợp tác xã thu mua 640 tấn lúa \
của xã viên.

[2] Chi phí sản xuất năm 2023 tăng mạnh. Nguyên nhân chính là giá phân bón tăng cao.

Câu hỏi: Vì sao chi phí sản xuất năm 2023 tăng?""",
        "Do giá phân bón tăng cao [2].",
    ),
)

USER_TEMPLATE = """Đoạn trích:
{passages}

Câu hỏi: {question}"""

MODEL_ABSTAIN = "Tài liệu không có thông tin này."

PROMPT_MODES = ("sentences", "passages")
# chosen by bench/answerers.py on vinewsqa-dev (README): same F1, ~half the time to first token
DEFAULT_MODE = "sentences"
# what the sentence prompt may hold: excerpt characters (the first one always fits), items
SENTENCE_BUDGET = 800
MAX_SENTENCES = 5
FOLLOW = True  # also show the sentence after the best one
TITLES = True  # "[n] (document title) …": the first block of each document says its title

_CHARS_PER_TOKEN = 2.5  # Vietnamese in Qwen's tokenizer, measured on the sample report
_SOURCE_PENALTY = 0.02  # per retrieval rank, as the extractive answerer ranks


@dataclass(frozen=True)
class Prompt:
    """The messages for the model, and what it read of each passage.

    ``shown[n - 1]`` is ``sources[n - 1]`` with the text the model read of it (empty when it
    read none); ``numbers`` are the passages it read something of.
    """

    messages: list[Any]
    shown: list[Source]
    numbers: tuple[int, ...]
    mode: str

    @property
    def user_text(self) -> str:
        return str(self.messages[-1].content)


def prompt_mode(settings: Settings, mode: str | None = None) -> str:
    """``mode``, else ``settings.llm_prompt`` (``HOIDAP_LLM_PROMPT``) when it exists, else the
    default; an unknown name is an error, not a silent default."""
    chosen = mode or getattr(settings, "llm_prompt", None) or DEFAULT_MODE
    if chosen not in PROMPT_MODES:
        msg = f"unknown prompt mode {chosen!r} (one of {', '.join(PROMPT_MODES)})"
        raise ValueError(msg)
    return chosen


# --------------------------------------------------------------------------- passages


def format_passages(sources: list[Source], budget_chars: int) -> str:
    """Numbered passages for the prompt, each cut to its share of the context budget."""
    share = max(200, budget_chars // max(len(sources), 1))
    blocks = []
    for number, source in enumerate(sources, start=1):
        body = " ".join(source.text.split())
        if len(body) > share:
            body = body[:share].rsplit(" ", 1)[0] + " …"
        blocks.append(f"{_label(number, source)} {body}")
    return "\n\n".join(blocks)


def _label(number: int, source: Source) -> str:
    name = source.title or source.source
    return f"[{number}] ({name})" if name else f"[{number}]"


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Item:
    """One sentence or table row a passage offers the model, and how well it fits."""

    number: int  # the passage's 1-based place in the sources
    position: int  # its order in the passage
    text: str
    score: float
    row: bool = False  # a table row: it comes under the table's header line


@dataclass(frozen=True)
class TableParts:
    """A table passage cut into its title, header line and the lines under them."""

    title: str
    header: str
    lines: list[str]


def table_parts(source: Source) -> TableParts | None:
    """The title, header line and rows of a table passage (``None`` for running text).

    A table passage carries its rows as data (``Source.table``); a passage built without
    them (by hand, or from an index written before tables were stored) is read from its
    text: its title (a line without cells), its header line, then one row per line with
    " | " between cells (``ingest/chunking.py``).
    """
    if source.table is not None:
        table = source.table
        header = render_cells(table.header)
        rows = [CELL_SEPARATOR.join(row) for row in table.rows]
        return TableParts(table.title, header, [r for r in rows if r.strip()])
    if not source.table_header:
        return None
    header = render_cells(tuple(source.table_header))
    lines = [line for line in source.text.split("\n") if line.strip()]
    title = lines[0] if lines and CELL_SEPARATOR not in lines[0] else ""
    body = lines[1:] if title else lines
    rows = [line for line in body if line.rstrip(" |") != header.rstrip(" |")]
    return TableParts(title, header, rows)


def _items(question: str, sources: list[Source], picker: SentencePicker) -> list[Item]:
    words = picker.content_words(question)
    items: list[Item] = []
    for number, source in enumerate(sources, start=1):
        table = table_parts(source)
        if table is not None:
            pieces = [(line, CELL_SEPARATOR in line) for line in table.lines]
        else:
            pieces = [(s, False) for s in split_sentences(source.text)]
        penalty = _SOURCE_PENALTY * (number - 1)
        for position, (text, row) in enumerate(pieces):
            text = " ".join(text.split()) if not row else text.strip()
            if text:
                score = picker.score(words, text) - penalty
                items.append(Item(number, position, text, score, row))
    return items


def select_items(
    question: str,
    sources: list[Source],
    picker: SentencePicker | None = None,
    *,
    budget: int = SENTENCE_BUDGET,
    max_items: int = MAX_SENTENCES,
    follow: bool = FOLLOW,
) -> list[Item]:
    """The sentences and rows to show, best first, within ``budget`` characters.

    The best one is always taken; a later one only while it fits the budget (a table's
    header line counts against it once). A sentence two overlapping passages share is
    shown once, under the better-ranked passage.
    """
    picker = picker or SentencePicker()
    items = _items(question, sources, picker)
    ranked = sorted(items, key=lambda i: (-i.score, i.number))
    if follow and ranked and not ranked[0].row:
        # the sentence after the best one: where the answer often goes on ("…, cho biết:")
        top = ranked[0]
        after = [i for i in items if i.number == top.number and i.position == top.position + 1]
        if after:
            ranked.remove(after[0])
            ranked.insert(1, replace(after[0], score=max(after[0].score, 1e-6)))
    headers = {
        n: parts.header
        for n, s in enumerate(sources, start=1)
        if (parts := table_parts(s)) is not None
    }
    chosen: list[Item] = []
    seen: set[str] = set()
    used = 0
    with_header: set[int] = set()
    for item in ranked:
        if len(chosen) >= max_items:
            break
        if item.text in seen or item.score <= 0:
            continue
        cost = len(item.text)
        if item.row and item.number not in with_header:
            cost += len(headers.get(item.number, ""))
        if chosen and used + cost > budget:
            continue
        chosen.append(item)
        seen.add(item.text)
        used += cost
        if item.row:
            with_header.add(item.number)
    return chosen


def format_items(items: list[Item], sources: list[Source]) -> dict[int, str]:
    """Each passage's chosen items in passage order: sentences joined with spaces (" … "
    where the passage skips some), rows one per line under the table's title and header."""
    blocks: dict[int, str] = {}
    for number in sorted({i.number for i in items}):
        mine = sorted((i for i in items if i.number == number), key=lambda i: i.position)
        table = table_parts(sources[number - 1])
        if table is not None and any(i.row for i in mine):
            lines = [table.title] if table.title else []
            lines.append(table.header)
            lines += [i.text for i in mine]
            blocks[number] = "\n".join(lines)
            continue
        text = mine[0].text
        for before, item in pairwise(mine):
            text += (" " if item.position == before.position + 1 else " … ") + item.text
        blocks[number] = text
    return blocks


def format_sentences(
    blocks: dict[int, str], sources: list[Source], *, titles: bool = TITLES
) -> str:
    """The blocks under their numbers; a title already given is not repeated (overlapping
    chunks of one report), and a table's lines start on the line after the number."""
    parts = []
    named: set[str] = set()
    for number, text in blocks.items():
        source = sources[number - 1]
        name = source.title or source.source
        label = f"[{number}]" if name in named or not titles else _label(number, source)
        named.add(name)
        parts.append(f"{label}{chr(10) if CELL_SEPARATOR in text else ' '}{text}")
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- messages


def build_prompt(
    question: str,
    sources: list[Source],
    settings: Settings,
    *,
    mode: str | None = None,
    picker: SentencePicker | None = None,
    titles: bool | None = None,
) -> Prompt:
    """The mode's constant prefix first (so the server can reuse its cache), then the excerpts.

    Args:
        titles: label the sentence prompt's blocks with their document's title (default:
            ``settings.llm_prompt_titles`` when it exists, else :data:`TITLES`).
    """
    from langchain_core.messages import HumanMessage

    mode = prompt_mode(settings, mode)
    if mode == "passages":
        top = sources[: settings.llm_passages]
        prompt_tokens = settings.llm_ctx - settings.llm_max_tokens - 300
        budget = int(max(prompt_tokens, 500) * _CHARS_PER_TOKEN)
        body = format_passages(top, budget)
        numbers = tuple(range(1, len(top) + 1))
        shown = list(top)  # the cut only drops what the prompt could not hold
    else:
        budget = int(getattr(settings, "llm_prompt_chars", SENTENCE_BUDGET))
        count = int(getattr(settings, "llm_prompt_sentences", MAX_SENTENCES))
        items = select_items(question, sources, picker, budget=budget, max_items=count)
        blocks = format_items(items, sources)
        if titles is None:
            titles = bool(getattr(settings, "llm_prompt_titles", TITLES))
        body = format_sentences(blocks, sources, titles=titles)
        numbers = tuple(blocks)
        shown = [replace(s, text=blocks.get(n, "")) for n, s in enumerate(sources, start=1)]
    user = HumanMessage(USER_TEMPLATE.format(passages=body, question=question))
    return Prompt([*prefix_messages(mode), user], shown, numbers, mode)


def prefix_messages(mode: str) -> list[Any]:
    """What comes before the excerpts: the same for every question of a mode (cached)."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    if mode == "passages":
        return [SystemMessage(SYSTEM_PROMPT)]
    examples = [
        message
        for asked, answered in EXAMPLES
        for message in (HumanMessage(asked), AIMessage(answered))
    ]
    return [SystemMessage(SENTENCE_SYSTEM_PROMPT), *examples]


def build_messages(question: str, sources: list[Source], settings: Settings) -> list[Any]:
    """The messages alone, in the configured mode (as this was before llm_prompt.py)."""
    return build_prompt(question, sources, settings).messages
