"""Issues as data: what is wrong, how bad, and exactly where.

Checks *yield* issues instead of raising, and a report collects them, so an
officer sees every problem in a return at once, each at its
``[file]sheet!cell``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, order=True, slots=True)
class Location:
    file: str = ""
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        out = f"[{self.file}]" if self.file else ""
        if self.sheet:
            out += self.sheet
        if self.cell:
            out += f"!{self.cell}" if self.sheet else self.cell
        return out

    def at(self, cell: str) -> Location:
        return Location(self.file, self.sheet, cell)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as its three strings: quick to send back from a worker
        return Location, (self.file, self.sheet, self.cell)


# The dataclass's own __init__ sets each field through object.__setattr__ (it is frozen); setting the slots
# directly gives the same object about twice as fast, and assigning a field afterwards still raises. Readers
# make a Location for every cell they read (issue 8).
_set_file, _set_sheet, _set_cell = (Location.__dict__[n].__set__ for n in ("file", "sheet", "cell"))


def _location_init(self: Location, file: str = "", sheet: str = "", cell: str = "") -> None:
    _set_file(self, file)
    _set_sheet(self, sheet)
    _set_cell(self, cell)


Location.__init__ = _location_init  # type: ignore[method-assign]


@dataclass(frozen=True, slots=True)
class Issue:
    code: str  # stable kebab-case slug, e.g. "non-numeric-actual"
    severity: str  # "error" or "warning"
    message: str  # plain English for a target lead
    location: Location = Location()

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message, **asdict(self.location)}

    def __str__(self) -> str:
        where = str(self.location)
        return f"{self.severity.upper()} {where + ': ' if where else ''}{self.message} ({self.code})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Issue, (self.code, self.severity, self.message, self.location)


def error(code: str, message: str, location: Location = Location()) -> Issue:
    return Issue(code, ERROR, message, location)


def warning(code: str, message: str, location: Location = Location()) -> Issue:
    return Issue(code, WARNING, message, location)


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.is_error for i in issues)


def column_name(col: int) -> str:
    """1-based column to its letters: 7 -> 'G', 27 -> 'AA'."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """1-based row and column to an A1 reference: (14, 7) -> 'G14'."""
    return f"{column_name(col)}{row}"
