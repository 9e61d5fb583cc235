"""The Home buttons (SPEC 6): each reads the live workbook through xlwings, calls the same library
functions as the ``laa-xl`` command, and writes whole 2-D blocks back.

Each sheet a button fills is a core ``SheetLayout`` (``laa_xl.core.reports``), the very layout the
files are painted from, painted into the live book by ``laa_xl.excel.paint``. The register, the
current period, the returns folder (relative to the workbook's folder unless absolute) and the GO
email come from the live book's own sheets.

A button never shows a Python traceback: a problem becomes one short message
box and, where it concerns a cell, rows on the ``Issues`` sheet. Progress goes
to Excel's status bar (where the runtime has one). Every function takes an
optional ``book`` so the same code runs from ``RunPython`` (``Book.caller()``),
from xlwings Lite and in tests on xlwings' JSON-book engine.

Files the buttons write go in the workbook's folder (for a book with no folder on disk, e.g. in
xlwings Lite or a test, the returns folder's parent): ``CONSOLIDATED.xlsx`` (as ``laa-xl
consolidate`` writes it, with its backup and the archive), ``GO_return_<period>.xlsx`` (values only,
what the GO receives) and ``PSB_summary_<period>.xlsx`` (with its charts).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..core import reports
from ..core.consolidate import COUNT_COLUMNS, Consolidation, actuals_of, recompute
from ..core.issues import ERROR, Issue, Location, column_name, error
from ..core.numbers import exact, is_blank, text
from ..core.periods import Period
from ..core.register import REGISTER_SHEETS, Register, load_register
from ..core.rules import same_actual
from ..core.table import label_values, norm
from ..errors import LaaError
from ..io.styles import RAG_FILLS
from .paint import paint, runs

TITLE = "LAA"
ISSUE_FILLS = {"error": "#FFC7CE", "warning": "#FFEB9C"}
CONSOLIDATED_NAME = "CONSOLIDATED.xlsx"
LIVE_SHEETS = ("Data", "Issues", "Log", "GO Return", "Risks", "Spend")
F = TypeVar("F", bound=Callable[..., Any])


class NotAvailableYet(LaaError):
    """This button's job is not in this version of laa_xl yet."""


class ButtonProblem(LaaError):
    """A problem the user can fix; the message says what and where. Issues (if any) go on the Issues sheet."""

    def __init__(self, message: str, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.issues = list(issues)


# --- the live workbook ------------------------------------------------------------


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def status(book: Any, text: str | bool) -> None:
    """Show progress in the status bar; runtimes without one (Office.js, the JSON book) just skip it."""
    with contextlib.suppress(Exception):  # a missing status bar must never stop a job
        book.app.status_bar = text


def alert(book: Any, message: str, title: str = TITLE) -> None:
    with contextlib.suppress(Exception):  # e.g. no UI at all: the details are still on the Issues sheet
        book.app.alert(message, title=title)


def sheet_names(book: Any) -> list[str]:
    return [s.name for s in book.sheets]


def grid(book: Any, name: str) -> list[list[Any]]:
    """A sheet's values from A1 to the last used cell, as rows (blank -> None)."""
    sheet = book.sheets[name]
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or []
    return [[None if v == "" else v for v in row] for row in values]


def grids(book: Any, names: Sequence[str]) -> dict[str, list[list[Any]]]:
    present = set(sheet_names(book))
    return {name: grid(book, name) for name in names if name in present}


def register_grids(book: Any) -> dict[str, list[list[Any]]]:
    return grids(book, REGISTER_SHEETS)


def load_live_register(book: Any) -> tuple[Register, list[Issue]]:
    """The register held in the live workbook's sheets; errors stop the job and are listed on Issues."""
    reg, issues = load_register(register_grids(book), book.name)
    errors = [i for i in issues if i.severity == ERROR]
    if not reg.targets or not reg.partnerships:  # as laa-xl refuses such a register (exit 2)
        raise ButtonProblem(f"The {'Targets' if not reg.targets else 'Partnerships'} sheet has no rows: the register "
                            "cannot be used without them. Fill it in and try again.", issues)  # fmt: skip
    if errors:
        raise ButtonProblem(
            f"The register has {len(errors)} error(s), the first at {errors[0].location}: {errors[0].message} They "
            "are all listed on the Issues sheet; fix them and try again.",
            issues,
        )
    return reg, issues


def settings_cell(book: Any, label: str) -> Location:
    """Where a Settings value is (column B of its label's row), for an issue that points at it."""
    pairs = label_values(grid(book, "Settings")) if "Settings" in sheet_names(book) else {}
    row = pairs.get(norm(label), (None,))[0]
    return Location(book.name, "Settings", f"B{row}" if row else "")


def current_period(reg: Register, book: Any = None) -> Period:
    """The Settings sheet's current period; a missing one stops the job with an issue at Settings."""
    if reg.settings.current_period is None:
        where = settings_cell(book, "Current period") if book is not None else Location(reg.file, "Settings")
        raise ButtonProblem(
            "Set the current period (e.g. 2008/09 Q2) on the Settings sheet first.",
            [error("missing-current-period", "The Settings sheet has no current period.", where)],
        )
    return reg.settings.current_period


def workbook_folder(book: Any) -> Path | None:
    """The folder the workbook is saved in; None for a book with no folder on disk (new, Lite, a test)."""
    try:
        full = Path(book.fullname)
    except Exception:  # noqa: BLE001 - a runtime without a full name
        return None
    return full.parent if full.is_absolute() and full.parent.is_dir() else None


def returns_folder(book: Any, reg: Register, *, create: bool = False) -> Path:
    """Settings' Returns folder, relative to the workbook's folder unless absolute."""
    text = reg.settings.returns_folder.strip()
    where = settings_cell(book, "Returns folder")
    if not text:
        raise ButtonProblem("Give the returns folder on the Settings sheet first (e.g. returns).",
                            [error("missing-returns-folder", "The Settings sheet has no returns folder.", where)])  # fmt: skip
    folder = Path(text).expanduser()
    if not folder.is_absolute():
        base = workbook_folder(book)
        if base is None:
            raise ButtonProblem(f"Save the workbook first: the returns folder '{text}' is found beside it.")
        folder = base / folder
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    if not folder.is_dir():
        raise ButtonProblem(
            f"The returns folder {folder} does not exist. Check 'Returns folder' on the Settings sheet.",
            [error("returns-folder-not-found", f"The returns folder {folder} does not exist.", where)],
        )
    return folder


def output_folder(book: Any, returns: Path) -> Path:
    """Where the buttons save files: the workbook's folder, else the returns folder's parent."""
    return workbook_folder(book) or returns.parent


def period_label(period: Period) -> str:
    return f"{period.year.file_label}_{period.kind}"


def go_period(period: Period) -> Period:
    """The GO reporting round for the current quarter: H1 after Q2, the year (Y) after Q4, else the quarter."""
    q = period.last_quarter
    return Period(period.year, {"Q2": "H1", "Q4": "Y"}.get(q, q))


# --- writing back -----------------------------------------------------------------


def write_table(
    book: Any, name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], fills: Mapping[int, str] | None = None
) -> None:
    """Replace a sheet's table with ``headers`` + ``rows`` as ONE 2-D block; colour rows in contiguous runs.

    ``fills`` maps a 0-based row index (of ``rows``) to a fill colour.
    """
    if name not in sheet_names(book):
        book.sheets.add(name, after=book.sheets[-1])
    sheet = book.sheets[name]
    width = len(headers)
    old = sheet.used_range.last_cell
    if old.row > 1:  # clear the previous table below the header, values and colours
        sheet.range((2, 1), (old.row, max(old.column, width))).clear()
    block = [list(headers)] + [[_cell(v) for v in list(r) + [None] * (width - len(r))] for r in rows]
    sheet.range("A1").value = block
    colour_rows(sheet, fills or {}, width)


def colour_rows(sheet: Any, fills: Mapping[int, str], width: int) -> None:
    for (first, last), colour in runs(fills):
        sheet.range((first + 2, 1), (last + 2, width)).color = colour


def _cell(v: Any) -> Any:
    """Text that a spreadsheet would evaluate (= + - @) is written as text, never as a formula (SPEC 8)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v



def write_issues(book: Any, issues: Sequence[Issue]) -> None:
    """The Issues sheet: the core's issues layout, each row coloured by its severity."""
    sheet = paint(book, reports.issues_layout(issues))
    fills = {n: ISSUE_FILLS[i.severity] for n, i in enumerate(issues) if i.severity in ISSUE_FILLS}
    colour_rows(sheet, fills, len(reports.ISSUE_COLUMNS))


def rag_fills(rows: Sequence[Sequence[Any]], column: int) -> dict[int, str]:
    return {n: RAG_FILLS[r[column]] for n, r in enumerate(rows) if len(r) > column and r[column] in RAG_FILLS}


def paint_consolidation(book: Any, cons: Consolidation) -> None:
    """Every derived sheet, from the same layouts as CONSOLIDATED.xlsx; Data with its live UDF formulas."""
    from ..io.consolidated import consolidated_layouts
    from .data_sheet import live_data

    for lay in consolidated_layouts(cons):
        status(book, f"laa_xl: writing {lay.name}...")
        if lay.name == "Data":
            data, formulas, conditional = live_data(cons)
            paint(book, data, formulas=formulas, conditional=conditional)
        elif lay.name == "Issues":
            write_issues(book, cons.issues)
        else:
            paint(book, lay)


def live_consolidation(book: Any) -> tuple[Consolidation, dict[str, str]]:
    """The consolidation as the live book holds it now (an officer's corrections in Data included), with
    % variance, RAG, reported RAG and direction worked out again from its actuals."""
    from ..io.consolidated import consolidation_from_grids, go_blockers

    reg, _ = load_live_register(book)  # register errors first, listed on Issues
    current_period(reg, book)
    sheets = grids(book, (*LIVE_SHEETS, *REGISTER_SHEETS))
    cons, evidence, found = consolidation_from_grids(sheets, book.name)
    if not cons.observations:
        raise ButtonProblem("The Data sheet is empty: click Consolidate first.")
    held = {o.quarter for o in cons.observations if o.year == cons.year}
    if cons.period.last_quarter not in held:
        raise ButtonProblem(f"The Data sheet does not hold {cons.period}: click Consolidate first.")
    blocked = go_blockers(cons, found, book.name)
    if blocked:
        raise ButtonProblem(blocked)
    cons.observations = [o for o in cons.observations if o.year == cons.year and o.quarter in cons.quarters]
    recompute(cons.register, cons.observations, actuals_of(cons.carried))  # last year's rows on Data: directions
    saved = _consolidation_issues(book, reg, cons)
    if saved is not None:
        cons.issues = saved
    return cons, evidence


def _consolidation_issues(book: Any, reg: Register, cons: Consolidation) -> list[Issue] | None:
    """The issues of the consolidation Consolidate saved, for the GO return's Data quality sheet: the live Issues
    sheet is shared by every button, and may hold a later button's own problem (a missing GO email) or a check
    of one return instead. None when that file cannot be read or is of another period."""
    from ..io.consolidated import issues_of
    from ..io.grids import read_grids

    try:
        saved = output_folder(book, returns_folder(book, reg)) / CONSOLIDATED_NAME
        grids = read_grids(saved, ["Issues", "Settings"])
    except Exception:  # noqa: BLE001 - no saved consolidation to go by: the live sheet it is
        return None
    _, period = label_values(grids.get("Settings", [])).get(norm("Current period"), (0, None))
    if text(period) != str(cons.period):
        return None
    return issues_of(grids, saved.name)


# --- running a button -----------------------------------------------------------


@contextmanager
def _progress(book: Any, text: str) -> Iterator[None]:
    status(book, f"laa_xl: {text}...")
    try:
        yield
    finally:
        status(book, False)


def button(caption: str) -> Callable[[F], F]:
    """Run a job for a button: progress, and every problem as a message box (+ Issues rows), never a traceback."""

    def deco(job: F) -> F:
        @functools.wraps(job)
        def run(book: Any = None) -> Any:
            book = book if book is not None else _caller()
            title = f"{TITLE}: {caption}"
            try:
                with _progress(book, caption):
                    return job(book)
            except NotAvailableYet as e:
                alert(book, str(e), title)
            except ButtonProblem as e:
                if e.issues:
                    write_issues(book, e.issues)
                alert(book, str(e), title)
            except LaaError as e:
                alert(book, str(e), title)
            except OSError as e:  # a locked or missing file, a full disk: say which
                write_issues(book, [error("file-problem", str(e), Location(book.name))])
                alert(book, f"{caption} stopped: {e}", title)
            except Exception as e:  # noqa: BLE001 - never a traceback dialog; the details go on Issues
                write_issues(book, [error("unexpected-error", f"{type(e).__name__}: {e}", Location(book.name))])
                alert(book, f"{caption} stopped: {type(e).__name__}: {e}. The details are on the Issues sheet.", title)
            return None

        return run  # type: ignore[return-value]

    return deco


def need(module: str, name: str, what: str) -> Any:
    """A library function another part of laa_xl provides; NotAvailableYet while it is not there."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise NotAvailableYet(f"{what} is not available yet in this version of laa_xl.") from None


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {counts.get(k, 0)}" for k in COUNT_COLUMNS)


# --- the buttons ------------------------------------------------------------


@button("Issue returns")
def issue_returns(book: Any) -> str:
    """One return workbook per partnership for the current period's year, into the returns folder.

    A return already in the folder is never replaced (it may hold an officer's figures).
    """
    from ..io.returns_writer import issue_returns as issue
    from ..io.returns_writer import return_file_name

    reg, warnings = load_live_register(book)
    period = current_period(reg, book)
    if period.year not in reg.years():
        raise ButtonProblem(f"The Profiles sheet has no profiles for {period.year}: add them, then issue the returns.")
    folder = returns_folder(book, reg, create=True)
    new = [p.name for p in issue(reg, period.year, folder, keep_existing=True, allow_spawn=False)]
    kept = [return_file_name(p.code, period.year) for p in reg.partnerships
            if reg.targets_for(p.code) and return_file_name(p.code, period.year) not in new]  # fmt: skip
    msg = f"{len(new)} return workbook(s) for {period.year} written to {folder}."
    if kept:
        msg += f" Already there, so not replaced (they may hold figures): {', '.join(kept)}."
    if warnings:
        write_issues(book, warnings)
        msg += f" The register has {len(warnings)} warning(s), listed on the Issues sheet: {warnings[0].message}"
    alert(book, msg, f"{TITLE}: Issue returns")
    return msg


@button("Check a return")
def check_return(book: Any) -> str:
    """Check every return in the returns folder against the live register; the issues go on Issues."""
    from ..io.check_returns import check_files
    from ..io.consolidated import backup_path
    from ..io.return_files import return_files

    reg, _ = load_live_register(book)
    folder = returns_folder(book, reg)
    ours = {CONSOLIDATED_NAME, backup_path(Path(CONSOLIDATED_NAME)).name}
    files = [p for p in return_files(folder) if p.name not in ours]
    if not files:
        raise ButtonProblem(f"There are no return workbooks in {folder}.")
    report = check_files(files, reg, allow_spawn=False)
    write_issues(book, report.issues)
    lines = [f"{f['file']}: " + (f"{f['errors']} error(s), {f['warnings']} warning(s)" if f["readable"]
                                 else "not read (the Issues sheet says why)") for f in report.summary["files"]]  # fmt: skip
    msg = (f"Checked {len(files)} return(s) in {folder}: {report.summary['errors']} error(s), "
           f"{report.summary['warnings']} warning(s); they are listed on the Issues sheet.\n" + "\n".join(lines))  # fmt: skip
    alert(book, msg, f"{TITLE}: Check a return")
    return msg


@button("Consolidate")
def consolidate(book: Any) -> str:
    """Consolidate the returns folder for the current period, as ``laa-xl consolidate`` does, then fill the
    derived sheets (Data with live UDF formulas)."""
    from ..io.consolidate_job import consolidate_loaded

    reg, reg_issues = load_live_register(book)
    period = current_period(reg, book)
    folder = returns_folder(book, reg)
    out = output_folder(book, folder) / CONSOLIDATED_NAME
    status(book, f"laa_xl: consolidating {period} from {folder}...")
    typed = _typed_on_data(book, out)
    # allow_spawn=False: inside Excel, returns are read in worker processes only where they are forked (Linux);
    # spawning them from xlwings' server (Windows, macOS) was not tried. LAA_XL_WORKERS=2 asks for it.
    result = consolidate_loaded(reg, reg_issues, register_grids(book), folder, str(period), out,
                                register_name=book.name, allow_spawn=False)  # fmt: skip
    cons = result.consolidation
    replaced = _replaced(typed, cons, book.name)
    cons.issues = [*replaced, *cons.issues]
    paint_consolidation(book, cons)
    s = result.summary()
    msg = (f"Consolidated {period}: {s['returns used']} return(s) used; missing: {s['missing returns']}; "
           f"late: {s['late returns']}.\n{_counts(s['rag'])} (reported RAG, {period.last_quarter}).\n"
           f"{s['errors']} error(s), {s['warnings'] + len(replaced)} warning(s) on the Issues sheet. Saved as {out}.")  # fmt: skip
    if typed.unchecked:
        msg += ("\nThe Data sheet could not be compared with the last consolidation saved: any actual corrected by "
                "hand on Data has been replaced by the returns' figures (see data-edit-replaced on the Issues sheet).")
    elif replaced:
        msg += (f"\n{len(replaced)} actual(s) on the Data sheet that differed from the last consolidation saved "
                "(corrected by hand?) were replaced by the returns' figures: see data-edit-replaced on the Issues "
                "sheet.")  # fmt: skip
    alert(book, msg, f"{TITLE}: Consolidate")
    return msg


@dataclass
class _OnData:
    """What the live Data sheet holds before Consolidate replaces it: each actual (ref, year, quarter) that differs
    from the last consolidation saved, as (its number, what the cell shows, the saved number); and why it could not
    be compared at all, if it could not."""

    differs: dict[tuple[str, Any, str], tuple[float | None, Any, float | None]] = field(default_factory=dict)
    unchecked: str = ""


def _typed_on_data(book: Any, saved: Path) -> _OnData:
    """The actuals on the live Data sheet that differ from those Consolidate last saved (``saved``), this year's
    and last year's: typed there by hand since, most likely. Consolidating again takes every figure from the
    returns, so these would be replaced without a word."""
    from ..io.consolidated import data_actuals, read_previous

    try:
        live = data_actuals(grids(book, ("Data",)).get("Data", []), book.name)
    except Exception:  # noqa: BLE001 - no Data sheet to compare: nothing typed on it to lose
        return _OnData()
    if not any(v is not None or not is_blank(raw) for v, raw in live.values()):
        return _OnData()  # an empty Data sheet (the first Consolidate)
    if not saved.exists():
        return _OnData(unchecked=f"{saved.name} is not there")
    try:
        before, _ = read_previous(saved)  # every row's actual, last year's carried rows too
    except Exception as e:  # noqa: BLE001 - said, not raised: the consolidation itself goes on
        return _OnData(unchecked=f"{saved.name} could not be read: {e}")
    out = _OnData()
    for key, (now, raw) in live.items():
        if key in before and not same_actual(now, before[key]):
            out.differs[key] = (now, raw, before[key])
    return out


def _figure(x: float | None) -> str:
    """A figure in full, as a person reads it: 1,234,567 or 12.5; 'no figure'."""
    return "no figure" if x is None else exact(x)


def _shown(number: float | None, raw: Any) -> str:
    """What a Data cell held, as typed: its figure, its text in quotes, or 'a blank'."""
    if number is not None:
        return _figure(number)
    return "a blank" if is_blank(raw) else f"'{text(raw)[:40]}'"


def _replaced(on_data: _OnData, cons: Consolidation, book_name: str) -> list[Issue]:
    """A warning for each actual on Data that the new consolidation replaced with another figure; one warning when
    Data could not be compared with the last consolidation saved."""
    from ..core.issues import warning

    actual_col = column_name(reports.DATA_COLUMNS.index("Actual") + 1)
    now: dict[tuple[str, Any, str], tuple[float | None, str, int]] = {}
    for i, o in enumerate(reports.data_rows(cons)):  # as Data is painted: a header, then a row each
        now[(o.ref, o.year, o.quarter)] = (o.actual, o.partnership, i + 2)
    out: list[Issue] = []
    if on_data.unchecked:
        out.append(warning("data-edit-replaced", f"The Data sheet could not be compared with the last consolidation "
                           f"saved ({on_data.unchecked}), so any actual corrected by hand on Data has been replaced by "
                           "the returns' figures without being listed here. Check the figures you corrected.",
                           Location(book_name, "Data")))  # fmt: skip
    for (ref, year, quarter), (typed, raw, saved) in on_data.differs.items():
        got, partnership, row = now.get((ref, year, quarter), (typed, "", 0))
        if row == 0 or same_actual(got, typed):
            continue
        out.append(warning("data-edit-replaced", f"{ref} {year} {quarter}{f' ({partnership})' if partnership else ''}: "
                           f"the Data sheet had {_shown(typed, raw)}, not the {_figure(saved)} of the last consolidation "
                           f"saved (corrected by hand?). Consolidate has replaced it with {_figure(got)} from the "
                           f"return, as it takes every figure from the returns. If {_shown(typed, raw)} is right, ask "
                           "the partnership to correct its return, or type it on Data again.",
                           Location(book_name, "Data", f"{actual_col}{row}")))  # fmt: skip
    return out


def _save_go(book: Any, cons: Consolidation, evidence: dict[str, str]) -> tuple[Period, Path]:
    """The values-only GO return workbook (what the GO receives), beside the central workbook."""
    from ..io.go_workbook import write_go_workbook

    period = go_period(cons.period)
    reg = cons.register
    folder = output_folder(book, returns_folder(book, reg, create=True))
    path = write_go_workbook(cons, period, folder / f"GO_return_{period_label(period)}.xlsx", evidence=evidence)
    return period, path


@button("GO return")
def go_return(book: Any) -> str:
    """Annex A on the GO Return sheet, from the live Data; and the values-only copy for the GO, saved."""
    cons, evidence = live_consolidation(book)
    period, path = _save_go(book, cons, evidence)
    paint(book, reports.go_return_layout(cons, period, evidence=evidence))
    msg = f"The GO return for {period} is on the GO Return sheet and saved, values only, as {path}."
    alert(book, msg, f"{TITLE}: GO return")
    return msg


@button("PSB report")
def psb_report(book: Any) -> str:
    """The PSB Summary sheet from the live Data; and a copy with its charts, saved."""
    from ..io.consolidated import write_workbook

    cons, _ = live_consolidation(book)
    lay = reports.psb_layout(cons)
    paint(book, lay)
    folder = output_folder(book, returns_folder(book, cons.register, create=True))
    path = write_workbook(folder / f"PSB_summary_{period_label(cons.period)}.xlsx", [lay])
    m = reports.psb_summary(cons)
    everyone = next(c for code, _, c in m.by_partnership if code == "All")
    reds = Counter(o.partnership for o in m.exceptions if o.reported_rag == "Red")
    msg = (f"PSB summary for {cons.period}: {_counts(everyone)}. Red by partnership: "
           f"{', '.join(f'{k} {v}' for k, v in sorted(reds.items())) or 'none'}. "
           f"On the PSB Summary sheet; saved with its charts as {path}.")  # fmt: skip
    alert(book, msg, f"{TITLE}: PSB report")
    return msg


@button("Email GOSE")
def email_gose(book: Any) -> str:
    """Save the values-only GO return, then draft the email to the GO contact with it attached: an ``.eml``
    draft beside it (``X-Unsent: 1``, Outlook opens it ready to send) and, on Windows, an Outlook draft.
    Nothing is sent: a person reviews and sends it."""
    import sys

    email_go_return = need("laa_xl.io.email_jobs", "email_go_return", "Drafting the email")
    cons, evidence = live_consolidation(book)
    period, path = _save_go(book, cons, evidence)
    to = cons.register.settings.go_email
    if not to:
        raise ButtonProblem(f"The GO return is saved as {path}, but there is no GO email on the Settings sheet.",
                            [error("missing-go-email", "The Settings sheet has no GO email.",
                                   settings_cell(book, "GO email"))])  # fmt: skip
    eml = path.with_suffix(".eml")
    email_go_return(path, to, eml=eml)  # the .eml first: whatever happens next, the draft is on disk
    msg = f"The email to {to} is drafted as {eml}, with the values-only GO return {path.name} attached."
    if sys.platform == "win32":
        try:
            email_go_return(path, to, eml=eml, outlook=True)
            msg += " It is also open as an Outlook draft: review it and press Send."
        except LaaError as e:
            msg += f" Outlook could not open it ({e}); open the .eml file instead."
    else:
        msg += " Open it in your mail program, review it and send it."
    alert(book, msg, f"{TITLE}: Email GOSE")
    return msg


@button("Chase")
def chase(book: Any) -> str:
    """Draft the chasing emails from the last consolidation, as ``laa-xl chase`` does: the CONSOLIDATED.xlsx that
    Consolidate saved (its Log, Issues and Data), drafts into chase/ beside it. Nothing is sent."""
    run_chase = need("laa_xl.io.email_jobs", "chase", "Drafting the chasing emails")
    reg, _ = load_live_register(book)
    out = output_folder(book, returns_folder(book, reg)) / CONSOLIDATED_NAME
    if not out.exists():
        raise ButtonProblem(f"There is no {CONSOLIDATED_NAME} in {out.parent} yet: click Consolidate first, then "
                            "Chase.")  # fmt: skip
    result = run_chase(out)
    if not result.drafts:
        msg = ("Nobody to chase: every return is in, on time and usable, and no target is Red two quarters "
               "running.")  # fmt: skip
    else:
        msg = (f"{len(result.drafts)} chase email(s) drafted in {result.drafts[0].parent}: "
               f"{', '.join(p.name for p in result.drafts)}. Open each, review it and send it.")  # fmt: skip
        msg += "".join(f" {i.message}" for i in result.issues)  # a draft with no address in the register
    alert(book, msg, f"{TITLE}: Chase")
    return msg
