"""``laa-xl check``: read and check return workbooks against the register.

The officer's own check before sending, and the central team's on arrival.
Without ``--register`` the register is looked for beside the return (see
:func:`find_register`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.checks import check_return
from ..core.issues import Issue, Location, error, has_errors
from ..core.periods import Period
from ..core.register import Register
from ..core.returns import CheckedReturn
from ..errors import UnreadableFile
from .preflight import UnsafeFile
from .register_io import usable_register
from .return_files import not_a_return, our_workbook, return_suffixes, unsupported
from .returns_reader import read_return

REGISTER_NAMES = ("register.xlsx", "LAA_Central.xlsm", "workbook/LAA_Central.xlsm")


def find_register(returns: Sequence[Path]) -> Path | None:
    """The register beside the first return or in its parent folder: register.xlsx, then LAA_Central.xlsm."""
    if not returns:
        return None
    here = returns[0].resolve().parent
    for folder in (here, here.parent):
        for name in REGISTER_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def load_register(path: Path) -> Register:
    register, _, _ = usable_register(path)
    return register


@dataclass
class CheckReport:
    issues: list[Issue] = field(default_factory=list)
    returns: list[CheckedReturn] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.issues)


def check_files(
    paths: Iterable[Path], register: Register, *, allow_macros: bool = False, allow_spawn: bool = True
) -> CheckReport:
    """Check each return; an unsafe or unreadable file is an error issue, and the others still get checked.
    Many returns are read and checked by worker processes, as a consolidation reads them (``in_workers``)."""
    from .read_pool import in_workers

    report = CheckReport()
    files: list[dict[str, Any]] = []
    for name, found in in_workers(_check_one, list(paths), (register, allow_macros), "Checking returns",
                                  allow_spawn=allow_spawn):  # fmt: skip
        if isinstance(found, CheckedReturn):
            checked = found
            report.returns.append(checked)
            report.issues.extend(checked.issues)
            rags = Counter(o.reported_rag for o in checked.observations)
            quarters = sorted({o.quarter for o in checked.observations})
            files.append({
                "file": name, "readable": True, "partnership": checked.partnership,
                "year": str(checked.year) if checked.year else None, "quarters": quarters,
                "rows": len(checked.observations), "rag": dict(sorted(rags.items())),
                "errors": sum(i.is_error for i in checked.issues),
                "warnings": sum(not i.is_error for i in checked.issues),
            })  # fmt: skip
        else:
            report.issues.append(found)
            files.append({"file": name, "readable": False})
    errors = sum(i.is_error for i in report.issues)
    report.summary = {"returns": len(files), "errors": errors, "warnings": len(report.issues) - errors, "files": files}
    return report


def _check_one(path: Path, job: tuple[Register, bool]) -> tuple[str, CheckedReturn | Issue]:
    """One return read and checked, or the issue that stopped it being read."""
    register, allow_macros = job
    # what the consolidation would refuse by its name is refused here too (a check that passes must mean it); an
    # .xlsm is read first, so that macros in it are named as such
    misnamed = path.suffix.lower() not in return_suffixes(allow_macros)
    if misnamed and path.suffix.lower() != ".xlsm":
        return path.name, error("unsupported-file-type", unsupported(path), Location(path.name))
    kind = our_workbook(path)
    if kind is not None:
        return path.name, error("not-a-return", not_a_return(path, kind, "it is not checked: check the returns"),
                                Location(path.name))  # fmt: skip
    try:
        data = read_return(path, allow_macros=allow_macros)
    except UnsafeFile as e:
        return path.name, e.issue
    except UnreadableFile as e:
        return path.name, error("unreadable-file", str(e), Location(path.name))
    checked = check_return(data, register, deadline=_deadline(data, register))
    current = register.settings.current_period  # a return for another year would be refused by its consolidation
    if checked.year is not None and current is not None and checked.year != current.year:
        cover = data.cover.get("Financial year")
        checked.issues.insert(0, error("wrong-year", f"This return is for {checked.year}, but the register's current "
                                       f"period is {current} (its Settings sheet), so consolidating that period would "
                                       f"not use it. If the register is right, send the {current.year} return; if "
                                       "not, correct 'Current period' on the register's Settings sheet.",
                                       cover.location if cover is not None else Location(path.name, "Cover")))  # fmt: skip
    if misnamed:
        checked.issues.insert(0, error("unsupported-file-type", unsupported(path), Location(path.name)))
    return path.name, checked


def _deadline(data: Any, register: Register) -> Any:
    """The deadline of the round being collected: the register's current period when it is the return's
    year, else the last quarter with an actual typed (when the cover's year is known)."""
    from ..core.periods import FinancialYear, PeriodError

    try:
        year = FinancialYear.parse(data.cover_text("Financial year"))
    except PeriodError:
        return None
    current = register.settings.current_period
    if current is not None and current.year == year:
        return register.deadline(current)
    last = data.last_typed_quarter()
    return register.deadline(Period(year, last)) if last else None
