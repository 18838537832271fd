"""What a figure column covers, read from its header: a date, or a period of some months.

Headers say it in many ways ("Số cuối quý", "31/12/2024", "Quý 4<br/>Năm nay", "Lũy kế từ
đầu năm đến cuối quý này Năm trước", "Từ 1/10/2024 đến 31/12/2024", "Kỳ sáu tháng kết thúc
ngày 30/6/2025"); the words are in ``hoidap/data/report_words.json``.
"""

from __future__ import annotations

from datetime import date

from hoidap.knowledge import phrases
from hoidap.vietnamese import dates_in, fold, quarter_in, years_in
from store.statements import Period


def _has(folded: str, group: str) -> bool:
    return any(p in folded for p in phrases(group))


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + (1 if end.day >= 28 else 0)


def _quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    day = 31 if month in (3, 12) else 30
    return date(year, month, day)


def read_period(header: str, at: str, report_end: date | None) -> Period:
    """The period of one column; ``report_end`` (the report's last day) fills what a header
    like "Năm nay" leaves out."""
    folded = fold(header)
    found = dates_in(header)
    if at == "instant":
        if _has(folded, "columns.start"):
            role = "start"
        elif _has(folded, "columns.end") or not found:
            role = "end"
        else:
            role = "end"  # settled against the other columns by settle_roles
        when = found[-1] if found else None
        if when is None and role == "end" and report_end is not None:
            when = report_end
        if when is None and role == "start" and report_end is not None and "dau nam" in folded:
            when = date(report_end.year, 1, 1)  # "Số đầu năm": the first day of the year
        return Period(header, role, when.isoformat() if when else None)
    prior = _has(folded, "columns.prior")
    months: int | None = None
    start: date | None = None
    end: date | None = None
    if len(found) >= 2:
        start, end = found[0], found[-1]
        months = _months_between(start, end)
    elif len(found) == 1:
        end = found[0]
    years = years_in(folded)
    if months is None:
        if _has(folded, "columns.cumulative"):
            months = (report_end.month if report_end else None) if end is None else end.month
        elif _has(folded, "columns.half"):
            months = 6
        elif _has(folded, "columns.nine_months"):
            months = 9
        elif quarter_in(folded) is not None:
            months = 3
        elif _has(folded, "columns.year") or (years and "quy" not in folded):
            months = 12
    if end is None and report_end is not None:
        year = report_end.year - (1 if prior else 0)
        if years:
            year = years[-1]
        quarter = quarter_in(folded)
        end = (
            _quarter_end(year, quarter) if quarter else date(year, report_end.month, report_end.day)
        )
    if end is not None and report_end is not None and not prior and end < report_end:
        prior = end.year < report_end.year or (
            months is not None and months < 12 and end < report_end
        )
    role = "prior" if prior else "current"
    if start is None and end is not None and months:
        total = end.year * 12 + end.month - months
        start = date(total // 12, total % 12 + 1, 1)
    return Period(
        header,
        role,
        end.isoformat() if end else None,
        start.isoformat() if start else None,
        months,
    )


def settle_roles(periods: list[Period]) -> list[Period]:
    """Balance columns dated but not named: the latest date is the end, the others starts."""
    dated = [p for p in periods if p.end]
    if not dated:
        return periods
    latest = max(p.end for p in dated if p.end)
    settled = []
    for p in periods:
        if p.end and p.role == "end" and p.end != latest and p.header and dates_in(p.header):
            p = Period(p.header, "start", p.end, p.start, p.months)
        settled.append(p)
    return settled


def uninformative(header: str) -> bool:
    """A header that says nothing of a period ("Số tiền", "4", "Amount 1", "")."""
    folded = fold(header)
    if dates_in(header) or quarter_in(folded) is not None or years_in(folded):
        return False
    groups = (
        "columns.end",
        "columns.start",
        "columns.current",
        "columns.prior",
        "columns.cumulative",
    )
    return not any(_has(folded, g) for g in groups)
