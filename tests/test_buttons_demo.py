"""Each Home button run on xlwings' JSON-book engine against Demoshire and a returns folder the demo filler
typed into: what the button writes back (sheets, values, formulas, colours) and the files it saves."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path

import jsonbook
import numpy as np
import pytest

from laa_xl.core import demo, reports
from laa_xl.core.filling import officer_fill
from laa_xl.core.periods import FinancialYear, Period
from laa_xl.excel import buttons, layout, udfs
from laa_xl.excel.data_sheet import data_formulas
from laa_xl.io import consolidated as cio
from laa_xl.io.check_returns import check_files
from laa_xl.io.consolidated import read_consolidated
from laa_xl.io.demo_fill import fill_return_workbook
from laa_xl.io.go_workbook import GO_SHEETS
from laa_xl.io.grids import read_grids
from laa_xl.io.register_io import read_register, write_register
from laa_xl.io.returns_writer import issue_returns
from laa_xl.io.styles import RAG_FILLS

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "workbook" / "LAA_Central.xlsm"
Q2 = Period.parse("2008/09 Q2")
NO_PROFILE = ("NI 20", "Q2")  # a quarterly target whose Q2 profile the test blanks: due, so No data, never Not due
DUE_OVERRIDE = ("NI 4", "Q2, Q4")  # an annual target made due in Q2 by the register's Due quarters
OVERRIDE = ("NI 154", "Q2")


@pytest.fixture(autouse=True)
def licence(monkeypatch):
    jsonbook.enable(monkeypatch)


def set_setting(payload: dict, label: str, value) -> None:
    for row in jsonbook.sheet_values(payload, "Settings"):
        if row[0] == label:
            row[1] = value
            return
    raise KeyError(label)


def set_target(payload: dict, ref: str, column: str, value) -> None:
    rows = jsonbook.sheet_values(payload, "Targets")
    row = next(r for r in rows if r[0] == ref)
    row[rows[0].index(column)] = value


def blank_profile(payload: dict, ref: str, quarter: str) -> None:
    rows = jsonbook.sheet_values(payload, "Profiles")
    head = rows[0]
    for row in rows[1:]:
        if row[head.index("Ref")] == ref and row[head.index("Financial year")] == str(Q2.year):
            row[head.index(quarter)] = ""
            return
    raise KeyError(ref)


@pytest.fixture(scope="module")
def area(tmp_path_factory) -> Path:
    """A folder with the demo register and its returns issued and typed in by officers (with mistakes)."""
    d = tmp_path_factory.mktemp("area")
    reg, _ = read_register(write_register(d / "register.xlsx", demo.register_grids()))
    returns = d / "returns"
    for i, path in enumerate(issue_returns(reg, Q2.year, returns)):
        code = path.name.split("_")[0]
        fill = officer_fill(reg, code, Q2.year, Q2.quarters, seed=7, submitted=dt.date(2008, 10, 20) + dt.timedelta(i))
        if code == "CYP":
            fill.rows[("NI 117", "Q2")].actual = "TBC"  # an error: that quarter shows No data
        if code == "OEP":  # an override with its reason: Reported RAG keeps it
            row = fill.rows[OVERRIDE]
            row.rag_override, row.override_reason = "Green", "Completions certified after the quarter closed."
        fill_return_workbook(path, fill)
    return d


@pytest.fixture(scope="module")
def central() -> dict:
    return jsonbook.payload_from_file(WORKBOOK)


@pytest.fixture
def live(central, area) -> dict:
    """The central workbook pointing at the demo returns folder (absolute: a JSON book has no folder)."""
    p = copy.deepcopy(central)
    set_setting(p, "Returns folder", str(area / "returns"))
    blank_profile(p, *NO_PROFILE)
    set_target(p, DUE_OVERRIDE[0], "Due quarters", DUE_OVERRIDE[1])
    return p


def actions(book) -> list[dict]:
    return book.json()["actions"]


def alerts(book) -> list[str]:
    return [a["args"][0] for a in actions(book) if a["func"] == "alert"]


def on(book, payload, sheet: str, func: str) -> list[dict]:
    pos = jsonbook.sheet_position(payload, sheet)
    return [a for a in actions(book) if a["func"] == func and a["sheet_position"] == pos]


def block(book, payload, sheet: str) -> list[list]:
    [values] = on(book, payload, sheet, "setValues")  # ONE 2-D block per sheet
    return values["values"]


def plain(v):
    """A value as written, without the apostrophe that keeps text as text."""
    return v[1:] if isinstance(v, str) and v.startswith("'") else v


def assert_same(rows: list[list], want: list[list]) -> None:
    assert len(rows) == len(want)
    for r, (a, b) in enumerate(zip(rows, want, strict=True)):
        assert len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True)), (r, a, b)


def same(a, b) -> bool:
    a, b = plain(a), plain(b)
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    if isinstance(a, dt.date | dt.datetime) or isinstance(b, dt.date | dt.datetime):
        return str(a)[:10] == str(b)[:10]
    return a == b


def issue_tuples(rows: list[list]) -> set[tuple[str, str, str]]:
    head = rows[0]
    s, c, code = head.index("Sheet"), head.index("Cell"), head.index("Code")
    return {(plain(r[s]) or "", plain(r[c]) or "", r[code]) for r in rows[1:]}


@pytest.fixture
def consolidated(live, area):
    """Run Consolidate once; the book, its payload and the file it saved."""
    book = jsonbook.book(live)
    buttons.consolidate(book)
    out = area / buttons.CONSOLIDATED_NAME
    assert out.exists()
    return book, live, out


# --- Consolidate -------------------------------------------------------------------


def test_consolidate_writes_the_derived_sheets_as_the_file_has_them(consolidated):
    book, live, out = consolidated
    [msg] = alerts(book)
    assert msg.startswith("Consolidated 2008/09 Q2") and str(out) in msg
    file = read_grids(out)
    formula_cols = {layout.DATA_COLUMNS.index(h) for h in ("% variance", "RAG", "Reported RAG", "Direction")}
    for sheet in layout.DERIVED_SHEETS:
        live_rows, file_rows = block(book, live, sheet), file[sheet]
        assert len(live_rows) == len(file_rows), sheet
        for r, (a, b) in enumerate(zip(live_rows, file_rows, strict=True)):
            for c, (x, y) in enumerate(zip(a, b, strict=False)):
                if sheet == "Data" and r > 0 and c in formula_cols:
                    assert x in (None, ""), (r, c)  # left for the spilled formulas
                    continue
                assert same(x, y), (sheet, r, c, x, y)


def test_consolidate_issues_are_the_consolidations_with_their_cells(consolidated, area):
    book, live, out = consolidated
    cons, _, _ = read_consolidated(out)
    got = issue_tuples(block(book, live, "Issues"))
    assert got == {(i.location.sheet, i.location.cell, i.code) for i in cons.issues}
    assert any(code == "non-numeric-actual" and sheet == "Q2" for sheet, _, code in got)
    errors = [a for a in on(book, live, "Issues", "setRangeColor") if a["args"] == [buttons.ISSUE_FILLS["error"]]]
    assert errors, "error rows are coloured"


def test_data_gets_one_spilled_udf_per_column_and_reported_rag_formulas(consolidated):
    book, live, out = consolidated
    n = len(block(book, live, "Data")) - 1
    col = {h: i for i, h in enumerate(layout.DATA_COLUMNS)}
    formulas = {(a["start_row"], a["start_column"]): a["values"] for a in on(book, live, "Data", "setFormula")}
    expected = data_formulas(2, n + 1)
    for h in ("% variance", "RAG", "Direction"):
        assert formulas[(1, col[h])] == [[expected[h]]], h
    assert expected["% variance"] == f"=LAA_VARIANCE(F2:F{n + 1},E2:E{n + 1})"
    assert expected["RAG"].startswith(f"=LAA_RAG(F2:F{n + 1},E2:E{n + 1},XLOOKUP(A2:A{n + 1},TargetRegister[Ref],")
    reported = formulas[(1, col["Reported RAG"])]
    data = block(book, live, "Data")
    assert len(reported) == n
    for r, (cell, row) in enumerate(zip(reported, data[1:], strict=True), start=2):
        overridden = (row[col["Ref"]], row[col["Quarter"]]) == OVERRIDE
        assert cell == (["Green"] if overridden else [f"=H{r}"])  # OEP's override stays a value
    [cf] = on(book, live, "Data", "addConditionalFormat")[:1]
    assert cf["start_column"] == col["RAG"] and cf["column_count"] == 2 and cf["row_count"] == n


# --- the Data formulas, evaluated -------------------------------------------------------


def _split_call(formula: str) -> tuple[str, list[str]]:
    """=NAME(a,b,...) -> NAME, [a, b, ...] split at the top level (not inside brackets or quotes)."""
    m = re.match(r"=(\w+)\((.*)\)$", formula, flags=re.S)
    assert m
    args, depth, quoted, cur = [], 0, False, ""
    for ch in m.group(2):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "([":
            depth += 1
        elif not quoted and ch in ")]":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            args.append(cur)
            cur = ""
        else:
            cur += ch
    return m.group(1), [*args, cur]


def _evaluate(expr: str, data: list[list], targets: list[list]) -> np.ndarray:
    """An argument's formula text evaluated by an independent Excel formula engine (the `formulas` package).

    The register table's columns become the Targets sheet's ranges, as Excel resolves TargetRegister[X].
    """
    formulas = pytest.importorskip("formulas")
    import schedula

    head, n_t = targets[0], len(targets)

    def column(m: re.Match) -> str:
        c = head.index(m.group(1))
        letter = layout_letter(c)
        return f"TARGETS!{letter}2:{letter}{n_t}"

    text = "=" + re.sub(r"TargetRegister\[([^\]]+)\]", column, expr)
    fn = formulas.Parser().ast(text)[1].compile()
    grids = {"": data, "TARGETS": targets}
    args = []
    for ref in fn.inputs:
        sheet, _, rng = ref.rpartition("!")
        (c1, r1), (c2, r2) = (_cell(x) for x in rng.split(":"))
        g = grids[sheet]
        args.append(np.array([[schedula.EMPTY if g[r][c] in (None, "") else plain(g[r][c]) for c in range(c1, c2 + 1)]
                              for r in range(r1, r2 + 1)], dtype=object))  # fmt: skip
    out = np.asarray(fn(*args), dtype=object)
    return np.vectorize(lambda v: None if v is schedula.EMPTY or v == "" else v, otypes=[object])(out)


def layout_letter(c: int) -> str:
    from laa_xl.excel.paint import column_letter

    return column_letter(c)


def _cell(a1: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)$", a1)
    assert m
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return col - 1, int(m.group(2)) - 1


def test_the_data_formulas_evaluated_over_the_sheet_give_the_consolidated_values(consolidated):
    book, live, out = consolidated
    data = block(book, live, "Data")
    n = len(data) - 1
    targets = jsonbook.sheet_values(live, "Targets")
    f = data_formulas(2, n + 1)
    cons, _, _ = read_consolidated(out)
    obs = cons.observations

    name, args = _split_call(f["% variance"])
    got = udfs.LAA_VARIANCE(*(_evaluate(a, data, targets) for a in args))
    assert [r[0] if r[0] != "" else None for r in got] == pytest.approx([o.variance for o in obs], nan_ok=True)

    name, args = _split_call(f["RAG"])
    assert name == "LAA_RAG" and len(args) == 6
    rag = [r[0] for r in udfs.LAA_RAG(*(_evaluate(a, data, targets) for a in args))]
    assert rag == [o.rag for o in obs]
    i = next(i for i, o in enumerate(obs) if (o.ref, o.quarter) == NO_PROFILE)
    assert rag[i] == "No data"  # due, no profile: not "Not due"
    q = {(o.ref, o.quarter): r for o, r in zip(obs, rag, strict=True)}
    assert q[(DUE_OVERRIDE[0], "Q2")] == "No data" and q[(DUE_OVERRIDE[0], "Q1")] == "Not due"
    assert q[("NI 47", "Q1")] == "Not due" and q[("NI 47", "Q2")] != "Not due"  # six-monthly
    assert {"Not due", "Green", "Red"} <= set(rag)

    name, args = _split_call(f["Direction"])
    direction = [r[0] or None for r in udfs.LAA_DIRECTION(*(_evaluate(a, data, targets) for a in args))]
    assert direction == [o.direction for o in obs]
    assert {"Improving", "Worsening"} <= set(direction)


def test_direction_then_takes_the_same_quarter_last_year_where_the_sheet_holds_it():
    """Two years on the sheet: 'then' is last year's same quarter, else the latest earlier quarter with an actual
    (what laa_xl.core.consolidate does with the actuals it knows)."""
    from laa_xl.core.consolidate import _comparator
    from laa_xl.core.periods import FinancialYear
    from laa_xl.excel.data_sheet import then_expression

    rows = [["NI 1", "2007/08", "Q1", 10.0], ["NI 1", "2007/08", "Q2", None], ["NI 1", "2007/08", "Q3", 12.0],
            ["NI 1", "2007/08", "Q4", 13.0], ["NI 1", "2008/09", "Q1", 11.0], ["NI 1", "2008/09", "Q2", 14.0],
            ["NI 1", "2008/09", "Q3", None], ["NI 1", "2008/09", "Q4", 9.0], ["NI 2", "2008/09", "Q1", 5.0],
            ["NI 2", "2008/09", "Q3", 6.0]]  # fmt: skip
    data = [list(layout.DATA_COLUMNS)] + [[r[0], "X", r[1], r[2], None, r[3]] + [None] * 7 for r in rows]
    got = _evaluate(then_expression(2, len(rows) + 1), data, [["Ref"], ["NI 1"]]).reshape(-1)
    known = {(r[0], FinancialYear.parse(r[1]), r[2]): r[3] for r in rows if r[3] is not None}

    from types import SimpleNamespace

    want = [_comparator(SimpleNamespace(ref=r[0], year=FinancialYear.parse(r[1]), quarter=r[2]), known) for r in rows]
    assert [None if np.isnan(w) else w for w in want] == list(got)
    assert got[4] == 10.0 and got[7] == 13.0 and got[6] == 12.0  # last year's same quarter
    assert got[5] == 11.0 and got[9] == 5.0 and got[0] is None and got[8] is None  # else the latest earlier one


# --- GO return, PSB report, Email --------------------------------------------------------


@pytest.fixture
def after_consolidate(live, area) -> dict:
    """The live book as Excel holds it after Consolidate: the derived sheets' values (formulas computed)."""
    book = jsonbook.book(live)
    buttons.consolidate(book)
    file = read_grids(area / buttons.CONSOLIDATED_NAME)
    p = copy.deepcopy(live)
    for s in p["sheets"]:
        if s["name"] in layout.DERIVED_SHEETS:
            s["values"] = [[jsonbook._json_value(v) for v in row] for row in file[s["name"]]] or [[""]]
    return p


def _go_rows(rows: list[list], ref: str) -> list[list]:
    i = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and plain(r[0]).startswith(ref + " "))
    return rows[i : i + 4]


def test_go_return_lays_out_annex_a_and_saves_a_values_only_copy(after_consolidate, area):
    book = jsonbook.book(after_consolidate)
    buttons.go_return(book)
    [msg] = alerts(book)
    path = area / "GO_return_2008-09_H1.xlsx"
    assert path.exists() and str(path) in msg
    rows = block(book, after_consolidate, "GO Return")
    cons, evidence, _ = read_consolidated(area / buttons.CONSOLIDATED_NAME)
    want = reports.go_return_layout(cons, Period.parse("2008/09 H1"), evidence=evidence).values()
    assert_same(rows, want)
    z = zipfile.ZipFile(path)
    sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)  # values only
    assert not [n for n in z.namelist() if "vba" in n.lower() or "externalLink" in n]
    assert list(read_grids(path)) == list(GO_SHEETS)
    # the Risk rating cells are coloured by their RAG, in the one colour matrix
    [colours] = on(book, after_consolidate, "GO Return", "setRangeColors")
    matrix = colours["args"][0]
    rating = [(r, c) for r, row in enumerate(rows) for c, v in enumerate(row)
              if row[1] == "Risk rating" and c >= 3 and v in RAG_FILLS]  # fmt: skip
    assert rating and all(matrix[r][c].lower() == RAG_FILLS[rows[r][c]].lower() for r, c in rating)


def test_an_actual_corrected_in_the_live_data_reaches_the_go_return(after_consolidate, area):
    p = copy.deepcopy(after_consolidate)
    data = jsonbook.sheet_values(p, "Data")
    head = data[0]
    r = next(i for i, row in enumerate(data) if row[0] == "NI 117" and row[3] == "Q2")  # CYP typed TBC
    profile = data[r][head.index("Profile")]
    polarity = next(t for t in demo.register_grids()["Targets"][1:] if t[0] == "NI 117")[7]
    corrected = profile * (1.5 if polarity == "lower" else 0.5)  # far worse than profile
    data[r][head.index("Actual")] = corrected  # the officer phones CYP and types the figure in
    book = jsonbook.book(p)
    buttons.go_return(book)
    rows = _go_rows(block(book, p, "GO Return"), "NI 117")
    header = next(row for row in block(book, p, "GO Return") if row[0] == "Outcome / target")
    q2 = header.index("Q2 2008/09")
    assert rows[1][q2] == pytest.approx(corrected)
    assert rows[2][q2] == pytest.approx((corrected - profile) / abs(profile))
    assert rows[3][q2] == "Red"  # was No data (TBC) in the consolidation


def test_an_actual_typed_as_words_on_the_live_data_stops_the_go_return_and_says_which(after_consolidate, area):
    """'approx 29' typed over a figure on Data went to the GO as No data without a word."""
    p = copy.deepcopy(after_consolidate)
    data = jsonbook.sheet_values(p, "Data")
    head = data[0]
    r = next(i for i, row in enumerate(data) if row[0] == "NI 16" and row[3] == "Q2")
    data[r][head.index("Actual")] = "approx 29"
    book = jsonbook.book(p)
    buttons.go_return(book)
    [msg] = alerts(book)
    assert "the Actual of NI 16 2008/09 Q2 reads 'approx 29', which is not a number" in msg
    assert "Nothing was written" in msg and on(book, p, "GO Return", "setValues") == []  # the sheet left alone
    buttons.psb_report(book)
    assert "approx 29" in alerts(book)[-1]


def _replaced_said(book, p) -> list[tuple[str, str]]:
    rows = block(book, p, "Issues")
    code, message, cell = rows[0].index("Code"), rows[0].index("Message"), rows[0].index("Cell")
    return [(plain(row[message]), plain(row[cell]) or "") for row in rows[1:] if row[code] == "data-edit-replaced"]


def test_consolidating_again_says_which_actuals_typed_on_data_it_replaced(after_consolidate, area):
    """Consolidate takes every figure from the returns: an actual corrected by hand on Data since the last
    Consolidate is replaced, and that is said (it was silent), on Issues at its new cell and in the message, with
    what the cell held as typed and figures in full."""
    book = jsonbook.book(copy.deepcopy(after_consolidate))
    buttons.consolidate(book)  # nothing typed: nothing to say
    assert "data-edit-replaced" not in alerts(book)[0] and _replaced_said(book, after_consolidate) == []

    p = copy.deepcopy(after_consolidate)
    data = jsonbook.sheet_values(p, "Data")
    head = data[0]
    a = head.index("Actual")
    numbered = [i for i, row in enumerate(data) if i and isinstance(row[a], int | float)]
    r, r2 = numbered[0], numbered[1]
    ref, year, quarter, was = data[r][0], data[r][2], data[r][3], data[r][a]
    data[r][a] = was + 1234567.5  # typed by hand
    data[r2][a] = "TBC"
    book = jsonbook.book(p)
    buttons.consolidate(book)
    [msg] = alerts(book)
    assert "2 actual(s) on the Data sheet that differed from the last consolidation saved" in msg
    said = dict(_replaced_said(book, p))
    typed = f"{was + 1234567.5:,.6f}".rstrip("0").rstrip(".")
    first = next(m for m in said if m.startswith(f"{ref} {year} {quarter} ("))
    saved = f"{was:,.0f}" if float(was).is_integer() else f"{was:,.6f}".rstrip("0").rstrip(".")
    assert f"the Data sheet had {typed}, not the {saved} of the last consolidation saved" in first
    assert "e+06" not in first and "Consolidate has replaced it with" in first
    assert any("had 'TBC'" in m for m in said)
    new_data = block(book, p, "Data")
    row = next(i for i, row in enumerate(new_data)
               if plain(row[0]) == ref and plain(row[2]) == year and plain(row[3]) == quarter)  # fmt: skip
    assert said[first] == f"F{row + 1}" and new_data[row][a] == pytest.approx(was)  # where the figure now is


def test_an_actual_corrected_on_last_years_rows_is_said_too(live, area):
    """Last year's rows, carried below this year's on Data, are rebuilt from the saved consolidation: a figure
    corrected there is replaced too, and said."""
    buttons.consolidate(jsonbook.book(live))
    out = area / buttons.CONSOLIDATED_NAME
    cons, _, _ = read_consolidated(out)
    last = FinancialYear(2007)
    cons.carried = [dataclasses.replace(o, year=last) for o in cons.observations]
    cio.write_consolidated(cons, out, demo.register_grids())
    file = read_grids(out)
    p = copy.deepcopy(live)
    for s in p["sheets"]:
        if s["name"] in layout.DERIVED_SHEETS:
            s["values"] = [[jsonbook._json_value(v) for v in row] for row in file[s["name"]]] or [[""]]
    data = jsonbook.sheet_values(p, "Data")
    a = data[0].index("Actual")
    r = next(i for i, row in enumerate(data) if i and row[2] == "2007/08" and isinstance(row[a], int | float))
    data[r][a] = 4242.0
    book = jsonbook.book(p)
    buttons.consolidate(book)
    [(said, _)] = _replaced_said(book, p)
    assert said.startswith(f"{data[r][0]} 2007/08 {data[r][3]} (") and "the Data sheet had 4,242" in said


def test_data_that_cannot_be_compared_is_said(after_consolidate, area):
    """With the saved consolidation gone (deleted, or something else saved over it), corrections on Data cannot be
    told from the returns' figures: that is said once, rather than nothing."""
    (area / buttons.CONSOLIDATED_NAME).unlink()
    book = jsonbook.book(copy.deepcopy(after_consolidate))
    buttons.consolidate(book)
    [(said, _)] = _replaced_said(book, after_consolidate)
    assert said.startswith("The Data sheet could not be compared with the last consolidation saved (CONSOLIDATED.xlsx "
                           "is not there)")  # fmt: skip
    assert "could not be compared" in alerts(book)[0]


def test_psb_report_paints_the_summary_and_saves_it_with_charts(after_consolidate, area):
    book = jsonbook.book(after_consolidate)
    buttons.psb_report(book)
    [msg] = alerts(book)
    path = area / "PSB_summary_2008-09_Q2.xlsx"
    assert path.exists() and str(path) in msg
    cons, _, _ = read_consolidated(area / buttons.CONSOLIDATED_NAME)
    from laa_xl.core.consolidate import recompute

    recompute(cons.register, cons.observations)
    want = reports.psb_layout(cons).values()
    rows = block(book, after_consolidate, "PSB Summary")
    assert_same(rows, want)
    assert any(n.startswith("xl/charts/chart") for n in zipfile.ZipFile(path).namelist())


def test_email_gose_saves_the_go_return_and_drafts_the_email_to_the_go(after_consolidate, area):
    from email import policy
    from email.parser import BytesParser

    book = jsonbook.book(after_consolidate)
    buttons.email_gose(book)
    [msg] = alerts(book)
    go, eml = area / "GO_return_2008-09_H1.xlsx", area / "GO_return_2008-09_H1.eml"
    assert go.exists() and eml.exists() and str(eml) in msg
    mail = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    settings = {r[0]: r[1] for r in jsonbook.sheet_values(after_consolidate, "Settings")}
    assert mail["To"] == settings["GO email"] and mail["X-Unsent"] == "1"
    assert "2008/09 H1" in mail["Subject"]
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == go.name and attachment.get_content() == go.read_bytes()


def test_email_gose_without_a_go_email_is_an_issue_at_its_settings_cell(after_consolidate):
    p = copy.deepcopy(after_consolidate)
    set_setting(p, "GO email", "")
    row = next(i for i, r in enumerate(jsonbook.sheet_values(p, "Settings")) if r[0] == "GO email") + 1
    book = jsonbook.book(p)
    buttons.email_gose(book)
    assert ("Settings", f"B{row}", "missing-go-email") in issue_tuples(block(book, p, "Issues"))
    assert "no GO email" in alerts(book)[0]


def test_the_go_returns_data_quality_sheet_holds_the_consolidations_issues_whatever_issues_now_shows(
        after_consolidate, area):  # fmt: skip
    """The Issues sheet is every button's: after Email GOSE failed for want of a GO email, it held only that, and
    the next GO return told the GO that 'The Settings sheet has no GO email' was the area's data quality. The GO
    return's issues are the consolidation's, as Consolidate saved them."""
    p = copy.deepcopy(after_consolidate)
    for s in p["sheets"]:
        if s["name"] == "Issues":  # as a failed button leaves it
            s["values"] = [["Severity", "Code", "Message", "File", "Sheet", "Cell"],
                           ["error", "missing-go-email", "The Settings sheet has no GO email.", "", "Settings", "B6"]]
    book = jsonbook.book(p)
    buttons.go_return(book)
    dq = read_grids(area / "GO_return_2008-09_H1.xlsx", ["Data quality"])["Data quality"]
    codes = {row[1] for row in dq if row and len(row) > 1}
    assert "non-numeric-actual" in codes and "missing-go-email" not in codes


def test_go_return_before_consolidate_says_consolidate_first(live):
    book = jsonbook.book(live)
    buttons.go_return(book)
    [msg] = alerts(book)
    assert "Consolidate first" in msg


# --- Issue returns, Check a return ----------------------------------------------------------


def test_issue_returns_writes_one_per_partnership_and_never_replaces_one(central, tmp_path):
    p = copy.deepcopy(central)
    folder = tmp_path / "returns"
    set_setting(p, "Returns folder", str(folder))
    book = jsonbook.book(p)
    buttons.issue_returns(book)
    made = sorted(x.name for x in folder.glob("*.xlsx"))
    reg, _ = read_register(WORKBOOK)
    assert made == sorted(f"{c.code}_2008-09.xlsx" for c in reg.partnerships if reg.targets_for(c.code))
    assert str(len(made)) in alerts(book)[0]
    typed = folder / made[0]
    typed.write_bytes(typed.read_bytes() + b"")  # an officer's file: must stay as it is
    before = {x.name: x.read_bytes() for x in folder.glob("*.xlsx")}
    again = jsonbook.book(p)
    buttons.issue_returns(again)
    assert {x.name: x.read_bytes() for x in folder.glob("*.xlsx")} == before
    assert "not replaced" in alerts(again)[0]


def test_check_a_return_lists_each_returns_issues_at_their_cells(live, area):
    book = jsonbook.book(live)
    buttons.check_return(book)
    reg, _ = buttons.load_live_register(jsonbook.book(live))
    files = sorted(p for p in (area / "returns").glob("*.xlsx"))
    report = check_files(files, reg)
    got = issue_tuples(block(book, live, "Issues"))
    assert got == {(i.location.sheet, i.location.cell, i.code) for i in report.issues}
    assert ("Q2", next(i.location.cell for i in report.issues if i.code == "non-numeric-actual"), "non-numeric-actual") in got
    [msg] = alerts(book)
    assert "CYP_2008-09.xlsx: 1 error(s)" in msg


def test_a_returns_folder_that_does_not_exist_is_an_issue_at_its_settings_cell(central, tmp_path):
    p = copy.deepcopy(central)
    set_setting(p, "Returns folder", str(tmp_path / "nowhere"))
    row = next(i for i, r in enumerate(jsonbook.sheet_values(p, "Settings")) if r[0] == "Returns folder") + 1
    book = jsonbook.book(p)
    buttons.consolidate(book)
    assert ("Settings", f"B{row}", "returns-folder-not-found") in issue_tuples(block(book, p, "Issues"))
    assert "does not exist" in alerts(book)[0]


# --- Chase ---------------------------------------------------------------------------------------


def test_chase_drafts_from_the_consolidation_consolidate_saved(after_consolidate, area, tmp_path):
    from click.testing import CliRunner

    from laa_xl.cli import main

    book = jsonbook.book(after_consolidate)
    buttons.chase(book)
    [msg] = alerts(book)
    drafts = sorted(p.name for p in (area / "chase").glob("*.eml"))
    assert "corrections-cyp.eml" in drafts  # CYP's TBC
    assert f"{len(drafts)} chase email(s) drafted in {area / 'chase'}" in msg and all(d in msg for d in drafts)
    # the same drafts as `laa-xl chase` makes of the same file
    res = CliRunner().invoke(main, ["chase", str(area / buttons.CONSOLIDATED_NAME), "--eml-dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.glob("*.eml")) == drafts


def test_chase_before_consolidate_says_consolidate_first(live, tmp_path):
    p = copy.deepcopy(live)
    (tmp_path / "returns").mkdir()
    set_setting(p, "Returns folder", str(tmp_path / "returns"))
    book = jsonbook.book(p)
    buttons.chase(book)
    [msg] = alerts(book)
    assert "click Consolidate first, then Chase" in msg and not (tmp_path / "chase").exists()


def test_the_live_data_sheet_reads_a_tolerance_as_the_register_does():
    """The RAG formula's tolerance, looked up in the register table: a tolerance typed as text ("0.1") reaches
    LAA_RAG as 0.1, as the register reads it (it used to become blank, so 5 %); a blank or negative one (the register
    refuses it) and a ref not in the register give the default 5 %. 92 against 100 is 8 % short: Amber within 10 %,
    Red beyond 5 %."""
    from laa_xl.excel.data_sheet import register_lookup

    targets = [["Ref", "Tolerance"], ["A", "0.1"], ["B", None], ["C", 0.1], ["D", -0.1]]
    data = [list(layout.DATA_COLUMNS)] + [[ref] + [None] * (len(layout.DATA_COLUMNS) - 1) for ref in "ABCDE"]
    tolerance = _evaluate(register_lookup("A2:A6", "Tolerance", "0.05", numeric=True), data, targets)
    got = udfs.LAA_RAG([[92.0]] * 5, [[100.0]] * 5, "higher", tolerance.tolist())
    assert [r[0] for r in got] == ["Amber", "Red", "Amber", "Red", "Red"]


def test_an_override_typed_in_lower_case_on_data_reaches_the_go_return(after_consolidate, area):
    """'green' typed in Reported RAG looks green on Data (Excel's colour rule ignores case) and was ignored: the GO
    return still showed Red."""
    p = copy.deepcopy(after_consolidate)
    data = jsonbook.sheet_values(p, "Data")
    head = data[0]
    r = next(i for i, row in enumerate(data) if row[0] == "NI 16" and row[3] == "Q2")
    assert data[r][head.index("Reported RAG")] == "Red"
    data[r][head.index("Reported RAG")] = "green"
    book = jsonbook.book(p)
    buttons.go_return(book)
    rows = _go_rows(block(book, p, "GO Return"), "NI 16")
    header = next(row for row in block(book, p, "GO Return") if row[0] == "Outcome / target")
    assert rows[3][header.index("Q2 2008/09")] == "Green"


def test_a_register_without_partnerships_stops_the_buttons(live):
    p = copy.deepcopy(live)
    for s in p["sheets"]:
        if s["name"] == "Partnerships":
            s["values"] = [s["values"][0]]
    book = jsonbook.book(p)
    buttons.consolidate(book)
    assert "The Partnerships sheet has no rows" in alerts(book)[0]
