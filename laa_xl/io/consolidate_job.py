"""The consolidate and go-return jobs end to end: files in, files out (what the CLI and the buttons run)."""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.checks import check_return
from ..core.consolidate import Consolidation, actuals_of, code_in_name, consolidate, recompute
from ..core.issues import Issue, Location, warning
from ..core.periods import QUARTERS, Period
from ..core.register import Register
from ..core.returns import Observation
from ..core.timing import phase
from ..errors import BadRegister, LaaError
from .consolidated import (
    archive_returns,
    backup_path,
    go_blockers,
    read_consolidated,
    read_previous,
    write_consolidated,
)
from .files import OutputLocked, lock_file
from .go_workbook import write_go_workbook
from .grids import give_back_freed_memory
from .register_io import usable_register
from .return_files import CONSOLIDATED_WORKBOOK, GO_WORKBOOK, Reader, load_returns, our_workbook, sheet_names_of


@dataclass
class ConsolidateResult:
    consolidation: Consolidation
    issues: list[Issue]
    out: Path
    archived: list[Path] = field(default_factory=list)
    backup: Path | None = None
    previous: Path | None = None

    def summary(self) -> dict[str, Any]:
        s = self.consolidation.summary()
        s["errors"] = sum(i.is_error for i in self.issues)
        s["warnings"] = sum(not i.is_error for i in self.issues)
        s["output"] = str(self.out)
        s["previous output kept as"] = str(self.backup) if self.backup else "none"
        s["compared with"] = str(self.previous) if self.previous else "none"
        s["archived returns"] = len(self.archived)
        return s


def load_register_file(path: Path) -> tuple[Any, list[Issue], dict[str, list[list[Any]]]]:
    return usable_register(path)


def consolidate_folder(
    register_path: Path,
    returns_dir: Path,
    period_text: str,
    out: Path,
    *,
    previous: Path | None = None,
    reader: Reader | None = None,
    allow_macros: bool = False,
) -> ConsolidateResult:
    check_output(out, Path(register_path), returns_dir)
    _refuse_other_workbooks(out)
    _refuse_if_locked(out)
    with no_cyclic_gc(), phase("register"):
        register, reg_issues, grids = load_register_file(Path(register_path))
    return consolidate_loaded(register, reg_issues, grids, returns_dir, period_text, out, previous=previous,
                              reader=reader, register_name=Path(register_path).name, allow_macros=allow_macros)  # fmt: skip


def _period_given(issue: Issue, period: Period) -> Issue:
    """The register's 'Current period' that cannot be read matters not when the period is given: a warning, not an
    error that made the run end 'done with errors' (the output's Settings get the period given)."""
    if issue.code != "bad-period" or issue.location.sheet != "Settings":
        return issue
    return warning("bad-period", f"{issue.message}. {period}, the period given, is used, and written to the output's "
                   "Settings.", issue.location)  # fmt: skip


def _refuse_if_locked(out: Path) -> None:
    """Before any work: the output cannot be replaced while Excel has it open."""
    if lock_file(out).exists():
        raise OutputLocked(f"{out} is open in Excel (found {lock_file(out).name} beside it). Close it in Excel and "
                           f"run again; nothing was changed. If Excel is not open, {lock_file(out).name} was left "
                           "behind by a crash: delete it.")  # fmt: skip


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Python's cyclic collector off for the job: it would walk the millions of long-lived records of a
    national consolidation again and again (a sixth of the time at N = 1,500, measured) and find nothing: they
    hold no reference cycles. It is switched back on (as it was) when the job ends or fails."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@no_cyclic_gc()
def consolidate_loaded(
    register: Register,
    reg_issues: list[Issue],
    grids: dict[str, list[list[Any]]],
    returns_dir: Path,
    period_text: str,
    out: Path,
    *,
    previous: Path | None = None,
    reader: Reader | None = None,
    register_name: str = "the register",
    allow_macros: bool = False,
    allow_spawn: bool = True,
) -> ConsolidateResult:
    """``consolidate_folder`` for a register already read (e.g. from the live central workbook);
    ``allow_spawn``: see ``load_returns``."""
    period = Period.parse(period_text)
    _refuse_if_locked(out)
    if period.year not in register.years():
        years = ", ".join(str(y) for y in register.years()) or "none"
        raise BadRegister(f"{register_name} has no profiles for {period.year} (it has: {years}).")
    issues = [_period_given(i, period) for i in reg_issues]
    deadline = register.deadline(period)

    # as each return is read, only its checked figures are kept; a partial (not a closure) so that worker processes
    # started by spawn (Windows, macOS) can be sent it
    check = functools.partial(check_return, register=register, year=period.year, quarters=period.quarters,
                              deadline=deadline)  # fmt: skip
    loaded = load_returns(returns_dir, reader, exclude=(out, backup_path(out)), check=check,
                          allow_macros=allow_macros, allow_spawn=allow_spawn)
    elsewhere = _workbooks_in_folders(Path(returns_dir))
    issues += _folders_not_read(elsewhere, Path(returns_dir).name)
    if not loaded.items and out.exists():  # the wrong folder, surely: its output would list every return missing
        raise LaaError(f"The returns folder {returns_dir} has no files in it, so nothing was consolidated and "
                       f"{out.name} was not replaced. Check the folder. (To list every partnership as missing, "
                       "consolidate into a new --out.)")  # fmt: skip
    # The output replaced is read once the returns are: its figures (a national one's are ~100 MB) are then not
    # held while the returns are read in worker processes, each of which needs memory of its own.
    prev_path = previous or (out if out.exists() else None)
    prev_map = None
    carried: Iterable[Observation] = []  # last year's Data rows, carried below this year's (direction of travel)
    if prev_path is not None:
        try:
            with phase("previous"):
                prev_map, carried = read_previous(prev_path, carry=period.year.previous())
                give_back_freed_memory()
        except LaaError as e:
            if previous is not None:
                raise
            issues.append(warning("previous-unreadable", f"The existing output could not be read to find restated "
                                  f"figures, so none are listed: {e}", Location(prev_path.name)))  # fmt: skip
            prev_path = None
    filed: dict[str, tuple[str, str]] = {}  # a partnership's return filed in a folder inside, by its name as issued
    for sub, books in elsewhere.items():
        for name in books:
            if code := code_in_name(name, register):
                filed.setdefault(code, (Path(returns_dir).name, f"{sub}/{name}"))
    with phase("compute"):
        cons = consolidate(register, period, loaded.items, previous=prev_map, elsewhere=filed)
        cons.carried = carried
        prev_map = None  # restatements found: a national one (480,000 actuals) is let go before the write
    cons.issues = issues + cons.issues
    had_output = out.exists()
    # The returns are copied to the archive in a thread while the workbook is written: the copying and hashing
    # wait on the disk and run outside Python's lock, the writing is Python's work. Either failing fails the job.
    with ThreadPoolExecutor(1, thread_name_prefix="archive") as beside, phase("write"):
        archiving = beside.submit(archive_returns, out, loaded.contents, cons.log)
        write_consolidated(cons, out, grids)
        with phase("archive"):  # what is left of the archiving once the workbook is written
            archived = archiving.result()
    return ConsolidateResult(cons, cons.issues, out, archived, backup_path(out) if had_output else None, prev_path)


def check_output(out: Path, *inputs: Path) -> None:
    """An output must be an .xlsx and must not be one of the inputs (which it would overwrite)."""
    if out.suffix.lower() != ".xlsx":
        raise LaaError(f"The output {out.name} must end in .xlsx.")
    for i in inputs:
        if i.is_dir() and out.resolve().is_relative_to(i.resolve()) and out.exists() and not _is_our_output(out):
            raise LaaError(f"The output {out} would replace a file in the returns folder {i} that laa-xl did not "
                           "write (a return?): give another --out. Nothing was changed.")  # fmt: skip
        if not i.is_dir() and out.resolve() == i.resolve():
            raise LaaError(f"The output {out} is the input file itself: give another --out, nothing was changed.")


def _refuse_other_workbooks(out: Path) -> None:
    """A consolidation replaces (keeping it as .previous.xlsx) only a consolidated workbook or a file that is no
    workbook of ours: never a GO return, a register or a partnership's return named as --out by mistake."""
    if not out.is_file():
        return
    kind = our_workbook(out)
    if kind is None and {"Cover", "Q1"} <= set(sheet_names_of(out)):
        kind = "a partnership's return"
    if kind is not None and kind != CONSOLIDATED_WORKBOOK:
        raise LaaError(f"{out} is {kind}, not a consolidated workbook, so it is not replaced: give another --out "
                       "(CONSOLIDATED.xlsx, say). Nothing was changed.")  # fmt: skip


def _is_our_output(path: Path) -> bool:
    """A consolidated workbook laa-xl wrote, not a partner's return."""
    return our_workbook(path) == CONSOLIDATED_WORKBOOK


def go_return_file(consolidated: Path, period_text: str, out: Path, *, prepared: dt.date | None = None) -> Path:
    check_output(out, consolidated)
    if out.exists() and our_workbook(out) != GO_WORKBOOK:  # a partner's return, a colleague's workbook: not ours
        raise LaaError(f"{out} already exists and is not a GO return laa-xl wrote, so it is not replaced: give another "
                       "--out. Nothing was changed.")  # fmt: skip
    period = Period.parse(period_text)
    cons, evidence, found = read_consolidated(consolidated)
    _refuse_odd_quarters(cons, consolidated.name)
    if period.year != cons.year:
        raise LaaError(f"{consolidated.name} holds {cons.year}, not {period.year}: consolidate {period.year} first.")
    if period.last_quarter != cons.period.last_quarter:
        raise LaaError(f"{consolidated.name} is consolidated to {cons.period}, but {period} reports up to "
                       f"{period.last_quarter}: consolidate {period.quarter_period()} and make the GO return from "
                       "that.")  # fmt: skip
    blocked = go_blockers(cons, found, consolidated.name)
    if blocked:
        raise LaaError(blocked)
    # A central officer may have corrected a figure on Data (as in the live workbook, where the UDFs recompute): the
    # rules are applied again to what the file now holds, so an Actual and its % variance and RAG never disagree.
    recompute(cons.register, cons.observations, actuals_of(cons.carried))
    return write_go_workbook(cons, period, out, evidence=evidence, prepared=prepared)


def _refuse_odd_quarters(cons: Consolidation, file: str) -> None:
    """A Data row whose Quarter is not Q1-Q4 (typed over, or cleared, by hand) cannot be placed in the return."""
    for o in (*cons.observations, *cons.carried):
        if o.quarter not in QUARTERS:
            what = f"Quarter '{o.quarter}'" if o.quarter else "no Quarter"
            raise LaaError(f"[{file}]Data: the row of {o.ref or '(no ref)'} {o.year} has {what}; it must be Q1, Q2, "
                           "Q3 or Q4 for the GO return to place the row. Correct it on the Data sheet (filter Ref to "
                           "find it), or consolidate again. Nothing was written.")  # fmt: skip


_OUR_FOLDERS = {"archive", "replaced", "chase"}  # what laa-xl itself keeps beside returns and outputs


def _workbooks_in_folders(folder: Path) -> dict[str, list[str]]:
    """The workbooks in each folder inside the returns folder (but laa-xl's own): folder name -> file names."""
    out: dict[str, list[str]] = {}
    try:
        subs = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                      and p.name.lower() not in _OUR_FOLDERS)  # fmt: skip
    except OSError:
        return out
    for sub in subs:
        try:
            books = sorted(p.name for p in sub.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm", ".xls")
                           and not p.name.startswith(("~$", ".")))  # fmt: skip
        except OSError:
            continue
        if books:
            out[sub.name] = books
    return out


def _folders_not_read(elsewhere: dict[str, list[str]], folder: str) -> list[Issue]:
    """A warning for each folder inside the returns folder that holds workbooks: only the folder's own files are
    read, and a return filed in a subfolder ('returns/HWB/') was passed over without a word (and chased as missing)."""
    out: list[Issue] = []
    for sub, books in elsewhere.items():
        shown = ", ".join(books[:3]) + (f" and {len(books) - 3} more" if len(books) > 3 else "")
        out.append(warning("folder-not-read", f"The folder '{sub}' inside the returns folder holds {len(books)} "
                           f"workbook(s) ({shown}), which were not read: only the files in {folder} itself are. If they "
                           f"are returns, move them into {folder} and consolidate again.", Location(sub)))  # fmt: skip
    return out
