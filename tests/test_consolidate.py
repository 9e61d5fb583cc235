"""Consolidation core on returns built in code: every number against the rules; missing, duplicate, late, restated."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from laa_xl.core import demo, rules
from laa_xl.core.checks import check_return
from laa_xl.core.consolidate import FileInfo, Refusal, consolidate
from laa_xl.core.filling import officer_fill, to_return_data
from laa_xl.core.issues import Location, error
from laa_xl.core.periods import QUARTERS, FinancialYear, Period
from laa_xl.core.register import load_register
from laa_xl.core.reports import psb_summary, reward_lines

Y = FinancialYear(2008)
Q2 = Period.parse("2008/09 Q2")
Q3 = Period.parse("2008/09 Q3")
ON_TIME = dt.date(2008, 10, 20)  # the demo's Q2 deadline is 31 Oct 2008


@pytest.fixture(scope="module")
def register():
    reg, issues = load_register(demo.register_grids(), "register.xlsx")
    assert issues == []
    return reg


def returns_for(register, period, *, seed=2008, submitted=ON_TIME, codes=None, mutate=None):
    items = []
    for p in register.partnerships:
        if codes is not None and p.code not in codes:
            continue
        fill = officer_fill(register, p.code, period.year, period.quarters, seed=seed, submitted=submitted)
        if mutate:
            mutate(p.code, fill)
        name = f"{p.code}_2008-09.xlsx"
        items.append((FileInfo(name, 1000, p.code.lower() * 8), to_return_data(fill, name)))
    return items


def random_overrides(seed):
    rnd = random.Random(seed)

    def mutate(code, fill):
        for row in fill.rows.values():
            x = rnd.random()
            if x < 0.1:
                row.rag_override, row.override_reason = rnd.choice(["Red", "amber", "G"]), "Local knowledge"
            elif x < 0.15:
                row.actual = rnd.choice(["TBC", " 1,234 ", "n/a", None])

    return mutate


def expected_then(cons, o):
    """Independent of the code: same quarter last year unknown here, so the latest earlier quarter with an actual."""
    i = QUARTERS.index(o.quarter)
    for q in reversed(QUARTERS[:i]):
        prev = cons.observation(o.ref, q)
        if prev is not None and prev.actual is not None:
            return prev.actual
    return None


@pytest.mark.parametrize("seed", [1, 7, 2008, 31337])
@pytest.mark.parametrize("period", [Q2, Q3], ids=str)
def test_every_data_number_follows_the_rules(register, seed, period):
    items = returns_for(register, period, seed=seed, mutate=random_overrides(seed))
    cons = consolidate(register, period, items)
    assert len(cons.observations) == len(register.targets) * len(period.quarters)
    checked = {}
    for _, data in items:
        cr = check_return(data, register, year=period.year, quarters=period.quarters)
        checked.update({(o.ref, o.quarter): o for o in cr.observations})
    for o in cons.observations:
        t = register.target(o.ref)
        assert o.profile == register.profile(o.ref, Y, o.quarter)
        exp_var = rules.variance(o.actual, o.profile)
        assert (o.variance is None and exp_var is None) or math.isclose(o.variance, exp_var, abs_tol=1e-12)
        assert o.rag == rules.rag(o.actual, o.profile, t.polarity, t.tolerance, t.tolerance_type, t.is_due(o.quarter))
        assert o.reported_rag == rules.reported_rag(o.rag, o.rag_override)
        assert o.direction == rules.direction(o.actual, expected_then(cons, o), t.polarity)
        scalar = checked[(o.ref, o.quarter)]  # the vectorised consolidation agrees with the scalar checks
        assert (scalar.actual, scalar.rag, scalar.reported_rag) == (o.actual, o.rag, o.reported_rag)


def test_non_numeric_actual_is_no_data_and_an_error_at_its_cell(register):
    def tbc(code, fill):
        if code == "SAF":
            fill.rows[("NI 20", "Q2")].actual = "TBC"

    cons = consolidate(register, Q2, returns_for(register, Q2, mutate=tbc))
    o = cons.observation("NI 20", "Q2")
    assert (o.actual, o.rag, o.reported_rag) == (None, rules.NO_DATA, rules.NO_DATA)
    hits = [(i.location.file, i.location.sheet, i.code) for i in cons.issues if i.is_error]
    assert hits == [("SAF_2008-09.xlsx", "Q2", "non-numeric-actual")]


def test_missing_partnership_shows_no_data_and_is_listed(register):
    cons = consolidate(register, Q2, returns_for(register, Q2, codes={"CYP", "HWB", "STR", "OEP", "ENV"}))
    assert cons.missing == ["SAF"]
    for o in cons.observations:
        if o.partnership == "SAF":
            t = register.target(o.ref)
            assert o.actual is None
            assert o.rag == (rules.NO_DATA if t.is_due(o.quarter) else rules.NOT_DUE)
    assert [(e.partnership, e.file, e.status) for e in cons.log if e.status == "Missing"] == [("SAF", "", "Missing")]
    assert [(i.location.file, i.code) for i in cons.issues if i.code == "missing-return"] == [("SAF", "missing-return")]
    assert cons.summary()["missing returns"] == "SAF"


def test_two_returns_the_later_submitted_wins_and_both_are_logged(register):
    items = returns_for(register, Q2, codes={"CYP"})
    older = officer_fill(register, "CYP", Y, Q2.quarters, seed=99, submitted=dt.date(2008, 10, 1))
    # the older one has a name that sorts last: the date decides, not the name
    items.append((FileInfo("zz_CYP_first_go.xlsx", 900, "f" * 64), to_return_data(older, "zz_CYP_first_go.xlsx")))
    cons = consolidate(register, Q2, items)
    log = {(e.file, e.status) for e in cons.log if e.partnership == "CYP"}
    assert log == {("CYP_2008-09.xlsx", "Used"), ("zz_CYP_first_go.xlsx", "Superseded")}
    dup = [(i.location.file, i.location.sheet, i.code, i.severity) for i in cons.issues if i.code == "duplicate-return"]
    assert dup == [("zz_CYP_first_go.xlsx", "Cover", "duplicate-return", "warning")]
    assert {o.source.file for o in cons.observations if o.partnership == "CYP" and o.actual is not None} == {
        "CYP_2008-09.xlsx"
    }


def test_late_return_is_consolidated_and_flagged(register):
    items = returns_for(register, Q2, codes={"ENV"}, submitted=dt.date(2008, 11, 3))
    cons = consolidate(register, Q2, items)
    env = [e for e in cons.log if e.partnership == "ENV"][0]
    assert (env.status, env.late, env.deadline, env.submitted) == ("Used", True, dt.date(2008, 10, 31),
                                                                   dt.date(2008, 11, 3))  # fmt: skip
    assert env.rows_taken == sum(1 for o in cons.observations if o.partnership == "ENV" and o.actual is not None) > 0
    assert [(i.location.file, i.location.sheet, i.code) for i in cons.issues if i.code == "late-return"] == [
        ("ENV_2008-09.xlsx", "Cover", "late-return")
    ]


def test_restatement_keeps_both_values_and_is_a_warning_at_the_cell(register):
    first = consolidate(register, Q2, returns_for(register, Q2))
    previous = {(o.ref, o.year, o.quarter): o.actual for o in first.observations}

    def correct(code, fill):
        if code == "OEP":
            fill.rows[("NI 154", "Q1")].actual = fill.rows[("NI 154", "Q1")].actual + 25

    second = consolidate(register, Q2, returns_for(register, Q2, mutate=correct), previous=previous)
    [r] = second.restatements
    old = first.observation("NI 154", "Q1").actual
    assert (r.ref, r.quarter, r.previous, r.now) == ("NI 154", "Q1", old, old + 25)
    hits = [(i.location.file, i.location.sheet, i.location.cell, i.code) for i in second.issues
            if i.code == "restated-actual"]  # fmt: skip
    assert hits == [("OEP_2008-09.xlsx", "Q1", second.observation("NI 154", "Q1").source.cell, "restated-actual")]
    # same inputs again: nothing restated
    third = consolidate(register, Q2, returns_for(register, Q2), previous=previous)
    assert third.restatements == []


def test_refused_files_are_logged_and_not_used(register):
    items = returns_for(register, Q2, codes={"SAF"})
    wrong = officer_fill(register, "HWB", Y, Q2.quarters)
    wrong_year = to_return_data(wrong, "HWB_2007-08.xlsx")
    wrong_year.cover["Financial year"] = type(wrong_year.cover["Financial year"])("2007/08", Location("HWB_2007-08.xlsx",
                                                                                                      "Cover", "B4"))
    items.append((FileInfo("HWB_2007-08.xlsx", 10, "a" * 64), wrong_year))
    bomb = Refusal((error("zip-bomb", "This file expands too far to be safe.", Location("bomb.xlsx")),))
    items.append((FileInfo("bomb.xlsx", 5, "b" * 64), bomb))
    cons = consolidate(register, Q2, items)
    status = {e.file: e.status for e in cons.log}
    assert status["HWB_2007-08.xlsx"] == "Refused" and status["bomb.xlsx"] == "Refused"
    assert "HWB" in cons.missing
    assert ("HWB_2007-08.xlsx", "Cover", "wrong-year") in {(i.location.file, i.location.sheet, i.code) for i in cons.issues}
    assert ("bomb.xlsx", "zip-bomb") in {(i.location.file, i.code) for i in cons.issues}


def test_last_years_return_left_in_the_folder_says_this_years_is_used(register):
    """A 2007/08 return beside the partnership's 2008/09 one is still refused (SPEC: a cover for another year is an
    error), but is not told to send the 2008/09 return, which has come: it says which file is used, and what to do."""
    items = returns_for(register, Q2, codes={"SAF", "HWB"})
    for code in ("SAF", "HWB"):
        old = to_return_data(officer_fill(register, code, Y, Q2.quarters), f"{code}_2007-08.xlsx")
        old.cover["Financial year"] = type(old.cover["Financial year"])("2007/08", Location(f"{code}_2007-08.xlsx",
                                                                                            "Cover", "B4"))  # fmt: skip
        items.append((FileInfo(f"{code}_2007-08.xlsx", 10, code.lower() * 16), old))
    items = [it for it in items if it[0].name != "HWB_2008-09.xlsx"]  # HWB sent only last year's
    cons = consolidate(register, Q2, items)
    said = {i.location.file: i for i in cons.issues if i.code == "wrong-year"}
    assert said["SAF_2007-08.xlsx"].is_error and said["SAF_2007-08.xlsx"].message == (
        "This is the 2007/08 return, so it is not used for 2008/09: SAF_2008-09.xlsx is. Move this file out of the "
        "returns folder (into the 2007/08 one).")
    assert "Send the 2008/09 return" in said["HWB_2007-08.xlsx"].message  # HWB's has not come: it is asked for
    status = {e.file: e.status for e in cons.log}
    assert status["SAF_2007-08.xlsx"] == "Refused" and status["SAF_2008-09.xlsx"] == "Used"
    assert "SAF" not in cons.missing and "HWB" in cons.missing


def test_same_inputs_twice_give_the_same_consolidation(register):
    a = consolidate(register, Q2, returns_for(register, Q2, mutate=random_overrides(3)))
    b = consolidate(register, Q2, list(reversed(returns_for(register, Q2, mutate=random_overrides(3)))))
    assert a.observations == b.observations
    assert a.issues == b.issues and a.log == b.log


def test_direction_uses_the_same_quarter_last_year_where_known(register):
    cons0 = consolidate(register, Q2, returns_for(register, Q2))
    o = cons0.observation("NI 154", "Q2")
    history = {("NI 154", Y.previous(), "Q2"): o.actual - 10}  # last year lower: higher is better -> Improving
    cons = consolidate(register, Q2, returns_for(register, Q2), history=history)
    assert cons.observation("NI 154", "Q2").direction == rules.IMPROVING
    history = {("NI 154", Y.previous(), "Q2"): o.actual}
    cons = consolidate(register, Q2, returns_for(register, Q2), history=history)
    assert cons.observation("NI 154", "Q2").direction == rules.NO_CHANGE


def test_reward_uses_the_rule_and_the_last_profiled_year(register):
    cons = consolidate(register, Q2, returns_for(register, Q2))
    lines = reward_lines(cons)
    assert [x.target.ref for x in lines] == [t.ref for t in register.targets if t.stretch]
    for x in lines:
        t = x.target
        last = max(y for (ref, y) in register.profiles if ref == t.ref)
        assert x.stretch == register.profile(t.ref, last)
        assert x.reward == rules.reward(x.actual, t.expected_without_stretch, x.stretch, t.reward_grant)
        assert x.achieved == rules.achieved(x.actual, t.expected_without_stretch, x.stretch)
        # counts: the quarters' total projected to the year
        q = [cons.observation(t.ref, qq).actual for qq in Q2.quarters]
        assert x.actual == pytest.approx(sum(q) * 2)


def test_psb_exceptions_are_every_red_and_amber_of_the_last_quarter(register):
    cons = consolidate(register, Q2, returns_for(register, Q2, seed=5))
    m = psb_summary(cons)
    latest = [o for o in cons.observations if o.quarter == "Q2"]
    assert {o.ref for o in m.exceptions} == {o.ref for o in latest if o.reported_rag in ("Red", "Amber")}
    assert [o.reported_rag for o in m.exceptions] == sorted((o.reported_rag for o in m.exceptions),
                                                            key=lambda r: r != "Red")  # fmt: skip
    assert {t.ref for t, _, _ in m.red_trends} == {o.ref for o in latest if o.reported_rag == "Red"}
    all_row = m.by_partnership[-1][2]
    assert all_row["Total"] == len(register.targets)
    for k in ("Green", "Amber", "Red", "No data", "Not due"):
        assert all_row[k] == sum(1 for o in latest if o.reported_rag == k)
        assert sum(c[k] for _, _, c in m.by_partnership[:-1]) == all_row[k]


@pytest.mark.parametrize("cap", [None, 10])
def test_psb_trend_charts_are_capped_at_the_reds_furthest_from_profile(register, cap, monkeypatch):
    """Every Q2 figure reported Red (an override): more Reds than the cap. The charted ones are the
    MAX_TREND_CHARTS worst, by how far the actual is off the profile the bad way for the target's polarity;
    the chart data keeps every Red target, and the sheet says how many are drawn."""
    from laa_xl.core import reports

    def all_red(code, fill):
        for (_ref, q), row in fill.rows.items():
            if q == "Q2":
                row.rag_override, row.override_reason = "Red", "Board asked for every target"

    if cap is not None:
        monkeypatch.setattr(reports, "MAX_TREND_CHARTS", cap)
    cap = reports.MAX_TREND_CHARTS
    cons = consolidate(register, Q2, returns_for(register, Q2, seed=7, mutate=all_red))
    m = psb_summary(cons)
    assert len(m.red_trends) > cap  # the cap bites
    pol = {t.ref: t.polarity for t in register.targets}
    latest = {o.ref: o for o in cons.observations if o.quarter == "Q2"}

    def badness(ref):  # independent of the code: worse than profile in the target's own direction, as a fraction
        o = latest[ref]
        if o.actual is None or o.profile in (None, 0):
            return None
        off = (o.profile - o.actual) if pol[ref] == "higher" else (o.actual - o.profile)
        return off / abs(o.profile)

    refs = [t.ref for t, _, _ in m.red_trends]
    scored = [(badness(r), latest[r].partnership, r) for r in refs]
    assert any(b is not None and b < 0 for b, _, _ in scored)  # some Reds are better than profile: ranked low
    assert any(pol[r] == "lower" for r in refs) and any(pol[r] == "higher" for r in refs)
    expected = sorted(scored, key=lambda x: (x[0] is None, -(x[0] or 0), x[1], x[2]))[:cap]
    assert [refs[i] for i in m.charted] == [r for _, _, r in expected]

    lay = reports.psb_layout(cons)
    lines = [c for c in lay.charts if c.kind == "line"]
    assert len(lay.charts) == 1 + cap and len(lines) == cap
    values = lay.values()
    data_refs = [row[0] for row in values if len(row) > 1 and row[1] == "Profile"]
    assert data_refs == refs  # every Red target's figures, charted or not
    placed = sorted(lines, key=lambda c: (c.row, c.x_offset))  # as a reader sees them: by row, left to right
    assert len({(c.row, c.x_offset) for c in lay.charts}) == len(lay.charts)  # none on top of another
    assert [values[c.series[0].values.first_row][0] for c in placed] == [r for _, _, r in expected]  # worst first
    titles = [row[0] for row in values if isinstance(row[0], str) and row[0].startswith("Charts:")]
    assert len(titles) == 1 and f"the {cap} Red targets" in titles[0] and f"all {len(refs)} Red" in titles[0]


def test_psb_trend_charts_below_the_cap_are_one_per_red_in_table_order(register):
    from laa_xl.core import reports

    cons = consolidate(register, Q2, returns_for(register, Q2, seed=5))
    m = psb_summary(cons)
    assert 0 < len(m.red_trends) <= reports.MAX_TREND_CHARTS
    assert m.charted == list(range(len(m.red_trends)))
    lay = reports.psb_layout(cons)
    assert len(lay.charts) == 1 + len(m.red_trends)
    assert any(row and row[0] == "Charts: RAG by partnership; profile against actual for each Red target"
               for row in lay.values())  # fmt: skip


def test_psb_tables_have_no_empty_columns_and_directions_count_every_target_due(register):
    """The PSB Summary's tables share its columns: a blank heading left a column empty in the middle of a table
    (block and direction names, a spacer before Commentary and Mitigation). And the direction table counted only
    targets with an actual, so its total fell short of the RAG table's due targets."""
    from laa_xl.core import reports

    cons = consolidate(register, Q2, returns_for(register, Q2, seed=5, mutate=random_overrides(3)))
    m = psb_summary(cons)
    values = reports.psb_layout(cons).values()
    headers = [row for row in values if row and row[0] in ("Block", "Partnership", "Ref") and len(row) > 2]
    def inner(row):  # a header's cells from its first to its last heading
        last = max(i for i, h in enumerate(row) if h not in (None, ""))
        return row[: last + 1]

    assert len(headers) >= 5 and all(all(h not in (None, "") for h in inner(row)) for row in headers)
    due = {code: c["Total"] - c[rules.NOT_DUE] for code, _, c in m.by_partnership}
    assert {code: sum(d.values()) for code, d in m.directions} == due
    block = next(i for i, row in enumerate(values) if row and row[0] == "Block")
    named = {row[0]: row[1] for row in values[block + 1: block + 1 + len(m.by_block)]}
    assert named["CYP"] == "Children and young people" and named["All"] == "All blocks"
    exc = next(i for i, row in enumerate(values) if row and row[0] == "Ref")
    col = values[exc].index("Overridden from")
    rows = {row[0]: row for row in values[exc + 1: exc + 1 + len(m.exceptions)]}
    overridden = [o for o in m.exceptions if o.rag != o.reported_rag]
    assert overridden and all(rows[o.ref][col] == o.rag for o in overridden)
    assert all(rows[o.ref][col] in (None, "") for o in m.exceptions if o.rag == o.reported_rag)


@pytest.mark.parametrize("bars", [None, 3])
@pytest.mark.parametrize("empty", [(), ("risks", "spend"), ("risks",), ("spend",)])
def test_psb_charts_placed_before_the_streamed_rows_point_at_their_data(register, empty, bars, monkeypatch):
    """The PSB Summary streams its exceptions, risks, spend and chart data; its charts are placed before any of
    those rows exists, from the sections' lengths. Each must still point at its own rows (with sections empty too).
    ``bars``: fewer bars allowed than there are partnerships (a region, the nation): the RAG chart draws those
    with the most Reds (then Amber), from a chart data block of their own."""
    import dataclasses

    from laa_xl.core import reports
    from laa_xl.core.layout import StreamLayout

    if bars is not None:
        monkeypatch.setattr(reports, "MAX_PARTNERSHIP_BARS", bars)
    cons = consolidate(register, Q2, returns_for(register, Q2, seed=5))
    cons = dataclasses.replace(cons, **{k: [] for k in empty})
    m = psb_summary(cons)
    assert m.red_trends and m.exceptions
    stream = reports.psb_stream(cons)
    assert isinstance(stream, StreamLayout) and len(stream.charts) == 1 + len(m.charted)
    values = reports.psb_layout(cons).values()
    rag, *lines = stream.charts
    parts = [row[0] for row in values[rag.categories.first_row:rag.categories.last_row + 1]]
    counts = {code: c for code, _, c in m.by_partnership if code != "All"}
    if bars is None:
        assert parts == list(counts) and rag.title == "RAG by partnership, Q2 2008/09"
    else:
        assert len(counts) > bars  # the cap bites
        reds = sorted(counts, key=lambda code: (counts[code]["Red"], counts[code]["Amber"]), reverse=True)
        assert parts == reds[:bars] and len({counts[c]["Red"] for c in counts}) > 1
        assert rag.title == f"RAG: the {bars} partnerships with most Reds, Q2 2008/09 (all {len(counts)} in the table)"
    for series in rag.series:  # each bar's segment is that partnership's count
        col = series.values.first_col
        assert [values[r][col] for r in range(series.values.first_row, series.values.last_row + 1)] == [
            counts[code][series.name] for code in parts]  # fmt: skip
    for chart in lines:
        ref = chart.title.split(":")[0]
        assert values[chart.categories.first_row][:6] == ["Ref", "Series", *QUARTERS]
        profile, actual = (chart.series[0].values, chart.series[1].values)
        assert values[profile.first_row][:2] == [ref, "Profile"] and values[actual.first_row][:2] == [ref, "Actual"]
        assert (profile.first_col, profile.last_col) == (2, 5)
    if "risks" in empty:
        assert ["No risks reported."] in [row[:1] for row in values]
    if "spend" in empty:
        assert ["No spend reported."] in [row[:1] for row in values]


def test_last_years_carried_rows_go_below_this_years_on_data_and_in_its_live_formulas(register):
    """Data lists this year's rows, then last year's carried ones; the live book's Reported RAG formulas cover
    every row (an override where a carried row had one); the counts and the summary are of this year only."""
    import dataclasses

    from laa_xl.core import reports
    from laa_xl.core.periods import FinancialYear
    from laa_xl.excel.data_sheet import live_data

    cons = consolidate(register, Q2, returns_for(register, Q2, seed=5))
    before = (reports.psb_summary(cons).by_partnership, cons.summary())
    last = [dataclasses.replace(o, year=FinancialYear(2007)) for o in cons.observations]
    last[0].rag_override = last[0].reported_rag = "Amber" if last[0].rag != "Amber" else "Red"
    cons.carried = last
    values = reports.data_layout(cons).values()[1:]
    assert [row[2] for row in values] == ["2008/09"] * len(cons.observations) + ["2007/08"] * len(last)
    lay, formulas, _ = live_data(cons)
    reported = formulas[(1, reports.DATA_COLUMNS.index("Reported RAG"))]
    assert len(reported) == len(lay.rows) - 1 == len(cons.observations) + len(last)
    assert reported[len(cons.observations)] == [last[0].rag_override]
    assert reported[len(cons.observations) + 1] == [f"=H{len(cons.observations) + 3}"]
    assert (reports.psb_summary(cons).by_partnership, cons.summary()) == before


def test_recompute_takes_last_years_actuals_as_history(register):
    """The live buttons recompute direction from the live Data: last year's carried rows are its history."""
    import dataclasses

    from laa_xl.core import rules
    from laa_xl.core.consolidate import actuals_of, recompute
    from laa_xl.core.periods import FinancialYear

    cons = consolidate(register, Q2, returns_for(register, Q2, seed=5))
    q2 = [o for o in cons.observations if o.quarter == "Q2" and o.actual is not None]
    last = [dataclasses.replace(o, year=FinancialYear(2007), actual=o.actual + 1) for o in q2]  # a little higher
    recompute(cons.register, cons.observations, actuals_of(last))
    for o in q2:
        want = rules.direction(o.actual, o.actual + 1, register.target(o.ref).polarity)
        assert o.direction == want and want != rules.NO_CHANGE
    recompute(cons.register, cons.observations)  # without it: against Q1, as before
    assert any(o.direction != rules.direction(o.actual, o.actual + 1, register.target(o.ref).polarity) for o in q2)


def test_a_return_with_another_partnerships_code_on_its_cover_does_not_replace_that_partnerships_return(register):
    """CYP's return sent with SAF on its cover, and dated after SAF's own: it used to win as SAF's latest return, so
    every SAF target showed No data and SAF was asked to correct CYP's targets. Now it is refused, as CYP's, with
    one error saying what to correct; SAF's own return is used."""
    items = returns_for(register, Q2, codes={"SAF"})
    fill = officer_fill(register, "CYP", Y, Q2.quarters, seed=5, submitted=ON_TIME + dt.timedelta(days=3))
    fill.partnership = "SAF"  # the code typed on its cover
    items.append((FileInfo("CYP_2008-09.xlsx", 900, "c" * 64), to_return_data(fill, "CYP_2008-09.xlsx")))
    cons = consolidate(register, Q2, items)
    assert {(e.partnership, e.file, e.status) for e in cons.log if e.file} == {
        ("SAF", "SAF_2008-09.xlsx", "Used"), ("CYP", "CYP_2008-09.xlsx", "Refused")}
    wrong = [i for i in cons.issues if i.location.file == "CYP_2008-09.xlsx"]
    assert [(i.code, i.location.sheet, i.severity) for i in wrong] == [("wrong-partnership", "Cover", "error")]
    assert "'SAF'" in wrong[0].message and "CYP's" in wrong[0].message
    saf = [o for o in cons.observations if o.partnership == "SAF" and o.actual is not None]
    assert saf and {o.source.file for o in saf} == {"SAF_2008-09.xlsx"}


def test_a_consolidated_actual_cleared_from_a_resent_return_is_a_restatement_not_no_actual_yet(register):
    """A figure consolidated last time and now blank (or typed over with TBC) on the partnership's return has been
    withdrawn: listed with its old value, not as "no actual yet". A partnership that sent nothing this time has not
    withdrawn its figures (its missing return is listed instead)."""
    first = consolidate(register, Q2, returns_for(register, Q2))
    previous = {(o.ref, o.year, o.quarter): o.actual for o in first.observations}

    def clear(code, fill):
        if code == "OEP":
            fill.rows[("NI 154", "Q1")].actual = None
        if code == "CYP":
            fill.rows[("NI 117", "Q1")].actual = "TBC"

    second = consolidate(register, Q2, returns_for(register, Q2, mutate=clear, codes={"OEP", "CYP"}), previous=previous)
    got = {(r.ref, r.quarter, r.previous, r.now) for r in second.restatements}
    assert got == {("NI 154", "Q1", first.observation("NI 154", "Q1").actual, None),
                   ("NI 117", "Q1", first.observation("NI 117", "Q1").actual, None)}  # fmt: skip
    cell = second.observation("NI 154", "Q1").source.cell
    at = {i.code for i in second.issues if i.location.file == "OEP_2008-09.xlsx" and i.location.cell == cell}
    assert at == {"restated-actual"}  # and not missing-actual
    msg = next(i.message for i in second.issues if i.code == "restated-actual" and "NI 154" in i.message)
    assert "gone from the return" in msg and "type it in again" in msg
    assert second.observation("NI 154", "Q1").rag == "No data"
    assert {i.code for i in second.issues if i.location.file == "CYP_2008-09.xlsx" and "NI 117 Q1" in i.message} == {
        "non-numeric-actual", "restated-actual"}
    assert any(i.code == "missing-return" for i in second.issues)  # SAF and the rest sent nothing: no restatements


def test_go_comments_too_long_for_one_cell_are_cut_and_say_so():
    """Commentary and remedial action each fit a cell (the reader keeps no more), but together they may not: the
    GO Return's comment cell used to lose the end of the remedial action without a word."""
    from types import SimpleNamespace

    from laa_xl.core.reports import CELL_TEXT_MAX, comments

    long = SimpleNamespace(commentary="c" * 20_000, remedial_action="r😀" * 10_000)
    got = comments([long])
    assert len(got.encode("utf-16-le")) // 2 <= CELL_TEXT_MAX
    assert got.startswith("c" * 20_000 + "\nRemedial action: r") and got.endswith("the full text is on the "
                                                                                  "consolidated workbook's Data sheet]")  # fmt: skip
    short = SimpleNamespace(commentary="On track", remedial_action="")
    assert comments([short]) == "On track"


def test_a_go_comment_from_an_earlier_quarter_says_which():
    """A target Red in Q2 with no Q2 commentary showed Q1's 'On track.' as if it were the comment on Q2."""
    from types import SimpleNamespace

    from laa_xl.core.reports import comments

    q1 = SimpleNamespace(quarter="Q1", commentary="On track.", remedial_action="")
    q2 = SimpleNamespace(quarter="Q2", commentary="", remedial_action="")
    assert comments([q1, q2]) == "Q1 (none given for Q2): On track."
    assert comments([q1]) == "On track."
    q2.remedial_action = "Extra patrols."
    assert comments([q1, q2]) == "Remedial action: Extra patrols."


def test_wrapped_headings_and_texts_get_the_row_heights_they_need(register):
    """Rows are given the height their wrapped text needs: a row left at one line showed only the first line of
    'Expected without stretch (E)' or of a risk, the rest printed over the next row."""
    from laa_xl.core.layout import LINE_HEIGHT
    from laa_xl.core.reports import data_stream, reward_layout, risks_stream

    cons = consolidate(register, Q2, returns_for(register, Q2))
    reward = reward_layout(cons)
    assert reward.heights[reward.header_row] == 3 * LINE_HEIGHT  # 'Expected without stretch (E)', 13 wide
    assert reward.widths[1] == 50 and any(reward.heights.get(r) for r in range(reward.header_row + 1, len(reward.rows)))
    assert data_stream(cons).heights[0] == 2 * LINE_HEIGHT  # 'Financial year', 9 wide
    risks = risks_stream(cons.risks).materialise()
    for r, row in enumerate(risks.rows[1:], start=1):
        long = max(len(row[3].value or ""), len(row[8].value or "")) > 55  # Risk and Mitigation, 50 wide
        assert (risks.heights.get(r) or 0) >= (2 * LINE_HEIGHT if long else 0)
    assert {row[3].style for row in risks.rows[1:]} == {"text"}  # wrapped


def test_a_return_sent_as_issued_is_an_error_so_that_chasing_asks_for_the_filled_one(register):
    """A blank template in the returns folder counted as a return used: 'missing: none', and chase said nobody was
    to be chased. With no figure for anything due, it is an error on the partnership's return (and chasing asks
    for the return filled in, as it asks for corrections)."""
    from laa_xl.core.email_content import LogEntry, corrections_to_chase, not_updated_to_chase

    def empty(code, fill):
        if code == "CYP":
            for row in fill.rows.values():
                row.actual = None

    cons = consolidate(register, Q2, returns_for(register, Q2, mutate=empty, codes={"CYP", "SAF"}))
    [e] = [i for i in cons.issues if i.code == "empty-return"]
    assert (e.location.file, e.severity) == ("CYP_2008-09.xlsx", "error") and "not yet filled in" in e.message
    log = [LogEntry(x.partnership, x.file, status=x.status) for x in cons.log]
    # asked for the return filled in (not told of '1 entry to correct', as it was): see chase's not-filled-in email
    assert not_updated_to_chase(log, cons.issues) == {"CYP": ("CYP_2008-09.xlsx", "")}
    assert "CYP" not in corrections_to_chase(log, cons.issues)
    assert not [i for i in cons.issues if i.code == "missing-actual" and i.location.file == "CYP_2008-09.xlsx"]
    assert not [i for i in cons.issues if i.code == "empty-return" and i.location.file == "SAF_2008-09.xlsx"]
