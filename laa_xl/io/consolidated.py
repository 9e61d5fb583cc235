"""The consolidated workbook: write it safely, read it back, archive what went into it.

``write_consolidated`` writes CONSOLIDATED.xlsx (sheets in the order of the
contract: Data, Issues, Log, GO Return, PSB Summary, Reward, Risks, Spend, then
the register sheets, so the file is itself a register). It writes to a temporary
file and renames it; the file it replaces is kept as ``<name>.previous.xlsx``.
``archive_returns`` copies every consolidated return to ``archive/<sha256>.xlsx``
beside the output, with its log entry as ``<sha256>.json``.
``read_consolidated`` turns the file back into a ``Consolidation`` (for
``go-return`` and for restatements against ``--previous``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import math
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..core import reports, rules
from ..core.consolidate import MISSING, USED, ActualKey, Consolidation, LogEntry
from ..core.issues import Issue, Location, error
from ..core.layout import Row, SheetLayout, StreamLayout
from ..core.numbers import NotANumber, is_blank, text, to_number
from ..core.periods import FinancialYear, Period, PeriodError
from ..core.register import REGISTER_SHEETS, load_register, normalise_ref, parse_date
from ..core.returns import Observation, Risk, Spend
from ..core.table import find_table, label_values, norm
from ..errors import LaaError, UnreadableFile
from .files import atomic_path
from .grids import read_columns, read_grids, sheet_names
from .packed import PackedRows
from .paint import Painter
from .sheet_stream import NotPlain
from .stream_paint import discard_streams_on_error
from .styles import PAGES_WIDE
from .xlsx_fast import Workbook

CONSOLIDATED_SHEETS = ("Data", "Issues", "Log", "GO Return", "PSB Summary", "Reward", "Risks", "Spend")
_LOC_RE = re.compile(r"^(?:\[(?P<file>[^\]]*)\])?(?P<sheet>[^!]*)(?:!(?P<cell>.*))?$")


def backup_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.previous{out.suffix}")


def archive_dir(out: Path) -> Path:
    return out.parent / "archive"


def consolidated_streams(cons: Consolidation) -> list[SheetLayout]:
    """The consolidated sheets; the big tables as streamed layouts (painted row by row)."""
    return list(consolidated_sheets(cons))


def consolidated_sheets(cons: Consolidation) -> Iterator[SheetLayout]:
    """``consolidated_streams`` one at a time: each is laid out when the one before has been painted."""
    yield reports.data_stream(cons)
    yield reports.issues_stream(cons.issues)
    yield reports.log_stream(cons.log)
    yield reports.go_return_stream(cons)
    yield reports.psb_stream(cons)
    yield reports.reward_layout(cons)
    yield reports.risks_stream(cons.risks)
    yield reports.spend_stream(cons.spend)


def consolidated_layouts(cons: Consolidation) -> list[SheetLayout]:
    return [lay.materialise() if isinstance(lay, StreamLayout) else lay for lay in consolidated_streams(cons)]


def register_streams(register_grids: Mapping[str, Sequence[Sequence[Any]]], period: Period) -> list[SheetLayout]:
    """The register sheets copied as values, with Settings' Current period set to the period consolidated."""
    out: list[SheetLayout] = []
    for name in REGISTER_SHEETS:
        grid: Sequence[Sequence[Any]] = register_grids.get(name, [])
        end = len(grid)
        while end and all(v is None or v == "" for v in grid[end - 1]):
            end -= 1
        grid = grid[:end]
        setting: tuple[int, str] | None = None
        if name == "Settings":
            pairs = label_values(grid)
            if norm("Current period") in pairs:
                setting = (pairs[norm("Current period")][0] - 1, str(period))
            else:
                grid = [*grid, ["Current period", str(period)]]
        width = max((len(r) for r in grid), default=0)
        # printed as the other tables are (a wide one on PAGES_WIDE pages, its ref on each)
        lay = StreamLayout(name, landscape=True, fit_width=True, pages_wide=PAGES_WIDE.get(name, 1))
        if lay.pages_wide > 1:
            lay.repeat_cols = (0, 0)
        if name != "Settings" and grid:
            lay.freeze = (1, 1)
            lay.autofilter = (0, 0, max(len(grid) - 1, 1), width - 1)
            lay.repeat_rows = (0, 0)
        lay.body = _register_rows(lay, grid, width, name != "Settings", setting)
        out.append(lay)
    return out


def _register_rows(lay: StreamLayout, grid: Sequence[Sequence[Any]], width: int, header: bool,
                   setting: tuple[int, str] | None) -> Iterator[Row]:  # fmt: skip
    """A register sheet's rows, its columns measured for ``auto_width`` first (a column at a time, in C where it
    holds only text or only numbers: a national register has a million cells)."""
    if setting is not None:
        grid = [[row[0], setting[1], *row[2:]] if r == setting[0] else row for r, row in enumerate(grid)]
    longest = [0.0] * width
    body = grid[1:] if header else grid
    if header and grid:
        for c, v in enumerate(grid[0]):
            if v is not None:
                longest[c] = _shown_len(v) * 0.9
    dated = False
    for c, col in enumerate(itertools.zip_longest(*body)):
        kinds = set(map(type, col))
        kinds.discard(type(None))
        dated = dated or any(issubclass(k, dt.date) for k in kinds)
        n: float = 0
        numbers = [v for v in col if v is not None] if kinds == {float} else []
        if kinds == {str}:
            n = max(map(len, filter(None, col)), default=0)
        elif numbers and math.isfinite(sum(numbers)):  # the longest shown is the largest or the smallest
            lo = min(numbers)
            if lo == 0 and any(math.copysign(1.0, v) < 0 for v in numbers if v == 0):
                lo = -0.0  # shown '-0.00'
            n = max(_shown_len(max(numbers)), _shown_len(lo))
        elif kinds:
            n = max((_shown_len(v) for v in col if v is not None), default=0)
        if n > longest[c]:
            longest[c] = n
    lay.widths = [float(max(6, min(60, n + 2))) for n in longest]
    plain: dict[int, tuple[str, ...]] = {}
    styles: dict[tuple[bool, ...], tuple[str, ...]] = {}
    for r, row in enumerate(grid):
        if r == 0 and header:
            st: tuple[str, ...] = ("header",) * len(row)
        elif not dated:
            st = plain.get(len(row)) or plain.setdefault(len(row), ("plain",) * len(row))
        else:
            dates = tuple(isinstance(v, dt.date) for v in row)
            st = styles.get(dates) or styles.setdefault(dates, tuple("date" if d else "plain" for d in dates))
        yield row, st, None, None


def _shown_len(v: Any) -> float:
    """How wide a register value shows: a number with thousands and two decimals, anything else as text."""
    return len(f"{v:,.2f}") if isinstance(v, float) else len(str(v))


def register_layouts(register_grids: Mapping[str, Sequence[Sequence[Any]]], period: Period) -> list[SheetLayout]:
    return [lay.materialise() for lay in register_streams(register_grids, period) if isinstance(lay, StreamLayout)]


def write_workbook(path: Path, layouts: Iterable[SheetLayout], *, font_size: int = 10) -> Path:
    """Paint layouts into one .xlsx, written to a temporary file and renamed into place."""
    with atomic_path(path) as tmp:
        wb = Workbook(  # XlsxWriter's, packed faster (xlsx_fast)
            str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        )
        wb.set_properties({"created": dt.datetime(2008, 4, 1), "author": "laa-xl", "company": ""})
        painter = Painter(wb, font_size)
        with discard_streams_on_error(wb):
            for lay in layouts:
                painter.paint(lay)
                del lay  # a generator's sheet goes before the next is laid out
            wb.close()
    return path


def write_consolidated(
    cons: Consolidation, out: str | Path, register_grids: Mapping[str, Sequence[Sequence[Any]]]
) -> Path:
    """Write CONSOLIDATED.xlsx; the file it replaces is kept as ``<name>.previous.xlsx``. When neither this
    consolidation nor the one it replaces used any return (the wrong folder, twice), the .previous copy is left as it
    is: it is then the last consolidation that used some."""
    out = Path(out)
    used = any(e.status == USED for e in cons.log)
    if out.exists() and (used or not backup_path(out).exists() or _used_any_return(out)):
        with atomic_path(backup_path(out), like=out) as tmp:
            shutil.copyfile(out, tmp)
    sheets = itertools.chain(consolidated_sheets(cons), register_streams(register_grids, cons.period))
    return write_workbook(out, sheets)  # each sheet laid out, painted and let go in turn


def _used_any_return(path: Path) -> bool:
    """Whether a consolidated workbook's Log has a return Used (True when it cannot be told: keep it, as before).
    Read only when the new consolidation used none: it reads the whole workbook's shared strings."""
    try:
        grids = read_grids(path, ["Log"])
    except Exception:  # noqa: BLE001 - damaged or not ours: keep a copy of it, as any file replaced
        return True
    rows = list(_records(grids, path.name, "Log", "Partnership"))
    return not rows or any(text(get("Status")).lower() == "used" for get in rows)


def archive_returns(out: str | Path, contents: Mapping[str, bytes | Path], log: Iterable[LogEntry]) -> list[Path]:
    """Copy every file submitted (used, superseded or refused) to archive/<sha256><suffix>, with its log entry.

    A refused file is archived too, so nothing submitted is ever lost (only a file over the size limit, never
    read, is logged without a copy). ``contents`` gives each file's bytes, or the file itself: then the copy
    is hashed again and kept only if it is still the file that was consolidated (same SHA-256).
    """
    folder = archive_dir(Path(out))
    written: list[Path] = []
    for e in log:
        if e.status == MISSING or not e.sha256 or e.file not in contents:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        suffix = Path(e.file).suffix.lower()
        if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
            suffix = ".bin"
        target = folder / f"{e.sha256}{suffix}"
        if not target.exists():
            with atomic_path(target) as tmp:
                src = contents[e.file]
                if isinstance(src, Path):
                    shutil.copyfile(src, tmp)
                    if _sha256(tmp) != e.sha256:
                        raise UnreadableFile(f"{e.file} changed while it was being consolidated: it is not archived. "
                                             "Run the consolidation again.")  # fmt: skip
                else:
                    tmp.write_bytes(src)
        with atomic_path(folder / f"{e.sha256}.json") as tmp:
            tmp.write_text(json.dumps(asdict(e), default=str, indent=2) + os.linesep, encoding="utf-8")
        written.append(target)
    return written


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# --- reading a consolidated workbook back --------------------------------------------


def parse_location(value: object, share: Callable[[str, str], str] | None = None) -> Location:
    """'[file]sheet!cell' back as a Location. ``share``: e.g. a dict's ``setdefault``, so that the file and sheet
    names, repeated on thousands of rows, are one object each."""
    where = text(value)
    m = _LOC_RE.match(where) if where else None
    if not m:
        return Location()
    file, sheet = m.group("file") or "", m.group("sheet") or ""
    if share is not None:
        file, sheet = share(file, file), share(sheet, sheet)
    return Location(file, sheet, m.group("cell") or "")


def _num(v: object) -> float | None:
    try:
        return to_number(v)
    except NotANumber:
        return None


def _date(v: object) -> dt.date | None:
    try:
        return parse_date(v)
    except ValueError:
        return None


# The Data columns a Consolidation is read back from, in the order ``_DataRows.observation`` takes them.
DATA_READ = ("Financial year", "RAG", "Reported RAG", "Ref", "Partnership", "Quarter", "Profile", "Actual",
             "% variance", "Commentary", "Remedial action", "Source", "Direction")  # fmt: skip


_FY, _REF, _QUARTER, _ACTUAL = (DATA_READ.index(h) for h in ("Financial year", "Ref", "Quarter", "Actual"))


class _DataRows:
    """Data rows back as Observations. A national Data sheet has 240,000 rows but a year or two, four quarters and
    a few thousand refs: each is parsed once and shared by every row that has it."""

    def __init__(self) -> None:
        self.years: dict[tuple[type, object], FinancialYear | None] = {}  # 1 == 1.0 == True: keyed with the type
        self.refs: dict[tuple[type, object], str] = {}
        self.quarters: dict[tuple[type, object], str] = {}
        self.texts: dict[str, str] = {}  # partnerships, RAGs, directions, file and sheet names: one object each
        self.not_numbers: list[tuple[str, FinancialYear, str, object]] = []  # an Actual typed that is no number

    def year(self, value: object) -> FinancialYear | None:
        key = (value.__class__, value)
        if key not in self.years:
            try:
                self.years[key] = FinancialYear.parse(value)
            except PeriodError:
                self.years[key] = None
        return self.years[key]

    def ref(self, value: object) -> str:
        r = self.refs.get((value.__class__, value))
        if r is None:
            r = self.refs[value.__class__, value] = normalise_ref(value)
        return r

    def quarter(self, value: object) -> str:
        q = self.quarters.get((value.__class__, value))
        if q is None:
            q = self.quarters[value.__class__, value] = text(value).upper()
        return q

    def observation(self, values: Sequence[Any]) -> Observation | None:
        """The row (values in ``DATA_READ`` order) as an Observation; None for a row with no financial year."""
        fy, rag, reported, ref, partnership, quarter, profile, actual, variance, commentary, remedial, source, \
            direction = values  # fmt: skip
        year = self.year(fy)
        if year is None:
            return None
        rag = self.shared(rag)
        reported = self.shared(reported) or rag
        typed = rules.normalise_rag(reported)  # 'green' typed on Data is Green (Excel's colour rule ignores case)
        if typed is not None and typed != reported:
            reported = typed
        number = _num(actual)  # a date or a boolean is none (to_number refuses them)
        if number is None and not is_blank(actual):  # 'approx 29' typed over a figure: No data, and said so
            self.not_numbers.append((self.ref(ref), year, self.quarter(quarter), actual))
        return Observation(
            self.ref(ref), self.shared(partnership), year, self.quarter(quarter), _num(profile), number,
            _num(variance), rag, reported,
            rag_override=reported if reported != rag and reported in ("Red", "Amber", "Green") else None,
            commentary=text(commentary), remedial_action=text(remedial),
            source=parse_location(source, self.texts.setdefault),
            direction=self.shared(direction) or None,
        )  # fmt: skip

    def shared(self, value: object) -> str:
        """``text(value)``, one object for each distinct text."""
        t = text(value)
        return self.texts.setdefault(t, t)


def read_consolidated(path: str | Path) -> tuple[Consolidation, dict[str, str], list[Issue]]:
    """A consolidated workbook back as a Consolidation, the evidence per target, and register issues."""
    path = Path(path)
    from .preflight import CENTRAL_LIMITS, preflight

    sheets = (*_READ_BACK, *REGISTER_SHEETS)
    # raises UnsafeFile (an UnreadableFile) before calamine sees a hostile file
    preflight(path, limits=CENTRAL_LIMITS, sheets=(*sheets, "GO Return"))
    try:  # only the sheets a Consolidation is made of (Data row by row, below); of the GO Return, two columns
        grids = read_grids(path, [s for s in sheets if s != "Data"])
        if "Data" in sheet_names(path):
            grids["Data"] = []  # read row by row, as it inflates (read_data_rows)
        go = read_columns(path, "GO Return", reports.GO_RETURN_FIRST, (reports.GO_RETURN_FIRST, _EVIDENCE))
    except Exception as e:  # calamine raises its own error types for non-workbooks
        raise UnreadableFile(f"{path.name} cannot be read as a workbook ({e}).") from e
    data = functools.partial(read_data_rows, path, required=("Ref", "Actual"))
    try:
        return consolidation_from_grids(grids, path.name, go_evidence=go or [], data=data)
    except UnreadableFile as e:
        raise UnreadableFile(f"{e}{_what_it_is(path)}") from e


def _what_it_is(path: Path) -> str:
    """For a workbook that is not a consolidation: what it is, and what to give instead ('' when it cannot be told)."""
    from .return_files import CONSOLIDATED_WORKBOOK, our_workbook, sheet_names_of

    kind = our_workbook(path)
    if kind == "a register":
        return " It is a register: give the CONSOLIDATED.xlsx that laa-xl consolidate wrote from it."
    if kind is not None and kind != CONSOLIDATED_WORKBOOK:
        return f" It is {kind}: give the consolidated workbook it was made from."
    if {"Cover", "Q1"} <= set(sheet_names_of(path)):
        return (" It is a partnership's return: consolidate the returns folder first (laa-xl consolidate), and give "
                "the CONSOLIDATED.xlsx that writes.")  # fmt: skip
    return ""


_READ_BACK = ("Data", "Issues", "Log", "Risks", "Spend")
_EVIDENCE = "Inspection/survey evidence"


DataReader = Callable[[Callable[[tuple[Any, ...]], None], Callable[[], None]], bool]


def consolidation_from_grids(
    grids: Mapping[str, Sequence[Sequence[Any]]], name: str, *, go_evidence: Sequence[Sequence[Any]] | None = None,
    data: DataReader | None = None,
) -> tuple[Consolidation, dict[str, str], list[Issue]]:
    """``read_consolidated`` for sheets already read (a file's, or the live central workbook's).
    ``go_evidence``: the GO Return's (label, evidence) rows, when its sheet is not in ``grids``.
    ``data``: Data's rows come from it (``read_data_rows`` of the file) rather than from ``grids["Data"]``."""
    missing = [s for s in ("Data", "Settings", "Targets") if s not in grids]
    if missing:
        raise UnreadableFile(f"{name} is not a consolidated workbook: it has no {', '.join(missing)} sheet.")
    register, reg_issues = load_register({k: v for k, v in grids.items() if k in REGISTER_SHEETS}, name)
    period = register.settings.current_period
    if period is None:
        raise UnreadableFile(f"{name}: the Settings sheet gives no 'Current period'.")

    observations: list[Observation] = []
    carried: PackedRows[Observation] = PackedRows()  # last year's rows, below this year's (only written out)
    last_year = period.year.previous()
    rows = _DataRows()

    def add(values: Sequence[Any]) -> None:
        o = rows.observation(values)
        if o is not None:
            (carried if o.year == last_year else observations).append(o)

    def again() -> None:
        observations.clear()
        carried.clear()

    if data is not None:
        found = data(add, again)
    else:
        table = find_table(grids["Data"], name, "Data", "Ref")
        found = table is not None and table.has("Actual")
        if table is not None and found:
            pick = table.picker(DATA_READ)
            for _, v in table.rows:
                add(pick(v))
    if not found:
        raise UnreadableFile(f"[{name}]Data: cannot find the header row (Ref ... Actual).")

    for where, year, quarter, typed in rows.not_numbers:
        if year != period.year:
            continue  # last year's rows: no GO return is made of them
        reg_issues.append(error("data-not-a-number", f"[{name}]Data: the Actual of {where} {year} {quarter} reads "
                                f"'{typed}', which is not a number.", Location(name, "Data")))  # fmt: skip
    issues = issues_of(grids, name)
    log: list[LogEntry] = []
    for get in _records(grids, name, "Log", "Partnership"):
        size = _num(get("Size (bytes)"))
        log.append(LogEntry(text(get("Partnership")), text(get("File")), int(size) if size is not None else None,
                            text(get("SHA-256")), _date(get("Date submitted")), _date(get("Deadline")),
                            text(get("Late")).lower() == "yes", int(_num(get("Rows taken")) or 0),
                            text(get("Status"))))  # fmt: skip
    risks: list[Risk] = []
    for get in _records(grids, name, "Risks", "Partnership"):
        score = _num(get("Score"))
        risks.append(Risk(text(get("Partnership")), text(get("Risk ID")), text(get("Target ref")), text(get("Risk")),
                          _num(get("Likelihood")), _num(get("Impact")), int(score) if score is not None else None,
                          text(get("Rating")) or None, text(get("Mitigation")), text(get("Owner")),
                          _date(get("Review date")), parse_location(get("Source"))))  # fmt: skip
    spend = [Spend(text(get("Partnership")), text(get("Block")), text(get("Quarter")), _num(get("Budget")),
                   _num(get("Spend")), _num(get("Forecast outturn")), parse_location(get("Source")))
             for get in _records(grids, name, "Spend", "Partnership")]  # fmt: skip
    if go_evidence is None:
        go_evidence = [(get(reports.GO_RETURN_FIRST), get(_EVIDENCE))
                       for get in _records(grids, name, "GO Return", reports.GO_RETURN_FIRST)]  # fmt: skip
    evidence: dict[str, str] = {}
    refs = {x.ref for x in register.targets}
    for label, ev in go_evidence:
        ref = _ref_of(text(label), refs)
        if ref and text(ev):
            evidence[ref] = text(ev)
    cons = Consolidation(register, period, observations, issues, log, risks, spend, [],
                         [e.partnership for e in log if e.status == MISSING], carried)  # fmt: skip
    return cons, evidence, reg_issues


def data_actuals(grid: Sequence[Sequence[Any]], name: str) -> dict[ActualKey, tuple[float | None, Any]]:
    """The actuals on a Data sheet's grid (the live sheet, before it is replaced), keyed as ``actuals_of`` keys
    them: each as a number (None when blank or not a number) and as the cell holds it. Empty when it has no Data
    table."""
    table = find_table(grid, name, "Data", "Ref")
    if table is None or not table.has("Actual"):
        return {}
    pick, rows, at = table.picker(DATA_READ), _DataRows(), DATA_READ.index("Actual")
    out: dict[ActualKey, tuple[float | None, Any]] = {}
    for _, v in table.rows:
        values = pick(v)
        o = rows.observation(values)
        if o is not None:
            out[(o.ref, o.year, o.quarter)] = (o.actual, values[at])
    return out


def issues_of(grids: Mapping[str, Sequence[Sequence[Any]]], name: str) -> list[Issue]:
    """The Issues sheet's rows as Issues (none when the sheet or its header row is missing)."""
    return [Issue(text(get("Code")), text(get("Severity")).lower(), text(get("Message")),
                  Location(text(get("File")), text(get("Sheet")), text(get("Cell"))))
            for get in _records(grids, name, "Issues", "Severity")]  # fmt: skip


def _records(
    grids: Mapping[str, Sequence[Sequence[Any]]], name: str, sheet: str, first: str
) -> Iterator[Callable[[str], Any]]:
    """Each row of a sheet's table, as a function of a column's header giving its value; none when the sheet or its
    header row is missing."""
    t = find_table(grids.get(sheet, []), name, sheet, first)
    if t is not None:
        for _, v in t.rows:
            yield functools.partial(t.value, v)


def _ref_of(label: str, refs: set[str]) -> str | None:
    """The target ref a GO Return label ('NI 154 Net additional homes provided') starts with: the longest ref
    followed by a space (a few set lookups, one per space, so a national GO Return is read in linear time)."""
    cut = label.rfind(" ")
    while cut > 0:
        if label[:cut] in refs:
            return label[:cut]
        cut = label.rfind(" ", 0, cut)
    return None


def read_previous(
    path: str | Path, carry: FinancialYear | None = None
) -> tuple[dict[ActualKey, float | None], PackedRows[Observation]]:
    """What a consolidation needs of the output it replaces, read from its Data sheet row by row (not the whole
    workbook: a national one is read in a fraction of the time and memory): every row's actual, keyed as
    ``actuals_of`` keys a consolidation's Data rows, and the rows of ``carry`` (last year) as Observations, to
    carry forward (held deflated, ``PackedRows``: nothing looks at them until Data is written).
    Only the four key columns (Ref, Financial year, Quarter, Actual) must be there; any other column the output
    lacks reads as blank, as in ``consolidation_from_grids``."""
    path = Path(path)
    from .preflight import CENTRAL_LIMITS, preflight

    preflight(path, limits=CENTRAL_LIMITS, sheets=("Data",))  # the only sheet read
    actuals: dict[ActualKey, float | None] = {}
    carried: PackedRows[Observation] = PackedRows()
    rows = _DataRows()

    def add(values: tuple[Any, ...]) -> None:
        year = rows.year(values[_FY])
        if year is None:
            return
        if year == carry and (o := rows.observation(values)) is not None:
            carried.append(o)
        # a later row of the same key replaces an earlier one; keyed as the Observation is (``_DataRows``)
        actuals[(rows.ref(values[_REF]), year, rows.quarter(values[_QUARTER]))] = _num(values[_ACTUAL])

    def again() -> None:
        actuals.clear()
        carried.clear()

    if not read_data_rows(path, add, again, required=("Ref", "Financial year", "Quarter", "Actual")):
        raise UnreadableFile(f"{path.name} is not a consolidated workbook: its Data sheet has no header row "
                             f"(Ref, Financial year, Quarter ... Actual).{_what_it_is(path)}")  # fmt: skip
    return actuals, carried


def read_data_rows(
    path: Path, on_row: Callable[[tuple[Any, ...]], None], again: Callable[[], None], *, required: Sequence[str]
) -> bool:
    """Each row of the file's Data sheet, as its ``DATA_READ`` values, handed to ``on_row`` as the sheet inflates
    (``sheet_stream``: a national Data sheet is never held whole). Should a cell or part be of a shape the
    streaming reader does not know, ``again()`` is called and every row is read again, from the first, with
    python-calamine. False when there is no Data sheet, no header row or no ``required`` column."""
    try:
        try:
            found = read_columns(path, "Data", "Ref", DATA_READ, required=required, on_row=on_row, streamed=True)
        except NotPlain:
            again()
            found = read_columns(path, "Data", "Ref", DATA_READ, required=required, on_row=on_row)
    except LaaError:  # on_row's own, saying what is wrong with a row
        raise
    except Exception as e:  # calamine raises its own error types for non-workbooks
        raise UnreadableFile(f"{path.name} cannot be read as a workbook ({e}).") from e
    return found is not None


def go_blockers(cons: Consolidation, issues: Sequence[Issue], name: str) -> str | None:
    """Why no GO return (or PSB summary) is made from this consolidation as it now stands, or None: an Actual on
    Data that is not a number, a target's row for a due quarter deleted from Data (either would go to the
    Government Office, or the Board, as No data without a word), or two rows for one target and quarter (the last,
    perhaps a copy, would go)."""
    problems = [i.message.split("Data: ", 1)[-1].rstrip(".") for i in issues if i.code == "data-not-a-number"]
    rows = Counter((o.ref, o.quarter) for o in cons.observations if o.year == cons.year)
    twice = [f"{ref} {q}" for (ref, q), n in rows.items() if n > 1]
    if twice:
        problems.append(f"there are two rows or more for {', '.join(twice[:5])}{' and more' if len(twice) > 5 else ''} "
                        f"({cons.year}; copied?), and only the last would be used")
    gone = [f"{t.ref} {q}" for t in cons.register.targets for q in cons.quarters
            if (t.ref, q) not in rows and t.is_due(q)]  # a Not due row deleted loses nothing
    if gone:
        more = f" and {len(gone) - 5} more" if len(gone) > 5 else ""
        problems.append(f"there is no row for {', '.join(gone[:5])}{more} ({cons.year}; deleted?)")
    if not problems:
        return None
    return (f"[{name}]Data: these would reach the Board or the GO wrongly, without a word: "
            f"{'; '.join(problems[:6])}"
            f"{'; …' if len(problems) > 6 else ''}. On the Data sheet, type each figure alone (a number) or clear "
            "it, and delete a copied row; consolidate again to bring back deleted rows. Nothing was written.")
