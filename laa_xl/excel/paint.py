"""Paint a core ``SheetLayout`` into the live workbook through xlwings, as whole blocks.

The twin of ``laa_xl.io.paint`` (XlsxWriter, for files): the same layouts, and
the same looks (``laa_xl.io.paint.look``), so a sheet a button fills and the
sheet in the consolidated file cannot drift apart. Values go in as ONE 2-D
block; formats are applied to rectangles of cells that look the same (one
call per rectangle, never one per cell) and fills as one colour matrix.

Not painted live: borders, alignment and print set-up (Excel keeps what the
built workbook has) and native charts (they are in the files the buttons
save). Text that a spreadsheet would evaluate (``= + - @``) is written with a
leading apostrophe, so it stays text (SPEC 8).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..core.issues import column_name
from ..core.layout import Cell, SheetLayout
from ..io.paint import look

_LOOKS_TYPED = re.compile(r"^\s*[\d.,/:%£$()\s-]*\d[\d.,/:%£$()\s-]*$|^\s*(true|false)\s*$", re.IGNORECASE)
MAX_COLOUR_CELLS = 10_000  # xlwings' Range.set_colors takes at most this many cells per call
Rect = tuple[int, int, int, int]  # r1, c1, r2, c2: 0-based, inclusive


def text_safe(v: Any) -> Any:
    """A value as a cell takes it: text kept as text (not a formula, nor a number or date Excel would
    make of '2008/09' or '45'); dates as datetimes."""
    if isinstance(v, str) and (v[:1] in ("=", "+", "-", "@") or _LOOKS_TYPED.match(v)):
        return "'" + v
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v


def rectangles(cells: Mapping[tuple[int, int], Any]) -> Iterator[tuple[Rect, Any]]:
    """Cover cells that share a key with few rectangles: runs along each row, stacked when rows repeat."""
    rows: dict[int, list[tuple[int, int, Any]]] = {}
    for (r, c) in sorted(cells):
        key = cells[(r, c)]
        runs = rows.setdefault(r, [])
        if runs and runs[-1][1] == c - 1 and runs[-1][2] == key:
            runs[-1] = (runs[-1][0], c, key)
        else:
            runs.append((c, c, key))
    open_: dict[tuple[int, int, Any], int] = {}  # run -> first row
    last_row: dict[tuple[int, int, Any], int] = {}
    done: list[tuple[Rect, Any]] = []
    for r in sorted(rows):
        current = set(rows[r])
        for run in list(open_):
            if run not in current or last_row[run] != r - 1:
                done.append(((open_[run], run[0], last_row[run], run[1]), run[2]))
                del open_[run]
        for run in rows[r]:
            if run not in open_:
                open_[run] = r
            last_row[run] = r
    for run, first in open_.items():
        done.append(((first, run[0], last_row[run], run[1]), run[2]))
    yield from sorted(done, key=lambda x: x[0])


def column_letter(c: int) -> str:
    """0-based column index -> A, B, ..., AA."""
    return column_name(c + 1)


def a1(r: int, c: int) -> str:
    """0-based row and column -> a relative A1 address."""
    return f"{column_letter(c)}{r + 1}"


def ensure_sheet(book: Any, name: str) -> Any:
    if name not in [s.name for s in book.sheets]:
        book.sheets.add(name, after=book.sheets[-1])
    return book.sheets[name]


def _rng(sheet: Any, rect: Rect) -> Any:
    r1, c1, r2, c2 = rect
    return sheet.range((r1 + 1, c1 + 1), (r2 + 1, c2 + 1))


def paint(book: Any, lay: SheetLayout, *, formulas: Mapping[tuple[int, int], str | list[list[str]]] | None = None,
          conditional: Mapping[Rect, Mapping[str, tuple[str, str]]] | None = None) -> Any:
    """Replace the sheet ``lay.name`` with the layout; return the sheet.

    ``formulas``: (row, col) -> a formula written into that (empty) cell after the values, e.g. one
    spilled UDF per column; or a 2-D block of formulas/values written there at once. ``conditional``: rectangle -> {value: (fill, font)} colour rules, for
    cells whose value a formula computes (a static fill would go stale when it recomputes).
    """
    sheet = ensure_sheet(book, lay.name)
    sheet.clear()
    width = max((len(r) for r in lay.rows), default=0)
    if not width:
        return sheet
    grid = [[text_safe(c.value) if c is not None else None for c in row] + [None] * (width - len(row))
            for row in lay.rows]  # fmt: skip
    _rng(sheet, (0, 0, len(grid) - 1, width - 1)).value = grid
    _formats(sheet, lay, width)
    for (r1, c1, r2, c2) in lay.merges:
        with contextlib.suppress(Exception):  # a runtime without merging still gets the values
            _rng(sheet, (r1, c1, r2, c2)).merge()
    for (r, c), formula in (formulas or {}).items():
        if isinstance(formula, str):  # one (spilling) formula
            _rng(sheet, (r, c, r, c)).formula2 = formula
        else:  # a block of formulas and values, written at once
            _rng(sheet, (r, c, r + len(formula) - 1, c + len(formula[0]) - 1)).formula = formula
    for rect, rules in (conditional or {}).items():
        first = a1(rect[0], rect[1])
        for value, (fill, font) in rules.items():
            with contextlib.suppress(Exception):  # older xlwings: no conditional formats, the values stay right
                _rng(sheet, rect).conditional_formats.add_custom(f'={first}="{value}"', fill_color=fill,
                                                                 font_color=font)  # fmt: skip
    for (c1, c2), w in runs({c: w for c, w in enumerate(lay.widths)}):
        with contextlib.suppress(Exception):
            sheet.range((1, c1 + 1), (1, c2 + 1)).column_width = w
    for (r1, r2), h in runs(lay.heights):
        with contextlib.suppress(Exception):
            sheet.range((r1 + 1, 1), (r2 + 1, 1)).row_height = h
    if lay.freeze:
        r, c = lay.freeze
        with contextlib.suppress(Exception):  # not every runtime can freeze panes
            sheet.freeze_panes.freeze_at(a1(r, c))
    return sheet


def runs(values: Mapping[int, Any]) -> Iterator[tuple[tuple[int, int], Any]]:
    """Contiguous indices with one value: (first, last), value."""
    keys = sorted(values)
    i = 0
    while i < len(keys):
        j = i
        while j + 1 < len(keys) and keys[j + 1] == keys[j] + 1 and values[keys[j + 1]] == values[keys[i]]:
            j += 1
        yield (keys[i], keys[j]), values[keys[i]]
        i = j + 1


def looks(lay: SheetLayout) -> dict[tuple[int, int], dict[str, Any]]:
    """The look of every painted cell (merged areas take their first cell's look)."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for r, row in enumerate(lay.rows):
        for c, cell in enumerate(row):
            if cell is not None:
                out[(r, c)] = look(cell)[0]
    for r1, c1, r2, c2 in lay.merges:
        first = out.get((r1, c1), look(Cell(None))[0])
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = first
    return out


def _formats(sheet: Any, lay: SheetLayout, width: int) -> None:
    props = looks(lay)
    # fills: one colour matrix (in chunks of whole rows), None = no fill
    fills = {k: p.get("bg_color") for k, p in props.items()}
    if any(fills.values()):
        per = max(1, MAX_COLOUR_CELLS // width)
        for start in range(0, len(lay.rows), per):
            stop = min(len(lay.rows), start + per)
            matrix = [[fills.get((r, c)) for c in range(width)] for r in range(start, stop)]
            if any(v for row in matrix for v in row):
                _rng(sheet, (start, 0, stop - 1, width - 1)).set_colors(matrix)
    for rect, fmt in rectangles({k: p["num_format"] for k, p in props.items() if p.get("num_format")}):
        _rng(sheet, rect).number_format = fmt
    for rect, _ in rectangles({k: True for k, p in props.items() if p.get("bold")}):
        _rng(sheet, rect).font.bold = True
    for rect, _ in rectangles({k: True for k, p in props.items() if p.get("italic")}):
        _rng(sheet, rect).font.italic = True
    for rect, colour in rectangles({k: p["font_color"] for k, p in props.items() if p.get("font_color")}):
        _rng(sheet, rect).font.color = colour
    for rect, size in rectangles({k: p["font_size"] for k, p in props.items() if p.get("font_size")}):
        _rng(sheet, rect).font.size = size
    for rect, _ in rectangles({k: True for k, p in props.items() if p.get("text_wrap")}):
        with contextlib.suppress(Exception):
            _rng(sheet, rect).wrap_text = True
