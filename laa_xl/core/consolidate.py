"""Consolidation: every partnership's checked return for a period, in one table (SPEC 5.2).

``consolidate`` takes the register, the period and what was read from each file
(a ``ReturnData``, or a ``Refusal`` when the file could not be read safely) and
returns a :class:`Consolidation`: one observation per target per quarter of the
year up to the period, the log of files, the issues, risks and spend. Nothing
here touches a file; ``laa_xl.io`` reads and writes.

Rules applied here, beyond the per-return checks of ``checks.py``:
- a partnership with no usable return: its targets show ``No data`` (or ``Not due``)
  and it is listed as missing;
- two returns from one partnership: the later ``Date submitted`` wins (then the
  later file name), both are logged, the older one is an issue;
- a return after the Timetable deadline is consolidated and flagged late;
- an actual that differs from the previous consolidation is a restatement: both
  values are kept (``Consolidation.restatements``) and listed as a warning;
- % variance, RAG, reported RAG and direction of travel are computed over whole
  columns with the ``*_array`` rules.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import rules
from .checks import check_return
from .issues import Issue, Location, error, warning
from .periods import QUARTERS, FinancialYear, Period
from .register import Register
from .returns import CheckedReturn, Observation, ReturnData, Risk, Spend
from .timing import phase

USED, SUPERSEDED, REFUSED, MISSING = "Used", "Superseded", "Refused", "Missing"
# Issues that mean a return cannot be consolidated at all.
REFUSING_CODES = frozenset({"wrong-year", "wrong-partnership", "missing-partnership", "bad-year"})
COUNT_COLUMNS = (rules.GREEN, rules.AMBER, rules.RED, rules.NO_DATA, rules.NOT_DUE)

# (ref, financial year, quarter) -> actual
ActualKey = tuple[str, FinancialYear, str]


@dataclass(frozen=True)
class FileInfo:
    """A file as found in the returns folder."""

    name: str
    size: int | None = None
    sha256: str = ""


@dataclass(frozen=True)
class Refusal:
    """A file that was not read: its issues say why (unsafe, encrypted, not a workbook...)."""

    issues: tuple[Issue, ...]
    partnership: str = ""
    ours: bool = False  # a workbook laa-xl wrote (an output), not a submission: listed, not logged


@dataclass
class LogEntry:
    partnership: str
    file: str
    size: int | None
    sha256: str
    submitted: dt.date | None
    deadline: dt.date | None
    late: bool
    rows_taken: int
    status: str  # Used, Superseded, Refused or Missing


@dataclass(frozen=True)
class Restatement:
    ref: str
    year: FinancialYear
    quarter: str
    previous: float
    now: float | None  # None: the figure has gone from the return (blank, or no longer a number)
    source: Location


@dataclass
class Consolidation:
    register: Register
    period: Period
    observations: list[Observation]
    issues: list[Issue] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    spend: list[Spend] = field(default_factory=list)
    restatements: list[Restatement] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # partnership codes with no usable return
    # Last year's rows, carried from output to output below this year's on Data, so that direction of travel
    # (here, in the live Data formulas and in the live buttons) can compare with the same quarter last year all
    # year round. Nothing else reads them: every count and report is of ``observations``.
    carried: Iterable[Observation] = field(default_factory=list)  # gone through once, when Data is written

    @property
    def year(self) -> FinancialYear:
        return self.period.year

    @property
    def quarters(self) -> tuple[str, ...]:
        return self.period.quarters

    def observation(self, ref: str, quarter: str) -> Observation | None:
        for o in self.observations:
            if o.ref == ref and o.quarter == quarter:
                return o
        return None

    def by_key(self) -> dict[tuple[str, str], Observation]:
        return {(o.ref, o.quarter): o for o in self.observations}

    def latest(self) -> list[Observation]:
        """The observations of the period's last quarter, in register order."""
        q = self.period.last_quarter
        return [o for o in self.observations if o.quarter == q]

    def summary(self) -> dict[str, Any]:
        counts = rag_counts(self.latest())
        status = {s: [e.file for e in self.log if e.status == s] for s in (USED, SUPERSEDED, REFUSED)}
        return {
            "period": str(self.period),
            "targets": len(self.register.targets),
            "rows": len(self.observations),
            "returns used": len(status[USED]),
            "returns superseded": len(status[SUPERSEDED]),
            "returns refused": len(status[REFUSED]),
            "missing returns": ", ".join(self.missing) or "none",
            "late returns": ", ".join(e.file for e in self.log if e.late and e.status == USED) or "none",
            "restatements": len(self.restatements),
            "rag": counts,
            "errors": sum(i.is_error for i in self.issues),
            "warnings": sum(not i.is_error for i in self.issues),
        }


def rag_counts(observations: Iterable[Observation]) -> dict[str, int]:
    """Reported RAG counts (Green, Amber, Red, No data, Not due, Total)."""
    out = dict.fromkeys(COUNT_COLUMNS, 0)
    n = 0
    for o in observations:
        out[o.reported_rag] = out.get(o.reported_rag, 0) + 1
        n += 1
    out["Total"] = n
    return out


def consolidate(
    register: Register,
    period: Period,
    returns: Sequence[tuple[FileInfo, ReturnData | CheckedReturn | Refusal]],
    *,
    previous: Mapping[ActualKey, float | None] | None = None,
    history: Mapping[ActualKey, float | None] | None = None,
    elsewhere: Mapping[str, tuple[str, str]] | None = None,
) -> Consolidation:
    """Consolidate the returns read for ``period``.

    ``previous``: actuals of the previous consolidation (restatements are found
    against it; its other years also serve as history). ``history``: actuals of
    earlier years known otherwise, for direction of travel. A return may come already checked (a
    ``CheckedReturn`` from ``check_return`` with this register, year, quarters and deadline). ``elsewhere``: a
    partnership's return not read because it is filed in a folder inside the returns folder (code -> (the returns
    folder's name, 'HWB/HWB_2008-09.xlsx')).
    """
    year, quarters = period.year, period.quarters
    deadline = register.deadline(period)
    issues: list[Issue] = []
    log: list[LogEntry] = []
    candidates: dict[str, list[tuple[FileInfo, CheckedReturn]]] = {}
    other_years: list[tuple[int, CheckedReturn]] = []  # an earlier year's return: (where its issues start, it)

    for info, data in sorted(returns, key=lambda r: r[0].name):
        if isinstance(data, Refusal):
            issues.extend(data.issues)
            if data.ours:
                continue
            whose = data.partnership or code_in_name(info.name, register)  # not opened: its name, as issued
            log.append(LogEntry(whose, info.name, info.size, info.sha256, None, deadline, False, 0, REFUSED))
            continue
        if isinstance(data, CheckedReturn):
            checked = data
        else:
            with phase("check"):
                checked = check_return(data, register, year=year, quarters=quarters, deadline=deadline)
        if not checked.partnership or checked.year is None or any(i.code in REFUSING_CODES for i in checked.issues):
            if checked.partnership and checked.year is not None and checked.year < year:
                other_years.append((len(issues), checked))  # last year's return left in the folder?
            issues.extend(checked.issues)
            log.append(
                LogEntry(checked.partnership, info.name, info.size, info.sha256, checked.submitted, deadline,
                         _late(checked.submitted, deadline), 0, REFUSED)
            )  # fmt: skip
            continue
        candidates.setdefault(checked.partnership, []).append((info, checked))

    used: dict[str, tuple[FileInfo, CheckedReturn]] = {}
    superseded: list[tuple[FileInfo, CheckedReturn, tuple[FileInfo, CheckedReturn]]] = []
    for code, items in candidates.items():
        ordered = sorted(items, key=lambda it: (it[1].submitted or dt.date.min, it[0].name))
        winner = ordered[-1]
        used[code] = winner
        for info, cr in ordered[:-1]:
            superseded.append((info, cr, winner))

    for at, cr in other_years:  # "send the 2008/09 return" would be wrong when it has come
        this_year = used.get(cr.partnership)
        for k in range(at, at + len(cr.issues)):
            if this_year is not None and issues[k].code == "wrong-year":
                issues[k] = Issue("wrong-year", issues[k].severity, f"This is the {cr.year} return, so it is not used "
                                  f"for {year}: {this_year[0].name} is. Move this file out of the returns folder (into "
                                  f"the {cr.year} one).", issues[k].location)  # fmt: skip

    # Observations: every target x quarter, from the used return or as No data.
    found: dict[tuple[str, str], Observation] = {}
    for _code, (_info, cr) in sorted(used.items()):
        issues.extend(cr.issues)
        for o in cr.observations:
            found[(o.ref, o.quarter)] = o
    observations: list[Observation] = []
    for t in register.targets:
        for q in quarters:
            got = found.get((t.ref, q))
            if got is None:
                profile = register.profile(t.ref, year, q)
                r = rules.rag(None, profile, t.polarity, t.tolerance, t.tolerance_type, t.is_due(q))
                got = Observation(t.ref, t.partnership, year, q, profile, None, None, r, r)
            observations.append(got)
    _apply_rules(register, observations, previous, history)

    for info, cr, (kept, kept_cr) in superseded:
        if info.sha256 and info.sha256 == kept.sha256:
            why = f"this file is an identical copy of {kept.name}"
        elif cr.submitted == kept_cr.submitted:
            why = f"this one and {kept.name} give the same date submitted ({_date(cr.submitted)}), so {kept.name} " \
                "is used (its name sorts later). If this one is the corrected return, delete the other or correct " \
                "its Date submitted"  # fmt: skip
        else:
            why = f"this one (submitted {_date(cr.submitted)}) is replaced by {kept.name}, submitted later"
        issues.append(
            warning("duplicate-return", f"Two returns from {cr.partnership}: {why}. Only one is consolidated; both "
                    "are logged. Delete the one that is not wanted from the returns folder.",
                    Location(info.name, "Cover"))
        )  # fmt: skip
        log.append(LogEntry(cr.partnership, info.name, info.size, info.sha256, cr.submitted, deadline,
                            _late(cr.submitted, deadline), 0, SUPERSEDED))  # fmt: skip

    taken: dict[str, int] = {}
    for o in observations:
        if o.actual is not None and o.source.file:
            taken[o.source.file] = taken.get(o.source.file, 0) + 1
    for code, (info, cr) in sorted(used.items()):
        log.append(LogEntry(code, info.name, info.size, info.sha256, cr.submitted, deadline,
                            _late(cr.submitted, deadline) and not cr.later_quarter and not cr.not_updated,
                            taken.get(cr.file, 0),
                            USED))  # fmt: skip
        due = sum(1 for o in cr.observations if o.rag == rules.NO_DATA)  # due, with a profile, and no figure
        if not taken.get(cr.file) and due:  # the return as issued, sent before it was filled in?
            issues.append(
                error("empty-return", f"{info.name} has no figure for any of its {due} target-quarter(s) due by "
                      f"{period.last_quarter}: is it the return as issued, not yet filled in? Until the filled return "
                      "comes, they show No data.", Location(info.name, "Cover"))
            )  # fmt: skip

    later = sorted({cr.later_quarter for _, cr in used.values() if cr.later_quarter}, key=QUARTERS.index)
    if later:  # Q1 consolidated from returns completed for Q2: the later figures are left out
        ahead = [info.name for info, cr in sorted(used.values(), key=lambda x: x[0].name) if cr.later_quarter]
        issues.append(warning("later-quarter-typed", f"{len(ahead)} return(s) ({', '.join(ahead[:3])}"
                              f"{', …' if len(ahead) > 3 else ''}) are completed up to {later[-1]}, but {period} was "
                              f"consolidated: their figures after {period.last_quarter} are left out, and their dates "
                              f"are not counted as late. If you meant {year} {later[-1]}, consolidate that.",
                              Location()))  # fmt: skip

    missing: list[str] = []
    refused: dict[str, str] = {}  # partnership -> a file of theirs refused
    for e in log:
        if e.status == REFUSED and e.partnership:
            refused.setdefault(e.partnership, e.file)
    for p in register.partnerships:
        n = len(register.targets_for(p.code))
        if p.code in used or n == 0:
            continue
        missing.append(p.code)
        log.append(LogEntry(p.code, "", None, "", None, deadline, False, 0, MISSING))
        came, filed = refused.get(p.code), (elsewhere or {}).get(p.code, ("", ""))
        if came:
            why = (f"No usable return from {p.code} ({p.name}) for {period}: {came} came but could not be used (its own "
                   f"issue says why), so its {n} targets show No data. Chase asks for it again.")  # fmt: skip
        elif filed[1]:
            why = (f"No return from {p.code} in the returns folder itself: {filed[1]} is in a folder inside it, which "
                   f"is not read. Move it into {filed[0]} and consolidate again (before chasing).")  # fmt: skip
        else:
            why = f"No return from {p.code} ({p.name}) for {period}: its {n} targets show No data. Chase the lead contact."
        issues.append(warning("missing-return", why, Location(p.code)))

    restatements = _restatements(observations, previous)
    gone = {(rs.source.file, rs.source.sheet, rs.source.cell) for rs in restatements if rs.now is None}
    if gone:  # "no actual yet" would mislead: there was one
        issues = [i for i in issues if not (i.code == "missing-actual" and
                                            (i.location.file, i.location.sheet, i.location.cell) in gone)]  # fmt: skip
    for rs in restatements:
        was = f"{rs.ref} {rs.quarter}: the actual was {_num(rs.previous)} at the last consolidation"
        issues.append(warning("restated-actual", f"{was} and is now {_num(rs.now)}. Both are kept; say why in the "
                              "commentary." if rs.now is not None else f"{was} and has now gone from the return, so "
                              "the quarter shows No data. If the figure still stands, type it in again; if not, say "
                              "why in the commentary.", rs.source))  # fmt: skip
    order = {s: i for i, s in enumerate((USED, SUPERSEDED, REFUSED, MISSING))}
    log.sort(key=lambda e: (e.partnership or "~", order[e.status], e.file))
    risks = [r for _, (_, cr) in sorted(used.items()) for r in cr.risks]
    spend = [s for _, (_, cr) in sorted(used.items()) for s in cr.spend]
    return Consolidation(register, period, observations, issues, log, risks, spend, restatements, missing)


def _late(submitted: dt.date | None, deadline: dt.date | None) -> bool:
    return bool(submitted and deadline and submitted > deadline)


def _date(d: dt.date | None) -> str:
    return f"{d:%d %b %Y}" if d else "with no date"


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"


def recompute(
    register: Register, observations: list[Observation], history: Mapping[ActualKey, float | None] | None = None
) -> None:
    """% variance, RAG, reported RAG and direction again, from the observations' own actuals (e.g. after a
    central officer corrected one in the live Data sheet); an override is kept. ``history``: earlier years'
    actuals, for direction of travel (``actuals_of(cons.carried)``)."""
    _apply_rules(register, observations, None, history)


def actuals_of(observations: Iterable[Observation]) -> dict[ActualKey, float | None]:
    """The observations' actuals, keyed for restatements and direction of travel (a later one of a key wins)."""
    return {(o.ref, o.year, o.quarter): o.actual for o in observations}


def _apply_rules(
    register: Register,
    observations: list[Observation],
    previous: Mapping[ActualKey, float | None] | None,
    history: Mapping[ActualKey, float | None] | None,
) -> None:
    """% variance, RAG, reported RAG and direction over whole columns (the *_array rules)."""
    if not observations:
        return
    targets = [register.target(o.ref) for o in observations]
    actual = np.array([np.nan if o.actual is None else o.actual for o in observations], dtype=float)
    profile = np.array([np.nan if o.profile is None else o.profile for o in observations], dtype=float)
    polarity = np.array([t.polarity if t else "higher" for t in targets], dtype=object)
    tolerance = np.array([t.tolerance if t else rules.DEFAULT_TOLERANCE for t in targets], dtype=float)
    ttype = np.array([t.tolerance_type if t else "relative" for t in targets], dtype=object)
    due = np.array([t.is_due(o.quarter) if t else True for o, t in zip(observations, targets, strict=True)])
    var = rules.variance_array(actual, profile)
    rag = rules.rag_array(actual, profile, polarity, tolerance, ttype, due)
    known: dict[ActualKey, float] = {}
    for src in (history or {}), (previous or {}):
        for k, v in src.items():
            if v is not None and not (isinstance(v, float) and math.isnan(v)):
                known[k] = float(v)
    for o in observations:  # this consolidation's actuals win over older ones for its own year
        if o.actual is not None:
            known[(o.ref, o.year, o.quarter)] = o.actual
    earlier: dict[tuple[FinancialYear, str], tuple[tuple[FinancialYear, str], ...]] = {}
    then = np.array([_comparator(o, known, earlier) for o in observations], dtype=float)
    direction = rules.direction_array(actual, then, polarity)
    for i, o in enumerate(observations):
        o.variance = None if math.isnan(var[i]) else float(var[i])
        o.rag = str(rag[i])
        o.reported_rag = rules.reported_rag(o.rag, o.rag_override)
        o.direction = direction[i]


def _comparator(o: Observation, known: Mapping[ActualKey, float],
                earlier: dict[tuple[FinancialYear, str], tuple[tuple[FinancialYear, str], ...]] | None = None) -> float:  # fmt: skip
    """Same quarter last year where known, else the latest earlier quarter with an actual. ``earlier``: the
    quarters to look in, by year and quarter (worked out once for each, when a caller keeps them)."""
    if earlier is None:
        earlier = {}
    look = earlier.get((o.year, o.quarter))
    if look is None:
        look = earlier[(o.year, o.quarter)] = _earlier_quarters(o.year, o.quarter)
    ref = o.ref
    for year, quarter in look:
        v = known.get((ref, year, quarter))
        if v is not None:
            return v
    return math.nan


def _earlier_quarters(year: FinancialYear, quarter: str) -> tuple[tuple[FinancialYear, str], ...]:
    """Where a quarter's comparator is looked for, in order: the same quarter last year, then the four before it."""
    out = [(year.previous(), quarter)]
    i = QUARTERS.index(quarter)
    for _ in range(4):
        i -= 1
        if i < 0:
            year, i = year.previous(), 3
        out.append((year, QUARTERS[i]))
    return tuple(out)


def _restatements(
    observations: Iterable[Observation], previous: Mapping[ActualKey, float | None] | None
) -> list[Restatement]:
    out: list[Restatement] = []
    if not previous:
        return out
    for o in observations:
        old = previous.get((o.ref, o.year, o.quarter))
        if old is None or (isinstance(old, float) and math.isnan(old)):
            continue
        if o.actual is None:  # on the return's row, but blank or not a number now (no row, or no return: not this)
            if o.source.file and o.source.cell:
                out.append(Restatement(o.ref, o.year, o.quarter, float(old), None, o.source))
            continue
        if not rules.same_actual(o.actual, old):
            out.append(Restatement(o.ref, o.year, o.quarter, float(old), o.actual, o.source))
    return out


def code_in_name(name: str, register: Register) -> str:
    """The partnership a file is from by its name, as returns are issued ('STR_2008-09.xlsm' is STR's): the
    name's first word, when it is one of the register's codes; '' otherwise."""
    first = re.split(r"[_\s.-]", name, maxsplit=1)[0].strip().upper()
    return first if first and register.partnership(first) is not None else ""
