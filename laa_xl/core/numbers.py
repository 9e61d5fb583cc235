"""Reading a number the way a person typed it.

SPEC 4: a number stored as text (``"45"``, ``" 1,234 "``, ``"12.5"``) is the
number it plainly is; anything else in a number cell (``TBC``, ``n/a``,
``12 approx``) is not a number.
"""

from __future__ import annotations

import datetime as dt
import math
import re

_NUMBER_RE = re.compile(r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)?(\.[0-9]+)?$")  # ASCII digits only, as Excel reads
# What the return's own formulas see past: Excel's CLEAN drops the control characters (codes 0-31: tab, line feeds),
# TRIM and SUBSTITUTE the spaces and non-breaking spaces. The same here, so that the return and the consolidation
# agree on what is blank and what is a number (a text of em spaces is not blank in Excel, so not here either).
_SPACES = "".join(map(chr, range(32))) + " \u00a0"
_DROP_SPACES = str.maketrans("", "", _SPACES)


class NotANumber(ValueError):
    """The cell holds something other than a plain number."""


def to_number(value: object) -> float | None:
    """A cell's value as a float; None when blank; NotANumber when it is text that is not a number."""
    if value is None:
        return None
    if value.__class__ is float and value - value == 0:  # the common case first: a finite float (not NaN/inf)
        return value
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int | float):
        f = float(value)
        if math.isnan(f):
            return None
        if math.isinf(f):
            raise NotANumber(str(value))
        return f
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        raise NotANumber(str(value))
    typed = str(value)
    compact = without_spaces(typed)
    if compact == "":
        return None
    if compact in ("+", "-", ".") or not _NUMBER_RE.match(compact):
        raise NotANumber(typed.strip(_SPACES))
    return float(compact.replace(",", ""))


def without_spaces(typed: str) -> str:
    """A typed text without what Excel's CLEAN and the return's SUBSTITUTEs remove: control characters, spaces and
    non-breaking spaces (the return's 'Calc: actual text' helper, worked out in Python)."""
    return typed.translate(_DROP_SPACES)


def exact(x: float) -> str:
    """A number with as many decimals as it has, up to six, thousands separated (0.453, 45.3, 1,234,567.5, 45)."""
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def is_blank(value: object) -> bool:
    """None, NaN, or a text of nothing but spaces and control characters (see ``_SPACES``)."""
    if value.__class__ is str:  # the common case first (every cell of every return passes here)
        return not value.strip(_SPACES)
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip(_SPACES) == ""


def text(value: object) -> str:
    """A cell's value as tidy text ('' for blank); whole floats print without '.0'."""
    if value.__class__ is str:  # the common case first: the same result as below, sooner
        return value.strip(_SPACES)
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip(_SPACES)
