"""Report models and sheet layouts built from a consolidation (SPEC 5.2, 5.3).

Models (``psb_summary``, ``reward_lines``, ``spend_by_block``) are plain data;
``*_layout`` functions lay them out as :class:`SheetLayout` once, for every
writer to paint. Nothing here knows a spreadsheet library.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import rules
from .consolidate import COUNT_COLUMNS, Consolidation, LogEntry, rag_counts
from .issues import Issue
from .layout import (
    LINE_HEIGHT,
    Cell,
    Chart,
    Range,
    Row,
    Series,
    SheetLayout,
    StreamLayout,
    auto_width,
    header_height,
    stream_table,
    text_lines,
)
from .periods import QUARTERS, FinancialYear, Period, quarter_label
from .register import Register, Target
from .returns import Observation, Risk, Spend

DATA_COLUMNS = (
    "Ref", "Partnership", "Financial year", "Quarter", "Profile", "Actual", "% variance", "RAG", "Reported RAG",
    "Direction", "Commentary", "Remedial action", "Source",
)  # fmt: skip
ISSUE_COLUMNS = ("Severity", "Code", "Message", "File", "Sheet", "Cell")
LOG_COLUMNS = ("Partnership", "File", "Size (bytes)", "SHA-256", "Date submitted", "Deadline", "Late", "Rows taken",
               "Status")  # fmt: skip
RISK_COLUMNS = ("Partnership", "Risk ID", "Target ref", "Risk", "Likelihood", "Impact", "Score", "Rating", "Mitigation",
                "Owner", "Review date", "Source")  # fmt: skip
SPEND_COLUMNS = ("Partnership", "Block", "Quarter", "Budget", "Spend", "Variance", "Forecast outturn", "Source")
GO_RETURN_FIRST = "Outcome / target"
MEASURES = ("Profile", "Actual", "% variance", "Risk rating")
COUNT_HEADER = (*COUNT_COLUMNS, "Total")
# The four LAA funding blocks (LAA guidance), by the codes the register uses; another code is shown as it is.
BLOCK_NAMES = {"CYP": "Children and young people", "SSC": "Safer and stronger communities",
               "HCOP": "Healthier communities and older people", "EDEI": "Economic development and enterprise"}  # fmt: skip


def block_name(code: str) -> str:
    """A funding block's name ('All blocks' for the total row); '' for a code that is not one of the four."""
    return "All blocks" if code == "All" else BLOCK_NAMES.get(code.strip().upper(), "")
DIRECTIONS = (rules.IMPROVING, rules.NO_CHANGE, rules.WORSENING, "Not known")
CHART_COLORS = {rules.GREEN: "#00B050", rules.AMBER: "#FFC000", rules.RED: "#C00000", rules.NO_DATA: "#A6A6A6",
                rules.NOT_DUE: "#D9D9D9"}  # fmt: skip
TOP_RISKS = 10
# The PSB Summary draws a trend chart for at most this many Red targets, those furthest from profile
# (a national consolidation has thousands of Reds; no board reads thousands of charts). The chart data
# table below the charts keeps every Red target's figures.
MAX_TREND_CHARTS = 24
# The "RAG by partnership" bar chart draws at most this many bars: with more partnerships (a region, the
# nation) it draws those with the most Red targets (then Amber), from a chart data block of their counts;
# the table above the charts keeps every partnership.
MAX_PARTNERSHIP_BARS = 20


def _n(value: float | None, t: Target | None, style: str = "number") -> Cell:
    return Cell(value, style, t.decimals if t else None)


def _title(area: str, what: str, period: Period) -> str:
    return f"{area + ' ' if area else ''}{what} {period}"


# --- plain tables -------------------------------------------------------------


DATA_STYLES = ("plain", "plain", "plain", "plain", "number", "number", "pct", "rag", "rag", "plain", "plain", "plain",
               "plain")  # fmt: skip
LOG_STYLES = ("plain", "plain", "number", "plain", "date", "date", "plain", "number", "plain")
RISK_STYLES = ("plain", "plain", "plain", "text", "number", "number", "number", "risk", "text", "plain", "date",
               "plain")  # fmt: skip
SPEND_STYLES = ("plain", "plain", "plain", "money", "money", "money", "money", "plain")


def data_stream(cons: Consolidation) -> StreamLayout:
    """The Data sheet, row by row (one row per target per quarter; last year's carried rows after this year's)."""
    reg = cons.register

    def rows() -> Iterator[Row]:
        decimals: dict[str, int | None] = {}  # by ref: looked up once per target, not once per quarter
        for o in data_rows(cons):
            if o.ref in decimals:
                dec = decimals[o.ref]
            else:
                t = reg.target(o.ref)
                dec = decimals[o.ref] = t.decimals if t else None
            yield ((o.ref, o.partnership, str(o.year), o.quarter, o.profile, o.actual, o.variance, o.rag,
                    o.reported_rag, o.direction or None, o.commentary or None, o.remedial_action or None,
                    str(o.source) or None), DATA_STYLES, dec, None)  # fmt: skip

    return stream_table("Data", DATA_COLUMNS, rows(), [9, 11, 9, 8, 10, 10, 10, 9, 10, 11, 50, 40, 34])


def data_rows(cons: Consolidation) -> Iterator[Observation]:
    """The observations on Data, in order: this year's, then last year's carried below them."""
    yield from cons.observations
    yield from cons.carried


def data_layout(cons: Consolidation) -> SheetLayout:
    return data_stream(cons).materialise()


def issues_stream(issues: Sequence[Issue]) -> StreamLayout:
    styles = ("plain",) * len(ISSUE_COLUMNS)
    rows = (((i.severity, i.code, i.message, i.location.file or None, i.location.sheet or None,
              i.location.cell or None), styles, None, None) for i in issues)  # fmt: skip
    return stream_table("Issues", ISSUE_COLUMNS, rows, [9, 24, 90, 28, 10, 7])


def issues_layout(issues: Sequence[Issue]) -> SheetLayout:
    return issues_stream(issues).materialise()


def log_stream(log: Sequence[LogEntry]) -> StreamLayout:
    rows = (((e.partnership or None, e.file or None, e.size, e.sha256 or None, e.submitted, e.deadline,
              "yes" if e.late else "no", e.rows_taken, e.status), LOG_STYLES, 0, None) for e in log)  # fmt: skip
    return stream_table("Log", LOG_COLUMNS, rows, [12, 30, 12, 66, 14, 14, 6, 11, 11])


def log_layout(log: Sequence[LogEntry]) -> SheetLayout:
    return log_stream(log).materialise()


def risks_stream(risks: Sequence[Risk]) -> StreamLayout:
    widths = [12, 8, 9, 50, 10, 8, 7, 9, 50, 16, 13, 30]
    rows = (((r.partnership, r.risk_id or None, r.ref or None, r.risk or None, r.likelihood, r.impact, r.score,
              r.rating, r.mitigation or None, r.owner or None, r.review_date, str(r.source) or None),
             RISK_STYLES, 0, _height((r.risk, widths[3]), (r.mitigation, widths[8])))
            for r in sorted_risks(risks))  # fmt: skip
    return stream_table("Risks", RISK_COLUMNS, rows, widths)


def _height(*texts: tuple[str | None, float]) -> float | None:
    """The height a row needs for its wrapped texts, each (text, column width); None for one line."""
    need = max(text_lines(t or "", w) for t, w in texts)
    return LINE_HEIGHT * need if need > 1 else None


def risks_layout(risks: Sequence[Risk]) -> SheetLayout:
    return risks_stream(risks).materialise()


def spend_stream(spend: Sequence[Spend]) -> StreamLayout:
    def rows() -> Iterator[Row]:
        for s in sorted(spend, key=lambda s: (s.partnership, s.block, s.quarter)):
            var = None if s.spend is None or s.budget is None else s.spend - s.budget
            yield ((s.partnership, s.block or None, s.quarter or None, s.budget, s.spend, var, s.forecast_outturn,
                    str(s.source) or None), SPEND_STYLES, None, None)  # fmt: skip

    return stream_table("Spend", SPEND_COLUMNS, rows(), [12, 9, 8, 13, 13, 13, 15, 30])


def spend_layout(spend: Sequence[Spend]) -> SheetLayout:
    return spend_stream(spend).materialise()


def sorted_risks(risks: Iterable[Risk]) -> list[Risk]:
    return sorted(risks, key=lambda r: (-(r.score or 0), r.partnership, r.risk_id))


# --- the GO return (Annex A) -----------------------------------------------------


def _latest_text(obs: Sequence[Observation], what: str) -> str:
    for o in reversed(obs):
        if getattr(o, what):
            return str(getattr(o, what))
    return ""


CELL_TEXT_MAX = 32_767  # characters an Excel cell holds
_CUT = " … [cut to fit one cell: the full text is on the consolidated workbook's Data sheet]"


def comments(obs: Sequence[Observation]) -> str:
    """The latest quarter's commentary, then 'Remedial action: ...' when there is one; cut, and said to be, when the
    two together are more than a cell holds (each alone fits: the reader keeps no more). Taken from an earlier
    quarter (none was given for the latest), it says so: 'Q1 (none given for Q2): On track.' is not read as the
    comment on a Q2 that went Red."""
    for o in reversed(obs):
        if o.commentary or o.remedial_action:
            parts = [o.commentary] if o.commentary else []
            if o.remedial_action:
                parts.append(f"Remedial action: {o.remedial_action}")
            joined = "\n".join(parts)
            if o is not obs[-1]:
                joined = f"{o.quarter} (none given for {obs[-1].quarter}): {joined}"
            units = joined.encode("utf-16-le")  # Excel counts UTF-16 units (an emoji is two)
            if len(units) <= 2 * CELL_TEXT_MAX:
                return joined
            return units[: 2 * (CELL_TEXT_MAX - len(_CUT))].decode("utf-16-le", errors="ignore") + _CUT
    return ""


GO_WIDTHS = [42, 11, 9, 11, 11, 11, 11, 24, 52]
GO_FONT_SIZE = 9


def go_return_stream(cons: Consolidation, period: Period | None = None, *,
                     evidence: dict[str, str] | None = None) -> StreamLayout:  # fmt: skip
    """Annex A: per outcome, per target four rows Profile / Actual / % variance / Risk rating by quarter."""
    reg = cons.register
    period = period or cons.period
    year, reported = period.year, period.quarters
    by_ref: dict[str, list[Observation]] = {}  # a target's observations (lighter than cons.by_key(): one key a target)
    for o in cons.observations:
        by_ref.setdefault(o.ref, []).append(o)
    s = reg.settings
    lay = StreamLayout("GO Return", widths=list(GO_WIDTHS), landscape=True, fit_width=False, print_scale=GO_PRINT_SCALE,
                       font_size=GO_FONT_SIZE)  # its widths and heights are for this size, in either workbook
    lay.add(Cell(f"Annex A: reporting monitoring outcomes — {_title(s.area, 'LAA performance return', period)}", "title"))
    sub = " · ".join(x for x in (s.laa, s.government_office) if x)
    lay.add(Cell(f"{sub + ' · ' if sub else ''}Time periods are the quarters of {year}; quarters not yet reported "
                 "show the profile only. Risk rating is the RAG reported by the partnership.", "subtitle"))  # fmt: skip
    lay.blank()
    header = (GO_RETURN_FIRST, "Measure", "Related PSA", *(quarter_label(year, q) for q in QUARTERS),
              "Inspection/survey evidence", "Comments on progress/risk mitigation")  # fmt: skip
    lay.header_row = lay.add(*(Cell(h, "header") for h in header))
    lay.repeat_rows = (lay.header_row, lay.header_row)
    lay.freeze = (lay.header_row + 1, 2)
    ncols = len(header)
    first_body = len(lay.rows)
    used = sum(lay.heights.get(i, 15.0) for i in range(first_body - 1))  # the title rows, first page only
    outcome_styles = ("outcome",) * ncols
    measure_styles = [
        ("target", "label", "target", *(("number" if m == 0 else "muted" if q not in reported else
                                         ("number", "number", "pct", "rag")[m]) for q in QUARTERS), "text", "text")
        for m in range(len(MEASURES))
    ]  # fmt: skip
    by_outcome: dict[str, list[Target]] = {}
    for t in reg.targets:
        by_outcome.setdefault(t.outcome, []).append(t)

    def rows() -> Iterator[Row]:
        r = first_body
        kinds: list[str] = []  # per body row: 'outcome' or 'target'
        heights: list[float | None] = []
        for n, outcome in enumerate(by_outcome, start=1):
            lay.merges.append((r, 0, r, ncols - 1))
            yield (f"Overall outcome {n}: {outcome}", *((None,) * (ncols - 1))), outcome_styles, None, None
            kinds.append("outcome")
            heights.append(None)
            r += 1
            for t in by_outcome[outcome]:
                of_t = {o.quarter: o for o in by_ref.get(t.ref, ())}  # the last of a quarter, as by_key() keeps
                obs = [of_t[q] for q in reported if q in of_t]
                title = f"{t.ref} {t.title}"
                ev = (evidence or {}).get(t.ref) if evidence is not None else _latest_text(obs, "evidence")
                com = comments(obs)
                last = r + len(MEASURES) - 1
                for c in (0, 2, ncols - 2, ncols - 1):
                    lay.merges.append((r, c, last, c))
                need = max(text_lines(title, GO_WIDTHS[0]), text_lines(ev or "", GO_WIDTHS[7]),
                           text_lines(com, GO_WIDTHS[8]))  # fmt: skip
                h = round(max(13.0, need * 11.5 / len(MEASURES)), 1)
                qobs = [of_t.get(q) if q in reported else None for q in QUARTERS]
                yield ((title, "Profile", t.related_psa or None, *(reg.profile(t.ref, year, q) for q in QUARTERS),
                        ev or None, com or None), measure_styles[0], t.decimals, h)  # fmt: skip
                yield ((None, "Actual", None, *((o.actual if o else None) if q in reported else None
                                                for q, o in zip(QUARTERS, qobs, strict=True)), None, None),
                       measure_styles[1], t.decimals, h)  # fmt: skip
                yield ((None, "% variance", None, *((o.variance if o else None) if q in reported else None
                                                    for q, o in zip(QUARTERS, qobs, strict=True)), None, None),
                       measure_styles[2], t.decimals, h)  # fmt: skip
                yield ((None, "Risk rating", None, *((o.reported_rag if o else rules.NO_DATA) if q in reported else None
                                                     for q, o in zip(QUARTERS, qobs, strict=True)), None, None),
                       measure_styles[3], t.decimals, h)  # fmt: skip
                kinds += ["target"] * len(MEASURES)
                heights += [h] * len(MEASURES)
                r = last + 1
        lay.page_breaks = _page_breaks(kinds, heights, first_body, GO_PAGE_POINTS, used)

    lay.body = rows()
    return lay


def go_return_layout(cons: Consolidation, period: Period | None = None, *, evidence: dict[str, str] | None = None) -> SheetLayout:
    """Annex A: per outcome, per target four rows Profile / Actual / % variance / Risk rating by quarter."""
    return go_return_stream(cons, period, evidence=evidence).materialise()


GO_PRINT_SCALE = 68  # the Annex A columns fit the width of A4 landscape at 68 % (LibreOffice and Excel)
GO_PAGE_POINTS = 720.0  # points of rows under the repeated header per page at 100 % (A4 landscape at 68 %: 759 less the header)


def keep_blocks_together(lay: SheetLayout, first_row: int, capacity: float, default_height: float = 15.0) -> list[int]:
    """Page breaks so that no target's four rows are split, and an outcome row never ends a page."""
    kinds = ["" if not row else "outcome" if row[0] is not None and row[0].style == "outcome" else "target"
             for row in lay.rows[first_row:]]  # fmt: skip
    heights = [lay.heights.get(i) for i in range(first_row, len(lay.rows))]
    used = sum(lay.heights.get(i, default_height) for i in range(first_row - 1))  # the title rows, first page only
    return _page_breaks(kinds, heights, first_row, capacity, used, default_height)


def _page_breaks(kinds: Sequence[str], heights: Sequence[float | None], first_row: int, capacity: float, used: float,
                 default_height: float = 15.0) -> list[int]:  # fmt: skip
    """``keep_blocks_together`` over rows described by kind ('outcome', 'target' or '' for empty) and height."""
    blocks: list[tuple[int, float]] = []  # (first row, height) of each unbreakable block
    i, n = 0, len(kinds)
    while i < n:
        is_outcome = kinds[i] == "outcome"
        size = 1 + len(MEASURES) if is_outcome and i + 1 < n else len(MEASURES) if kinds[i] else 1
        size = min(size, n - i)
        blocks.append((first_row + i, sum(default_height if h is None else h for h in heights[i : i + size])))
        i += size
    breaks: list[int] = []
    for start, height in blocks:
        if used and used + height > capacity:
            breaks.append(start)
            used = 0.0
        used += height
    return breaks




# --- counts, PSB summary --------------------------------------------------------


@dataclass
class PsbSummary:
    period: Period
    by_partnership: list[tuple[str, str, dict[str, int]]]  # code, name, counts
    by_block: list[tuple[str, dict[str, int]]]
    directions: list[tuple[str, dict[str, int]]]
    exceptions: list[Observation]
    top_risks: list[Risk]
    spend: list[SpendLine]
    missing: list[str]
    late: list[str]
    red_trends: list[tuple[Target, list[float | None], list[float | None]]]  # target, profile Q1-Q4, actual Q1-Q4
    charted: list[int] = field(default_factory=list)  # indices into red_trends drawn as charts, in drawing order


@dataclass
class SpendLine:
    block: str
    budget: float | None
    spend: float | None
    forecast_outturn: float | None

    @property
    def variance(self) -> float | None:
        return None if self.budget is None or self.spend is None else self.spend - self.budget

    @property
    def share(self) -> float | None:
        return None if not self.budget or self.spend is None else self.spend / self.budget


def _by_partnership(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    """Observations by partnership code, each list in the original order (one pass, not one per partnership)."""
    out: dict[str, list[Observation]] = {}
    for o in observations:
        out.setdefault(o.partnership, []).append(o)
    return out


def _by_key(cons: Consolidation, refs: set[str]) -> dict[tuple[str, str], Observation]:
    """``cons.by_key()`` for the targets ``refs`` only (a national consolidation has 240,000 keys)."""
    return {(o.ref, o.quarter): o for o in cons.observations if o.ref in refs}


def counts_by_partnership(cons: Consolidation) -> list[tuple[str, str, dict[str, int]]]:
    latest = cons.latest()
    by_code = _by_partnership(latest)
    out = []
    for p in cons.register.partnerships:
        obs = by_code.get(p.code, [])
        if obs or cons.register.targets_for(p.code):
            out.append((p.code, p.name, rag_counts(obs)))
    out.append(("All", "All partnerships", rag_counts(latest)))
    return out


def counts_by_block(cons: Consolidation) -> list[tuple[str, dict[str, int]]]:
    latest = cons.latest()
    blocks: dict[str, list[Observation]] = {}
    for o in latest:
        t = cons.register.target(o.ref)
        blocks.setdefault((t.block if t else "") or "(none)", []).append(o)
    out = [(b, rag_counts(obs)) for b, obs in blocks.items()]
    out.append(("All", rag_counts(latest)))
    return out


def spend_by_block(spend: Iterable[Spend], quarters: Sequence[str]) -> list[SpendLine]:
    """Budget and spend summed over the quarters reported; forecast outturn the latest given per partnership."""
    lines: dict[str, list[float | None]] = {}
    latest_forecast: dict[tuple[str, str], tuple[int, float]] = {}
    for s in spend:
        if s.quarter and s.quarter not in quarters:
            continue
        acc = lines.setdefault(s.block or "(none)", [None, None])
        for i, v in enumerate((s.budget, s.spend)):
            if v is not None:
                acc[i] = (acc[i] or 0.0) + v
        if s.forecast_outturn is not None:
            qi = QUARTERS.index(s.quarter) if s.quarter in QUARTERS else -1
            key = (s.partnership, s.block or "(none)")
            if key not in latest_forecast or qi >= latest_forecast[key][0]:
                latest_forecast[key] = (qi, s.forecast_outturn)
    out = []
    for block, (budget, spent) in lines.items():
        fc = [v for (_, b), (_, v) in latest_forecast.items() if b == block]
        out.append(SpendLine(block, budget, spent, sum(fc) if fc else None))
    out.sort(key=lambda x: x.block)
    if out:
        def total(vals: list[float | None]) -> float | None:
            got = [v for v in vals if v is not None]
            return sum(got) if got else None

        out.append(SpendLine("All", total([x.budget for x in out]), total([x.spend for x in out]),
                             total([x.forecast_outturn for x in out])))  # fmt: skip
    return out


def psb_summary(cons: Consolidation) -> PsbSummary:
    latest = cons.latest()
    by_code = _by_partnership(latest)
    directions = []
    for code, _, _ in counts_by_partnership(cons):
        obs = latest if code == "All" else by_code.get(code, [])
        d = dict.fromkeys(DIRECTIONS, 0)
        for o in obs:  # every target due, as the RAG table counts them: one with no actual is 'Not known'
            if o.rag == rules.NOT_DUE:
                continue
            d[o.direction or "Not known"] += 1
        directions.append((code, d))
    rank = {rules.RED: 0, rules.AMBER: 1}
    exceptions = sorted((o for o in latest if o.reported_rag in rank),
                        key=lambda o: (rank[o.reported_rag], o.partnership))  # fmt: skip
    reds = {t.ref for o in exceptions if o.reported_rag == rules.RED and (t := cons.register.target(o.ref))}
    by_key = _by_key(cons, reds)
    trends = []
    latest_red: list[tuple[Target, Observation]] = []
    for o in exceptions:
        if o.reported_rag != rules.RED:
            continue
        t = cons.register.target(o.ref)
        if t is None:
            continue
        prof = [cons.register.profile(t.ref, cons.year, q) for q in QUARTERS]
        act = [by_key[(t.ref, q)].actual if (t.ref, q) in by_key else None for q in QUARTERS]
        trends.append((t, prof, act))
        latest_red.append((t, o))
    return PsbSummary(
        cons.period, counts_by_partnership(cons), counts_by_block(cons), directions, exceptions,
        sorted_risks(cons.risks)[:TOP_RISKS], spend_by_block(cons.spend, cons.quarters), list(cons.missing),
        [e.file for e in cons.log if e.late and e.status == "Used"], trends, furthest_from_profile(latest_red),
    )  # fmt: skip


def shortfall(t: Target, o: Observation) -> float | None:
    """How far an observation's actual is off its profile, the bad way: +0.25 is 25 % worse than profile.

    The % variance with the target's polarity (a 'lower is better' target over its profile is short);
    None when there is no variance (no actual, or a profile of 0).
    """
    v = rules.variance(o.actual, o.profile)
    return None if v is None else -rules.sign(t.polarity) * v


def furthest_from_profile(reds: Sequence[tuple[Target, Observation]], limit: int | None = None) -> list[int]:
    """Which Red targets get a trend chart, as indices into ``reds``, in the order drawn.

    All of them, in their given order, when there are no more than ``limit``; else the ``limit`` furthest
    from profile, worst first by ``shortfall`` (those without one last), ties by partnership and ref.
    ``limit`` defaults to ``MAX_TREND_CHARTS``.
    """
    limit = MAX_TREND_CHARTS if limit is None else limit
    if len(reds) <= limit:
        return list(range(len(reds)))

    def worst_first(i: int) -> tuple[bool, float, str, str]:
        t, o = reds[i]
        s = shortfall(t, o)
        return (s is None, -(s or 0.0), o.partnership, t.ref)

    return sorted(range(len(reds)), key=worst_first)[:limit]


def _most_red(
    parts: Sequence[tuple[str, str, dict[str, int]]], limit: int | None = None
) -> list[tuple[str, str, dict[str, int]]]:
    """The partnerships with the most Red targets, then Amber, then by code: the bars of a capped chart."""
    limit = MAX_PARTNERSHIP_BARS if limit is None else limit
    return sorted(parts, key=lambda p: (-p[2].get(rules.RED, 0), -p[2].get(rules.AMBER, 0), p[0]))[:limit]


def _count_row(label: str, name: str | None, counts: dict[str, int]) -> list[Cell | None]:
    lead = [Cell(label, "total" if label == "All" else "plain")]
    if name is not None:
        lead.append(Cell(name, "total" if label == "All" else "plain"))
    style = "total" if label == "All" else "number"
    return [*lead, *(Cell(counts.get(k, 0), style, 0) for k in COUNT_HEADER)]


def _section(lay: SheetLayout, title: str) -> None:
    lay.blank()
    lay.add(Cell(title, "section"))


PSB_WIDTHS = [12, 40, 11, 11, 11, 11, 14, 11, 15, 48, 44]


def psb_layout(cons: Consolidation) -> SheetLayout:
    """The PSB Summary as cells (``psb_stream`` materialised)."""
    return psb_stream(cons).materialise()


def psb_stream(cons: Consolidation) -> StreamLayout:
    """The PSB Summary: its counts as cells, then the exceptions, risks, spend and chart data streamed row by row.

    A national summary has tens of thousands of exceptions and chart-data rows; they are yielded as they
    are painted, not held as cells. The charts are placed before any row is: the rows they draw from
    are counted from the sections' lengths.
    """
    m = psb_summary(cons)
    reg = cons.register
    lay = StreamLayout("PSB Summary", widths=list(PSB_WIDTHS), landscape=True, fit_width=True)
    q = cons.period.last_quarter
    lay.add(Cell(_title(reg.settings.area, "Public Service Board performance summary", cons.period), "title"))
    lay.add(Cell(f"RAG counts are the reported RAG of {q} {cons.year}. Missing returns: "
                 f"{', '.join(m.missing) or 'none'}. Late returns: {', '.join(m.late) or 'none'}.", "subtitle"))  # fmt: skip

    _section(lay, "RAG by partnership")
    part_header = lay.add(*(Cell(h, "header") for h in ("Partnership", "Name", *COUNT_HEADER)))
    first_part = part_header + 1
    for code, name, counts in m.by_partnership:
        lay.add(*_count_row(code, name, counts))
    last_part = len(lay.rows) - 2  # without the All row

    _section(lay, "RAG by block")
    lay.add(*(Cell(h, "header") for h in ("Block", "Name", *COUNT_HEADER)))
    for block, counts in m.by_block:
        lay.add(*_count_row(block, block_name(block), counts))

    _section(lay, f"Direction of travel ({q} against the same quarter last year where known, else the last quarter; "
                  "due targets without an actual are not known)")  # fmt: skip
    lay.add(*(Cell(h, "header") for h in ("Partnership", "Name", *DIRECTIONS)))
    names = {code: name for code, name, _ in m.by_partnership}
    for code, d in m.directions:
        style = "total" if code == "All" else "plain"
        lay.add(Cell(code, style), Cell(names.get(code, ""), style),
                *(Cell(d[k], "total" if code == "All" else "number", 0) for k in DIRECTIONS))  # fmt: skip

    # Charts sit in a block of blank rows: RAG by partnership first, then one trend per Red target charted.
    reds, drawn = len(m.red_trends), len(m.charted)
    if drawn < reds:
        _section(lay, f"Charts: RAG by partnership; profile against actual for the {drawn} Red targets furthest from "
                      f"profile (all {reds:,} Red targets' figures are in the chart data below)")  # fmt: skip
    else:
        _section(lay, "Charts: RAG by partnership; profile against actual for each Red target")
    chart_top = len(lay.rows)
    n_charts = 1 + drawn
    per_row, rows_per_chart = 3, 16
    chart_rows = math.ceil(n_charts / per_row) * rows_per_chart
    for _ in range(chart_rows):
        lay.blank()

    # Where the streamed sections fall: a blank row, a title and a header each, then their rows (or one saying none).
    first_exception = len(lay.rows) + 3
    first_risk = first_exception + max(1, len(m.exceptions)) + 3
    first_spend = first_risk + max(1, len(m.top_risks)) + 3
    after_spend = first_spend + max(1, len(m.spend))
    parts = m.by_partnership[:-1]  # without the All row
    bars = _most_red(parts) if len(parts) > MAX_PARTNERSHIP_BARS else []  # drawn from their own chart data block
    if bars:
        first_part, last_part = after_spend + 3, after_spend + 2 + len(bars)
        after_spend = last_part + 1
    cat_row = after_spend + 2  # the trend chart data's header (when there are Red targets)

    # Chart data: the numbers behind the trend charts, in cells the charts refer to.
    bar_title = (f"RAG by partnership, {q} {cons.year}" if not bars else
                 f"RAG: the {len(bars)} partnerships with most Reds, {q} {cons.year} (all {len(parts):,} in the table)")
    charts: list[Chart] = [
        Chart("stacked-bar", bar_title,
              Range(lay.name, first_part, 0, last_part, 0),
              tuple(Series(k, Range(lay.name, first_part, 2 + i, last_part, 2 + i), CHART_COLORS[k])
                    for i, k in enumerate(COUNT_COLUMNS)),
              chart_top, 0, width=470, height=300, y_title="Targets")
    ]  # fmt: skip
    slots = {i: n for n, i in enumerate(m.charted, start=1)}  # slot 0 is the RAG chart
    for i, (t, _, _) in enumerate(m.red_trends):
        if i not in slots:
            continue
        slot, pr = slots[i], cat_row + 1 + 2 * i
        charts.append(
            Chart("line", f"{t.ref}: profile and actual {cons.year}"[:80],
                  Range(lay.name, cat_row, 2, cat_row, 5),
                  (Series("Profile", Range(lay.name, pr, 2, pr, 5), "#1F3864"),
                   Series("Actual", Range(lay.name, pr + 1, 2, pr + 1, 5), "#C00000")),
                  chart_top + (slot // per_row) * rows_per_chart, 0, x_offset=(slot % per_row) * 490,
                  width=470, height=300, y_title=t.units)
        )  # fmt: skip
    lay.charts = charts
    lay.repeat_rows = None

    def section(title: str, header: Sequence[str]) -> Iterator[Row]:
        yield (), (), None, None
        yield (title,), ("section",), None, None
        yield header, tuple("header" if h else None for h in header), None, None  # a spacer column: no dark cell

    # Printed: a section's title, header and first row kept on one page, and a band of charts not cut. The rows
    # above the body are described here; the body's as they are yielded (see _kept_together).
    heights: list[float] = [lay.heights.get(i, DEFAULT_ROW_POINTS) for i in range(len(lay.rows))]
    glued: list[bool] = [_leads_in(tuple(c.style if c is not None else None for c in row)) for row in lay.rows]
    for band in range(chart_top, chart_top + chart_rows, rows_per_chart):
        for i in range(band, band + rows_per_chart):
            glued[i] = i < band + rows_per_chart - 1

    def printed(body: Iterator[Row]) -> Iterator[Row]:
        for row in body:
            heights.append(DEFAULT_ROW_POINTS if row[3] is None else row[3])
            glued.append(_leads_in(tuple(row[1])))
            yield row
        lay.page_breaks = _kept_together(heights, glued, PSB_PAGE_POINTS)

    def rows() -> Iterator[Row]:
        exc_cols = ("Ref", "Target", "Partnership", "Profile", "Actual", "% variance", "Reported RAG", "Direction",
                    "Overridden from", "Commentary", "Remedial action")  # fmt: skip
        exc_styles = ("plain", "text", "plain", "number", "number", "pct", "rag", "plain", "rag", "text", "text")
        yield from section(f"Exceptions: every Red and Amber target in {q}", exc_cols)
        for o in m.exceptions:
            t = reg.target(o.ref)
            h = LINE_HEIGHT * max(text_lines(o.commentary, 48), text_lines(o.remedial_action, 44),
                                  text_lines(t.title if t else "", 40))  # fmt: skip
            yield ((o.ref, t.title if t else "", o.partnership, o.profile, o.actual, o.variance, o.reported_rag,
                    o.direction or None, o.rag if o.rag != o.reported_rag else None, o.commentary or "(no commentary)",
                    o.remedial_action or ("(no remedial action)" if o.reported_rag == rules.RED else None)),
                   exc_styles, t.decimals if t else None, h)  # fmt: skip
        if not m.exceptions:
            yield ("No Red or Amber targets.",), ("plain",), None, None

        risk_cols = ("Partnership", "Risk", "Risk ID", "Target ref", "Likelihood", "Impact", "Score", "Rating",
                     "Review date", "Mitigation", "Owner")  # fmt: skip
        risk_styles = ("plain", "text", "plain", "plain", "number", "number", "number", "risk", "date", "text", "plain")
        yield from section(f"Top risks (highest score first, {TOP_RISKS} at most)", risk_cols)
        for k in m.top_risks:
            yield ((k.partnership, k.risk, k.risk_id or None, k.ref or None, k.likelihood, k.impact, k.score, k.rating,
                    k.review_date, k.mitigation or None, k.owner or None), risk_styles, 0,
                   LINE_HEIGHT * max(text_lines(k.risk, 40), text_lines(k.mitigation, 48)))  # fmt: skip
        if not m.top_risks:
            yield ("No risks reported.",), ("plain",), None, None

        yield from section(f"Spend against budget (budget and spend to the end of {q}; forecast outturn as last "
                           "reported)", ("Block", "Name", "Budget", "Spend", "Variance", "% of budget",
                                         "Forecast outturn"))  # fmt: skip
        for sp in m.spend:
            st = "total-money" if sp.block == "All" else "money"
            lead = "total" if sp.block == "All" else "plain"
            yield ((sp.block, block_name(sp.block) or None, sp.budget, sp.spend, sp.variance, sp.share,
                    sp.forecast_outturn), (lead, lead, st, st, st, "pct", st), None, None)  # fmt: skip
        if not m.spend:
            yield ("No spend reported.",), ("plain",), None, None

        if bars:
            yield from section(f"Chart data: RAG counts of the {len(bars)} partnerships with the most Red targets "
                               "(then Amber)", ("Partnership", "Name", *COUNT_HEADER))  # fmt: skip
            for code, name, counts in bars:
                yield (code, name, *(counts.get(k, 0) for k in COUNT_HEADER)), \
                    ("plain", "plain", *("number",) * len(COUNT_HEADER)), 0, None  # fmt: skip

        if m.red_trends:
            yield from section("Chart data: profile and actual by quarter for each Red target",
                               ("Ref", "Series", *QUARTERS))  # fmt: skip
            styles = ("plain", "plain", *("number",) * len(QUARTERS))
            for t, prof, act in m.red_trends:
                yield (t.ref, "Profile", *prof), styles, t.decimals, None
                yield (t.ref, "Actual", *act), styles, t.decimals, None

    lay.body = printed(rows())
    return lay


DEFAULT_ROW_POINTS = 15.0  # a row with no height of its own, as Excel shows it
# Points of rows on a printed page of the PSB Summary at the scale that fits its width (A4 landscape, its
# margins): 516 pt tall at about 64 % (its columns at 7 pixels a character) is ~800; less a twentieth, as the
# scale and the heights of rows without one of their own differ a little between Excel and LibreOffice (a break
# a little early costs a line of paper; one late, an almost empty page).
PSB_PAGE_POINTS = 760.0


def _leads_in(styles: tuple[str | None, ...]) -> bool:
    """Whether a row must be printed on the page of the row after it: a blank row before a section, a section's
    title, a table's header."""
    return not any(styles) or "section" in styles or "header" in styles


def _kept_together(heights: Sequence[float], glued: Sequence[bool], capacity: float) -> list[int]:
    """Page breaks (rows that start a page) filling pages in turn, never between a row and the next it is glued
    to; a run of glued rows taller than a page starts a page of its own."""
    breaks: list[int] = []
    used, i, n = 0.0, 0, len(heights)
    while i < n:
        j, size = i, heights[i]
        while glued[j] and j + 1 < n:
            j += 1
            size += heights[j]
        if used and used + size > capacity:
            breaks.append(i)
            used = 0.0
        used += size
        i = j + 1
    return breaks


# --- Reward ---------------------------------------------------------------------


@dataclass
class RewardLine:
    target: Target
    expected: float | None
    stretch: float | None  # T: the Annual target of the register's last profiled year
    stretch_year: str
    actual: float | None
    basis: str
    achieved: float | None = None
    grant: float | None = None
    reward: float | None = None


def _is_additive(reg: Register, t: Target, cons: Consolidation) -> bool:
    """A count whose quarterly profiles add up to the annual target (homes built, burglaries)."""
    p = reg.profiles.get((t.ref, cons.year))
    if p is None or p.annual_target is None:
        return False
    qs = [v for v in p.quarters.values() if v is not None]
    # a count's quarters add up to the year (give or take rounding); a level's each sit near the year's figure
    return len(qs) > 1 and abs(sum(qs) - p.annual_target) < abs(sum(qs) / len(qs) - p.annual_target)


def reward_lines(cons: Consolidation) -> list[RewardLine]:
    """Per stretch target: the latest actual, the fraction achieved and the reward it would earn."""
    reg = cons.register
    lines: list[RewardLine] = []
    stretched = [t for t in reg.targets if t.stretch]
    by_key = _by_key(cons, {t.ref for t in stretched})
    years_of: dict[str, list[FinancialYear]] = {t.ref: [] for t in stretched}
    for ref, y in reg.profiles:  # one pass over the profiles, not one per stretch target
        if ref in years_of:
            years_of[ref].append(y)
    for t in stretched:
        years = sorted(years_of[t.ref])
        stretch = reg.profile(t.ref, years[-1]) if years else None
        obs = [by_key[(t.ref, q)] for q in cons.quarters if (t.ref, q) in by_key and t.is_due(q)]
        with_actual = [o for o in obs if o.actual is not None]
        actual: float | None = None
        basis = "no actual yet"
        if with_actual and _is_additive(reg, t, cons):
            n_due = len(t.due_quarters)
            total = sum(o.actual for o in with_actual if o.actual is not None)
            actual = total * n_due / len(with_actual)
            qs = "+".join(o.quarter for o in with_actual)
            basis = f"{qs} {cons.year}" if len(with_actual) == n_due else f"{qs} {cons.year} projected to the year"
        elif with_actual:
            actual = with_actual[-1].actual
            basis = f"{with_actual[-1].quarter} {cons.year}"
        lines.append(RewardLine(t, t.expected_without_stretch, stretch, str(years[-1]) if years else "", actual, basis,
                                grant=t.reward_grant))  # fmt: skip
    if lines:
        a = np.array([np.nan if x.actual is None else x.actual for x in lines], dtype=float)
        e = np.array([np.nan if x.expected is None else x.expected for x in lines], dtype=float)
        s = np.array([np.nan if x.stretch is None else x.stretch for x in lines], dtype=float)
        g = np.array([np.nan if x.grant is None else x.grant for x in lines], dtype=float)
        rewards = rules.reward_array(a, e, s, g)
        for i, x in enumerate(lines):
            x.achieved = rules.achieved(x.actual, x.expected, x.stretch)
            x.reward = None if math.isnan(rewards[i]) else float(rewards[i])
    return lines


REWARD_COLUMNS = ("Ref", "Target", "Partnership", "Units", "Expected without stretch (E)", "Stretch target (T)",
                  "Stretch year", "Latest actual (A)", "Actual basis", "Fraction achieved", "Reward grant (G)",
                  "Reward on this actual")  # fmt: skip


def reward_layout(cons: Consolidation) -> SheetLayout:
    lines = reward_lines(cons)
    lay = SheetLayout("Reward", widths=[9, 50, 11, 10, 13, 12, 9, 12, 22, 11, 14, 14], landscape=True, fit_width=True)
    lay.add(Cell(_title(cons.register.settings.area, "LAA1 stretch targets: reward grant position", cons.period),
                 "title"))  # fmt: skip
    lay.add(Cell("achieved = (A − E) / (T − E); no reward below 60 %, else grant × min(achieved, 1). T is the annual "
                 "target of the last profiled year. A count is taken as its quarters' total, projected to the year "
                 "until the year is complete.", "subtitle"))  # fmt: skip
    lay.blank()
    lay.header_row = lay.add(*(Cell(h, "header") for h in REWARD_COLUMNS))
    if (h := header_height(REWARD_COLUMNS, lay.widths)) is not None:
        lay.heights[lay.header_row] = h
    lay.freeze = (lay.header_row + 1, 0)
    lay.repeat_rows = (lay.header_row, lay.header_row)
    for x in lines:
        t = x.target
        r = lay.add(Cell(t.ref), Cell(t.title, "text"), Cell(t.partnership), Cell(t.units or None), _n(x.expected, t),
                    _n(x.stretch, t), Cell(x.stretch_year or None), _n(x.actual, t), Cell(x.basis, "text"),
                    Cell(x.achieved, "pct"), Cell(x.grant, "money"), Cell(x.reward, "money"))  # fmt: skip
        if (h := _height((t.title, lay.widths[1]), (x.basis, lay.widths[8]))) is not None:
            lay.heights[r] = h
    grants = [x.grant for x in lines if x.grant is not None]
    rewards = [x.reward for x in lines if x.reward is not None]
    lay.add(Cell("Total", "total"), *(Cell(None, "total") for _ in range(9)),
            Cell(sum(grants) if grants else None, "total-money"), Cell(sum(rewards) if rewards else None, "total-money"))  # fmt: skip
    if not lines:
        lay.add(Cell("The register has no stretch targets."))
    return lay


# --- the GO workbook's other sheets -------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def go_title(cons: Consolidation, period: Period) -> str:
    area = cons.register.settings.area
    return f"{area + ' ' if area else ''}LAA performance return {period}"


@dataclass
class GoBook:
    sheets: list[SheetLayout] = field(default_factory=list)


def go_summary_layout(cons: Consolidation, period: Period, prepared: dt.date) -> SheetLayout:
    s = cons.register.settings
    lay = SheetLayout("Summary", widths=[22, 44, 10, 10, 10, 10, 10, 10], landscape=True, fit_width=True)
    lay.add(Cell(go_title(cons, period), "title"))
    lay.blank()
    for label, value in (("Area", s.area), ("LAA", s.laa), ("Government Office", s.government_office),
                         ("Period", str(period)), ("Prepared", prepared)):  # fmt: skip
        lay.add(Cell(label, "label-bold"), Cell(value, "date-left" if isinstance(value, dt.date) else "plain-left"))
    lay.blank()
    lay.header_row = lay.add(*(Cell(h, "header") for h in ("Partnership", "Name", *COUNT_HEADER)))
    for code, name, counts in counts_by_partnership(cons):  # the name too: the GO does not know our codes
        lay.add(*_count_row(code, name if code != "All" else "", counts))
    lay.blank()
    lay.add(*(Cell(h, "header") for h in ("Block", "Name", *COUNT_HEADER)))
    for block, counts in counts_by_block(cons):
        lay.add(*_count_row(block, block_name(block), counts))
    lay.blank()
    lay.add(Cell(f"Counts are of the RAG reported for {period.last_quarter} {period.year}. Missing returns: "
                 f"{', '.join(cons.missing) or 'none'}.", "subtitle"))  # fmt: skip
    lay.widths = [max(22.0, auto_width(lay, 0, hi=30)), max(12.0, auto_width(lay, 1, hi=44)), 10, 10, 10, 10, 10, 10]
    return lay


def go_spend_layout(cons: Consolidation, period: Period) -> SheetLayout:
    lay = SheetLayout("Spend", widths=[14, 15, 15, 15, 12, 17], landscape=True, fit_width=True)
    lay.add(Cell(f"Spend against budget by block — {go_title(cons, period)}", "title"))
    lay.add(Cell(f"Budget and spend to the end of {period.last_quarter} {period.year}; forecast outturn as last "
                 "reported by each partnership.", "subtitle"))  # fmt: skip
    lay.blank()
    lay.header_row = lay.add(*(Cell(h, "header") for h in ("Block", "Budget", "Spend", "Variance", "% of budget",
                                                           "Forecast outturn")))  # fmt: skip
    lay.repeat_rows = (lay.header_row, lay.header_row)
    lines = spend_by_block(cons.spend, period.quarters)
    for s in lines:
        st = "total-money" if s.block == "All" else "money"
        lay.add(Cell(s.block, "total" if s.block == "All" else "plain"), Cell(s.budget, st), Cell(s.spend, st),
                Cell(s.variance, st), Cell(s.share, "pct"), Cell(s.forecast_outturn, st))  # fmt: skip
    if not lines:
        lay.add(Cell("No spend reported."))
    return lay


def data_quality_layout(cons: Consolidation, period: Period) -> SheetLayout:
    lay = SheetLayout("Data quality", widths=[9, 24, 90, 28, 10, 7], landscape=True, fit_width=True)
    lay.add(Cell(f"Data quality: open issues — {go_title(cons, period)}", "title"))
    errors = sum(i.is_error for i in cons.issues)
    used = sum(e.status == "Used" for e in cons.log)
    late = [e.partnership for e in cons.log if e.late and e.status == "Used"]
    lay.add(Cell(f"{used} returns consolidated; missing: {', '.join(cons.missing) or 'none'}; late: "
                 f"{', '.join(late) or 'none'}. {_count(errors, 'error')} (figures not used; the quarter shows No "
                 f"data), {_count(len(cons.issues) - errors, 'warning')} (figures used).", "subtitle"))  # fmt: skip
    lay.blank()
    lay.header_row = lay.add(*(Cell(h, "header") for h in ISSUE_COLUMNS))
    lay.repeat_rows = (lay.header_row, lay.header_row)
    lay.freeze = (lay.header_row + 1, 0)
    for i in sorted(cons.issues, key=lambda i: (not i.is_error, i.location.file, i.code)):
        lay.add(Cell(i.severity), Cell(i.code), Cell(i.message, "text"), Cell(i.location.file or None),
                Cell(i.location.sheet or None), Cell(i.location.cell or None))  # fmt: skip
        lay.heights[len(lay.rows) - 1] = 12.5 * text_lines(i.message, 90)
    if not cons.issues:
        lay.add(Cell("No open issues."))
    return lay


def go_book(cons: Consolidation, period: Period, prepared: dt.date, evidence: dict[str, str] | None = None) -> GoBook:
    return GoBook([
        go_return_stream(cons, period, evidence=evidence), go_summary_layout(cons, period, prepared),
        go_spend_layout(cons, period), data_quality_layout(cons, period),
    ])  # fmt: skip
