"""What a consolidation keeps while it runs: checked returns only, file paths not bytes, the collector restored."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import sys

import pytest
from test_consolidate_flow import Q2, area  # noqa: F401  (the fixture: issued and filled demo returns)

from laa_xl.core.checks import check_return
from laa_xl.core.consolidate import LogEntry
from laa_xl.core.returns import CheckedReturn, ReturnData
from laa_xl.errors import BadRegister, UnreadableFile
from laa_xl.io.consolidate_job import consolidate_folder
from laa_xl.io.consolidated import archive_returns
from laa_xl.io.return_files import load_returns


def test_returns_checked_as_read_equal_returns_checked_later(area):  # noqa: F811
    d, reg_path, reg, returns, fills = area
    deadline = reg.deadline(Q2)

    def check(data: ReturnData) -> CheckedReturn:
        return check_return(data, reg, year=Q2.year, quarters=Q2.quarters, deadline=deadline)

    later = load_returns(returns)
    early = load_returns(returns, check=check)
    assert [i for i, _ in later.items] == [i for i, _ in early.items]
    assert all(isinstance(x, CheckedReturn) for _, x in early.items)
    assert [check(x) for _, x in later.items] == [x for _, x in early.items]
    # the archive needs the files, not their bytes held in memory
    assert early.contents == {p.name: p for p in sorted(returns.iterdir())}


def test_the_archive_copies_the_file_consolidated_and_refuses_one_that_changed(area, tmp_path):  # noqa: F811
    d, reg_path, reg, returns, fills = area
    src = tmp_path / "in" / "CYP_2008-09.xlsx"
    src.parent.mkdir()
    shutil.copyfile(returns / "CYP_2008-09.xlsx", src)
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    entry = LogEntry("CYP", src.name, src.stat().st_size, sha, None, None, False, 3, "Used")
    out = tmp_path / "out" / "CONSOLIDATED.xlsx"
    (written,) = archive_returns(out, {src.name: src}, [entry])
    assert written.read_bytes() == src.read_bytes() and written.name == f"{sha}.xlsx"
    assert json.loads((written.parent / f"{sha}.json").read_text())["sha256"] == sha

    src.write_bytes(src.read_bytes() + b"changed after it was read")
    other = tmp_path / "out2" / "CONSOLIDATED.xlsx"
    with pytest.raises(UnreadableFile, match="changed while it was being consolidated"):
        archive_returns(other, {src.name: src}, [entry])
    assert not (other.parent / "archive" / f"{sha}.xlsx").exists()
    assert [p for p in (other.parent / "archive").iterdir() if p.suffix == ".xlsx"] == []


def test_the_cyclic_collector_is_back_on_after_a_job_that_ends_or_fails(area, tmp_path):  # noqa: F811
    d, reg_path, reg, returns, fills = area
    assert gc.isenabled()
    consolidate_folder(reg_path, returns, "2008/09 Q2", tmp_path / "C.xlsx")
    assert gc.isenabled()
    with pytest.raises(BadRegister):
        consolidate_folder(reg_path, returns, "2015/16 Q2", tmp_path / "C2.xlsx")
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that had it off keeps it off
        consolidate_folder(reg_path, returns, "2008/09 Q2", tmp_path / "C3.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_freed_memory_is_given_back_after_a_big_read():
    """What a national read-back frees (many small blocks, the heap's top still in use) goes back to the system."""
    from laa_xl.io.grids import give_back_freed_memory

    def rss_mb() -> float:
        with open(f"/proc/{os.getpid()}/status") as f:
            return int(f.read().split("VmRSS:")[1].split()[0]) / 1024

    blocks = [bytes(1000) + i.to_bytes(4, "little") for i in range(150_000)]  # ~150 MB of 1 KB blocks
    keep = blocks[-1]
    del blocks
    before = rss_mb()
    give_back_freed_memory()
    assert before - rss_mb() > 75, (before, rss_mb())
    assert keep[-4:] == (149_999).to_bytes(4, "little")
