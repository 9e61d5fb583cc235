"""Read and check returns in worker processes, when there are enough of them to pay for it (issue 8).

Each return is read and checked on its own (``return_files.load_one``), so a folder of them is split
among a few worker processes, one per CPU: each worker hashes, preflights, reads and checks its files and
sends back only the small result (``FileInfo`` and the ``CheckedReturn`` or ``Refusal``), never a
workbook. The results come back in the folder's order and are the same as reading the files one by
one in this process (``tests/test_read_pool.py`` compares the two on good and bad files).

- ``LAA_XL_WORKERS``: the number of worker processes; ``1`` reads every file in this process. Unset:
  one per CPU this process may use, for ``MIN_FILES`` files or more (``MIN_FILES_SPAWN`` where workers
  are spawned; fewer are read here: starting the workers would cost more than it saves).
- Linux starts the workers by ``fork`` (they share the register already read, and start at once);
  Windows and macOS by ``spawn``: the reader and check are then pickled to each worker (module-level
  functions and ``functools.partial``, not closures), and a reader or check that cannot be pickled is
  run here instead.
- Should the workers fail to start or one die, the files not yet read are read here, one by one.
- Phase timings (``laa_xl.core.timing``): the wall time spent waiting for the workers is split among the
  ``hash``, ``preflight``, ``read`` and ``check`` phases in proportion to the time the workers spent in
  each, so the phases still add up to the run.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

from ..core.consolidate import FileInfo
from ..core.timing import recording, shared
from .return_files import Check, Item, Reader, load_one

# Below these numbers of files, starting the workers costs more than it saves (measured on 2 CPUs: forking two
# workers costs ~40 ms, about one file's reading; spawning them ~0.4 s, as each imports laa_xl again).
MIN_FILES = 8
MIN_FILES_SPAWN = 48
_STOPS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal a process gets when its parent ends
_job: tuple[Reader, Check | None, tuple[str, ...]] | None = None  # what each worker runs, set as it starts
T = TypeVar("T")
R = TypeVar("R")


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def workers_for(n_files: int, *, allow_spawn: bool = True) -> int:
    """How many worker processes read ``n_files`` returns: ``LAA_XL_WORKERS`` when set, else one per CPU for
    enough files; 1 means no workers. ``allow_spawn=False``: none where workers would be spawned (Windows,
    macOS) rather than forked, unless ``LAA_XL_WORKERS`` asks (the Excel buttons: Python there runs inside
    xlwings' server, where spawning was not tried)."""
    env = os.environ.get("LAA_XL_WORKERS", "").strip()
    if env.isdigit() and int(env) >= 1:
        return max(1, min(int(env), n_files))
    fork = _context().get_start_method() == "fork"
    if not fork and not allow_spawn:
        return 1
    least = MIN_FILES if fork else MIN_FILES_SPAWN
    if n_files < least:
        return 1
    return max(1, min(available_cpus(), n_files // (least // 2)))


def _context(method: str | None = None) -> BaseContext:
    if method is None and sys.platform.startswith("linux"):
        method = "fork"
    return multiprocessing.get_context(method)


def _as_worker(parent: int) -> None:
    """What every worker does first: Ctrl-C is the parent's to handle (it stops the pool); SIGTERM ends the worker
    at once, quietly (a forked worker would otherwise inherit the CLI's handler); and on Linux the worker is
    ended with its parent, should the parent be killed outright (SIGKILL) and so unable to stop it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # held while the parent started the workers: see _signals_held
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent was gone before that took effect
            os._exit(1)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while the workers are started, and taken once they are: stopped halfway
    through starting one, the pool could not be shut down (the run would hang)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _start(job: tuple[Reader, Check | None, tuple[str, ...]], collect: bool, parent: int) -> None:
    global _job
    _job = job
    _as_worker(parent)
    if collect:
        gc.enable()
    else:
        gc.disable()  # as in the parent (a consolidation runs with the cyclic collector off)


def _work(path: Path) -> tuple[FileInfo, Item, bool, dict[str, float]]:
    assert _job is not None
    read, check, suffixes = _job
    with recording() as rec:
        info, item, hashed = load_one(path, read, check, suffixes)
    return info, item, hashed, rec.seconds


def _pooled(workers: int, ctx: BaseContext, initializer: Callable[..., None], initargs: tuple[Any, ...],
            fn: Callable[[Any], Any], items: Sequence[Any], description: str) -> Iterator[Any]:  # fmt: skip
    """``fn`` of each item by ``workers`` processes, yielded in order as they come, with a progress bar on a
    terminal. Ctrl-C, or an item that raises, stops the workers at once; should they fail to start, or one die,
    it ends quietly: the caller does the rest of the items itself."""
    from .terminal import progress

    try:
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=initializer, initargs=initargs)
        try:
            # map() submits every item at once: the workers are forked here, before any progress bar thread
            with _signals_held():
                done = pool.map(fn, items, chunksize=max(1, min(8, len(items) // (workers * 4))))
            yield from progress(done, description, total=len(items))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    except (BrokenProcessPool, OSError, pickle.PicklingError):
        return


def load_in_pool(
    files: Sequence[Path],
    read: Reader,
    check: Check | None,
    suffixes: tuple[str, ...],
    workers: int,
    *,
    method: str | None = None,
) -> list[tuple[FileInfo, Item, bool]]:
    """``load_one`` of each file, in order, by ``workers`` processes; those not done (the workers could not start,
    or one died) are read here, one by one."""
    from .terminal import progress

    ctx = _context(method)
    job = (read, check, tuple(suffixes))
    results: list[tuple[FileInfo, Item, bool]] = []
    if ctx.get_start_method() != "fork":
        try:
            pickle.dumps(job)
        except Exception:  # a closure, say: it cannot reach a spawned worker
            job = None  # type: ignore[assignment]
    if job is not None:
        spent: dict[str, float] = {}  # phase -> seconds the workers spent in it
        with shared(spent):
            start = (job, gc.isenabled(), os.getpid())
            for info, item, hashed, seconds in _pooled(workers, ctx, _start, start, _work, files, "Reading returns"):
                results.append((info, item, hashed))
                for k, v in seconds.items():
                    spent[k] = spent.get(k, 0.0) + v
    rest = list(files[len(results) :])
    for path in progress(rest, "Reading returns", total=len(rest)):
        results.append(load_one(path, read, check, suffixes))
    return results


# --- any other job over many files, the same way ------------------------------------------------------------

_shared: Any = None  # a worker's job for in_workers' function, set as it starts


def _share(job: Any, parent: int) -> None:
    global _shared
    _shared = job
    _as_worker(parent)


def _call(task: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    fn, item = task
    return fn(item, _shared)


def in_workers(fn: Callable[[T, Any], R], items: Sequence[T], job: Any, description: str, *,
               allow_spawn: bool = True) -> list[R]:  # fmt: skip
    """``fn(item, job)`` for each item, in order: by worker processes when there are enough items
    (``workers_for``; ``fn`` a module-level function, ``job`` sent to each worker once), the rest here (all of
    them when the workers cannot start or one dies), with a progress bar on a terminal."""
    from .terminal import progress

    done: list[R] = []
    workers = workers_for(len(items), allow_spawn=allow_spawn)
    if workers > 1:
        tasks = [(fn, x) for x in items]
        done.extend(_pooled(workers, _context(), _share, (job, os.getpid()), _call, tasks, description))
    for x in progress(items[len(done):], description, total=len(items) - len(done)):
        done.append(fn(x, job))
    return done
