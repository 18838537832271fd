"""What a report is, read once at ingest: company, ticker, period, kind, auditor, unit.

People ask these first ("tên công ty", "báo cáo quý mấy", "ai kiểm toán"); the words that
mark each field are in ``hoidap/data/report_words.json``. Each field keeps the line it was
read from, so the answer can cite it.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from hoidap.knowledge import phrases, report_words
from hoidap.vietnamese import dates_in, fold, quarter_in, years_in
from ingest.document import LoadedDocument
from ingest.statements.labels import clean_cell
from store.statements import Evidence, ReportCard

HEAD_BLOCKS = 400  # the cover, letters and statement pages come first
MAX_NAME = 140


def _words(group: str) -> tuple[str, ...]:
    return phrases(f"report.{group}")


def unit_named(text: str) -> str:
    """The unit a statement's header or "Đơn vị tính" line names: millions, thousands, VND."""
    folded = fold(text)
    if any(w in folded for w in _words("million")):
        return "triệu đồng"
    if any(w in folded for w in _words("thousand")):
        return "nghìn đồng"
    return "VND"


def _lines(document: LoadedDocument) -> list[tuple[str, int | None]]:
    found: list[tuple[str, int | None]] = []
    for block in document.blocks[:HEAD_BLOCKS]:
        if block.table is not None:
            titles = block.table.title.split(" — ")
            found.extend((clean_cell(t), block.page) for t in titles if t.strip())
            for row in block.table.rows[:60]:
                found.extend((clean_cell(c), block.page) for c in row if c.strip())
            continue
        found.extend(
            (clean_cell(line), block.page) for line in block.text.split("\n") if line.strip()
        )
    return found


def _after_label(
    lines: list[tuple[str, int | None]], labels: tuple[str, ...]
) -> tuple[str, int | None] | None:
    """The value written after a label ("Tên công ty: X" → X)."""
    for text, page in lines:
        folded = fold(text)
        for label in labels:
            at = folded.find(label)
            if at < 0:
                continue
            rest = text[at + len(label) :].lstrip(" :.-–\t")
            if rest.startswith(":"):
                rest = rest[1:].strip()
            # the value ends where the next field starts ("X. Mã chứng khoán: …", "X  Địa chỉ")
            rest = re.split(r"\.\s+(?=[A-ZĐÀ-Ỹ])|\s{2,}|;|\s\|\s", rest)[0]
            if 2 <= len(rest) <= MAX_NAME and text[at + len(label) :].lstrip()[:1] in (
                ":",
                "-",
                "–",
            ):
                return rest.strip(" .;"), page
    return None


def _company(lines: list[tuple[str, int | None]]) -> tuple[str, int | None] | None:
    labelled = _after_label(lines, _words("name_labels"))
    if labelled and any(fold(labelled[0]).startswith(f) for f in _words("company_forms")):
        return labelled
    forms = _words("company_forms")
    counted: Counter[str] = Counter()
    first: dict[str, tuple[str, int | None]] = {}
    for text, page in lines:
        name = text.strip(" #*:.")
        folded = fold(name)
        if not (8 <= len(name) <= MAX_NAME) or not any(folded.startswith(f) for f in forms):
            continue
        capitals = sum(c.isupper() for c in name) >= sum(c.isalpha() for c in name) * 0.6
        if not capitals and (len(name) > 90 or any(ch in name for ch in ",;")):
            continue  # a sentence naming a company is no letterhead
        if folded in forms or "kiem toan" in folded:
            continue
        legal = any(w in folded for w in ("co phan", "tnhh", "trach nhiem huu han", " cp ", "jsc"))
        # letterheads are written in capitals and name the legal form
        counted[folded] += (2 if capitals else 1) * (3 if legal else 1)
        first.setdefault(folded, (name, page))
    if not counted:
        return labelled
    # the name a letterhead repeats on every page; the longest of equally frequent ones
    best = max(counted, key=lambda f: (counted[f], len(f)))
    return first[best]


_TICKER = re.compile(r"\b([A-Z]{3}[A-Z0-9]?)\b")


def _ticker(lines: list[tuple[str, int | None]]) -> tuple[str, int | None] | None:
    labels = _words("ticker_labels")
    for text, page in lines:
        folded = fold(text)
        for label in labels:
            at = folded.find(label)
            if at >= 0:
                match = _TICKER.search(text[at + len(label) : at + len(label) + 30])
                if match:
                    return match.group(1), page
    return None


def _auditor(lines: list[tuple[str, int | None]]) -> tuple[str, int | None] | None:
    labelled = _after_label(lines, _words("auditor_labels"))
    if labelled:
        return labelled
    forms = _words("auditor_forms")
    for text, page in lines:
        folded = fold(text)
        if len(text) > MAX_NAME:
            continue
        for form in forms:
            if form in folded and ("kiem toan" in folded or form not in ("cong ty tnhh",)):
                return text.strip(" #*:."), page
    return None


def _period(lines: list[tuple[str, int | None]]) -> tuple[str, int | None, int | None, date | None]:
    """(how the report names its period, months, page, end date)."""
    half, annual = _words("half"), _words("annual")
    for text, page in lines[:300]:
        folded = fold(text)
        quarter = quarter_in(folded)
        years = years_in(folded)
        if quarter and years and len(text) <= 160:
            year = years[-1]
            month = quarter * 3
            end = date(year, month, 31 if month in (3, 12) else 30)
            return f"Quý {quarter} năm {year}", 3, page, end
        if any(w in folded for w in half) and dates_in(text):
            return (
                f"Sáu tháng kết thúc ngày {dates_in(text)[-1].strftime('%d/%m/%Y')}",
                6,
                page,
                dates_in(text)[-1],
            )
        if any(w in folded for w in annual) and dates_in(text) and len(text) <= 200:
            end = dates_in(text)[-1]
            return f"Năm tài chính kết thúc ngày {end.strftime('%d/%m/%Y')}", 12, page, end
    return "", None, None, None


def read_card(document: LoadedDocument) -> ReportCard:
    lines = _lines(document)
    evidence: dict[str, Evidence] = {}

    def keep(
        field: str, found: tuple[str, int | None] | None, text: str | None = None
    ) -> str | None:
        if found is None:
            return None
        evidence[field] = Evidence(text or found[0], found[1])
        return found[0]

    company = keep("company", _company(lines))
    ticker = keep("ticker", _ticker(lines))
    auditor = keep("auditor", _auditor(lines))
    period, months, page, end = _period(lines)
    if period:
        evidence["period"] = Evidence(period, page)
    head = fold(" ".join(t for t, _ in lines[:200]))
    scope = None
    for name, key in (
        ("consolidated", "consolidated"),
        ("separate", "separate"),
        ("combined", "combined"),
    ):
        if any(w in head for w in _words(key)):
            scope = name
            break
    assurance = None
    if any(w in head for w in _words("reviewed")):
        assurance = "reviewed"
    elif any(w in head for w in _words("audited")):
        assurance = "audited"
    opinion = None
    if assurance:
        whole = fold(" ".join(t for t, _ in lines))
        for name in report_words()["report"]["opinions"]:
            if any(m in whole for m in _words(f"opinions.{name}")):
                opinion = name
                break
    frequency = {3: "quarterly", 6: "half-year", 12: "annual"}.get(months or 0)
    unit = None
    for text, _page in lines[:400]:
        if any(label in fold(text) for label in _words("unit_labels")):
            unit = unit_named(text)
            break
    return ReportCard(
        company=company,
        ticker=ticker,
        period=period or None,
        period_end=end.isoformat() if end else None,
        period_months=months,
        frequency=frequency,
        scope=scope,
        assurance=assurance,
        auditor=auditor,
        opinion=opinion,
        unit=unit,
        evidence=evidence,
    )
