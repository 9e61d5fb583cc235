"""Financial years, quarters and periods: parsing, printing, dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laa_xl.core.periods import FinancialYear, Period, PeriodError, previous_quarter


@given(st.integers(1990, 2090), st.sampled_from(["Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y"]))
def test_period_round_trips(start, kind):
    p = Period(FinancialYear(start), kind)
    assert Period.parse(str(p)) == p
    assert FinancialYear.parse(str(p.year)) == p.year


@pytest.mark.parametrize("text", ["2008/09", "2008-09", "2008/2009", " 2008 / 09 ", "08/09", "08-09"])
def test_year_spellings(text):
    assert FinancialYear.parse(text) == FinancialYear(2008)


def test_century_turn():
    assert str(FinancialYear(1999)) == "1999/00" and FinancialYear.parse("1999/00").start == 1999


@pytest.mark.parametrize("text", ["2008/10", "2008", "08/10", "8/9", ""])
def test_bad_year_is_refused_with_an_example(text):
    with pytest.raises(PeriodError, match="like 2008/09"):
        FinancialYear.parse(text)


@pytest.mark.parametrize("text", ["2008/09 Q5", "2008/09 H3", "2008/09", "Q5 2008/09", "quarter 5 2008/09",
                                  "2008/09 Q2 Q3", "Q2", "2008/09 Quarter"])
def test_bad_period_is_refused_with_an_example(text):
    with pytest.raises(PeriodError, match="like 2008/09 Q2"):
        Period.parse(text)


@pytest.mark.parametrize("text", ["2008/09 Q2", "Q2 2008/09", "Quarter 2 2008/09", "quarter 2 2008-09",
                                  "2008/9 q2", "08/09 Q2", "Qtr 2 2008/09", "2008-2009 q2", " 2008/09  Q2 "])
def test_periods_as_people_write_them(text):
    """'Q2 2008/09' and 'Quarter 2 2008/09' were refused, though they are how a period is most often written."""
    assert Period.parse(text) == Period(FinancialYear(2008), "Q2")


def test_quarters_reported_by_each_period():
    assert Period.parse("2008/09 Q2").quarters == ("Q1", "Q2")
    assert Period.parse("2008/09 H1").quarters == ("Q1", "Q2")
    assert Period.parse("2008/09 Y").quarters == ("Q1", "Q2", "Q3", "Q4")
    assert Period.parse("2008/09 h2").last_quarter == "Q4"


def test_quarter_dates():
    y = FinancialYear(2008)
    assert y.quarter_start("Q1") == dt.date(2008, 4, 1) and y.quarter_end("Q1") == dt.date(2008, 6, 30)
    assert y.quarter_start("Q4") == dt.date(2009, 1, 1) and y.quarter_end("Q4") == dt.date(2009, 3, 31)
    assert y.quarter_end("Q3") == dt.date(2008, 12, 31)
    assert previous_quarter(y, "Q1") == (FinancialYear(2007), "Q4")
    assert previous_quarter(y, "Q3") == (y, "Q2")
