"""A partnership's return as read from its workbook, before and after checking.

``ReturnData`` is what a reader (``laa_xl.io``) found in the file: raw cell
values, each with its ``[file]sheet!cell``. ``laa_xl.core.checks`` turns it into
``Observation`` rows (one per target per quarter, with numbers, RAG and
direction) and the issues SPEC section 4 lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from .issues import Issue, Location
from .periods import FinancialYear

# Headers of a quarter sheet (SPEC 5.1), in order; the reader finds them by text.
QUARTER_COLUMNS = (
    "Target ref", "NI", "Target", "Units", "Polarity", "Profile", "Actual", "% variance", "RAG",
    "RAG override", "Override reason", "Commentary", "Remedial action", "Inspection/survey evidence",
    "Data quality note", "Check",
)  # fmt: skip
REQUIRED_QUARTER_COLUMNS = ("Target ref", "Actual")
COVER_LABELS = (
    "Partnership code", "Partnership", "Financial year", "Template version", "Completed by", "Email",
    "Date submitted",
)  # fmt: skip
RISK_COLUMNS = ("Risk ID", "Target ref", "Risk", "Likelihood", "Impact", "Score", "Rating", "Mitigation", "Owner",
                "Review date")  # fmt: skip
SPEND_COLUMNS = ("Block", "Quarter", "Budget", "Spend", "Forecast outturn")
RETURN_SHEETS = ("Cover", "Q1", "Q2", "Q3", "Q4", "Risks", "Spend")


@dataclass(frozen=True, slots=True)
class Cell:
    """A raw value and where it was read."""

    value: Any
    location: Location = Location()

    def __reduce__(self) -> tuple[Any, ...]:
        return Cell, (self.value, self.location)


_set_value, _set_location = (Cell.__dict__[n].__set__ for n in ("value", "location"))
_NOWHERE = Location()


def _cell_init(self: Cell, value: Any, location: Location = _NOWHERE) -> None:
    """As the dataclass's own __init__, about twice as fast (see ``laa_xl.core.issues``: a Cell per cell read)."""
    _set_value(self, value)
    _set_location(self, location)


Cell.__init__ = _cell_init  # type: ignore[method-assign]
BLANK = Cell(None)


@dataclass(slots=True)
class ReturnRow:
    """One target's row on one quarter sheet, as typed."""

    quarter: str
    ref: Cell
    actual: Cell
    rag_override: Cell = BLANK
    override_reason: Cell = BLANK
    commentary: Cell = BLANK
    remedial_action: Cell = BLANK
    evidence: Cell = BLANK
    data_quality_note: Cell = BLANK


@dataclass
class RiskRow:
    risk_id: Cell
    ref: Cell
    risk: Cell
    likelihood: Cell
    impact: Cell
    mitigation: Cell = BLANK
    owner: Cell = BLANK
    review_date: Cell = BLANK


@dataclass
class SpendRow:
    block: Cell
    quarter: Cell
    budget: Cell
    spend: Cell
    forecast_outturn: Cell = BLANK


@dataclass
class ReturnData:
    """Everything read from one return workbook."""

    file: str
    cover: dict[str, Cell] = field(default_factory=dict)  # label as in COVER_LABELS -> value
    rows: list[ReturnRow] = field(default_factory=list)
    risks: list[RiskRow] = field(default_factory=list)
    spend: list[SpendRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # problems met while reading (sheets, headers)
    quarters_found: tuple[str, ...] = ()
    # per quarter sheet, the non-blank cells of its worked-out columns (% variance, RAG): cell -> (heading, value);
    # a cell there that holds no formula was typed over (``return_scan`` tells)
    worked_out: dict[str, dict[str, tuple[str, Any]]] = field(default_factory=dict)
    passed_over: set[tuple[str, str]] = field(default_factory=set)  # (ref as typed, quarter) of rows not read

    def last_typed_quarter(self) -> str | None:
        """The latest quarter with any actual typed (None when nothing is typed yet)."""
        from .numbers import is_blank
        from .periods import QUARTERS

        typed = [QUARTERS.index(r.quarter) for r in self.rows if not is_blank(r.actual.value)]
        return QUARTERS[max(typed)] if typed else None

    def cover_text(self, label: str) -> str:
        from .numbers import text

        return text(self.cover.get(label, BLANK).value)


@dataclass(slots=True)
class Observation:
    """One target in one quarter, checked: the unit of the Data sheet."""

    ref: str
    partnership: str
    year: FinancialYear
    quarter: str
    profile: float | None
    actual: float | None
    variance: float | None
    rag: str
    reported_rag: str
    rag_override: str | None = None
    override_reason: str = ""
    commentary: str = ""
    remedial_action: str = ""
    evidence: str = ""
    data_quality_note: str = ""
    source: Location = Location()
    direction: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:  # its fields in order: quick to unpickle (sent back by the workers)
        return Observation, _OBSERVATION_FIELDS(self)


@dataclass(slots=True)
class Risk:
    partnership: str
    risk_id: str
    ref: str
    risk: str
    likelihood: float | None
    impact: float | None
    score: int | None
    rating: str | None
    mitigation: str = ""
    owner: str = ""
    review_date: dt.date | None = None
    source: Location = Location()

    def __reduce__(self) -> tuple[Any, ...]:  # its fields in order: quick to unpickle (sent back by the workers)
        return Risk, _RISK_FIELDS(self)


@dataclass(slots=True)
class Spend:
    partnership: str
    block: str
    quarter: str
    budget: float | None
    spend: float | None
    forecast_outturn: float | None
    source: Location = Location()

    def __reduce__(self) -> tuple[Any, ...]:  # its fields in order: quick to unpickle (sent back by the workers)
        return Spend, _SPEND_FIELDS(self)


@dataclass
class CheckedReturn:
    """A return after checking: clean rows plus every issue found."""

    file: str
    partnership: str
    year: FinancialYear | None
    submitted: dt.date | None
    observations: list[Observation]
    risks: list[Risk]
    spend: list[Spend]
    issues: list[Issue]
    later_quarter: str | None = None  # a later quarter it is completed for (Q1 consolidated from Q2's): not late
    not_updated: bool = False  # nothing typed yet on the quarter(s) consolidated: its date is not late either


# Each row's fields in order, for ``__reduce__``: unpickled as one call rather than a setattr per field.
_OBSERVATION_FIELDS = attrgetter(*(f.name for f in fields(Observation)))
_RISK_FIELDS = attrgetter(*(f.name for f in fields(Risk)))
_SPEND_FIELDS = attrgetter(*(f.name for f in fields(Spend)))
