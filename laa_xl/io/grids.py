"""Read a workbook's sheets into plain grids of values (fast, never evaluating anything).

python-calamine reads values about 14x faster than openpyxl. It must only see
files that passed the safety preflight (a far cell such as XFD1048576 makes it
abort the process).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook


def sheet_names(path: str | Path) -> list[str]:
    """The workbook's sheet names, in order, from its workbook part (no sheet is read)."""
    from .preflight import workbook_parts, workbook_sheets

    with zipfile.ZipFile(path) as z:
        found = workbook_parts(z)
    return [] if found is None else [name for name, _, _ in workbook_sheets(*found)]


class CalamineFailed(Exception):
    """python-calamine gave up on a file in a way Python does not count as an Exception (a Rust panic)."""


_quiet_lock = threading.Lock()
_quiet_depth = 0


@contextlib.contextmanager
def _rust_panics_kept_quiet() -> Iterator[dict[str, bool]]:
    """A Rust panic prints its message (and, with RUST_BACKTRACE set, a backtrace) straight to the process's
    stderr before Python sees it: hold fd 2 in a temporary file for the call, and pass on what was written
    unless a panic happened. Nested and concurrent calls share one redirection."""
    global _quiet_depth
    state = {"panicked": False}
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.flush()
    with _quiet_lock:
        _quiet_depth += 1
        if _quiet_depth == 1:
            try:
                _quiet_stack.append((os.dup(2), tempfile.TemporaryFile()))  # noqa: SIM115 (closed on the way out)
                os.dup2(_quiet_stack[-1][1].fileno(), 2)
            except OSError:
                _quiet_stack.clear()
    try:
        yield state
    except (KeyboardInterrupt, SystemExit, Exception):
        raise
    except BaseException as e:  # pyo3's PanicException (e.g. a date far out of range) derives from BaseException
        state["panicked"] = True
        raise CalamineFailed(f"a value in it is out of range for a date or time ({e})") from e
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_stack:
                saved, tmp = _quiet_stack.pop()
                os.dup2(saved, 2)
                os.close(saved)
                tmp.seek(0)
                held = tmp.read()
                tmp.close()
                if held and not state["panicked"] and b"panicked at" not in held:
                    os.write(2, held)


_quiet_stack: list[tuple[int, Any]] = []


def read_grids(
    path: str | Path, sheets: Iterable[str] | None = None, *, share_values: bool = False,
    inflated: Mapping[str, bytes] | None = None,
) -> dict[str, list[list[Any]]]:
    """{sheet name: rows of values from A1}; empty cells are None, whole numbers stay floats.

    ``share_values``: equal values become one object (a national register repeats its outcomes,
    units, polarities and indicator titles tens of thousands of times; sharing halves its memory).
    ``inflated``: the worksheet XML the preflight has already inflated (by lower-case part name): python-calamine
    then reads a copy of the workbook made from it (``lean_copy``) rather than the file, unless those worksheets
    come to more than ``LEAN_MAX_BYTES``.
    """
    source: str | Path | io.BytesIO = path
    if inflated is not None and sum(len(x) for p, x in inflated.items() if p.startswith(_SHEETS)) <= LEAN_MAX_BYTES:
        source = lean_copy(path, inflated)
    with _rust_panics_kept_quiet():
        return _read_grids(source, sheets, share_values)


# Worksheet XML above which python-calamine reads the file itself, not a copy in memory: it copies a file-like
# object's bytes twice on the way in, so a copy costs about three times the XML while calamine reads it (a
# return's is about 1 MB; the preflight lets one reach 300 MB).
LEAN_MAX_BYTES = 16 * 1024 * 1024
_SHEETS = "xl/worksheets/"


def lean_copy(path: str | Path, inflated: Mapping[str, bytes]) -> io.BytesIO:
    """The workbook at ``path`` as a zip in memory with every part stored (not deflated), and the worksheets as
    the preflight kept them in ``inflated`` (by lower-case part name; formula text left out, which calamine skips
    anyway): what python-calamine reads of it is the same, without inflating each sheet again or parsing four-fifths
    of a return's bytes. The parts not in ``inflated`` are copied from the file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as lean:
        for info in z.infolist():
            part = info.filename.lower()
            xml = inflated.get(part) if part.startswith(_SHEETS) else None
            lean.writestr(info.filename, z.read(info) if xml is None else xml)
    buf.seek(0)
    return buf


def _read_grids(source: str | Path | io.BytesIO, sheets: Iterable[str] | None,
                share_values: bool) -> dict[str, list[list[Any]]]:  # fmt: skip
    wb = CalamineWorkbook.from_filelike(source) if isinstance(source, io.BytesIO) else CalamineWorkbook.from_path(str(source))
    want = set(sheets) if sheets is not None else None
    out: dict[str, list[list[Any]]] = {}
    for name in wb.sheet_names:
        if want is not None and name not in want:
            continue
        sheet = wb.get_sheet_by_name(name)
        rows = sheet.iter_rows() if sheet.start in (None, (0, 0)) else sheet.to_python(skip_empty_area=False)
        if share_values:  # text only: numbers are small, and 1 == 1.0 == True would be taken for each other
            seen: dict[str, str] = {}
            share = seen.setdefault
            out[name] = [[None if v == "" else share(v, v) if v.__class__ is str else v for v in row] for row in rows]
        else:
            out[name] = [[None if v == "" else v for v in row] for row in rows]
    return out


def read_columns(
    path: str | Path, sheet: str, first_header: str, headers: Iterable[str], *, max_scan: int = 30,
    required: Iterable[str] | None = None, on_row: Callable[[tuple[Any, ...]], None] | None = None,
    streamed: bool = False,
) -> list[tuple[Any, ...]] | None:
    """Under the header row of ``sheet`` (the first row, within ``max_scan``, with a cell reading
    ``first_header``), the values of the named columns, row by row, blank rows left out (empty cells are None).

    Only those columns are kept, row by row (python-calamine still holds the whole sheet while it reads it;
    ``streamed``, nothing of it is held). None when the sheet, its header row or a ``required`` column
    (default: every one) is missing; a column not required and missing reads as None, as ``SheetTable.picker``.
    ``on_row``: each row is handed to it as it is read, and not kept (the list returned is then empty).
    ``streamed``: the sheet is read as it inflates (``sheet_stream``), not whole by python-calamine; a sheet that
    cannot be read that way raises ``sheet_stream.NotPlain``, possibly after rows were handed to ``on_row``.
    """
    if streamed:
        from .sheet_stream import stream_columns

        return stream_columns(path, sheet, first_header, headers, max_scan=max_scan, required=required, on_row=on_row)
    with _rust_panics_kept_quiet():
        wb = CalamineWorkbook.from_path(str(path))
        if sheet not in wb.sheet_names:
            return None
        rows = iter(wb.get_sheet_by_name(sheet).iter_rows())
        idx = header_columns(rows, first_header, headers, max_scan, required)
        if idx is None:
            return None
        out: list[tuple[Any, ...]] = []
        keep = out.append if on_row is None else on_row
        for row in rows:
            n = len(row)
            vals = tuple(None if (i < 0 or i >= n or row[i] == "") else row[i] for i in idx)
            if any(v is not None for v in vals):
                keep(vals)
        return out


def header_columns(rows: Iterator[Sequence[Any]], first_header: str, headers: Iterable[str], max_scan: int,
                   required: Iterable[str] | None) -> list[int] | None:  # fmt: skip
    """``read_columns``' header row: the rows up to it are taken from ``rows``; the index in its row of each of
    ``headers`` (-1: missing), or None when there is no header row or a required column is missing."""
    from ..core.table import norm

    wanted = [norm(h) for h in headers]
    needed = wanted if required is None else [norm(h) for h in required]
    first = norm(first_header)
    for _ in range(max_scan):
        row = next(rows, None)
        if row is None:
            return None
        if any(norm(v) == first for v in row):
            at = {norm(v): i for i, v in reversed(list(enumerate(row))) if v != ""}  # the first of a name
            break
    else:
        return None
    if any(h not in at for h in needed):
        return None
    return [at.get(h, -1) for h in wanted]


def give_back_freed_memory() -> None:
    """Hand memory freed after a big read back to the operating system (glibc keeps freed heap for reuse, and a
    national Data sheet read back leaves ~90 MB of it, which the rest of the run then holds on top of its
    own). Linux with glibc only; elsewhere, and should the call fail, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
