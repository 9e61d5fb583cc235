"""Rows held compressed until they are written out: last year's Data rows, carried through a run.

A run that reads back last year's rows keeps them from the start, while every return is read, until the
Data sheet is written; nothing looks at them in between. As Python objects a national year of them
(240,000 Observations) holds ~160 MB; pickled and deflated a block at a time, a few megabytes. They
come back one block at a time, in order, each time the rows are gone through.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

BLOCK = 2000  # rows pickled and deflated together; fewer than this are kept as they are


class PackedRows(Generic[T]):
    """A list that can only be appended to and gone through, holding its rows ``BLOCK`` at a time deflated."""

    def __init__(self) -> None:
        self._blocks: list[bytes] = []
        self._open: list[T] = []

    def append(self, row: T) -> None:
        self._open.append(row)
        if len(self._open) >= BLOCK:
            self._blocks.append(zlib.compress(pickle.dumps(self._open, pickle.HIGHEST_PROTOCOL), 1))
            self._open = []

    def clear(self) -> None:
        self._blocks.clear()
        self._open.clear()

    def __len__(self) -> int:
        return len(self._blocks) * BLOCK + len(self._open)

    def __iter__(self) -> Iterator[T]:
        for block in self._blocks:
            yield from pickle.loads(zlib.decompress(block))
        yield from self._open

    def __repr__(self) -> str:
        return f"PackedRows({len(self)} rows, {len(self._blocks)} blocks deflated)"
