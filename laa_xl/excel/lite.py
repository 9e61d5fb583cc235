"""xlwings Lite entry points (SPEC 6): the same UDFs and button scripts, for teams without local Python.

xlwings Lite runs Python in the browser inside Excel (Windows, Mac, Excel on
the web). It registers the functions of its ``main.py`` decorated with
``@func`` (custom functions) and ``@script`` (scripts run from the task pane
or a button). ``lite/main.py`` in this repository imports everything below;
the README ("In Excel", xlwings Lite) says how to load it.

Each entry is a one-line wrapper over ``laa_xl.excel.udfs`` or
``laa_xl.excel.buttons``, so the Lite, desktop and headless paths share one
code path. Outside Lite (and in tests) the decorators are no-ops.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw
from xlwings import arg, func, script

from . import buttons, udfs

# --- custom functions (the same names and argument order as the desktop UDFs) ---------------------


@func
@arg("actual", ndim=2)
@arg("profile", ndim=2)
def LAA_VARIANCE(actual: Any, profile: Any) -> list[list[Any]]:  # noqa: N802
    """% variance as a fraction; blank when a value is missing or the profile is 0."""
    return udfs.LAA_VARIANCE(actual, profile)


@func
@arg("actual", ndim=2)
@arg("profile", ndim=2)
@arg("polarity", ndim=2)
@arg("tolerance", ndim=2)
@arg("tolerance_type", ndim=2)
@arg("due", ndim=2)
def LAA_RAG(  # noqa: N802
    actual: Any,
    profile: Any,
    polarity: Any = "higher",
    tolerance: Any = 0.05,
    tolerance_type: Any = "relative",
    due: Any = True,
) -> list[list[Any]]:
    """Computed RAG: Green, Amber, Red, No data or Not due."""
    return udfs.LAA_RAG(actual, profile, polarity, tolerance, tolerance_type, due)


@func
@arg("now", ndim=2)
@arg("then", ndim=2)
@arg("polarity", ndim=2)
def LAA_DIRECTION(now: Any, then: Any, polarity: Any = "higher") -> list[list[Any]]:  # noqa: N802
    """Direction of travel: Improving, Worsening or No change; blank when a value is missing."""
    return udfs.LAA_DIRECTION(now, then, polarity)


@func
@arg("actual", ndim=2)
@arg("expected", ndim=2)
@arg("stretch", ndim=2)
@arg("grant", ndim=2)
def LAA_REWARD(actual: Any, expected: Any, stretch: Any, grant: Any) -> list[list[Any]]:  # noqa: N802
    """Reward grant earned by a stretch target."""
    return udfs.LAA_REWARD(actual, expected, stretch, grant)


@func
@arg("likelihood", ndim=2)
@arg("impact", ndim=2)
def LAA_RISK_SCORE(likelihood: Any, impact: Any) -> list[list[Any]]:  # noqa: N802
    """Risk score = likelihood x impact (1-4 each)."""
    return udfs.LAA_RISK_SCORE(likelihood, impact)


# --- scripts (the Home buttons) -----------------------------------------------------------------


@script
def issue_returns(book: xw.Book) -> None:
    buttons.issue_returns(book)


@script
def check_return(book: xw.Book) -> None:
    buttons.check_return(book)


@script
def consolidate(book: xw.Book) -> None:
    buttons.consolidate(book)


@script
def go_return(book: xw.Book) -> None:
    buttons.go_return(book)


@script
def psb_report(book: xw.Book) -> None:
    buttons.psb_report(book)


@script
def email_gose(book: xw.Book) -> None:
    buttons.email_gose(book)


@script
def chase(book: xw.Book) -> None:
    buttons.chase(book)


FUNCS = (LAA_VARIANCE, LAA_RAG, LAA_DIRECTION, LAA_REWARD, LAA_RISK_SCORE)
SCRIPTS = (issue_returns, check_return, consolidate, go_return, psb_report, email_gose, chase)
