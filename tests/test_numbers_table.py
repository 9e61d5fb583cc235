"""The cell-value helpers every reader runs on every cell, and the table picker the register uses."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laa_xl.core.numbers import NotANumber, is_blank, text, to_number
from laa_xl.core.table import find_table


@pytest.mark.parametrize(
    ("value", "number"),
    [(None, None), ("", None), ("  ", None), (3.0, 3.0), (-2.5, -2.5), (7, 7.0), (float("nan"), None),
     (" 1,234 ", 1234.0), ("12.5", 12.5), ("\u00a045", 45.0), ("-0.5", -0.5)],
)  # fmt: skip
def test_numbers_as_typed(value, number):
    assert to_number(value) == number


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), True, "TBC", "12 approx", "1,23", dt.date(2008, 4, 1), "+"])
def test_not_numbers(value):
    with pytest.raises(NotANumber):
        to_number(value)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float(x):
    if math.isnan(x):
        assert to_number(x) is None and is_blank(x) and text(x) == ""
    elif math.isinf(x):
        with pytest.raises(NotANumber):
            to_number(x)
    else:
        assert to_number(x) == x and not is_blank(x)
        assert text(x) == (str(int(x)) if x.is_integer() else str(x))


@given(st.text())
def test_any_text(s):
    assert is_blank(s) == (s.strip() == "")
    assert text(s) == s.strip()


def test_picker_finds_columns_by_header_and_fills_gaps():
    grid = [["Title", None, "REF ", "Units"], ["Road deaths", None, "NI 47"], ["Obesity", None, "NI 56", "%", "extra"]]
    table = find_table(grid, "r.xlsx", "Targets", "Ref")
    assert table is not None
    pick = table.picker(["Ref", "Units", "Not there", "Title"])
    assert [pick(v) for _, v in table.rows] == [["NI 47", None, None, "Road deaths"], ["NI 56", "%", None, "Obesity"]]
