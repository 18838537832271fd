"""Names in a passage: people, the titles and roles they hold, and the bodies they work for.

A person's name opens with a family name or follows "Ông"/"Bà"; in capitals it is a name
only on a line of its own, where a signature block puts it. A body's name follows the kind
of body ("Công ty TNHH …") up to a function word. Signature blocks write "KT.", "TM.",
"TL.", "TUQ." before the role signed for. The words (surnames, titles, roles, legal forms,
signing marks) are data in ``hoidap/data/names_lexicon.json`` and ``document_layout.json``;
this module reads text with them.
"""

from __future__ import annotations

import re

from hoidap.knowledge import document_layout, names_lexicon
from qa.grounding import proper_names, strip_citations
from qa.question_kind import AnswerType
from qa.sentence_units import alternatives
from qa.word_forms import surface, tokens
from store.lexical import fold_diacritics, has_diacritics

_NAMES = names_lexicon()
# A capitalized title answers "ai" as well as a name does ("Chủ tịch nước tặng …").
TITLES = _NAMES.titles
# Roles a management list or signature block gives a name (folded): a line holding two of
# them labels two names, and one between a role and a name belongs to someone else.
ROLES = _NAMES.roles
HONORIFICS = _NAMES.honorifics
_SURNAMES = _NAMES.surnames
_FOLDED_SURNAMES = _NAMES.folded_surnames
# Words that end a name's run of capitals: "Bà Trần Thị Hoa Tổng Giám đốc".
NOT_IN_NAMES = _NAMES.not_in_names
# Words before a capitalized run that make it a place named after someone.
_PLACE_NOUNS = _NAMES.place_nouns
_NAME_BREAKS = _NAMES.name_breaks
LEGAL_FORMS = _NAMES.legal_forms
# "KT. BỘ TRƯỞNG" (ký thay), "TM." (thay mặt), "TL." (thừa lệnh), "TUQ.": someone signs for
# the role on the line below.
SIGN_FOR_WORDS = {mark.lower(): words for mark, words in document_layout().sign_for.items()}
SIGN_FOR = frozenset(SIGN_FOR_WORDS)
SIGN_FOR_MARK = re.compile(rf"\b({alternatives(list(document_layout().sign_for))})\.")


def person_names(text: str) -> list[list[str]]:
    """People named in ``text``: runs of two to five capitalized words after "Ông"/"Bà" or
    opening with a family name, as tokens; in capitals ("LÊ VĂN AN") only on a line of its
    own, where a signature block puts it (a heading in capitals is no name)."""
    found: list[list[str]] = []
    for line in re.split(r"\n| \| ", strip_citations(text)):
        for run, honoured in _capital_runs(line):
            name = [m.group(0) for m in run]
            half = len(name) // 2
            folded = [fold_diacritics(w.lower()) for w in name]
            if len(name) % 2 == 0 and half >= 2 and folded[:half] == folded[half:]:
                run, name = run[:half], name[:half]  # "LÊ VĂN AN LE VAN AN"
            if not 2 <= len(name) <= 5:
                continue
            first = surface(name[0])
            surname = first in _SURNAMES or (
                not has_diacritics(first) and first in _FOLDED_SURNAMES
            )
            before = line[: run[0].start()].split()
            if before and surface(before[-1]) in _PLACE_NOUNS:
                continue  # "đường Lê Hồng Phong" is a street
            if not (honoured or surname):
                continue
            if all(w.isupper() for w in name):
                rest = line[: run[0].start()] + " " + line[run[-1].end() :]
                known = set(folded)
                if any(
                    fold_diacritics(w.lower()) not in known
                    for w in re.findall(r"[^\W\d_]{2,}", rest)
                ):
                    continue
            found.append([w for w in tokens(" ".join(name)) if w != "#"])
    return found


def _capital_runs(line: str) -> list[tuple[list[re.Match[str]], bool]]:
    """Runs of capitalized words of one line (split at "Ông"/"Bà", which mark the run
    after them, and at role words), each with whether an honorific opens it."""
    runs: list[tuple[list[re.Match[str]], bool]] = []
    run: list[re.Match[str]] = []
    honoured = False
    previous_end = 0
    for match in re.finditer(r"[^\W\d_]+", line):
        word = match.group(0)
        lower = surface(word)
        joined = line[previous_end : match.start()].strip() in ("", ".")
        previous_end = match.end()
        capital = word[0].isupper()
        if capital and lower in HONORIFICS:
            runs.append((run, honoured))
            run, honoured = [], True
            continue
        if capital and lower not in NOT_IN_NAMES and (joined or not run):
            run.append(match)
            continue
        runs.append((run, honoured))
        run, honoured = [], False
        if capital and lower not in NOT_IN_NAMES:
            run = [match]
    runs.append((run, honoured))
    return [(r, h) for r, h in runs if r]


def names(
    text: str, kind: AnswerType, *, min_words: int, person: bool = False
) -> list[list[str]]:
    """Capitalized runs of ``text`` not all of whose words the question holds; for a
    person, a run in capitals only when it is a name ("NGƯỜI LẬP BIỂU" is a role)."""
    people = {tuple(run) for run in person_names(text)} if person else set()
    runs = []
    for name in proper_names(text):
        run = [w for w in tokens(name) if w != "#"]
        if person and name.isupper() and not any(
            tuple(run[i : i + len(p)]) == p for p in people for i in range(len(run))
        ):
            continue
        if len(run) >= min_words and not all(fold_diacritics(w) in kind.focus for w in run):
            runs.append(run)
    for named in people:
        if list(named) not in runs and not all(fold_diacritics(w) in kind.focus for w in named):
            runs.append(list(named))
    return runs


def titles(text: str, kind: AnswerType) -> list[list[str]]:
    """Capitalized titles ("Chủ tịch nước", "Giám đốc"), which answer "ai" as a name does;
    not a role in capitals, which a signature block writes over the signer's name."""
    words = [m.group(0) for m in re.finditer(r"[^\W\d_]+", strip_citations(text))]
    folded = [fold_diacritics(w) for w in words]
    runs = []
    for title in TITLES:
        parts = title.split()
        if all(p in kind.focus for p in parts):
            continue
        for i in range(len(words) - len(parts) + 1):
            here = words[i : i + len(parts)]
            if folded[i : i + len(parts)] == parts and here[0][0].isupper():
                if all(w.isupper() for w in here):
                    continue
                runs.append([surface(w) for w in here])
    return runs


def bodies(text: str, entity: str) -> list[tuple[list[str], bool]]:
    """Names of the body asked ("Công ty TNHH Kiểm toán Hòa Bình" for "công ty"), as tokens,
    each with whether it heads its line: a letterhead or a signature ("Chi nhánh Công ty
    TNHH Kiểm toán XYZ Tầng 5, …"), not a clause about it ("Công ty TNHH ABC là công ty con")."""
    parts = fold_diacritics(entity.lower()).split()
    found: list[tuple[list[str], bool]] = []
    for line in re.split(r"\n| \| ", strip_citations(text)):
        words = list(re.finditer(r"[^\W\d_]+|\d+|[^\w\s]", line))
        folded = [fold_diacritics(m.group(0).lower()) for m in words]
        for i in range(len(words) - len(parts) + 1):
            if folded[i : i + len(parts)] != parts:
                continue
            end = i + len(parts)
            named = False
            while end < len(words):
                word = words[end].group(0)
                if not word[0].isalpha() or folded[end : end + len(parts)] == parts:
                    break  # punctuation, or the next body ("Công ty A và Công ty B")
                if not word[0].isupper():
                    # "Công ty cổ phần Vận tải hàng hóa ABC": a few lower-case words inside
                    # a name, when a capital follows them and none is a function word
                    inner = [m.group(0) for m in words[end : end + 4]]
                    upper = next(
                        (k for k, w in enumerate(inner) if w[0].isalpha() and w[0].isupper()),
                        None,
                    )
                    if upper is None or any(
                        not w[0].isalpha() or surface(w) in _NAME_BREAKS for w in inner[:upper]
                    ):
                        break
                    end += upper
                    continue
                named = named or folded[end] not in LEGAL_FORMS
                end += 1
            if not named:
                continue
            lead = [f for f in folded[:i] if f[0].isalnum()]
            after = words[end].group(0) if end < len(words) else ""
            heads = len(lead) <= 2 and not (after[:1].isalpha() and after[:1].islower())
            run = line[words[i].start() : words[end - 1].end()]
            found.append(([w for w in tokens(run) if w != "#"], heads))
    return found


def expand_sign_for(text: str) -> str:
    """The signing abbreviations written out: "KT. BỘ TRƯỞNG" says "ký thay Bộ trưởng"."""
    return SIGN_FOR_MARK.sub(
        lambda m: m.group(0) + " " + SIGN_FOR_WORDS[m.group(1).lower()], text
    )
