"""Writing outputs safely (SPEC 8, issue 7): a file open in Excel says so; a kill mid-write loses nothing.

Every job runs as the real ``laa-xl`` command in a subprocess. To kill one
*during* a write, the child wraps ``zipfile.ZipFile.write``/``writestr`` (what
XlsxWriter calls for each part of a workbook) to announce the write in
progress and sleep; the parent then sends SIGKILL and checks that the files
already there are byte for byte what they were.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from laa_xl.io.preflight import preflight
from laa_xl.io.returns_reader import read_return

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

CHILD = textwrap.dedent("""
    import sys, time, zipfile
    stop_at = int(sys.argv[1])
    calls = [0]
    def wrap(real):
        def write(self, *args, **kwargs):
            calls[0] += self.filename is not None  # a file's zip, not one in memory (the reader's lean copy)
            if calls[0] == stop_at and self.filename is not None:
                print("writing", self.filename, flush=True)
                time.sleep(120)
            return real(self, *args, **kwargs)
        return write
    zipfile.ZipFile.write = wrap(zipfile.ZipFile.write)
    zipfile.ZipFile.writestr = wrap(zipfile.ZipFile.writestr)
    from laa_xl.cli import main
    main(sys.argv[2:])
""")


def cli(*args: object, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "laa_xl", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def kill_mid_write(stop_at: int, *args: object) -> Path:
    """Run ``laa-xl args`` and SIGKILL it while it writes its ``stop_at``-th zip part; the file being written."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(stop_at), *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("writing "), (line, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]
        writing = Path(line.split(" ", 1)[1].strip())
        assert writing.exists(), "the write should be under way"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    return writing


@pytest.fixture
def consolidated(tmp_path, register_path, issued_dir):
    rdir = tmp_path / "returns"
    shutil.copytree(issued_dir, rdir)
    out = tmp_path / "out" / "CONSOLIDATED.xlsx"
    r = cli("consolidate", register_path, rdir, "--period", "2008/09 Q2", "--out", out)
    assert r.returncode in (0, 1), r.stderr
    return register_path, rdir, out


def test_consolidate_while_the_output_is_open_in_excel(consolidated):
    register_path, rdir, out = consolidated
    before = out.read_bytes()
    shutil.rmtree(out.parent / "archive")
    (out.parent / "~$CONSOLIDATED.xlsx").write_bytes(b"\x0bA N Other")  # what Excel leaves while a book is open
    r = cli("consolidate", register_path, rdir, "--period", "2008/09 Q2", "--out", out)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    assert "CONSOLIDATED.xlsx" in r.stderr and "open in Excel" in r.stderr and "Close it" in r.stderr
    assert out.read_bytes() == before
    assert not (out.parent / "archive").exists()  # stopped before any work
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_go_return_while_the_output_is_open_in_excel(consolidated, tmp_path):
    _, _, out = consolidated
    go = tmp_path / "GO.xlsx"
    assert cli("go-return", out, "--period", "2008/09 H1", "--out", go).returncode == 0
    before = go.read_bytes()
    (tmp_path / "~$GO.xlsx").write_bytes(b"lock")
    r = cli("go-return", out, "--period", "2008/09 H1", "--out", go)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "GO.xlsx" in r.stderr and "open in Excel" in r.stderr
    assert go.read_bytes() == before


def test_kill_during_consolidate_keeps_the_previous_output(consolidated):
    register_path, rdir, out = consolidated
    before = out.read_bytes()
    writing = kill_mid_write(3, "consolidate", register_path, rdir, "--period", "2008/09 Q3", "--out", out)
    assert writing.parent == out.parent and writing.name.endswith(".tmp")
    assert out.read_bytes() == before
    preflight(out)
    from laa_xl.io.consolidated import backup_path, read_consolidated

    assert str(read_consolidated(out)[0].period) == "2008/09 Q2"  # still the previous, complete output
    assert backup_path(out).read_bytes() == before
    r = cli("consolidate", register_path, rdir, "--period", "2008/09 Q3", "--out", out)  # and the next run is fine
    assert r.returncode in (0, 1) and str(read_consolidated(out)[0].period) == "2008/09 Q3"


def test_kill_during_go_return_keeps_the_previous_workbook(consolidated, tmp_path):
    _, _, out = consolidated
    go = tmp_path / "GO.xlsx"
    assert cli("go-return", out, "--period", "2008/09 Q2", "--out", go).returncode == 0
    before = go.read_bytes()
    writing = kill_mid_write(2, "go-return", out, "--period", "2008/09 H1", "--out", go)
    assert writing.parent == go.parent and writing != go
    assert go.read_bytes() == before


def test_kill_while_issuing_returns_leaves_every_return_whole(tmp_path, register_path, issued_dir):
    """Re-issuing into a folder of returns: killed inside the second workbook, every file is still a whole return."""
    out = tmp_path / "returns"
    shutil.copytree(issued_dir, out)
    from return_helpers import fill_return

    fill_return(out / "SAF_2008-09.xlsx", {"Cover": {"Completed by": "A N Other"}})
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    parts = len(zipfile.ZipFile(issued_dir / "CYP_2008-09.xlsx").namelist())  # zip writes per issued workbook
    writing = kill_mid_write(parts + 3, "issue", register_path, "--year", "2008/09", "--out", out, "--replace")
    assert writing.parent == out and writing.name.endswith(".tmp") and "SAF_2008-09" in writing.name
    assert (out / "SAF_2008-09.xlsx").read_bytes() == before["SAF_2008-09.xlsx"]  # the one being written: kept
    for p in out.iterdir():
        if p.name.startswith("."):
            continue  # the temp file of the write that was killed
        if p.name == "replaced":  # --replace's copies of the returns as they were, made before any is rewritten
            kept = {k.name.split(" (replaced ")[0] + k.suffix: k.read_bytes() for k in p.iterdir()}
            assert kept == before
            continue
        assert p.name in before
        read_return(p)  # every return is whole: passes the preflight and reads
    unchanged = [n for n, b in before.items() if (out / n).read_bytes() == b]
    assert len(unchanged) >= len(before) - 1  # at most the first one was rewritten (atomically) before the kill


def test_outputs_can_be_opened_by_colleagues_as_any_new_file_could(tmp_path, register_path, issued_dir):
    """An output is written to a temporary file that only its owner may read (mkstemp): renamed into place as it
    was, a CONSOLIDATED.xlsx on a shared drive could not be opened by the rest of the team. It gets the mode a new
    file gets (umask 022 here: rw-r--r--), or keeps the one the file it replaces had."""
    import os
    import stat

    rdir = tmp_path / "returns"
    shutil.copytree(issued_dir, rdir)
    out = tmp_path / "out" / "CONSOLIDATED.xlsx"
    args = [sys.executable, "-c", "import os, sys; os.umask(0o022); from laa_xl.cli import main; main(sys.argv[1:])",
            "consolidate", register_path, rdir, "--period", "2008/09 Q2", "--out", out]  # fmt: skip
    assert subprocess.run(args, cwd=ROOT, capture_output=True).returncode in (0, 1)
    go = tmp_path / "out" / "GO.xlsx"
    subprocess.run([*args[:3], "go-return", out, "--period", "2008/09 H1", "--out", go], cwd=ROOT, check=True)
    archived = next((tmp_path / "out" / "archive").glob("*.xlsx"))
    for f in (out, go, archived):
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, f
    os.chmod(out, 0o640)  # the team's own choice for this file is kept when it is replaced
    assert subprocess.run(args, cwd=ROOT, capture_output=True).returncode in (0, 1)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "out" / "CONSOLIDATED.previous.xlsx").stat().st_mode) == 0o640
