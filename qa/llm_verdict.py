"""The verdict on a model's answer: kept as written, re-cited, or replaced by the quote.

What :class:`qa.llm_answer.LLMAnswerer` does with the model's full text, apart from getting
it: tidy it (an echoed question, a repeated unit, a list's numbers), then check it in code
before anyone trusts it:

1. it must be Vietnamese words (:func:`qa.grounding.garbage`);
2. every figure, date and proper name must appear in what the model read of the passages
   it cites (names may also come from the question), and a citation must name a passage
   it read (:func:`qa.grounding.check_grounding`); a wrong citation is dropped when the
   answer holds without it;
3. it must cite: an answer without a citation cites the passage it read that holds all its
   figures (:func:`cite`);
4. it must be what was asked, there: a figure counting the thing counted, a year next to
   the asked event, a name or place (:func:`qa.answer_types.check`);
5. a figure of a statement line must be the asked line's (:mod:`qa.statement_check`).

A failed check is a :class:`qa.reasons.Why`; the answerer then quotes instead, and
:func:`replaced` says why in the quote's note.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

from qa.answer_types import check
from qa.grounding import (
    best_passage,
    check_grounding,
    citations,
    drop_echoed_question,
    drop_repeated_unit,
    garbage,
    is_abstention,
    strip_citations,
)
from qa.llm_prompt import Prompt
from qa.reasons import Reason, Why, message, why
from qa.retriever import Retrieval
from qa.statement_check import off_line_figure
from qa.types import ABSTAIN_MESSAGE, Answer
from store.statements import DocumentStatements

__all__ = ["cite", "drop_list_numbers", "judge", "replaced"]

log = logging.getLogger(__name__)

# a citation with the space before it: "… 1.700 cán bộ [2]." → "… 1.700 cán bộ."
_CITED = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")
# "1. …", "2) …" starting a line of a list the model wrote: a place in the list, not a figure
_LIST_NUMBER = re.compile(r"(?m)^(\s*)\d{1,2}[.)]\s+(?=\D)")


def drop_list_numbers(text: str) -> str:
    """The answer with its list's numbers as dashes ("1. Ăn chín" → "- Ăn chín"): they are
    no figure of the report, and the grounding check would look for them there."""
    return _LIST_NUMBER.sub(r"\1- ", text)


def judge(
    raw: str,
    found: Retrieval,
    prompt: Prompt,
    name: str,
    library: Callable[[], dict[str, DocumentStatements]],
) -> Answer | Why:
    """The model's full text ``raw`` as the answer the user gets, or why it is not kept.

    A kept answer always cites, and what the model read of the passages it cites holds
    every figure and name it states (names may also come from the question): the model's
    own [n] when so; else (no citation, a wrong one, one of a passage it did not read) the
    passage it read that holds its figures, chosen by :func:`cite`; else it is not kept.

    Args:
        prompt: what the model read.
        name: the answerer, for ``Answer.answerer`` of a kept answer.
        library: the stored statements by document (read only when an answer got this far).
    """
    text = drop_list_numbers(drop_repeated_unit(drop_echoed_question(raw.strip())))
    if is_abstention(text):
        return Answer(text, True, found.sources, found.question, name)
    problem = garbage(text)
    if problem is not None:
        said = message(Reason.MODEL_UNUSABLE, problem=message(problem))
        return Why((Reason.MODEL_UNUSABLE, problem), said)
    shown = prompt.shown
    grounding = check_grounding(text, shown, found.question)
    unread = [n for n in grounding.cited if n not in prompt.numbers]
    if grounding.cited and (unread or not grounding.ok):
        # the model cited the wrong passage (or one it did not read): if the one it read
        # that holds everything is found below, cite that instead
        bare = _CITED.sub("", text).strip()
        if check_grounding(bare, shown, found.question).ok:
            log.info("model citation %s does not hold the answer; re-citing", grounding.cited)
            text, grounding = bare, check_grounding(bare, shown, found.question)
        elif unread:
            grounding = replace(grounding, bad_citations=[*grounding.bad_citations, *unread])
    if not grounding.ok:
        log.info("model answer rejected: %s", grounding.describe())
        return why(Reason.UNGROUNDED, problems=grounding.describe())
    kind = found.asked.kind
    if not grounding.cited:
        cited_text = cite(text, found, prompt)
        if cited_text is None:
            log.info("no passage the model read holds the answer's figures")
            return why(Reason.NO_PASSAGE_HOLDS_FIGURES)
        text = cited_text
    # the type check reads whole passages: the context of a figure (a list's heading)
    # may sit in a sentence the model was not shown
    numbers = citations(text)
    wrong = check(kind, text, "\n\n".join(found.sources[n - 1].text for n in numbers))
    if wrong:
        log.info("model answer is not what was asked: %s", wrong)
        return why(Reason.MODEL_NOT_ASKED, wrong=wrong)
    statements = library()
    off = (
        off_line_figure(found.question, text, found.sources, statements, asked=found.asked)
        if statements
        else None
    )
    if off:
        log.info("model figure %s is not the asked line's", off)
        return why(Reason.OFF_LINE_FIGURE, figure=off)
    return Answer(text, False, found.sources, found.question, name)


def cite(text: str, found: Retrieval, prompt: Prompt) -> str | None:
    """``text`` with the [n] of the passage it comes from, or ``None`` when none will do.

    The passage must be one the model read and hold every figure of the answer in what
    the model read of it; among those, the one holding an answer of the kind asked, then
    the one :func:`qa.grounding.best_passage` prefers. A name the answer took from
    another passage it read (a unit's full name said once in the report) adds that
    passage's number too ("[1, 3]"), so the cited passages hold all it says.
    """
    kind = found.asked.kind
    question = found.question
    figures_only = [
        n
        for n in prompt.numbers
        if not check_grounding(f"{text} [{n}]", prompt.shown, question).unsupported_figures
    ]
    if not figures_only:
        return None
    typed = [n for n in figures_only if check(kind, text, found.sources[n - 1].text) is None]
    pool = typed or figures_only
    among = [prompt.shown[n - 1] for n in pool]
    cited = [pool[(best_passage(text, among, question) or 1) - 1]]
    shown = prompt.shown

    def unheld(numbers: list[int]) -> list[str]:
        return check_grounding(f"{text} {_mark(numbers)}", shown, question).unsupported_names

    for name in unheld(cited):
        if name not in unheld(cited):
            continue  # the passage added for an earlier name holds this one too
        holder = next(
            (n for n in prompt.numbers if n not in cited and name not in unheld([n])), None
        )
        if holder is None:
            return None
        cited.append(holder)
    marked = f"{text} {_mark(cited)}"
    return marked if check_grounding(marked, shown, question).ok else None


def replaced(answer: Answer, found: Retrieval, because: Why, *, checked: bool) -> Answer:
    """The fallback's ``answer`` given instead of the model's, saying ``because`` first.

    Its quote must be of the kind asked too, since an abstention must never become a
    quote: ``checked`` says the fallback checked it itself, with the context the quote
    needs (the list heading above it, the report's title, the signature line beside it,
    as the extractive answerer does); otherwise it is checked here, against the passages
    it cites.
    """
    if not answer.abstained and not checked:
        quoted = [
            found.sources[n - 1].text
            for n in citations(answer.text)
            if 1 <= n <= len(found.sources)
        ]
        passage = "\n\n".join(quoted) or strip_citations(answer.text)
        wrong = check(found.asked.kind, answer.text, passage)
        if wrong:
            answer = Answer(
                ABSTAIN_MESSAGE, True, found.sources, found.question, "extractive"
            ).because(why(Reason.QUOTE_NOT_ASKED, wrong=wrong))
    said = because
    if answer.abstained and answer.note:
        said = said + Why(answer.reasons, answer.note)
    what = Reason.FALLBACK_ABSTAINED if answer.abstained else Reason.FALLBACK_QUOTED
    return answer.because(said + why(what), replacing=True)


def _mark(numbers: list[int]) -> str:
    return "[" + ", ".join(str(n) for n in sorted(numbers)) + "]"
