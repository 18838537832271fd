"""Hostile and malformed input: each gets a clear message, nothing is lost, the service stays up.

The cases live in ``bench/hostile.py`` (which prints them as a table); here each one is a
test: what the user got must be what the case expects, and afterwards the sample report
must still answer its question exactly as before.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, make_settings


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_hostile", ROOT / "bench" / "hostile.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


hostile = _load_bench()


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> object:
    work = tmp_path_factory.mktemp("hostile")
    return hostile.prepare(make_settings(work / "data"), Path(work))


@pytest.mark.parametrize("case", hostile.case_names())
def test_hostile_input(context: object, case: str) -> None:
    row = hostile.run_case(context, case)
    assert row.ok, row.got
    assert row.intact, f"the sample report no longer answers as before after: {case}"
