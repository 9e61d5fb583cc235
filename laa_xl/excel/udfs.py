"""Python UDFs for the central workbook (SPEC 6): thin wrappers over ``laa_xl.core.rules``.

Each function takes single cells or whole ranges and returns an array of the
broadcast shape, so one formula such as ``=LAA_RAG(F2:F400, E2:E400, ...)``
fills (spills) a whole column: one call into Python, not thousands. The maths
is the vectorised ``*_array`` functions of the core.

Blanks and errors behave as an Excel user expects: an empty cell, an error cell
(xlwings passes it as blank) or text that is not a number (``TBC``) counts as
missing, so ``LAA_VARIANCE`` gives a blank and ``LAA_RAG`` gives ``No data``,
exactly as consolidation does. A blank result is returned as ``""`` (Excel
shows an Empty inside an array result as 0). A problem never shows a Python
traceback: a bad polarity gives the words ``Check polarity`` in that cell, and
ranges of different sizes give ``Ranges differ in size``.

On Linux/macOS without Excel the xlwings decorators are no-ops, so these are
plain Python functions (the tests call them directly).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xlwings as xw

from ..core import rules
from ..core.numbers import NotANumber, to_number

CATEGORY = "LAA"
BAD_POLARITY = "Check polarity"
BAD_SHAPE = "Ranges differ in size"
_HIGHER, _LOWER = "higher", "lower"


def _grid(x: Any) -> np.ndarray:
    """Any cell value, row, or 2-D range as a 2-D object array."""
    arr = np.asarray(x, dtype=object) if isinstance(x, list | tuple | np.ndarray) else np.array([[x]], dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(1, -1)
    return arr


def _number(v: Any) -> float:
    """One cell as a number, NaN when blank, an error, a bool or text that is not a number."""
    if isinstance(v, bool):
        return math.nan
    try:
        f = to_number(v)
    except NotANumber:
        return math.nan
    return math.nan if f is None else f


def numbers(x: Any) -> np.ndarray:
    """A range as a 2-D float array (NaN for missing). Plain numbers take numpy's fast path."""
    g = _grid(x)
    if g.size and all(type(v) is float or type(v) is int or v is None for v in g.flat):
        return g.astype(np.float64)  # None -> NaN
    out = np.fromiter((_number(v) for v in g.flat), dtype=np.float64, count=g.size)
    return out.reshape(g.shape)


def _polarities(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """Polarity texts normalised for the core ('higher'/'lower'), and a mask of the ones that are not valid."""
    g = _grid(x)
    norm = np.empty(g.shape, dtype=object)
    bad = np.zeros(g.shape, dtype=bool)
    for idx, v in np.ndenumerate(g):
        try:
            norm[idx] = _HIGHER if rules.sign(None if v is None else str(v)) > 0 else _LOWER
        except ValueError:
            norm[idx], bad[idx] = _HIGHER, True
    return norm, bad


def _texts(x: Any) -> np.ndarray:
    g = _grid(x)
    return np.vectorize(lambda v: None if v is None else str(v), otypes=[object])(g) if g.size else g


def _flags(x: Any) -> np.ndarray:
    """Due flags: TRUE/FALSE, 1/0, yes/no; a blank means due (the default)."""

    def one(v: Any) -> bool:
        if v is None or (isinstance(v, str) and not v.strip()):
            return True
        if isinstance(v, str):
            return v.strip().lower() not in ("false", "no", "n", "0", "not due")
        return bool(v)

    flags: np.ndarray = np.vectorize(one, otypes=[bool])(_grid(x))
    return flags


def _shape(*arrays: np.ndarray) -> tuple[int, ...] | None:
    try:
        return np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        return None


def _cells(values: np.ndarray) -> list[list[Any]]:
    """A result array as Excel cells: NaN/None -> "" (blank), numpy scalars -> Python."""
    return [["" if rules.is_missing(v) else v for v in row] for row in values.tolist()]


def _whole(values: np.ndarray) -> np.ndarray:
    """Whole-number floats as ints (a score of 12, not 12.0), NaN kept."""
    out = values.astype(object)
    for idx, v in np.ndenumerate(values):
        if not math.isnan(v) and float(v).is_integer():
            out[idx] = int(v)
    return out


@xw.func(category=CATEGORY)
@xw.arg("actual", ndim=2, doc="the actual (a cell or a whole column)")
@xw.arg("profile", ndim=2, doc="the profile for the same quarter")
def LAA_VARIANCE(actual: Any, profile: Any) -> list[list[Any]]:  # noqa: N802 (the Excel name)
    """% variance as a fraction: (actual - profile) / |profile|; blank when a value is missing or the profile is 0."""
    a, p = numbers(actual), numbers(profile)
    if _shape(a, p) is None:
        return [[BAD_SHAPE]]
    with np.errstate(all="ignore"):
        return _cells(rules.variance_array(a, p))


@xw.func(category=CATEGORY)
@xw.arg("actual", ndim=2, doc="the actual (a cell or a whole column)")
@xw.arg("profile", ndim=2, doc="the profile for the same quarter")
@xw.arg("polarity", ndim=2, doc='"higher" (default) or "lower" is better')
@xw.arg("tolerance", ndim=2, doc="0.05 = 5 % (default)")
@xw.arg("tolerance_type", ndim=2, doc='"relative" (default, % of profile) or "absolute" (units)')
@xw.arg("due", ndim=2, doc="TRUE (default) when the target is due this quarter")
def LAA_RAG(
    actual: Any,
    profile: Any,
    polarity: Any = _HIGHER,
    tolerance: Any = rules.DEFAULT_TOLERANCE,
    tolerance_type: Any = "relative",
    due: Any = True,
) -> list[list[Any]]:  # noqa: N802
    """Computed RAG: Green, Amber, Red, No data (actual missing) or Not due."""
    a, p, t = numbers(actual), numbers(profile), numbers(tolerance)
    pol, bad = _polarities(polarity)
    tt, d = _texts(tolerance_type), _flags(due)
    shape = _shape(a, p, t, pol, tt, d)
    if shape is None:
        return [[BAD_SHAPE]]
    with np.errstate(all="ignore"):
        out = rules.rag_array(a, p, pol, t, tt, d)
    out = np.where(np.broadcast_to(bad, shape), BAD_POLARITY, out)
    return _cells(out)


@xw.func(category=CATEGORY)
@xw.arg("now", ndim=2, doc="this quarter's actual")
@xw.arg("then", ndim=2, doc="the same quarter last year, else the previous quarter")
@xw.arg("polarity", ndim=2, doc='"higher" (default) or "lower" is better')
def LAA_DIRECTION(now: Any, then: Any, polarity: Any = _HIGHER) -> list[list[Any]]:  # noqa: N802
    """Direction of travel: Improving, Worsening or No change; blank when a value is missing."""
    n, t = numbers(now), numbers(then)
    pol, bad = _polarities(polarity)
    shape = _shape(n, t, pol)
    if shape is None:
        return [[BAD_SHAPE]]
    out = rules.direction_array(n, t, pol)
    out = np.where(np.broadcast_to(bad, shape), BAD_POLARITY, out)
    return _cells(out)


@xw.func(category=CATEGORY)
@xw.arg("actual", ndim=2, doc="the latest actual")
@xw.arg("expected", ndim=2, doc="expected performance without stretch")
@xw.arg("stretch", ndim=2, doc="the stretch target")
@xw.arg("grant", ndim=2, doc="reward grant allocated (GBP)")
def LAA_REWARD(actual: Any, expected: Any, stretch: Any, grant: Any) -> list[list[Any]]:  # noqa: N802
    """Reward grant earned: 0 below 60 % of the stretch achieved, else grant x min(achieved, 1)."""
    args = numbers(actual), numbers(expected), numbers(stretch), numbers(grant)
    if _shape(*args) is None:
        return [[BAD_SHAPE]]
    with np.errstate(all="ignore"):
        return _cells(rules.reward_array(*args))


@xw.func(category=CATEGORY)
@xw.arg("likelihood", ndim=2, doc="1 to 4")
@xw.arg("impact", ndim=2, doc="1 to 4")
def LAA_RISK_SCORE(likelihood: Any, impact: Any) -> list[list[Any]]:  # noqa: N802
    """Risk score = likelihood x impact (each a whole number 1-4); blank when either is missing or out of range."""
    li, im = numbers(likelihood), numbers(impact)
    if _shape(li, im) is None:
        return [[BAD_SHAPE]]
    return _cells(_whole(rules.risk_score_array(li, im)))


UDFS = (LAA_VARIANCE, LAA_RAG, LAA_DIRECTION, LAA_REWARD, LAA_RISK_SCORE)
