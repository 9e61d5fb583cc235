"""End to end on real return workbooks: issued, typed into, consolidated by the CLI; and the demo."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("laa_xl.io.returns_reader", reason="the returns reader (issue #3) is not merged yet")
from laa_xl.cli import main  # noqa: E402
from laa_xl.core import demo  # noqa: E402
from laa_xl.core.filling import officer_fill  # noqa: E402
from laa_xl.core.periods import Period  # noqa: E402
from laa_xl.io.consolidated import read_consolidated  # noqa: E402
from laa_xl.io.demo_fill import fill_return_workbook  # noqa: E402
from laa_xl.io.grids import read_grids  # noqa: E402
from laa_xl.io.register_io import read_register, write_register  # noqa: E402

Q2 = Period.parse("2008/09 Q2")


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    from laa_xl.io.returns_writer import issue_returns

    d = tmp_path_factory.mktemp("area")
    reg_path = write_register(d / "register.xlsx", demo.register_grids())
    reg, _ = read_register(reg_path)
    returns = d / "returns"
    paths = issue_returns(reg, "2008/09", returns)
    fills = {}
    for p in paths:
        code = p.name.split("_")[0]
        fills[code] = officer_fill(reg, code, Q2.year, Q2.quarters, seed=42, submitted=dt.date(2008, 10, 20))
    fills["CYP"].rows[("NI 117", "Q2")].actual = "TBC"
    fills["CYP"].rows[("NI 117", "Q1")].commentary = "=SUM(A1:A9) is how we counted"
    fills["ENV"].submitted = dt.date(2008, 11, 3)
    for p in paths:
        fill_return_workbook(p, fills[p.name.split("_")[0]])
    return d, reg_path, reg, returns, fills


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_consolidate_real_returns_json_and_exit_status(area, tmp_path):
    d, reg_path, reg, returns, fills = area
    rdir = tmp_path / "returns"
    shutil.copytree(returns, rdir)
    (rdir / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    import corpus

    good = (returns / "STR_2008-09.xlsx").read_bytes()
    for maker in (corpus.far_cell, corpus.with_macros, corpus.with_external_link):
        (rdir / f"hostile_{maker.__name__}.xlsx").write_bytes(maker(good))
    (rdir / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0 old")
    out = tmp_path / "CONSOLIDATED.xlsx"
    before = {p.name: p.read_bytes() for p in rdir.iterdir()}
    r = run("consolidate", reg_path, rdir, "--period", "2008/09 Q2", "--out", out, "--json")
    assert r.exit_code == 1, r.output  # the TBC is an error
    payload = json.loads(r.output)
    got = {(i["file"], i["sheet"], i["code"]) for i in payload["issues"]}
    assert ("CYP_2008-09.xlsx", "Q2", "non-numeric-actual") in got
    assert ("ENV_2008-09.xlsx", "Cover", "late-return") in got
    assert any(f == "broken.xlsx" and i["severity"] == "error" for i in payload["issues"] for f in [i["file"]])
    assert ("old_format.xls", "", "unsupported-file-type") in got
    assert payload["summary"]["returns used"] == 6
    refused = {i["file"]: i["code"] for i in payload["issues"] if i["file"].startswith("hostile_") and
               i["severity"] == "error"}  # fmt: skip
    assert set(refused) == {"hostile_far_cell.xlsx", "hostile_with_macros.xlsx", "hostile_with_external_link.xlsx"}
    assert "unreadable-file" not in refused.values()  # the preflight's own codes, not a generic one
    assert {p.name: p.read_bytes() for p in rdir.iterdir()} == before  # returns are never modified
    cons, _, _ = read_consolidated(out)
    status = {e.file: e.status for e in cons.log}
    assert status["broken.xlsx"] == "Refused" and status["old_format.xls"] == "Refused"
    assert {status[f] for f in refused} == {"Refused"}
    assert cons.observation("NI 117", "Q2").reported_rag == "No data"
    for (ref, q), row in fills["SAF"].rows.items():
        assert cons.observation(ref, q).actual == pytest.approx(float(row.actual))
    commentary = [o.commentary for o in cons.observations if o.ref == "NI 117" and o.quarter == "Q1"]
    assert commentary == ["=SUM(A1:A9) is how we counted"]


def test_second_run_on_a_corrected_return_lists_the_restatement(area, tmp_path):
    d, reg_path, reg, returns, fills = area
    rdir = tmp_path / "returns"
    shutil.copytree(returns, rdir)
    out = tmp_path / "CONSOLIDATED.xlsx"
    assert run("consolidate", reg_path, rdir, "--period", "2008/09 Q2", "--out", out).exit_code == 1
    data1 = read_grids(out, ["Data"])["Data"]
    r = run("consolidate", reg_path, rdir, "--period", "2008/09 Q2", "--out", out, "--json")
    assert json.loads(r.output)["summary"]["restatements"] == 0
    assert read_grids(out, ["Data"])["Data"] == data1  # same inputs, same Data
    oep = fills["OEP"]
    oep.rows[("NI 154", "Q1")].actual = float(oep.rows[("NI 154", "Q1")].actual) + 30
    fill_return_workbook(rdir / "OEP_2008-09.xlsx", oep)
    r = run("consolidate", reg_path, rdir, "--period", "2008/09 Q2", "--out", out, "--json")
    payload = json.loads(r.output)
    hits = [(i["file"], i["sheet"], i["code"]) for i in payload["issues"] if i["code"] == "restated-actual"]
    assert hits == [("OEP_2008-09.xlsx", "Q1", "restated-actual")]
    go = tmp_path / "GO.xlsx"
    assert run("go-return", out, "--period", "2008/09 H1", "--out", go).exit_code == 0 and go.exists()
    # an output kept inside the returns folder is not taken for a return
    inside = rdir / "CONSOLIDATED.xlsx"
    for _ in range(2):
        r = run("consolidate", reg_path, rdir, "--period", "2008/09 Q2", "--out", inside, "--json")
        assert json.loads(r.output)["summary"]["returns refused"] == 0


def test_demo_runs_the_whole_flow(tmp_path):
    r = run("demo", tmp_path / "demo")
    assert r.exit_code == 0, r.output
    d = tmp_path / "demo"
    for name in ("register.xlsx", "CONSOLIDATED.xlsx", "CONSOLIDATED.previous.xlsx", "GO.xlsx"):
        assert (d / name).exists(), name
    assert len(list((d / "returns").glob("*.xlsx"))) == 6
    assert len(list((d / "archive").glob("*.xlsx"))) >= 6
    cons, _, _ = read_consolidated(d / "CONSOLIDATED.xlsx")
    codes = {(i.location.file, i.code) for i in cons.issues}
    assert ("CYP_2008-09.xlsx", "non-numeric-actual") in codes
    assert ("SAF_2008-09.xlsx", "no-commentary") in codes
    assert ("ENV_2008-09.xlsx", "late-return") in codes
    assert ("OEP_2008-09.xlsx", "restated-actual") in codes
    assert "GO.xlsx" in r.output and "Restated" in r.output
    assert len(r.output.splitlines()) < 40  # one screen
    assert Path(d / "GO.xlsx").stat().st_size > 5000
