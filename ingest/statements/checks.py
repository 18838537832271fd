"""Check a statement's figures by its own arithmetic (270 = 100 + 200, 20 = 10 − 11, …).

An identity that holds verifies every figure in it. Where one fails, or a line is empty or
unreadable, an identity whose other terms are all verified determines the odd one: an
empty line is *derived*, a broken or contradicting reading *recovered*. A figure left in a
failing identity and fixed by none is *contradicted* and never stated. A line the report
leaves out counts as zero, unless it is a total (a total left out is unknown, not zero).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from hoidap.knowledge import Identity
from store.statements import CONTRADICTED, DERIVED, READ, RECOVERED, VERIFIED, Cell


@dataclass
class _Term:
    value: int | None  # as read (None: empty, unreadable or not printed)
    text: str
    printed: bool
    soft: bool  # empty and not a total: zero unless an identity says otherwise
    digits: int | None = None  # a reading with broken separators: its digits, unconfirmed
    absent: bool = False  # not printed, in a section that is: zero if an identity holds so


def check_column(
    read: dict[str, Cell],
    identities: tuple[Identity, ...],
    names: dict[str, str],
    tolerance: int = 0,
) -> dict[str, Cell]:
    """The cells of one period column after the identities have checked them.

    Args:
        read: key → the cell as read (``value`` None when empty or unreadable).
        names: key → how to write the key in a check's text (its code).
        tolerance: the rounding a statement in millions may show per term.
    """
    totals = {i.total for i in identities}
    keys = set(read) | totals | {k for i in identities for _, k in i.parts}
    terms = {
        k: _Term(
            read[k].value if k in read and not _regrouped(read[k]) else None,
            read[k].text if k in read else "",
            k in read,
            k not in totals and (k not in read or not read[k].text.strip()),
            _digits(read[k]) if k in read else None,
        )
        for k in keys
    }

    def unprinted(k: str, seen: frozenset[str] = frozenset()) -> bool:
        """Neither the line nor anything it sums is printed: a section the report leaves out."""
        if read.get(k) is not None and read[k].text.strip():
            return False
        parts = [p for i in identities if i.total == k for _, p in i.parts]
        return all(p not in seen and unprinted(p, seen | {k}) for p in parts)

    for k, t in terms.items():
        if k in totals and not t.text.strip() and unprinted(k):
            t.soft = True
        t.absent = not t.printed and not (k in totals and t.soft)

    def inconclusive(identity: Identity, skip: str | None = None) -> bool:
        """An extract may leave out lines that are not zero: an identity with a missing
        line can confirm figures (the rest add up without it) but never accuse one."""
        members = [identity.total, *(k for _, k in identity.parts)]
        return any(terms[k].absent for k in members if k != skip)

    trusted: dict[str, int] = {}
    status: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    failing: set[str] = set()

    def value(k: str) -> int | None:
        if k in trusted:
            return trusted[k]
        t = terms[k]
        if t.value is not None:
            return t.value
        return 0 if t.soft else None

    def balance(identity: Identity, skip: str | None = None, magnitude: bool = False) -> int | None:
        """total − Σ sign·part; with ``magnitude``, a subtracted part printed negative (banks
        print expenses so) is subtracted by its size."""
        parts_printed = any(terms[k].printed for _, k in identity.parts if k != skip)
        if len(identity.parts) > 1 and not parts_printed and skip != identity.total:
            return None  # a line printed without its items: not itemized, not zero
        total = 0 if skip == identity.total else value(identity.total)
        if total is None:
            return None
        rest = 0
        for sign, k in identity.parts:
            if k == skip:
                continue
            v = value(k)
            if v is None:
                return None
            rest += sign * (abs(v) if magnitude and sign < 0 else v)
        return total - rest

    solved_by: dict[str, int] = {}

    def solve(number: int, identity: Identity, k: str) -> bool:
        gap = balance(identity, skip=k)
        if gap is None:
            return False
        if k == identity.total:
            solved = -gap  # with the total skipped the gap is −Σ(parts): total = Σ
        else:
            solved = gap * next(s for s, key in identity.parts if key == k)
        members = [identity.total, *(key for _, key in identity.parts)]
        term = terms[k]
        if term.value is None and not term.text.strip() and solved == 0:
            return False  # an empty line the identity says is zero: nothing learnt
        trusted[k] = solved
        solved_by[k] = number
        if term.value is not None and abs(term.value - solved) <= tolerance * len(members):
            status[k] = (VERIFIED, identity.text(names), _keys(identity))
        elif term.value is None and not term.text.strip():
            status[k] = (DERIVED, identity.text(names), _keys(identity))
        else:
            status[k] = (RECOVERED, identity.text(names), _keys(identity))
        return True

    for _ in range(4 * len(identities) + 4):
        changed = False
        for number, identity in enumerate(identities):
            members = [identity.total, *(k for _, k in identity.parts)]
            if any(solved_by.get(k) == number for k in members):
                continue  # a figure solved from this identity cannot verify it
            gap = balance(identity)
            if gap is None:
                continue
            if abs(gap) > tolerance * len(members):
                by_size = balance(identity, magnitude=True)
                gap = by_size if by_size is not None else gap
            values = [value(k) for k in members]
            if not any(values):
                continue  # 0 = 0 + 0 proves nothing
            if abs(gap) <= tolerance * len(members):
                for k in members:
                    if k not in trusted and terms[k].value is not None:
                        trusted[k] = terms[k].value or 0
                        status[k] = (VERIFIED, identity.text(names), _keys(identity))
                        changed = True
            elif not inconclusive(identity):
                failing.update(k for k in members if k not in trusted)
        # every other term trusted: the odd one is determined
        for number, identity in enumerate(identities):
            members = [identity.total, *(k for _, k in identity.parts)]
            open_terms = [k for k in members if k not in trusted]
            soft_open = [k for k in open_terms if terms[k].soft and terms[k].value is None]
            hard_open = [k for k in open_terms if k not in soft_open]
            if len(hard_open) == 1 and not soft_open and not inconclusive(identity, hard_open[0]):
                changed |= solve(number, identity, hard_open[0])
            elif (
                not hard_open
                and len(soft_open) == 1
                and not inconclusive(identity)
                and balance(identity) not in (None, 0)
            ):
                changed |= solve(number, identity, soft_open[0])
        if changed:
            continue
        # an empty total whose other terms are as read and contradicted by nothing: the
        # reading of the largest figures is taken first (grand totals are printed boldest)
        options: list[tuple[int, int, str, list[str]]] = []
        for number, identity in enumerate(identities):
            members = [identity.total, *(k for _, k in identity.parts)]
            hard_open = [
                k
                for k in members
                if k not in trusted and not (terms[k].soft and terms[k].value is None)
            ]
            blank = [k for k in hard_open if terms[k].value is None and not terms[k].text.strip()]
            given = [
                k
                for k in hard_open
                if k not in blank and terms[k].value is not None and k not in failing
            ]
            if (
                len(blank) == 1
                and given
                and len(blank) + len(given) == len(hard_open)
                and not inconclusive(identity, blank[0])
            ):
                weight = max(abs(terms[k].value or 0) for k in given)
                options.append((weight, number, blank[0], given))
        for _weight, number, k, given in sorted(options, reverse=True):
            for g in given:
                trusted[g] = terms[g].value or 0
            if solve(number, identities[number], k):
                changed = True
                break
        if not changed:
            changed = _agree(identities, terms, trusted, status, names, failing, tolerance, value)
        if not changed:
            break
    checked: dict[str, Cell] = {}
    for k in keys:
        cell = read.get(k)
        text = cell.text if cell else ""
        if k in status:
            kind, check, basis = status[k]
            if kind == DERIVED and trusted[k] == 0 and k not in read:
                continue  # a line the report leaves out, still zero: nothing to add
            checked[k] = Cell(trusted[k], text, kind, check, tuple(b for b in basis if b != k))
        elif cell is not None:
            if cell.value is not None and k in failing and not _regrouped(cell):
                checked[k] = Cell(cell.value, text, CONTRADICTED)
            elif _regrouped(cell):
                checked[k] = Cell(None, text, CONTRADICTED)
            else:
                checked[k] = Cell(cell.value, text, READ if cell.value is not None else cell.status)
    return checked


def _agree(
    identities: tuple[Identity, ...],
    terms: dict[str, _Term],
    trusted: dict[str, int],
    status: dict[str, tuple[str, str, tuple[str, ...]]],
    names: dict[str, str],
    failing: set[str],
    tolerance: int,
    known: Callable[[str], int | None],
) -> bool:
    """One misread figure breaks every identity it is in; two identities that, with all
    their other terms as read, give the same figure for it have found it. A reading whose
    separators broke is taken when an identity holds with its digits.

    Args:
        known: a term's value as the column knows it now (trusted, read, or a soft zero).
    """

    for k in sorted(failing | {k for k, t in terms.items() if t.digits is not None}):
        if k in trusted:
            continue
        found: dict[int, list[Identity]] = {}
        for identity in identities:
            members = [identity.total, *(p for _, p in identity.parts)]
            if k not in members or len(members) < 2:
                continue
            if any(terms[m].absent for m in members if m != k):
                continue
            others = [known(m) for m in members if m != k]
            if any(v is None for v in others):
                continue
            total = known(identity.total) if identity.total != k else None
            rest = sum(sign * (known(p) or 0) for sign, p in identity.parts if p != k)
            if identity.total == k:
                solved = rest
            else:
                sign = next(sg for sg, p in identity.parts if p == k)
                solved = ((total or 0) - rest) * sign
            found.setdefault(solved, []).append(identity)
        term = terms[k]
        for solved, agreeing in found.items():
            regrouped = term.digits is not None and (
                abs(term.digits - solved) <= tolerance or _alike(term.digits, solved)
            )
            if len(agreeing) < 2 and not regrouped:
                continue
            trusted[k] = solved
            status[k] = (
                RECOVERED,
                " ; ".join(i.text(names) for i in agreeing),
                tuple(dict.fromkeys(m for i in agreeing for m in _keys(i))),
            )
            for identity in agreeing:
                for m in [identity.total, *(p for _, p in identity.parts)]:
                    if m not in trusted and terms[m].value is not None:
                        trusted[m] = terms[m].value or 0
                        status[m] = (VERIFIED, identity.text(names), _keys(identity))
            return True
    return False


def _digits(cell: Cell) -> int | None:
    """The digits of a reading that is no clean figure (separators broken, a stray mark):
    what an identity's figure must resemble to replace it."""
    if cell.value is not None and not _regrouped(cell):
        return None
    digits = "".join(ch for ch in cell.text if ch.isdigit())
    return int(digits) if len(digits) >= 7 else None


def _alike(read: int, solved: int) -> bool:
    """OCR's digits and an identity's figure differ by a doubled, dropped or swapped digit or
    two, never in the leading digits: 52043184700615 read for 5204318700615."""
    a, b = str(abs(read)), str(abs(solved))
    if a[:2] != b[:2] or abs(len(a) - len(b)) > 2:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85


def _keys(identity: Identity) -> tuple[str, ...]:
    return (identity.total, *(k for _, k in identity.parts))


def _regrouped(cell: Cell) -> bool:
    """A reading whose separators were broken: its digits wait for an identity."""
    return cell.status == "regrouped"
