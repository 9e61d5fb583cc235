"""The laa-xl command: SPEC 9's commands are all there, documented, and never show a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from laa_xl.cli import main
from laa_xl.io.grids import read_grids
from laa_xl.io.register_io import read_register

ROOT = Path(__file__).resolve().parents[1]
SPEC_COMMANDS = ["demo", "issue", "check", "consolidate", "go-return", "email", "chase", "build-workbook"]


def test_help_lists_every_command_of_the_spec():
    out = CliRunner().invoke(main, ["--help"]).output
    for name in SPEC_COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", out, re.M), name


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"laa-xl {name}" in readme, f"'laa-xl {name}' is not in the README"


def test_demo_writes_a_valid_register(tmp_path):
    res = CliRunner().invoke(main, ["demo", str(tmp_path / "demo")])
    assert res.exit_code == 0, res.output
    reg, issues = read_register(tmp_path / "demo" / "register.xlsx")
    assert issues == [] and reg.settings.area.startswith("Demoshire")


def test_bad_input_is_one_clear_line_and_exit_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "laa_xl", "go-return", str(tmp_path / "nope.xlsx"), "--period", "2008/09 H1",
         "--out", str(tmp_path / "go.xlsx")],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "nope.xlsx" in proc.stderr


def test_a_long_run_shows_progress_on_a_terminal_and_nothing_when_piped(tmp_path, register_path):
    """SPEC §9, on a real pseudo-terminal: `issue` shows its progress on stderr when it is a terminal, and writes
    nothing there when piped (a scheduler's log stays clean)."""
    import os

    pty = pytest.importorskip("pty") if os.name == "posix" else pytest.skip("pseudo-terminals are POSIX")
    args = [sys.executable, "-m", "laa_xl", "issue", str(register_path), "--year", "2008/09", "--out"]
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    master, slave = pty.openpty()
    proc = subprocess.Popen([*args, str(tmp_path / "tty")], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave)  # fmt: skip
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"6 return workbook(s)" in out
    assert b"Issuing returns" in seen
    piped = subprocess.run([*args, str(tmp_path / "pipe")], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == b"" and b"6 return workbook(s)" in piped.stdout


def test_issue_lists_what_it_could_not_read_in_the_register(tmp_path):
    """A tolerance typed "5%" cannot be read: the returns are still issued (with the default 5 %), but the command
    says so, at the cell, and ends with status 1, so the officer does not find out only at consolidation."""
    import copy

    from laa_xl.core import demo
    from laa_xl.core.register import TARGET_COLUMNS
    from laa_xl.io.register_io import write_register

    grids = copy.deepcopy(demo.register_grids())
    row = next(i for i, r in enumerate(grids["Targets"]) if r[0] == "NI 154")
    grids["Targets"][row][TARGET_COLUMNS.index("Tolerance")] = "5%"
    reg = write_register(tmp_path / "register.xlsx", grids)
    res = CliRunner().invoke(main, ["issue", str(reg), "--year", "2008/09", "--out", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output
    assert "6 return workbook(s)" in res.output and len(list((tmp_path / "out").glob("*.xlsx"))) == 6
    assert f"Targets!K{row + 1}" in res.output and "5%" in res.output
    clean = CliRunner().invoke(main, ["issue", str(write_register(tmp_path / "ok.xlsx", demo.register_grids())),
                                      "--year", "2008/09", "--out", str(tmp_path / "ok")])  # fmt: skip
    assert clean.exit_code == 0 and "problem" not in clean.output


def test_a_refusal_by_the_system_names_the_output_meant_not_a_temporary_file(tmp_path, register_path, issued_dir):
    from laa_xl.cli import os_problem

    denied = PermissionError(13, "Permission denied", "/shared/LAA/.CONSOLIDATED.k2x_9q0a.xlsx.tmp")
    said = os_problem(denied)
    assert said.startswith("/shared/LAA/CONSOLIDATED.xlsx: permission denied.") and "may write in that folder" in said
    assert os_problem(OSError("our own message")) == "our own message"
    if not Path("/proc/self").is_dir():
        pytest.skip("needs a folder no file can be made in (Linux /proc)")
    res = subprocess.run([sys.executable, "-m", "laa_xl", "consolidate", str(register_path), str(issued_dir),
                          "--period", "2008/09 Q2", "--out", "/proc/CONSOLIDATED.xlsx"], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "/proc/CONSOLIDATED.xlsx: no such file or directory" in res.stderr and ".tmp" not in res.stderr


def test_our_own_workbooks_saved_among_the_returns_are_left_out_not_refused(tmp_path):
    """An earlier output saved into the returns folder used to be refused as a broken return (7 errors each, exit
    1). Ours (a consolidated workbook, its .previous copy, a GO return, the register) are now each one warning,
    neither logged as a submission nor archived; `check` says what such a file is."""
    import json
    import shutil

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    d = tmp_path / "d"
    ret = tmp_path / "returns"
    shutil.copytree(d / "returns", ret)
    for name in ("CONSOLIDATED.xlsx", "CONSOLIDATED.previous.xlsx", "GO.xlsx", "register.xlsx"):
        shutil.copy(d / name, ret / name)
    out = tmp_path / "out" / "C.xlsx"
    res = CliRunner().invoke(main, ["consolidate", str(d / "register.xlsx"), str(ret), "--period", "2008/09 Q2",
                                    "--out", str(out), "--json"])  # fmt: skip
    got = json.loads(res.output)
    ours = {i["file"]: i["severity"] for i in got["issues"] if i["code"] == "not-a-return"}
    assert ours == dict.fromkeys(("CONSOLIDATED.xlsx", "CONSOLIDATED.previous.xlsx", "GO.xlsx", "register.xlsx"),
                                 "warning")  # fmt: skip
    assert not [i for i in got["issues"] if i["file"] in ours and i["code"] != "not-a-return"]
    assert got["summary"]["returns refused"] == 0 and got["summary"]["archived returns"] == 6
    checked = CliRunner().invoke(main, ["check", str(ret / "GO.xlsx"), "--register", str(d / "register.xlsx"),
                                        "--json"])  # fmt: skip
    assert checked.exit_code == 1
    assert [i["code"] for i in json.loads(checked.output)["issues"]] == ["not-a-return"]


def test_check_refuses_what_the_consolidation_would_refuse(tmp_path):
    """An officer's check before sending must not pass a file the consolidation then refuses: a return for another
    year than the register's current period, or one saved under another name (.xlsm, no extension)."""
    import json
    import shutil

    import openpyxl

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    d = tmp_path / "d"
    good = d / "returns" / "SAF_2008-09.xlsx"
    wrong_year = tmp_path / "SAF_2009-10.xlsx"
    wb = openpyxl.load_workbook(good)
    cover = wb["Cover"]
    row = next(r for r in range(1, cover.max_row + 1) if cover.cell(r, 1).value == "Financial year")
    cover.cell(row, 2).value = "2009/10"
    wb.save(wrong_year)
    for name in ("SAF_2008-09.xlsm", "SAF_2008-09"):
        shutil.copy(good, tmp_path / name)
    files = [good, wrong_year, tmp_path / "SAF_2008-09.xlsm", tmp_path / "SAF_2008-09"]
    res = CliRunner().invoke(main, ["check", *map(str, files), "--register", str(d / "register.xlsx"), "--json"])
    assert res.exit_code == 1
    errors = {(i["file"], i["code"]) for i in json.loads(res.output)["issues"] if i["severity"] == "error"}
    assert errors == {("SAF_2009-10.xlsx", "wrong-year"), ("SAF_2008-09.xlsm", "unsupported-file-type"),
                      ("SAF_2008-09", "unsupported-file-type")}  # fmt: skip
    said = next(i["message"] for i in json.loads(res.output)["issues"] if i["code"] == "wrong-year")
    assert "the register's current period is 2008/09 Q2 (its Settings sheet)" in said


def test_an_empty_returns_folder_does_not_replace_a_consolidation(tmp_path):
    """The wrong folder (empty) would have replaced a good CONSOLIDATED.xlsx with one listing every return
    missing; twice, and the .previous copy of the good one was gone too. Into a new --out it is still allowed:
    every partnership listed as missing, to chase them all."""
    import json

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    d = tmp_path / "d"
    (tmp_path / "empty").mkdir()
    before = (d / "CONSOLIDATED.xlsx").read_bytes()
    args = ["consolidate", str(d / "register.xlsx"), str(tmp_path / "empty"), "--period", "2008/09 Q2", "--out"]
    res = CliRunner().invoke(main, [*args, str(d / "CONSOLIDATED.xlsx")])
    assert res.exit_code == 2 and "has no files in it" in res.output and "was not replaced" in res.output
    assert (d / "CONSOLIDATED.xlsx").read_bytes() == before
    fresh = CliRunner().invoke(main, [*args, str(tmp_path / "new.xlsx"), "--json"])
    assert fresh.exit_code == 0 and json.loads(fresh.output)["summary"]["returns used"] == 0


def test_a_figure_corrected_on_data_goes_to_the_go_with_its_variance_and_rag_worked_out_again(tmp_path):
    """The file-based Data holds values, not the live UDFs: a corrected Actual used to reach the GO beside its old
    % variance and Red."""
    import openpyxl

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    cons = tmp_path / "d" / "CONSOLIDATED.xlsx"
    wb = openpyxl.load_workbook(cons)
    ws = wb["Data"]
    head = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1)
               if ws.cell(r, head["Ref"]).value == "NI 16" and ws.cell(r, head["Quarter"]).value == "Q2")  # fmt: skip
    assert ws.cell(row, head["Reported RAG"]).value == "Red"
    profile = ws.cell(row, head["Profile"]).value
    ws.cell(row, head["Actual"]).value = profile  # on profile: Green, 0 %
    wb.save(cons)
    go = tmp_path / "GO.xlsx"
    res = CliRunner().invoke(main, ["go-return", str(cons), "--period", "2008/09 H1", "--out", str(go)])
    assert res.exit_code == 0, res.output
    grid = read_grids(go, ["GO Return"])["GO Return"]
    first = next(i for i, r in enumerate(grid) if r and str(r[0] or "").startswith("NI 16 "))
    actual, variance, rating = (grid[first + k][4] for k in (1, 2, 3))  # Q2 2008/09
    assert (actual, variance, rating) == (profile, 0.0, "Green")


@pytest.mark.parametrize("typed", ["Quarter 1", None])
def test_a_quarter_typed_over_on_data_is_named_not_an_internal_error(tmp_path, typed, monkeypatch):
    """'Quarter 1' typed (or the cell cleared) in Data's Quarter column: go-return printed Python's own words,
    'tuple.index(x): x not in tuple', and LAA_XL_DEBUG could not show where from."""
    import openpyxl

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    cons = tmp_path / "d" / "CONSOLIDATED.xlsx"
    wb = openpyxl.load_workbook(cons)
    ws = wb["Data"]
    head = {c.value: c.column for c in ws[1]}
    ref = ws.cell(2, head["Ref"]).value
    ws.cell(2, head["Quarter"]).value = typed
    wb.save(cons)
    go = tmp_path / "GO.xlsx"
    res = CliRunner().invoke(main, ["go-return", str(cons), "--period", "2008/09 H1", "--out", str(go)])
    assert res.exit_code == 2 and not go.exists()
    assert f"[CONSOLIDATED.xlsx]Data: the row of {ref} 2008/09 has " in res.output
    assert "it must be Q1, Q2, Q3 or Q4" in res.output and "tuple" not in res.output


def test_an_internal_value_error_is_not_shown_as_if_it_were_a_message_for_the_user(tmp_path, monkeypatch):
    """Every ValueError used to be printed bare, as if it were one of ours; only a period typed wrong is now (its
    message says how to write it). Any other is the 'unexpected' line, which LAA_XL_DEBUG=1 turns into the
    traceback."""
    from laa_xl.io import consolidate_job

    def broken(*args, **kwargs):
        raise ValueError("tuple.index(x): x not in tuple")

    monkeypatch.setattr(consolidate_job, "read_consolidated", broken)
    args = ["go-return", str(tmp_path / "C.xlsx"), "--period", "2008/09 H1", "--out", str(tmp_path / "GO.xlsx")]
    (tmp_path / "C.xlsx").write_bytes(b"")
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2 and "something unexpected went wrong (ValueError" in res.output
    monkeypatch.setenv("LAA_XL_DEBUG", "1")
    assert isinstance(CliRunner().invoke(main, args).exception, ValueError)
    bad = CliRunner().invoke(main, ["go-return", str(tmp_path / "C.xlsx"), "--period", "next week", "--out",
                                    str(tmp_path / "GO.xlsx")])  # fmt: skip
    assert bad.exit_code == 2 and "write it like" in bad.output


def test_go_return_replaces_only_a_go_return_it_wrote(tmp_path):
    """--out naming a colleague's workbook or a partner's return used to replace it silently (and go-return keeps no
    .previous copy)."""
    import shutil

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    d = tmp_path / "d"
    theirs = tmp_path / "CYP_2008-09.xlsx"
    shutil.copy(d / "returns" / "CYP_2008-09.xlsx", theirs)
    before = theirs.read_bytes()
    args = ["go-return", str(d / "CONSOLIDATED.xlsx"), "--period", "2008/09 H1", "--out"]
    res = CliRunner().invoke(main, [*args, str(theirs)])
    assert res.exit_code == 2 and "is not a GO return laa-xl wrote" in res.output and theirs.read_bytes() == before
    again = CliRunner().invoke(main, [*args, str(d / "GO.xlsx")])  # its own output: replaced, as every run does
    assert again.exit_code == 0, again.output


def test_two_runs_over_the_wrong_folder_keep_the_last_consolidation_that_used_returns(tmp_path):
    """A returns folder holding only a stray file: the first run's output replaces the good one (kept as .previous),
    and the second used to replace .previous with the first run's empty output, so the good one was gone. Now a
    consolidation that used no return replaces no .previous copy of one that used none either."""
    import json

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    d = tmp_path / "d"
    out = d / "CONSOLIDATED.xlsx"
    good = out.read_bytes()
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "notes.docx").write_bytes(b"not a return")
    args = ["consolidate", str(d / "register.xlsx"), str(wrong), "--period", "2008/09 Q2", "--out", str(out), "--json"]
    for _ in range(2):
        res = CliRunner().invoke(main, args)
        assert json.loads(res.output)["summary"]["returns used"] == 0
    assert (d / "CONSOLIDATED.previous.xlsx").read_bytes() == good


def test_returns_filed_in_a_folder_inside_the_returns_folder_are_named_not_passed_over(tmp_path):
    """'returns/HWB/HWB_2008-09.xlsx' was skipped without a word, and HWB then chased as 'not received'."""
    import json
    import shutil

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    d = tmp_path / "d"
    (d / "returns" / "HWB").mkdir()
    shutil.move(d / "returns" / "HWB_2008-09.xlsx", d / "returns" / "HWB" / "HWB_2008-09.xlsx")
    (d / "returns" / "replaced").mkdir()  # issue --replace's copies: laa-xl's own, and said nothing of
    shutil.copy(d / "returns" / "CYP_2008-09.xlsx", d / "returns" / "replaced" / "CYP_2008-09 (replaced).xlsx")
    res = CliRunner().invoke(main, ["consolidate", str(d / "register.xlsx"), str(d / "returns"), "--period",
                                    "2008/09 Q2", "--out", str(tmp_path / "C.xlsx"), "--json"])  # fmt: skip
    found = [i for i in json.loads(res.output)["issues"] if i["code"] == "folder-not-read"]
    assert [(i["severity"], i["file"]) for i in found] == [("warning", "HWB")]
    assert "holds 1 workbook(s) (HWB_2008-09.xlsx)" in found[0]["message"] and "move them into returns" in found[0]["message"]
    missing = [i["message"] for i in json.loads(res.output)["issues"] if i["code"] == "missing-return"]
    assert missing == ["No return from HWB in the returns folder itself: HWB/HWB_2008-09.xlsx is in a folder inside it, "
                       "which is not read. Move it into returns and consolidate again (before chasing)."]


def test_a_refused_return_is_chased_as_refused_with_its_reason_not_as_never_received(tmp_path):
    """STR_2008-09.xlsm (refused unopened) had no partnership on its Log row, so STR was chased 'We have not
    received your return'; and a cover code mistyped 'CYPX' chased CYP as missing and drafted to nobody."""
    import email
    import shutil

    import openpyxl

    assert CliRunner().invoke(main, ["demo", str(tmp_path / "d")]).exit_code == 0
    d = tmp_path / "d"
    shutil.move(d / "returns" / "STR_2008-09.xlsx", d / "returns" / "STR_2008-09.xlsm")
    wb = openpyxl.load_workbook(d / "returns" / "CYP_2008-09.xlsx")
    cover = wb["Cover"]
    next(r[1] for r in cover.iter_rows() if r[0].value == "Partnership code").value = "CYPX"
    wb.save(d / "returns" / "CYP_2008-09.xlsx")
    out = tmp_path / "C.xlsx"
    CliRunner().invoke(main, ["consolidate", str(d / "register.xlsx"), str(d / "returns"), "--period", "2008/09 Q2",
                              "--out", str(out)])  # fmt: skip
    grid = read_grids(out, ["Log"])["Log"]
    col = {h: i for i, h in enumerate(grid[0])}
    log = {r[col["File"]]: (r[col["Partnership"]], r[col["Status"]]) for r in grid[1:] if r[col["File"]]}
    assert log["STR_2008-09.xlsm"] == ("STR", "Refused") and log["CYP_2008-09.xlsx"] == ("CYP", "Refused")
    issues = read_grids(out, ["Issues"])["Issues"]
    text = "\n".join(" | ".join(str(v) for v in row if v is not None) for row in issues)
    assert "No return from STR" not in text and "STR_2008-09.xlsm came but could not be used" in text
    assert "taken for CYP's return" in text and "No return from CYP" not in text
    res = CliRunner().invoke(main, ["chase", str(out), "--eml-dir", str(tmp_path / "chase")])
    drafts = sorted(p.name for p in (tmp_path / "chase").glob("*.eml"))
    assert "refused-str.eml" in drafts and "refused-cyp.eml" in drafts, res.output
    assert not [n for n in drafts if n.startswith("missing-") or n == "refused-cypx.eml"]
    msg = email.message_from_bytes((tmp_path / "chase" / "refused-str.eml").read_bytes())
    body = next(p for p in msg.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert ".xlsm files are not consolidated" in body and msg["To"]


@pytest.mark.parametrize(("given", "said"), [
    ("returns/CYP_2008-09.xlsx", "It is a partnership's return: consolidate the returns folder first"),
    ("register.xlsx", "It is a register: give the CONSOLIDATED.xlsx"),
    ("GO.xlsx", "give the consolidated workbook it was made from"),
])  # fmt: skip
def test_go_return_given_another_of_our_workbooks_says_what_it_is(tmp_path, given, said):
    """'CYP_2008-09.xlsx is not a consolidated workbook: it has no Data, Settings, Targets sheet' left the officer to
    work out that they had picked a return."""
    d = tmp_path / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    res = CliRunner().invoke(main, ["go-return", str(d / given), "--period", "2008/09 H1", "--out",
                                    str(tmp_path / "G.xlsx")])  # fmt: skip
    assert res.exit_code == 2 and "is not a consolidated workbook" in res.output and said in res.output


def test_go_return_refuses_what_would_reach_the_go_as_no_data_without_a_word(tmp_path):
    """A figure typed as words on Data ('approx 29') and rows deleted from Data went to the GO as No data."""
    import openpyxl

    d = tmp_path / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    wb = openpyxl.load_workbook(d / "CONSOLIDATED.xlsx")
    ws = wb["Data"]
    head = {c.value: c.column for c in ws[1]}
    ws.cell(3, head["Actual"]).value = "approx 29"
    typed_ref, typed_q = ws.cell(3, head["Ref"]).value, ws.cell(3, head["Quarter"]).value
    gone = (ws.cell(6, head["Ref"]).value, ws.cell(6, head["Quarter"]).value)
    ws.delete_rows(6)
    wb.save(d / "CONSOLIDATED.xlsx")
    go = tmp_path / "GO.xlsx"
    res = CliRunner().invoke(main, ["go-return", str(d / "CONSOLIDATED.xlsx"), "--period", "2008/09 H1", "--out",
                                    str(go)])  # fmt: skip
    assert res.exit_code == 2 and not go.exists()
    assert f"the Actual of {typed_ref} 2008/09 {typed_q} reads 'approx 29', which is not a number" in res.output
    assert f"there is no row for {gone[0]} {gone[1]} (2008/09; deleted?)" in res.output


@pytest.mark.parametrize("name", ["GO.xlsx", "register copy.xlsx", "CYP copy.xlsx"])
def test_consolidate_does_not_replace_a_go_return_register_or_return_named_as_out(tmp_path, name):
    """--out GO.xlsx replaced the GO return with a consolidation (go-return then refused to write it back)."""
    import shutil

    d = tmp_path / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    if name != "GO.xlsx":
        shutil.copy(d / "returns" / "CYP_2008-09.xlsx" if name.startswith("CYP") else d / "register.xlsx", d / name)
    before = (d / name).read_bytes()
    res = CliRunner().invoke(main, ["consolidate", str(d / "register.xlsx"), str(d / "returns"), "--period",
                                    "2008/09 Q2", "--out", str(d / name)])  # fmt: skip
    assert res.exit_code == 2 and "not a consolidated workbook, so it is not replaced" in res.output
    assert (d / name).read_bytes() == before and not (d / name.replace(".xlsx", ".previous.xlsx")).exists()


def test_the_go_email_names_the_partnerships_not_only_our_codes(tmp_path):
    """'CYP: 2 Green, ...' in the email to the GO, which does not know our codes (the workbook names them)."""
    import email

    d = tmp_path / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    res = CliRunner().invoke(main, ["email", str(d / "GO.xlsx"), "--to", "go@gose.example", "--eml",
                                    str(tmp_path / "go.eml")])  # fmt: skip
    assert res.exit_code == 0, res.output
    msg = email.message_from_bytes((tmp_path / "go.eml").read_bytes())
    text = next(p for p in msg.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    html = next(p for p in msg.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    assert "  Children's Trust Board (CYP): " in text and "Children&#x27;s Trust Board (CYP)" in html


def test_go_return_refuses_a_copied_row_but_not_a_deleted_row_that_was_not_due(tmp_path):
    """A copy of a Data row with another Actual reached the GO (the copy's figure, Red); and a deleted Not due row
    was refused as if it would become No data."""
    import openpyxl

    d = tmp_path / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    src = d / "CONSOLIDATED.xlsx"
    wb = openpyxl.load_workbook(src)
    ws = wb["Data"]
    head = {c.value: c.column for c in ws[1]}
    rows = {(ws.cell(r, head["Ref"]).value, ws.cell(r, head["Quarter"]).value): r for r in range(2, ws.max_row + 1)}
    not_due = next(k for k, r in rows.items() if ws.cell(r, head["RAG"]).value == "Not due")
    ws.delete_rows(rows[not_due])
    wb.save(tmp_path / "notdue.xlsx")

    def go(path):
        return CliRunner().invoke(main, ["go-return", str(path), "--period", "2008/09 H1", "--out",
                                         str(tmp_path / f"GO-{path.stem}.xlsx")])  # fmt: skip

    assert go(tmp_path / "notdue.xlsx").exit_code == 0  # nothing lost: Not due goes as Not due
    wb = openpyxl.load_workbook(src)
    ws = wb["Data"]
    copied = [c.value for c in ws[2]]
    copied[head["Actual"] - 1] = 9999
    ws.append(copied)
    wb.save(tmp_path / "bad.xlsx")
    res = go(tmp_path / "bad.xlsx")
    assert res.exit_code == 2 and not (tmp_path / "GO-bad.xlsx").exists()
    assert f"there are two rows or more for {copied[0]} {copied[head['Quarter'] - 1]} (2008/09; copied?)" in res.output


def test_a_blank_partnership_code_on_a_return_of_one_partnerships_targets_is_theirs(tmp_path):
    """The code left blank on CYP's return: CYP was chased 'We have not received your return'."""
    import json

    import openpyxl

    d = tmp_path / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    wb = openpyxl.load_workbook(d / "returns" / "CYP_2008-09.xlsx")
    next(r[1] for r in wb["Cover"].iter_rows() if r[0].value == "Partnership code").value = None
    wb.save(d / "returns" / "CYP_2008-09.xlsx")
    out = tmp_path / "C.xlsx"
    res = CliRunner().invoke(main, ["consolidate", str(d / "register.xlsx"), str(d / "returns"), "--period",
                                    "2008/09 Q2", "--out", str(out), "--json"])  # fmt: skip
    got = {i["code"]: i["message"] for i in json.loads(res.output)["issues"] if "CYP" in (i["file"] or "")}
    assert "Its targets are CYP's, so it is taken for CYP's return" in got["missing-partnership"]
    assert "CYP_2008-09.xlsx came but could not be used" in got["missing-return"]
    CliRunner().invoke(main, ["chase", str(out), "--eml-dir", str(tmp_path / "chase")])
    drafts = {p.name for p in (tmp_path / "chase").glob("*.eml")}
    assert "refused-cyp.eml" in drafts and "missing-cyp.eml" not in drafts


def test_a_bad_current_period_in_the_register_is_a_warning_when_the_period_is_given(tmp_path):
    """consolidate --period ... ended 'done with errors' (exit 1) over a register's unreadable Current period,
    which the period given replaces; and a period Excel had turned into a date was quoted as '2008-09-01'."""
    import datetime as dt
    import json

    import openpyxl

    d = tmp_path / "d"
    assert CliRunner().invoke(main, ["demo", str(d)]).exit_code == 0
    for typed, said in (("2008/09 H3", "'2008/09 H3' is not a reporting period"),
                        (dt.datetime(2008, 9, 1), "Excel has turned the period into a date (01 Sep 2008)")):  # fmt: skip
        wb = openpyxl.load_workbook(d / "register.xlsx")
        next(r[1] for r in wb["Settings"].iter_rows() if r[0].value == "Current period").value = typed
        wb.save(tmp_path / "reg.xlsx")
        res = CliRunner().invoke(main, ["consolidate", str(tmp_path / "reg.xlsx"), str(d / "returns"), "--period",
                                        "2008/09 Q2", "--out", str(tmp_path / "C.xlsx"), "--json"])  # fmt: skip
        got = [i for i in json.loads(res.output)["issues"] if i["code"] == "bad-period"]
        assert [(i["severity"], i["sheet"]) for i in got] == [("warning", "Settings")]
        assert said in got[0]["message"] and "2008/09 Q2, the period given, is used" in got[0]["message"]
