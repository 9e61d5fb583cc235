"""Reading a number the way a person typed it.

SPEC 4: a number stored as text (``"45"``, ``" 1,234 "``, ``"12.5"``) is the
number it plainly is; anything else in a number cell (``TBC``, ``n/a``,
``12 approx``) is not a number.
"""

from __future__ import annotations

import datetime as dt
import math
import re

_NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


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
    text = str(value).replace("\u00a0", " ").strip()
    if text == "":
        return None
    compact = text.replace(" ", "")
    if compact in ("", "+", "-", ".") or not _NUMBER_RE.match(compact):
        raise NotANumber(text)
    return float(compact.replace(",", ""))


def is_blank(value: object) -> bool:
    if value.__class__ is str:  # the common case first (every cell of every return passes here)
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def text(value: object) -> str:
    """A cell's value as tidy text ('' for blank); whole floats print without '.0'."""
    if value.__class__ is str:  # the common case first: the same result as below, sooner
        return value.strip()
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
