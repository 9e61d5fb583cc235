"""Type a ``ReturnFill`` into an issued return workbook, as an officer would in Excel (demo and tests).

Cells are found by their header text (``Target ref`` rows on the quarter
sheets, the ``Risks`` and ``Spend`` tables, the Cover's labels), never by fixed
position. Text that starts with ``=`` is stored as text, as Excel does when an
officer types a leading apostrophe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from ..core.filling import ReturnFill
from ..core.numbers import text
from ..core.register import normalise_ref
from ..core.table import norm


def _put(ws: Any, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row, col)
    cell.value = value if value != "" else None
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"


def _header(ws: Any, first: str, scan: int = 30) -> tuple[int, dict[str, int]] | None:
    for r in range(1, min(ws.max_row, scan) + 1):
        vals = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
        if any(norm(v) == norm(first) for v in vals):
            return r, {norm(v): c for c, v in enumerate(vals, start=1) if v is not None}
    return None


def fill_return_workbook(path: str | Path, fill: ReturnFill) -> Path:
    """Open the issued return, type the fill in, save it (in place)."""
    path = Path(path)
    wb = openpyxl.load_workbook(path)
    if "Cover" in wb.sheetnames:
        ws = wb["Cover"]
        labels = {norm(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
        for label in ("Completed by", "Email", "Date submitted"):
            if norm(label) in labels and fill.cover()[label] is not None:
                _put(ws, labels[norm(label)], 2, fill.cover()[label])
    by_q: dict[str, dict[str, Any]] = {}
    for (ref, q), row in fill.rows.items():
        by_q.setdefault(q, {})[ref] = row
    for q, rows in by_q.items():
        if q not in wb.sheetnames:
            continue
        ws = wb[q]
        found = _header(ws, "Target ref")
        if found is None:
            continue
        hr, cols = found
        for r in range(hr + 1, ws.max_row + 1):
            ref = normalise_ref(ws.cell(r, cols[norm("Target ref")]).value)
            if ref in rows:
                for col, value in rows[ref].by_column().items():
                    if norm(col) in cols:
                        _put(ws, r, cols[norm(col)], value)
    _fill_table(wb, "Risks", "Risk ID", fill.risks, key=("Risk ID",))  # refilling updates, never duplicates
    _fill_table(wb, "Spend", "Block", fill.spend, key=("Block", "Quarter"))
    wb.save(path)
    return path


def _fill_table(wb: Any, sheet: str, first: str, records: list[dict[str, Any]], key: tuple[str, ...] | None) -> None:
    if sheet not in wb.sheetnames or not records:
        return
    ws = wb[sheet]
    found = _header(ws, first)
    if found is None:
        return
    hr, cols = found
    free = hr + 1
    for rec in records:
        target = None
        if key:  # a pre-filled row (e.g. Block and Quarter) takes the figures
            for r in range(hr + 1, ws.max_row + 1):
                if all(text(ws.cell(r, cols[norm(k)]).value) == text(rec[k]) for k in key if norm(k) in cols):
                    target = r
                    break
        if target is None:
            while text(ws.cell(free, cols[norm(first)]).value):
                free += 1
            target = free
            free += 1
        lines = 1
        for h, v in rec.items():
            if norm(h) in cols:
                _put(ws, target, cols[norm(h)], v)
                if isinstance(v, str):  # wrapped in its column: the row made tall enough to show it, not overprinted
                    width = ws.column_dimensions[get_column_letter(cols[norm(h)])].width or 8.43
                    lines = max(lines, -(-len(v) // max(int(width * 1.1), 1)))
        if lines > 1:
            ws.row_dimensions[target].height = max(ws.row_dimensions[target].height or 15.0, 12.75 * lines)
