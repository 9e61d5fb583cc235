"""The central workbook's layout as data (SPEC 5.2): sheet order, headers, Home buttons, xlwings settings.

Computed once here; the builder (``build``) and the button scripts (``buttons``) only paint it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.register import REGISTER_SHEETS

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
           "Write one return workbook per partnership for the current year into the returns folder."),
    Button("Check a return", "CheckReturn", "check_return",
           "Check one return workbook and list every problem on the Issues sheet."),
    Button("Consolidate", "Consolidate", "consolidate",
           "Read every return in the returns folder into Data, Issues, Risks, Spend and Reward."),
    Button("GO return", "GoReturn", "go_return",
           "Lay out Annex A on the GO Return sheet and save a values-only copy for the GO."),
    Button("PSB report", "PsbReport", "psb_report",
           "RAG counts by partnership and block for the Public Service Board."),
    Button("Email GOSE", "EmailGose", "email_gose",
           "Draft the email to the GO contact with the values-only GO return attached."),
)  # fmt: skip

DATA_COLUMNS = (
    "Ref", "Partnership", "Financial year", "Quarter", "Profile", "Actual", "% variance", "RAG",
    "Reported RAG", "Direction", "Commentary", "Remedial action", "Source",
)  # fmt: skip
ISSUE_COLUMNS = ("Severity", "Code", "Message", "File", "Sheet", "Cell")
LOG_COLUMNS = ("When", "Action", "Period", "File", "SHA-256", "Result")
GO_RETURN_COLUMNS = (
    "Outcome / target", "", "Related PSA", "Q1", "Q2", "Q3", "Q4",
    "Inspection/survey evidence", "Comments on progress/risk mitigation",
)  # fmt: skip
PSB_COLUMNS = ("Partnership", "Green", "Amber", "Red", "No data", "Not due", "Total")
REWARD_COLUMNS = (
    "Ref", "Title", "Expected without stretch", "Stretch target", "Reward grant", "Latest actual", "Period",
    "Achieved", "Reward",
)  # fmt: skip
RISK_COLUMNS = (
    "Partnership", "Risk ID", "Target ref", "Risk", "Likelihood", "Impact", "Score", "Rating", "Mitigation",
    "Owner", "Review date",
)  # fmt: skip
SPEND_COLUMNS = ("Partnership", "Block", "Quarter", "Budget", "Spend", "Forecast outturn")

DERIVED_SHEETS: dict[str, tuple[str, ...]] = {
    "Data": DATA_COLUMNS,
    "Issues": ISSUE_COLUMNS,
    "Log": LOG_COLUMNS,
    "GO Return": GO_RETURN_COLUMNS,
    "PSB Summary": PSB_COLUMNS,
    "Reward": REWARD_COLUMNS,
    "Risks": RISK_COLUMNS,
    "Spend": SPEND_COLUMNS,
}

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
