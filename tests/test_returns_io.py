"""Issue a return, fill it as an officer would, read it back, check it from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from laa_xl.cli import main
from laa_xl.core import rules
from laa_xl.core.checks import check_return
from laa_xl.core.issues import Location
from laa_xl.core.periods import QUARTERS, FinancialYear
from laa_xl.core.returns import COVER_LABELS, QUARTER_COLUMNS, RETURN_SHEETS, RISK_COLUMNS, SPEND_COLUMNS
from laa_xl.io.grids import read_grids
from laa_xl.io.returns_reader import read_return
from laa_xl.io.returns_writer import issue_returns
from tests.return_helpers import fill_return, have_soffice, soffice_convert

FY = FinancialYear(2008)


def test_issue_writes_one_return_per_partnership(issued_dir: Path, register) -> None:
    names = sorted(p.name for p in issued_dir.glob("*.xlsx"))
    assert names == sorted(f"{p.code}_2008-09.xlsx" for p in register.partnerships if register.targets_for(p.code))
    wb = openpyxl.load_workbook(issued_dir / "CYP_2008-09.xlsx")
    assert wb.sheetnames == list(RETURN_SHEETS)
    ws = wb["Q2"]
    headers = [c.value for c in ws[4]][: len(QUARTER_COLUMNS)]
    assert headers == list(QUARTER_COLUMNS)
    assert [c.value for c in wb["Risks"][4]] == list(RISK_COLUMNS)
    assert [c.value for c in wb["Spend"][4]] == list(SPEND_COLUMNS)
    assert [wb["Cover"].cell(r, 1).value for r in range(4, 11)] == list(COVER_LABELS)


def test_issued_return_is_protected_with_inputs_open(issued_dir: Path, register) -> None:
    wb = openpyxl.load_workbook(issued_dir / "CYP_2008-09.xlsx")
    ws = wb["Q1"]
    assert ws.protection.sheet and not ws.protection.password
    col = {c.value: c.column_letter for c in ws[4]}
    assert ws[f"{col['Actual']}5"].protection.locked is False
    assert ws[f"{col['Commentary']}5"].protection.locked is False
    assert ws[f"{col['Profile']}5"].protection.locked is True
    assert ws[f"{col['Target ref']}5"].protection.locked is True
    assert ws[f"{col['RAG']}5"].value.startswith("=")
    # input cells are shaded differently from register cells
    assert ws[f"{col['Actual']}5"].fill.fgColor.rgb != ws[f"{col['Profile']}5"].fill.fgColor.rgb
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and '"Red,Amber,Green"' in lists[0].formula1 and f"{col['RAG override']}5" in str(lists[0].sqref)
    assert ws.freeze_panes == "D5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$4:$4"
    assert ws.conditional_formatting and ws.column_dimensions[col["Commentary"]].width > 20
    assert ws.column_dimensions["Q"].hidden  # the helper columns


def test_a_percentage_targets_actual_cell_says_how_to_type_it(issued_dir: Path, register, tmp_path: Path) -> None:
    """Selecting a percentage target's Actual shows 'for 45% type 45'; every Actual cell keeps one number rule."""
    ws = openpyxl.load_workbook(issued_dir / "CYP_2008-09.xlsx")["Q1"]
    col = {c.value: c.column_letter for c in ws[4]}
    refs = {ws[f"A{r}"].value: r for r in range(5, ws.max_row + 1) if ws[f"A{r}"].value}
    rules_at: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                for c in row:
                    rules_at.setdefault(c.coordinate, []).append(dv)
    pct = {ref for ref in refs if register.target(ref).is_percentage}
    assert pct and pct != set(refs)  # CYP has both kinds
    for ref, r in refs.items():
        dvs = rules_at[f"{col['Actual']}{r}"]
        assert len(dvs) == 1 and dvs[0].type == "decimal" and dvs[0].errorStyle == "warning", ref
        assert dvs[0].error == "Type the figure alone, as a number (notes go in Commentary)."
        if ref in pct:
            assert dvs[0].showInputMessage and dvs[0].promptTitle == "Percentage points"
            assert "for 45% type 45" in dvs[0].prompt
        else:
            assert not dvs[0].prompt
    # LibreOffice opens it and keeps the prompts (its own save of the file, read again)
    if have_soffice():
        out = soffice_convert([issued_dir / "CYP_2008-09.xlsx"], tmp_path / "lo")[0]
        lo = openpyxl.load_workbook(out)["Q1"]
        assert sum(dv.promptTitle == "Percentage points" for dv in lo.data_validations.dataValidation) == 1


def test_cached_formula_values_match_the_core(issued_dir: Path, register) -> None:
    """XlsxWriter caches what the core computes, never a silent 0."""
    grids = read_grids(issued_dir / "SAF_2008-09.xlsx")
    for q in QUARTERS:
        header = grids[q][3]
        col = {h: header.index(h) for h in ("Target ref", "RAG", "% variance", "Check")}
        for row in grids[q][4:]:
            t = register.target(row[col["Target ref"]])
            profile = register.profile(t.ref, FY, q)
            assert row[col["RAG"]] == rules.rag(None, profile, t.polarity, t.tolerance, t.tolerance_type, t.is_due(q))
            assert row[col["% variance"]] is None
            assert row[col["Check"]] == ("Number needed" if t.is_due(q) else None)


def test_read_issued_return(issued_dir: Path, register) -> None:
    data = read_return(issued_dir / "CYP_2008-09.xlsx")
    assert data.issues == []
    assert data.quarters_found == QUARTERS
    assert data.cover_text("Partnership code") == "CYP"
    assert data.cover_text("Financial year") == "2008/09"
    assert data.cover["Financial year"].location == Location("CYP_2008-09.xlsx", "Cover", "B6")
    refs = [t.ref for t in register.targets_for("CYP")]
    assert [(r.quarter, r.ref.value) for r in data.rows] == [(q, ref) for q in QUARTERS for ref in refs]
    assert all(r.actual.value is None for r in data.rows)
    assert data.rows[0].actual.location == Location("CYP_2008-09.xlsx", "Q1", "G5")
    assert data.risks == [] and data.spend == []


def _filled_values(register) -> dict:
    refs = [t.ref for t in register.targets_for("CYP")]
    return {
        "Cover": {"Completed by": "Alex Morgan", "Email": "alex@demoshire.example", "Date submitted": "2008-07-20"},
        "Q1": {refs[0]: {"Actual": 6.2, "Commentary": "On track"}, refs[2]: {"Actual": " 1,650 "},
               refs[3]: {"Actual": "TBC", "Data quality note": "awaiting ONS"}},
        "Q2": {refs[0]: {"Actual": 9.9, "RAG override": "Amber", "Override reason": "Seasonal",
                         "Commentary": "Summer leavers", "Remedial action": "Tracking team"}},
        "Risks": [{"Risk ID": "R1", "Target ref": refs[0], "Risk": "Funding cut", "Likelihood": 3, "Impact": 4,
                   "Mitigation": "Bid", "Owner": "Alex"}],
        "Spend": [{"Block": "CYP", "Quarter": "Q1", "Budget": 120000, "Spend": 30000, "Forecast outturn": 118000}],
    }


def test_filled_by_openpyxl_reads_back_exactly(cyp_return: Path, register) -> None:
    values = _filled_values(register)
    fill_return(cyp_return, values)
    data = read_return(cyp_return)
    assert data.issues == []
    name = cyp_return.name
    assert data.cover["Completed by"].value == "Alex Morgan"
    typed = {(r.quarter, r.ref.value): r for r in data.rows}
    refs = [t.ref for t in register.targets_for("CYP")]
    assert typed[("Q1", refs[0])].actual.value == 6.2
    assert typed[("Q1", refs[2])].actual.value == " 1,650 "  # raw: the check reads it as 1650
    assert typed[("Q1", refs[3])].actual.location == Location(name, "Q1", "G8")
    assert typed[("Q1", refs[3])].data_quality_note.value == "awaiting ONS"
    row = typed[("Q2", refs[0])]
    assert (row.rag_override.value, row.override_reason.value, row.remedial_action.value) == (
        "Amber", "Seasonal", "Tracking team")
    assert row.rag_override.location == Location(name, "Q2", "J5")
    assert [(r.risk_id.value, r.likelihood.value, r.impact.value) for r in data.risks] == [("R1", 3.0, 4.0)]
    assert [(s.block.value, s.quarter.value, s.budget.value, s.spend.value) for s in data.spend] == [
        ("CYP", "Q1", 120000.0, 30000.0)]
    checked = check_return(data, register)
    assert {(i.location.sheet, i.location.cell, i.code) for i in checked.issues} >= {("Q1", "G8", "non-numeric-actual")}
    obs = {(o.quarter, o.ref): o for o in checked.observations}
    assert obs[("Q1", refs[2])].actual == 1650.0
    assert obs[("Q2", refs[0])].reported_rag == "Amber"


def test_prior_actuals_are_carried(tmp_path: Path, register) -> None:
    ref = register.targets_for("SAF")[0].ref
    paths = issue_returns(register, "2008/09", tmp_path, {"SAF": {(ref, "Q1"): 1.7}})
    saf = next(p for p in paths if p.name.startswith("SAF"))
    data = read_return(saf)
    assert next(r for r in data.rows if r.quarter == "Q1" and r.ref.value == ref).actual.value == 1.7
    grid = read_grids(saf)["Q1"]
    t = register.target(ref)
    assert grid[4][8] == rules.rag(1.7, register.profile(ref, FY, "Q1"), t.polarity, t.tolerance, t.tolerance_type)


def test_cli_issue_and_check(tmp_path: Path, register_path: Path, register) -> None:
    runner = CliRunner()
    out = tmp_path / "returns"
    res = runner.invoke(main, ["issue", str(register_path), "--year", "2008/09", "--out", str(out)])
    assert res.exit_code == 0, res.output
    cyp = out / "CYP_2008-09.xlsx"
    assert cyp.exists()
    res = runner.invoke(main, ["check", str(cyp), "--register", str(register_path), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["issues"] == []
    fill_return(cyp, _filled_values(register))
    res = runner.invoke(main, ["check", str(cyp), "--register", str(register_path), "--json"])
    assert res.exit_code == 1
    doc = json.loads(res.output)
    assert set(doc["issues"][0]) == {"code", "severity", "message", "file", "sheet", "cell"}
    assert ("Q1", "G8", "non-numeric-actual", "error") in {(i["sheet"], i["cell"], i["code"], i["severity"])
                                                           for i in doc["issues"]}
    assert doc["summary"]["returns"] == 1 and doc["summary"]["errors"] == 1
    # readable table on a terminal, same exit status
    lower = Path(shutil.copy(cyp, tmp_path / "filled.xlsx"))  # '[filled.xlsx]' looks like rich markup
    res = runner.invoke(main, ["check", str(lower), "--register", str(register_path)], env={"COLUMNS": "200"})
    assert res.exit_code == 1 and "non-numeric-actual" in res.output
    assert "[filled.xlsx]Q1!G8" in res.output  # the file name is shown, not eaten as markup


def test_cli_check_finds_register_beside_the_returns(tmp_path: Path, register_path: Path, issued_dir: Path) -> None:
    shutil.copy(register_path, tmp_path / "register.xlsx")
    (tmp_path / "returns").mkdir()
    ret = Path(shutil.copy(issued_dir / "ENV_2008-09.xlsx", tmp_path / "returns"))
    res = CliRunner().invoke(main, ["check", str(ret)])
    assert res.exit_code == 0, res.output


def test_cli_check_bad_usage_exits_2(tmp_path: Path, issued_dir: Path) -> None:
    runner = CliRunner()
    ret = Path(shutil.copy(issued_dir / "ENV_2008-09.xlsx", tmp_path))
    assert runner.invoke(main, ["check", str(ret)]).exit_code == 2  # no register anywhere near
    assert runner.invoke(main, ["check", str(tmp_path / "nope.xlsx")]).exit_code == 2
    res = runner.invoke(main, ["issue", str(ret), "--year", "2008/09", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_a_custom_template_restyles_the_return(tmp_path, register_path):
    from click.testing import CliRunner

    from laa_xl.cli import main
    from laa_xl.io.grids import read_grids

    custom = tmp_path / "ours.toml"
    custom.write_text('[cover]\ntitle = "{area}: our own quarterly return"\n')
    res = CliRunner().invoke(main, ["issue", str(register_path), "--year", "2008/09", "--out", str(tmp_path / "r"),
                                    "--template", str(custom)])  # fmt: skip
    assert res.exit_code == 0, res.output
    cover = read_grids(tmp_path / "r" / "CYP_2008-09.xlsx", ["Cover"])["Cover"]
    texts = [v for row in cover for v in row if isinstance(v, str)]
    assert "Demoshire (demo data): our own quarterly return" in texts
    assert any("Local Area Agreement performance return" in t for t in texts) is False


def test_issuing_again_never_replaces_a_filled_return_unless_asked(tmp_path, register_path):
    from click.testing import CliRunner

    from laa_xl.cli import main

    out = tmp_path / "r"
    args = ["issue", str(register_path), "--year", "2008/09", "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    filled = out / "CYP_2008-09.xlsx"
    filled.write_bytes(filled.read_bytes() + b"")  # same bytes; stands for a filled return
    before = filled.read_bytes()
    filled.touch()
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0 and "not replaced" in res.output and "CYP_2008-09.xlsx" in res.output
    assert filled.read_bytes() == before
    (out / "SAF_2008-09.xlsx").unlink()
    res = CliRunner().invoke(main, args)
    assert (out / "SAF_2008-09.xlsx").exists() and "1 return workbook(s)" in res.output
    filled.write_bytes(before + b"figures")  # stands for a return with figures typed in it
    res = CliRunner().invoke(main, [*args, "--replace"])
    assert res.exit_code == 0 and "6 return workbook(s)" in res.output
    kept = list((out / "replaced").glob("CYP_2008-09 (replaced *).xlsx"))  # replaced, but not lost
    assert len(kept) == 1 and kept[0].read_bytes() == before + b"figures" and filled.read_bytes() != kept[0].read_bytes()
    assert len(list((out / "replaced").iterdir())) == 6 and f"kept in {out / 'replaced'}/" in res.output


def test_check_takes_the_deadline_of_the_current_round_not_of_the_last_quarter_typed(tmp_path, register_path,
                                                                                       issued_dir):  # fmt: skip
    import datetime as dt
    import json
    import shutil

    from click.testing import CliRunner
    from return_helpers import fill_return

    from laa_xl.cli import main

    ret = tmp_path / "CYP_2008-09.xlsx"
    shutil.copy(issued_dir / "CYP_2008-09.xlsx", ret)
    # Q1 typed, Q2 not yet; sent on 20 Oct 2008: after Q1's deadline (25 Jul), before this round's (31 Oct)
    fill_return(ret, {"Cover": {"Date submitted": dt.datetime(2008, 10, 20)}, "Q1": {"NI 117": {"Actual": 6.5}}})
    res = CliRunner().invoke(main, ["check", str(ret), "--register", str(register_path), "--json"])
    codes = {i["code"] for i in json.loads(res.output)["issues"]}
    assert "late-return" not in codes
    fill_return(ret, {"Cover": {"Date submitted": dt.datetime(2008, 11, 3)}})
    res = CliRunner().invoke(main, ["check", str(ret), "--register", str(register_path), "--json"])
    assert "late-return" in {i["code"] for i in json.loads(res.output)["issues"]}


def test_a_percentage_typed_with_its_percent_sign_is_flagged(cyp_return: Path, register_path: Path) -> None:
    """Excel stores 6.7% typed into a cell as 0.067 (formatted 0.0%); NI 117 is counted in percentage points
    (profile 6.7 in Q1), so 0.067 would be consolidated as 0.067%: `check` says so at the cell."""
    fill_return(cyp_return, {"Q1": {"NI 117": {"Actual": 0.067, "Commentary": "On track"},
                                    "NI 62": {"Actual": 12.1}}})  # fmt: skip
    wb = openpyxl.load_workbook(cyp_return)
    ws = wb["Q1"]
    cell = next(r[6] for r in ws.iter_rows() if r[0].value == "NI 117")  # column G: Actual
    cell.number_format = "0.0%"  # as Excel formats a cell typed with a % sign
    wb.save(cyp_return)
    res = CliRunner().invoke(main, ["check", str(cyp_return), "--register", str(register_path), "--json"])
    found = [i for i in json.loads(res.output)["issues"] if i["code"] == "percentage-as-fraction"]
    assert [(i["sheet"], i["cell"], i["severity"]) for i in found] == [("Q1", cell.coordinate, "warning")]
    assert "0.067 looks like 6.7% typed as a fraction" in found[0]["message"]
    assert "for 6.7% type 6.7" in found[0]["message"]  # NI 62's 12.1 (profile 12.4) is not flagged


def test_an_actual_excel_turned_into_a_date_says_so(cyp_return: Path, register_path: Path) -> None:
    """'1/2' typed into an Actual cell is kept by Excel as 1 February: the message names the date, not a number."""
    import datetime as dt

    fill_return(cyp_return, {"Q2": {"NI 117": {"Actual": dt.datetime(2008, 2, 1), "Commentary": "x"}}})
    res = CliRunner().invoke(main, ["check", str(cyp_return), "--register", str(register_path), "--json"])
    assert res.exit_code == 1
    [i] = [i for i in json.loads(res.output)["issues"] if i["code"] == "non-numeric-actual"]
    assert (i["sheet"], i["severity"]) == ("Q2", "error")
    assert i["message"].startswith("NI 117 Q2: Excel has turned what was typed into a date or time (1 Feb 2008).")


def _parts(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # all but the creation time


def test_returns_issued_by_worker_processes_are_the_same_files(tmp_path, register, monkeypatch) -> None:
    import os

    from laa_xl.io import returns_writer

    monkeypatch.setenv("LAA_XL_WORKERS", "1")
    here = issue_returns(register, "2008/09", tmp_path / "here")
    monkeypatch.setenv("LAA_XL_WORKERS", "2")
    real, pids = returns_writer.write_return, tmp_path / "pids"

    def noting_the_process(*args, **kwargs):  # forked workers inherit this: each notes who wrote
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(returns_writer, "write_return", noting_the_process)
    pooled = issue_returns(register, "2008/09", tmp_path / "pooled")
    monkeypatch.setattr(returns_writer, "write_return", real)
    writers = pids.read_text().split()
    if read_pool_forks():
        assert len(writers) == 6 and str(os.getpid()) not in writers  # all by the workers (which of them: timing)
    assert [p.name for p in pooled] == [p.name for p in here] and len(here) == 6
    for a, b in zip(here, pooled, strict=True):
        assert _parts(a) == _parts(b), a.name
    # a return already there is kept, with workers too; only those missing are written
    (tmp_path / "pooled" / "SAF_2008-09.xlsx").write_bytes(b"an officer's figures")
    for name in ("CYP_2008-09.xlsx", "HWB_2008-09.xlsx"):
        (tmp_path / "pooled" / name).unlink()
    again = issue_returns(register, "2008/09", tmp_path / "pooled", keep_existing=True)
    assert sorted(p.name for p in again) == ["CYP_2008-09.xlsx", "HWB_2008-09.xlsx"]
    assert (tmp_path / "pooled" / "SAF_2008-09.xlsx").read_bytes() == b"an officer's figures"
    assert _parts(tmp_path / "pooled" / "CYP_2008-09.xlsx") == _parts(tmp_path / "here" / "CYP_2008-09.xlsx")


def test_when_a_worker_dies_the_returns_not_written_are_written_here(tmp_path, register, monkeypatch) -> None:
    import os

    from laa_xl.io import read_pool, returns_writer

    if read_pool._context().get_start_method() != "fork":
        pytest.skip("the worker is made to die by a function it inherits when forked")
    parent, real = os.getpid(), returns_writer.write_return
    written_here: list[str] = []

    def dies_in_a_worker(path, register, p, *args, **kwargs):
        if os.getpid() != parent and p.code == "SAF":
            os._exit(3)
        if os.getpid() == parent:
            written_here.append(p.code)
        return real(path, register, p, *args, **kwargs)

    monkeypatch.setattr(returns_writer, "write_return", dies_in_a_worker)
    monkeypatch.setenv("LAA_XL_WORKERS", "2")
    got = issue_returns(register, "2008/09", tmp_path / "out")
    assert "SAF" in written_here  # the pool broke; this process wrote what the workers had not handed back
    monkeypatch.setattr(returns_writer, "write_return", real)
    monkeypatch.setenv("LAA_XL_WORKERS", "1")
    want = issue_returns(register, "2008/09", tmp_path / "want")
    assert [p.name for p in got] == [p.name for p in want]
    for a, b in zip(got, want, strict=True):
        assert _parts(a) == _parts(b), a.name


def test_returns_issued_by_spawned_workers_are_the_same_files(tmp_path, register, monkeypatch) -> None:
    """Windows and macOS start workers by spawn: the register and the job are pickled to them (run here on Linux)."""
    import multiprocessing

    from laa_xl.io import read_pool, returns_writer

    monkeypatch.setenv("LAA_XL_WORKERS", "1")
    here = issue_returns(register, "2008/09", tmp_path / "here")
    monkeypatch.setattr(read_pool, "_context", lambda method=None: multiprocessing.get_context(method or "spawn"))
    monkeypatch.setenv("LAA_XL_WORKERS", "2")

    def not_here(*args, **kwargs):  # spawned workers import the module afresh: only this process sees this
        raise AssertionError("written in this process, not by the spawned workers")

    monkeypatch.setattr(returns_writer, "write_return", not_here)
    spawned = issue_returns(register, "2008/09", tmp_path / "spawned")
    assert [p.name for p in spawned] == [p.name for p in here]
    for a, b in zip(here, spawned, strict=True):
        assert _parts(a) == _parts(b), a.name


def read_pool_forks() -> bool:
    from laa_xl.io import read_pool

    return read_pool._context().get_start_method() == "fork"


def test_every_newer_excel_function_in_a_return_carries_its_file_prefix(issued_dir):
    """In the file, a function newer than Excel 2007 (UNICHAR, NUMBERVALUE) must be written _xlfn.UNICHAR:
    without the prefix Excel shows #NAME? in the cell (LibreOffice too), though the formula reads the same.
    XlsxWriter's own expansion of such names, applied to each formula as stored, must change nothing."""
    import re
    import zipfile

    from xlsxwriter.worksheet import Worksheet

    expand = Worksheet()._prepare_formula
    checked = 0
    for path in sorted(issued_dir.glob("*.xlsx")):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    for f in re.findall(r"<f>([^<]*)</f>", z.read(name).decode()):
                        f = f.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                        assert expand(f, expand_future_functions=True) == f, f"{path.name} {name}: {f[:120]}"
                        checked += 1
    assert checked > 1000


def test_a_blank_actual_is_needed_only_once_its_quarter_has_ended() -> None:
    """Opening the return in July, a lead used to see 'Number needed' on every Q3 and Q4 row. The Check formula
    asks for the number only after the quarter's last day (TODAY(), worked out by Excel as it opens the file); the
    Python twin takes the same two dates. A number typed that is not one is always flagged."""
    import datetime as dt

    from laa_xl.core import return_form as rf

    ended = FY.quarter_end("Q3")
    assert ended == dt.date(2008, 12, 31)
    before, after = dt.date(2008, 7, 15), dt.date(2009, 1, 5)
    assert rf.row_check(None, 10.0, ended=ended, today=before) == ""
    assert rf.row_check(None, 10.0, ended=ended, today=after) == rf.NUMBER_NEEDED
    assert rf.row_check("TBC", 10.0, ended=ended, today=before) == rf.NUMBER_NEEDED
    assert rf.row_check(None, 10.0, due=False, ended=ended, today=after) == ""
    cells = rf.RowCells(*(f"{c}5" for c in "FGIJKLMQRS"))
    formula = rf.check_formula(cells, True, ended)
    assert 'AND(S5="",TODAY()>DATE(2008,12,31))' in formula and 'S5="?"' in formula
    assert "TODAY()" not in rf.check_formula(cells, False, ended)  # not due: never needed
