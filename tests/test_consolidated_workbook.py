"""The consolidated workbook and the GO workbook on disk: contract layout, numbers, safety, LibreOffice."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from laa_xl.cli import main
from laa_xl.core import demo, reports, rules
from laa_xl.core.consolidate import FileInfo, actuals_of, consolidate
from laa_xl.core.filling import officer_fill, to_return_data
from laa_xl.core.periods import QUARTERS, FinancialYear, Period
from laa_xl.core.register import load_register
from laa_xl.core.reports import DATA_COLUMNS, GO_RETURN_FIRST, ISSUE_COLUMNS, LOG_COLUMNS, MAX_TREND_CHARTS, MEASURES
from laa_xl.core.table import find_table
from laa_xl.errors import UnreadableFile
from laa_xl.io import consolidated as cio
from laa_xl.io.consolidate_job import consolidate_folder
from laa_xl.io.go_workbook import write_go_workbook
from laa_xl.io.grids import read_grids
from laa_xl.io.register_io import read_register, write_register

ROOT = Path(__file__).resolve().parents[1]
Y = FinancialYear(2008)
Q2 = Period.parse("2008/09 Q2")
H1 = Period.parse("2008/09 H1")
CONTRACT_SHEETS = ["Data", "Issues", "Log", "GO Return", "PSB Summary", "Reward", "Risks", "Spend", "Targets",
                   "Profiles", "Partnerships", "Timetable", "Settings"]  # fmt: skip
EVIL = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture(scope="module")
def register():
    reg, issues = load_register(demo.register_grids(), "register.xlsx")
    assert issues == []
    return reg


def fills(register, period, seed=11, submitted=dt.date(2008, 10, 20)):
    out = {}
    for p in register.partnerships:
        out[p.code] = officer_fill(register, p.code, period.year, period.quarters, seed=seed, submitted=submitted)
    # an officer's commentary that looks like a formula must stay text everywhere
    out["CYP"].rows[("NI 117", "Q2")].commentary = EVIL
    return out


def consolidation(register, period=Q2, seed=11):
    items = [(FileInfo(f"{c}_2008-09.xlsx", 1, c * 10), to_return_data(f, f"{c}_2008-09.xlsx"))
             for c, f in fills(register, period, seed).items()]  # fmt: skip
    return consolidate(register, period, items)


@pytest.fixture(scope="module")
def written(tmp_path_factory, register):
    d = tmp_path_factory.mktemp("cons")
    cons = consolidation(register)
    out = cio.write_consolidated(cons, d / "CONSOLIDATED.xlsx", demo.register_grids())
    go = write_go_workbook(cons, H1, d / "GO.xlsx", prepared=dt.date(2008, 11, 5))
    return cons, out, go


def sheet_xml(path, name_part=""):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml") and name_part in n}


def test_sheets_and_headers_follow_the_contract(written):
    _, out, _ = written
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == CONTRACT_SHEETS
    for sheet, cols in (("Data", DATA_COLUMNS), ("Issues", ISSUE_COLUMNS), ("Log", LOG_COLUMNS)):
        assert tuple(c.value for c in wb[sheet][1]) == cols
    reg, issues = read_register(out)  # the consolidated file is itself a register
    assert [i for i in issues if i.is_error] == []
    assert str(reg.settings.current_period) == "2008/09 Q2"


def test_every_number_of_data_follows_the_rules(written, register):
    cons, out, _ = written
    grid = read_grids(out, ["Data"])["Data"]
    t = find_table(grid, out.name, "Data", "Ref")
    rows = [{h: t.value(v, h) for h in DATA_COLUMNS} for _, v in t.rows]
    assert len(rows) == len(register.targets) * 2
    actual = {(r["Ref"], r["Quarter"]): r["Actual"] for r in rows}
    for r in rows:
        tg = register.target(r["Ref"])
        assert r["Financial year"] == "2008/09" and r["Partnership"] == tg.partnership
        assert r["Profile"] == register.profile(tg.ref, Y, r["Quarter"])
        v = rules.variance(r["Actual"], r["Profile"])
        assert (r["% variance"] is None) == (v is None) and (v is None or math.isclose(r["% variance"], v))
        assert r["RAG"] == rules.rag(r["Actual"], r["Profile"], tg.polarity, tg.tolerance, tg.tolerance_type,
                                     tg.is_due(r["Quarter"]))  # fmt: skip
        then = actual.get((r["Ref"], "Q1")) if r["Quarter"] == "Q2" else None
        assert r["Direction"] == rules.direction(r["Actual"], then, tg.polarity)
        o = cons.observation(r["Ref"], r["Quarter"])
        assert r["Reported RAG"] == o.reported_rag and (r["Source"] or "") == str(o.source)


def test_text_stays_text_and_formats_are_right(written):
    _, out, go = written
    for path in (out, go):
        xml = sheet_xml(path, "worksheets/")
        assert not any("<f>" in x or "<f " in x for x in xml.values()), f"{path.name} holds a formula"
    wb = openpyxl.load_workbook(out)
    ws = wb["Data"]
    col = {c.value: c.column for c in ws[1]}
    hits = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["Commentary"]).value == EVIL]
    assert len(hits) == 1 and ws.cell(hits[0], col["Commentary"]).data_type == "s"
    r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["% variance"]).value is not None)
    assert ws.cell(r, col["% variance"]).number_format == "0.0%"
    reds = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["RAG"]).value == "Red"]
    assert reds and ws.cell(reds[0], col["RAG"]).fill.fgColor.rgb.endswith("FFC7CE")


def test_go_workbook_is_values_only_printable_and_has_its_sheets(written, register):
    _, _, go = written
    wb = openpyxl.load_workbook(go)
    assert wb.sheetnames == ["GO Return", "Summary", "Spend", "Data quality"]
    with zipfile.ZipFile(go) as z:
        names = z.namelist()
        assert not [n for n in names if "vbaProject" in n or "externalLink" in n or "macrosheets" in n]
        book = z.read("xl/workbook.xml").decode()
    assert "_xlnm.Print_Titles" in book
    for name, x in sheet_xml(go, "worksheets/sheet").items():
        assert 'orientation="landscape"' in x and 'paperSize="9"' in x, name
    s = wb["Summary"]
    assert s["A1"].value == "Demoshire (demo data) LAA performance return 2008/09 H1"
    labels = [(s.cell(r, 1).value, s.cell(r, 2).value) for r in range(3, 8)]
    assert [lab for lab, _ in labels] == ["Area", "LAA", "Government Office", "Period", "Prepared"]
    assert labels[3][1] == "2008/09 H1"
    grid = read_grids(go, ["Summary"])["Summary"]
    t = find_table(grid, "GO.xlsx", "Summary", "Partnership")
    assert list(t.headers.values())[:8] == ["Partnership", "Name", "Green", "Amber", "Red", "No data", "Not due",
                                            "Total"]  # fmt: skip
    def table(found):  # its rows up to the first blank row (which find_table passes over)
        rows = list(found.rows)
        return [v for n, (r, v) in enumerate(rows) if r == rows[0][0] + n]

    names = {v[0]: v[1] for v in table(t) if len(v) > 1 and v[1]}  # named: the GO does not know our codes
    assert names["CYP"] == register.partnership("CYP").name and len(names) == len(register.partnerships)
    blocks = {v[0]: v[1] for v in table(find_table(grid, "GO.xlsx", "Summary", "Block"))}  # and the blocks named
    assert blocks["HCOP"] == "Healthier communities and older people" and blocks["All"] == "All blocks"


def test_go_return_reads_like_annex_a_row_by_row(written, register):
    cons, _, go = written
    grid = read_grids(go, ["GO Return"])["GO Return"]
    t = find_table(grid, go.name, "GO Return", GO_RETURN_FIRST)
    header = [grid[t.header_row - 1][c] for c in range(9)]
    assert header == [GO_RETURN_FIRST, "Measure", "Related PSA", "Q1 2008/09", "Q2 2008/09", "Q3 2008/09",
                      "Q4 2008/09", "Inspection/survey evidence", "Comments on progress/risk mitigation"]  # fmt: skip
    rows = grid[t.header_row:]
    i = 0
    for n, outcome in enumerate(register.outcomes(), start=1):
        assert rows[i][0] == f"Overall outcome {n}: {outcome}"
        i += 1
        for tg in (x for x in register.targets if x.outcome == outcome):
            block = rows[i:i + 4]
            i += 4
            assert [r[1] for r in block] == list(MEASURES)
            assert block[0][0] == f"{tg.ref} {tg.title}" and all(r[0] is None for r in block[1:])
            assert block[0][2] == (tg.related_psa or None)
            for c, q in enumerate(QUARTERS, start=3):
                assert block[0][c] == register.profile(tg.ref, Y, q)  # profile in every quarter
                if q in H1.quarters:
                    o = cons.observation(tg.ref, q)
                    assert block[1][c] == o.actual
                    v = rules.variance(o.actual, o.profile)
                    assert (block[2][c] is None and v is None) or math.isclose(block[2][c], v)
                    assert block[3][c] == o.reported_rag
                else:  # not yet reported: the profile only
                    assert block[1][c] is None and block[2][c] is None and block[3][c] is None
            latest = cons.observation(tg.ref, "Q2")
            if latest.commentary and not latest.remedial_action:
                assert block[0][8] == latest.commentary
            if latest.remedial_action:
                assert block[0][8].endswith(f"Remedial action: {latest.remedial_action}")
    assert all(all(v is None for v in r) for r in rows[i:])


def test_psb_summary_has_native_charts(written):
    cons, out, _ = written
    reds = sum(1 for o in cons.latest() if o.reported_rag == "Red")
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 1 + min(reds, MAX_TREND_CHARTS) and reds <= MAX_TREND_CHARTS  # the demo: all drawn


def test_reading_back_gives_the_same_consolidation(written):
    cons, out, _ = written
    back, evidence, _ = cio.read_consolidated(out)
    assert back.period == cons.period
    strip = lambda o: (o.ref, o.partnership, o.quarter, o.profile, o.actual, o.rag, o.reported_rag, o.direction,  # noqa: E731
                       o.commentary, o.remedial_action, o.source)  # fmt: skip
    assert [strip(o) for o in back.observations] == [strip(o) for o in cons.observations]
    assert [(i.code, i.location) for i in back.issues] == [(i.code, i.location) for i in cons.issues]
    assert len(back.log) == len(cons.log) and len(back.risks) == len(cons.risks)
    # the GO Return's evidence column, per target: what the latest quarter said (the demo has some)
    by_ref = {}
    for o in cons.observations:
        if o.evidence:
            by_ref[o.ref] = o.evidence
    assert by_ref and evidence == by_ref


def test_previous_actuals_read_lean_equal_those_of_the_whole_workbook(written, tmp_path):
    """A re-run reads only four columns of the output it replaces: the same actuals as reading all of it."""
    cons, out, go = written
    lean = cio.read_previous(out)[0]
    whole = cio.read_consolidated(out)[0]
    assert lean == actuals_of(reports.data_rows(whole)) == actuals_of(reports.data_rows(cons))
    assert len(lean) == len(cons.observations) and any(v is not None for v in lean.values())
    with pytest.raises(UnreadableFile, match="GO.xlsx is not a consolidated workbook: its Data sheet"):
        cio.read_previous(go)  # no Data sheet


def test_only_the_sheets_read_are_scanned_and_calamine_never_parses_the_others(written, tmp_path):
    """Reading back an output scans only the sheets read (``preflight(..., sheets=)``): a far cell in another sheet,
    which would make python-calamine abort were that sheet parsed, does not stop ``read_previous``, which parses
    only Data (run in a child process: an abort must not take the test run with it). A worksheet part the workbook
    does not name is still scanned."""
    import corpus

    from laa_xl.io.preflight import CENTRAL_LIMITS, UnsafeFile, preflight

    _, out, _ = written
    good = out.read_bytes()
    targets = corpus.sheet_part(good, "Targets")
    far = corpus._rezip(good, lambda name, data: data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576">'
                        b"<v>1</v></c></row></sheetData>") if name == targets else data)  # fmt: skip
    path = tmp_path / "CONSOLIDATED.xlsx"
    path.write_bytes(far)
    with pytest.raises(UnsafeFile, match="XFD1048576") as e:
        preflight(path, limits=CENTRAL_LIMITS)
    assert e.value.code == "far-cell" and e.value.sheet == "Targets"
    preflight(path, limits=CENTRAL_LIMITS, sheets=("Data",))  # Targets is not read: not scanned
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from laa_xl.io.consolidated import read_previous
        print(len(read_previous({str(path)!r})[0]))
    """)], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert child.returncode == 0 and child.stdout.split() == [str(len(cio.read_previous(out)[0]))], child.stderr
    stray = corpus._rezip(good, lambda name, data: data, {"xl/worksheets/sheet99.xml": b'<worksheet><sheetData>'
                          b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'})  # fmt: skip
    path.write_bytes(stray)
    with pytest.raises(UnsafeFile, match="XFD1048576"):
        preflight(path, limits=CENTRAL_LIMITS, sheets=("Data",))


def test_a_national_output_is_read_back_with_the_output_limits(tmp_path):
    """A national consolidation's Data sheet has more rows than any return may (240,000 at N = 1,500): read back
    under the limits for our own outputs, where a return's limits would refuse it (no restatements were found)."""
    import xlsxwriter

    from laa_xl.io.preflight import UnsafeFile, preflight

    path = tmp_path / "NATIONAL.xlsx"
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for sheet, rows in demo.register_grids().items():  # the consolidated file is itself a register
        reg_ws = wb.add_worksheet(sheet)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                reg_ws.write(r, c, v, day if isinstance(v, dt.date) else None)
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ("Ref", "Partnership", "Financial year", "Quarter", "Actual"))
    expected = {}
    for r in range(1, 100_101):
        ws.write_row(r, 0, (f"NI {r % 199}", f"P{r // 199:04d}", "2008/09", f"Q{r % 4 + 1}", r / 4))
        expected[(f"NI {r % 199}", FinancialYear(2008), f"Q{r % 4 + 1}")] = r / 4  # a later row replaces an earlier
    wb.close()
    with pytest.raises(UnsafeFile, match="far more than a return has"):
        preflight(path)
    got, carried = cio.read_previous(path, carry=FinancialYear(2007))
    assert len(expected) == 796 and got == expected and list(carried) == []  # only the four key columns: actuals alone
    reg, issues = read_register(path)  # so is a central workbook holding such a Data sheet
    assert [i for i in issues if i.is_error] == [] and len(reg.targets) == len(load_register(demo.register_grids(),
                                                                                             "demo")[0].targets)


def test_go_return_labels_give_the_longest_ref():
    refs = {"NI 1", "NI 15", "NI 154", "LAA 3", "LAA 3 a"}
    assert cio._ref_of("NI 154 Net additional homes provided", refs) == "NI 154"
    assert cio._ref_of("NI 15 Serious violent crime", refs) == "NI 15"
    assert cio._ref_of("LAA 3 a Local target with a spaced ref", refs) == "LAA 3 a"
    assert cio._ref_of("LAA 3 Local target", refs) == "LAA 3"
    assert cio._ref_of("NI 154", refs) is None  # a ref alone, with no title after it
    assert cio._ref_of("Overall outcome 1: Safer communities", refs) is None


def test_backup_archive_and_idempotence(tmp_path, register):
    """Through the job: real files hashed and archived; the output replaced is kept; same inputs, same Data."""
    reg_path = write_register(tmp_path / "register.xlsx", demo.register_grids())
    rdir = tmp_path / "returns"
    rdir.mkdir()
    by_name = {}
    for code, f in fills(register, Q2).items():
        p = rdir / f"{code}_2008-09.xlsx"
        wb = openpyxl.Workbook()
        wb.active["A1"] = f"stand-in bytes for {code}"
        wb.save(p)
        by_name[p.name] = to_return_data(f, p.name)

    def reader(path):
        return by_name[path.name]

    out = tmp_path / "out" / "CONSOLIDATED.xlsx"
    r1 = consolidate_folder(reg_path, rdir, "2008/09 Q2", out, reader=reader)
    data1 = read_grids(out, ["Data"])["Data"]
    first = out.read_bytes()
    r2 = consolidate_folder(reg_path, rdir, "2008/09 Q2", out, reader=reader)
    assert read_grids(out, ["Data"])["Data"] == data1
    assert r2.consolidation.restatements == [] and r2.previous == out
    assert cio.backup_path(out).read_bytes() == first
    for e in r1.consolidation.log:
        if e.status == "Used":
            arch = out.parent / "archive" / f"{e.sha256}.xlsx"
            assert arch.read_bytes() == (rdir / e.file).read_bytes()
            assert (out.parent / "archive" / f"{e.sha256}.json").exists()
    assert len(r1.archived) == 6


def test_an_exception_mid_write_leaves_the_previous_output_intact(tmp_path, register, monkeypatch):
    cons = consolidation(register)
    out = cio.write_consolidated(cons, tmp_path / "CONSOLIDATED.xlsx", demo.register_grids())
    before = out.read_bytes()
    from laa_xl.io import paint

    real = paint.Painter.paint
    calls = {"n": 0}

    def boom(self, layout):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk full")
        return real(self, layout)

    monkeypatch.setattr(paint.Painter, "paint", boom)
    with pytest.raises(RuntimeError):
        cio.write_workbook(out, cio.consolidated_layouts(cons))
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_process_killed_mid_write_leaves_the_previous_output_intact(tmp_path, register):
    cons = consolidation(register)
    out = cio.write_consolidated(cons, tmp_path / "CONSOLIDATED.xlsx", demo.register_grids())
    before = out.read_bytes()
    script = textwrap.dedent(f"""
        import time
        from laa_xl.core import demo
        from laa_xl.core.register import load_register
        from laa_xl.core.consolidate import consolidate
        from laa_xl.core.periods import Period
        from laa_xl.io import consolidated as cio, paint
        real = paint.Painter.paint
        def slow(self, layout):
            ws = real(self, layout)
            print("painted", layout.name, flush=True)
            time.sleep(60)
            return ws
        paint.Painter.paint = slow
        reg, _ = load_register(demo.register_grids())
        cons = consolidate(reg, Period.parse("2008/09 Q2"), [])
        cio.write_consolidated(cons, {str(out)!r}, demo.register_grids())
    """)
    scratch = tmp_path / "scratch"  # its temporary files (a killed process cannot delete them) stay in the test's
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().startswith("painted")
        assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "the write should be under way"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.read_bytes() == before
    back, _, _ = cio.read_consolidated(out)
    assert len(back.observations) == len(cons.observations)


def test_go_return_command(tmp_path, written):
    _, out, _ = written
    go = tmp_path / "GO.xlsx"
    r = CliRunner().invoke(main, ["go-return", str(out), "--period", "2008/09 H1", "--out", str(go)])
    assert r.exit_code == 0, r.output
    assert openpyxl.load_workbook(go).sheetnames == ["GO Return", "Summary", "Spend", "Data quality"]
    r = CliRunner().invoke(main, ["go-return", str(out), "--period", "2008/09 Y", "--out", str(tmp_path / "Y.xlsx")])
    assert r.exit_code == 2 and "Q4" in r.output and not (tmp_path / "Y.xlsx").exists()
    r = CliRunner().invoke(main, ["go-return", str(out), "--period", "2008/09 H9", "--out", str(go)])
    assert r.exit_code == 2


def test_consolidate_command_refuses_what_it_cannot_process(tmp_path):
    reg = write_register(tmp_path / "register.xlsx", demo.register_grids())
    (tmp_path / "returns").mkdir()
    bad = tmp_path / "not-a-workbook.xlsx"
    bad.write_text("hello")
    cases = [
        [str(reg), str(tmp_path / "returns"), "--period", "2008/09 Q7", "--out", str(tmp_path / "o.xlsx")],
        [str(reg), str(tmp_path / "returns"), "--period", "2015/16 Q2", "--out", str(tmp_path / "o.xlsx")],
        [str(bad), str(tmp_path / "returns"), "--period", "2008/09 Q2", "--out", str(tmp_path / "o.xlsx")],
    ]
    for args in cases:
        r = CliRunner().invoke(main, ["consolidate", *args])
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_converts_both_workbooks_to_pdf(written, tmp_path):
    _, out, go = written
    profile = f"file:///tmp/lo-consolidate-{os.getpid()}-{time.monotonic_ns()}"
    r = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(go), str(out)], capture_output=True, text=True, timeout=180)  # fmt: skip
    assert r.returncode == 0, r.stderr
    for name in ("GO.pdf", "CONSOLIDATED.pdf"):
        pdf = tmp_path / name
        assert pdf.exists() and pdf.stat().st_size > 5000, name
    if shutil.which("pdftotext"):
        txt = subprocess.run(["pdftotext", "-l", "2", str(tmp_path / "GO.pdf"), "-"], capture_output=True,
                             text=True).stdout  # fmt: skip
        assert "Overall outcome 1" in txt and "Risk rating" in txt and "% variance" in txt
        # Every table prints all its columns on one page wide, its header on every page: a page per sheet here
        # (the footer names the sheet), and each of Data's pages shows its first and last headings.
        txt = subprocess.run(["pdftotext", "-layout", str(tmp_path / "CONSOLIDATED.pdf"), "-"], capture_output=True,
                             text=True).stdout  # fmt: skip
        pages = [[ln for ln in p.splitlines() if ln.strip()] for p in txt.split("\f")]
        sheet_of = [p[-1].split()[0] for p in pages if p]
        for name in ("Issues", "Log", "Spend", "Partnerships", "Timetable", "Settings"):
            assert sheet_of.count(name) == 1, (name, sheet_of)
        data = [p for p in pages if p and p[-1].split()[0] == "Data"]
        assert len(data) >= 2 and all(p[0].split()[0] == "Ref" and p[0].split()[-1] == "Source" for p in data)
        # the PSB Summary's sections each print with their table (its "Top risks" heading once ended page 1)
        psb = ["\n".join(p) for p in pages if p and p[-1].startswith("PSB Summary")]
        for title, header in (("Exceptions: every Red", "Remedial action"), ("Top risks (highest", "Mitigation"),
                              ("Spend against budget", "Forecast outturn")):  # fmt: skip
            [page] = [p for p in psb if title in p]
            assert header in page.split(title, 1)[1], title


def test_psb_summary_pages_keep_each_section_with_its_table_and_charts_whole(written):
    """Printed, a section's title, its header and its first row share a page, a band of charts is not cut, and
    no page holds more rows than fit (the Top risks heading used to end page 1, its table on page 2)."""
    cons, out, _ = written
    from laa_xl.core.reports import DEFAULT_ROW_POINTS, PSB_PAGE_POINTS, psb_layout

    lay = psb_layout(cons)
    assert lay.page_breaks, "the demo area needs more than one page"

    def page(i: int) -> int:
        return sum(1 for b in lay.page_breaks if b <= i)

    sections = [i for i, row in enumerate(lay.rows) if row and row[0] is not None and row[0].style == "section"]
    assert len(sections) >= 6
    for t in sections:
        assert page(t - 1) == page(t) == page(t + 1) == page(t + 2), lay.rows[t][0].value
    charts = sorted({c.row for c in lay.charts})
    for top in charts:
        assert page(top) == page(top + 15)
    heights = [lay.heights.get(i, DEFAULT_ROW_POINTS) for i in range(len(lay.rows))]
    starts = [0, *lay.page_breaks, len(lay.rows)]
    assert all(sum(heights[a:b]) <= PSB_PAGE_POINTS for a, b in itertools.pairwise(starts))
    xml = next(x for n, x in sheet_xml(out, "worksheets/sheet5").items())  # PSB Summary, the fifth sheet
    assert "<rowBreaks" in xml and 'fitToHeight="0"' in xml


def test_go_return_pages_never_split_a_target(written):
    cons, _, go = written
    from laa_xl.core.reports import go_return_layout

    lay = go_return_layout(cons, H1)
    assert lay.page_breaks, "the demo area needs more than one page"
    for r in lay.page_breaks:
        first = lay.rows[r][0]
        assert first.style == "outcome" or (lay.rows[r][1].value == "Profile"), r
        assert lay.rows[r - 1][0] is None or lay.rows[r - 1][0].style != "outcome", "an outcome row ends a page"
    xml = next(x for n, x in sheet_xml(go, "worksheets/sheet1").items())
    assert 'scale="68"' in xml and "<rowBreaks" in xml


def test_every_sheet_of_the_consolidated_workbook_prints_landscape_one_page_wide(written):
    _, out, _ = written
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    for name, x in sheet_xml(out, "worksheets/sheet").items():
        assert 'orientation="landscape"' in x and 'paperSize="9"' in x, name
        assert ('fitToHeight="0"' in x and '<pageSetUpPr fitToPage="1"/>' in x) or 'scale="68"' in x, name  # GO Return
    book = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
    for name in names:
        if name not in ("GO Return", "PSB Summary", "Settings", "Reward"):
            assert f"'{name}'!$1:$1" in book or f"{name}!$1:$1" in book, name  # the header on every page


def test_go_return_refuses_a_hostile_consolidated_file(tmp_path, written):
    import corpus

    _, out, _ = written
    bad = tmp_path / "CONSOLIDATED.xlsx"
    bad.write_bytes(corpus.far_cell(out.read_bytes()))
    r = subprocess.run([sys.executable, "-m", "laa_xl", "go-return", str(bad), "--period", "2008/09 H1", "--out",
                        str(tmp_path / "GO.xlsx")], cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr and "CONSOLIDATED.xlsx" in r.stderr
    assert not (tmp_path / "GO.xlsx").exists()


_values = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(-10**6, 10**6), st.dates(), st.booleans(),
                    st.sampled_from([0.0, -0.0, -0.004, 999.995, 1e308, -1e308]))  # fmt: skip


@settings(max_examples=200, deadline=None)
@example(grid=[[0.0], [-0.0]], header=False)  # '-0.00' is the longer, though -0.0 is not the smaller
@example(grid=[["Ref", "Baseline"], ["NI 1", 1234.5], ["NI 2", "n/a"], ["NI 3", float("nan")]], header=True)
@given(grid=st.lists(st.lists(_values, min_size=1, max_size=5), min_size=1, max_size=8), header=st.booleans())
def test_register_sheet_columns_are_as_wide_as_their_longest_value(grid, header):
    """The copied register's column widths (measured a column at a time) are those of measuring each cell."""
    from laa_xl.core.layout import StreamLayout
    from laa_xl.io.consolidated import _register_rows

    width = max(len(r) for r in grid)
    longest = [0.0] * width
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v is not None:
                n = len(f"{v:,.2f}") if isinstance(v, float) else len(str(v))
                longest[c] = max(longest[c], n * 0.9 if header and r == 0 else n)
    lay = StreamLayout("Targets")
    rows = list(_register_rows(lay, grid, width, header, None))
    assert [r[0] for r in rows] == grid
    assert lay.widths == [float(max(6, min(60, n + 2))) for n in longest]
