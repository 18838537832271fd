"""Answers from financial statements as data: a line's figure, a change, a ratio, the report.

Runs before retrieval-based quoting. Every figure stated is the figure of the line the
question asks for, in the column of the period it asks for, as the statement model holds
it (verified, derived or recovered by the statement's identities, or as read where no
identity applies); a contradicted figure is never stated. A question this path cannot
place on a line goes on to the passages.
"""

from __future__ import annotations

import logging

from hoidap.knowledge import Ratio, concepts, phrases, ratios, statement_templates
from hoidap.vietnamese import fold, format_figure, format_number
from qa.finance_question import (
    FinanceQuestion,
    PeriodAsk,
    Target,
)
from qa.question import asked as reading
from qa.reasons import Reason, Why, why
from qa.retriever import Retrieval
from qa.statement_lines import (
    FoundCell,
    by_concept,
    day_text,
    line_name,
    lines_of,
    locate,
    period_label,
    reports_asked,
    status_note,
    with_status,
)
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from store.index import Index
from store.statements import (
    DERIVED,
    RECOVERED,
    DocumentStatements,
    Line,
    Statement,
)

log = logging.getLogger(__name__)
NAME = "statements"


class StatementAnswerer:
    """Answers line, ratio, change and report questions from the stored statements."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def _documents(
        self, question: str, found: Retrieval | None
    ) -> list[DocumentStatements] | None:
        """The reports a question is about (:func:`qa.statement_lines.reports_asked`)."""
        return reports_asked(self.index.statements.all(), question, found)

    # sources -------------------------------------------------------------------------
    def _source(self, doc: DocumentStatements, line: Line | None, evidence: str = "") -> Source:
        chunk_id = line.chunk_id if line is not None else None
        text = ""
        page = line.page if line is not None else None
        if chunk_id:
            got = self.index.get_chunks([chunk_id])
            if chunk_id in got:
                text = got[chunk_id][0]
                page = got[chunk_id][1].get("page", page)
        if not text:
            record = self.index.manifest().documents.get(doc.source)
            ids = record.chunk_ids[:80] if record else []
            chunks = self.index.get_chunks(ids) if ids else {}
            want = fold(evidence)
            for cid in ids:
                if cid in chunks and (not want or want in fold(chunks[cid][0])):
                    chunk_id, text = cid, chunks[cid][0]
                    page = chunks[cid][1].get("page", page)
                    break
            if not text and ids and ids[0] in chunks:
                chunk_id, text = ids[0], chunks[ids[0]][0]
        if isinstance(page, int) and page < 0:
            page = None
        return Source(
            doc.name,
            doc.title,
            page if isinstance(page, int) else None,
            chunk_id or "",
            1.0,
            text,
        )

    def _cite(self, sources: list[Source], source: Source) -> int:
        for n, have in enumerate(sources, 1):
            if have.chunk_id == source.chunk_id and have.source == source.source:
                return n
        sources.append(source)
        return len(sources)

    # answers -------------------------------------------------------------------------
    def __call__(self, question: str, found: Retrieval | None = None) -> Answer | None:
        try:
            return self._answer(question, found)
        except Exception:  # the statement path must never cost the user an answer
            log.warning("statement answer failed for %r", question, exc_info=True)
            return None

    def _answer(self, question: str, found: Retrieval | None) -> Answer | None:
        asked = reading(found.asked if found is not None else None, question).finance
        if asked.intent == "none" or asked.outside:
            return None
        docs = self._documents(question, found)
        if not docs:
            return None
        answers = [a for a in (self._one(asked, doc) for doc in docs) if a is not None]
        if not answers:
            return None
        stated = [a for a in answers if not a.abstained]
        if len(docs) == 1 or len(answers) == 1:
            return answers[0]
        if not stated:
            return answers[0]
        sources: list[Source] = []
        lines = []
        for a in stated:
            text = a.text
            for n, s in enumerate(a.sources, 1):
                text = text.replace(f"[{n}]", f"[{self._cite(sources, s)}]")
            doc = next((d for d in docs if a.sources and d.name == a.sources[0].source), None)
            company = (doc.card.company or doc.name) if doc else ""
            if doc is not None and doc.card.ticker:
                company += f" ({doc.card.ticker})"
            lines.append(f"- {company}: {text}")
        text = "Trong thư viện có nhiều báo cáo; số của từng báo cáo:\n" + "\n".join(lines)
        return Answer(text, False, sources, question, NAME)

    def _one(self, asked: FinanceQuestion, doc: DocumentStatements) -> Answer | None:
        if asked.intent == "card":
            return self._card(asked, doc)
        if not doc.statements:
            return None
        if asked.intent == "ratio":
            return self._ratio(asked, doc)
        if asked.intent == "all_ratios":
            return self._all_ratios(asked, doc)
        ask = asked.period
        if asked.intent in ("change", "analysis") and ask.role in ("start", "prior"):
            ask = PeriodAsk(None, ask.months, ask.cumulative, ask.quarter, ask.years, ask.dates)
        found, said = locate(doc, asked.targets, ask)
        if found is None:
            return self._abstain(asked, doc, said) if said else None
        if asked.intent in ("change", "analysis"):
            return self._change(asked, found)
        return self._line(asked, found, said)

    def _abstain(self, asked: FinanceQuestion, doc: DocumentStatements, because: Why) -> Answer:
        """An abstention about ``doc`` that says why (the report was read; it lacks this)."""
        answer = Answer(ABSTAIN_MESSAGE, True, [self._source(doc, None)], asked.text, NAME)
        return answer.because(because)

    def _unit(self, found: FoundCell) -> str:
        return found.statement.unit or "VND"

    def _line(self, asked: FinanceQuestion, found: FoundCell, because: Why | None) -> Answer:
        sources: list[Source] = []
        n = self._cite(sources, self._source(found.doc, found.line))
        value = format_figure(found.cell.value or 0)
        parts = [
            f"{line_name(found.line)}, {period_label(found.period)}: {value} {self._unit(found)} [{n}]."  # noqa: E501
        ]
        others = [
            f"{period_label(p)}: {format_figure(c.value or 0)}"
            for i, (p, c) in enumerate(zip(found.statement.periods, found.line.cells, strict=False))
            if i != found.column and c.stated
        ]
        ask = asked.period
        named = ask.role or ask.dates or ask.years or ask.quarter or ask.months
        if others and not named:  # a period asked for is answered alone
            parts.append("Các kỳ khác trong báo cáo — " + "; ".join(others) + ".")
        note = status_note(found)
        quotes = [found.line.row] if found.line.row else []
        if found.cell.status in (DERIVED, RECOVERED) and found.cell.basis:
            # the lines the figure was worked out from, each cited: the user can check them
            shown = []
            for key in found.cell.basis:
                other = found.statement.line(key)
                if other is None or not other.cells[found.column].stated:
                    continue
                figure = format_figure(other.cells[found.column].value or 0)
                if other.chunk_id:
                    m = self._cite(sources, self._source(found.doc, other))
                    shown.append(f"{line_name(other)} {figure} [{m}]")
                else:  # a line the report does not print, itself worked out
                    shown.append(f"{line_name(other)} {figure} (tính được)")
                if other.row:
                    quotes.append(other.row)
            if shown:
                parts.append("Tính từ: " + "; ".join(shown) + ".")
        text = " ".join(parts)
        answer = Answer(text, False, sources, asked.text, NAME, quotes=quotes).because(because)
        return with_status(answer, note)

    def _change(self, asked: FinanceQuestion, found: FoundCell) -> Answer:
        statement, line = found.statement, found.line
        periods = statement.periods
        base = self._base_column(statement, found.column, asked.period)
        sources: list[Source] = []
        n = self._cite(sources, self._source(found.doc, line))
        now = found.cell.value or 0
        if base is None or not line.cells[base].stated:
            return self._line(asked, found, why(Reason.NO_COMPARISON))
        then = line.cells[base].value or 0
        diff = now - then
        pct = (diff / abs(then) * 100) if then else None
        verb = "tăng" if diff > 0 else "giảm" if diff < 0 else "không đổi"
        unit = self._unit(found)
        text = (
            f"{line_name(line)} {verb} {format_figure(abs(diff))} {unit}"
            + (
                f" ({'+' if diff >= 0 else '−'}{format_number(abs(pct))} %)"
                if pct is not None
                else ""
            )
            + f": {period_label(periods[found.column])} {format_figure(now)} so với "
            f"{period_label(periods[base])} {format_figure(then)} [{n}]."
        )
        if asked.intent == "analysis":
            for column, period in enumerate(periods):
                other = self._base_column(statement, column, PeriodAsk())
                if column in (found.column, base) or period.role != "current" or other is None:
                    continue
                a, b = line.cells[column], line.cells[other]
                if a.stated and b.stated and b.value:
                    change = (a.value or 0) - b.value
                    sign = "+" if change >= 0 else "−"
                    text += (
                        f" {period_label(period)}: {format_figure(a.value or 0)} so với "
                        f"{period_label(periods[other])} {format_figure(b.value)} "
                        f"({sign}{format_number(abs(change / b.value * 100))} %)."
                    )
            text += self._structure(asked, statement, line)
            revenue = by_concept(found.doc, "net_revenue")
            if statement.kind == "income_statement" and revenue and line.concept != "net_revenue":
                rev_line = revenue[0][1]
                shares = [
                    f"{period_label(p)}: {format_number(c.value / r.value * 100)} %"
                    for p, c, r in zip(periods, line.cells, rev_line.cells, strict=False)
                    if c.stated and r.stated and r.value and c.value is not None
                ]
                if shares:
                    text += " Tỷ trọng trên doanh thu thuần — " + "; ".join(shares) + "."
        quotes = [line.row] if line.row else []
        answer = Answer(text, False, sources, asked.text, NAME, quotes=quotes)
        return with_status(answer, status_note(found))

    @staticmethod
    def _structure(asked: FinanceQuestion, statement: Statement, line: Line) -> str:
        """ "Kết cấu / cơ cấu" of a total: each part's share of it, per column."""
        if not any(w in asked.folded for w in phrases("intents.structure")):
            return ""
        template = next(
            (
                t
                for t in statement_templates()
                if t.family == statement.family and t.id == statement.kind
            ),
            None,
        )
        if template is None:
            return ""
        identity = next(
            (i for i in template.identities if i.total == line.key and len(i.parts) > 1), None
        )
        if identity is None:
            return ""
        shares = []
        for column, period in enumerate(statement.periods):
            total = line.cells[column]
            if not total.stated or not total.value:
                continue
            parts = []
            for _sign, key in identity.parts:
                part = statement.line(key)
                if part is not None and part.cells[column].stated and part.cells[column].value:
                    share = (part.cells[column].value or 0) / total.value * 100
                    parts.append(f"{part.name} {format_number(share)} %")
            if parts:
                shares.append(f"{period_label(period)}: " + ", ".join(parts))
        return (" Cơ cấu — " + "; ".join(shares) + ".") if shares else ""

    def _base_column(self, statement: Statement, column: int, ask: PeriodAsk) -> int | None:
        periods = statement.periods
        me = periods[column]
        if me.role in ("end", "start"):
            other = [i for i, p in enumerate(periods) if p.role == "start" and i != column]
            return other[0] if other else None
        if len(ask.years) >= 2:
            older = min(ask.years)
            hit = [
                i
                for i, p in enumerate(periods)
                if i != column and p.end and int(p.end[:4]) == older and p.months == me.months
            ]
            if hit:
                return hit[0]
        same = [i for i, p in enumerate(periods) if p.role == "prior" and p.months == me.months]
        return same[0] if same else None

    # ratios --------------------------------------------------------------------------
    def _input(
        self, doc: DocumentStatements, terms: tuple[Target, ...] | tuple[tuple[int, str], ...]
    ) -> tuple[list[tuple[int, FoundCell]], str]:
        found: list[tuple[int, FoundCell]] = []
        for term in terms:
            if isinstance(term, Target):
                sign, pairs = (
                    1,
                    lines_of(doc, term, or_concept=True),
                )
                label = term.concept or term.key
            else:
                sign, concept = term
                # a concept the report prints only as a variant ("…_net": net of provisions)
                pairs = by_concept(doc, concept) or [
                    (s, line)
                    for s in doc.statements
                    for line in s.lines
                    if line.concept and line.concept.startswith(concept + "_")
                ]
                known = concepts().get(concept)
                label = known.name if known else concept
            hit = None
            for statement, line in pairs:
                column = self._ratio_column(statement)
                if column is not None and line.cells[column].stated:
                    hit = FoundCell(doc, statement, line, column)
                    break
            if hit is None:
                if isinstance(term, Target):
                    continue
                return [], f"báo cáo không có (hoặc không kiểm chứng được) dòng {label}"
            found.append((sign, hit))
            if isinstance(term, Target):
                break
        if not found:
            return [], "không tìm thấy dòng cần cho phép tính"
        return found, ""

    @staticmethod
    def _ratio_column(statement: Statement) -> int | None:
        periods = statement.periods
        if statement.kind == "balance_sheet" or all(p.role in ("end", "start") for p in periods):
            ends = [i for i, p in enumerate(periods) if p.role == "end"]
            return ends[0] if ends else (0 if periods else None)
        current = [i for i, p in enumerate(periods) if p.role == "current"]
        if not current:
            return None
        return max(current, key=lambda i: periods[i].months or 0)

    def _ratio(self, asked: FinanceQuestion, doc: DocumentStatements) -> Answer | None:
        if asked.ratio is not None:
            ratio = asked.ratio
            top, why_top = self._input(doc, ratio.numerator)
            bottom, why_bottom = self._input(doc, ratio.denominator)
            name, percent, average = ratio.name, ratio.percent, ratio.average_denominator
        elif asked.ratio_parts is not None:
            top, why_top = self._input(doc, asked.ratio_parts[0])
            bottom, why_bottom = self._input(doc, asked.ratio_parts[1])
            name, percent, average = "Tỷ lệ", True, False
            if top and bottom:
                name = f"Tỷ lệ {top[0][1].line.name} / {bottom[0][1].line.name}"
        else:
            return None
        if not top or not bottom:
            missing = why_top or why_bottom
            return self._abstain(
                asked, doc, why(Reason.RATIO_INPUT_MISSING, ratio=name, missing=missing)
            )
        note = asked.ratio.note if asked.ratio else ""
        if asked.ratio is not None:
            wanted = {c for _, c in (*asked.ratio.numerator, *asked.ratio.denominator)}
            variants = [f.line for _, f in (*top, *bottom) if f.line.concept not in wanted]
            if variants:
                used = ", ".join(f"{v.name} ({v.concept})" for v in variants)
                note = (
                    f"Báo cáo không tách dòng theo định nghĩa; dùng {used} "
                    f"(a variant of the defined input was used). {note}"
                )
        return self._ratio_answer(asked, doc, name, top, bottom, percent, average, ratio_note=note)

    def _ratio_answer(
        self,
        asked: FinanceQuestion,
        doc: DocumentStatements,
        name: str,
        top: list[tuple[int, FoundCell]],
        bottom: list[tuple[int, FoundCell]],
        percent: bool,
        average: bool,
        ratio_note: str = "",
    ) -> Answer | None:
        sources: list[Source] = []

        def side(terms: list[tuple[int, FoundCell]]) -> tuple[int, str]:
            total, shown = 0, []
            for sign, f in terms:
                n = self._cite(sources, self._source(doc, f.line))
                total += sign * (f.cell.value or 0)
                shown.append(
                    f"{'−' if sign < 0 else ''}{f.line.name} ({period_label(f.period)}) "
                    f"{format_figure(f.cell.value or 0)} [{n}]"
                )
            return total, " + ".join(shown).replace("+ −", "− ")

        numerator, top_text = side(top)
        denominator, bottom_text = side(bottom)
        if denominator == 0:
            return Answer(ABSTAIN_MESSAGE, True, sources, asked.text, NAME).because(
                why(Reason.ZERO_DENOMINATOR, ratio=name)
            )
        value = numerator / denominator
        shown = f"{format_number(value * 100)} %" if percent else f"{format_number(value)} lần"
        text = f"{name} = {top_text} / {bottom_text} = {shown}."
        if average and len(bottom) == 1:
            f = bottom[0][1]
            opening = [i for i, p in enumerate(f.statement.periods) if p.role == "start"]
            if opening and f.line.cells[opening[0]].stated:
                start = f.line.cells[opening[0]].value or 0
                mean = (denominator + start) / 2
                if mean:
                    alt = numerator / mean
                    alt_shown = (
                        f"{format_number(alt * 100)} %" if percent else f"{format_number(alt)} lần"
                    )
                    text += (
                        f" Theo {f.line.name} bình quân đầu và cuối kỳ "
                        f"(({format_figure(denominator)} + {format_figure(start)}) / 2): {alt_shown}."  # noqa: E501
                    )
        note = ratio_note or None
        quotes = [f.line.row for _, f in (*top, *bottom) if f.line.row]
        return Answer(text, False, sources, asked.text, NAME, quotes=quotes, note=note)

    def _all_ratios(self, asked: FinanceQuestion, doc: DocumentStatements) -> Answer | None:
        parts: list[str] = []
        sources: list[Source] = []
        for ratio in ratios():
            top, _ = self._input(doc, ratio.numerator)
            bottom, _ = self._input(doc, ratio.denominator)
            if not top or not bottom:
                continue
            one = self._ratio_answer(asked, doc, ratio.name, top, bottom, ratio.percent, False)
            if one is None or one.abstained:
                continue
            text = one.text
            for n, s in enumerate(one.sources, 1):
                text = text.replace(f"[{n}]", f"[{self._cite(sources, s)}]")
            parts.append(f"- {text}")
        if not parts:
            return None
        return Answer(
            "Các chỉ số tính từ báo cáo:\n" + "\n".join(parts), False, sources, asked.text, NAME
        )

    # the report card -----------------------------------------------------------------
    def _card(self, asked: FinanceQuestion, doc: DocumentStatements) -> Answer | None:
        card = doc.card
        field = asked.card_field or "overview"
        kinds = {"consolidated": "hợp nhất", "separate": "riêng", "combined": "tổng hợp"}
        checks = {"audited": "đã kiểm toán", "reviewed": "đã soát xét"}
        facts = {
            "company": card.company
            and f"Công ty: {card.company}"
            + (f" (mã chứng khoán {card.ticker})" if card.ticker else ""),
            "ticker": card.ticker
            and f"Mã chứng khoán: {card.ticker}" + (f" ({card.company})" if card.company else ""),
            "period": card.period
            and f"Kỳ báo cáo: {card.period}"
            + (f", kết thúc ngày {day_text(card.period_end)}" if card.period_end else ""),
            "auditor": card.auditor
            and f"{'Đơn vị soát xét' if card.assurance == 'reviewed' else 'Đơn vị kiểm toán'}: "
            f"{card.auditor}"
            + (f" (ý kiến/kết luận: {card.opinion})" if card.opinion else ""),
            "kind": card.scope
            and f"Loại báo cáo: báo cáo tài chính {kinds.get(card.scope, card.scope)}"
            + (f", {checks[card.assurance]}" if card.assurance in checks else ""),
            "unit": f"Đơn vị tính: {card.unit or (doc.statements[0].unit if doc.statements else 'VND')}",  # noqa: E501
        }
        if field != "overview":
            fact = facts.get(field)
            if not fact:
                if field == "auditor" and card.frequency == "quarterly":
                    return self._abstain(asked, doc, why(Reason.QUARTER_NOT_AUDITED))
                return None
            evidence = card.evidence.get(field)
            source = self._source(doc, None, evidence.text if evidence else "")
            return Answer(f"{fact} [1].", False, [source], asked.text, NAME)
        sources: list[Source] = []
        n = self._cite(
            sources,
            self._source(
                doc, None, card.evidence["company"].text if "company" in card.evidence else ""
            ),
        )
        lines = [f"{fact} [{n}]." for key, fact in facts.items() if fact and key != "ticker"]
        key_figures = []
        for concept in (
            "total_assets",
            "liabilities",
            "equity",
            "net_revenue",
            "net_profit",
            "total_liabilities",
            "profit_after_tax",
        ):
            for statement, line in by_concept(doc, concept):
                column = self._ratio_column(statement)
                if column is not None and line.cells[column].stated:
                    m = self._cite(sources, self._source(doc, line))
                    key_figures.append(
                        f"{line.name} ({period_label(statement.periods[column])}): "
                        f"{format_figure(line.cells[column].value or 0)} {statement.unit} [{m}]"
                    )
                    break
        if key_figures:
            lines.append("Số liệu chính — " + "; ".join(key_figures) + ".")
        return Answer("\n".join(lines), False, sources, asked.text, NAME)


def describe(ratio: Ratio) -> str:
    return ratio.name
