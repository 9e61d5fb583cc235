"""The workbook the Government Office receives (SPEC 5.3): values only, printable, no links or macros."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.consolidate import Consolidation
from ..core.periods import Period
from ..core.reports import go_book
from .consolidated import write_workbook

GO_SHEETS = ("GO Return", "Summary", "Spend", "Data quality")


def write_go_workbook(
    cons: Consolidation,
    period: Period,
    out: str | Path,
    *,
    evidence: dict[str, str] | None = None,
    prepared: dt.date | None = None,
) -> Path:
    """GO Return (Annex A), Summary, Spend and Data quality as values; A4 landscape, headers repeated."""
    book = go_book(cons, period, prepared or dt.date.today(), evidence)
    return write_workbook(Path(out), book.sheets, font_size=9)
