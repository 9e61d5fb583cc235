"""A run stopped from outside (a scheduler's time limit, ``kill``, Ctrl-C) stops cleanly: a clear line, its own
exit status, no temporary file left, and no worker process left behind, even when the run itself is killed outright.

Real processes and real signals: ``laa-xl consolidate`` over enough returns that its worker processes are still
reading when the signal comes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_untrusted_returns import area  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from Linux's /proc")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def many(area, tmp_path):  # noqa: F811
    """The register, and a folder of 180 returns (the six good ones, 30 times): about a second's reading for two
    workers, so the signal comes while they read."""
    _, reg_path, _, good, _, _ = area
    folder = tmp_path / "returns"
    folder.mkdir()
    for n in range(30):
        for p in sorted(good.iterdir()):
            (folder / f"{n:02d}-{p.name}").write_bytes(p.read_bytes())
    return reg_path, folder


def _start(reg_path: Path, folder: Path, out: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """``laa-xl consolidate`` started, once its (two) worker processes are reading."""
    env = {**os.environ, "LAA_XL_WORKERS": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "laa_xl", "consolidate", str(reg_path), str(folder), "--period", "2008/09 Q2",
         "--out", str(out)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background shell ignores SIGINT
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(workers := _children(proc.pid)) < 2:
        assert proc.poll() is None, f"it ended before its workers started: {proc.communicate()}"
        assert time.monotonic() < deadline, "no worker processes started"
        time.sleep(0.01)
    return proc, workers


def _gone(pids: list[int], within: float = 10.0) -> list[int]:
    """The processes still running after ``within`` seconds."""
    deadline = time.monotonic() + within
    while (left := [p for p in pids if _alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.mark.parametrize(("sig", "status", "said"), [(signal.SIGTERM, 143, "it was terminated"),
                                                      (signal.SIGINT, 130, "Ctrl-C")])  # fmt: skip
def test_a_stopped_consolidation_says_so_and_leaves_nothing_behind(many, tmp_path, sig, status, said):
    reg_path, folder = many
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc, workers = _start(reg_path, folder, out_dir / "CONSOLIDATED.xlsx")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert f"stopped before the end ({said})" in err and "Traceback" not in err, err
    assert _gone(workers) == [], "a worker process was left running"
    assert list(out_dir.iterdir()) == [], "a file was left in the output folder"


def test_workers_end_with_a_consolidation_killed_outright(many, tmp_path):
    """SIGKILL gives the run no chance to stop its workers: they end with it (Linux's parent-death signal)."""
    reg_path, folder = many
    proc, workers = _start(reg_path, folder, tmp_path / "CONSOLIDATED.xlsx")
    proc.kill()
    proc.communicate(timeout=60)
    assert _gone(workers) == [], "a worker process outlived the run"
