"""A spreadsheet cell's value as a Vietnamese statement prints it.

The figures of a report exported to Excel are numbers with a number format; read raw they
are ``6318402775109.0`` and ``-5000``, which neither match the question's "6.318.402.775.109"
nor say that the sheet shows the loss as "(5.000)". So: "." between thousands, "," before
decimals, the negative section of the format (parentheses or "-"), the zero section's text
("-"), the format's decimals, and dates as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

# what a cell holds, for telling a header row (text, dates) from a row of figures
NUMBER, DATE, TEXT = "num", "date", "text"

# a General-format integer below this is printed bare: a year (2024), a code (Mã số 300)
_GROUP_FROM = 10_000


def _sections(fmt: str) -> list[str]:
    """A number format split at its unquoted, unescaped ";" (positive; negative; zero; text)."""
    sections: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in fmt:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
            continue
        current.append(ch)
    sections.append("".join(current))
    return sections


def _bare(section: str) -> str:
    """A format section without its quoted text, escapes, spacing (``_x``), fill (``*x``) and
    colour or condition brackets: what is left are the placeholders and operators."""
    out: list[str] = []
    quoted = False
    skip = 0
    bracket = False
    for ch in section:
        if skip:
            skip -= 1
            continue
        if quoted:
            quoted = ch != '"'
            continue
        if bracket:
            bracket = ch != "]"
            continue
        if ch == '"':
            quoted = True
        elif ch == "[":
            bracket = True
        elif ch in "\\_*":
            skip = 1
        else:
            out.append(ch)
    return "".join(out)


def _literal(section: str) -> str:
    """The text a section prints by itself: its quoted strings and escaped characters."""
    out: list[str] = []
    quoted = False
    take_next = skip_next = False
    for ch in section:
        if take_next:
            out.append(ch)
            take_next = False
        elif skip_next:
            skip_next = False
        elif quoted:
            if ch == '"':
                quoted = False
            else:
                out.append(ch)
        elif ch == '"':
            quoted = True
        elif ch == "\\":
            take_next = True
        elif ch in "_*":
            skip_next = True
        elif ch in "-()":
            out.append(ch)
    return "".join(out).strip()


def _digits(number: float, decimals: int, group: bool, min_int: int) -> str:
    """``number`` (not negative) with ``decimals`` decimals, "." between thousands."""
    text = f"{number:.{decimals}f}"
    whole, _, fraction = text.partition(".")
    whole = whole.rjust(min_int, "0")
    if group:
        whole = f"{int(whole):,}".replace(",", ".").rjust(min_int, "0")
    return whole + ("," + fraction if fraction else "")


def _general(number: float) -> str:
    """A number in the General format: as many decimals as it has (up to 10 digits)."""
    if number == int(number) and abs(number) < 1e15:
        integer = abs(int(number))
        return _digits(integer, 0, integer >= _GROUP_FROM, 1)
    text = f"{abs(number):.10g}"
    if "e" in text:
        return text.replace(".", ",")
    whole, _, fraction = text.partition(".")
    grouped = _digits(int(whole), 0, int(whole) >= _GROUP_FROM, 1)
    return grouped + ("," + fraction if fraction else "")


@functools.lru_cache(maxsize=1024)
def _parsed(fmt: str) -> tuple[tuple[str, str], ...]:
    """A format's sections as (placeholders, literal text), parsed once per format: a sheet
    has a handful of formats and a million cells."""
    return tuple((_bare(part), _literal(part)) for part in _sections(fmt or "General"))


def format_number(number: float, fmt: str) -> str:
    """``number`` as its Excel number format shows it, with Vietnamese separators."""
    if not math.isfinite(number):
        return str(number)
    sections = _parsed(fmt)
    negative = number < 0
    bare, literal = sections[0]
    if negative and len(sections) >= 2:
        bare, literal = sections[1]
    elif number == 0 and len(sections) >= 3:
        bare, literal = sections[2]
        if not any(ch in bare for ch in "0#"):
            return literal.strip("()") or "-"
    if bare.strip().lower() in ("general", "") or not any(ch in bare for ch in "0#?"):
        text = _general(abs(number))
    else:
        value = abs(number) * (100 if "%" in bare else 1)
        integer, _, fraction = bare.partition(".")
        decimals = 0
        for ch in fraction:
            if ch not in "0#?":
                break
            decimals += 1
        text = _digits(value, decimals, "," in integer, integer.count("0"))
        if "%" in bare:
            text += "%"
    if negative:
        if text.strip("0,.%") == "":  # rounds to zero: Excel prints no sign
            return text
        if len(sections) >= 2 and "(" in bare + literal:
            return f"({text})"
        return f"-{text}"
    return text


def format_date(value: dt.date | dt.datetime | dt.time) -> str:
    """dd/mm/yyyy, with the time only when there is one."""
    if isinstance(value, dt.datetime):
        day = value.strftime("%d/%m/%Y")
        if value.time() == dt.time(0, 0):
            return day
        return day + " " + value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")


def cell_text(value: object, fmt: str) -> tuple[str, str]:
    """A cell's text and what it holds (:data:`NUMBER`, :data:`DATE`, :data:`TEXT`);
    ``("", "")`` for an empty cell."""
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), TEXT
    if isinstance(value, int | float):
        return format_number(value, fmt), NUMBER
    if isinstance(value, dt.date | dt.time):
        return format_date(value), DATE
    if isinstance(value, dt.timedelta):
        return str(value), DATE
    text = " ".join(str(value).split())
    return (text, TEXT) if text else ("", "")
