"""The import arrows between the packages: a person talks to ``ui``, which talks to ``qa``
(answers) and ``ingest`` (documents); both keep their chunks in ``store``; ``hoidap`` holds
what all of them share (settings, errors, file hashes, the Vietnamese text primitives).

``hoidap`` is two floors: its ground modules (everything not in :data:`HOIDAP_ROOF`) are
imported by every package and import nothing of ours but other ground modules; its roof
modules (the command line and the evaluations) may import anything, and only roof modules
import them. A new module in ``hoidap`` is ground unless it is added to the roof here.

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
    # the ground of hoidap: its own (ground) modules only, see HOIDAP_ROOF
    "hoidap": frozenset(),
}
# the modules of hoidap that use the other packages (commands, evaluations): they may import
# anything; no other module (of hoidap or any package) may import them
HOIDAP_ROOF = frozenset({"hoidap.cli", "hoidap.evaluate", "hoidap.report_eval"})


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
            # "from hoidap import cli" imports the module hoidap.cli: name it so
            if node.module is None or node.level or node.module in PACKAGES:
                found += [f"{name}.{alias.name}" for alias in node.names]
            else:
                found.append(name)
    return [name for name in found if name.split(".")[0] in PACKAGES]


def _within(target: str, rule: str) -> bool:
    return target == rule or target.startswith(rule + ".")


def _within_any(target: str, rules: frozenset[str]) -> bool:
    return any(_within(target, rule) for rule in rules)


def is_allowed(package: str, target: str, module: str = "") -> bool:
    if _within_any(module, HOIDAP_ROOF):
        return True
    if _within_any(target, HOIDAP_ROOF):
        return False
    if target.split(".")[0] == package:
        return True
    return _within_any(target, ALLOWED[package])


def violations(package: str, module: str, source: str) -> list[str]:
    return [
        f"{module} imports {target}"
        for target in imported_modules(source, module)
        if not is_allowed(package, target, module)
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
    allowed = ", ".join(sorted(ALLOWED[package])) or f"{package}'s own modules"
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
        ("qa", "from ingest.layout import is_figure"),
        ("qa", "from hoidap.report_eval import contains_gold"),
        ("qa", "from hoidap import evaluate"),
        ("ui", "from hoidap.cli import main"),
        ("ingest", "def f():\n    from hoidap.evaluate import percentile"),
        ("hoidap", "from qa import answer"),
        ("hoidap", "from store.lexical import fold_diacritics"),
        ("hoidap", "from ingest.normalize import normalize_tones"),
        ("hoidap", "import ui.app"),
        ("hoidap", "from hoidap.report_eval import fold_text"),
        ("hoidap", "from hoidap import cli"),
        ("hoidap", "from . import evaluate"),
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
        ("qa", "from hoidap.vietnamese import fold"),
        ("qa", "from hoidap import knowledge"),
        ("hoidap", "from hoidap.vietnamese import fold"),
        ("hoidap", "from hoidap.metrics import percentile"),
        ("hoidap", "from . import errors"),
    ],
)
def test_an_allowed_import_passes(package: str, line: str) -> None:
    assert not violations(package, f"{package}.example", line)


@pytest.mark.parametrize("module", sorted(HOIDAP_ROOF))
@pytest.mark.parametrize(
    "line",
    [
        "from qa.api import answer",
        "from ingest.pipeline import ingest",
        "from store.index import get_index",
        "from ui.app import build_app",
        "from hoidap import report_eval",
    ],
)
def test_a_roof_module_may_import_anything(module: str, line: str) -> None:
    assert not violations("hoidap", module, line)


def test_the_roof_modules_exist() -> None:
    """A roof module renamed or removed must leave the list too (else its rule guards nothing)."""
    names = {name for name, _ in modules("hoidap")}
    assert names >= HOIDAP_ROOF, sorted(HOIDAP_ROOF - names)
