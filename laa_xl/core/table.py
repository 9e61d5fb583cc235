"""A sheet read as a table whose columns are found by header text.

Readers (``laa_xl.io``) turn any sheet into a grid of values; this module
finds the header row and columns *by their text*, so an officer who inserts or
moves a column breaks nothing. Every value keeps its cell reference.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .issues import Location, cell_name, column_name

Grid = Sequence[Sequence[Any]]


def norm(header: object) -> str:
    """Header text compared loosely: case, spaces and line breaks do not matter."""
    if type(header) is str:  # headers and labels repeat: remember them (the hot path of every reader)
        return _norm_text(header)
    return _NORM_SPACE.sub(" ", str(header or "")).strip().lower()


_NORM_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _norm_text(header: str) -> str:
    return _NORM_SPACE.sub(" ", header).strip().lower()


@dataclass
class SheetTable:
    file: str
    sheet: str
    header_row: int  # 1-based row number of the header
    columns: dict[str, int]  # normalised header -> 1-based column number
    rows: list[tuple[int, Sequence[Any]]] = field(default_factory=list)  # (1-based row, values from column A)
    headers: dict[str, str] = field(default_factory=dict)  # normalised -> header as written
    repeated: dict[str, list[int]] = field(default_factory=dict)  # normalised -> columns after the first with it

    def has(self, name: str) -> bool:
        return norm(name) in self.columns

    def value(self, values: Sequence[Any], name: str) -> Any:
        col = self.columns.get(norm(name))
        if col is None or col - 1 >= len(values):
            return None
        return values[col - 1]

    def picker(self, names: Sequence[str]) -> Callable[[Sequence[Any]], list[Any]]:
        """A function giving a row's values in these columns (None where a column is absent or the row short):
        the columns are looked up once per table, not once per cell (a national register has a million cells)."""
        idx = [self.columns.get(norm(n), 0) - 1 for n in names]  # -1: no such column

        def pick(values: Sequence[Any]) -> list[Any]:
            n = len(values)
            return [values[i] if 0 <= i < n else None for i in idx]

        return pick

    def cell(self, row: int, name: str) -> str:
        col = self.columns.get(norm(name))
        return cell_name(row, col) if col else f"row {row}"

    def loc(self, row: int, name: str | None = None) -> Location:
        return Location(self.file, self.sheet, self.cell(row, name) if name else f"A{row}")

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each non-blank row as {header as written: value}."""
        for r, values in self.rows:
            rec = {self.headers.get(k, k): self.value(values, k) for k in self.columns}
            yield r, rec


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def find_table(
    grid: Grid, file: str, sheet: str, first_header: str, *, max_scan: int = 30
) -> SheetTable | None:
    """Find the header row (the first row with a cell reading ``first_header``) and the rows under it.

    Blank rows are skipped, not taken as the end, so a gap an officer leaves does
    not hide the rows after it.
    """
    want = norm(first_header)
    for r, row in enumerate(grid[:max_scan]):
        if any(norm(v) == want for v in row):
            columns: dict[str, int] = {}
            headers: dict[str, str] = {}
            repeated: dict[str, list[int]] = {}
            for c, v in enumerate(row):
                key = norm(v)
                if key and key not in columns:
                    columns[key] = c + 1
                    headers[key] = re.sub(r"\s+", " ", str(v)).strip()
                elif key:
                    repeated.setdefault(key, []).append(c + 1)
            rows = [(i + 1, vals) for i, vals in enumerate(grid[r + 1 :], start=r + 1) if not all(map(_blank, vals))]
            return SheetTable(file, sheet, r + 1, columns, rows, headers, repeated)
    return None


def label_values(grid: Grid) -> dict[str, tuple[int, Any]]:
    """Label/value pairs in columns A/B: normalised label -> (1-based row, value)."""
    out: dict[str, tuple[int, Any]] = {}
    for r, row in enumerate(grid):
        if row and not _blank(row[0]):
            key = norm(row[0]).rstrip(":")
            if key not in out:
                out[key] = (r + 1, row[1] if len(row) > 1 else None)
    return out


def renamed_heading(table: SheetTable, name: str, known: Iterable[str]) -> int | None:
    """The 1-based column whose heading is most likely ``name`` renamed ('Comments' for 'Commentary', 'Tolerance (%)'
    for 'Tolerance'), among the headings not in ``known``; None when none is."""
    known_norms = {norm(k) for k in known}
    strange = {k: c for k, c in table.columns.items() if k not in known_norms}
    want = norm(name)
    guess = difflib.get_close_matches(want, strange, n=1, cutoff=0.6) or [k for k in strange if want in k or k in want][:1]
    return strange[guess[0]] if guess else None


def missing_column_hint(table: SheetTable, col: int | None) -> str:
    """' (is it the column headed 'X', in L?)' for a guessed column, else ''."""
    if col is None:
        return ""
    header = next((table.headers[k] for k, c in table.columns.items() if c == col), None)
    if header is None:  # a heading repeated from another column ('Profile' typed over 'Actual')
        header = next((table.headers[k] for k, cs in table.repeated.items() if col in cs), None)
    if header is None:  # found where it was issued, its heading cleared
        return f" (is it column {column_name(col)}, whose heading is blank?)"
    return f" (is it the column headed '{header}', in {column_name(col)}?)"
