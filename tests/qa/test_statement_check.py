"""A model's figure must be the asked line's figure (qa/statement_check.py): the grounding
check accepts any figure of a cited statement passage, the statement model knows which line
each figure belongs to. No model runs here: the model's text is given, as it would write it.
"""

from __future__ import annotations

from ingest.document import Block, LoadedDocument, Table
from ingest.statements import build_statements
from qa.statement_check import off_line_figure
from qa.types import Source
from tests import statement_files as sf


def library():
    doc = LoadedDocument(
        "GTL",
        [Block(line) for line in sf.COVER]
        + [Block("t", table=Table(sf.BALANCE_TITLE, sf.BALANCE_HEADER, sf.BALANCE))],
    )
    built = build_statements(doc, "/r/gtl.md", "gtl.md", lambda t, i: (None, None))
    return {built.source: built}


CITED = [Source("gtl.md", "GTL", None, "c1", 1.0, "…")]


def test_the_asked_lines_figure_is_kept() -> None:
    text = f"Nợ phải trả là {sf.LIABILITIES} VND [1]."
    assert off_line_figure("nợ phải trả là bao nhiêu", text, CITED, library()) is None
    opening = "Nợ phải trả đầu năm là 20.000.500.600 VND [1]."  # another column, same line
    assert off_line_figure("nợ phải trả đầu năm", opening, CITED, library()) is None


def test_a_neighbouring_lines_figure_is_refused() -> None:
    text = "Nợ phải trả là 15.200.300.400 VND [1]."  # the figure of 310, the line below
    assert off_line_figure("nợ phải trả là bao nhiêu", text, CITED, library()) == "15.200.300.400"


def test_no_judgement_without_a_statement_line() -> None:
    text = "Có 1.700 cán bộ [1]."
    assert off_line_figure("có bao nhiêu cán bộ", text, CITED, library()) is None
    other = [Source("bao-cao.txt", "x", None, "c2", 1.0, "…")]
    assert off_line_figure("nợ phải trả", "Là 15.200.300.400 [1].", other, library()) is None
