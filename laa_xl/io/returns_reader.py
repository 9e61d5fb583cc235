"""Read a filled return workbook into :class:`laa_xl.core.returns.ReturnData`.

Sheets, header rows and columns are found by their text, so an officer who
inserts or moves a column, leaves a blank row or renames ``Q2`` to ``Qtr 2``
breaks nothing. Values are read raw with python-calamine (numbers typed as
text stay text here; ``laa_xl.core.checks`` reads them as numbers), each with
its ``[file]sheet!cell``. The partner's file is never evaluated or re-saved,
and it passes the safety preflight before any parser sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..core.issues import Location, cell_name, column_name, error, warning
from ..core.numbers import is_blank, text
from ..core.periods import QUARTERS
from ..core.return_form import HELPER_COLUMNS
from ..core.returns import (
    BLANK,
    COVER_LABELS,
    QUARTER_COLUMNS,
    REQUIRED_QUARTER_COLUMNS,
    RETURN_SHEETS,
    RISK_COLUMNS,
    SPEND_COLUMNS,
    Cell,
    ReturnData,
    ReturnRow,
    RiskRow,
    SpendRow,
)
from ..core.table import SheetTable, find_table, label_values, missing_column_hint, norm, renamed_heading
from ..core.timing import phase
from ..errors import UnreadableFile
from .grids import read_grids
from .preflight import preflight
from .return_scan import clean_text, scan_return

WORKED_OUT = ("% variance", "RAG")  # a quarter sheet's columns of formulas that a figure may be typed over
_QUARTER_NAME = re.compile(r"^\s*(?:q|qtr|quarter)\s*[-_.]?\s*([1-4])\b", re.I)
_ROW_FIELDS = {
    "rag_override": "RAG override", "override_reason": "Override reason", "commentary": "Commentary",
    "remedial_action": "Remedial action", "evidence": "Inspection/survey evidence",
    "data_quality_note": "Data quality note",
}  # fmt: skip
# _read_quarter passes them positionally, after the quarter, ref and actual
assert tuple(_ROW_FIELDS) == tuple(f.name for f in fields(ReturnRow))[3:]
_TYPED_QUARTER_COLUMNS = tuple(_ROW_FIELDS.values())  # what the officer types, beside the Actual


def read_return(path: str | Path, *, allow_macros: bool = False) -> ReturnData:
    """Everything a return holds, with each problem of its structure as an issue.

    Raises :class:`laa_xl.errors.UnreadableFile` (or the preflight's
    ``UnsafeFile``) when the file cannot be read safely at all.
    """
    path = Path(path)
    sheet_xml: dict[str, bytes] = {}  # each worksheet's XML, inflated once by the preflight, scanned again below
    with phase("preflight"):
        issues = list(preflight(path, allow_macros=allow_macros, sheet_xml=sheet_xml))  # macros are never run, only allowed in
    with phase("read"):
        try:
            grids = read_grids(path, inflated=sheet_xml)  # not inflated again
        except Exception as e:  # calamine raises several types for damaged files
            raise UnreadableFile(f"{path.name} cannot be read as an Excel workbook ({e}). Save it again as .xlsx.") from e
        data = read_return_grids(grids, path.name)
        try:
            scan_return(path, grids, data, sheet_xml)  # error cells, formulas, hidden sheets, merged headings: what calamine hides
        except Exception as e:  # whatever is odd about the XML, refuse the file rather than trust what was read
            raise UnreadableFile(f"{path.name} cannot be checked cell by cell ({e}). Save it again as .xlsx.") from e
        clean_text(data, grids)  # control characters, text longer than a cell holds
    data.issues[:0] = issues
    return data


def read_return_grids(grids: Mapping[str, Sequence[Sequence[Any]]], file: str) -> ReturnData:
    """The return in sheet grids (whatever read them) as ReturnData."""
    data = ReturnData(file)
    by_norm: dict[str, str] = {}
    for name in grids:
        by_norm.setdefault(norm(name), name)
    _read_cover(grids, by_norm, data)
    found: list[str] = []
    for q, sheet in _quarter_sheets(list(grids), by_norm, data).items():
        if _read_quarter(grids[sheet], sheet, q, data):
            found.append(q)
    data.quarters_found = tuple(q for q in QUARTERS if q in found)
    _read_risks(grids, by_norm, data)
    _read_spend(grids, by_norm, data)
    return data


def _missing_sheet(data: ReturnData, sheet: str, extra: str = "") -> None:
    data.issues.append(
        error("missing-sheet", f"This return has no '{sheet}' sheet{extra}. Use the return workbook as issued, "
              "or rename the sheet back.", Location(data.file, sheet))
    )  # fmt: skip


def _read_cover(grids: Mapping[str, Sequence[Sequence[Any]]], by_norm: dict[str, str], data: ReturnData) -> None:
    sheet = by_norm.get("cover")
    if sheet is None:
        _missing_sheet(data, "Cover")
        return
    pairs = label_values(grids[sheet])
    for label in COVER_LABELS:
        hit = pairs.get(norm(label))
        if hit is not None:
            row, value = hit
            data.cover[label] = Cell(value, Location(data.file, sheet, f"B{row}"))


def _quarter_sheets(names: list[str], by_norm: dict[str, str], data: ReturnData) -> dict[str, str]:
    """Quarter -> sheet name; a renamed sheet ('Qtr 2') is used when exactly one sheet fits, and flagged."""
    out: dict[str, str] = {}
    for q in QUARTERS:
        exact = by_norm.get(q.lower())
        if exact is not None:
            out[q] = exact
            continue
        candidates = [n for n in names if (m := _QUARTER_NAME.match(n)) and f"Q{m.group(1)}" == q and n not in out.values()]
        if len(candidates) == 1:
            out[q] = candidates[0]
            data.issues.append(
                warning("renamed-sheet", f"The {q} sheet has been renamed '{candidates[0]}'. It was read as {q}; "
                        f"please rename it back to '{q}'.", Location(data.file, candidates[0], "A1"))
            )  # fmt: skip
        elif candidates:
            _missing_sheet(data, q, f" (the sheets {', '.join(repr(c) for c in candidates)} could each be it)")
        else:
            issued = {s.lower() for s in RETURN_SHEETS}
            others = [n for n in names if n.strip().lower() not in issued and not _QUARTER_NAME.match(n)]
            _missing_sheet(data, q, f"; it has {'a sheet' if len(others) == 1 else 'sheets'} "
                                    f"{', '.join(repr(n) for n in others)} that the return was not issued with: if "
                                    f"{'it is' if len(others) == 1 else 'one of them is'} {q}, rename it '{q}'"
                           if others else "")  # fmt: skip
    return out


def _table(
    grid: Sequence[Sequence[Any]], file: str, sheet: str, first: str, required: Sequence[str], data: ReturnData,
    typed: Sequence[str] = (),
) -> SheetTable | None:
    """The sheet's table, None (and an error) without its header row or a ``required`` column. A column the officer
    types in (``typed``) that is missing (its heading renamed: 'Comments') or headed twice is an error too: what is
    typed under it would not be read."""
    table = find_table(grid, file, sheet, first)
    if table is None:
        data.issues.append(
            error("missing-header", f"Cannot find the header row on '{sheet}' (a row starting '{first}'). Put the "
                  "column headings back as issued.", Location(file, sheet, "A1"))
        )  # fmt: skip
        return None
    ok = True
    at = Location(file, sheet, f"A{table.header_row}")
    known = (*QUARTER_COLUMNS, *HELPER_COLUMNS, *RISK_COLUMNS, *SPEND_COLUMNS)  # headings we wrote
    for col in (*required, *typed):
        if not table.has(col):
            ok = ok and col not in required
            guess = renamed_heading(table, col, known) or _by_place(table, col, known)
            lost = "" if col in required else ", so nothing typed under it is read"
            where = Location(file, sheet, cell_name(table.header_row, guess)) if guess else at
            data.issues.append(error("missing-column", f"The '{sheet}' sheet has no '{col}' column"
                                     f"{missing_column_hint(table, guess)}{lost}. Put the heading '{col}' back in the "
                                     "header row.", where))  # fmt: skip
        elif norm(col) in table.repeated:
            first_col = column_name(table.columns[norm(col)])
            others = " and ".join(column_name(c) for c in table.repeated[norm(col)])
            second = Location(file, sheet, cell_name(table.header_row, table.repeated[norm(col)][0]))
            data.issues.append(error("duplicate-column", f"The '{sheet}' sheet has more than one column headed '{col}' "
                                     f"({first_col} and {others}): only {first_col} is read. Delete the other, or "
                                     "give it another heading.", second))  # fmt: skip
    return table if ok else None


def _by_place(table: SheetTable, name: str, known: Sequence[str]) -> int | None:
    """The 1-based column where a missing quarter-sheet heading was issued, when its heading there was typed over
    ('45%' over 'Actual'): the one column between its issued neighbours, both still in place, whose heading is none
    of ours. None otherwise."""
    order = list(QUARTER_COLUMNS)
    if name not in order or not 0 < order.index(name) < len(order) - 1:
        return None
    before, after = (table.columns.get(norm(order[order.index(name) + k])) for k in (-1, 1))
    if before is None or after is None or after - before != 2:
        return None
    ours = {norm(k) for k in known}
    heading = next((k for k, c in table.columns.items() if c == before + 1), None)
    return before + 1 if heading is None or heading not in ours else None


def _row_cells(table: SheetTable, names: Sequence[str]) -> Callable[[int, Sequence[Any]], list[Cell]]:
    """A function giving a row's cells in these columns, each at its place (BLANK for a column the sheet lacks):
    the columns are looked up once per table, not once per cell."""
    at = [_column(table, h) for h in names]
    file, sheet = table.file, table.sheet

    def cells(r: int, values: Sequence[Any]) -> list[Cell]:
        n, rs = len(values), str(r)
        return [BLANK if a is None else Cell(values[a[0]] if a[0] < n else None, Location(file, sheet, a[1] + rs))
                for a in at]  # fmt: skip

    return cells


def _read_quarter(grid: Sequence[Sequence[Any]], sheet: str, q: str, data: ReturnData) -> bool:
    table = _table(grid, data.file, sheet, "Target ref", REQUIRED_QUARTER_COLUMNS, data, _TYPED_QUARTER_COLUMNS)
    if table is None:
        return False
    cells = _row_cells(table, ("Target ref", "Actual", *_ROW_FIELDS.values()))  # ReturnRow's fields after the quarter
    _rows_above(grid, table, data, q)
    worked = [(h, c) for h in WORKED_OUT if (c := _column(table, h)) is not None]
    seen = data.worked_out.setdefault(sheet, {})
    rows = data.rows
    for r, values in table.rows:
        for h, (i, letters) in worked:
            if i < len(values) and not is_blank(values[i]):
                seen[f"{letters}{r}"] = (h, values[i])
        ref, actual, *fields = cells(r, values)
        if is_blank(ref.value):
            if not is_blank(actual.value):
                data.issues.append(
                    warning("row-without-ref", f"There is an actual here ({text(actual.value)}) with no Target ref, so "
                            "it is not used. Type it on its target's row.", actual.location)
                )  # fmt: skip
            continue
        rows.append(ReturnRow(q, ref, actual, *fields))
    return True


def _rows_above(grid: Sequence[Sequence[Any]], table: SheetTable, data: ReturnData, q: str) -> None:
    """An error for target rows above the header row (a sort that took the header down with it): they are not read.
    A row is taken for a target's when it fills three cells or more (the title rows fill one)."""
    col = table.columns.get(norm("Target ref"), 1) - 1
    above = [(r, row) for r, row in enumerate(grid[: table.header_row - 1], start=1)
             if sum(not is_blank(v) for v in row) >= 3 and col < len(row) and not is_blank(row[col])]  # fmt: skip
    if not above:
        return
    refs = [text(row[col]) for _, row in above]
    data.passed_over.update((ref, q) for ref in refs)  # their 'no row' is this error's to say
    shown = ", ".join(refs[:4]) + (f" and {len(refs) - 4} more" if len(refs) > 4 else "")
    numbers = [r for r, _ in above]
    where = (f"row {numbers[0]}" if len(numbers) == 1 else f"rows {numbers[0]}-{numbers[-1]}"
             if numbers[-1] - numbers[0] == len(numbers) - 1 else f"rows {', '.join(map(str, numbers))}")  # fmt: skip
    data.issues.append(
        error("rows-above-header", f"{where.capitalize()} ({shown}) {'is' if len(above) == 1 else 'are'} above the "
              f"header row (row {table.header_row}), so {'it was' if len(above) == 1 else 'they were'} not read: a "
              "sort may have moved the header down. Undo the sort, or move the header row back above every target.",
              Location(data.file, table.sheet, f"A{above[0][0]}"))
    )  # fmt: skip


def _column(table: SheetTable, name: str) -> tuple[int, str] | None:
    """(0-based index, column letters) of a column found by its heading; None when the sheet has no such column."""
    col = table.columns.get(norm(name))
    return None if col is None else (col - 1, column_name(col))


def _any(cells: Sequence[Cell]) -> bool:
    return any(not is_blank(c.value) for c in cells)


def _read_risks(grids: Mapping[str, Sequence[Sequence[Any]]], by_norm: dict[str, str], data: ReturnData) -> None:
    sheet = by_norm.get("risks")
    if sheet is None:
        _missing_sheet(data, "Risks")
        return
    table = _table(grids[sheet], data.file, sheet, "Risk ID", ("Risk",), data,
                   ("Risk ID", "Target ref", "Likelihood", "Impact", "Mitigation", "Owner", "Review date"))
    if table is None:
        return
    cells = _row_cells(table, ("Risk ID", "Target ref", "Risk", "Likelihood", "Impact", "Mitigation", "Owner",
                               "Review date"))  # RiskRow's fields, in order  # fmt: skip
    for r, v in table.rows:
        c = cells(r, v)
        if _any(c):
            data.risks.append(RiskRow(*c))


def _read_spend(grids: Mapping[str, Sequence[Sequence[Any]]], by_norm: dict[str, str], data: ReturnData) -> None:
    sheet = by_norm.get("spend")
    if sheet is None:
        _missing_sheet(data, "Spend")
        return
    table = _table(grids[sheet], data.file, sheet, "Block", ("Block", "Quarter"), data,
                   ("Budget", "Spend", "Forecast outturn"))
    if table is None:
        return
    cells = _row_cells(table, ("Block", "Quarter", "Budget", "Spend", "Forecast outturn"))  # SpendRow's, in order
    for r, v in table.rows:
        c = cells(r, v)
        if _any(c[2:]):  # else a pre-filled block/quarter with nothing typed
            data.spend.append(SpendRow(*c))
