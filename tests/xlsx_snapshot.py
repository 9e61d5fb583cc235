"""What a person sees in a workbook, as plain data: every cell's value, type and look, merges, sizes, print set-up.

Two workbooks with equal snapshots look and read the same, whatever their XML (shared or inline strings,
format order, spans). Read with openpyxl, independently of the writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def _color(c: Any) -> Any:
    return None if c is None else (c.type, c.rgb if c.type == "rgb" else c.value)


def cell_look(cell: Any) -> tuple[Any, ...]:
    f, fill, b, al = cell.font, cell.fill, cell.border, cell.alignment
    return (
        cell.number_format,
        (f.name, f.sz, f.b, f.i, _color(f.color)),
        (fill.fill_type, _color(fill.fgColor)),
        tuple((s.style, _color(s.color)) for s in (b.left, b.right, b.top, b.bottom)),
        (al.horizontal, al.vertical, al.wrap_text),
    )


def sheet_snapshot(ws: Any) -> dict[str, Any]:
    cells = {(c.row, c.column): (c.value, c.data_type, cell_look(c)) for row in ws.iter_rows() for c in row
             if c.value is not None or c.has_style}  # fmt: skip
    ps = ws.page_setup
    return {
        "cells": cells,
        "merges": sorted(str(m) for m in ws.merged_cells.ranges),
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.customHeight},
        "widths": {k: round(d.width, 4) for k, d in ws.column_dimensions.items() if d.customWidth},
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "print": (ps.orientation, ps.paperSize, ps.scale, ps.fitToWidth, ps.fitToHeight,
                  ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                  ws.print_title_rows, ws.oddFooter.left.text, ws.oddFooter.right.text),  # fmt: skip
        "breaks": [b.id for b in ws.row_breaks.brk],
        "dimension": ws.dimensions,
        "charts": len(ws._charts),
    }


def snapshot(path: str | Path) -> dict[str, dict[str, Any]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: sheet_snapshot(ws) for ws in wb.worksheets}


def differences(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]], limit: int = 10) -> list[str]:
    """Human-readable differences between two snapshots (empty when they are equal)."""
    out: list[str] = []
    if list(a) != list(b):
        out.append(f"sheets: {list(a)} != {list(b)}")
    for name in a.keys() & b.keys():
        for key in a[name]:
            x, y = a[name][key], b[name][key]
            if x == y:
                continue
            if key == "cells":
                for k in sorted(x.keys() | y.keys()):
                    if x.get(k) != y.get(k):
                        out.append(f"{name} {k}: {x.get(k)} != {y.get(k)}")
                        if len(out) >= limit:
                            return out
            else:
                out.append(f"{name} {key}: {x} != {y}")
    return out
