"""The workbook UDFs agree with the core scalar rules, cell by cell, on single cells and on whole ranges."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laa_xl.core import rules
from laa_xl.excel import udfs

num = st.one_of(st.none(), st.integers(-500, 500).map(float), st.floats(-1e4, 1e4, allow_nan=False))
pol = st.sampled_from(["higher", "lower", None, "Lower", " HIGHER "])
ttype = st.sampled_from(["relative", "absolute", None])
tol = st.one_of(st.none(), st.sampled_from([0.05, 0.1, 0.0, 2.0, 3.0]))


def blank(v):
    """What a UDF shows for a core result: None -> blank ("")."""
    return "" if v is None else v


def col(values):
    return [[v] for v in values]


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


# --- single cells ---------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "profile", "expected"),
    [(113, 100, 0.13), (90, -100, 1.9), (5, 0, ""), (None, 100, ""), (100, None, ""), ("TBC", 100, ""),
     (" 1,234 ", 1000, 0.234), ("45", 50, -0.1), (True, 100, "")],
)  # fmt: skip
def test_variance_single_cell(actual, profile, expected):
    [[got]] = udfs.LAA_VARIANCE(actual, profile)
    assert same(got, expected)


def test_rag_defaults_are_higher_five_percent_relative_due():
    assert udfs.LAA_RAG(95, 100) == [["Amber"]]  # exactly -5 %: the boundary is Amber
    assert udfs.LAA_RAG(94.9, 100) == [["Red"]]
    assert udfs.LAA_RAG(100, 100) == [["Green"]]
    assert udfs.LAA_RAG(None, 100) == [["No data"]]
    assert udfs.LAA_RAG("n/a", 100) == [["No data"]]  # text that is not a number is not consolidated
    assert udfs.LAA_RAG(95, 100, "higher", 0.05, "relative", False) == [["Not due"]]


def test_rag_argument_order_polarity_tolerance_type_due():
    # lower is better, absolute tolerance of 2 units: 102 vs 100 is 2 units worse -> Amber; 103 -> Red
    assert udfs.LAA_RAG(102, 100, "lower", 2, "absolute") == [["Amber"]]
    assert udfs.LAA_RAG(103, 100, "lower", 2, "absolute") == [["Red"]]
    assert udfs.LAA_RAG(98, 100, "lower", 2, "absolute") == [["Green"]]


def test_rag_blank_optional_arguments_take_the_defaults():
    assert udfs.LAA_RAG(95, 100, None, None, None, None) == udfs.LAA_RAG(95, 100)


def test_bad_polarity_is_words_in_the_cell_not_a_traceback():
    assert udfs.LAA_RAG(95, 100, "sideways") == [[udfs.BAD_POLARITY]]
    assert udfs.LAA_DIRECTION(1, 2, "up") == [[udfs.BAD_POLARITY]]
    out = udfs.LAA_RAG(col([95, 95]), col([100, 100]), col(["higher", "sideways"]))
    assert out == [["Amber"], [udfs.BAD_POLARITY]]


def test_ranges_of_different_sizes():
    assert udfs.LAA_VARIANCE(col([1, 2]), col([1, 2, 3])) == [[udfs.BAD_SHAPE]]


def test_reward_worked_check_from_the_spec():
    assert udfs.LAA_REWARD(113, 100, 120, 1_000_000) == [[pytest.approx(650_000)]]
    assert udfs.LAA_REWARD(111, 100, 120, 1_000_000) == [[0.0]]
    assert udfs.LAA_REWARD(None, 100, 120, 1_000_000) == [[""]]


def test_risk_score():
    assert udfs.LAA_RISK_SCORE(col([3, 4, 5, None]), col([3, 1, 1, 2])) == [[9], [4], [""], [""]]


# --- whole ranges agree with the core, cell by cell --------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(num, num, pol, tol, ttype, st.booleans()), min_size=1, max_size=30))
def test_rag_and_variance_columns_match_core(rows):
    a, p, po, t, tt, d = (list(c) for c in zip(*rows, strict=True))
    got_rag = udfs.LAA_RAG(col(a), col(p), col(po), col(t), col(tt), col(d))
    got_var = udfs.LAA_VARIANCE(col(a), col(p))
    assert len(got_rag) == len(rows) and all(len(r) == 1 for r in got_rag)
    for i, row in enumerate(rows):
        ai, pi, poi, ti, tti, di = row
        assert got_rag[i][0] == rules.rag(ai, pi, poi, ti, tti, di)
        assert same(got_var[i][0], blank(rules.variance(ai, pi)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(num, num, pol), min_size=1, max_size=20))
def test_direction_column_matches_core(rows):
    n, t, po = (list(c) for c in zip(*rows, strict=True))
    got = udfs.LAA_DIRECTION(col(n), col(t), col(po))
    assert got == [[blank(rules.direction(*r))] for r in rows]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(num, num, num, num), min_size=1, max_size=20))
def test_reward_column_matches_core(rows):
    got = udfs.LAA_REWARD(*(col(list(c)) for c in zip(*rows, strict=True)))
    for g, r in zip(got, rows, strict=True):
        assert same(g[0], blank(rules.reward(*r)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 5)), st.one_of(st.none(), st.integers(0, 5))),
                min_size=1, max_size=20))  # fmt: skip
def test_risk_score_column_matches_core(rows):
    got = udfs.LAA_RISK_SCORE(*(col(list(c)) for c in zip(*rows, strict=True)))
    assert got == [[blank(rules.risk_score(*r))] for r in rows]


def test_two_dimensional_block_keeps_its_shape_and_broadcasts_a_single_setting():
    actual = [[96, 94, None], [100, 50, 105]]
    profile = [[100, 100, 100], [100, 0, 100]]
    got = udfs.LAA_RAG(actual, profile, "higher", 0.05)  # one polarity, one tolerance for the whole block
    assert got == [
        [rules.rag(a, p) for a, p in zip(ra, rp, strict=True)] for ra, rp in zip(actual, profile, strict=True)
    ]
    var = udfs.LAA_VARIANCE(actual, profile)
    assert [len(r) for r in var] == [3, 3]
    assert var[1][1] == "" and same(var[0][0], -0.04)


def test_one_call_over_a_big_column_is_fast():
    import time

    n = 20_000
    a = col([float(i % 150) for i in range(n)])
    p = col([100.0] * n)
    t0 = time.perf_counter()
    out = udfs.LAA_RAG(a, p, col(["lower" if i % 2 else "higher" for i in range(n)]))
    assert len(out) == n
    assert time.perf_counter() - t0 < 2.0
