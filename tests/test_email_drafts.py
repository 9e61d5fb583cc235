"""Drafts: the GO return .eml (laa-xl email without --smtp), Outlook off Windows, and chase drafts."""

from __future__ import annotations

import email
import email.policy
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from email_fixtures import GO_TARGETS, write_consolidated, write_go

from laa_xl.cli import main
from laa_xl.io.email_jobs import write_draft
from laa_xl.io.go_summary import read_go_summary

GO_ADDR = "laa-returns@gose.example"


def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def body(msg: email.message.EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content())


def test_email_without_smtp_writes_an_unsent_draft_beside_the_workbook(tmp_path):
    go = write_go(tmp_path / "GO.xlsx")
    res = CliRunner().invoke(main, ["email", str(go), "--to", GO_ADDR])
    assert res.exit_code == 0, res.output
    msg = parse(tmp_path / "GO.eml")
    assert (msg["X-Unsent"], msg["To"], msg["Subject"]) == (
        "1", GO_ADDR, "Demoshire (demo data) LAA performance return 2008/09 H1")
    [att] = list(msg.iter_attachments())
    assert att.get_filename() == "GO.xlsx" and att.get_content() == go.read_bytes()
    # the remedial action of the Red target, with its markup characters, as text in both bodies
    remedial = GO_TARGETS[0][4].split("Remedial action: ")[1]
    assert remedial in body(msg, "plain")
    html = body(msg, "html")
    assert "&lt;b&gt;careers&lt;/b&gt; &amp;" in html and "<b>careers</b>" not in html


def test_the_red_targets_read_from_the_go_return_are_those_red_in_the_latest_quarter(tmp_path):
    s = read_go_summary(write_go(tmp_path / "GO.xlsx", title_rows=4))
    expected = [t[0] for t in GO_TARGETS if t[3]["Q2"][3] == "Red"]
    assert [r.ref for r in s.reds] == expected and expected  # NI 20 was Red in Q1 only: not listed
    assert [(r.ref, bool(r.remedial_action)) for r in s.reds] == [("NI 117", True), ("DS-01", False)]
    assert (s.totals().get("Red"), s.totals().total) == (3, 15)
    assert [p.label for p in s.by_partnership] == ["CYP", "SAF"] and [b.label for b in s.by_block] == ["CYP", "SSC"]
    assert read_go_summary(write_go(tmp_path / "GO2.xlsx", reds_in_q2=False)).reds == []


def test_eml_option_and_write_draft_function(tmp_path):
    go = write_go(tmp_path / "GO.xlsx")
    res = CliRunner().invoke(main, ["email", str(go), "--to", f"{GO_ADDR}, second@gose.example",
                                    "--eml", str(tmp_path / "out" / "draft.eml")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert parse(tmp_path / "out" / "draft.eml")["To"] == f"{GO_ADDR}, second@gose.example"
    assert not (tmp_path / "GO.eml").exists()
    path = write_draft(go, GO_ADDR, tmp_path / "demo.eml")
    assert path == tmp_path / "demo.eml" and parse(path)["X-Unsent"] == "1"


@pytest.mark.skipif(sys.platform == "win32", reason="Outlook may exist on Windows")
def test_outlook_off_windows_is_a_clear_exit_2_and_the_draft_is_kept(tmp_path):
    go = write_go(tmp_path / "GO.xlsx")
    res = CliRunner().invoke(main, ["email", str(go), "--to", GO_ADDR, "--outlook"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "Windows" in res.output and (tmp_path / "GO.eml").exists()


@pytest.mark.parametrize(
    "args, words",
    [
        (["--to", "not an address"], "not an email address"),
        (["--to", GO_ADDR, "--smtp", "localhost:25", "--outlook"], "not both"),
        (["--to", GO_ADDR, "--smtp", "localhost:port"], "port"),
    ],
)
def test_bad_usage_is_exit_2(tmp_path, args, words):
    go = write_go(tmp_path / "GO.xlsx")
    res = CliRunner().invoke(main, ["email", str(go), *args])
    assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output


def test_a_workbook_that_is_not_a_go_return_names_the_file_and_sheet(tmp_path):
    from laa_xl.core import demo
    from laa_xl.io.register_io import write_register

    reg = write_register(tmp_path / "register.xlsx", demo.register_grids())  # a workbook of ours, but neither
    res = CliRunner().invoke(main, ["email", str(reg), "--to", GO_ADDR])
    assert res.exit_code == 2 and "register.xlsx" in res.output and "'Summary'" in res.output
    assert not (tmp_path / "register.eml").exists()


def test_chase_drafts_one_per_partnership_and_sponsor(tmp_path):
    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    res = CliRunner().invoke(main, ["chase", str(cons), "--eml-dir", str(tmp_path / "drafts")])
    # exit 1: drafts written, but two have no address in the register (listed)
    assert res.exit_code == 1, res.output
    drafts = {p.name: parse(p) for p in (tmp_path / "drafts").glob("*.eml")}
    assert {(n, m["To"]) for n, m in drafts.items()} == {
        ("late-cyp.eml", "cyp.partnership@demoshire.example"),
        ("missing-str.eml", "stronger.partnership@demoshire.example"),
        ("refused-hwb.eml", "health.partnership@demoshire.example"),
        ("missing-env.eml", None),
        ("red-director-for-children.eml", "cyp.partnership@demoshire.example"),
        ("red-director-of-environment.eml", None),
    }
    assert all(m["X-Unsent"] == "1" and not list(m.iter_attachments()) for m in drafts.values())
    red = body(drafts["red-director-for-children.eml"], "plain")
    refs = {r for r in ("NI 117", "NI 111", "NI 20", "NI 16", "NI 47", "NI 154", "NI 192") if f"- {r} " in red}
    assert refs == {"NI 117", "NI 111"}
    assert "Careers follow-up <urgent>" in red
    assert "Careers follow-up &lt;urgent&gt;" in body(drafts["red-director-for-children.eml"], "html")
    assert "no-contact-email" in res.output


def test_chase_default_folder(tmp_path):
    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    res = CliRunner().invoke(main, ["chase", str(cons)])
    assert res.exit_code == 1 and len(list((tmp_path / "chase").glob("*.eml"))) == 6


def test_nothing_to_chase(tmp_path):
    on_time = [(pc, f"{pc}.xlsx", None, "no", "Used") for pc in ("CYP", "SAF", "STR", "HWB", "OEP", "ENV")]
    recovering = [("NI 117", "CYP", {"Q1": "Red", "Q2": "Amber"}, "", "")]
    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx", log=on_time, data_rows=recovering)
    res = CliRunner().invoke(main, ["chase", str(cons)])
    assert res.exit_code == 0 and "Nobody to chase" in res.output
    assert list((tmp_path / "chase").glob("*.eml")) == []


def test_a_data_row_without_a_financial_year_is_named_and_nothing_is_written(tmp_path):
    import openpyxl

    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    wb = openpyxl.load_workbook(cons)
    wb["Data"]["C3"] = "2008"  # the second row: NI 117, Q2
    wb.save(cons)
    res = CliRunner().invoke(main, ["chase", str(cons)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "[CONSOLIDATED.xlsx]Data, the row for NI 117 Q2: '2008' is not a financial year" in res.output
    assert not (tmp_path / "chase").exists()


def test_the_wrong_one_of_our_workbooks_is_named_for_what_it_is(tmp_path):
    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    go = write_go(tmp_path / "GO.xlsx")
    res = CliRunner().invoke(main, ["email", str(cons), "--to", GO_ADDR])
    assert res.exit_code == 2 and "CONSOLIDATED.xlsx is the consolidated workbook, not the GO return" in res.output
    assert "laa-xl go-return CONSOLIDATED.xlsx --period PERIOD --out GO.xlsx" in res.output
    res = CliRunner().invoke(main, ["chase", str(go)])
    assert res.exit_code == 2 and "GO.xlsx is the GO return; chasing reads the consolidated workbook" in res.output
    assert not (tmp_path / "CONSOLIDATED.eml").exists() and not (tmp_path / "chase").exists()


def test_a_file_that_is_not_a_workbook_is_refused_before_parsing(tmp_path):
    fake = tmp_path / "GO.xlsx"
    fake.write_bytes(b"not a zip at all")
    res = CliRunner().invoke(main, ["email", str(fake), "--to", GO_ADDR])
    assert res.exit_code == 2 and "GO.xlsx" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "GO.eml").exists()


def test_demo_writes_the_go_email_draft_and_the_chase_drafts(tmp_path):
    res = CliRunner().invoke(main, ["demo", str(tmp_path / "demo")])
    assert res.exit_code == 0, res.output
    demo_dir = tmp_path / "demo"
    msg = parse(demo_dir / "GO.eml")
    assert (msg["X-Unsent"], msg["To"]) == ("1", "laa-returns@gose.example")
    assert msg["Subject"] == "Demoshire (demo data) LAA performance return 2008/09 H1"
    assert next(msg.iter_attachments()).get_content() == (demo_dir / "GO.xlsx").read_bytes()
    # the Red targets of the GO workbook are the ones in the message
    reds = [r.ref for r in read_go_summary(demo_dir / "GO.xlsx").reds]
    assert reds and all(f"- {r} " in body(msg, "plain") for r in reds)
    # ENV's return was late in the demo, and CYP's holds a 'TBC' actual: a chase draft to each
    assert {p.name: parse(p)["To"] for p in (demo_dir / "chase").glob("*.eml")} == {
        "late-env.eml": "environment.partnership@demoshire.example",
        "corrections-cyp.eml": "cyp.partnership@demoshire.example"}
    fix = parse(demo_dir / "chase" / "corrections-cyp.eml")
    assert fix["Subject"].endswith("return, 1 entry to correct")
    assert "  - Q2!G5: NI 117 Q2: the actual 'TBC' is not a number." in body(fix, "plain")


def test_a_line_break_typed_in_a_register_cell_does_not_stop_the_drafts(tmp_path):
    """A partnership name typed with Alt+Enter reaches the subject: 'Header values may not contain linefeed' stopped
    every draft. The subject is written on one line."""
    from laa_xl.core.email_content import MessageContent
    from laa_xl.io.mailer import build_message

    msg = build_message(MessageContent(("a@x.example",), "Shire LAA return 2008/09 Q2: Environment\nPartnership return",
                                       "text", "<p>text</p>"), None, "from@x.example")  # fmt: skip
    assert msg["Subject"] == "Shire LAA return 2008/09 Q2: Environment Partnership return"


def test_a_drafts_name_keeps_the_letters_of_an_accented_name():
    from laa_xl.io.email_jobs import _slug

    assert _slug("Zoë Brontë") == "zoe-bronte"  # was 'zo-bront'
    assert _slug("Chief Supt <chief@police.example>") == "chief-supt-chief-police-example"
    assert _slug("日本") == "message"  # nothing left to name it by
