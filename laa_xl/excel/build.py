"""Build ``workbook/LAA_Central.xlsm`` from source, reproducibly, on any OS (SPEC 5.2, 6).

1. XlsxWriter writes the sheets: ``Home`` with its buttons (form controls whose
   macro is a Sub in ``macros/*.bas``) and settings, the register holding
   Demoshire, the derived sheets with their headers, and ``xlwings.conf``.
2. The package is marked macro-enabled and pyOpenVBA gives it a VBA project
   as Excel makes one (a document module for the workbook and each sheet),
   with the modules from ``macros/*.bas`` as compressed source only (MS-OVBA):
   Excel compiles them on first open. A reference to the xlwings add-in's
   VBA project (as in the workbooks ``xlwings quickstart`` makes) lets
   ``RunPython`` resolve.

Every date and property is fixed, so building twice gives the same bytes
and the committed workbook can be checked against a fresh build.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from ..core import demo
from ..core.register import REGISTER_SHEETS, TIMETABLE_COLUMNS, load_register
from ..errors import LaaError
from ..io.files import atomic_path
from ..io.paint import Painter
from ..io.stream_paint import discard_streams_on_error
from ..io.styles import FONT, HEADER, NAVY, PAGES_WIDE, column_width, write_grid
from . import layout

MACROS_DIR = Path(__file__).resolve().parents[2] / "macros"
BUILD_DATE = dt.datetime(2008, 4, 1, 9, 0, 0)  # fixed: the same source always gives the same bytes
_MAIN_XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MAIN_XLSM = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
# Where Home shows its settings (0-based row/col of the first label).
HOME_SETTINGS_ROW, HOME_SETTINGS_COL = 4, 4
HOME_BUTTON_ROW, HOME_BUTTON_COL = 4, 1


class MacrosMissing(LaaError):
    """The VBA source folder (macros/*.bas) is missing: build from a checkout of the project."""


def read_macros(macros_dir: Path = MACROS_DIR) -> dict[str, str]:
    """Module name -> VBA source (CRLF line ends, as the VBA editor keeps them) for every macros/*.bas."""
    files = sorted(macros_dir.glob("*.bas")) if macros_dir.is_dir() else []
    if not files:
        raise MacrosMissing(f"No VBA source found in {macros_dir} (expected macros/*.bas in the project checkout).")
    out: dict[str, str] = {}
    for f in files:
        text = f.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
        out[f.stem] = text if text.endswith("\r\n") else text + "\r\n"
    return out


def build_workbook(
    out: str | Path = layout.WORKBOOK_PATH,
    grids: Mapping[str, Sequence[Sequence[Any]]] | None = None,
    macros_dir: Path = MACROS_DIR,
) -> Path:
    """Write the central workbook to ``out`` (atomically) and return its path.

    A different workbook already at ``out`` is first copied to ``<name>.previous.xlsm``.
    """
    out = Path(out)
    if out.suffix.lower() != ".xlsm":  # Excel refuses to open macro-enabled content under another name
        raise LaaError(f"The central workbook holds macros, so it must be saved as .xlsm, not {out.name}: give an "
                       "--out ending in .xlsm. Nothing was written.")  # fmt: skip
    macros = read_macros(macros_dir)
    package = _with_macros(_macro_enabled(_sheets(grids or demo.register_grids())), macros)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and out.read_bytes() != package:  # a workbook in use holds the team's register: keep it
        shutil.copy2(out, out.with_name(f"{out.stem}.previous{out.suffix}"))
    with atomic_path(out) as tmp:
        tmp.write_bytes(package)
    return out


# --- 1. the sheets ------------------------------------------------------------


def _serial(d: Any) -> float | str:
    if isinstance(d, dt.datetime | dt.date):
        return float((dt.date(d.year, d.month, d.day) - dt.date(1899, 12, 30)).days)
    return "" if d is None else d


def _settings(grids: Mapping[str, Sequence[Sequence[Any]]]) -> dict[str, Any]:
    return {str(r[0]): r[1] for r in grids.get("Settings", [])[1:] if r and len(r) > 1}


def _sheets(grids: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    settings = _settings(grids)
    wb.set_properties({
        "title": "LAA central workbook", "subject": f"{settings.get('Area', '')} {settings.get('LAA', '')}".strip(),
        "author": "laa_xl", "company": "", "comments": "Built by laa-xl build-workbook; do not edit the VBA here.",
        "created": BUILD_DATE,
    })  # fmt: skip
    wb.formats[0].set_font_name(FONT)
    f = _Formats(wb)
    reg, _ = load_register(grids, layout.WORKBOOK_PATH)
    derived = {lay.name: lay for lay in layout.placeholders(reg)}
    with discard_streams_on_error(wb):  # a failed build leaves no streamed rows in the temp folder
        painter = Painter(wb)
        sheets = {name: painter.paint(derived[name]) if name in derived else wb.add_worksheet(name)
                  for name in layout.SHEET_ORDER}  # fmt: skip
        _home(sheets[layout.HOME], grids, settings, f)
        _targets(sheets["Targets"], grids.get("Targets", []), f)
        for name in REGISTER_SHEETS:
            if name == "Targets":
                continue
            grid = grids.get(name, [])
            ws = sheets[name]
            write_grid(ws, grid, f.head, f.date)
            if grid and name != "Settings":
                ws.autofilter(0, 0, max(len(grid) - 1, 1), len(grid[0]) - 1)
            ws.freeze_panes(1, 0 if name == "Settings" else 1)
            _print_setup(ws, repeat=name != "Settings")
        _conf(sheets[layout.CONF_SHEET], f)
        sheets[layout.HOME].activate()
        wb.close()
    return buf.getvalue()


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.head = wb.add_format({**HEADER, "font_name": FONT})
        self.date = wb.add_format({"num_format": "dd mmm yyyy", "font_name": FONT, "align": "left"})
        self.title = wb.add_format({"bold": True, "font_size": 18, "font_color": NAVY, "font_name": FONT})
        self.subtitle = wb.add_format({"italic": True, "font_size": 11, "font_color": "#595959", "font_name": FONT})
        self.section = wb.add_format({"bold": True, "font_size": 12, "font_color": NAVY, "font_name": FONT,
                                      "bottom": 2, "bottom_color": NAVY})  # fmt: skip
        self.desc = wb.add_format({"text_wrap": True, "valign": "vcenter", "font_name": FONT, "font_color": "#262626"})
        self.label = wb.add_format({"bold": True, "font_name": FONT, "valign": "vcenter", "bottom": 4,
                                    "bottom_color": "#BFBFBF"})  # fmt: skip
        self.value = wb.add_format({"font_name": FONT, "valign": "vcenter", "bg_color": "#F2F2F2", "bottom": 4,
                                    "bottom_color": "#BFBFBF", "align": "left"})  # fmt: skip
        self.value_date = wb.add_format({"font_name": FONT, "valign": "vcenter", "bg_color": "#F2F2F2", "bottom": 4,
                                         "bottom_color": "#BFBFBF", "num_format": "dd mmm yyyy", "align": "left"})  # fmt: skip
        self.note = wb.add_format({"italic": True, "font_color": "#7F7F7F", "font_name": FONT, "text_wrap": True,
                                   "valign": "top"})  # fmt: skip
        self.plain = wb.add_format({"font_name": FONT})


def _home(ws: Any, grids: Mapping[str, Sequence[Sequence[Any]]], settings: dict[str, Any], f: _Formats) -> None:
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1)
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 54)
    ws.set_column(3, 3, 3)
    ws.set_column(4, 4, 18)
    ws.set_column(5, 5, 38)
    ws.set_row(0, 30)
    ws.write_string(0, 1, f"LAA performance: {settings.get('Area', '')}", f.title)
    ws.write_string(1, 1, f"{settings.get('LAA', '')} · central workbook · "
                          f"{settings.get('Government Office', '')}", f.subtitle)  # fmt: skip
    ws.write_string(HOME_BUTTON_ROW - 1, 1, "Jobs", f.section)
    ws.write_blank(HOME_BUTTON_ROW - 1, 2, None, f.section)
    for r in range(HOME_BUTTON_ROW, HOME_BUTTON_ROW + max(len(layout.BUTTONS), len(layout.HOME_SETTINGS))):
        ws.set_row(r, 33)
    for i, b in enumerate(layout.BUTTONS):
        r = HOME_BUTTON_ROW + i
        ws.insert_button(r, HOME_BUTTON_COL, {"macro": b.macro, "caption": b.caption, "width": 180, "height": 36,
                                              "x_offset": 2, "y_offset": 4})  # fmt: skip
        ws.write_string(r, HOME_BUTTON_COL + 1, b.description, f.desc)
    r0, c0 = HOME_SETTINGS_ROW, HOME_SETTINGS_COL
    ws.write_string(r0 - 1, c0, "Settings", f.section)
    ws.write_blank(r0 - 1, c0 + 1, None, f.section)
    timetable = {str(row[0]): row for row in grids.get("Timetable", [])[1:] if row}
    current = timetable.get(str(settings.get("Current period", "")), [])
    period_cell = xlsxwriter.utility.xl_rowcol_to_cell(r0, c0 + 1, row_abs=True, col_abs=True)
    for i, (label, sheet, key) in enumerate(layout.HOME_SETTINGS):
        r = r0 + i
        ws.write_string(r, c0, label, f.label)
        if sheet == "Settings":
            formula = f'=IFERROR(INDEX(Settings!$B:$B,MATCH("{key}",Settings!$A:$A,0)),"")'
            ws.write_formula(r, c0 + 1, formula, f.value, _serial(settings.get(key)))
        else:
            col = xlsxwriter.utility.xl_col_to_name(TIMETABLE_COLUMNS.index(key))
            formula = f'=IFERROR(INDEX(Timetable!${col}:${col},MATCH({period_cell},Timetable!$A:$A,0)),"")'
            value = current[TIMETABLE_COLUMNS.index(key)] if len(current) > TIMETABLE_COLUMNS.index(key) else None
            ws.write_formula(r, c0 + 1, formula, f.value_date, _serial(value))
    note_row = r0 + len(layout.HOME_SETTINGS) + 1
    ws.merge_range(note_row, c0, note_row + 3, c0 + 1,
                   "Change these on the Settings and Timetable sheets. The buttons need Python with laa_xl and "
                   "the xlwings add-in (see the README, 'In Excel'). Every button is also a laa-xl command.",
                   f.note)  # fmt: skip


def _targets(ws: Any, grid: Sequence[Sequence[Any]], f: _Formats) -> None:
    if not grid:
        return
    headers = [str(h) for h in grid[0]]
    rows = [list(r) + [None] * (len(headers) - len(r)) for r in grid[1:]]
    ws.add_table(0, 0, max(len(rows), 1), len(headers) - 1, {
        "name": layout.TARGETS_TABLE, "style": "Table Style Medium 2",
        "columns": [{"header": h, "header_format": f.head} for h in headers],
    })  # fmt: skip
    from ..io.styles import write_value

    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            write_value(ws, r, c, v, date_format=f.date)
    for c, h in enumerate(headers):
        ws.set_column(c, c, column_width((row[c] for row in rows), h))
    ws.freeze_panes(1, 1)
    _print_setup(ws, pages_wide=PAGES_WIDE["Targets"])  # one page wide would be unreadably small


def _print_setup(ws: Any, *, repeat: bool = True, pages_wide: int = 1) -> None:
    """A register sheet printed as the consolidated tables are: A4 landscape, header row (and Ref) on every page."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(pages_wide, 0)
    if repeat:
        ws.repeat_rows(0)
        if pages_wide > 1:
            ws.repeat_columns(0)


def _conf(ws: Any, f: _Formats) -> None:
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 70)
    for r, (k, v) in enumerate(layout.CONF_ROWS):
        ws.write_string(r, 0, k, f.plain)
        ws.write_string(r, 1, v, f.plain)
    r = len(layout.CONF_ROWS) + 1  # a blank row ends what xlwings reads
    ws.write_string(r, 0, "Optional settings: xlwings reads the rows above the first blank row only. "
                          "To use one of these, move it up into that block.", f.note)  # fmt: skip
    for i, (k, v) in enumerate(layout.CONF_OPTIONAL, start=r + 1):
        ws.write_string(i, 0, k, f.note)
        ws.write_string(i, 1, v, f.note)


# --- 2. the VBA project ---------------------------------------------------------


def _macro_enabled(xlsx: bytes) -> bytes:
    """The same package with the workbook part typed as macro-enabled (what makes it an .xlsm)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(_MAIN_XLSX, _MAIN_XLSM)
            elif info.filename.startswith("xl/drawings/vmlDrawing"):
                # print the buttons with the sheet, so a printout (and a screenshot) shows what users see
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"")
            dst.writestr(info, data)
    return buf.getvalue()


def xlwings_reference() -> bytes:
    """A REFERENCE to the xlwings add-in's VBA project (MS-OVBA 2.3.4.2.2: REFERENCENAME + REFERENCEPROJECT).

    Like the reference in xlwings' own quickstart workbook: Excel binds it to the loaded add-in named xlwings.
    """

    def rec(rid: int, body: bytes) -> bytes:
        return struct.pack("<HI", rid, len(body)) + body

    name = b"xlwings"
    absolute, relative = rb"*\Cxlwings.xlam", rb"*\Cxlwings.xlam"
    project = (
        struct.pack("<I", len(absolute))
        + absolute
        + struct.pack("<I", len(relative))
        + relative
        + struct.pack("<IH", 0x68FE4C3D, 0x000C)
    )  # fmt: skip  (the add-in's version, as quickstart has it)
    return rec(0x16, name) + rec(0x3E, name.decode().encode("utf-16-le")) + rec(0x0E, project)


def _with_macros(xlsm: bytes, macros: Mapping[str, str]) -> bytes:
    import tempfile

    from pyopenvba import ExcelFile
    from pyopenvba._references import module_offset

    with tempfile.TemporaryDirectory(prefix="laa-build-") as d:
        path = Path(d) / "LAA_Central.xlsm"
        path.write_bytes(xlsm)
        with ExcelFile(path) as book:
            project = book.add_vba_project()
            for name, source in macros.items():
                project.add_module(name, source)
            # pyOpenVBA adds registered libraries only; the project reference goes in the same place.
            raw, _ = book._reference_data()
            at = module_offset(raw)
            book._write_reference_data(raw[:at] + xlwings_reference() + raw[at:])
            book.save()
        return path.read_bytes()
