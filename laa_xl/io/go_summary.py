"""Read what the emails need from GO.xlsx and CONSOLIDATED.xlsx (found by header text, never by position).

GO.xlsx (written by ``laa-xl go-return``): the ``Summary`` sheet (title,
label/value pairs, the RAG count tables headed ``Partnership`` and ``Block``)
and the ``GO Return`` sheet (Annex A: the Red targets, their comments and
remedial actions). CONSOLIDATED.xlsx: its register sheets (through
``read_register``), ``Log``, ``Issues`` and ``Data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.email_content import (
    RAG_COLUMNS,
    ChaseInput,
    DataRow,
    GoSummary,
    LogEntry,
    RagCounts,
    RedTarget,
    TargetInfo,
    split_remedial,
)
from ..core.issues import has_errors
from ..core.numbers import NotANumber, text, to_number
from ..core.periods import FinancialYear, Period, PeriodError, quarter_label
from ..core.register import parse_date
from ..core.table import find_table, label_values, norm
from ..errors import LaaError, UnreadableFile
from .grids import read_grids, sheet_names
from .preflight import CENTRAL_LIMITS, preflight
from .register_io import read_register


class NotAGoWorkbook(LaaError):
    """The file is not a GO return workbook as ``laa-xl go-return`` writes it."""


class NotAConsolidatedWorkbook(LaaError):
    """The file is not a consolidated workbook as ``laa-xl consolidate`` writes it."""


def _read(path: Path, sheets: Sequence[str], *, checked: Sequence[str] = ()) -> dict[str, list[list[Any]]]:
    """The sheets' grids, once the preflight has passed them and ``checked`` (sheets read otherwise)."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file.")
    if path.suffix.lower() != ".xlsx":
        raise UnreadableFile(f"{path}: expected an .xlsx workbook.")
    # before calamine sees them (a far cell would abort it)
    preflight(path, limits=CENTRAL_LIMITS, sheets=(*sheets, *checked))
    try:
        return read_grids(path, sheets)
    except Exception as e:  # calamine raises its own types for a corrupt or non-zip file
        raise UnreadableFile(f"{path}: cannot be read as an Excel workbook ({e}).") from e


def _blank_row(row: Sequence[Any]) -> bool:
    return all(text(v) == "" for v in row)


def _count_table(grid: list[list[Any]], first: str, file: str) -> list[RagCounts]:
    """The block of rows under a header whose first cell reads ``first``, up to the next blank row."""
    start = next((i for i, row in enumerate(grid) if row and norm(row[0]) == norm(first)), None)
    if start is None:
        return []
    cols = {norm(v): c for c, v in enumerate(grid[start]) if text(v)}
    out: list[RagCounts] = []
    for r in range(start + 1, len(grid)):
        row = grid[r]
        if _blank_row(row):
            break
        counts: dict[str, int] = {}
        for rag in RAG_COLUMNS:
            c = cols.get(norm(rag))
            try:
                n = to_number(row[c]) if c is not None and c < len(row) else None
            except NotANumber as e:
                raise NotAGoWorkbook(f"[{file}]Summary row {r + 1}: the '{rag}' count must be a number, not '{e}'.") from e
            counts[rag] = int(n or 0)
        name = cols.get(norm("Name"))  # the GO does not know our codes: a named row is labelled by its name
        label = text(row[name]) if name is not None and name < len(row) else ""
        out.append(RagCounts(f"{label} ({text(row[0])})" if label else text(row[0]), counts))
    return out


def read_go_summary(path: str | Path) -> GoSummary:
    """The GO workbook's title, period, RAG counts and Red targets (with remedial actions)."""
    path = Path(path)
    grids = _read(path, ("Summary", "GO Return"))
    what = "Is this the workbook written by 'laa-xl go-return'?"
    if "Summary" not in grids:
        if {"Data", "Log"} <= set(sheet_names(path)):  # the consolidated workbook, a step too early
            raise NotAGoWorkbook(f"{path.name} is the consolidated workbook, not the GO return. Make the GO return "
                                 f"from it first (laa-xl go-return {path.name} --period PERIOD --out GO.xlsx, PERIOD "
                                 "like 2008/09 H1; or the GO return button), then email that.")  # fmt: skip
        raise NotAGoWorkbook(f"{path.name} has no 'Summary' sheet. {what}")
    summary = grids["Summary"]
    pairs = label_values(summary)

    def get(label: str) -> str:
        v = pairs.get(norm(label), (0, None))[1]
        if hasattr(v, "strftime"):
            return str(v.strftime("%d %B %Y")).lstrip("0")
        return text(v)

    area, period = get("Area"), get("Period")
    if not period:
        raise NotAGoWorkbook(f"[{path.name}]Summary has no 'Period' (label in column A, value in B). {what}")
    by_partnership = _count_table(summary, "Partnership", path.name)
    all_row = next((p for p in by_partnership if norm(p.label) == "all"), None)
    by_partnership = [p for p in by_partnership if norm(p.label) != "all"]
    by_block = [b for b in _count_table(summary, "Block", path.name) if norm(b.label) != "all"]
    reds = _red_targets(grids.get("GO Return"), path.name, period, what)
    title = text(summary[0][0]) if summary and summary[0] else ""
    return GoSummary(title=title, area=area, period=period, laa=get("LAA"),
                     government_office=get("Government Office"), prepared=get("Prepared"),
                     by_partnership=by_partnership, by_block=by_block, all=all_row, reds=reds)  # fmt: skip


def _red_targets(grid: list[list[Any]] | None, file: str, period_text: str, what: str) -> list[RedTarget]:
    if grid is None:
        raise NotAGoWorkbook(f"{file} has no 'GO Return' sheet. {what}")
    table = find_table(grid, file, "GO Return", "Outcome / target")
    if table is None:
        raise NotAGoWorkbook(f"[{file}]GO Return: cannot find the header row (a cell reading 'Outcome / target'). {what}")
    try:
        period = Period.parse(period_text)
    except PeriodError as e:
        raise NotAGoWorkbook(f"[{file}]Summary: {e}.") from e
    latest = quarter_label(period.year, period.last_quarter)
    for col in ("Measure", latest):
        if not table.has(col):
            raise NotAGoWorkbook(f"[{file}]GO Return has no '{col}' column in row {table.header_row}. {what}")
    comments = next((h for h in ("Comments on progress/risk mitigation", "Comments") if table.has(h)), None)
    reds: list[RedTarget] = []
    current: tuple[str, str, str] | None = None  # ref, title, comment of the target being read
    for _, vals in table.rows:
        measure = norm(table.value(vals, "Measure"))
        if measure == "profile":
            ref, title = _ref_title(text(table.value(vals, "Outcome / target")))
            current = (ref, title, text(table.value(vals, comments)) if comments else "")
        elif measure == "risk rating" and current is not None:
            if norm(table.value(vals, latest)) == "red":
                commentary, remedial = split_remedial(current[2])
                reds.append(RedTarget(current[0], current[1], commentary, remedial))
            current = None
    return reds


def _ref_title(label: str) -> tuple[str, str]:
    """'NI 154 Net additional homes provided' -> ('NI 154', 'Net additional ...'); 'DS-01 Reduce ...' likewise."""
    parts = label.split()
    if len(parts) >= 2 and parts[0].upper() == "NI" and parts[1].isdigit():
        return f"NI {parts[1]}", " ".join(parts[2:])
    return (parts[0], " ".join(parts[1:])) if parts else ("", "")


# --- the consolidated workbook, for chasing ----------------------------------------------------------------


def _chase_rows(path: Path, need: Sequence[str], what: str) -> list[DataRow]:
    """Data's rows as chasing needs them, read as the sheet inflates (``read_data_rows``): a national Data sheet of
    two years (480,000 rows) is never held whole, and each year, quarter and text is one object, shared."""
    from .consolidated import DATA_READ, read_data_rows  # here: it imports the writers, which emailing never needs

    fy_i, ref_i, p_i, q_i, rag_i, com_i, rem_i = (DATA_READ.index(h) for h in (
        "Financial year", "Ref", "Partnership", "Quarter", "Reported RAG", "Commentary", "Remedial action"))  # fmt: skip
    data: list[DataRow] = []
    years: dict[tuple[type, object], FinancialYear] = {}
    shared: dict[str, str] = {}

    def on_row(v: tuple[Any, ...]) -> None:
        fy = v[fy_i]
        year = years.get((fy.__class__, fy))
        if year is None:
            try:
                year = years[fy.__class__, fy] = FinancialYear.parse(text(fy))
            except PeriodError as e:
                raise NotAConsolidatedWorkbook(f"[{path.name}]Data, the row for {text(v[ref_i])} {text(v[q_i])}: "
                                               f"{e}. {what}") from e  # fmt: skip
        data.append(DataRow(one(text(v[ref_i])), one(text(v[p_i]).upper()), year, one(text(v[q_i]).upper()),
                            one(text(v[rag_i])), text(v[com_i]), text(v[rem_i])))  # fmt: skip

    def one(t: str) -> str:
        return shared.setdefault(t, t)

    if not read_data_rows(path, on_row, data.clear, required=need):
        raise NotAConsolidatedWorkbook(f"[{path.name}]Data needs the columns {', '.join(need)} in its header row "
                                       f"(or there is no Data sheet). {what}")  # fmt: skip
    return data


def _yes(v: Any) -> bool:
    return text(v).lower() in ("yes", "y", "true", "1")


def _date_text(v: Any) -> str:
    try:
        d = parse_date(v)
    except ValueError:
        return text(v)
    return d.strftime("%d %B %Y").lstrip("0") if d else ""


def read_chase_input(path: str | Path, period: str | None = None) -> ChaseInput:
    """Everything chasing needs from CONSOLIDATED.xlsx: contacts and sponsors, the Log, the Issues, the Data."""
    from .consolidated import issues_of  # here: it imports the writers, which emailing never needs

    path = Path(path)
    grids = _read(path, ("Log", "Issues"), checked=("Data",))  # Data is read as it inflates (below): it is big
    what = "Is this the workbook written by 'laa-xl consolidate'?"
    if "Log" not in grids:
        if {"Summary", "GO Return"} <= set(sheet_names(path)):  # the GO workbook, made from the one wanted
            raise NotAConsolidatedWorkbook(f"{path.name} is the GO return; chasing reads the consolidated workbook it "
                                           "was made from (CONSOLIDATED.xlsx).")  # fmt: skip
        raise NotAConsolidatedWorkbook(f"{path.name} has no 'Log' sheet. {what}")
    register, issues = read_register(path)
    if has_errors(issues) and not register.partnerships:
        first = next(i for i in issues if i.is_error)
        raise NotAConsolidatedWorkbook(f"{path.name}: its register sheets cannot be used: {first}. {what}")
    try:
        per = Period.parse(period) if period else register.settings.current_period
    except PeriodError as e:
        raise NotAConsolidatedWorkbook(f"{e}.") from e

    log_t = find_table(grids["Log"], path.name, "Log", "Partnership")
    if log_t is None or not log_t.has("Status"):
        raise NotAConsolidatedWorkbook(f"[{path.name}]Log has no header row with 'Partnership' and 'Status'. {what}")
    log = [
        LogEntry(text(log_t.value(v, "Partnership")).upper(), text(log_t.value(v, "File")),
                 _date_text(log_t.value(v, "Date submitted")), _date_text(log_t.value(v, "Deadline")),
                 _yes(log_t.value(v, "Late")), text(log_t.value(v, "Status")))
        for _, v in log_t.rows
    ]  # fmt: skip

    need = ("Ref", "Partnership", "Financial year", "Quarter", "Reported RAG")
    data = _chase_rows(path, need, what)
    if per is None:
        if not data:
            raise NotAConsolidatedWorkbook(f"[{path.name}]Settings has no 'Current period' and Data is empty. {what}")
        last = max(data, key=lambda d: (d.year.start, d.quarter))
        per = Period(last.year, last.quarter)

    return ChaseInput(
        area=register.settings.area,
        period=per,
        log=log,
        data=data,
        contacts=list(register.partnerships),
        targets=[TargetInfo(t.ref, t.title, t.partnership, t.sponsor) for t in register.targets],
        deadline=register.deadline(per),
        issues=issues_of(grids, path.name),  # a partnership's errors ask for a corrected return
    )
