"""The house look of every workbook laa_xl writes, and a writer for plain table sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from .files import atomic_path

NAVY = "#1F3864"
HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "border": 1, "text_wrap": True, "valign": "top"}
RAG_FILLS = {"Green": "#C6EFCE", "Amber": "#FFEB9C", "Red": "#FFC7CE", "No data": "#D9D9D9", "Not due": "#F2F2F2"}
RAG_FONTS = {"Green": "#006100", "Amber": "#9C5700", "Red": "#9C0006", "No data": "#404040", "Not due": "#7F7F7F"}
INPUT_FILL = "#FFF2CC"
FONT = "Arial"
# A register sheet too wide to print one page wide at a readable size: the pages across it (its first column, the
# ref, is printed on every page)
PAGES_WIDE = {"Targets": 2}


def column_width(values: Iterable[Any], header: str, lo: int = 6, hi: int = 60) -> float:
    longest = max([len(header) * 0.9, *(len(str(v)) for v in values if v is not None)], default=lo)
    return float(max(lo, min(hi, longest + 2)))


def write_table_sheets(
    path: str | Path, grids: Mapping[str, Sequence[Sequence[Any]]], *, label_value_sheets: Iterable[str] = ()
) -> Path:
    """Each grid (header row first) as a sheet: styled header, frozen, filtered, sized, dates as dates; printed on A4
    landscape, one page wide (``PAGES_WIDE``), the header on every page."""
    path = Path(path)
    lv = set(label_value_sheets)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        wb.formats[0].set_font_name(FONT)
        head = wb.add_format({**HEADER, "font_name": FONT})
        date = wb.add_format({"num_format": "dd mmm yyyy", "font_name": FONT, "align": "left"})
        for name, grid in grids.items():
            ws = wb.add_worksheet(name)
            write_grid(ws, grid, head, date)
            if grid and name not in lv:
                ws.autofilter(0, 0, max(len(grid) - 1, 1), len(grid[0]) - 1)
                ws.repeat_rows(0)
            ws.freeze_panes(1, 1 if name not in lv else 0)
            ws.set_paper(9)  # A4 landscape, all the columns on one page wide (or PAGES_WIDE)
            ws.set_landscape()
            ws.fit_to_pages(PAGES_WIDE.get(name, 1), 0)
            if PAGES_WIDE.get(name, 1) > 1:
                ws.repeat_columns(0)
        wb.close()
    return path


def write_grid(ws: Any, grid: Sequence[Sequence[Any]], head: Any, date: Any) -> None:
    """Write values (text always as text, never as a formula) and size the columns."""
    if not grid:
        return
    for c, h in enumerate(grid[0]):
        ws.write_string(0, c, str(h), head)
        ws.set_column(c, c, column_width((row[c] for row in grid[1:] if c < len(row)), str(h)))
    for r, row in enumerate(grid[1:], start=1):
        for c, v in enumerate(row):
            write_value(ws, r, c, v, date_format=date)


def write_value(ws: Any, r: int, c: int, v: Any, fmt: Any = None, *, date_format: Any = None) -> None:
    """One value by its type: text as text (a leading '=' stays text), numbers, dates, blanks."""
    if v is None or (isinstance(v, float) and v != v):
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt)
    elif isinstance(v, dt.datetime | dt.date):
        ws.write_datetime(r, c, v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day),
                          fmt or date_format)  # fmt: skip
    else:
        ws.write_string(r, c, str(v), fmt)
