"""Optional phase timing for the benchmarks: ``with phase("read"): ...`` costs almost nothing unless recording.

A benchmark (or a curious officer) wraps a run in ``recording()``; the code
marks its phases with ``phase(name)``. Times are exclusive: a phase nested in
another (``check`` inside ``compute``) is not counted twice, so the phases add
up to the run. With no recording active, ``phase`` is one global read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

_active: Recorder | None = None


class Recorder:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stack: list[tuple[str, float]] = []

    def _enter(self, name: str) -> None:
        now = time.perf_counter()
        if self._stack:  # pause the enclosing phase
            outer, start = self._stack[-1]
            self.seconds[outer] = self.seconds.get(outer, 0.0) + now - start
        self._stack.append((name, now))

    def _exit(self) -> None:
        now = time.perf_counter()
        name, start = self._stack.pop()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - start
        if self._stack:  # resume the enclosing phase
            self._stack[-1] = (self._stack[-1][0], now)


@contextmanager
def _timed(rec: Recorder, name: str) -> Iterator[None]:
    rec._enter(name)
    try:
        yield
    finally:
        rec._exit()


class _Nothing(AbstractContextManager[None]):
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NOTHING = _Nothing()


def phase(name: str) -> AbstractContextManager[None]:
    """Time the block as ``name`` when a recording is active; otherwise do nothing."""
    rec = _active
    return _NOTHING if rec is None else _timed(rec, name)


@contextmanager
def recording() -> Iterator[Recorder]:
    """Record phases for the duration of the block: ``rec.seconds`` maps phase -> seconds."""
    global _active
    before, _active = _active, Recorder()
    try:
        yield _active
    finally:
        _active = before


@contextmanager
def shared(weights: dict[str, float], fallback: str = "read") -> Iterator[None]:
    """Time the block (exclusively, like ``phase``) as the phases in ``weights``, split in proportion to them;
    the block fills ``weights`` in (e.g. the time worker processes spent in each phase, while this one waited
    for them). With no weights by the end, the block counts as ``fallback``."""
    rec = _active
    if rec is None:
        yield
        return
    rec._enter(_SHARED)
    try:
        yield
    finally:
        rec._exit()
        seconds = rec.seconds.pop(_SHARED, 0.0)
        total = sum(weights.values())
        for name, w in weights.items() if total > 0 else [(fallback, 1.0)]:
            rec.seconds[name] = rec.seconds.get(name, 0.0) + seconds * w / (total if total > 0 else 1.0)


_SHARED = "\0shared"
