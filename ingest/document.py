"""What a loader hands to the chunker: a document as titled blocks of normalized text."""

from __future__ import annotations

from dataclasses import dataclass, field


class LoaderError(Exception):
    """A file that cannot be read as a document; the message is shown to the user as is."""


@dataclass(frozen=True)
class Block:
    """A run of text that shares one page and one section heading.

    Loaders keep pages and headings apart so that a chunk never mixes two pages and each
    chunk can carry the heading it sits under (it helps retrieval and shows in sources).
    """

    text: str
    page: int | None = None
    heading: str | None = None


@dataclass(frozen=True)
class LoadedDocument:
    """A file as text: its title and its blocks in reading order."""

    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def pages(self) -> int | None:
        numbered = [b.page for b in self.blocks if b.page is not None]
        return max(numbered) if numbered else None
