"""Read a workbook's sheets into plain grids of values (fast, never evaluating anything).

python-calamine reads values about 14x faster than openpyxl. It must only see
files that passed the safety preflight (a far cell such as XFD1048576 makes it
abort the process).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook


def sheet_names(path: str | Path) -> list[str]:
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


class CalamineFailed(Exception):
    """python-calamine gave up on a file in a way Python does not count as an Exception (a Rust panic)."""


def read_grids(path: str | Path, sheets: Iterable[str] | None = None) -> dict[str, list[list[Any]]]:
    """{sheet name: rows of values from A1}; empty cells are None, whole numbers stay floats."""
    try:
        return _read_grids(path, sheets)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception:
        raise
    except BaseException as e:  # pyo3's PanicException (e.g. a date far out of range) derives from BaseException
        raise CalamineFailed(f"a value in it is out of range for a date or time ({e})") from e


def _read_grids(path: str | Path, sheets: Iterable[str] | None) -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_path(str(path))
    want = set(sheets) if sheets is not None else None
    out: dict[str, list[list[Any]]] = {}
    for name in wb.sheet_names:
        if want is not None and name not in want:
            continue
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = [[None if v == "" else v for v in row] for row in rows]
    return out
