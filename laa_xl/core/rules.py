"""The rules of SPEC section 3, for one value and for whole columns.

Every rule exists twice: a scalar function (used for single cells, checks and
the UDFs on one cell) and a vectorised ``*_array`` function over NumPy arrays
(used to consolidate thousands of rows at once). Tests prove the two agree.
Missing values are ``None`` in the scalar functions and ``NaN`` in arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

EPS = 1e-9  # floating-point slack for boundaries (SPEC 3: g exactly -tolerance is Amber)
DEFAULT_TOLERANCE = 0.05
GREEN, AMBER, RED, NO_DATA, NOT_DUE = "Green", "Amber", "Red", "No data", "Not due"
RAGS: tuple[str, ...] = (GREEN, AMBER, RED)
IMPROVING, WORSENING, NO_CHANGE = "Improving", "Worsening", "No change"
POLARITIES: tuple[str, ...] = ("higher", "lower")
TOLERANCE_TYPES: tuple[str, ...] = ("relative", "absolute")
REWARD_THRESHOLD = 0.6

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]


def is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def same_actual(a: float | None, b: float | None) -> bool:
    """Two actuals the same but for floating-point slack (relative to ``b``); two missing ones are the same."""
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    assert a is not None and b is not None
    return abs(a - b) <= EPS * max(1.0, abs(b))


def sign(polarity: str | None) -> int:
    """+1 when higher is better, -1 when lower is better (blank means higher)."""
    p = (polarity or "higher").strip().lower()
    if p.startswith("l"):
        return -1
    if p.startswith("h") or p == "":
        return 1
    raise ValueError(f"polarity must be 'higher' or 'lower', not '{polarity}'")


def variance(actual: float | None, profile: float | None) -> float | None:
    """% variance as a fraction: (actual - profile) / |profile|; None when it cannot be computed."""
    if is_missing(actual) or is_missing(profile) or profile == 0:
        return None
    assert actual is not None and profile is not None
    return (actual - profile) / abs(profile)


def gap(
    actual: float | None,
    profile: float | None,
    polarity: str | None = "higher",
    tolerance_type: str | None = "relative",
) -> float | None:
    """Performance gap g: positive is better than profile, in the tolerance's units."""
    if is_missing(actual) or is_missing(profile):
        return None
    assert actual is not None and profile is not None
    s = sign(polarity)
    if _is_absolute(tolerance_type):
        return s * (actual - profile)
    if profile == 0:
        return None
    return s * (actual - profile) / abs(profile)


def _is_absolute(tolerance_type: str | None) -> bool:
    return (tolerance_type or "relative").strip().lower().startswith("a")


def rag(
    actual: float | None,
    profile: float | None,
    polarity: str | None = "higher",
    tolerance: float | None = DEFAULT_TOLERANCE,
    tolerance_type: str | None = "relative",
    due: bool = True,
) -> str:
    """Computed RAG: Green, Amber, Red, No data or Not due."""
    if not due:
        return NOT_DUE
    if is_missing(actual) or is_missing(profile):
        return NO_DATA
    assert actual is not None and profile is not None
    # a missing or negative tolerance: the default (the register refuses a negative one, and uses the default)
    tol = DEFAULT_TOLERANCE if is_missing(tolerance) or tolerance < 0 else float(tolerance)  # type: ignore[arg-type,operator]
    s = sign(polarity)
    if not _is_absolute(tolerance_type) and profile == 0:
        return GREEN if s * actual >= 0 else RED
    g = gap(actual, profile, polarity, tolerance_type)
    assert g is not None
    if g >= -EPS:
        return GREEN
    if g >= -tol - EPS:
        return AMBER
    return RED


def reported_rag(computed: str, override: str | None) -> str:
    """The officer's override where one is given, else the computed RAG."""
    o = normalise_rag(override)
    return o if o else computed


def normalise_rag(value: object) -> str | None:
    """'red', ' RED ', 'R' -> 'Red'; blank -> None; anything else -> None."""
    if value is None:
        return None
    t = str(value).strip().lower()
    for r in RAGS:
        if t in (r.lower(), r[0].lower()):
            return r
    return None


def direction(now: float | None, then: float | None, polarity: str | None = "higher") -> str | None:
    """Direction of travel: Improving, Worsening or No change; None when a value is missing."""
    if is_missing(now) or is_missing(then):
        return None
    assert now is not None and then is not None
    d = sign(polarity) * (now - then)
    return IMPROVING if d > 0 else WORSENING if d < 0 else NO_CHANGE


def achieved(actual: float | None, expected: float | None, stretch: float | None) -> float | None:
    """Fraction of the stretch achieved: (A - E) / (T - E). Signs cancel for lower-is-better."""
    if is_missing(actual) or is_missing(expected) or is_missing(stretch) or stretch == expected:
        return None
    assert actual is not None and expected is not None and stretch is not None
    return (actual - expected) / (stretch - expected)


def reward(
    actual: float | None, expected: float | None, stretch: float | None, grant: float | None
) -> float | None:
    """Reward grant earned: 0 below 60 % of the stretch, else grant x min(achieved, 1)."""
    a = achieved(actual, expected, stretch)
    if a is None or is_missing(grant):
        return None
    assert grant is not None
    if a < REWARD_THRESHOLD - EPS:
        return 0.0
    return float(grant) * min(a, 1.0)


def risk_score(likelihood: float | None, impact: float | None) -> int | None:
    """Likelihood (1-4) x impact (1-4); None when either is missing or out of range."""
    if is_missing(likelihood) or is_missing(impact):
        return None
    assert likelihood is not None and impact is not None
    if not (1 <= likelihood <= 4 and 1 <= impact <= 4) or likelihood % 1 or impact % 1:
        return None
    return int(likelihood) * int(impact)


def risk_rating(score: float | None) -> str | None:
    if is_missing(score):
        return None
    assert score is not None
    return "High" if score >= 9 else "Medium" if score >= 4 else "Low"


# --- vectorised forms -------------------------------------------------------


def _f(x: Any) -> FloatArray:
    """Numbers (None -> NaN) as a float array."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x.astype(np.float64, copy=False)
    arr = np.asarray(x, dtype=object)
    out = np.full(arr.shape, np.nan)
    flat = arr.reshape(-1)
    res = out.reshape(-1)
    for i, v in enumerate(flat):
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            res[i] = float(v)
    return out


def _signs(polarity: Any) -> FloatArray:
    return _per_value(polarity, lambda p: sign(None if is_missing(p) else str(p)), float)


def _absolute(tolerance_type: Any) -> npt.NDArray[np.bool_]:
    return _per_value(tolerance_type, lambda v: _is_absolute(None if is_missing(v) else str(v)), bool)


def _per_value(values: Any, fn: Callable[[Any], Any], dtype: type) -> npt.NDArray[Any]:
    """``fn`` of each element, worked out once per distinct value (a column holds a handful: 'higher', 'lower')."""
    arr = np.asarray(values, dtype=object)
    seen: dict[tuple[type, Any], Any] = {}
    out = []
    for v in arr.reshape(-1):
        try:
            key = (v.__class__, v if v == v else None)  # NaN is not equal to itself: one key for it
            r = seen.get(key, _UNSEEN)
        except (TypeError, ValueError):  # not hashable, or not comparable: worked out on its own
            r = fn(v)
        if r is _UNSEEN:
            r = seen[key] = fn(v)  # its error, if any, as before
        out.append(r)
    return np.array(out, dtype=dtype).reshape(arr.shape)


_UNSEEN = object()


def variance_array(actual: Any, profile: Any) -> FloatArray:
    a, p = np.broadcast_arrays(_f(actual), _f(profile))
    with np.errstate(divide="ignore", invalid="ignore"):
        v = (a - p) / np.abs(p)
    return np.where(np.isnan(a) | np.isnan(p) | (p == 0), np.nan, v)


def rag_array(
    actual: Any,
    profile: Any,
    polarity: Any = "higher",
    tolerance: Any = DEFAULT_TOLERANCE,
    tolerance_type: Any = "relative",
    due: Any = True,
) -> ObjArray:
    a, p, s, tol, ab, d = np.broadcast_arrays(
        _f(actual),
        _f(profile),
        _signs(polarity),
        _f(tolerance),
        _absolute(tolerance_type),
        np.asarray(due, dtype=bool),
    )
    tol = np.where(np.isnan(tol) | (tol < 0), DEFAULT_TOLERANCE, tol)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(ab, s * (a - p), s * (a - p) / np.abs(p))
    out = np.where(g >= -EPS, GREEN, np.where(g >= -tol - EPS, AMBER, RED)).astype(object)
    zero = ~ab & (p == 0)
    out = np.where(zero, np.where(s * a >= 0, GREEN, RED), out)
    out = np.where(np.isnan(a) | np.isnan(p), NO_DATA, out)
    out = np.where(~d, NOT_DUE, out)
    return out.astype(object)


def direction_array(now: Any, then: Any, polarity: Any = "higher") -> ObjArray:
    n, t, s = np.broadcast_arrays(_f(now), _f(then), _signs(polarity))
    d = s * (n - t)
    out = np.where(d > 0, IMPROVING, np.where(d < 0, WORSENING, NO_CHANGE)).astype(object)
    out[np.isnan(n) | np.isnan(t)] = None
    return out


def reward_array(actual: Any, expected: Any, stretch: Any, grant: Any) -> FloatArray:
    a, e, t, g = np.broadcast_arrays(_f(actual), _f(expected), _f(stretch), _f(grant))
    with np.errstate(divide="ignore", invalid="ignore"):
        ach = (a - e) / (t - e)
        r = np.where(ach < REWARD_THRESHOLD - EPS, 0.0, g * np.minimum(ach, 1.0))
    return np.where(np.isnan(ach) | np.isnan(g) | (t == e), np.nan, r)


def risk_score_array(likelihood: Any, impact: Any) -> FloatArray:
    li, im = np.broadcast_arrays(_f(likelihood), _f(impact))
    ok = (li >= 1) & (li <= 4) & (im >= 1) & (im <= 4) & (li % 1 == 0) & (im % 1 == 0)
    return np.where(ok, li * im, np.nan)
