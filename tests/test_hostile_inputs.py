"""Hostile and malformed input: each gets a clear message, nothing is lost, the service stays up.

The cases live in ``tests/hostile_inputs.py`` (``bench/hostile.py`` prints them as a table);
here each one is a test: what the user got must be what the case expects, and afterwards the
sample report must still answer its question exactly as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import hostile_inputs as hostile
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> hostile.Context:
    work = tmp_path_factory.mktemp("hostile")
    return hostile.prepare(make_settings(work / "data"), Path(work))


@pytest.mark.parametrize("case", hostile.case_names())
def test_hostile_input(context: hostile.Context, case: str) -> None:
    row = hostile.run_case(context, case)
    assert row.ok, row.got
    assert row.intact, f"the sample report no longer answers as before after: {case}"
