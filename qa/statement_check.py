"""A model's figure checked against the statement model: it must be the asked line's.

The grounding check accepts any figure a cited passage holds, and a statement passage holds
the figures of a dozen lines; a model that reads "Tài sản ngắn hạn" and writes the figure of
the line below states a wrong figure with a citation. When the question names a line the
statement model holds for a cited report, a figure the model writes must be one of that
line's figures (any period column); otherwise the answer is not kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hoidap.vietnamese import parse_figure
from qa.finance_question import close_targets, read_question
from qa.statement_lines import lines_of
from qa.types import Source
from store.statements import DocumentStatements

if TYPE_CHECKING:
    from qa.question import Question

_FIGURE = re.compile(r"(?<![\d.,])\(?-?\d{1,3}(?:[., ]\d{3})+\)?(?![\d]|[.,]\d)")
MIN_DIGITS = 5  # a year, a note number or a percentage is no line figure


def off_line_figure(
    question: str,
    text: str,
    sources: list[Source],
    library: dict[str, DocumentStatements],
    *,
    asked: Question | None = None,
) -> str | None:
    """The first figure in ``text`` that is not a figure of the asked line, or ``None``.

    Args:
        asked: ``question`` as the chain read it (:mod:`qa.question`); read here if not given.
    """
    asked_line = (
        asked.finance if asked is not None and asked.text == question else read_question(question)
    )
    if not asked_line.targets:
        return None
    by_name = {doc.name: doc for doc in library.values()} | library
    docs = [by_name[s.source] for s in sources if s.source in by_name]
    allowed: set[int] = set()
    # the three best of the lines the answerer may mean, named exactly (no concept stand-in)
    for doc in docs:
        for target in close_targets(asked_line.targets, 3):
            for _statement, line in lines_of(doc, target):
                allowed.update(abs(c.value) for c in line.cells if c.stated and c.value)
    if not allowed:
        return None  # the statement model does not hold this line: nothing to compare with
    for match in _FIGURE.finditer(text):
        figure = parse_figure(match.group(0))
        if figure is None or len(str(abs(figure.value))) < MIN_DIGITS:
            continue
        if abs(figure.value) not in allowed:
            return match.group(0)
    return None
