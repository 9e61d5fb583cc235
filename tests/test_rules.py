"""SPEC 3 rules: worked examples, boundaries, and properties (scalar and vectorised agree)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laa_xl.core import rules
from laa_xl.core.rules import AMBER, GREEN, NO_DATA, NOT_DUE, RED


@pytest.mark.parametrize(
    ("actual", "profile", "expected"),
    [(105, 100, 0.05), (95, 100, -0.05), (-90, -100, 0.1), (-110, -100, -0.1), (0, 50, -1.0)],
)
def test_variance_is_difference_over_absolute_profile(actual, profile, expected):
    assert rules.variance(actual, profile) == pytest.approx(expected)


@pytest.mark.parametrize(("actual", "profile"), [(None, 100), (5, None), (5, 0), (None, None)])
def test_variance_blank_when_it_cannot_be_computed(actual, profile):
    assert rules.variance(actual, profile) is None


@pytest.mark.parametrize(
    ("actual", "profile", "polarity", "tol", "ttype", "expected"),
    [
        (100, 100, "higher", 0.05, "relative", GREEN),
        (101, 100, "higher", 0.05, "relative", GREEN),
        (96, 100, "higher", 0.05, "relative", AMBER),
        (95, 100, "higher", 0.05, "relative", AMBER),  # g exactly -tolerance is Amber
        (94.99, 100, "higher", 0.05, "relative", RED),
        (105, 100, "lower", 0.05, "relative", AMBER),  # lower is better: 5 % over is the boundary
        (105.01, 100, "lower", 0.05, "relative", RED),
        (95, 100, "lower", 0.05, "relative", GREEN),
        (0.3, 0.1 + 0.2, "higher", 0.05, "relative", GREEN),  # floating point: equal is Green
        (28.5, 30, "higher", 0.05, "relative", AMBER),  # 0.05 exactly, despite rounding
        (34, 36, "higher", 2, "absolute", AMBER),  # absolute tolerance in units
        (33.9, 36, "higher", 2, "absolute", RED),
        (38, 36, "lower", 2, "absolute", AMBER),
        (38.5, 36, "lower", 2, "absolute", RED),
        (0, 0, "higher", 0.05, "relative", GREEN),  # profile 0, relative
        (3, 0, "higher", 0.05, "relative", GREEN),
        (-1, 0, "higher", 0.05, "relative", RED),
        (3, 0, "lower", 0.05, "relative", RED),
        (-3, 0, "lower", 0.05, "relative", GREEN),
        (-0.5, 0, "higher", 1, "absolute", AMBER),  # profile 0, absolute: the gap rule as usual
        (-95, -100, "higher", 0.05, "relative", GREEN),  # negative profiles
        (-105, -100, "higher", 0.05, "relative", AMBER),
        (-106, -100, "higher", 0.05, "relative", RED),
        (-106, -100, "lower", 0.05, "relative", GREEN),
        (None, 100, "higher", 0.05, "relative", NO_DATA),  # missing is never Red
        (50, None, "higher", 0.05, "relative", NO_DATA),
        (90, 100, "higher", None, "relative", RED),  # default tolerance 5 %
        (0, 1, "higher", 1.0, "relative", AMBER),
    ],
)
def test_rag(actual, profile, polarity, tol, ttype, expected):
    assert rules.rag(actual, profile, polarity, tol, ttype) == expected
    vec = rules.rag_array([actual], [profile], [polarity], [tol], [ttype], [True])
    assert list(vec) == [expected]


def test_not_due_wins_over_everything():
    assert rules.rag(10, 100, due=False) == NOT_DUE
    assert rules.rag(None, None, due=False) == NOT_DUE


def test_reported_rag_prefers_a_valid_override():
    assert rules.reported_rag(RED, "amber") == AMBER
    assert rules.reported_rag(RED, " G ") == GREEN
    assert rules.reported_rag(RED, "") == RED
    assert rules.reported_rag(RED, "purple") == RED


def test_direction_of_travel():
    assert rules.direction(12, 10, "higher") == rules.IMPROVING
    assert rules.direction(12, 10, "lower") == rules.WORSENING
    assert rules.direction(10, 10, "lower") == rules.NO_CHANGE
    assert rules.direction(None, 10) is None


def test_reward_worked_example():
    assert rules.reward(113, 100, 120, 1_000_000) == pytest.approx(650_000)
    assert rules.reward(111, 100, 120, 1_000_000) == 0
    assert rules.reward(112, 100, 120, 1_000_000) == pytest.approx(600_000)  # exactly 60 % earns
    assert rules.reward(130, 100, 120, 1_000_000) == pytest.approx(1_000_000)  # capped at the grant
    # lower is better: signs cancel
    assert rules.reward(87, 100, 80, 500_000) == pytest.approx(325_000)
    assert rules.reward(100, 100, 100, 500_000) is None


def test_risk_score_and_rating():
    assert rules.risk_score(3, 3) == 9 and rules.risk_rating(9) == "High"
    assert rules.risk_score(2, 2) == 4 and rules.risk_rating(4) == "Medium"
    assert rules.risk_rating(8) == "Medium" and rules.risk_rating(3) == "Low"
    assert rules.risk_score(5, 1) is None and rules.risk_score(2.5, 2) is None and rules.risk_score(None, 2) is None


def test_unknown_polarity_is_refused():
    with pytest.raises(ValueError):
        rules.rag(1, 2, "sideways")


numbers = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)))
polarities = st.sampled_from(["higher", "lower"])
ttypes = st.sampled_from(["relative", "absolute"])
tolerances = st.sampled_from([0.0, 0.05, 0.1, 1.0, 2.0, 5.0])
ORDER = {GREEN: 0, AMBER: 1, RED: 2}


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e5, 1e5), st.floats(0, 1e4), numbers, polarities, tolerances, ttypes)
def test_rag_never_improves_as_the_actual_gets_worse(actual, worse_by, profile, polarity, tol, ttype):
    s = rules.sign(polarity)
    worse = actual - s * worse_by
    before = rules.rag(actual, profile, polarity, tol, ttype)
    after = rules.rag(worse, profile, polarity, tol, ttype)
    if profile is None:
        assert before == after == NO_DATA
    else:
        assert ORDER[after] >= ORDER[before]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(numbers, numbers, polarities, tolerances, ttypes, st.booleans()), min_size=1, max_size=30))
def test_vectorised_rules_agree_with_scalar(rows):
    a, p, pol, tol, tt, due = map(list, zip(*rows, strict=True))
    rag_vec = rules.rag_array(a, p, pol, tol, tt, due)
    var_vec = rules.variance_array(a, p)
    dir_vec = rules.direction_array(a, p, pol)
    for i, row in enumerate(rows):
        assert rag_vec[i] == rules.rag(*row)
        v = rules.variance(a[i], p[i])
        assert (v is None and math.isnan(var_vec[i])) or v == var_vec[i]
        assert dir_vec[i] == rules.direction(a[i], p[i], pol[i])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(numbers, numbers, numbers, numbers), min_size=1, max_size=20))
def test_vectorised_reward_and_risk_agree_with_scalar(rows):
    a, e, t, g = map(list, zip(*rows, strict=True))
    vec = rules.reward_array(a, e, t, g)
    for i, row in enumerate(rows):
        r = rules.reward(*row)
        assert (r is None and math.isnan(vec[i])) or r == pytest.approx(vec[i])
    li = np.array([1, 2, 3, 4, 5, 2.5, np.nan])
    scores = rules.risk_score_array(li, 3)
    for x, sc in zip(li, scores, strict=True):
        r = rules.risk_score(None if math.isnan(x) else x, 3)
        assert (r is None and math.isnan(sc)) or r == sc


def test_a_negative_tolerance_counts_as_none_given_as_the_register_does():
    """The register refuses a negative tolerance and uses the default 5 %; the rules (and so the UDFs, where a
    formula may pass one) do the same rather than grade 99 against 100 Red."""
    assert rules.rag(99, 100, "higher", -0.1) == rules.rag(99, 100, "higher", None) == "Amber"
    assert list(rules.rag_array([99.0, 90.0], [100.0, 100.0], "higher", [-0.1, -0.1])) == ["Amber", "Red"]
