"""Figures shared by the evaluations (``hoidap.evaluate``, ``hoidap.report_eval``) and the
benchmarks: written once here, and this module imports nothing of the project's, so either
evaluation can use it without importing the other.
"""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank, 0 ≤ q ≤ 1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
