"""One tiny workbook per quirk an officer's return can have, each asserting (sheet, cell, code).

Every fixture starts from a real issued return and is changed with openpyxl the
way a person would change it in Excel (insert or move a column, leave a blank
row, rename a sheet, ...).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from laa_xl.core.checks import check_return
from laa_xl.core.periods import FinancialYear
from laa_xl.io.returns_reader import read_return
from tests.return_helpers import fill_return, have_soffice, soffice_convert

FY = FinancialYear(2008)
HEADER_ROW = 4


def _tuples(issues) -> set[tuple[str, str, str]]:
    return {(i.location.sheet, i.location.cell, i.code) for i in issues}


def _checked(path: Path, register, year: FinancialYear | None = FY):
    data = read_return(path)
    return data, check_return(data, register, year=year, quarters=("Q1", "Q2"))


def _cols(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def _row_of(ws, ref: str) -> int:
    col = _cols(ws)["Target ref"]
    return next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, col).value == ref)


def _complete(register, code: str = "CYP") -> dict:
    """A return with every due Q1/Q2 actual on profile (so it is clean), to change one thing at a time."""
    vals: dict = {"Cover": {"Completed by": "Alex Morgan"}}
    for q in ("Q1", "Q2"):
        vals[q] = {t.ref: {"Actual": register.profile(t.ref, FY, q)} for t in register.targets_for(code)
                   if t.is_due(q)}
    return vals


def test_clean_return_has_no_issues(cyp_return: Path, register) -> None:
    fill_return(cyp_return, _complete(register))
    _, checked = _checked(cyp_return, register)
    assert checked.issues == []


def test_inserted_column(cyp_return: Path, register) -> None:
    fill_return(cyp_return, _complete(register))
    wb = openpyxl.load_workbook(cyp_return)
    ws = wb["Q1"]
    ws.insert_cols(_cols(ws)["Actual"])  # a 'Notes' column just before Actual: Actual moves G -> H
    ws.cell(HEADER_ROW, 7).value = "My notes"
    r = _row_of(ws, "NI 112")
    ws.cell(r, 8).value = "TBC"
    ws.cell(r, 7).value = "12.5 approx"  # the notes column is not read as the actual
    wb.save(cyp_return)
    data, checked = _checked(cyp_return, register)
    assert _tuples(checked.issues) == {("Q1", f"H{r}", "non-numeric-actual")}
    assert next(x for x in data.rows if x.quarter == "Q1" and x.ref.value == "NI 112").actual.location.cell == f"H{r}"


def test_moved_column(cyp_return: Path, register) -> None:
    """Commentary moved to the far left of Q2: found by its header, its cell reported where it now is."""
    vals = _complete(register)
    vals["Q2"]["NI 117"] = {"Actual": 99.0}  # lower is better: far worse than profile, Red
    fill_return(cyp_return, vals)
    wb = openpyxl.load_workbook(cyp_return)
    ws = wb["Q2"]
    com = _cols(ws)["Commentary"]
    ws.insert_cols(1)
    com += 1
    for r in range(1, ws.max_row + 1):
        ws.cell(r, 1).value = ws.cell(r, com).value
        ws.cell(r, com).value = None
    wb.save(cyp_return)
    r = _row_of(ws, "NI 117")
    _, checked = _checked(cyp_return, register)
    assert ("Q2", f"A{r}", "no-commentary") in _tuples(checked.issues)
    assert ("Q2", f"N{r}", "no-remedial-action") in _tuples(checked.issues)  # Remedial action moved M -> N


def test_text_in_a_number_cell(cyp_return: Path, register) -> None:
    vals = _complete(register)
    vals["Q1"]["NI 117"] = {"Actual": "n/a"}
    vals["Q1"]["NI 111"] = {"Actual": " 1,705 "}  # a number typed as text: read as 1705, no issue
    fill_return(cyp_return, vals)
    wb = openpyxl.load_workbook(cyp_return)
    r117, r111 = _row_of(wb["Q1"], "NI 117"), _row_of(wb["Q1"], "NI 111")
    _, checked = _checked(cyp_return, register)
    assert _tuples(checked.issues) == {("Q1", f"G{r117}", "non-numeric-actual")}
    obs = {(o.quarter, o.ref): o for o in checked.observations}
    assert obs[("Q1", "NI 111")].actual == 1705.0
    assert obs[("Q1", "NI 117")].actual is None and obs[("Q1", "NI 117")].rag == "No data"
    assert r111 != r117


def test_blank_row(cyp_return: Path, register) -> None:
    fill_return(cyp_return, _complete(register))
    wb = openpyxl.load_workbook(cyp_return)
    ws = wb["Q1"]
    gap = _row_of(ws, "NI 112")
    ws.insert_rows(gap)  # an empty row in the middle of the table
    ws.cell(gap + 1, 7).value = "TBC"
    wb.save(cyp_return)
    data, checked = _checked(cyp_return, register)
    assert _tuples(checked.issues) == {("Q1", f"G{gap + 1}", "non-numeric-actual")}
    q1 = [x.ref.value for x in data.rows if x.quarter == "Q1"]
    assert q1 == [t.ref for t in register.targets_for("CYP")]  # the rows after the gap are still read


def test_renamed_sheet(cyp_return: Path, register) -> None:
    vals = _complete(register)
    vals["Q2"]["NI 117"] = {"Actual": "TBC"}
    fill_return(cyp_return, vals)
    wb = openpyxl.load_workbook(cyp_return)
    wb["Q2"].title = "Qtr 2"
    r = _row_of(wb["Qtr 2"], "NI 117")
    wb.save(cyp_return)
    data, checked = _checked(cyp_return, register)
    assert data.quarters_found == ("Q1", "Q2", "Q3", "Q4")
    assert _tuples(checked.issues) == {("Qtr 2", "A1", "renamed-sheet"), ("Qtr 2", f"G{r}", "non-numeric-actual")}


def test_renamed_sheet_ambiguous_or_missing(cyp_return: Path, register) -> None:
    wb = openpyxl.load_workbook(cyp_return)
    wb["Q2"].title = "Qtr 2"
    wb.copy_worksheet(wb["Qtr 2"]).title = "Quarter 2"
    del wb["Q3"]
    wb.save(cyp_return)
    data = read_return(cyp_return)
    assert data.quarters_found == ("Q1", "Q4")
    assert _tuples(data.issues) == {("Q2", "", "missing-sheet"), ("Q3", "", "missing-sheet")}


def test_a_quarter_sheet_renamed_out_of_recognition_names_the_sheet_found(cyp_return: Path) -> None:
    """Q2 renamed 'Jul-Sep': 'This return has no Q2 sheet' left the officer to find which sheet it had become."""
    wb = openpyxl.load_workbook(cyp_return)
    wb["Q2"].title = "Jul-Sep"
    wb.save(cyp_return)
    data = read_return(cyp_return)
    (msg,) = [i.message for i in data.issues if i.code == "missing-sheet"]
    assert "no 'Q2' sheet; it has a sheet 'Jul-Sep' that the return was not issued with: if it is Q2, rename it" in msg
    wb = openpyxl.load_workbook(cyp_return)
    del wb["Jul-Sep"]
    wb.save(cyp_return)
    (gone,) = [i.message for i in read_return(cyp_return).issues if i.code == "missing-sheet"]
    assert gone.startswith("This return has no 'Q2' sheet. Use")  # nothing else to point at


@pytest.mark.parametrize("typed", ["45%", None, "Profile"])
def test_a_heading_typed_over_is_found_where_it_was_issued(cyp_return: Path, typed) -> None:
    """'45%' typed over the Actual heading (or the heading cleared): the error pointed at A4, not the cell to fix."""
    wb = openpyxl.load_workbook(cyp_return)
    cell = next(c for c in wb["Q2"][4] if c.value == "Actual")
    cell.value = typed
    wb.save(cyp_return)
    (got,) = [i for i in read_return(cyp_return).issues if i.code == "missing-column"]
    assert (got.location.sheet, got.location.cell) == ("Q2", cell.coordinate)
    said = f"is it the column headed '{typed}', in G?" if typed else "is it column G, whose heading is blank?"
    assert said in got.message


def test_target_rows_sorted_above_the_header_are_an_error_not_passed_over(cyp_return: Path, register) -> None:
    """A sort that took the header row down with it: the targets above it were not read, and check said nothing
    worse than 'no row' warnings (exit 0); and those warnings, beside the error, told the officer to add rows that
    are there."""
    fill_return(cyp_return, _complete(register))
    wb = openpyxl.load_workbook(cyp_return)
    ws = wb["Q2"]
    header = [c.value for c in ws[4]]
    seventh = [c.value for c in ws[7]]
    for i, c in enumerate(ws[4]):
        c.value = seventh[i]
    for i, c in enumerate(ws[7]):
        c.value = header[i]
    wb.save(cyp_return)
    data = read_return(cyp_return)
    got = [i for i in data.issues if i.code == "rows-above-header"]
    assert [(i.severity, i.location.sheet, i.location.cell) for i in got] == [("error", "Q2", "A4")]
    assert got[0].message.startswith("Rows 4-6 (") and "above the header row (row 7)" in got[0].message
    checked = check_return(data, register, year=FY, quarters=("Q1", "Q2"))
    moved = {r[0] for r in data.passed_over}
    assert len(moved) == 3 and not [i for i in checked.issues if i.code == "missing-actual" and i.location.sheet == "Q2"
                                    and any(ref in i.message for ref in moved)]  # fmt: skip


def test_a_figure_typed_over_a_worked_out_column_is_named_not_lost_in_silence(cyp_return: Path) -> None:
    """The actual typed under % variance (its formula gone) and a figure over a RAG: only 'no actual yet' was said,
    and the officer could not see why the figure they typed was not used."""
    wb = openpyxl.load_workbook(cyp_return)
    ws = wb["Q2"]
    col = {c.value: c.column_letter for c in ws[HEADER_ROW]}
    ws[f"{col['% variance']}6"] = 29
    ws[f"{col['RAG']}8"] = 12.7
    ws[f"{col['RAG']}9"] = "Green"
    wb.save(cyp_return)
    got = [i for i in read_return(cyp_return).issues if i.code == "formula-typed-over"]
    assert [(i.severity, i.location.sheet, i.location.cell) for i in got] == [
        ("warning", "Q2", f"{col['% variance']}6"), ("warning", "Q2", f"{col['RAG']}8")]
    assert f"'% variance' on Q2 was typed over in {col['% variance']}6 (29)" in got[0].message
    assert f"in {col['RAG']}8 (12.7), {col['RAG']}9 (Green)" in got[1].message


def test_returns_as_issued_and_as_filled_have_no_worked_out_column_typed_over(issued_dir: Path, cyp_return: Path,
                                                                          register) -> None:  # fmt: skip
    for path in (*sorted(issued_dir.glob("*.xlsx")), cyp_return):
        assert "formula-typed-over" not in {i.code for i in read_return(path).issues}, path.name
    fill_return(cyp_return, _complete(register))  # filled by openpyxl: formulas kept
    assert "formula-typed-over" not in {i.code for i in read_return(cyp_return).issues}


def test_wrong_year_on_the_cover(cyp_return: Path, register) -> None:
    vals = _complete(register)
    vals["Cover"]["Financial year"] = "2007/08"
    fill_return(cyp_return, vals)
    _, checked = _checked(cyp_return, register)
    assert _tuples(checked.issues) == {("Cover", "B6", "wrong-year")}
    assert checked.observations == []  # nothing from a return for another year is used


def test_another_partnerships_target(cyp_return: Path, register) -> None:
    fill_return(cyp_return, _complete(register))
    wb = openpyxl.load_workbook(cyp_return)
    ws = wb["Q1"]
    ws.protection.sheet = False
    r = ws.max_row + 1
    ws.cell(r, 1).value = "NI 20"  # a Safer Communities target typed into the CYP return
    ws.cell(r, 7).value = 1.5
    wb.save(cyp_return)
    _, checked = _checked(cyp_return, register)
    assert _tuples(checked.issues) == {("Q1", f"A{r}", "other-partnership-target")}
    assert all(o.ref != "NI 20" for o in checked.observations)


def test_missing_actual_column_and_duplicate_row(cyp_return: Path, register) -> None:
    fill_return(cyp_return, _complete(register))
    wb = openpyxl.load_workbook(cyp_return)
    wb["Q1"].cell(HEADER_ROW, 7).value = "Figure"  # the Actual heading renamed
    ws = wb["Q2"]
    r = ws.max_row + 1
    ws.cell(r, 1).value = "ni 117"  # the same target again, typed loosely
    ws.cell(r, 7).value = 6.0
    first = _row_of(ws, "NI 117")
    wb.save(cyp_return)
    _, checked = _checked(cyp_return, register)
    assert {("Q1", "G4", "missing-column"), ("Q2", f"A{first}", "duplicate-target-row"),  # G4: where it was issued
            ("Q2", f"A{r}", "duplicate-target-row")} <= _tuples(checked.issues)


def test_a_renamed_or_repeated_heading_of_a_typed_column_is_an_error_naming_it(cyp_return: Path, register) -> None:
    """Commentary headed 'Comments', an override column headed 'Override', a Risks 'Likelihood (1-4)': what is
    typed under them would silently not be read. Each is an error at the heading, guessing which column it is;
    the rest of the return is still read."""
    vals = _complete(register)
    ref = next(iter(vals["Q2"]))
    vals["Q2"][ref]["Commentary"] = "Ahead of plan"
    vals["Risks"] = [{"Risk ID": "R1", "Risk": "Staff turnover", "Likelihood": 3, "Impact": 2}]
    fill_return(cyp_return, vals)
    wb = openpyxl.load_workbook(cyp_return)
    q2, q1, risks = wb["Q2"], wb["Q1"], wb["Risks"]
    comm, over = _cols(q2)["Commentary"], _cols(q1)["RAG override"]
    q2.cell(HEADER_ROW, comm).value = "Comments"
    q1.cell(HEADER_ROW, over).value = "Override"
    q1.insert_cols(2)
    q1.cell(HEADER_ROW, 2).value = "Actual"  # a second 'Actual' column, left of the first
    lik = next(c.column for c in risks[HEADER_ROW] if c.value == "Likelihood")
    risks.cell(HEADER_ROW, lik).value = "Likelihood (1-4)"
    wb.save(cyp_return)
    data, checked = _checked(cyp_return, register)
    letter = openpyxl.utils.get_column_letter
    found = {(i.location.sheet, i.location.cell, i.code): i.message for i in checked.issues}
    assert ("Q2", f"{letter(comm)}{HEADER_ROW}", "missing-column") in found
    assert "'Commentary'" in found[("Q2", f"{letter(comm)}{HEADER_ROW}", "missing-column")]
    assert "headed 'Comments'" in found[("Q2", f"{letter(comm)}{HEADER_ROW}", "missing-column")]
    assert ("Q1", f"{letter(over + 1)}{HEADER_ROW}", "missing-column") in found  # shifted by the inserted column
    assert ("Q1", f"{letter(7 + 1)}{HEADER_ROW}", "duplicate-column") in found  # the issued Actual (G), now H
    assert ("Risks", f"{letter(lik)}{HEADER_ROW}", "missing-column") in found
    assert all(i.is_error for i in checked.issues if i.code in ("missing-column", "duplicate-column"))
    read = {r.ref.value: r.actual.value for r in data.rows if r.quarter == "Q2" and r.ref.value in vals["Q2"]}
    assert read == {ref: v["Actual"] for ref, v in vals["Q2"].items()}  # the figures are still read
    assert [r.risk.value for r in data.risks] == ["Staff turnover"]


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_soffice(), reason="needs LibreOffice")
def test_filled_then_saved_by_libreoffice_reads_back_exactly(cyp_return: Path, register, tmp_path: Path) -> None:
    """The same return read after openpyxl wrote it and after LibreOffice saved it: identical values and cells."""
    vals = _complete(register)
    vals["Cover"].update({"Email": "alex@demoshire.example", "Date submitted": dt.datetime(2008, 7, 20)})
    vals["Q1"]["NI 117"] = {"Actual": " 1,234 ", "Commentary": "Typed as text", "RAG override": "Amber",
                            "Override reason": "Known data lag", "Remedial action": "Chase",
                            "Inspection/survey evidence": "Ofsted 2008", "Data quality note": "=not a formula"}
    vals["Q2"]["NI 111"] = {"Actual": 1234.5678}
    vals["Risks"] = [{"Risk ID": "R1", "Target ref": "NI 117", "Risk": "Funding", "Likelihood": 3, "Impact": 4,
                      "Mitigation": "Bid", "Owner": "AM", "Review date": dt.datetime(2008, 9, 1)}]
    vals["Spend"] = [{"Block": "CYP", "Quarter": "Q1", "Budget": 1000, "Spend": 250.5, "Forecast outturn": 990}]
    fill_return(cyp_return, vals)
    (lo,) = soffice_convert([cyp_return], tmp_path / "lo")
    a, b = read_return(cyp_return), read_return(lo)

    fields = ("ref", "actual", "rag_override", "override_reason", "commentary", "remedial_action", "evidence",
              "data_quality_note")

    def cells(d):
        """Every value read, with its sheet and cell (the file names differ)."""
        out = [("Cover", k, c.value, c.location.sheet, c.location.cell) for k, c in d.cover.items()]
        for r in d.rows:
            out += [(r.quarter, f, getattr(r, f).value, getattr(r, f).location.sheet, getattr(r, f).location.cell)
                    for f in fields]
        for x in d.risks:
            out += [("Risks", c.value, c.location.cell) for c in (x.risk_id, x.ref, x.risk, x.likelihood, x.impact,
                                                                 x.mitigation, x.owner, x.review_date)]
        for x in d.spend:
            out += [("Spend", c.value, c.location.cell) for c in (x.block, x.quarter, x.budget, x.spend,
                                                                 x.forecast_outturn)]
        return out

    assert a.issues == b.issues == []
    assert cells(a) == cells(b)
    assert len(a.rows) == 4 * len(register.targets_for("CYP"))
    assert a.cover["Date submitted"].value in (dt.datetime(2008, 7, 20), dt.date(2008, 7, 20))
    assert [(x.risk_id.value, x.likelihood.value, x.review_date.value) for x in b.risks] == [
        ("R1", 3.0, dt.date(2008, 9, 1))]
    assert [(s.block.value, s.spend.value) for s in b.spend] == [("CYP", 250.5)]
    ni117 = next(r for r in b.rows if r.ref.value == "NI 117" and r.quarter == "Q1")
    assert (ni117.actual.value, ni117.actual.location.cell) == (" 1,234 ", "G5")
    assert next(r for r in a.rows if r.ref.value == "NI 117").data_quality_note.value == "=not a formula"


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_soffice(), reason="needs LibreOffice")
def test_typed_by_libreoffice_reads_back_exactly(cyp_return: Path, register, tmp_path: Path) -> None:
    """The officer's typing done by LibreOffice itself (headless Basic macro) and by openpyxl: same return read."""
    from laa_xl.core import rules
    from laa_xl.io.grids import read_grids
    from tests.return_helpers import libreoffice_fill

    vals = _complete(register)
    vals["Cover"].update({"Email": "alex@demoshire.example", "Date submitted": "25/07/2008"})
    vals["Q1"]["NI 117"] = {"Actual": " 1,234 ", "Commentary": "Typed as text", "RAG override": "Amber",
                            "Override reason": "Known \"data\" lag", "Data quality note": "=not a formula"}
    vals["Q1"]["NI 112"] = {"Actual": "TBC"}
    vals["Q2"]["NI 111"] = {"Actual": 1234.5678}
    by_lo = libreoffice_fill(cyp_return, vals, tmp_path / "lo" / cyp_return.name)
    (tmp_path / "px").mkdir()
    by_openpyxl = fill_return(cyp_return, vals, tmp_path / "px" / cyp_return.name)
    a, b = read_return(by_openpyxl), read_return(by_lo)

    def seen(d):
        out = [(k, c.value, c.location.sheet, c.location.cell) for k, c in d.cover.items()]
        for r in d.rows:
            out += [(r.quarter, c.value, c.location.sheet, c.location.cell)
                    for c in (r.ref, r.actual, r.rag_override, r.override_reason, r.commentary, r.remedial_action,
                              r.evidence, r.data_quality_note)]
        return out

    assert seen(a) == seen(b)
    ca, cb = check_return(a, register, year=FY), check_return(b, register, year=FY)
    assert _tuples(ca.issues) == _tuples(cb.issues)
    assert {("Q1", "G8", "non-numeric-actual"), ("Q1", "J5", "rag-overridden")} <= _tuples(cb.issues)
    # and the formulas LibreOffice recalculated as it typed agree with the core
    grid = read_grids(by_lo)["Q1"]
    t = register.target("NI 117")
    assert grid[4][8] == rules.rag(1234.0, register.profile("NI 117", FY, "Q1"), t.polarity, t.tolerance,
                                   t.tolerance_type)
    assert grid[7][8] == "No data" and grid[7][15] == "Number needed"


def test_one_mistake_is_listed_once_not_once_per_target(cyp_return: Path, register) -> None:
    """A quarter sheet whose Actual heading is gone, or a target typed on two rows, is one error; "has no row"
    for each of the quarter's targets (or for the duplicated one) only repeated it."""
    fill_return(cyp_return, _complete(register))
    wb = openpyxl.load_workbook(cyp_return)
    wb["Q1"].cell(HEADER_ROW, 7).value = "Figure"
    ws = wb["Q2"]
    first = _row_of(ws, "NI 117")
    r = ws.max_row + 1
    ws.cell(r, 1).value = "NI 117"
    ws.cell(r, 7).value = 6.0
    wb.save(cyp_return)
    _, checked = _checked(cyp_return, register)
    codes = [(i.location.sheet, i.code) for i in checked.issues]
    assert codes.count(("Q1", "missing-column")) == 1 and ("Q1", "missing-actual") not in codes
    assert not [i for i in checked.issues if i.code == "missing-actual" and "NI 117" in i.message]
    assert {("Q2", f"A{first}", "duplicate-target-row"), ("Q2", f"A{r}", "duplicate-target-row")} <= _tuples(
        checked.issues)


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_soffice(), reason="needs LibreOffice")
def test_a_row_grows_to_show_a_long_commentary_as_it_is_typed(cyp_return: Path, tmp_path: Path) -> None:
    """A target lead's four-sentence commentary showed two lines and hid the rest, on screen and in print: the
    target rows had heights marked custom (as if sized by hand), which no spreadsheet changes. Typed by LibreOffice
    itself, the row now grows; the header keeps its height, and so do the rows nothing long was typed in."""
    import openpyxl

    from tests.return_helpers import libreoffice_fill

    long = " ".join(["Fewer young people were out of work after the September intake, and the partnership expects "
                     "the trend to hold through the winter."] * 4)  # fmt: skip
    before = openpyxl.load_workbook(cyp_return)["Q1"].row_dimensions
    typed = libreoffice_fill(cyp_return, {"Q1": {"NI 117": {"Commentary": long}}}, tmp_path / "lo" / cyp_return.name)
    after = openpyxl.load_workbook(typed)["Q1"].row_dimensions
    assert after[5].height > 3 * before[5].height  # NI 117's row (the first target), grown to show it all
    assert after[4].height == before[4].height and after[6].height == before[6].height


def test_issues_about_a_renamed_sheet_name_the_sheet_as_it_is_now(cyp_return: Path, register) -> None:
    """Q2 renamed 'Qtr 2' (read as Q2) and Cover renamed 'cover ': not-updated, a missing row's missing-actual and
    early-date pointed at 'Q2' and 'Cover', sheets the workbook does not have (found by fuzzing)."""
    vals = _complete(register)
    vals["Q2"] = {}
    vals["Cover"]["Date submitted"] = dt.date(2008, 5, 1)
    fill_return(cyp_return, vals)
    wb = openpyxl.load_workbook(cyp_return)
    wb["Q2"].title = "Qtr 2"
    wb["Cover"].title = "cover "
    wb["Q1"].delete_rows(HEADER_ROW + 1)
    wb.save(cyp_return)
    data, checked = _checked(cyp_return, register)
    sheets = {i.code: i.location.sheet for i in checked.issues if i.code in ("not-updated", "missing-actual")}
    assert sheets == {"not-updated": "Qtr 2", "missing-actual": "Q1"}
    assert {i.location.sheet for i in checked.issues} <= set(openpyxl.load_workbook(cyp_return).sheetnames) | {""}
    early = check_return(data, register, year=FY, quarters=("Q1",))  # 1 May 2008: before Q1 ended
    assert [i.location.sheet for i in early.issues if i.code == "early-date"] == ["cover "]
