"""The import arrows between the packages: a person talks to ``ui``, which talks to ``qa``
(answers) and ``ingest`` (documents); both keep their chunks in ``store``; ``hoidap`` holds
what all of them share (settings, errors, file hashes).

Every module of each package is read with ``ast`` (imports inside functions and
``TYPE_CHECKING`` blocks count too: they are arrows all the same), so a new
``from store.index import …`` in ``ui`` fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ui", "qa", "ingest", "store", "hoidap")

# package → what its modules may import, besides itself: a package allows all its modules,
# a dotted name allows that module (and anything below it)
ALLOWED: dict[str, frozenset[str]] = {
    "ui": frozenset({"qa", "ingest", "hoidap"}),
    # the text rules questions share with the indexed passages
    "qa": frozenset(
        {
            "store",
            "hoidap",
            "ingest.normalize",
            "ingest.chunking",
            "ingest.document",
            "ingest.syllables",
        }
    ),
    "ingest": frozenset({"store", "hoidap"}),
    "store": frozenset({"hoidap"}),
}


def imported_modules(source: str, module: str) -> list[str]:
    """The modules of our packages that ``source`` (the text of ``module``) imports."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing module's package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if node.module is None or node.level:
                found += [f"{name}.{alias.name}" for alias in node.names]
            else:
                found.append(name)
    return [name for name in found if name.split(".")[0] in PACKAGES]


def is_allowed(package: str, target: str) -> bool:
    if target.split(".")[0] == package:
        return True
    return any(target == rule or target.startswith(rule + ".") for rule in ALLOWED[package])


def violations(package: str, module: str, source: str) -> list[str]:
    return [
        f"{module} imports {target}"
        for target in imported_modules(source, module)
        if not is_allowed(package, target)
    ]


def modules(package: str) -> list[tuple[str, Path]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_arrows(package: str) -> None:
    found = modules(package)
    assert found, f"no modules found in {package}/"
    broken = [
        problem
        for module, path in found
        for problem in violations(package, module, path.read_text(encoding="utf-8"))
    ]
    allowed = ", ".join(sorted(ALLOWED[package]))
    assert not broken, f"{package} may import only {allowed}:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    ("package", "line"),
    [
        ("ui", "from store.index import get_index"),
        ("ui", "import store.manifest"),
        ("ui", "def f():\n    from store.lexical import fold_diacritics"),
        ("qa", "from ingest.pipeline import ingest"),
        ("qa", "from ui import render"),
        ("ingest", "from qa.api import answer"),
        ("store", "from ingest.chunking import split_sentences"),
        ("store", "from qa import answer"),
    ],
)
def test_a_forbidden_import_is_caught(package: str, line: str) -> None:
    assert violations(package, f"{package}.example", line)


@pytest.mark.parametrize(
    ("package", "line"),
    [
        ("ui", "from qa import fold_diacritics"),
        ("ui", "from ingest.library import documents"),
        ("ui", "from . import render"),
        ("qa", "from ingest.normalize import normalize_query"),
        ("qa", "from store.index import get_index"),
        ("ingest", "from store.vectors import WRITE_ERRNOS"),
        ("store", "from hoidap.files import file_sha256"),
    ],
)
def test_an_allowed_import_passes(package: str, line: str) -> None:
    assert not violations(package, f"{package}.example", line)
