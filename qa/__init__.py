"""Questions in, quoted answers out: ``from qa import answer; answer("...")``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.api import answer, stream
    from qa.types import Answer, Source

__all__ = ["Answer", "Source", "answer", "stream"]


def __getattr__(name: str) -> Any:
    # imported lazily so `from qa import answer` does not load torch and chromadb up front
    if name in ("answer", "stream"):
        from qa import api

        return getattr(api, name)
    if name in ("Answer", "Source"):
        from qa import types

        return getattr(types, name)
    raise AttributeError(name)
