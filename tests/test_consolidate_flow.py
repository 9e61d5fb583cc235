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


def test_a_damaged_previous_output_is_named_with_advice_for_the_central_team(area, tmp_path):
    """Our own workbook, cut short (a copy that failed): the message names it and says what the central team can do,
    not what a partnership would ("send it again")."""
    d, reg_path, reg, returns, fills = area
    out = tmp_path / "CONSOLIDATED.xlsx"
    assert run("consolidate", reg_path, returns, "--period", "2008/09 Q2", "--out", out).exit_code == 1
    cut = tmp_path / "LAST_QUARTER.xlsx"
    cut.write_bytes(out.read_bytes()[:20_000])
    r = run("consolidate", reg_path, returns, "--period", "2008/09 Q2", "--out", tmp_path / "NEW.xlsx",
            "--previous", cut)  # fmt: skip
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "LAST_QUARTER.xlsx" in r.output and "good copy" in r.output and ".previous.xlsx" in r.output
    assert "send it again" not in r.output and "the return" not in r.output
    out.write_bytes(out.read_bytes()[:20_000])  # the output itself, replaced by this run: a warning, and a new one
    r = run("consolidate", reg_path, returns, "--period", "2008/09 Q2", "--out", out, "--json")
    (warned,) = [i for i in json.loads(r.output)["issues"] if i["code"] == "previous-unreadable"]
    assert warned["file"] == "CONSOLIDATED.xlsx" and "good copy" in warned["message"]
    assert "send it again" not in warned["message"]
    assert read_consolidated(out)[0].observations


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


def test_last_years_rows_are_carried_so_direction_compares_with_last_year_all_year(tmp_path):
    """2008/09 Q4, then 2009/10 Q1 and Q2, each consolidated over the last output. Last year's rows are carried
    below this year's on Data, so that at Q2 (not only at Q1) direction of travel compares with the same quarter
    last year, as SPEC 3 says; nothing else counts them."""
    from laa_xl.core import rules
    from laa_xl.core.periods import QUARTERS, FinancialYear
    from laa_xl.io.returns_writer import issue_returns

    reg_path = write_register(tmp_path / "register.xlsx", demo.register_grids())
    reg, _ = read_register(reg_path)
    out = tmp_path / "CONSOLIDATED.xlsx"

    def consolidate_year(year: str, quarter: str, submitted: dt.date) -> None:
        folder = tmp_path / year.replace("/", "-")
        paths = issue_returns(reg, year, folder) if not folder.exists() else sorted(folder.iterdir())
        period = Period.parse(f"{year} {quarter}")
        for p in paths:
            code = p.name.split("_")[0]
            fill_return_workbook(p, officer_fill(reg, code, period.year, period.quarters, seed=int(year[:4]),
                                                 submitted=submitted))  # fmt: skip
        r = run("consolidate", reg_path, folder, "--period", str(period), "--out", out, "--json")
        assert r.exit_code in (0, 1), r.output

    consolidate_year("2008/09", "Q4", dt.date(2009, 4, 20))
    last, _, _ = read_consolidated(out)
    last_actual = {(o.ref, o.quarter): o.actual for o in last.observations}
    assert any(v is not None for (_, q), v in last_actual.items() if q == "Q2")

    consolidate_year("2009/10", "Q1", dt.date(2009, 7, 20))
    consolidate_year("2009/10", "Q2", dt.date(2009, 10, 20))
    cons, _, _ = read_consolidated(out)
    y0, y1 = FinancialYear(2008), FinancialYear(2009)
    assert {o.year for o in cons.observations} == {y1} and {o.year for o in cons.carried} == {y0}
    assert {(o.ref, o.quarter): o.actual for o in cons.carried} == last_actual  # all four quarters, as reported
    data = read_grids(out, ["Data"])["Data"]
    years = [row[2] for row in data[1:] if row and row[0]]
    first_carried = years.index("2008/09")
    assert set(years[:first_carried]) == {"2009/10"} and set(years[first_carried:]) == {"2008/09"}  # below this year
    assert cons.summary()["rows"] == first_carried  # counts are of this year's rows only

    now = {(o.ref, o.quarter): o.actual for o in cons.observations}
    compared = 0
    for o in cons.observations:
        if o.quarter != "Q2" or o.actual is None:
            continue
        t = reg.target(o.ref)
        then = last_actual.get((o.ref, "Q2"))
        if then is None:  # else the latest earlier quarter with an actual
            then = now.get((o.ref, "Q1"))
            if then is None:
                then = next((last_actual.get((o.ref, q)) for q in reversed(QUARTERS[1:])
                             if last_actual.get((o.ref, q)) is not None), None)  # fmt: skip
        else:
            compared += 1
        assert o.direction == rules.direction(o.actual, then, t.polarity), o.ref
    assert compared >= 10  # against the same quarter last year, at Q2


def test_the_next_steps_can_be_pasted_when_the_output_has_a_space_in_its_name(area, tmp_path):
    """'Next: laa-xl chase Consolidated Q2.xlsx ...' pasted ran chase on a file 'Consolidated': 'does not exist'."""
    import shlex

    d, reg_path, reg, returns, fills = area
    out = tmp_path / "Consolidated Q2.xlsx"
    res = run("consolidate", reg_path, returns, "--period", "2008/09 Q2", "--out", out)
    nexts = {ln.split(":", 1)[0]: ln.split(":", 1)[1] for ln in res.output.splitlines() if ln.startswith(("Next:", "Then:"))}
    assert f'laa-xl chase "{out}" drafts' in nexts["Next"] and f'laa-xl go-return "{out}" --period' in nexts["Then"]
    for line, upto in ((nexts["Next"], 3), (nexts["Then"], 7)):
        words = shlex.split(line)[1:upto]  # as a shell reads the command pasted, without 'laa-xl'
        extra = ["--eml-dir", tmp_path / "chase"] if words[0] == "chase" else []
        words = [w if w != "GO.xlsx" else str(tmp_path / "GO.xlsx") for w in words]
        assert run(*words, *extra).exit_code == 0


def test_the_next_steps_name_who_chase_will_write_to_and_the_go_return(area, tmp_path):
    d, reg_path, reg, returns, fills = area
    out = tmp_path / "CONSOLIDATED.xlsx"
    res = run("consolidate", reg_path, returns, "--period", "2008/09 Q2", "--out", out)
    assert res.exit_code == 1  # CYP's TBC
    nexts = [ln for ln in res.output.splitlines() if ln.startswith(("Next:", "Then:"))]
    assert nexts == [f"Next: laa-xl chase {out} drafts the emails to CYP, ENV (missing, late or refused returns, "
                     "entries to correct).",
                     f'Then: laa-xl go-return {out} --period "2008/09 H1" --out GO.xlsx makes the return to the '
                     "Government Office."]  # fmt: skip
    # the partnerships named are those chase writes to
    chased = run("chase", out, "--eml-dir", tmp_path / "chase")
    assert chased.exit_code == 0, chased.output
    drafts = {p.stem.split("-", 1)[1].upper() for p in (tmp_path / "chase").glob("*.eml") if not p.name.startswith("red-")}
    assert drafts == {"CYP", "ENV"}
    # --json prints the JSON object and nothing else; a Q1 run names no GO return
    res = run("consolidate", reg_path, returns, "--period", "2008/09 Q1", "--out", tmp_path / "q1.xlsx", "--json")
    json.loads(res.output)
    res = run("consolidate", reg_path, returns, "--period", "2008/09 Q1", "--out", tmp_path / "q1b.xlsx")
    assert "go-return" not in res.output


def test_consolidating_q3_with_last_quarters_returns_chases_each_for_its_q3_figures(area, tmp_path):
    """Every return in the folder is the Q2 one: chase said 'Nobody to chase' (or wrote only CYP's corrections)."""
    import email

    d, reg_path, reg, returns, fills = area
    out = tmp_path / "Q3.xlsx"
    res = run("consolidate", reg_path, returns, "--period", "2008/09 Q3", "--out", out, "--json")
    found = json.loads(res.output)["issues"]
    stale = sorted(i["file"] for i in found if i["code"] == "not-updated")
    assert stale == sorted(p.name for p in returns.glob("*.xlsx"))
    assert not [i for i in found if i["code"] in ("early-date", "missing-actual") and i["sheet"] == "Q3"]
    chased = run("chase", out, "--eml-dir", tmp_path / "chase")
    assert chased.exit_code == 0, chased.output
    drafts = sorted(p.name for p in (tmp_path / "chase").glob("not-updated-*.eml"))
    assert drafts == sorted(f"not-updated-{f.split('_')[0].lower()}.eml" for f in stale)
    msg = email.message_from_bytes((tmp_path / "chase" / "not-updated-saf.eml").read_bytes())
    assert "Q3 figures not received" in msg["Subject"] and "Nothing" not in msg["Subject"]
    body = next(p for p in msg.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "(SAF_2008-09.xlsx) has no figures for Q3 2008/09 yet" in body and "complete the Q3 sheet in" in body


def test_consolidating_q1_again_from_the_q2_returns_says_so_and_calls_nobody_late(area, tmp_path):
    """Going back a quarter: each Q2 return's date was compared with Q1's deadline, so all six were 'late' and chase
    wrote six late-*.eml, with nothing to say that the Q2 figures were being left out."""
    d, reg_path, reg, returns, fills = area
    out = tmp_path / "Q1.xlsx"
    res = run("consolidate", reg_path, returns, "--period", "2008/09 Q1", "--out", out, "--json")
    got = json.loads(res.output)
    assert got["summary"]["late returns"] == "none"
    codes = [i["code"] for i in got["issues"]]
    assert "late-return" not in codes and codes.count("later-quarter-typed") == 1
    said = next(i["message"] for i in got["issues"] if i["code"] == "later-quarter-typed")
    assert "6 return(s)" in said and "are completed up to Q2, but 2008/09 Q1 was consolidated" in said
    assert "their figures after Q1 are left out" in said and "consolidate that" in said
    run("chase", out, "--eml-dir", tmp_path / "chase")
    assert not list((tmp_path / "chase").glob("late-*.eml"))
    q2 = json.loads(run("consolidate", reg_path, returns, "--period", "2008/09 Q2", "--out", tmp_path / "Q2.xlsx",
                        "--json").output)  # fmt: skip
    assert "later-quarter-typed" not in [i["code"] for i in q2["issues"]]
    assert [i["file"] for i in q2["issues"] if i["code"] == "late-return"] == ["ENV_2008-09.xlsx"]  # late for Q2


def _edited_returns(returns: Path, tmp_path: Path, edits: dict[str, dict[tuple[str, str], object]]) -> Path:
    """A copy of the returns folder with cells set by openpyxl: {file stem code: {(sheet, cell): value}}."""
    import openpyxl

    out = tmp_path / "returns"
    shutil.copytree(returns, out)
    for code, cells in edits.items():
        path = out / f"{code}_2008-09.xlsx"
        wb = openpyxl.load_workbook(path)
        for (sheet, ref), value in cells.items():
            if ref.startswith("label:"):  # the Cover value beside a label
                row = next(r for r in wb[sheet].iter_rows() if r[0].value == ref[6:])
                row[1].value = value
            else:
                wb[sheet][ref] = value
        wb.save(path)
    return out


def test_a_stray_later_figure_does_not_excuse_a_late_return_and_a_return_not_updated_is_not_late(area, tmp_path):
    """One figure typed early on Q4 made CYP's late Q2 return 'completed for Q4' (not late, nobody chased); and a
    return sent after the Q3 deadline with nothing on Q3 got both a late and a not-updated email."""
    d, reg_path, reg, returns, fills = area
    folder = _edited_returns(returns, tmp_path, {
        "CYP": {("Cover", "label:Date submitted"): dt.datetime(2008, 11, 20), ("Q4", "G6"): 20.5},
        "ENV": {("Cover", "label:Date submitted"): dt.datetime(2009, 2, 10)},
    })  # fmt: skip
    q2 = json.loads(run("consolidate", reg_path, folder, "--period", "2008/09 Q2", "--out", tmp_path / "Q2.xlsx",
                        "--json").output)  # fmt: skip
    assert {i["file"] for i in q2["issues"] if i["code"] == "late-return"} == {"CYP_2008-09.xlsx", "ENV_2008-09.xlsx"}
    assert "later-quarter-typed" not in {i["code"] for i in q2["issues"]}
    q3 = json.loads(run("consolidate", reg_path, folder, "--period", "2008/09 Q3", "--out", tmp_path / "Q3.xlsx",
                        "--json").output)  # fmt: skip
    env = [i["code"] for i in q3["issues"] if i["file"] == "ENV_2008-09.xlsx"]
    assert "not-updated" in env and "late-return" not in env and "ENV" not in q3["summary"]["late returns"]
    run("chase", tmp_path / "Q3.xlsx", "--eml-dir", tmp_path / "chase")
    assert (tmp_path / "chase" / "not-updated-env.eml").exists() and not (tmp_path / "chase" / "late-env.eml").exists()


def test_consolidating_q4_from_returns_filled_to_q2_asks_for_q3_and_q4(area, tmp_path):
    """Only Q4 was named ('Nothing is typed on Q4 yet'), with a missing-actual for every Q3 target beside it."""
    import email

    d, reg_path, reg, returns, fills = area
    out = tmp_path / "Q4.xlsx"
    got = json.loads(run("consolidate", reg_path, returns, "--period", "2008/09 Q4", "--out", out, "--json").output)
    saf = [i for i in got["issues"] if i["file"] == "SAF_2008-09.xlsx"]
    said = [i for i in saf if i["code"] == "not-updated"]
    assert len(said) == 1 and said[0]["message"].startswith("No figure is typed on Q3 and Q4 yet") and said[0]["sheet"] == "Q3"
    assert not [i for i in saf if i["code"] == "missing-actual" and i["sheet"] in ("Q3", "Q4")]
    run("chase", out, "--eml-dir", tmp_path / "chase")
    msg = email.message_from_bytes((tmp_path / "chase" / "not-updated-saf.eml").read_bytes())
    body = next(p for p in msg.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "Q3 and Q4 figures not received" in " ".join(msg["Subject"].split())
    assert "complete the Q3 and Q4 sheets" in body
