"""How much of the project's knowledge is written as code: regexes and word lists per package.

    .venv/bin/python bench/code_shape.py [--json out.json]

Counts, with ``ast``, per package (``hoidap``, ``qa``, ``ingest``, ``store``, ``ui``):

- ``regexes``: module-level assignments whose value is a ``re.compile(...)`` call;
- ``word lists``: module-level assignments of a list, tuple or set literal (bare, or wrapped
  in ``frozenset(...)`` / ``set(...)`` / ``tuple(...)``) of five or more items that are all
  string literals (``__all__`` not counted: it names code, not words);
- ``lines``: lines of the package's modules, and its largest module;

and, beside them, the entries of the data files (``hoidap/data/*.json``): the leaves of each
file (strings and numbers in lists and objects), which is what the code would otherwise write.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("hoidap", "qa", "ingest", "store", "ui")
MIN_WORDS = 5
_WRAPPERS = {"frozenset", "set", "tuple", "list"}


def _targets(node: ast.stmt) -> tuple[list[ast.expr], ast.expr | None]:
    if isinstance(node, ast.Assign):
        return node.targets, node.value
    if isinstance(node, ast.AnnAssign):
        return [node.target], node.value
    return [], None


def is_compile(value: ast.expr) -> bool:
    """``re.compile(...)`` (or a bare ``compile(...)`` imported from ``re``)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute):
        return func.attr == "compile" and isinstance(func.value, ast.Name) and func.value.id == "re"
    return isinstance(func, ast.Name) and func.id == "compile"


def is_word_list(value: ast.expr) -> bool:
    """A literal list/tuple/set of ≥ MIN_WORDS strings, bare or in frozenset()/set()/tuple()."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in _WRAPPERS
        and len(value.args) == 1
    ):
        value = value.args[0]
    if not isinstance(value, ast.List | ast.Tuple | ast.Set):
        return False
    return len(value.elts) >= MIN_WORDS and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
    )


def _is_dunder_all(targets: list[ast.expr]) -> bool:
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def module_shape(source: str) -> tuple[int, int]:
    """(regexes, word lists) assigned at module level in ``source``."""
    regexes = words = 0
    for node in ast.parse(source).body:
        targets, value = _targets(node)
        if not targets or value is None or _is_dunder_all(targets):
            continue  # ``__all__`` lists names of code, not words of the language
        regexes += is_compile(value)
        words += is_word_list(value)
    return regexes, words


def leaves(data: object) -> Iterator[object]:
    if isinstance(data, dict):
        for value in data.values():
            yield from leaves(value)
    elif isinstance(data, list):
        for value in data:
            yield from leaves(value)
    else:
        yield data


def package_rows() -> list[dict[str, object]]:
    rows = []
    for package in PACKAGES:
        regexes = words = lines = 0
        largest, largest_lines = "", 0
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            r, w = module_shape(source)
            regexes, words = regexes + r, words + w
            count = len(source.splitlines())
            lines += count
            if count > largest_lines:
                largest, largest_lines = str(path.relative_to(ROOT)), count
        rows.append(
            {
                "package": package,
                "regexes": regexes,
                "word_lists": words,
                "lines": lines,
                "largest": f"{largest} ({largest_lines})",
            }
        )
    return rows


def data_rows() -> list[dict[str, object]]:
    rows = []
    for path in sorted((ROOT / "hoidap" / "data").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows.append({"file": str(path.relative_to(ROOT)), "entries": sum(1 for _ in leaves(data))})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    packages, data = package_rows(), data_rows()
    print(f"{'package':<8} {'regexes':>8} {'word lists':>11} {'lines':>7}  largest module")
    for row in packages:
        print(
            f"{row['package']:<8} {row['regexes']:>8} {row['word_lists']:>11} {row['lines']:>7}"
            f"  {row['largest']}"
        )
    total_r = sum(int(str(r["regexes"])) for r in packages)
    total_w = sum(int(str(r["word_lists"])) for r in packages)
    print(f"{'all':<8} {total_r:>8} {total_w:>11}")
    print()
    print(f"{'data file':<40} {'entries':>8}")
    for row in data:
        print(f"{row['file']:<40} {row['entries']:>8}")
    print(f"{'all':<40} {sum(int(str(r['entries'])) for r in data):>8}")
    if args.json:
        out = {"packages": packages, "data": data}
        Path(args.json).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
