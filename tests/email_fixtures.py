"""Fixture workbooks for the email tests, written in code to the GO.xlsx / CONSOLIDATED.xlsx contract.

The contract (issue 4 <-> issue 6) fixes sheet names and header text; these
builders follow it and nothing more, so the email code cannot lean on how the
consolidation code happens to lay things out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from laa_xl.core import demo

AREA = "Demoshire (demo data)"
PERIOD = "2008/09 H1"
COUNT_HEADER = ["Partnership", "Green", "Amber", "Red", "No data", "Not due", "Total"]

# ref, title, outcome, {quarter: (profile, actual, variance, risk rating)}, comments
GO_TARGETS = [
    ("NI 117", "16 to 18 year olds who are not in education, training or employment (NEET)", "Outcome A",
     {"Q1": (6.7, 7.4, 0.104, "Red"), "Q2": (6.6, 7.5, 0.136, "Red")},
     "NEET rose over the summer.\nRemedial action: Targeted <b>careers</b> & 'Connexions' follow-up in Q3"),
    ("NI 20", "Assault with injury crime rate", "Outcome A",
     {"Q1": (1.84, 1.95, 0.06, "Red"), "Q2": (1.82, 1.80, -0.011, "Green")}, "Back on track."),
    ("DS-01", "Reduce the number of domestic burglaries (LAA1 stretch)", "Outcome B",
     {"Q1": (452, 470, 0.04, "Amber"), "Q2": (452, 530, 0.17, "Red")}, "Spike in Q2; no plan yet."),
    ("NI 154", "Net additional homes provided", "Outcome B",
     {"Q1": (625, 640, 0.024, "Green"), "Q2": (625, 600, -0.04, "Amber")}, ""),
]  # fmt: skip


def write_go(path: Path, *, title_rows: int = 2, reds_in_q2: bool = True) -> Path:
    """A values-only GO.xlsx: `GO Return` (Annex A) and `Summary` as the contract says."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "GO Return"
    for i in range(title_rows):
        ws.append([f"{AREA} LAA - Annex A" if i == 0 else f"Period: {PERIOD}"])
    quarters = ["Q1 2008/09", "Q2 2008/09", "Q3 2008/09", "Q4 2008/09"]
    ws.append(["Outcome / target", "Measure", "Related PSA", *quarters, "Inspection/survey evidence",
               "Comments on progress/risk mitigation"])  # fmt: skip
    outcomes = list(dict.fromkeys(t[2] for t in GO_TARGETS))
    for n, oc in enumerate(outcomes, start=1):
        ws.append([f"Overall outcome {n}: {oc}"])
        for ref, title, o, qs, comment in GO_TARGETS:
            if o != oc:
                continue
            rating = {q: v[3] for q, v in qs.items()}
            if not reds_in_q2 and rating.get("Q2") == "Red":
                rating["Q2"] = "Amber"
            ws.append([f"{ref} {title}", "Profile", "PSA 1", *[qs[q][0] if q in qs else None for q in ("Q1", "Q2")],
                       600, 600, "", comment])  # fmt: skip
            ws.append(["", "Actual", "", *[qs[q][1] for q in ("Q1", "Q2")]])
            ws.append(["", "% variance", "", *[qs[q][2] for q in ("Q1", "Q2")]])
            ws.append(["", "Risk rating", "", *[rating[q] for q in ("Q1", "Q2")]])
    s = wb.create_sheet("Summary")
    s.append([f"{AREA} LAA performance return {PERIOD}"])
    s.append([])
    for label, value in [("Area", AREA), ("LAA", "LAA2 2008-11"),
                         ("Government Office", "Government Office for the South East (GOSE)"),
                         ("Period", PERIOD), ("Prepared", dt.datetime(2008, 11, 14))]:  # fmt: skip
        s.append([label, value])
    s.append([])
    s.append(COUNT_HEADER)
    s.append(["CYP", 3, 1, 2, 1, 2, 9])
    s.append(["SAF", 4, 0, 1, 0, 1, 6])
    s.append(["All", 7, 1, 3, 1, 3, 15])
    s.append([])
    s.append(["Block", *COUNT_HEADER[1:]])
    s.append(["CYP", 3, 1, 2, 1, 2, 9])
    s.append(["SSC", 4, 0, 1, 0, 1, 6])
    s.append(["All", 7, 1, 3, 1, 3, 15])
    wb.create_sheet("Spend").append(["Block", "Quarter", "Budget", "Spend", "Forecast outturn"])
    wb.create_sheet("Data quality").append(["Severity", "Code", "Message", "File", "Sheet", "Cell"])
    wb.save(path)
    return path


DATA_HEADER = ["Ref", "Partnership", "Financial year", "Quarter", "Profile", "Actual", "% variance", "RAG",
               "Reported RAG", "Direction", "Commentary", "Remedial action", "Source"]  # fmt: skip
LOG_HEADER = ["Partnership", "File", "Size (bytes)", "SHA-256", "Date submitted", "Deadline", "Late", "Rows taken",
              "Status"]  # fmt: skip

# ref, partnership, {quarter: reported RAG}, latest commentary, remedial action
DATA = [
    ("NI 117", "CYP", {"Q1": "Red", "Q2": "Red"}, "NEET rose.", "Careers follow-up <urgent>"),  # Red twice: chase
    ("NI 111", "CYP", {"Q1": "Red", "Q2": "Red"}, "", ""),  # same sponsor, no remedial action
    ("NI 20", "SAF", {"Q1": "Red", "Q2": "Amber"}, "", ""),  # recovered
    ("NI 16", "SAF", {"Q1": "Red", "Q2": "No data"}, "", ""),  # no data breaks the run
    ("NI 47", "SAF", {"Q1": "Not due", "Q2": "Red"}, "", ""),  # six-monthly: only one report so far
    ("NI 154", "OEP", {"Q1": "Green", "Q2": "Red"}, "", ""),  # Red once
    ("NI 192", "ENV", {"Q1": "Red", "Q2": "Red"}, "Contract ended.", "Re-tender"),  # Red twice: chase
]  # fmt: skip

# partnership -> log rows (file, submitted, late, status)
LOG = [
    ("CYP", "CYP_2008-09.xlsx", dt.datetime(2008, 11, 4), "yes", "Used"),  # late
    ("SAF", "SAF_2008-09.xlsx", dt.datetime(2008, 10, 30), "no", "Used"),
    ("STR", "", None, "", "Missing"),  # missing
    ("HWB", "HWB_2008-09.xlsx", dt.datetime(2008, 10, 29), "no", "Refused"),  # nothing usable
    ("OEP", "OEP_2008-09 (old).xlsx", dt.datetime(2008, 10, 20), "no", "Superseded"),
    ("OEP", "OEP_2008-09.xlsx", dt.datetime(2008, 10, 28), "no", "Used"),
    ("ENV", "", None, "", "Missing"),  # missing, and no email address in the register
]  # fmt: skip


def write_consolidated(path: Path, *, period: str = "2008/09 Q2", log: list[Any] | None = None,
                       data_rows: list[Any] | None = None) -> Path:
    """A CONSOLIDATED.xlsx: Data, Issues, Log, the report sheets, then the register sheets (contract order)."""
    reg = demo.register_grids()
    for row in reg["Settings"]:
        if row[0] == "Current period":
            row[1] = period
    for row in reg["Partnerships"][1:]:
        if row[0] == "ENV":
            row[3] = None
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    data.append(DATA_HEADER)
    for ref, pc, rags, comm, rem in DATA if data_rows is None else data_rows:
        for q, rag in rags.items():
            latest = q == "Q2"
            data.append([ref, pc, "2008/09", q, 10, 9, -0.1, rag, rag, "", comm if latest else "",
                         rem if latest else "", f"[{pc}_2008-09.xlsx]{q}!G5"])  # fmt: skip
    wb.create_sheet("Issues").append(["Severity", "Code", "Message", "File", "Sheet", "Cell"])
    log_ws = wb.create_sheet("Log")
    log_ws.append(LOG_HEADER)
    for pc, file, submitted, late, status in LOG if log is None else log:
        log_ws.append([pc, file or None, 1000 if file else None, "ab" * 32 if file else None, submitted,
                    dt.datetime(2008, 10, 31), late or None, 7 if status == "Used" else 0, status])  # fmt: skip
    for name in ("GO Return", "PSB Summary", "Reward", "Risks", "Spend"):
        wb.create_sheet(name).append(["(not used by these tests)"])
    for name, grid in reg.items():
        ws = wb.create_sheet(name)
        for row in grid:
            ws.append([_cell(v) for v in row])
    wb.save(path)
    return path


def _cell(v: Any) -> Any:
    return dt.datetime(v.year, v.month, v.day) if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v
