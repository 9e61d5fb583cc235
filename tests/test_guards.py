"""Nothing a user made is overwritten or lost by a command given the wrong path (review findings)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from laa_xl.cli import main
from laa_xl.core import demo
from laa_xl.io.register_io import write_register

ROOT = Path(__file__).resolve().parents[1]


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "laa_xl", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo") / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    return d


def test_demo_refuses_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "budget.xlsx").write_bytes(b"precious")
    proc = run("demo", tmp_path)
    assert proc.returncode == 2 and "did not make" in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "budget.xlsx").read_bytes() == b"precious" and len(list(tmp_path.iterdir())) == 1


def test_demo_runs_again_in_its_own_folder(demo_dir):
    assert CliRunner().invoke(main, ["demo", str(demo_dir)]).exit_code == 0


def test_go_return_never_overwrites_its_input(demo_dir):
    cons = demo_dir / "CONSOLIDATED.xlsx"
    before = cons.read_bytes()
    proc = run("go-return", cons, "--period", "2008/09 H1", "--out", cons)
    assert proc.returncode == 2 and "input file itself" in proc.stderr
    assert cons.read_bytes() == before
    proc = run("go-return", cons, "--period", "2008/09 H1", "--out", demo_dir / "go.csv")
    assert proc.returncode == 2 and ".xlsx" in proc.stderr and not (demo_dir / "go.csv").exists()


def test_go_return_for_another_quarter_than_consolidated_is_refused(demo_dir):
    proc = run("go-return", demo_dir / "CONSOLIDATED.xlsx", "--period", "2008/09 Q1", "--out", demo_dir / "q1.xlsx")
    assert proc.returncode == 2 and "consolidate 2008/09 Q1" in proc.stderr and not (demo_dir / "q1.xlsx").exists()


def test_consolidate_output_inside_the_returns_folder_is_refused(demo_dir):
    ret = demo_dir / "returns" / "CYP_2008-09.xlsx"
    before = ret.read_bytes()
    proc = run("consolidate", demo_dir / "register.xlsx", demo_dir / "returns", "--period", "2008/09 Q2", "--out", ret)
    assert proc.returncode == 2 and "did not write" in proc.stderr
    assert ret.read_bytes() == before


def test_email_draft_cannot_replace_the_workbook(demo_dir):
    go = demo_dir / "GO.xlsx"
    before = go.read_bytes()
    proc = run("email", go, "--to", "gose@example.org", "--eml", go)
    assert proc.returncode == 2 and ".eml" in proc.stderr and go.read_bytes() == before


def test_chase_sets_earlier_drafts_aside(demo_dir):
    chase = demo_dir / "chase"
    stale = chase / "late-xyz.eml"
    stale.write_text("an old draft")
    assert run("chase", demo_dir / "CONSOLIDATED.xlsx").returncode in (0, 1)
    assert not stale.exists() and (chase / "old" / "late-xyz.eml").read_text() == "an old draft"


def test_a_register_without_polarity_cannot_be_used(tmp_path, demo_dir):
    grids = copy.deepcopy(demo.register_grids())
    grids["Targets"] = [row[:7] + row[8:] for row in grids["Targets"]]  # the Polarity column deleted
    reg = write_register(tmp_path / "reg.xlsx", grids)
    proc = run("consolidate", reg, demo_dir / "returns", "--period", "2008/09 Q2", "--out", tmp_path / "c.xlsx")
    assert proc.returncode == 2 and "Polarity" in proc.stderr and not (tmp_path / "c.xlsx").exists()


def test_build_workbook_keeps_a_different_workbook_it_replaces(tmp_path):
    out = tmp_path / "LAA_Central.xlsm"
    out.write_bytes(b"the team's own workbook")
    assert CliRunner().invoke(main, ["build-workbook", "--out", str(out)]).exit_code == 0
    assert (tmp_path / "LAA_Central.previous.xlsm").read_bytes() == b"the team's own workbook"
    assert out.read_bytes()[:2] == b"PK"


def test_demo_refill_does_not_duplicate_risks(demo_dir):
    from laa_xl.io.grids import read_grids

    risks = read_grids(demo_dir / "CONSOLIDATED.xlsx", ["Risks"])["Risks"]
    ids = [tuple(r[:2]) for r in risks[1:] if r and r[0]]
    assert ids and len(ids) == len(set(ids))


def test_macro_returns_are_refused_unless_asked(tmp_path, register_path, issued_dir):
    import json

    from corpus import with_macros

    rdir = tmp_path / "returns"
    rdir.mkdir()
    (rdir / "CYP_2008-09.xlsm").write_bytes(with_macros((issued_dir / "CYP_2008-09.xlsx").read_bytes()))
    base = ["consolidate", str(register_path), str(rdir), "--period", "2008/09 Q2", "--json"]
    refused = json.loads(CliRunner().invoke(main, [*base, "--out", str(tmp_path / "a.xlsx")]).output)
    assert refused["summary"]["returns refused"] == 1 and refused["summary"]["returns used"] == 0
    allowed = json.loads(CliRunner().invoke(main, [*base, "--out", str(tmp_path / "b.xlsx"), "--allow-macros"]).output)
    assert allowed["summary"]["returns used"] == 1 and allowed["summary"]["returns refused"] == 0
    check = ["check", str(rdir / "CYP_2008-09.xlsm"), "--register", str(register_path), "--json"]
    assert "macros" in {i["code"] for i in json.loads(CliRunner().invoke(main, check).output)["issues"]}
    codes = {i["code"] for i in json.loads(CliRunner().invoke(main, [*check, "--allow-macros"]).output)["issues"]}
    assert "macros" not in codes
