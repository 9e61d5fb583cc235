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


def read_grids(
    path: str | Path, sheets: Iterable[str] | None = None, *, share_values: bool = False
) -> dict[str, list[list[Any]]]:
    """{sheet name: rows of values from A1}; empty cells are None, whole numbers stay floats.

    ``share_values``: equal values become one object (a national register repeats its outcomes,
    units, polarities and indicator titles tens of thousands of times; sharing halves its memory).
    """
    wb = CalamineWorkbook.from_path(str(path))
    want = set(sheets) if sheets is not None else None
    out: dict[str, list[list[Any]]] = {}
    for name in wb.sheet_names:
        if want is not None and name not in want:
            continue
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if share_values:
            seen: dict[Any, Any] = {}
            share = seen.setdefault
            out[name] = [[None if v == "" else share((v.__class__, v), v) for v in row] for row in rows]
        else:
            out[name] = [[None if v == "" else v for v in row] for row in rows]
    return out
