"""Performance work must not change behaviour: the fast preflight scan against the in-order one; the benchmark runs."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from laa_xl.core.timing import phase, recording
from laa_xl.io.preflight import LIMITS, _extent, _extent_in_order

ROOT = Path(__file__).resolve().parent.parent

_letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4)
_ref = st.tuples(_letters, st.integers(1, 2_000_000)).map(lambda t: f"{t[0]}{t[1]}")
_cell = st.builds(
    lambda ref, prefix, before, sep: f'<{prefix}c{sep}{before}r="{ref}"><v>1</v></{prefix}c>',
    _ref, st.sampled_from(["", "x:"]), st.sampled_from(["", 's="1" ', 't="n" ']), st.sampled_from([" ", "\n", "\t"]),
)  # fmt: skip
_row = st.builds(
    lambda r, cells: f'<row r="{r}">{"".join(cells)}</row>', st.integers(1, 2_000_000), st.lists(_cell, max_size=4)
)
_dim = st.one_of(st.just(""), _ref.map(lambda r: f'<dimension ref="A1:{r}"/>'))
_noise = st.sampled_from(["", '<col min="1" max="3"/>', "<c>", '<v>r="A1"</v>', '<row spans="1:2">', '<cx r="ZZ9"/>'])


def _zip(xml: str) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", xml)
    return zipfile.ZipFile(buf)


@settings(max_examples=150, deadline=None)
@given(_dim, st.lists(st.one_of(_row, _noise), max_size=12))
def test_fast_extent_scan_finds_what_the_in_order_scan_finds(dim: str, parts: list[str]) -> None:
    xml = f"<worksheet>{dim}<sheetData>{''.join(parts)}</sheetData></worksheet>"
    z = _zip(xml)
    info = z.getinfo("xl/worksheets/sheet1.xml")
    fast = _extent(z, info, "f.xlsx", "Q1", LIMITS)
    exact = _extent_in_order(z, info, "f.xlsx", "Q1", LIMITS)
    assert fast[:2] == exact[:2]


def test_phase_timing_is_exclusive_and_free_when_not_recording() -> None:
    with phase("nothing"):  # no recording: nothing happens, nothing is kept
        pass
    with recording() as rec, phase("outer"), phase("inner"):
        sum(range(1000))
    assert set(rec.seconds) == {"outer", "inner"}
    assert all(v >= 0 for v in rec.seconds.values())


def test_benchmark_runs_end_to_end_at_two_returns(tmp_path: Path) -> None:
    """The benchmark command still works (tiny size, one repetition); its timings are not asserted."""
    out = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--sizes", "2", "--repeat", "1", "--kinds",
         "consolidate,consolidate-again,consolidate-second-year,pandas,expat,calamine"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert "| 2 | consolidate |" in out.stdout and "| 2 | consolidate-second-year |" in out.stdout
    assert "read+check / expat" in out.stdout
