"""Scoring answers about real reports: the question format of ``../shared/reports``.

One question a line: ``id``, ``doc`` (the file it is about), ``question``, ``answers`` (any one
counts), ``answerable``. An answer to an answerable question is right when it is not an
abstention, one of its sources is a passage of ``doc``, and its text contains a gold answer;
an answer to an unanswerable question is right when it abstains.

Texts are compared in NFC, with one tone-mark convention, case-folded, whitespace folded and
``[n]`` citations removed. Figures are compared digit by digit: ``1 410 126 517 617``,
``1.410.126.517.617``, ``1,410,126,517,617`` and ``1410126517617`` are one figure, and a
figure is never found inside a longer one (``49.600`` is not in ``149.600`` nor in
``49.600.000``).

A *wrong figure* is the worst failure: an answer that is not an abstention, is not right,
and states a figure (digits, citations aside) for a question whose gold answers hold a
figure, or for an unanswerable question.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hoidap.evaluate import percentile
from ingest.normalize import normalize_tones

if TYPE_CHECKING:
    import argparse

    from hoidap.settings import Settings
    from qa.types import Answer

_CITATION = re.compile(r"\[\d+(?:\s*[,;-]\s*\d+)*\]")
# a figure in a gold answer: digits grouped by three with one separator, or a plain digit run
_GOLD_FIGURE = re.compile(r"\d{1,3}(?:(?P<sep>[ .,])\d{3})(?:(?P=sep)\d{3})*(?!\d)|\d+")
_DIGIT = re.compile(r"\d")
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"


@dataclass
class ReportQuestion:
    id: str
    doc: str
    question: str
    answers: list[str]
    answerable: bool


def is_report_format(path: Path) -> bool:
    """True when the question file's rows name their file in ``doc`` (not ``doc_id``)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                return "doc" in row and "doc_id" not in row
    return False


def load_report_questions(path: Path, limit: int | None = None) -> list[ReportQuestion]:
    questions: list[ReportQuestion] = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            answers = [str(a) for a in row.get("answers") or []]
            questions.append(
                ReportQuestion(
                    str(row.get("id", len(questions))),
                    str(row["doc"]),
                    str(row["question"]),
                    answers,
                    bool(row.get("answerable", bool(answers))),
                )
            )
            if limit and len(questions) >= limit:
                break
    return questions


# --------------------------------------------------------------------------- matching


def fold_text(text: str) -> str:
    """``text`` as it is compared: no citations, NFC, one tone convention, case and
    whitespace folded (non-breaking and thin spaces included)."""
    text = _CITATION.sub(" ", text)
    text = normalize_tones(unicodedata.normalize("NFC", text))
    return " ".join(unicodedata.normalize("NFC", text.casefold()).split())


def _groups(digits: str) -> list[str]:
    """``"1410126517617"`` → ``["1", "410", "126", "517", "617"]`` (threes from the right)."""
    head = len(digits) % 3 or 3
    return [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]


def _figure_pattern(digits: str, *, first: bool, last: bool) -> str:
    """Every way of writing ``digits``, none of them part of a longer figure.

    ``first`` / ``last``: the figure starts / ends the gold answer, so what surrounds it in
    the answer text must not continue it (another digit, ``.5``, ``,000``; with spaces as
    separators, a neighbouring group of three digits).
    """
    groups = _groups(digits)
    separators = ("",) if len(groups) == 1 else ("", " ", ".", ",")
    variants = []
    for sep in separators:
        before, after = r"(?<!\d)", r"(?!\d)"
        spaced = sep == " " or len(groups) == 1
        if first:
            before += r"(?<!\d[.,])" + (r"(?<!\d )" if spaced and len(groups[0]) == 3 else "")
        if last:
            after += r"(?![.,]\d)" + (r"(?! \d{3}(?!\d))" if spaced else "")
        variants.append(before + re.escape(sep).join(groups) + after)
    return "(?:" + "|".join(variants) + ")"


def gold_pattern(gold: str) -> re.Pattern[str] | None:
    """A regex that finds ``gold`` in folded answer text (``None`` for an empty gold answer)."""
    folded = fold_text(gold)
    if not folded:
        return None
    figures = list(_GOLD_FIGURE.finditer(folded))
    parts: list[str] = []
    if folded[0].isalpha():
        parts.append(_NOT_LETTER_BEFORE)
    position = 0
    for number, match in enumerate(figures):
        literal = folded[position : match.start()]
        if literal in (".", ",") and number > 0 and figures[number - 1].end() == position:
            parts.append("[.,]")  # a decimal mark between two figures: 32,2 = 32.2
        else:
            parts.append(re.escape(literal))
        digits = re.sub(r"\D", "", match.group(0))
        parts.append(
            _figure_pattern(digits, first=match.start() == 0, last=match.end() == len(folded))
        )
        position = match.end()
    parts.append(re.escape(folded[position:]))
    if folded[-1].isalpha():
        parts.append(_NOT_LETTER_AFTER)
    return re.compile("".join(parts))


def contains_gold(text: str, answers: Sequence[str]) -> bool:
    """True when ``text`` holds one of ``answers`` (figures compared digit by digit)."""
    haystack = fold_text(text)
    for gold in answers:
        pattern = gold_pattern(gold)
        if pattern is not None and pattern.search(haystack):
            return True
    return False


def states_figure(text: str) -> bool:
    """The text holds a digit outside its ``[n]`` citations."""
    return bool(_DIGIT.search(_CITATION.sub(" ", text)))


def source_matches(q: ReportQuestion, answer: Answer) -> bool:
    """One of the answer's sources is a passage of the question's file."""
    wanted = unicodedata.normalize("NFC", Path(q.doc).name)
    return any(unicodedata.normalize("NFC", Path(s.source).name) == wanted for s in answer.sources)


def answer_is_right(q: ReportQuestion, answer: Answer) -> bool:
    if not q.answerable:
        return answer.abstained
    return (
        not answer.abstained and source_matches(q, answer) and contains_gold(answer.text, q.answers)
    )


def is_wrong_figure(q: ReportQuestion, answer: Answer) -> bool:
    """Not an abstention, not right, and a figure stated where a figure was the answer
    (or where there was nothing to answer)."""
    if answer.abstained or answer_is_right(q, answer) or not states_figure(answer.text):
        return False
    return not q.answerable or any(_DIGIT.search(a) for a in q.answers)


def verdict(q: ReportQuestion, answer: Answer) -> str:
    """Why the answer is right or not, in a few words."""
    if not q.answerable:
        return "abstained" if answer.abstained else "answered an unanswerable question"
    if answer.abstained:
        return "abstained"
    if not source_matches(q, answer):
        return f"no passage of {q.doc} among the sources"
    if not contains_gold(answer.text, q.answers):
        return "no gold answer in the text"
    return "right"


# --------------------------------------------------------------------------- scoring


@dataclass
class DocScore:
    answerable_right: int = 0
    answerable_total: int = 0
    unanswerable_abstained: int = 0
    unanswerable_total: int = 0
    wrong_figures: int = 0


@dataclass
class ReportRow:
    """One question's answer, judged. ``note`` is the answerer's own note (a model answer
    replaced, and why); ``why`` the scoring's verdict."""

    id: str
    doc: str
    answerable: bool
    right: bool
    abstained: bool
    wrong_figure: bool
    text: str
    note: str | None
    why: str
    sources: list[str]
    seconds: float | None = None


@dataclass
class ReportScore:
    answerable_right: int = 0
    answerable_total: int = 0
    unanswerable_abstained: int = 0
    unanswerable_total: int = 0
    wrong_figures: int = 0
    per_doc: dict[str, DocScore] = field(default_factory=dict)
    rows: list[ReportRow] = field(default_factory=list)

    def latency(self, q: float) -> float:
        """The ``q`` quantile of answer seconds (0 when not timed)."""
        return percentile([r.seconds for r in self.rows if r.seconds is not None], q)

    def misses(self) -> list[ReportRow]:
        return [r for r in self.rows if not r.right]

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        return {
            key: data[key]
            for key in (
                "answerable_right",
                "answerable_total",
                "unanswerable_abstained",
                "unanswerable_total",
                "wrong_figures",
                "per_doc",
                "rows",
            )
        }


def score(
    questions: Sequence[ReportQuestion],
    answers: Sequence[Answer],
    seconds: Sequence[float] | None = None,
) -> ReportScore:
    """Judge ``answers`` (in the order of ``questions``; ``seconds`` the time each took)."""
    times: Sequence[float | None] = seconds if seconds is not None else [None] * len(questions)
    result = ReportScore()
    for q, answer, took in zip(questions, answers, times, strict=True):
        right = answer_is_right(q, answer)
        wrong_figure = is_wrong_figure(q, answer)
        doc = result.per_doc.setdefault(q.doc, DocScore())
        for tally in (result, doc):
            if q.answerable:
                tally.answerable_total += 1
                tally.answerable_right += right
            else:
                tally.unanswerable_total += 1
                tally.unanswerable_abstained += right
            tally.wrong_figures += wrong_figure
        result.rows.append(
            ReportRow(
                q.id,
                q.doc,
                q.answerable,
                right,
                answer.abstained,
                wrong_figure,
                answer.text,
                answer.note,
                verdict(q, answer),
                list(dict.fromkeys(s.source for s in answer.sources)),
                took,
            )
        )
    return result


# --------------------------------------------------------------------------- running


def ask_reports(
    questions: Sequence[ReportQuestion],
    settings: Settings,
    *,
    answerer: str | None = None,
    no_diacritics: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Answer], list[float]]:
    """Ask every question with ``qa.api.answer``, as a user would; answers and seconds."""
    from qa.api import answer
    from store.lexical import fold_diacritics

    answers: list[Answer] = []
    seconds: list[float] = []
    for number, q in enumerate(questions, start=1):
        text = fold_diacritics(q.question) if no_diacritics else q.question
        started = time.perf_counter()
        answers.append(answer(text, settings=settings, answerer=answerer))
        seconds.append(time.perf_counter() - started)
        if progress is not None:
            progress(number, len(questions))
    return answers, seconds


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total}"


def format_report(scores: dict[str, ReportScore]) -> str:
    """Answerers as columns: the totals, the answer times, then the same per file."""
    names = list(scores)
    width = max(12, *(len(n) for n in names))
    label_width = 34

    def line(label: str, cells: list[str]) -> str:
        return label[:label_width].ljust(label_width) + "".join(c.rjust(width + 2) for c in cells)

    def block(get: Callable[[ReportScore], DocScore | ReportScore], indent: str) -> list[str]:
        tallies = [get(scores[n]) for n in names]
        return [
            line(
                f"{indent}answerable right",
                [_ratio(t.answerable_right, t.answerable_total) for t in tallies],
            ),
            line(
                f"{indent}unanswerable abstained",
                [_ratio(t.unanswerable_abstained, t.unanswerable_total) for t in tallies],
            ),
            line(f"{indent}wrong figures", [str(t.wrong_figures) for t in tallies]),
        ]

    lines = [line("", names), *block(lambda s: s, "")]
    lines.append(line("answer p50 s", [f"{scores[n].latency(0.5):.2f}" for n in names]))
    lines.append(line("answer p95 s", [f"{scores[n].latency(0.95):.2f}" for n in names]))
    docs = list(dict.fromkeys(d for n in names for d in scores[n].per_doc))
    for doc in docs:
        lines.append(doc)
        def of_doc(score: ReportScore, doc: str = doc) -> DocScore:
            return score.per_doc.get(doc, DocScore())

        lines.extend(block(of_doc, "  "))
    return "\n".join(lines)


def format_misses(score: ReportScore, name: str = "", width: int = 150) -> str:
    """The questions not answered right, with what was answered (cut to ``width``)."""
    lines = [f"wrong or missed{f' ({name})' if name else ''}: {len(score.misses())}"]
    for row in score.misses():
        text = " ".join(row.text.split())
        text = text if len(text) <= width else text[: width - 1] + "…"
        flag = " WRONG FIGURE" if row.wrong_figure else ""
        lines.append(f"  {row.id} [{row.doc}] {row.why}{flag}: {text}")
    return "\n".join(lines)


def run_report_eval(
    args: argparse.Namespace, settings: Settings, *, echo: Callable[[str], None]
) -> int:
    """``hoidap eval`` on a report-format question file (same flags as the other format)."""
    import tempfile

    from ingest.pipeline import ingest

    questions = load_report_questions(Path(args.questions), args.limit)
    with tempfile.TemporaryDirectory(prefix="hoidap-eval-") as tmp:
        if not args.data_dir:
            settings = settings.replace(data_dir=Path(tmp))
        report = ingest(args.corpus, settings=settings)
        echo(f"index: {report.summary()}")
        for source, error in report.failed:
            echo(f"LỖI {source}: {error}")
        answers, seconds = ask_reports(
            questions, settings, answerer=args.answerer, no_diacritics=args.no_diacritics
        )
    scored = score(questions, answers, seconds)
    label = "hoidap" + (" (no diacritics)" if args.no_diacritics else "")
    echo(format_report({label: scored}))
    echo(format_misses(scored))
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps(scored.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return 0
