"""``read_pool.beside``: a job run beside the caller's own work (the archive, beside the workbook's writing).

On Linux the job runs in a forked child process (issue 8: in a thread, its system calls slowed the writing);
these tests run it for real: its result and its failures come back, the block waits for it, and a child
stopped or killed is reported, leaving no file half-written.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from laa_xl.errors import LaaError
from laa_xl.io.files import atomic_path
from laa_xl.io.read_pool import beside

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="elsewhere the job runs in a thread")


def _pid_and(x: int) -> tuple[int, int]:
    return os.getpid(), x * 2


def _fails(message: str) -> None:
    raise LaaError(message)


def _write_slowly(path: Path, seconds: float) -> str:
    with atomic_path(path) as tmp:
        tmp.write_text("half")
        time.sleep(seconds)
        tmp.write_text("whole")
    return path.read_text()


def _pid_file_then_wait(pid_file: Path, out: Path) -> None:
    pid_file.write_text(str(os.getpid()))
    _write_slowly(out, 30)


@linux
def test_the_result_comes_back_from_another_process():
    with beside(_pid_and, 21) as result:
        pid, value = result()
    assert value == 42 and pid != os.getpid()


def test_a_failure_is_raised_where_the_result_is_asked_for():
    with beside(_fails, "the archive could not be written") as result, pytest.raises(LaaError, match="could not be"):
        result()


def test_leaving_the_block_on_an_error_waits_for_the_job(tmp_path):
    out = tmp_path / "copy.txt"
    with pytest.raises(RuntimeError, match="the writing failed"), beside(_write_slowly, out, 0.5):
        raise RuntimeError("the writing failed")
    assert out.read_text() == "whole"  # the job finished before the block was left
    assert [p.name for p in tmp_path.iterdir()] == ["copy.txt"]


@linux
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_child_stopped_or_killed_is_reported(tmp_path, sig):
    pid_file, out = tmp_path / "pid", tmp_path / "copy.txt"
    with beside(_pid_file_then_wait, pid_file, out) as result:
        deadline = time.monotonic() + 10
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # inside atomic_path, its temporary file written
        os.kill(int(pid_file.read_text()), sig)
        with pytest.raises(OSError, match="stopped"):
            result()
    left = sorted(p.name for p in tmp_path.iterdir())
    if sig == signal.SIGTERM:  # unwound: atomic_path removed its temporary file
        assert left == ["pid"]
    else:  # killed outright: nothing can run, but the copy was never put in place
        assert "copy.txt" not in left
