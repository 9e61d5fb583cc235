"""Financial years, quarters and reporting periods.

A financial year ``2008/09`` runs 1 April 2008 to 31 March 2009. Its quarters
are Q1 Apr-Jun, Q2 Jul-Sep, Q3 Oct-Dec, Q4 Jan-Mar. A reporting period is a
quarter (``2008/09 Q2``), a half year (``2008/09 H1``, reported after Q2;
``H2`` after Q4) or the year (``2008/09 Y``, after Q4).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
_YEAR_RE = re.compile(r"^\s*(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{1,2})\s*$")  # 2008/09, 2008-2009, 2008/9; 08/09 is 2008/09
# A period as people write it: '2008/09 Q2', 'Q2 2008/09', 'Quarter 2 2008-09', '08/09 qtr 2', '2008/09 H1'.
_YEAR_PART = r"((?:\d{4}|\d{2})\s*[/-]\s*(?:\d{4}|\d{1,2}))"
_KIND_PART = r"(Q[1-4]|H[12]|Y|(?:quarter|qtr)\s*[1-4])"
_PERIOD_RES = (re.compile(rf"^\s*{_YEAR_PART}\s+{_KIND_PART}\s*$", re.I),
               re.compile(rf"^\s*{_KIND_PART}\s+{_YEAR_PART}\s*$", re.I))  # fmt: skip


class PeriodError(ValueError):
    """A financial year or period that cannot be understood."""


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """A financial year, identified by the calendar year it starts in."""

    start: int

    @classmethod
    def parse(cls, text: object) -> FinancialYear:
        if isinstance(text, FinancialYear):
            return text
        if isinstance(text, float) and text.is_integer():  # a cell holding 2008 reads as 2008.0
            text = int(text)
        if isinstance(text, dt.date):  # Excel turns '2009/10' typed into a cell into 1 Oct 2009
            raise PeriodError(f"Excel has turned the year into a date ({text:%d %b %Y}): format the cell as Text and "
                              "type the year again, like 2008/09")  # fmt: skip
        m = _YEAR_RE.match(str(text))
        if not m:
            if text is None or not str(text).strip():
                raise PeriodError("The financial year is blank: write it like 2008/09")
            raise PeriodError(f"'{text}' is not a financial year: write it like 2008/09")
        start, end = int(m.group(1)), int(m.group(2))
        if start < 100:  # '08/09': this century's (LAAs ran 2007-11)
            start += 2000
        end_full = end if end >= 1000 else (start // 100) * 100 + end
        if end_full < start:  # 1999/00
            end_full += 100
        if end_full != start + 1:
            raise PeriodError(f"'{text}' is not a financial year: the two years must follow on, like 2008/09")
        return cls(start)

    def __str__(self) -> str:
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    @property
    def file_label(self) -> str:
        """The year as it appears in a file name: ``2008-09``."""
        return str(self).replace("/", "-")

    def quarter_start(self, quarter: str) -> dt.date:
        i = QUARTERS.index(quarter)
        month = 4 + 3 * i
        year = self.start + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    def quarter_end(self, quarter: str) -> dt.date:
        i = QUARTERS.index(quarter)
        if i == 3:
            return dt.date(self.start + 1, 3, 31)
        nxt = self.quarter_start(QUARTERS[i + 1])
        return nxt - dt.timedelta(days=1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start - 1)

    def next(self) -> FinancialYear:
        return FinancialYear(self.start + 1)


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A reporting period: a quarter, a half year or a whole year."""

    year: FinancialYear
    kind: str  # Q1..Q4, H1, H2 or Y

    @classmethod
    def parse(cls, text: object) -> Period:
        if isinstance(text, Period):
            return text
        if isinstance(text, dt.date):  # '2008/09' typed into a cell, or a period pasted: Excel made it a date
            raise PeriodError(f"Excel has turned the period into a date ({text:%d %b %Y}): format the cell as Text and "
                              "type the period again, like 2008/09 Q2")  # fmt: skip
        m = _PERIOD_RES[0].match(str(text))
        year, kind = (m.group(1), m.group(2)) if m else ("", "")
        if not m and (m := _PERIOD_RES[1].match(str(text))):
            year, kind = m.group(2), m.group(1)
        if not m:
            raise PeriodError(
                f"'{text}' is not a reporting period: write it like 2008/09 Q2, 2008/09 H1 or 2008/09 Y"
            )
        kind = kind.upper()
        if kind.startswith(("QUARTER", "QTR")):  # 'Quarter 2', 'qtr 2'
            kind = "Q" + kind[-1]
        return cls(FinancialYear.parse(year), kind)

    def __str__(self) -> str:
        return f"{self.year} {self.kind}"

    @property
    def last_quarter(self) -> str:
        """The last quarter whose data the period reports."""
        return {"H1": "Q2", "H2": "Q4", "Y": "Q4"}.get(self.kind, self.kind)

    @property
    def quarters(self) -> tuple[str, ...]:
        """Quarters of the year reported so far, up to and including this period."""
        return QUARTERS[: QUARTERS.index(self.last_quarter) + 1]

    def quarter_period(self) -> Period:
        return Period(self.year, self.last_quarter)


def quarter_label(year: FinancialYear, quarter: str) -> str:
    """Column label used on the GO return: ``Q1 2008/09``."""
    return f"{quarter} {year}"


def previous_quarter(year: FinancialYear, quarter: str) -> tuple[FinancialYear, str]:
    i = QUARTERS.index(quarter)
    if i == 0:
        return year.previous(), "Q4"
    return year, QUARTERS[i - 1]
