"""The Home buttons (SPEC 6): each reads the live workbook through xlwings, calls the same library
functions as the ``laa-xl`` command, and writes whole 2-D blocks back.

A button never shows a Python traceback: a problem becomes one short message
box and, where it concerns a cell, rows on the ``Issues`` sheet. Progress goes
to Excel's status bar (where the runtime has one). Every function takes an
optional ``book`` so the same code runs from ``RunPython`` (``Book.caller()``),
from xlwings Lite and in tests on xlwings' JSON-book engine.

Jobs whose library is still being built say so in a message box
(``not available yet``) instead of failing.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..core.issues import ERROR, Issue, Location, error
from ..core.periods import Period
from ..core.register import REGISTER_SHEETS, Register, load_register
from ..errors import LaaError
from ..io.styles import RAG_FILLS
from . import layout

TITLE = "LAA"
ISSUE_FILLS = {"error": "#FFC7CE", "warning": "#FFEB9C"}
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
    used = sheet.used_range
    last = used.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or []
    return [[None if v == "" else v for v in row] for row in values]


def register_grids(book: Any) -> dict[str, list[list[Any]]]:
    names = set(sheet_names(book))
    return {name: grid(book, name) for name in REGISTER_SHEETS if name in names}


def load_live_register(book: Any) -> tuple[Register, list[Issue]]:
    """The register held in the live workbook's sheets; errors stop the job and are listed on Issues."""
    reg, issues = load_register(register_grids(book), book.name)
    errors = [i for i in issues if i.severity == ERROR]
    if errors:
        raise ButtonProblem(
            f"The register has {len(errors)} error(s). They are listed on the Issues sheet; fix them and try again.",
            issues,
        )
    return reg, issues


def current_period(reg: Register) -> Period:
    """The Settings sheet's current period; a missing one stops the job with an issue at Settings."""
    if reg.settings.current_period is None:
        raise ButtonProblem(
            "Set the current period (e.g. 2008/09 Q2) on the Settings sheet first.",
            [
                error(
                    "missing-current-period",
                    "The Settings sheet has no current period.",
                    Location(reg.file, "Settings"),
                )
            ],
        )
    return reg.settings.current_period


def workbook_folder(book: Any) -> Path:
    try:
        return Path(book.fullname).resolve().parent
    except Exception:  # noqa: BLE001 - an unsaved or cloud book: use the current folder
        return Path.cwd()


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
    for first, last, colour in _runs(fills or {}):
        sheet.range((first + 2, 1), (last + 2, width)).color = colour


def _cell(v: Any) -> Any:
    """Text that a spreadsheet would evaluate (= + - @) is written as text, never as a formula (SPEC 8)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def _runs(fills: Mapping[int, str]) -> Iterator[tuple[int, int, str]]:
    """Contiguous row runs of one colour: fewer format calls than one per row."""
    rows = sorted(fills)
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1 and fills[rows[j + 1]] == fills[rows[i]]:
            j += 1
        yield rows[i], rows[j], fills[rows[i]]
        i = j + 1


def write_issues(book: Any, issues: Sequence[Issue]) -> None:
    rows = [[i.severity, i.code, i.message, i.location.file, i.location.sheet, i.location.cell] for i in issues]
    fills = {n: ISSUE_FILLS[i.severity] for n, i in enumerate(issues) if i.severity in ISSUE_FILLS}
    write_table(book, "Issues", layout.ISSUE_COLUMNS, rows, fills)


def rag_fills(rows: Sequence[Sequence[Any]], column: int) -> dict[int, str]:
    return {n: RAG_FILLS[r[column]] for n, r in enumerate(rows) if len(r) > column and r[column] in RAG_FILLS}


def data_formulas(first_row: int, last_row: int) -> dict[str, str]:
    """The spilled UDF formulas of the Data sheet (SPEC 5.2): one formula per column fills every row.

    Polarity, tolerance and its type come from the Targets table; a quarter with no profile is not due.
    """
    col = {h: chr(ord("A") + i) for i, h in enumerate(layout.DATA_COLUMNS)}

    def rng(h: str) -> str:
        return f"{col[h]}{first_row}:{col[h]}{last_row}"

    def look(field: str, default: str) -> str:
        return f"XLOOKUP({rng('Ref')},{layout.TARGETS_TABLE}[Ref],{layout.TARGETS_TABLE}[{field}],{default})"

    higher, relative = '"higher"', '"relative"'
    return {
        "% variance": f"=LAA_VARIANCE({rng('Actual')},{rng('Profile')})",
        "RAG": (f"=LAA_RAG({rng('Actual')},{rng('Profile')},{look('Polarity', higher)},"
                f"{look('Tolerance', '0.05')},{look('Tolerance type', relative)},ISNUMBER({rng('Profile')}))"),
    }  # fmt: skip


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
            try:
                with _progress(book, caption):
                    return job(book)
            except NotAvailableYet as e:
                alert(book, str(e), f"{TITLE}: {caption}")
            except ButtonProblem as e:
                if e.issues:
                    write_issues(book, e.issues)
                alert(book, str(e), f"{TITLE}: {caption}")
            except LaaError as e:
                alert(book, str(e), f"{TITLE}: {caption}")
            except Exception as e:  # noqa: BLE001 - never a traceback dialog; the details go on Issues
                write_issues(book, [error("unexpected-error", f"{type(e).__name__}: {e}", Location(book.name))])
                alert(book, f"{caption} stopped: {type(e).__name__}: {e}. The details are on the Issues sheet.",
                      f"{TITLE}: {caption}")  # fmt: skip
            return None

        return run  # type: ignore[return-value]

    return deco


def need(module: str, name: str, what: str) -> Any:
    """A library function another part of laa_xl provides; NotAvailableYet while it is not there."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise NotAvailableYet(f"{what} is not available yet in this version of laa_xl.") from None


def not_wired(what: str) -> None:
    """The library is there but this button does not call it yet: say so rather than do nothing."""
    raise NotAvailableYet(
        f"{what} is in laa_xl but not yet connected to this button; use the laa-xl command meanwhile."
    )


# --- the six buttons ------------------------------------------------------------


@button("Issue returns")
def issue_returns(book: Any) -> None:
    reg, _ = load_live_register(book)
    current_period(reg)
    need("laa_xl.io.returns_writer", "issue_returns", "Issuing return workbooks")
    not_wired("Issuing return workbooks")


@button("Check a return")
def check_return(book: Any) -> None:
    load_live_register(book)
    need("laa_xl.io.returns_reader", "read_return", "Checking a return")
    not_wired("Checking a return")


@button("Consolidate")
def consolidate(book: Any) -> None:
    reg, _ = load_live_register(book)
    current_period(reg)
    need("laa_xl.core.consolidate", "consolidate", "Consolidation")
    not_wired("Consolidation")


@button("GO return")
def go_return(book: Any) -> None:
    reg, _ = load_live_register(book)
    current_period(reg)
    need("laa_xl.io.go_workbook", "write_go_workbook", "The GO return")
    not_wired("The GO return")


@button("PSB report")
def psb_report(book: Any) -> None:
    reg, _ = load_live_register(book)
    current_period(reg)
    need("laa_xl.core.reports", "psb_summary", "The PSB report")
    not_wired("The PSB report")


@button("Email GOSE")
def email_gose(book: Any) -> None:
    reg, _ = load_live_register(book)
    current_period(reg)
    need("laa_xl.io.email_jobs", "email_go_return", "Emailing the GO")
    not_wired("Emailing the GO")
