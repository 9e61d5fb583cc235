"""Load a register from any workbook holding the SPEC 5.0 sheets; write one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.issues import Issue
from ..core.register import REGISTER_SHEETS, Register, load_register
from .grids import read_grids
from .styles import write_table_sheets


def read_register(path: str | Path) -> tuple[Register, list[Issue]]:
    from .preflight import preflight

    preflight(path, allow_macros=True)  # the central workbook is an .xlsm; anything else unsafe is refused
    grids = read_grids(path, REGISTER_SHEETS)
    return load_register(grids, Path(path).name)


def write_register(path: str | Path, grids: dict[str, list[list[Any]]]) -> Path:
    """Write the register sheets as tidy tables (header styled, frozen, filtered)."""
    return write_table_sheets(path, grids, label_value_sheets=("Settings",))
