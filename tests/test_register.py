"""The register: Demoshire round-trips through a real workbook; bad registers get issues at their cells."""

from __future__ import annotations

import copy
import datetime as dt

import openpyxl
import pytest

from laa_xl.core import demo
from laa_xl.core.periods import FinancialYear, Period
from laa_xl.core.register import TARGET_COLUMNS, load_register, parse_date
from laa_xl.io.register_io import read_register, write_register


@pytest.fixture
def grids():
    return copy.deepcopy(demo.register_grids())


def where(issues):
    return {(i.location.sheet, i.location.cell, i.code) for i in issues}


def test_demoshire_round_trips_through_xlsx(tmp_path, grids):
    path = write_register(tmp_path / "register.xlsx", grids)
    reg, issues = read_register(path)
    assert issues == []
    direct, _ = load_register(grids, "register.xlsx")
    assert reg.targets == direct.targets
    assert reg.profiles == direct.profiles
    assert reg.timetable == direct.timetable and reg.settings == direct.settings


def test_the_register_written_prints_landscape_one_page_wide_headers_repeated(tmp_path, grids):
    """Targets (21 columns) on two pages across, its Ref on each: one page wide, its text was about 4 points."""
    ws_all = openpyxl.load_workbook(write_register(tmp_path / "register.xlsx", grids))
    for ws in ws_all.worksheets:
        ps = ws.page_setup
        width = 1 if ps.fitToWidth is None else ps.fitToWidth  # 1 is the default, which XlsxWriter leaves out
        wide = 2 if ws.title == "Targets" else 1
        assert (ps.orientation, ps.paperSize, width, ps.fitToHeight) == ("landscape", 9, wide, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == (None if ws.title == "Settings" else "$1:$1"), ws.title
        assert ws.print_title_cols == ("$A:$A" if wide > 1 else None), ws.title


def test_demoshire_has_the_shape_the_product_needs(grids):
    reg, issues = load_register(grids)
    assert issues == []
    assert 38 <= len(reg.targets) <= 45 and len(reg.partnerships) == 6
    assert {t.polarity for t in reg.targets} == {"higher", "lower"}
    assert {t.frequency for t in reg.targets} == {"quarterly", "six-monthly", "annual"}
    assert any(t.tolerance_type == "absolute" for t in reg.targets)
    stretch = [t for t in reg.targets if t.stretch]
    assert stretch and all(t.reward_grant and t.expected_without_stretch for t in stretch)
    assert [str(y) for y in reg.years()] == ["2008/09", "2009/10", "2010/11"]
    assert {"NI 154", "NI 117", "NI 20", "NI 192"} <= {t.ref for t in reg.targets}
    assert reg.settings.current_period == Period.parse("2008/09 Q2")
    assert reg.deadline(Period.parse("2008/09 H1")) == reg.deadline(Period.parse("2008/09 Q2")) is not None
    assert reg.profile("NI 154", FinancialYear(2008), "Q1") is not None


def _row(grids, ref):
    return next(i for i, r in enumerate(grids["Targets"]) if r[0] == ref)


def test_bad_register_rows_are_issues_at_their_cells(grids):
    col = TARGET_COLUMNS.index
    r = _row(grids, "NI 154")
    grids["Targets"][r][col("Polarity")] = "up"
    grids["Targets"][_row(grids, "NI 20")][col("Tolerance type")] = "percent"
    grids["Targets"][_row(grids, "NI 56")][col("Frequency")] = "monthly"
    grids["Targets"].append(list(grids["Targets"][_row(grids, "NI 117")]))  # a duplicate ref
    dup_row = len(grids["Targets"])
    grids["Profiles"] = [p for p in grids["Profiles"] if not (p[0] == "NI 192" and p[1] == "2009/10")]
    reg, issues = load_register(grids, "reg.xlsx")
    got = where(issues)
    assert ("Targets", f"H{r + 1}", "unknown-polarity") in got
    assert ("Targets", f"L{_row(grids, 'NI 20') + 1}", "unknown-tolerance-type") in got
    assert ("Targets", f"M{_row(grids, 'NI 56') + 1}", "unknown-frequency") in got
    assert ("Targets", f"A{dup_row}", "duplicate-ref") in got
    assert any(i.code == "missing-profile-year" and "NI 192" in i.message and "2009/10" in i.message for i in issues)
    assert all(i.location.file == "reg.xlsx" for i in issues)


def test_a_missing_sheet_or_column_is_named(grids):
    del grids["Timetable"]
    grids["Targets"] = [[c for c in row[:7]] + row[8:] for row in grids["Targets"]]  # drop Polarity
    _, issues = load_register(grids, "reg.xlsx")
    got = where(issues)
    assert ("Timetable", "", "missing-sheet") in got
    assert ("Targets", "A1", "missing-column") in got


def test_header_found_by_text_after_title_rows_and_moved_columns(grids):
    t = grids["Targets"]
    moved = [[row[1], row[0], *row[2:]] for row in t]  # NI before Ref
    grids["Targets"] = [["Demoshire targets"], [], *moved]
    reg, issues = load_register(grids)
    assert issues == [] and reg.target("NI 154") is not None
    assert reg.target("ni154") is reg.target("NI 154")


def test_profile_for_an_unknown_ref_and_bad_numbers(grids):
    grids["Profiles"].append(["NI 999", "2008/09", 1, 2, 3, 4, 10])
    grids["Profiles"][1][2] = "TBC"
    _, issues = load_register(grids, "reg.xlsx")
    got = where(issues)
    assert ("Profiles", f"A{len(grids['Profiles'])}", "unknown-ref") in got
    assert ("Profiles", "C2", "not-a-number") in got


@pytest.mark.parametrize("typed", ["04/11/2008", "4/11/08", "04-11-2008", "4.11.08", "4 Nov 2008", "4 November 08",
                                   "2008-11-04", " 4 Nov 2008 "])  # fmt: skip
def test_a_date_typed_as_text_the_british_way_is_read(typed):
    assert parse_date(typed) == dt.date(2008, 11, 4)


@pytest.mark.parametrize("typed", ["11/31/2008", "next Tuesday", "2008/11/04", "4th Nov"])
def test_text_that_is_not_a_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


def test_a_tolerance_typed_as_a_percentage_number_is_flagged(grids):
    """5 typed for 5 % is a tolerance of 500 %: every miss short of five times the profile would be Amber."""
    col = TARGET_COLUMNS.index
    r = _row(grids, "NI 154")
    grids["Targets"][r][col("Tolerance")] = 5
    grids["Targets"][r][col("Tolerance type")] = "relative"
    ab = _row(grids, "NI 20")
    grids["Targets"][ab][col("Tolerance")] = 5  # 5 units: fine for an absolute tolerance
    grids["Targets"][ab][col("Tolerance type")] = "absolute"
    reg, issues = load_register(grids, "reg.xlsx")
    flagged = [i for i in issues if i.code == "implausible-tolerance"]
    assert [(i.location.cell, i.severity) for i in flagged] == [(f"K{r + 1}", "warning")]
    assert "500%" in flagged[0].message and "type 0.05" in flagged[0].message
    assert reg.target("NI 154").tolerance == 5  # kept as typed: it is a warning, the officer decides


def test_what_would_silently_take_a_default_is_listed(grids):
    """Each of these used to change RAGs, rewards or summaries without a word: a renamed Frequency heading (every
    target quarterly), a blank polarity (taken as higher: a lower-is-better target Red turned Green), an absolute
    tolerance left blank (0.05 units), a partnership listed twice (counted twice), a grant on a target not marked
    stretch (left out of Reward), a note typed under the table (read as a target), a blank title, absurd decimals."""
    col = TARGET_COLUMNS.index
    head = grids["Targets"][0]
    head[col("Frequency")] = "Frequency (how often)"
    head[col("Sponsor")] = "Target lead"  # a heading twice
    r16, r32, ds2 = _row(grids, "NI 16"), _row(grids, "NI 32"), _row(grids, "DS-02")
    grids["Targets"][r16][col("Polarity")] = None
    grids["Targets"][r32][col("Tolerance type")] = "absolute"
    grids["Targets"][r32][col("Tolerance")] = None
    grids["Targets"][ds2][col("Stretch")] = "x"
    grids["Targets"][_row(grids, "NI 20")][col("Title")] = ""
    grids["Targets"][_row(grids, "NI 30")][col("Decimals")] = 10_000_000
    grids["Targets"].append(["Note: NI 56 figures are provisional"] + [None] * (len(head) - 1))
    grids["Partnerships"].append(list(grids["Partnerships"][1]))
    reg, issues = load_register(grids, "reg.xlsx")
    got = {(i.location.sheet, i.location.cell, i.code, i.severity) for i in issues}
    k = openpyxl.utils.get_column_letter(col("Tolerance") + 1)
    assert ("Targets", f"{openpyxl.utils.get_column_letter(col('Frequency') + 1)}1", "missing-column", "warning") in got
    msg = next(i.message for i in issues if i.code == "missing-column")
    assert "headed 'Frequency (how often)'" in msg and "every target is taken as quarterly" in msg
    assert ("Targets", f"{openpyxl.utils.get_column_letter(col('Sponsor') + 1)}1", "duplicate-column", "warning") in got
    assert ("Targets", f"H{r16 + 1}", "unknown-polarity", "error") in got
    assert ("Targets", f"{k}{r32 + 1}", "missing-tolerance", "warning") in got
    assert ("Targets", f"S{ds2 + 1}", "not-stretch", "warning") in got
    assert ("Targets", f"C{_row(grids, 'NI 20') + 1}", "missing-text", "warning") in got
    assert ("Targets", f"J{_row(grids, 'NI 30') + 1}", "bad-decimals", "error") in got
    assert ("Targets", f"A{len(grids['Targets'])}", "not-a-target", "warning") in got
    assert ("Partnerships", f"A{len(grids['Partnerships'])}", "duplicate-partnership", "error") in got
    codes = [p.code for p in reg.partnerships]
    assert len(codes) == len(set(codes)) and not any(t.ref.startswith("Note") for t in reg.targets)
    assert reg.target("NI 30").decimals == 0


def test_a_register_cell_a_formula_left_empty_or_in_error_is_named(tmp_path, grids):
    """python-calamine reads an Excel error (#N/A from a lookup) or a formula never calculated as blank: a polarity
    or deadline would then silently take its default. Each is an error at its cell; LibreOffice makes the error."""
    from tests.return_helpers import have_soffice, soffice_convert

    path = write_register(tmp_path / "register.xlsx", grids)
    wb = openpyxl.load_workbook(path)
    ws = wb["Targets"]
    pol = TARGET_COLUMNS.index("Polarity") + 1
    ws.cell(3, pol).value = '=NA()'  # as a lookup that finds nothing; openpyxl saves no result
    wb.save(path)
    _, issues = read_register(path)
    cell = f"{openpyxl.utils.get_column_letter(pol)}3"
    assert ("Targets", cell, "formula-without-value") in where(issues)
    if not have_soffice():
        pytest.skip("needs LibreOffice to save the formula's error")
    [saved] = soffice_convert([path], tmp_path / "lo")
    _, issues = read_register(saved)
    assert ("Targets", cell, "error-value") in where(issues)
    assert "#N/A" in next(i.message for i in issues if i.code == "error-value")


def test_a_timetable_deadline_that_would_make_every_return_late_or_none_is_listed(grids):
    tt = grids["Timetable"]
    q1 = next(i for i, r in enumerate(tt) if r[0] == "2008/09 Q1")
    q2 = next(i for i, r in enumerate(tt) if r[0] == "2008/09 Q2")
    q3 = next(i for i, r in enumerate(tt) if r[0] == "2008/09 Q3")
    tt[q1][2] = dt.date(2007, 7, 25)  # the wrong year: before Q1 ended
    tt[q2][2] = None  # no deadline: lateness not checked
    tt[q3][1], tt[q3][2] = dt.date(2009, 2, 5), dt.date(2009, 1, 30)  # before the round opens
    tt.append(list(tt[q1]))  # the same period twice
    reg, issues = load_register(grids, "reg.xlsx")
    got = {(i.location.cell, i.code) for i in issues if i.location.sheet == "Timetable"}
    assert got == {(f"C{q1 + 1}", "early-deadline"), (f"C{q2 + 1}", "missing-deadline"),
                   (f"C{q3 + 1}", "early-deadline"), (f"A{len(tt)}", "duplicate-period")}  # fmt: skip
    assert all(i.severity == "warning" for i in issues if i.location.sheet == "Timetable")
    assert "every return would count as late" in next(i.message for i in issues if i.location.cell == f"C{q1 + 1}")


def test_sheet_names_and_refs_are_matched_as_loosely_as_elsewhere(tmp_path, grids):
    """'profiles' or 'Timetable ' is the sheet meant; a local ref typed 'ds-01' on Profiles is the target DS-01 (as
    refs match everywhere else); a blank or numeric year is named as a person would write it."""
    grids["Profiles"] = [list(r) for r in grids["Profiles"]]
    r = next(i for i, row in enumerate(grids["Profiles"]) if row[0] == "DS-01" and row[1] == "2008/09")
    grids["Profiles"][r][0] = "ds-01"
    grids["Profiles"].append(["NI 154", None, 1, 2, 3, 4, 10])
    grids["Profiles"].append(["NI 154", 2008.0, 1, 2, 3, 4, 10])
    renamed = {"Profiles": "profiles", "Timetable": "Timetable "}
    path = write_register(tmp_path / "register.xlsx", {renamed.get(k, k): v for k, v in grids.items()})
    reg, issues = read_register(path)
    assert not [i for i in issues if i.code in ("missing-sheet", "unknown-ref")]
    assert reg.profile("DS-01", FinancialYear(2008), "Q1") is not None and reg.timetable
    years = [i.message for i in issues if i.code == "bad-year"]
    assert years == ["The financial year is blank: write it like 2008/09",
                     "'2008' is not a financial year: write it like 2008/09"]  # fmt: skip


def test_codes_refs_and_profile_headings_that_would_go_wrong_elsewhere_are_listed(grids):
    """A code with a '/' named a file in a subfolder (or outside the returns folder); 'NI32' or 'NI 32 ' is tidied
    here but missed by the live Data sheet's lookups (wrong RAGs there); a renamed 'Q2' heading on Profiles made
    every Q2 RAG No data with 75 'no Q2 profile' warnings and no word of the heading; Excel turns a typed '2009/10'
    into a date."""
    col = TARGET_COLUMNS.index
    grids["Partnerships"].append(["C/Y", "Odd", "x", "x@y.example"])
    grids["Partnerships"].append(["C&YP", "Children and Young People", "x", "x@y.example"])  # a fine file name
    grids["Targets"][_row(grids, "NI 32")][col("Ref")] = "NI32"
    grids["Profiles"][0] = [("Q2 profile" if h == "Q2" else h) for h in grids["Profiles"][0]]
    grids["Profiles"].append(["NI 154", dt.datetime(2009, 10, 1), 1, 2, 3, 4, 10])
    reg, issues = load_register(grids, "reg.xlsx")
    by_code = {i.code: i for i in issues}
    assert [i.message.split("'")[1] for i in issues if i.code == "bad-code"] == ["C/Y"]
    assert "C/Y" not in {p.code for p in reg.partnerships} and "C&YP" in {p.code for p in reg.partnerships}
    assert by_code["untidy-ref"].message.startswith("The ref 'NI32' is read as 'NI 32'")
    renamed = [i for i in issues if i.code == "missing-column" and i.location.sheet == "Profiles"]
    assert len(renamed) == 1 and "headed 'Q2 profile'" in renamed[0].message
    assert any("Excel has turned the year into a date (01 Oct 2009)" in i.message for i in issues)


@pytest.mark.parametrize("typed", ["NI ²", "NI ١٢", "NI " + "1" * 5000])
def test_a_ref_of_digits_python_cannot_count_is_kept_as_typed(typed):
    """'NI ²' (a superscript two: a digit to str.isdigit, not to int) and a ref of 5,000 digits made check,
    consolidate and go-return end 'something unexpected went wrong (ValueError ...)' (found by fuzzing)."""
    from laa_xl.core.register import normalise_ref

    assert normalise_ref(typed) == typed
    assert normalise_ref(" ni  0154 ") == "NI 154"
