"""The target register (SPEC 5.0): targets, profiles, partnerships, timetable, settings.

``load_register`` builds a :class:`Register` from sheet grids (whatever read
them) and yields an issue for everything a central officer must fix: an
unknown polarity, a missing profile year, a duplicate ref, and so on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue, Location, cell_name, column_name, error, warning
from .numbers import NotANumber, is_blank, text, to_number
from .periods import QUARTERS, FinancialYear, Period, PeriodError
from .rules import POLARITIES, TOLERANCE_TYPES
from .table import Grid, SheetTable, find_table, label_values, missing_column_hint, norm, renamed_heading

FREQUENCIES: dict[str, tuple[str, ...]] = {
    "quarterly": QUARTERS,
    "six-monthly": ("Q2", "Q4"),
    "annual": ("Q4",),
}

TARGET_COLUMNS = (
    "Ref", "NI", "Title", "Outcome", "Partnership", "Block", "Related PSA", "Polarity", "Units",
    "Decimals", "Tolerance", "Tolerance type", "Frequency", "Due quarters", "Target lead", "Sponsor",
    "Baseline", "Baseline year", "Stretch", "Expected without stretch", "Reward grant",
)  # fmt: skip
PROFILE_COLUMNS = ("Ref", "Financial year", "Q1", "Q2", "Q3", "Q4", "Annual target")
PARTNERSHIP_COLUMNS = ("Code", "Name", "Lead contact", "Email")
TIMETABLE_COLUMNS = ("Period", "Open", "Deadline", "PSB papers", "PSB meeting")
SETTINGS_LABELS = ("Area", "LAA", "Government Office", "GO contact", "GO email", "Returns folder", "Current period")
REQUIRED_TARGET_COLUMNS = ("Ref", "Title", "Outcome", "Partnership", "Polarity")
# Targets columns whose absence every target silently survives with a default: a renamed heading is listed
DEFAULTED_TARGET_COLUMNS = {
    "Tolerance": "every target takes the default tolerance of 5 %",
    "Tolerance type": "every tolerance is taken as relative (a percentage of the profile)",
    "Frequency": "every target is taken as quarterly",
    "Units": "no target is known to be a percentage",
    "Decimals": "every figure is shown without decimals",
    "Block": "spend and RAG counts cannot be given by funding block",
    "Related PSA": "the GO return's Related PSA column is empty",
    "Stretch": "no target is taken as an LAA1 stretch target",
}
MAX_DECIMALS = 6
_BAD_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # in a partnership code, which names its return's file
_RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                             *(f"LPT{i}" for i in range(1, 10))})  # fmt: skip
REGISTER_SHEETS = ("Targets", "Profiles", "Partnerships", "Timetable", "Settings")
REGISTER_COLUMNS = {"Targets": TARGET_COLUMNS, "Profiles": PROFILE_COLUMNS, "Partnerships": PARTNERSHIP_COLUMNS,
                    "Timetable": TIMETABLE_COLUMNS}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Target:
    ref: str
    title: str
    outcome: str
    partnership: str
    ni: str = ""
    block: str = ""
    related_psa: str = ""
    polarity: str = "higher"
    units: str = ""
    decimals: int = 0
    tolerance: float = 0.05
    tolerance_type: str = "relative"
    frequency: str = "quarterly"
    due_quarters: tuple[str, ...] = QUARTERS
    target_lead: str = ""
    sponsor: str = ""
    baseline: float | None = None
    baseline_year: str = ""
    stretch: bool = False
    expected_without_stretch: float | None = None
    reward_grant: float | None = None

    def is_due(self, quarter: str) -> bool:
        return quarter in self.due_quarters

    @property
    def is_percentage(self) -> bool:
        return self.units.strip().lower() in ("%", "percent", "percentage", "% points", "percentage points")


@dataclass(frozen=True, slots=True)
class Profile:
    ref: str
    year: FinancialYear
    quarters: Mapping[str, float | None]
    annual_target: float | None = None


@dataclass(frozen=True)
class Partnership:
    code: str
    name: str
    lead_contact: str = ""
    email: str = ""


@dataclass(frozen=True)
class TimetableEntry:
    period: Period
    open: dt.date | None = None
    deadline: dt.date | None = None
    psb_papers: dt.date | None = None
    psb_meeting: dt.date | None = None


@dataclass(frozen=True)
class Settings:
    area: str = ""
    laa: str = ""
    government_office: str = ""
    go_contact: str = ""
    go_email: str = ""
    returns_folder: str = ""
    current_period: Period | None = None


@dataclass
class Register:
    targets: list[Target]
    profiles: dict[tuple[str, FinancialYear], Profile]
    partnerships: list[Partnership]
    timetable: list[TimetableEntry] = field(default_factory=list)
    settings: Settings = Settings()
    file: str = ""

    def __post_init__(self) -> None:
        self._by_ref = {t.ref.upper(): t for t in self.targets}
        self._index_key: tuple[int, int] | None = None
        self._by_partnership: dict[str, list[Target]] = {}
        self._partnership_by_code: dict[str, Partnership] = {}
        self._blocks: dict[str, str] = {}

    def _indexed(self) -> None:
        """Targets by partnership and partnerships by code, so national-scale registers stay linear."""
        key = (len(self.targets), len(self.partnerships))
        if self._index_key == key:
            return
        self._by_partnership = {}
        for t in self.targets:
            self._by_partnership.setdefault(t.partnership.upper(), []).append(t)
        self._partnership_by_code = {}
        for p in self.partnerships:
            self._partnership_by_code.setdefault(p.code.upper(), p)
        self._blocks = {norm(t.block): t.block for t in self.targets if t.block}
        self._index_key = key

    def blocks(self) -> dict[str, str]:
        """The funding blocks of the targets, by their name compared loosely (built once: every return asks)."""
        self._indexed()
        return self._blocks

    def target(self, ref: str) -> Target | None:
        t = self._by_ref.get(ref) if ref.__class__ is str else None  # a ref as the register has it (the common case)
        return t if t is not None else self._by_ref.get(normalise_ref(ref).upper())

    def partnership(self, code: str) -> Partnership | None:
        self._indexed()
        return self._partnership_by_code.get(code.strip().upper())

    def targets_for(self, partnership: str) -> list[Target]:
        self._indexed()
        return list(self._by_partnership.get(partnership.strip().upper(), ()))

    def profile(self, ref: str, year: FinancialYear, quarter: str | None = None) -> float | None:
        p = self.profiles.get((ref, year))
        if p is None:
            return None
        return p.annual_target if quarter is None else p.quarters.get(quarter)

    def years(self) -> list[FinancialYear]:
        return sorted({y for _, y in self.profiles})

    def outcomes(self) -> list[str]:
        """Outcomes in register order, each once."""
        return list(dict.fromkeys(t.outcome for t in self.targets))

    def deadline(self, period: Period) -> dt.date | None:
        for e in self.timetable:
            if e.deadline and e.period.quarter_period() == period.quarter_period():
                return e.deadline
        return None


def normalise_ref(ref: object) -> str:
    """'ni154', 'NI  154 ' -> 'NI 154'; local refs keep their form, trimmed."""
    t = " ".join(text(ref).split())
    up = t.upper()
    digits = up[2:].strip()
    if up.startswith("NI") and digits.isascii() and digits.isdigit() and len(digits) < 10:  # not 'NI ²', nor 5,000 digits
        return f"NI {int(digits)}"
    return t


# Dates typed as text, the British way round (a council's officers write 04/11/2008, 4.11.08, 4 Nov 2008)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y", "%d.%m.%Y", "%d.%m.%y", "%d %B %Y",
                 "%d %b %Y", "%d %B %y", "%d %b %y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")  # fmt: skip


def parse_date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    raise ValueError(s)


def due_quarters(frequency: str, override: str = "") -> tuple[str, ...]:
    if override.strip():
        qs = tuple(q.strip().upper() for q in override.replace(";", ",").split(",") if q.strip())
        if not qs or any(q not in QUARTERS for q in qs):
            raise ValueError(override)
        return tuple(q for q in QUARTERS if q in qs)
    return FREQUENCIES[frequency]


def _missing_sheet(file: str, sheet: str) -> Issue:
    return error(
        "missing-sheet",
        f"The register has no '{sheet}' sheet. Add it back (see the README for its columns).",
        Location(file, sheet),
    )


def _table(
    grids: Mapping[str, Grid], file: str, sheet: str, first: str, required: Iterable[str], issues: list[Issue],
    defaulted: Mapping[str, str] | None = None,
) -> SheetTable | None:
    """The sheet's table; an error for a missing ``required`` column. A column of ``defaulted`` ({column: what its
    absence means}) missing (its heading renamed, say), or any heading given twice, is a warning: the register is
    read, but every row takes the default, or the left column."""
    grid = grids.get(sheet)
    if grid is None:
        issues.append(_missing_sheet(file, sheet))
        return None
    table = find_table(grid, file, sheet, first)
    if table is None:
        issues.append(
            error("missing-header", f"Cannot find the header row (a cell reading '{first}') on '{sheet}'.",
                  Location(file, sheet, "A1"))
        )  # fmt: skip
        return None
    known = REGISTER_COLUMNS.get(sheet, ())
    for col in required:
        if not table.has(col):
            guess = renamed_heading(table, col, known)
            issues.append(
                error("missing-column", f"The '{sheet}' sheet has no '{col}' column{missing_column_hint(table, guess)}. "
                      "Add it back to the header row.", Location(file, sheet, f"A{table.header_row}"))
            )  # fmt: skip
    for col, meaning in (defaulted or {}).items():
        if not table.has(col):
            guess = renamed_heading(table, col, known)
            issues.append(
                warning("missing-column", f"The '{sheet}' sheet has no '{col}' column"
                        f"{missing_column_hint(table, guess)}, so {meaning}. Put the heading '{col}' back.",
                        Location(file, sheet, cell_name(table.header_row, guess) if guess else f"A{table.header_row}"))
            )  # fmt: skip
    for key, cols in table.repeated.items():
        issues.append(
            warning("duplicate-column", f"The '{sheet}' sheet has more than one column headed '{table.headers[key]}': "
                    f"only the first ({column_name(table.columns[key])}) is read.",
                    Location(file, sheet, cell_name(table.header_row, cols[0])))
        )  # fmt: skip
    return table


def _num(table: SheetTable, row: int, value: Any, col: str, issues: list[Issue], what: str, ref: str) -> float | None:
    """``value`` as a number, or an issue naming it: ``what`` is a template for its name, e.g. 'The baseline of {}'
    (filled in only when it is needed: a national register has half a million numbers)."""
    try:
        return to_number(value)
    except NotANumber as e:
        issues.append(error("not-a-number", f"{what.format(ref)} must be a number, not '{e}'.", table.loc(row, col)))
        return None


def load_register(grids: Mapping[str, Grid], file: str = "") -> tuple[Register, list[Issue]]:
    """Build the register from its sheets' grids, with every problem found as an issue."""
    issues: list[Issue] = []
    targets = _load_targets(grids, file, issues)
    partnerships = _load_partnerships(grids, file, issues)
    profiles = _load_profiles(grids, file, issues, {t.ref.upper(): t.ref for t in targets})
    timetable = _load_timetable(grids, file, issues)
    settings = _load_settings(grids, file, issues)
    reg = Register(targets, profiles, partnerships, timetable, settings, file)
    issues.extend(_cross_checks(reg, file))
    return reg, issues


def _load_targets(grids: Mapping[str, Grid], file: str, issues: list[Issue]) -> list[Target]:
    table = _table(grids, file, "Targets", "Ref", REQUIRED_TARGET_COLUMNS, issues, DEFAULTED_TARGET_COLUMNS)
    if table is None:
        return []
    targets: list[Target] = []
    seen: dict[str, int] = {}  # ref -> the row it is first on
    pick = table.picker(TARGET_COLUMNS)
    for r, v in table.rows:
        (ref_v, ni, title, outcome, partnership, block, psa, polarity_v, units, decimals_v, tol_v, ttype_v, freq_v,
         due_v, lead, sponsor, baseline_v, baseline_year, stretch_v, ews_v, grant_v) = pick(v)  # fmt: skip
        ref = normalise_ref(ref_v)
        if not ref:
            issues.append(error("missing-ref", "This target has no Ref.", table.loc(r, "Ref")))
            continue
        if all(is_blank(x) for x in (title, outcome, partnership, polarity_v)):  # a note typed under the table?
            issues.append(warning("not-a-target", f"'{text(ref_v)[:60]}' has no title, outcome, partnership or "
                                  "polarity, so it is not read as a target. If it is one, fill in its row.",
                                  table.loc(r, "Ref")))  # fmt: skip
            continue
        if ref.upper() in seen:
            issues.append(
                error("duplicate-ref", f"Target {ref} is listed twice (first at {table.cell(seen[ref.upper()], 'Ref')}). Keep one row.",
                      table.loc(r, "Ref"))
            )  # fmt: skip
            continue
        seen[ref.upper()] = r
        if isinstance(ref_v, str) and ref_v.upper() != ref.upper():  # 'NI32', 'NI 32 ' (case does not matter there)
            issues.append(warning("untidy-ref", f"The ref '{ref_v}' is read as '{ref}': type it so. The live Data "
                                  "sheet's formulas look a ref up as it is typed here.", table.loc(r, "Ref")))  # fmt: skip
        for col, value in (("Title", title), ("Outcome", outcome)):
            if is_blank(value):  # the GO return would show an empty heading
                issues.append(warning("missing-text", f"{ref} has no {col.lower()}.", table.loc(r, col)))
        polarity = text(polarity_v).lower()
        if not polarity:  # blank, or an error a formula left (read as blank): not silently 'higher'
            issues.append(
                error("unknown-polarity", f"Polarity of {ref} is blank: type 'higher' or 'lower' (whichever is better). "
                      "Until then 'higher' is used.", table.loc(r, "Polarity"))
            )  # fmt: skip
            polarity = "higher"
        elif polarity not in POLARITIES:
            issues.append(
                error("unknown-polarity", f"Polarity of {ref} must be 'higher' or 'lower', not '{polarity}'.",
                      table.loc(r, "Polarity"))
            )  # fmt: skip
            polarity = "higher"
        ttype = text(ttype_v).lower() or "relative"
        if ttype not in TOLERANCE_TYPES:
            issues.append(
                error("unknown-tolerance-type",
                      f"Tolerance type of {ref} must be 'relative' or 'absolute', not '{ttype}'.",
                      table.loc(r, "Tolerance type"))
            )  # fmt: skip
            ttype = "relative"
        tol = _num(table, r, tol_v, "Tolerance", issues, "The tolerance of {}", ref)
        if tol is None and ttype == "absolute" and table.has("Tolerance"):  # 5 % is a relative default
            issues.append(warning("missing-tolerance", f"{ref} has an absolute tolerance but none is given, so 0.05 "
                                  f"{text(units) or 'units'} is used. Type the tolerance in units.",
                                  table.loc(r, "Tolerance")))  # fmt: skip
        if tol is not None and tol < 0:
            issues.append(error("bad-tolerance", f"The tolerance of {ref} cannot be negative.", table.loc(r, "Tolerance")))
            tol = None
        elif tol is not None and tol >= 1 and ttype == "relative":  # 5 typed for 5 %: every miss short of 500 % Amber
            issues.append(warning("implausible-tolerance", f"The tolerance of {ref} is {tol:g}, which means {tol:.0%} "
                                  f"of the profile: for {tol:g} % type {tol / 100:g}.", table.loc(r, "Tolerance")))  # fmt: skip
        freq = text(freq_v).lower() or "quarterly"
        if freq not in FREQUENCIES:
            issues.append(
                error("unknown-frequency",
                      f"Frequency of {ref} must be quarterly, six-monthly or annual, not '{freq}'.",
                      table.loc(r, "Frequency"))
            )  # fmt: skip
            freq = "quarterly"
        try:
            due = due_quarters(freq, text(due_v))
        except ValueError:
            issues.append(
                error("bad-due-quarters", f"Due quarters of {ref} must list quarters like 'Q2, Q4'.",
                      table.loc(r, "Due quarters"))
            )  # fmt: skip
            due = FREQUENCIES[freq]
        decimals = _num(table, r, decimals_v, "Decimals", issues, "Decimals of {}", ref)
        if decimals is not None and not (0 <= decimals <= MAX_DECIMALS and decimals == int(decimals)):
            issues.append(error("bad-decimals", f"Decimals of {ref} must be a whole number from 0 to {MAX_DECIMALS}, "
                                f"not {text(decimals_v)}. Until then 0 is used.", table.loc(r, "Decimals")))  # fmt: skip
            decimals = None
        stretch = text(stretch_v).lower() in ("yes", "y", "true", "1")
        if not stretch and not is_blank(grant_v):  # a grant on a target not marked stretch is left out of Reward
            issues.append(warning("not-stretch", f"{ref} has a reward grant but its Stretch is "
                                  f"'{text(stretch_v)}', not 'yes', so it is left out of the Reward sheet. Type yes "
                                  "if it is an LAA1 stretch target.", table.loc(r, "Stretch")))  # fmt: skip
        targets.append(
            Target(
                ref=ref,
                title=text(title),
                outcome=text(outcome),
                partnership=text(partnership).upper(),
                ni=text(ni),
                block=text(block),
                related_psa=text(psa),
                polarity=polarity,
                units=text(units),
                decimals=int(decimals) if decimals is not None else 0,
                tolerance=0.05 if tol is None else tol,
                tolerance_type=ttype,
                frequency=freq,
                due_quarters=due,
                target_lead=text(lead),
                sponsor=text(sponsor),
                baseline=_num(table, r, baseline_v, "Baseline", issues, "The baseline of {}", ref),
                baseline_year=text(baseline_year),
                stretch=stretch,
                expected_without_stretch=_num(table, r, ews_v, "Expected without stretch", issues,
                                              "Expected performance without stretch of {}", ref),
                reward_grant=_num(table, r, grant_v, "Reward grant", issues, "The reward grant of {}", ref),
            )
        )  # fmt: skip
        if stretch and (targets[-1].expected_without_stretch is None or targets[-1].reward_grant is None):
            issues.append(
                error("stretch-incomplete",
                      f"{ref} is a stretch target: give 'Expected without stretch' and 'Reward grant'.",
                      table.loc(r, "Stretch"))
            )  # fmt: skip
    return targets


def _load_profiles(
    grids: Mapping[str, Grid], file: str, issues: list[Issue], refs: Mapping[str, str]
) -> dict[tuple[str, FinancialYear], Profile]:
    table = _table(grids, file, "Profiles", "Ref", PROFILE_COLUMNS[:2], issues,
                   {q: f"no target has a {q} profile (its RAG is No data)" for q in QUARTERS})
    if table is None:
        return {}
    out: dict[tuple[str, FinancialYear], Profile] = {}
    years: dict[Any, FinancialYear] = {}  # a register repeats a handful of years thousands of times
    pick = table.picker(PROFILE_COLUMNS)
    q_what = {q: f"The {q} profile of {{}}" for q in QUARTERS}
    for r, v in table.rows:
        ref_v, year_v, *quarter_vs, annual_v = pick(v)
        ref = normalise_ref(ref_v)
        try:
            year = years.get(year_v) if year_v.__class__ is str else None
            if year is None:
                year = FinancialYear.parse(year_v)
                if year_v.__class__ is str:
                    years[year_v] = year
        except PeriodError as e:
            issues.append(error("bad-year", str(e), table.loc(r, "Financial year")))
            continue
        if ref.upper() not in refs:
            issues.append(
                error("unknown-ref", f"Profile for {ref}, which is not on the Targets sheet.", table.loc(r, "Ref"))
            )
            continue
        ref = refs[ref.upper()]  # as the Targets sheet writes it ('ds-01' here is its DS-01)
        if (ref, year) in out:
            issues.append(error("duplicate-profile", f"{ref} has two profile rows for {year}.", table.loc(r, "Ref")))
            continue
        qs = {q: _num(table, r, qv, q, issues, q_what[q], ref) for q, qv in zip(QUARTERS, quarter_vs, strict=True)}
        annual = _num(table, r, annual_v, "Annual target", issues, "The annual target of {}", ref)
        out[(ref, year)] = Profile(ref, year, qs, annual)
    return out


def _load_partnerships(grids: Mapping[str, Grid], file: str, issues: list[Issue]) -> list[Partnership]:
    table = _table(grids, file, "Partnerships", "Code", ("Code", "Name"), issues,
                   {"Email": "no partnership can be emailed"})
    if table is None:
        return []
    out: dict[str, Partnership] = {}
    for r, v in table.rows:
        code = text(table.value(v, "Code")).upper()
        if not code:
            continue
        if _BAD_IN_FILE_NAME.search(code) or code.startswith(".") or code in _RESERVED_NAMES:
            # it names the partnership's return file: 'C/Y' wrote one into a subfolder, '../..' outside the folder
            issues.append(error("bad-code", f"Partnership code '{code}' cannot name the partnership's return file "
                                "(no / \\ : * ? \" < > |, no leading dot, not a name Windows keeps for itself): use "
                                "letters and digits, like CYP. This row is not used.", table.loc(r, "Code")))  # fmt: skip
            continue
        if code in out:  # counted twice in every summary otherwise
            issues.append(error("duplicate-partnership", f"Partnership {code} is listed twice: only the first row is "
                                "used. Keep one row.", table.loc(r, "Code")))  # fmt: skip
            continue
        out[code] = Partnership(code, text(table.value(v, "Name")), text(table.value(v, "Lead contact")),
                                text(table.value(v, "Email")))  # fmt: skip
    return list(out.values())


def _load_timetable(grids: Mapping[str, Grid], file: str, issues: list[Issue]) -> list[TimetableEntry]:
    table = _table(grids, file, "Timetable", "Period", ("Period", "Deadline"), issues)
    if table is None:
        return []
    out: list[TimetableEntry] = []
    seen: dict[Period, int] = {}  # period -> the row it is first on
    for r, v in table.rows:
        try:
            period = Period.parse(table.value(v, "Period"))
        except PeriodError as e:
            issues.append(error("bad-period", str(e), table.loc(r, "Period")))
            continue
        dates: dict[str, dt.date | None] = {}
        for col in TIMETABLE_COLUMNS[1:]:
            try:
                dates[col] = parse_date(table.value(v, col))
            except ValueError as e:
                issues.append(error("bad-date", f"'{e}' is not a date: write it like 2008-11-12.", table.loc(r, col)))
                dates[col] = None
        if period in seen:
            issues.append(warning("duplicate-period", f"{period} is in the timetable twice (first at "
                                  f"{table.cell(seen[period], 'Period')}): only the first row is used.",
                                  table.loc(r, "Period")))  # fmt: skip
            continue
        seen[period] = r
        issues.extend(_timetable_doubts(period, dates["Open"], dates["Deadline"], table, r))
        out.append(TimetableEntry(period, dates["Open"], dates["Deadline"], dates["PSB papers"], dates["PSB meeting"]))
    return out


def _timetable_doubts(period: Period, opens: dt.date | None, deadline: dt.date | None, table: SheetTable,
                      r: int) -> list[Issue]:  # fmt: skip
    """A deadline that would make every return late (or none): one before the period ended or before it opens,
    or none at all (then no return is checked for lateness)."""
    ended = period.year.quarter_end(period.last_quarter)
    if deadline is None:
        return [warning("missing-deadline", f"{period} has no deadline, so no return is checked for lateness. Add "
                        "one.", table.loc(r, "Deadline"))]  # fmt: skip
    if deadline < ended:
        return [warning("early-deadline", f"The {period} deadline, {deadline:%d %b %Y}, is before {period.last_quarter} "
                        f"{period.year} ended ({ended:%d %b %Y}): every return would count as late. Check the year.",
                        table.loc(r, "Deadline"))]  # fmt: skip
    if opens is not None and deadline < opens:
        return [warning("early-deadline", f"The {period} deadline, {deadline:%d %b %Y}, is before the round opens "
                        f"({opens:%d %b %Y}). Check both dates.", table.loc(r, "Deadline"))]  # fmt: skip
    return []


def _load_settings(grids: Mapping[str, Grid], file: str, issues: list[Issue]) -> Settings:
    grid = grids.get("Settings")
    if grid is None:
        issues.append(_missing_sheet(file, "Settings"))
        return Settings()
    pairs = label_values(grid)

    def get(label: str) -> str:
        return text(pairs.get(norm(label), (0, None))[1])

    period: Period | None = None
    if get("Current period"):
        raw = pairs[norm("Current period")][1]
        try:
            period = Period.parse(raw if isinstance(raw, dt.date) else get("Current period"))  # a date: said so
        except PeriodError as e:
            issues.append(error("bad-period", str(e), Location(file, "Settings", f"B{pairs[norm('Current period')][0]}")))
    return Settings(get("Area"), get("LAA"), get("Government Office"), get("GO contact"), get("GO email"),
                    get("Returns folder"), period)  # fmt: skip


def _cross_checks(reg: Register, file: str) -> Iterable[Issue]:
    codes = {p.code for p in reg.partnerships}
    years = reg.years()
    for t in reg.targets:
        where = Location(file, "Targets")
        if codes and t.partnership not in codes:
            yield error("unknown-partnership",
                        f"{t.ref} belongs to partnership '{t.partnership}', which is not on the Partnerships sheet.",
                        where)  # fmt: skip
        for y in years:
            p = reg.profiles.get((t.ref, y))
            if p is None:
                yield error("missing-profile-year", f"{t.ref} has no profile for {y}. Add a row on Profiles.",
                            Location(file, "Profiles"))  # fmt: skip
            else:
                for q in t.due_quarters:
                    if p.quarters.get(q) is None:
                        yield warning("missing-profile", f"{t.ref} has no {q} profile for {y}, though it is due then.",
                                      Location(file, "Profiles"))  # fmt: skip
