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


EXCEL_BLANKS = {chr(i) for i in range(32)} | {" ", "\u00a0"}  # what CLEAN, TRIM and a non-breaking space remove


@given(st.text())
def test_any_text(s):
    """Blank and tidied as the return's own formulas see a text, so the return and the consolidation agree."""
    assert is_blank(s) == all(c in EXCEL_BLANKS for c in s)
    body = s.strip("".join(EXCEL_BLANKS))
    assert text(s) == body and (body == "" or (body[0] not in EXCEL_BLANKS and body[-1] not in EXCEL_BLANKS))


def test_blank_means_what_excel_shows_as_blank():
    assert is_blank(" \t\r\n\u00a0") and text("\u00a0 Late data \n") == "Late data"
    assert not is_blank("\u2003") and text("\u2003") == "\u2003"  # an em space is not blank to Excel's TRIM either


@pytest.mark.parametrize(("typed", "read"), [("12.5\n", 12.5), ("\t12", 12.0), ("1\u00a0234", 1234.0),
                                             (" 1,234 ", 1234.0), ("\r\n", None)])  # fmt: skip
def test_a_number_typed_with_tabs_or_line_feeds_is_read(typed, read):
    assert to_number(typed) == read


@pytest.mark.parametrize("typed", ["\uff11\uff12", "\u0661\u0662", "12\u2003", "1\u20092"])
def test_digits_and_spaces_excel_cannot_read_are_not_a_number(typed):
    """Python's float() reads full-width and Arabic-Indic digits, and strip() drops an em space; Excel's formulas in
    the return do neither, so the return would say "Number needed" while the consolidation took the number."""
    with pytest.raises(NotANumber):
        to_number(typed)


def test_picker_finds_columns_by_header_and_fills_gaps():
    grid = [["Title", None, "REF ", "Units"], ["Road deaths", None, "NI 47"], ["Obesity", None, "NI 56", "%", "extra"]]
    table = find_table(grid, "r.xlsx", "Targets", "Ref")
    assert table is not None
    pick = table.picker(["Ref", "Units", "Not there", "Title"])
    assert [pick(v) for _, v in table.rows] == [["NI 47", None, None, "Road deaths"], ["NI 56", "%", None, "Obesity"]]
