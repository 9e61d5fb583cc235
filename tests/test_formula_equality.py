"""The return's native formulas equal the Python rules, proved by LibreOffice on hundreds of cases.

A register of synthetic targets (both polarities, relative and absolute
tolerances, tolerance 0, profile 0, negative and missing profiles, quarters not
due) is issued as return workbooks; the actuals (on and around every boundary,
numbers typed as text, junk, blanks) and overrides are typed with openpyxl;
LibreOffice headless recalculates and saves them in one batch; every
``% variance``, ``RAG`` and ``Check`` it computed is compared with
``laa_xl.core.rules`` and ``laa_xl.core.return_form.row_check``.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from laa_xl.core import return_form, rules
from laa_xl.core.numbers import NotANumber, to_number
from laa_xl.core.periods import QUARTERS, FinancialYear
from laa_xl.core.register import PARTNERSHIP_COLUMNS, PROFILE_COLUMNS, TARGET_COLUMNS, load_register
from laa_xl.io.grids import read_grids
from laa_xl.io.returns_writer import issue_returns
from tests.return_helpers import fill_return, have_soffice, soffice_convert

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(not have_soffice(), reason="needs LibreOffice")]

FY = FinancialYear(2008)
PROFILES = [100, -100, 0, 50, 0.3, -2.5, 1e6, 7.9, None, 12.345, -0.04, 3]
TEXT_NUMBERS = [" 1,234 ", "1,234.5", "12.5", "+3", "-0.5", ".5", "-.25", "0012", "1 234", "\u00a045\u00a0",
                "1,234,567.89", "12,345,678", "1,000,000,000,000", "  7  ", "001,234", "12.5\n", "\t12", "\r\n7\r\n"]
NOT_NUMBERS = ["TBC", "n/a", "12 approx", "1,23", "1,2345", "1.2.3", "1e3", "$5", "5%", "(5)", "-", "+.", ".",
               "1.", ",123", "12,", "1,,234", "+-5", "1,234.5,6", "N/A", "0x10", "12,34,567", "1234,567",
               "1,234,56", "1,2345,678", "1,234.", "--1", "1.5e2", "£5", "½", "TRUE", "\uff11\uff12",
               "\u0661\u0662", "12\u2003", "\u2003"]
BLANKS = [None, "", "   ", "\u00a0"]
OVERRIDES = [None, None, None, "Red", "amber", " G ", "green", "r", "x", "Redd", 1]
TEXTS = [None, None, "", " ", "Because", "\u00a0", "\u2003", "\t\n"]
N_TARGETS = 120
# Likelihood and impact typed on the Risks sheet: numbers, numbers as text, and what is neither or out of range
RISK_CASES = [(3, 3), (1, 4), (2, 2), (1, 3), (4, 4), ("3", "3"), (" 2 ", "2"), ("\t4\n", "1"), ("3.0", 3), (5, 1),
              (0, 2), (2.5, 2), ("high", 3), ("\uff13", 3), (None, 2)]  # fmt: skip
_RANDOM = object()


def _constants(i: int, rnd: random.Random) -> dict[str, Any]:
    polarity = ("higher", "lower")[i % 2]
    ttype = ("relative", "absolute")[(i // 2) % 2]
    tol = [0.05, 0.1, 0.0, 0.25][(i // 4) % 4] if ttype == "relative" else [2, 0.5, 0, 10][(i // 4) % 4]
    due = ["", "", "", "Q2, Q4", "Q4", "Q1, Q3"][(i // 16) % 6]
    return {"polarity": polarity, "ttype": ttype, "tol": tol, "due": due}


def _actual(profile: float | None, c: dict[str, Any], rnd: random.Random) -> Any:
    """An actual on, just inside or just outside a boundary, or typed the way people type."""
    kind = rnd.choice(["exact-tol", "exact-tol", "inside", "outside", "on-profile", "random", "random", "text",
                       "text-number", "junk", "blank", "zero", "negative"])
    p = profile if profile is not None else rnd.choice([10.0, -4.0, 0.0])
    s = rules.sign(c["polarity"])
    width = c["tol"] * abs(p) if c["ttype"] == "relative" else c["tol"]
    if kind == "exact-tol":
        return p - s * width
    if kind == "inside":
        return p - s * width * 0.999
    if kind == "outside":
        return p - s * (width * 1.001 + 1e-6)
    if kind == "on-profile":
        return p
    if kind == "random":
        return round(p + rnd.uniform(-0.5, 0.5) * (abs(p) + 1), rnd.choice([0, 1, 2, 6]))
    if kind == "text":
        return rnd.choice(TEXT_NUMBERS)
    if kind == "text-number":  # the exact boundary typed as text with a thousands separator
        v = p - s * width
        return f" {v:,.10f} ".rstrip("0 ").rstrip(".") + " "
    if kind == "junk":
        return rnd.choice(NOT_NUMBERS)
    if kind == "blank":
        return rnd.choice(BLANKS)
    if kind == "zero":
        return 0
    return -abs(p) - rnd.random()


def _build(tmp: Path) -> tuple[Any, dict[tuple[str, str, str], dict[str, Any]], list[Path]]:
    rnd = random.Random(20081231)
    targets: list[list[Any]] = [list(TARGET_COLUMNS)]
    profiles: list[list[Any]] = [list(PROFILE_COLUMNS)]
    consts: dict[str, dict[str, Any]] = {}
    codes = ("EQA", "EQB", "EQC")
    for i in range(N_TARGETS):
        ref = f"EQ-{i:03d}"
        c = _constants(i, rnd)
        consts[ref] = c
        row = {"Ref": ref, "Title": f"Case {i}", "Outcome": "Equality", "Partnership": codes[i % 3], "Block": "EQ",
               "Polarity": c["polarity"], "Units": "number", "Decimals": 2, "Tolerance": c["tol"],
               "Tolerance type": c["ttype"], "Frequency": "quarterly", "Due quarters": c["due"]}
        targets.append([row.get(h) for h in TARGET_COLUMNS])
        qp = [PROFILES[(i + k * 5) % len(PROFILES)] for k in range(4)]
        profiles.append([ref, "2008/09", *qp, None])
    grids = {"Targets": targets, "Profiles": profiles,
             "Partnerships": [list(PARTNERSHIP_COLUMNS), *[[c, f"Partnership {c}", "", ""] for c in codes]],
             "Timetable": [["Period", "Open", "Deadline", "PSB papers", "PSB meeting"]],
             "Settings": [["Setting", "Value"], ["Area", "Equality test"]]}
    register, issues = load_register(grids, "eq-register.xlsx")
    assert not [i for i in issues if i.is_error], issues
    paths = issue_returns(register, FY, tmp / "issued")
    forced = iter([*TEXT_NUMBERS, *NOT_NUMBERS, *BLANKS])  # every typed form at least once
    typed: dict[tuple[str, str, str], dict[str, Any]] = {}
    filled: list[Path] = []
    for path in paths:
        code = path.name.split("_")[0]
        values: dict[str, Any] = {}
        for q in QUARTERS:
            sheet: dict[str, Any] = {}
            for t in register.targets_for(code):
                profile = register.profile(t.ref, FY, q)
                actual = next(forced, _RANDOM)
                if actual is _RANDOM:
                    actual = _actual(profile, consts[t.ref], rnd)
                rec = {"Actual": actual, "RAG override": rnd.choice(OVERRIDES),
                       "Override reason": rnd.choice(TEXTS), "Commentary": rnd.choice(TEXTS),
                       "Remedial action": rnd.choice(TEXTS)}
                sheet[t.ref] = rec
                typed[(code, q, t.ref)] = rec
            values[q] = sheet
        if path == paths[0]:
            values["Risks"] = [{"Risk ID": f"R{i}", "Risk": "Case", "Likelihood": li, "Impact": im}
                               for i, (li, im) in enumerate(RISK_CASES)]  # fmt: skip
        (tmp / "filled").mkdir(exist_ok=True)
        filled.append(fill_return(path, values, tmp / "filled" / path.name))
    return register, typed, filled


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("equality")
    register, typed, filled = _build(tmp)
    out = soffice_convert(filled, tmp / "lo")
    return register, typed, out


def _python(register: Any, q: str, ref: str, rec: dict[str, Any]) -> tuple[Any, str, str]:
    t = register.target(ref)
    profile = register.profile(ref, FY, q)
    try:
        number = to_number(rec["Actual"])
    except NotANumber:
        number = None
    due = t.is_due(q)
    var = rules.variance(number, profile)
    rag = rules.rag(number, profile, t.polarity, t.tolerance, t.tolerance_type, due)
    check = return_form.row_check(rec["Actual"], profile, t.polarity, t.tolerance, t.tolerance_type, due,
                                  rec["RAG override"], rec["Override reason"], rec["Commentary"], rec["Remedial action"])
    return var, rag, check


def test_formulas_equal_python_rules(recalculated) -> None:
    register, typed, files = recalculated
    compared = 0
    mismatches: list[str] = []
    seen_rags: set[str] = set()
    seen_checks: set[str] = set()
    for path in files:
        code = path.name.split("_")[0]
        grids = read_grids(path)
        for q in QUARTERS:
            grid = grids[q]
            col = {h: grid[3].index(h) for h in ("Target ref", "Actual", "% variance", "RAG", "Check")}
            for r, row in enumerate(grid[4:], start=5):
                ref = row[col["Target ref"]]
                rec = typed[(code, q, ref)]
                var, rag, check = _python(register, q, ref, rec)
                got_var, got_rag, got_check = row[col["% variance"]], row[col["RAG"]], row[col["Check"]] or ""
                where = f"{path.name} {q}!row {r} {ref} actual={rec['Actual']!r}"
                if var is None:
                    if got_var is not None:
                        mismatches.append(f"{where}: % variance {got_var!r}, expected blank")
                elif not isinstance(got_var, float) or not math.isclose(got_var, var, rel_tol=1e-13, abs_tol=1e-15):
                    mismatches.append(f"{where}: % variance {got_var!r}, expected {var!r}")
                if got_rag != rag:
                    mismatches.append(f"{where}: RAG {got_rag!r}, expected {rag!r}")
                if got_check != check:
                    mismatches.append(f"{where}: Check {got_check!r}, expected {check!r}")
                seen_rags.add(rag)
                seen_checks.update(check.split("; "))
                compared += 1
    assert not mismatches, f"{len(mismatches)} of {compared} differ:\n" + "\n".join(mismatches[:40])
    assert compared >= N_TARGETS * 4
    # the cases really cover every outcome
    assert seen_rags == {"Green", "Amber", "Red", "No data", "Not due"}
    assert {"Number needed", "Reason needed", "Commentary needed", "Remedial action needed",
            "Override must be Red, Amber or Green", ""} <= seen_checks


def test_boundary_cases_are_in_the_sample(recalculated) -> None:
    """g exactly -tolerance (Amber) appears for relative and absolute tolerances and both polarities."""
    register, typed, _ = recalculated
    found = set()
    for (_, q, ref), rec in typed.items():
        t = register.target(ref)
        p = register.profile(ref, FY, q)
        a = rec["Actual"]
        if isinstance(a, float) and p not in (None, 0) and t.is_due(q) and t.tolerance > 0:
            g = rules.gap(a, p, t.polarity, t.tolerance_type)
            if g is not None and abs(g + t.tolerance) < 1e-9:
                found.add((t.polarity, t.tolerance_type))
    assert found == {("higher", "relative"), ("lower", "relative"), ("higher", "absolute"), ("lower", "absolute")}


def _number_or_none(v: Any) -> float | None:
    try:
        return to_number(v)
    except NotANumber:
        return None


def test_risk_score_and_rating_formulas_equal_python_rules(recalculated) -> None:
    """The Risks sheet's Score and Rating read a likelihood or impact typed as text ("3", " 2 ") as the consolidation
    does (SPEC 4: a number stored as text is that number), and leave out what is not a whole number from 1 to 4."""
    _, _, files = recalculated
    grid = read_grids(files[0])["Risks"]
    hr = next(i for i, row in enumerate(grid) if row and row[0] == "Risk ID")
    col = {h: grid[hr].index(h) for h in ("Risk ID", "Score", "Rating")}
    got = {row[col["Risk ID"]]: (row[col["Score"]], row[col["Rating"]]) for row in grid[hr + 1:] if row[0]}
    expected = {}
    for i, (li, im) in enumerate(RISK_CASES):
        score = rules.risk_score(_number_or_none(li), _number_or_none(im))
        expected[f"R{i}"] = (score, rules.risk_rating(score))
    assert got == expected
    assert {s for s, _ in expected.values()} >= {None, 9, 4, 3, 16}  # blank, and each rating's boundaries
