"""Returns read and checked in worker processes (issue 8): the same result, in the same order, as one by one.

The folder mixes the six good returns with every kind of bad file of the untrusted-input corpus
(``tests/corpus.py``): refusals, issues at cells, files used with warnings. It is read once in this process
(``LAA_XL_WORKERS=1``) and once by worker processes; every item (file info, checked return or refusal, each
issue with its code, place and message) and the files kept for the archive must be equal.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from test_untrusted_returns import Q2, area, cases  # noqa: F401  (area: a fixture)

from laa_xl.core.checks import check_return
from laa_xl.core.consolidate import Refusal
from laa_xl.core.returns import CheckedReturn, ReturnData
from laa_xl.core.timing import recording
from laa_xl.io import read_pool
from laa_xl.io.return_files import default_reader, load_returns, return_files
from laa_xl.io.returns_reader import read_return

PARENT = os.getpid()


@pytest.fixture(scope="module")
def mixed(area, tmp_path_factory):  # noqa: F811
    _, _, reg, good, _, base = area
    folder = tmp_path_factory.mktemp("mixed")
    for p in sorted(good.iterdir()):
        (folder / p.name).write_bytes(p.read_bytes())
    for name, content, _expected, _status in cases(base, None):
        (folder / name).write_bytes(content)
    check = functools.partial(check_return, register=reg, year=Q2.year, quarters=Q2.quarters,
                              deadline=reg.deadline(Q2))  # fmt: skip
    return folder, reg, check


def _load(folder: Path, workers: int, monkeypatch: pytest.MonkeyPatch, **kw):
    monkeypatch.setenv("LAA_XL_WORKERS", str(workers))
    return load_returns(folder, **kw)


def noting_pids(path: Path) -> ReturnData:
    """The default reader, noting which process read each file (in the file named by $PIDS_FILE)."""
    with open(os.environ["PIDS_FILE"], "a") as f:
        f.write(f"{os.getpid()}\n")
    return read_return(path)


def test_workers_read_and_check_the_same_as_one_by_one(mixed, monkeypatch, tmp_path):
    folder, _, check = mixed
    serial = _load(folder, 1, monkeypatch, check=check)
    monkeypatch.setenv("PIDS_FILE", str(tmp_path / "pids"))
    pooled = _load(folder, 2, monkeypatch, reader=noting_pids, check=check)
    pids = (tmp_path / "pids").read_text().split()
    assert len(set(pids)) == 2 and str(os.getpid()) not in pids  # two workers read the files, this process none
    assert [i.name for i, _ in pooled.items] == [p.name for p in return_files(folder)]
    assert pooled.items == serial.items
    assert pooled.contents == serial.contents
    # the corpus is what it should be: good returns checked, bad ones refused with their issue
    kinds = {type(x) for _, x in pooled.items}
    assert kinds == {CheckedReturn, Refusal}
    assert sum(isinstance(x, Refusal) for _, x in pooled.items) >= 20
    issues = {(i.location.file, i.location.sheet, i.location.cell, i.code) for _, x in pooled.items for i in x.issues}
    assert ("far-cell.xlsx", "Cover", "XFD1048576", "far-cell") in issues
    assert any(f == "ref-error.xlsx" and code == "error-value" for f, _, _, code in issues)


def test_workers_return_unchecked_returns_the_same_too(mixed, monkeypatch):
    folder, _, _ = mixed
    serial = _load(folder, 1, monkeypatch)
    pooled = _load(folder, 3, monkeypatch)
    assert any(isinstance(x, ReturnData) for _, x in pooled.items)
    assert pooled.items == serial.items


def test_spawned_workers_give_the_same_and_a_closure_is_run_here(mixed, monkeypatch):
    """Windows and macOS start workers by spawn: the reader and check are pickled to them. A check that cannot
    be pickled (a closure) is run in this process instead, with the same result."""
    folder, reg, check = mixed
    files = return_files(folder)
    monkeypatch.setenv("LAA_XL_WORKERS", "1")
    serial = load_returns(folder, check=check).items
    spawned = read_pool.load_in_pool(files, default_reader(), check, (".xlsx",), 2, method="spawn")
    assert [(i, x) for i, x, _ in spawned] == serial

    def closure(data: ReturnData) -> CheckedReturn:
        return check(data)

    here = read_pool.load_in_pool(files, default_reader(), closure, (".xlsx",), 2, method="spawn")
    assert [(i, x) for i, x, _ in here] == serial


def dies_in_a_worker(path: Path) -> ReturnData:
    """A reader that kills the worker process reading HWB's return (as a parser crashing the process would)."""
    if os.getpid() != PARENT and path.name.startswith("HWB_"):
        os._exit(3)
    return noting_pids(path)


def test_a_worker_that_dies_leaves_the_rest_to_be_read_here(mixed, monkeypatch, tmp_path):
    folder, _, check = mixed
    serial = _load(folder, 1, monkeypatch, check=check)
    monkeypatch.setenv("LAA_XL_WORKERS", "2")
    monkeypatch.setenv("PIDS_FILE", str(tmp_path / "pids"))
    pooled = load_returns(folder, dies_in_a_worker, check=check)
    assert pooled.items == serial.items and pooled.contents == serial.contents
    assert str(os.getpid()) in (tmp_path / "pids").read_text().split()  # HWB's return (at least) was read here


def test_the_phases_still_add_up_and_say_where_the_workers_spent_their_time(mixed, monkeypatch):
    folder, _, check = mixed
    monkeypatch.setenv("LAA_XL_WORKERS", "2")
    import time

    t0 = time.perf_counter()
    with recording() as rec:
        load_returns(folder, check=check)
    wall = time.perf_counter() - t0
    assert {"hash", "preflight", "read", "check"} <= set(rec.seconds)
    assert all(v > 0 for v in rec.seconds.values()), rec.seconds
    assert 0.8 * wall <= sum(rec.seconds.values()) <= wall


def test_the_progress_bar_advances_once_per_file(mixed, monkeypatch):
    folder, _, check = mixed
    from laa_xl.io import terminal

    seen: list[object] = []

    def counting(items, description, total=None):
        for x in items:
            seen.append(x)
            yield x

    monkeypatch.setattr(terminal, "progress", counting)
    loaded = _load(folder, 2, monkeypatch, check=check)
    assert len(seen) == len(loaded.items) == len(return_files(folder))


def test_how_many_workers(monkeypatch):
    monkeypatch.setenv("LAA_XL_WORKERS", "1")
    assert read_pool.workers_for(500) == 1
    monkeypatch.setenv("LAA_XL_WORKERS", "4")
    assert read_pool.workers_for(500) == 4 and read_pool.workers_for(3) == 3
    monkeypatch.delenv("LAA_XL_WORKERS")
    assert read_pool.workers_for(read_pool.MIN_FILES - 1) == 1  # a county's few returns: read here
    assert read_pool.workers_for(150) == min(read_pool.available_cpus(), 150 // (read_pool.MIN_FILES // 2)) or \
        read_pool._context().get_start_method() != "fork"  # fmt: skip
    monkeypatch.setenv("LAA_XL_WORKERS", "many")  # not a number: as if unset
    assert read_pool.workers_for(2) == 1


def test_the_excel_buttons_spawn_no_workers_unless_asked(monkeypatch):
    """Where workers would be spawned (Windows, macOS), ``allow_spawn=False`` (the buttons) reads in one process."""
    import multiprocessing

    monkeypatch.delenv("LAA_XL_WORKERS", raising=False)
    monkeypatch.setattr(read_pool, "_context", lambda method=None: multiprocessing.get_context(method or "spawn"))
    many = read_pool.MIN_FILES_SPAWN * 4
    assert read_pool.workers_for(many) > 1 or read_pool.available_cpus() == 1
    assert read_pool.workers_for(many, allow_spawn=False) == 1
    monkeypatch.setenv("LAA_XL_WORKERS", "2")
    assert read_pool.workers_for(many, allow_spawn=False) == 2  # asked for: as asked
    monkeypatch.setattr(read_pool, "_context", lambda method=None: multiprocessing.get_context(method or "fork"))
    monkeypatch.delenv("LAA_XL_WORKERS")
    assert read_pool.workers_for(many, allow_spawn=False) == read_pool.workers_for(many)  # forked: as ever


def test_check_in_workers_gives_the_report_of_checking_one_by_one(mixed, monkeypatch, tmp_path):
    """``laa-xl check`` over a folder: the same report (every issue, every file's summary, every checked return),
    good and bad files alike, read by two workers (each read noting its process)."""
    from laa_xl.io import check_returns

    folder, reg, _ = mixed
    files = list(return_files(folder))
    monkeypatch.setenv("LAA_XL_WORKERS", "1")
    one = check_returns.check_files(files, reg)
    monkeypatch.setenv("LAA_XL_WORKERS", "2")
    monkeypatch.setenv("PIDS_FILE", str(tmp_path / "pids"))
    monkeypatch.setattr(check_returns, "read_return", lambda path, allow_macros=False: noting_pids(path))
    two = check_returns.check_files(files, reg)
    pids = (tmp_path / "pids").read_text().split()
    if read_pool._context().get_start_method() == "fork":
        assert pids and str(os.getpid()) not in pids  # read by the workers, none here
    assert two.summary == one.summary and two.issues == one.issues and two.returns == one.returns
    readable = [f["readable"] for f in one.summary["files"]]
    assert readable.count(True) >= 6 and readable.count(False) >= 20  # the corpus: good returns and refusals
