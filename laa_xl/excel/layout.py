"""The central workbook's layout as data (SPEC 5.2): sheet order, headers, Home buttons, xlwings settings.

Computed once here; the builder (``build``) and the button scripts (``buttons``) only paint it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import reports
from ..core.layout import Cell, SheetLayout
from ..core.periods import Period
from ..core.register import REGISTER_SHEETS, Register
from ..io.consolidated import CONSOLIDATED_SHEETS

WORKBOOK_PATH = "workbook/LAA_Central.xlsm"
UDF_MODULE = "laa_xl.excel.udfs"
BUTTONS_MODULE = "laa_xl.excel.buttons"
TARGETS_TABLE = "TargetRegister"  # the Targets sheet is an Excel table of this name


@dataclass(frozen=True)
class Button:
    caption: str
    macro: str  # the VBA Sub in macros/LAA.bas
    function: str  # the Python function in laa_xl/excel/buttons.py
    description: str


BUTTONS: tuple[Button, ...] = (
    Button("Issue returns", "IssueReturns", "issue_returns",
           "Write one return workbook per partnership for the current year into the returns folder (never "
           "replacing one already there)."),
    Button("Check a return", "CheckReturn", "check_return",
           "Check every return in the returns folder; each problem is listed on the Issues sheet at its cell."),
    Button("Consolidate", "Consolidate", "consolidate",
           "Read the returns folder for the current period into Data (live formulas) and the other sheets; "
           "save CONSOLIDATED.xlsx."),
    Button("GO return", "GoReturn", "go_return",
           "Lay out Annex A on the GO Return sheet from Data and save the values-only copy for the GO."),
    Button("PSB report", "PsbReport", "psb_report",
           "The PSB Summary sheet from Data (RAG by partnership and block, exceptions, risks, spend); saved "
           "with charts."),
    Button("Email GOSE", "EmailGose", "email_gose",
           "Save the values-only GO return and draft the email to the GO contact with it attached."),
    Button("Chase", "Chase", "chase",
           "Draft the chasing emails from the last consolidation: returns missing, late, unusable or to correct; "
           "repeated Reds."),
)  # fmt: skip

# The derived sheets and their headers are the consolidation's own layouts (laa_xl.core.reports), the
# one source of truth for CONSOLIDATED.xlsx, the built workbook and what the buttons paint.
DATA_COLUMNS = reports.DATA_COLUMNS
ISSUE_COLUMNS = reports.ISSUE_COLUMNS
DERIVED_SHEETS: tuple[str, ...] = CONSOLIDATED_SHEETS
PLACEHOLDER_NOTE = "Filled by the buttons on Home (Consolidate, GO return, PSB report), or by laa-xl consolidate."


def placeholder(lay: SheetLayout) -> SheetLayout:
    """A derived sheet before its first run: the layout's titles (the subtitle replaced by a note) and its first header row."""
    head = next((r for r, row in enumerate(lay.rows) if any(c is not None and c.style == "header" for c in row)),
                len(lay.rows) - 1)  # fmt: skip
    # landscape, one page wide: the sheet keeps this print set-up when a button fills it
    out = SheetLayout(lay.name, widths=list(lay.widths), freeze=lay.freeze, landscape=True, fit_width=True,
                      header_row=head, repeat_rows=lay.repeat_rows)  # fmt: skip
    for row in lay.rows[: head + 1]:
        out.add(*(Cell(PLACEHOLDER_NOTE, "subtitle") if c is not None and c.style == "subtitle" else c for c in row))
    out.merges = [m for m in lay.merges if m[2] <= head]
    out.heights = {r: h for r, h in lay.heights.items() if r <= head}
    out.heights.setdefault(head, 27.0)  # room for a header that wraps onto two lines
    return out


def placeholders(register: Register) -> list[SheetLayout]:
    """The derived sheets as the built workbook holds them: the layouts of a consolidation with no returns yet."""
    from ..core.consolidate import consolidate
    from ..io.consolidated import consolidated_layouts

    period = register.settings.current_period or Period(register.years()[0], "Q1")
    return [placeholder(lay) for lay in consolidated_layouts(consolidate(register, period, []))]


CONF_SHEET = "xlwings.conf"
# xlwings reads this sheet from A1 down to the first blank row (no header row).
CONF_ROWS: tuple[tuple[str, str], ...] = (
    ("UDF Modules", UDF_MODULE),
    ("Use UDF Server", "True"),
    ("Show Console", "False"),
)
# Shown below a blank row, so xlwings ignores them until a user moves one up.
CONF_OPTIONAL: tuple[tuple[str, str], ...] = (
    ("Interpreter_Win", r"C:\Users\you\AppData\Local\Programs\Python\Python311\pythonw.exe"),
    ("Interpreter_Mac", "/usr/local/bin/python3"),
    ("PYTHONPATH", r"C:\path\to\laa_xl (only when laa_xl is not pip-installed)"),
)

HOME = "Home"
SHEET_ORDER: tuple[str, ...] = (HOME, *REGISTER_SHEETS, *DERIVED_SHEETS, CONF_SHEET)

# Home: the settings block (label, Settings label or a Timetable column for the current period)
HOME_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("Current period", "Settings", "Current period"),
    ("Returns folder", "Settings", "Returns folder"),
    ("GO contact", "Settings", "GO contact"),
    ("GO email", "Settings", "GO email"),
    ("Returns open", "Timetable", "Open"),
    ("Return deadline", "Timetable", "Deadline"),
    ("PSB papers", "Timetable", "PSB papers"),
    ("PSB meeting", "Timetable", "PSB meeting"),
)
