"""Returns filled in as officers would: figures near profile, commentary where needed, risks, spend.

Used by the demo (painted into issued return workbooks by ``laa_xl.io.demo_fill``)
and by tests (as ``ReturnData`` directly). Deterministic for a given seed. The
realistic mistakes of SPEC 4 (a ``TBC``, a Red without commentary, a late
return, a restated figure) are applied on top by whoever wants them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .issues import Location, cell_name
from .periods import FinancialYear
from .register import Register, Target
from .returns import COVER_LABELS, Cell, ReturnData, ReturnRow, RiskRow, SpendRow

FILL_COLUMNS = ("Actual", "RAG override", "Override reason", "Commentary", "Remedial action",
                "Inspection/survey evidence", "Data quality note")  # fmt: skip


@dataclass
class RowFill:
    actual: Any = None
    commentary: str = ""
    remedial_action: str = ""
    rag_override: str = ""
    override_reason: str = ""
    evidence: str = ""
    data_quality_note: str = ""

    def by_column(self) -> dict[str, Any]:
        return dict(zip(FILL_COLUMNS, (self.actual, self.rag_override, self.override_reason, self.commentary,
                                       self.remedial_action, self.evidence, self.data_quality_note), strict=True))  # fmt: skip


@dataclass
class ReturnFill:
    partnership: str
    partnership_name: str
    year: FinancialYear
    submitted: dt.date | None
    completed_by: str = ""
    email: str = ""
    rows: dict[tuple[str, str], RowFill] = field(default_factory=dict)  # (ref, quarter) -> what the officer typed
    risks: list[dict[str, Any]] = field(default_factory=list)  # header -> value (Risks sheet)
    spend: list[dict[str, Any]] = field(default_factory=list)  # header -> value (Spend sheet)

    def cover(self) -> dict[str, Any]:
        return {"Partnership code": self.partnership, "Partnership": self.partnership_name,
                "Financial year": str(self.year), "Template version": "1", "Completed by": self.completed_by,
                "Email": self.email, "Date submitted": self.submitted}  # fmt: skip


_REASONS_BAD = [
    "Staff vacancies in the delivery team during the quarter slowed progress.",
    "Seasonal pressure was higher than planned for.",
    "A partner's data system changed and two weeks' records came in late.",
    "Funding for the new service was confirmed later than expected.",
]
_ACTIONS = [
    "Recovery plan agreed at the partnership board; monthly monitoring until back on profile.",
    "Additional outreach sessions commissioned for the next quarter.",
    "Task and finish group set up with the lead partner; report to the next board.",
    "Resources moved from lower-priority work; sponsor to review in six weeks.",
]
_RISKS = [
    "Staff vacancies in a partner team could delay delivery.",
    "Funding beyond March 2009 is not yet confirmed.",
    "The figures depend on a partner's system, being replaced this year.",
    "Fewer referrals than planned if the new service is not publicised.",
]
_GOOD = ["On track.", "Ahead of profile following the new initiative.", "Performance steady.", ""]


def _round(x: float, decimals: int) -> float:
    return float(round(x, decimals)) if decimals else float(round(x))


def performance(t: Target, profile: float, rnd: random.Random) -> float:
    """A plausible actual near the profile: mostly on or close to it, sometimes well off."""
    s = rules.sign(t.polarity)
    roll = rnd.random()
    if t.tolerance_type == "absolute":
        step = max(t.tolerance, 10 ** -t.decimals if t.decimals else 1.0)
        gap = step * (rnd.uniform(0, 1.5) if roll < 0.55 else rnd.uniform(-0.9, 0) if roll < 0.8 else rnd.uniform(-3, -1.2))
        value = profile + s * gap
    else:
        tol = t.tolerance or rules.DEFAULT_TOLERANCE
        g = rnd.uniform(0, 0.08) if roll < 0.55 else rnd.uniform(-tol * 0.9, 0) if roll < 0.8 else rnd.uniform(-3 * tol, -1.3 * tol)
        value = profile + s * g * abs(profile if profile else 1.0)
    value = _round(value, t.decimals)
    if t.is_percentage:
        value = min(100.0, max(0.0, value))
    return max(0.0, value)


def officer_fill(
    register: Register, code: str, year: FinancialYear, quarters: tuple[str, ...], *, seed: int = 2008,
    submitted: dt.date | None = None,
) -> ReturnFill:
    """What a careful officer types for ``quarters``: actuals, commentary for Red/Amber, remedial action for Red."""
    p = register.partnership(code)
    fill = ReturnFill(code, p.name if p else code, year, submitted, p.lead_contact if p else "", p.email if p else "")
    for t in register.targets_for(code):
        rnd = random.Random(f"{seed}-{t.ref}")
        for q in quarters:
            if not t.is_due(q):
                continue
            profile = register.profile(t.ref, year, q)
            if profile is None:
                continue
            actual = performance(t, profile, rnd)
            rag = rules.rag(actual, profile, t.polarity, t.tolerance, t.tolerance_type)
            row = RowFill(actual)
            if rag in (rules.RED, rules.AMBER):
                row.commentary = rnd.choice(_REASONS_BAD)
            else:
                row.commentary = rnd.choice(_GOOD)
            if rag == rules.RED:
                row.remedial_action = rnd.choice(_ACTIONS)
            if t.frequency == "annual" or rnd.random() < 0.15:
                row.evidence = rnd.choice(["Ofsted inspection, June 2008", "Place Survey 2008",
                                           "Audit Commission data quality review", "Local survey, 1,200 residents"])  # fmt: skip
            fill.rows[(t.ref, q)] = row
    targets = register.targets_for(code)
    rnd = random.Random(f"{seed}-{code}-risks")
    for i, t in enumerate(targets[:3], start=1):
        li, im = rnd.randint(1, 4), rnd.randint(1, 4)
        fill.risks.append({"Risk ID": f"{code}-R{i}", "Target ref": t.ref, "Risk": rnd.choice(_RISKS),
                           "Likelihood": li, "Impact": im, "Mitigation": rnd.choice(_ACTIONS),
                           "Owner": t.target_lead, "Review date": year.quarter_end("Q3")})  # fmt: skip
    blocks = sorted({t.block for t in targets if t.block})
    for b in blocks:
        budget = 50_000.0 * (1 + len(b) % 3)
        for q in quarters:
            fill.spend.append({"Block": b, "Quarter": q, "Budget": budget,
                               "Spend": float(round(budget * rnd.uniform(0.8, 1.1), -2)),
                               "Forecast outturn": float(round(budget * 4 * rnd.uniform(0.95, 1.05), -3))})  # fmt: skip
    return fill


def to_return_data(fill: ReturnFill, file: str, header_row: int = 5) -> ReturnData:
    """The fill as a reader would see it: values at cells of a standard return layout (header on ``header_row``)."""
    data = ReturnData(file)
    for r, label in enumerate(COVER_LABELS, start=2):
        data.cover[label] = Cell(fill.cover()[label], Location(file, "Cover", f"B{r}"))
    cols = {"Target ref": 1, "Actual": 7, "RAG override": 10, "Override reason": 11, "Commentary": 12,
            "Remedial action": 13, "Inspection/survey evidence": 14, "Data quality note": 15}  # fmt: skip
    by_q: dict[str, list[tuple[str, RowFill]]] = {}
    for (ref, q), row in fill.rows.items():
        by_q.setdefault(q, []).append((ref, row))
    for q, items in sorted(by_q.items()):
        for i, (ref, row) in enumerate(items):
            r = header_row + 1 + i

            def c(col: str, value: Any, q: str = q, r: int = r) -> Cell:
                return Cell(value if value != "" else None, Location(file, q, cell_name(r, cols[col])))

            v = row.by_column()
            data.rows.append(ReturnRow(q, c("Target ref", ref), c("Actual", v["Actual"]),
                                       c("RAG override", v["RAG override"]), c("Override reason", v["Override reason"]),
                                       c("Commentary", v["Commentary"]), c("Remedial action", v["Remedial action"]),
                                       c("Inspection/survey evidence", v["Inspection/survey evidence"]),
                                       c("Data quality note", v["Data quality note"])))  # fmt: skip
    for i, rk in enumerate(fill.risks, start=2):
        loc = Location(file, "Risks", f"C{i}")
        data.risks.append(RiskRow(Cell(rk["Risk ID"], loc), Cell(rk["Target ref"], loc), Cell(rk["Risk"], loc),
                                  Cell(rk["Likelihood"], loc), Cell(rk["Impact"], loc), Cell(rk["Mitigation"], loc),
                                  Cell(rk["Owner"], loc), Cell(rk["Review date"], loc)))  # fmt: skip
    for i, sp in enumerate(fill.spend, start=2):
        loc = Location(file, "Spend", f"A{i}")
        data.spend.append(SpendRow(Cell(sp["Block"], loc), Cell(sp["Quarter"], loc), Cell(sp["Budget"], loc),
                                   Cell(sp["Spend"], loc), Cell(sp["Forecast outturn"], loc)))  # fmt: skip
    data.quarters_found = tuple(sorted(by_q))
    return data
