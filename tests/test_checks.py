"""SPEC 4 checks on returns built in code: each problem is an issue at its (sheet, cell, code)."""

from __future__ import annotations

import datetime as dt

import pytest

from laa_xl.core import demo, rules
from laa_xl.core.checks import check_return, looks_like_fraction
from laa_xl.core.issues import Location
from laa_xl.core.periods import FinancialYear
from laa_xl.core.register import load_register
from laa_xl.core.returns import Cell, ReturnData, ReturnRow, RiskRow, SpendRow

FILE = "SAF_2008-09.xlsx"
Y = FinancialYear(2008)


@pytest.fixture(scope="module")
def register():
    reg, issues = load_register(demo.register_grids(), "register.xlsx")
    assert issues == []
    return reg


def cell(sheet, ref, value):
    return Cell(value, Location(FILE, sheet, ref))


def make_return(rows, code="SAF", year="2008/09", submitted=dt.date(2008, 10, 20)):
    """rows: (quarter, excel row, ref, actual, {field: value}) -> ReturnData like a reader makes."""
    data = ReturnData(FILE)
    for label, value in (("Partnership code", code), ("Financial year", year), ("Date submitted", submitted)):
        data.cover[label] = cell("Cover", f"B{len(data.cover) + 1}", value)
    cols = {"rag_override": "J", "override_reason": "K", "commentary": "L", "remedial_action": "M",
            "data_quality_note": "O"}
    for q, r, ref, actual, extra in rows:
        fields = {k: cell(q, f"{c}{r}", extra.get(k)) for k, c in cols.items()}  # blanks have cells too
        data.rows.append(ReturnRow(q, cell(q, f"A{r}", ref), cell(q, f"G{r}", actual), **fields))
    return data


def where(issues):
    return {(i.location.sheet, i.location.cell, i.code) for i in issues}


def profile(reg, ref, q):
    return reg.profile(ref, Y, q)


def test_clean_values_are_consolidated(register):
    p = profile(register, "NI 40", "Q1")
    res = check_return(make_return([("Q1", 5, "NI 40", p, {})]), register, year=Y, quarters=["Q1"])
    obs = {(o.ref, o.quarter): o for o in res.observations}
    assert obs[("NI 40", "Q1")].actual == p and obs[("NI 40", "Q1")].rag == rules.GREEN
    assert obs[("NI 40", "Q1")].source == Location(FILE, "Q1", "G5")
    # every SAF target gets an observation; those without a row are No data (due) or Not due
    assert {o.ref for o in res.observations} == {t.ref for t in register.targets_for("SAF")}
    assert obs[("NI 47", "Q1")].rag == rules.NOT_DUE  # six-monthly
    assert obs[("NI 20", "Q1")].rag == rules.NO_DATA


def test_an_actual_typed_in_a_quarter_not_due_is_listed_not_dropped_in_silence(register):
    """NI 47 is six-monthly (Q2 and Q4): a figure typed on Q1, where its cell is shaded for typing all the same,
    became 'Not due' with no word at all."""
    res = check_return(make_return([("Q1", 5, "NI 47", 101, {}), ("Q1", 6, "NI 40", None, {})]), register, year=Y,
                       quarters=["Q1"])  # fmt: skip
    got = [i for i in res.issues if i.code == "actual-not-due"]
    assert [(i.location.sheet, i.location.cell, i.severity) for i in got] == [("Q1", "G5", "warning")]
    assert "NI 47 Q1: an actual (101) is typed" in got[0].message and "due only in Q2 and Q4" in got[0].message
    assert next(o for o in res.observations if o.ref == "NI 47").rag == rules.NOT_DUE
    nothing = check_return(make_return([("Q1", 5, "NI 47", None, {})]), register, year=Y, quarters=["Q1"])
    assert "actual-not-due" not in {i.code for i in nothing.issues}  # a blank, as it should be: nothing to say


def test_a_return_with_nothing_typed_on_the_quarter_consolidated_is_not_updated_not_quietly_used(register):
    """Consolidating Q3 with last quarter's returns still in the folder: each counted as used and on time, every Q3
    target 'no actual yet', an 'early-date' blaming a right date, and chase had nobody to write to."""
    refs = [t.ref for t in register.targets_for("SAF")]
    rows = [(q, 5 + i, ref, profile(register, ref, q), {}) for q in ("Q1", "Q2") for i, ref in enumerate(refs)]
    rows += [("Q3", 5 + i, ref, None, {}) for i, ref in enumerate(refs)]  # the Q3 sheet, as issued
    data = make_return(rows)
    data.quarters_found = ("Q1", "Q2", "Q3", "Q4")
    res = check_return(data, register, year=Y, quarters=["Q1", "Q2", "Q3"])
    codes = [i.code for i in res.issues]
    got = [i for i in res.issues if i.code == "not-updated"]
    assert [(i.location.file, i.location.sheet, i.severity) for i in got] == [(FILE, "Q3", "warning")]
    assert "No figure is typed on Q3 yet: this is the return up to Q2, sent on 20 Oct 2008" in got[0].message
    assert "early-date" not in codes and not [i for i in res.issues if i.code == "missing-actual"
                                              and i.location.sheet == "Q3"]  # fmt: skip
    assert any(o.quarter == "Q2" and o.actual is not None for o in res.observations)  # its earlier quarters used
    # a commentary alone on Q3 ('figures follow') does not complete it; one actual typed there does
    data.rows.append(ReturnRow("Q3", cell("Q3", "A40", refs[0]), cell("Q3", "G40", None),
                               commentary=cell("Q3", "L40", "Figures follow next week")))  # fmt: skip
    noted = check_return(data, register, year=Y, quarters=["Q1", "Q2", "Q3"])
    assert "not-updated" in {i.code for i in noted.issues}
    data.rows[-1] = ReturnRow("Q3", cell("Q3", "A40", refs[0]), cell("Q3", "G40", profile(register, refs[0], "Q3")))
    started = check_return(data, register, year=Y, quarters=["Q1", "Q2", "Q3"])
    assert "not-updated" not in {i.code for i in started.issues}
    assert any(i.code == "missing-actual" and i.location.sheet == "Q3" for i in started.issues)
    # checked on its own (no quarter asked for), a return is checked up to the last quarter typed
    assert "not-updated" not in {i.code for i in check_return(make_return(rows), register, year=Y).issues}


@pytest.mark.parametrize("typed", ["45", " 1,234 ", "12.5", "-3", 7])
def test_numbers_typed_as_text_are_numbers(register, typed):
    res = check_return(make_return([("Q1", 5, "NI 40", typed, {})]), register, year=Y, quarters=["Q1"])
    assert ("Q1", "G5", "non-numeric-actual") not in where(res.issues)
    o = next(o for o in res.observations if o.ref == "NI 40")
    assert o.actual == float(str(typed).replace(",", ""))


@pytest.mark.parametrize("typed", ["TBC", "n/a", "12 approx", "1,23", "--5", "1.2.3"])
def test_non_numeric_actual_is_an_error_and_no_data(register, typed):
    res = check_return(make_return([("Q1", 5, "NI 40", typed, {})]), register, year=Y, quarters=["Q1"])
    assert ("Q1", "G5", "non-numeric-actual") in where(res.issues)
    assert ("Q1", "G5", "missing-actual") not in where(res.issues)
    o = next(o for o in res.observations if o.ref == "NI 40")
    assert o.actual is None and o.rag == rules.NO_DATA


def test_unknown_foreign_and_duplicate_targets(register):
    rows = [
        ("Q1", 5, "NI 999", 3, {}),
        ("Q1", 6, "NI 154", 300, {}),  # an OEP target in the SAF return
        ("Q1", 7, "NI 40", 100, {}),
        ("Q1", 8, "NI 40", 120, {}),
    ]
    res = check_return(make_return(rows), register, year=Y, quarters=["Q1"])
    got = where(res.issues)
    assert {("Q1", "A5", "unknown-target"), ("Q1", "A6", "other-partnership-target")} <= got
    assert {("Q1", "A7", "duplicate-target-row"), ("Q1", "A8", "duplicate-target-row")} <= got
    assert next(o for o in res.observations if o.ref == "NI 40").rag == rules.NO_DATA


def test_red_needs_commentary_and_remedial_action_amber_needs_commentary(register):
    p = profile(register, "NI 40", "Q1")  # higher is better, 5 % relative
    rows = [("Q1", 5, "NI 40", p * 0.5, {}), ("Q1", 6, "NI 16", profile(register, "NI 16", "Q1") * 1.03, {})]
    got = where(check_return(make_return(rows), register, year=Y, quarters=["Q1"]).issues)
    assert {("Q1", "L5", "no-commentary"), ("Q1", "M5", "no-remedial-action"), ("Q1", "L6", "no-commentary")} <= got
    assert ("Q1", "M6", "no-remedial-action") not in got


def test_override_needs_a_reason_and_is_reported(register):
    p = profile(register, "NI 40", "Q1")
    rows = [("Q1", 5, "NI 40", p * 0.5, {"rag_override": "amber", "commentary": "New service", "remedial_action": "x"})]
    res = check_return(make_return(rows), register, year=Y, quarters=["Q1"])
    assert {("Q1", "K5", "override-without-reason"), ("Q1", "J5", "rag-overridden")} <= where(res.issues)
    o = next(o for o in res.observations if o.ref == "NI 40")
    assert (o.rag, o.reported_rag) == (rules.RED, rules.AMBER)


def test_jump_and_implausible_percentage(register):
    rows = [("Q1", 5, "NI 40", 100, {}), ("Q2", 5, "NI 40", 151, {}), ("Q1", 6, "NI 32", 140, {})]
    got = where(check_return(make_return(rows), register, year=Y, quarters=["Q1", "Q2"]).issues)
    assert ("Q2", "G5", "big-jump") in got and ("Q1", "G5", "big-jump") not in got
    assert ("Q1", "G6", "implausible-value") in got


def test_wrong_year_or_partnership_on_the_cover_keeps_everything_out(register):
    res = check_return(make_return([("Q1", 5, "NI 40", 1, {})], year="2007/08"), register, year=Y)
    assert ("Cover", "B2", "wrong-year") in where(res.issues) and res.observations == []
    res = check_return(make_return([("Q1", 5, "NI 40", 1, {})], code="XYZ"), register, year=Y)
    assert ("Cover", "B1", "wrong-partnership") in where(res.issues) and res.observations == []


def test_late_return_is_a_warning_at_the_date(register):
    data = make_return([("Q1", 5, "NI 40", 1, {})], submitted=dt.date(2008, 11, 3))
    res = check_return(data, register, year=Y, quarters=["Q1", "Q2"], deadline=dt.date(2008, 10, 31))
    late = [i for i in res.issues if i.code == "late-return"]
    assert len(late) == 1 and late[0].severity == "warning" and late[0].location.cell == "B3"


def test_missing_actual_in_a_due_quarter_is_a_warning(register):
    res = check_return(make_return([("Q2", 5, "NI 47", None, {})]), register, year=Y, quarters=["Q1", "Q2"])
    assert ("Q2", "G5", "missing-actual") in where(res.issues)
    res = check_return(make_return([("Q1", 5, "NI 47", None, {})]), register, year=Y, quarters=["Q1"])
    assert ("Q1", "G5", "missing-actual") not in where(res.issues)  # six-monthly: not due in Q1


@pytest.mark.parametrize(("actual", "profile", "flagged"), [
    (0.3, 30.0, True),  # 30% typed with its percent sign
    (0.5, 30.0, True),  # 50% is nearer 30 than 0.5 is
    (0.035, 3.5, True),
    (-0.02, -2.0, True),
    (0.5, 3.5, False),  # 0.5% against 3.5%: nearer as typed
    (1.0, 50.0, False),  # 100% is no nearer 50 than 1 is
    (1.0, 80.0, True),
    (1.2, 80.0, False),  # beyond 1: not a fraction
    (0.0, 30.0, False),
    (0.3, None, False),  # no profile to judge by
    (0.3, 0.0, False),
])  # fmt: skip
def test_looks_like_fraction(actual, profile, flagged):
    assert looks_like_fraction(actual, profile) is flagged


def test_percentage_typed_as_a_fraction_is_a_warning_at_the_cell(register):
    rows = [("Q1", 5, "NI 32", 0.3, {}), ("Q1", 6, "NI 30", 38.5, {}), ("Q1", 7, "NI 40", 0.45, {})]
    res = check_return(make_return(rows), register, year=Y, quarters=["Q1"])
    flagged = [i for i in res.issues if i.code == "percentage-as-fraction"]
    assert [(i.location.cell, i.severity) for i in flagged] == [("G5", "warning")]  # NI 40 is a count, not a %
    assert flagged[0].message.startswith("NI 32 Q1: 0.3 looks like 30% typed as a fraction")
    assert next(o for o in res.observations if o.ref == "NI 32").actual == 0.3  # listed, never changed


def test_a_cover_that_cannot_be_read_says_which_cell(register):
    got = where(check_return(make_return([("Q1", 5, "NI 40", 1, {})], code=""), register, year=Y).issues)
    assert ("Cover", "B1", "missing-partnership") in got
    res = check_return(make_return([("Q1", 5, "NI 40", 1, {})], year="2008", submitted="next Tuesday"), register,
                       year=Y)  # fmt: skip
    got = {(i.location.cell, i.code, i.severity) for i in res.issues}
    assert {("B2", "bad-year", "error"), ("B3", "bad-date", "warning")} <= got
    assert res.observations == []  # no year: nothing is consolidated from it


def test_an_override_that_is_not_a_rag_is_ignored_and_listed(register):
    p = profile(register, "NI 40", "Q1")
    res = check_return(make_return([("Q1", 5, "NI 40", p, {"rag_override": "Purple", "override_reason": "x"})]),
                       register, year=Y, quarters=["Q1"])  # fmt: skip
    assert ("Q1", "J5", "bad-override") in where(res.issues)
    o = next(o for o in res.observations if o.ref == "NI 40")
    assert (o.rag, o.reported_rag, o.rag_override) == (rules.GREEN, rules.GREEN, None)


def test_risks_that_cannot_be_scored_or_dated_are_listed_at_their_cells(register):
    data = make_return([("Q1", 5, "NI 40", 1, {})])
    for r, (li, im, review) in enumerate([("high", 2, None), (5, 2, dt.date(2008, 6, 30)), (3, 4, "end of June")], 5):
        data.risks.append(RiskRow(cell("Risks", f"A{r}", f"R{r}"), cell("Risks", f"B{r}", "NI 40" if r < 7 else "ni999"),
                                  cell("Risks", f"C{r}", "Staff"), cell("Risks", f"D{r}", li),
                                  cell("Risks", f"E{r}", im), review_date=cell("Risks", f"J{r}", review)))  # fmt: skip
    res = check_return(data, register, year=Y, quarters=["Q1"])
    got = {(i.location.cell, i.code) for i in res.issues if i.location.sheet == "Risks"}
    assert got == {("D5", "not-a-number"), ("D6", "bad-risk-score"), ("J7", "bad-date"), ("B7", "risk-unknown-target")}
    assert "Risk R7 names the target 'NI 999', which is not in the register" in next(
        i.message for i in res.issues if i.code == "risk-unknown-target")
    assert [k.ref for k in res.risks] == ["NI 40", "NI 40", "NI 999"]  # kept
    msg = next(i.message for i in res.issues if i.code == "bad-date")
    assert "'end of June'" in msg
    assert [(k.likelihood, k.impact, k.score, k.rating, k.review_date) for k in res.risks] == [
        (None, 2.0, None, None, None), (5.0, 2.0, None, None, dt.date(2008, 6, 30)), (3.0, 4.0, 12, "High", None)]


def test_spend_quarters_written_loosely_are_read_and_others_listed(register):
    data = make_return([("Q1", 5, "NI 40", 1, {})])
    for r, q in enumerate(["Q1", " qtr 2 ", "Quarter 3", 4.0, "Q-1 2008/09", "autumn", None, "Q5"], 5):
        data.spend.append(SpendRow(cell("Spend", f"A{r}", "SSC"), cell("Spend", f"B{r}", q),
                                   cell("Spend", f"C{r}", 1000), cell("Spend", f"D{r}", 250)))  # fmt: skip
    res = check_return(data, register, year=Y, quarters=["Q1"])
    assert [s.quarter for s in res.spend] == ["Q1", "Q2", "Q3", "Q4", "Q1", "AUTUMN", "", "Q5"]
    bad = [i for i in res.issues if i.code == "bad-quarter"]
    assert [(i.location.cell, i.severity) for i in bad] == [("B10", "warning"), ("B12", "warning")]
    assert "the quarter 'autumn' is not one of Q1 to Q4, so this row is left out of the spend totals" in bad[0].message


def test_spend_repeated_for_a_block_and_quarter_or_for_no_known_block_is_listed(register):
    """A second row for SSC Q2 is added into the totals (budget and spend counted twice): listed at the repeat. A
    block no target has ('XYZ') or none at all is totalled on its own: listed too."""
    data = make_return([("Q1", 5, "NI 40", 1, {})])
    for r, (block, q) in enumerate([("SSC", "Q2"), ("CYP", "Q2"), ("ssc ", "Qtr 2"), ("XYZ", "Q2"), (None, "Q2")], 5):
        data.spend.append(SpendRow(cell("Spend", f"A{r}", block), cell("Spend", f"B{r}", q),
                                   cell("Spend", f"C{r}", 1000), cell("Spend", f"D{r}", 250)))  # fmt: skip
    res = check_return(data, register, year=Y, quarters=["Q1"])
    got = [(i.location.cell, i.code) for i in res.issues if i.location.sheet == "Spend"]
    assert got == [("A7", "duplicate-spend-row"), ("A8", "unknown-block"), ("A9", "unknown-block")]
    assert "Spend for ssc Q2 is on two rows (this one and A5)" in res.issues[[i.location.cell for i in res.issues]
                                                                           .index("A7")].message  # fmt: skip
    assert len(res.spend) == 5  # all kept, as typed


def test_the_officers_override_reason_and_data_quality_note_reach_the_issues(register):
    """Neither had any place in the outputs: the reason now goes with the override it explains, and a data quality
    note (the officer's own caveat on a figure) is listed at its cell, so it reaches Issues and the GO's Data
    quality sheet."""
    p = profile(register, "NI 40", "Q1")
    rows = [("Q1", 5, "NI 40", p * 0.5, {"rag_override": "amber", "override_reason": "New provider from July",
                                          "commentary": "c", "remedial_action": "r",
                                          "data_quality_note": "Provisional: validated figures due in January"})]
    res = check_return(make_return(rows), register, year=Y, quarters=["Q1"])
    said = {(i.location.cell, i.code): i.message for i in res.issues}
    assert "The reason given: 'New provider from July'." in said[("J5", "rag-overridden")]
    assert "'Provisional: validated figures due in January'" in said[("O5", "data-quality-note")]
    assert next(o for o in res.observations if o.ref == "NI 40").data_quality_note.startswith("Provisional")


def test_a_date_submitted_before_the_quarter_ended_is_questioned(register):
    """'11/01/2008' is read the British way, 11 January 2008, months before Q2 ended: most likely 1 November typed
    the American way. It decides which of two returns is the later one, so it is listed."""
    p = profile(register, "NI 40", "Q1")
    early = check_return(make_return([("Q1", 5, "NI 40", p, {})], submitted="11/01/2008"), register, year=Y,
                         quarters=["Q1", "Q2"])  # fmt: skip
    [i] = [i for i in early.issues if i.code == "early-date"]
    assert (i.location.sheet, i.severity) == ("Cover", "warning") and early.submitted == dt.date(2008, 1, 11)
    assert "before Q2 2008/09 ended (30 Sep 2008)" in i.message
    on_time = check_return(make_return([("Q1", 5, "NI 40", p, {})]), register, year=Y, quarters=["Q1", "Q2"])
    assert "early-date" not in {i.code for i in on_time.issues}


def test_a_huge_figure_is_written_shortly_in_messages(register):
    from laa_xl.core.checks import _fmt

    assert _fmt(1e308) == "1e+308" and _fmt(1234.0) == "1,234" and _fmt(2.5) == "2.50"
    from laa_xl.core.checks import _pct

    assert _pct(0.6) == "60%" and _pct(12.3) == "1,230%" and _pct(1e306) == "1e+308%"  # not 300 digits


def test_a_register_mistake_is_not_laid_at_the_partnerships_door():
    """NI 16 with no partnership in the register: SAF's figure for it used to be an error telling SAF that NI 16
    'belongs to the  partnership', and SAF was asked to correct it. It is the register's to correct: a warning."""
    import copy

    from laa_xl.core.register import TARGET_COLUMNS

    grids = copy.deepcopy(demo.register_grids())
    row = next(r for r in grids["Targets"] if r[0] == "NI 16")
    row[TARGET_COLUMNS.index("Partnership")] = None
    reg, _ = load_register(grids)
    res = check_return(make_return([("Q1", 5, "NI 16", 3.0, {}), ("Q1", 6, "NI 40", profile(reg, "NI 40", "Q1"), {})]),
                       reg, year=Y, quarters=["Q1"])  # fmt: skip
    [i] = [i for i in res.issues if "NI 16" in i.message]
    assert (i.code, i.severity, i.location.cell) == ("register-partnership", "warning", "A5")
    assert "no partnership in the register" in i.message and "central team" in i.message
