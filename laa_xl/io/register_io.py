"""Load a register from any workbook holding the SPEC 5.0 sheets; write one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.issues import Issue, Location, error
from ..core.register import REGISTER_SHEETS, Register, load_register
from ..core.table import norm
from ..errors import BadRegister, UnreadableFile
from .grids import read_grids, sheet_names
from .styles import write_table_sheets

# Without these a register cannot be used at all: consolidating would give wrong RAGs or nothing.
ESSENTIAL_SHEETS = ("Targets", "Profiles", "Partnerships")
STRUCTURAL = frozenset({"missing-sheet", "missing-header", "missing-column"})


def read_register(path: str | Path) -> tuple[Register, list[Issue]]:
    register, issues, _ = read_register_grids(path)
    return register, issues


def read_register_grids(path: str | Path) -> tuple[Register, list[Issue], dict[str, list[list[Any]]]]:
    """The register, its issues, and the sheets' grids as read (once)."""
    from .preflight import CENTRAL_LIMITS, preflight

    path = Path(path)
    # the central workbook is an .xlsm; anything else unsafe is refused (within the limits of a central workbook:
    # after a national consolidation its Data sheet has more rows than a return may have)
    xml: dict[str, bytes] = {}
    try:
        named = _register_sheet_names(path)
    except Exception:  # not a zip: the preflight says what it is
        named = {s: s for s in REGISTER_SHEETS}
    preflight(path, allow_macros=True, limits=CENTRAL_LIMITS, sheets=named.values(), sheet_xml=xml)  # sheets read
    try:
        read = read_grids(path, named.values(), share_values=True)  # a national register repeats its values
    except Exception as e:  # not a workbook at all
        raise UnreadableFile(f"{path.name} cannot be read as a workbook ({e}).") from e
    grids = {sheet: read[name] for sheet, name in named.items() if name in read}
    register, issues = load_register(grids, path.name)
    return register, _unreadable_cells(path, xml, named) + issues, grids


def _register_sheet_names(path: Path) -> dict[str, str]:
    """Each register sheet's name in the file: 'profiles' or 'Timetable ' is the Profiles or Timetable sheet."""
    actual = {norm(n): n for n in reversed(sheet_names(path))}  # the first of two that differ only so
    return {s: actual.get(norm(s), s) for s in REGISTER_SHEETS}


def _unreadable_cells(path: Path, xml: dict[str, bytes], named: dict[str, str]) -> list[Issue]:
    """Register cells python-calamine reads as blank though they are not: an Excel error (#N/A from a lookup) or
    a formula whose result was never saved. Read as blank, a polarity, tolerance or deadline would silently take
    its default; each is an error at its cell."""
    from .return_scan import scan_sheets

    out: list[Issue] = []
    for sheet, sx in scan_sheets(path, named.values(), sheet_xml=xml).items():
        for ref, c in sx.cells.items():
            where = Location(path.name, sheet, ref)
            if c.is_error:
                out.append(error("error-value", f"This cell shows the Excel error {c.value or ''}, so it is read as "
                                 "blank. Correct its formula, or type the value itself.", where))  # fmt: skip
            elif c.formula and c.value is None:
                out.append(error("formula-without-value", "This cell holds a formula whose result was never saved, "
                                 "so it is read as blank. Open the register in Excel and save it, or type the value "
                                 "itself.", where))  # fmt: skip
    return out


def usable_register(path: str | Path) -> tuple[Register, list[Issue], dict[str, list[list[Any]]]]:
    """``read_register_grids``, refusing a register that cannot be used at all (exit 2 at the command line)."""
    register, issues, grids = read_register_grids(path)
    fatal = [i for i in issues if i.code in STRUCTURAL and i.location.sheet in ESSENTIAL_SHEETS]
    if fatal or not register.targets or not register.partnerships:
        first = fatal[0] if fatal else next((i for i in issues if i.is_error), None)
        raise BadRegister(f"{Path(path).name} is not a usable register" + (
            f": {first.location}: {first.message}" if first else ": it has no targets or no partnerships."))  # fmt: skip
    return register, issues, grids


def write_register(path: str | Path, grids: dict[str, list[list[Any]]]) -> Path:
    """Write the register sheets as tidy tables (header styled, frozen, filtered)."""
    return write_table_sheets(path, grids, label_value_sheets=("Settings",))
