"""Untrusted returns (SPEC 8, issue 7): every kind of bad file gets a clear answer, and nothing is lost.

The corpus (``tests/corpus.py``) is built here from a real issued and filled
return. For each kind of bad file the test states what a user sees: the issue
``(file, sheet, cell, code)``, whether the file is refused or still used, and a
message that names the file and says what to do. Then one folder mixing all of
them with good returns goes through the real ``laa-xl consolidate`` in a
subprocess: exit 1, no traceback, the good returns consolidated, every file in
the Issues, Log and archive, with peak memory and time bounded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import corpus
import openpyxl
import pytest

from laa_xl.core import demo
from laa_xl.core.consolidate import consolidate
from laa_xl.core.filling import officer_fill
from laa_xl.core.periods import Period
from laa_xl.io.consolidated import read_consolidated
from laa_xl.io.demo_fill import fill_return_workbook
from laa_xl.io.grids import read_grids
from laa_xl.io.register_io import read_register, write_register
from laa_xl.io.return_files import load_returns
from laa_xl.io.return_scan import scan_sheets
from laa_xl.io.returns_reader import read_return
from laa_xl.io.returns_writer import issue_returns

ROOT = Path(__file__).resolve().parent.parent
Q2 = Period.parse("2008/09 Q2")
GOOD_DATE, EARLY_DATE = dt.date(2008, 10, 20), dt.date(2008, 10, 1)
# Words a target lead acts on: every message says what to do (or, for a value used anyway, what was done).
ACTION = re.compile(r"\b(save|send|type|delete|remove|unhide|unmerge|rename|keep|put|shorten|check|break|move|"
                    r"add|use|close|chase)\b", re.I)  # fmt: skip
# Peak memory and wall time of `laa-xl consolidate` over the mixed folder (README: "Untrusted returns").
MAX_RSS_MB = 300
MAX_SECONDS = 30


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    """A register, six good returns (submitted 20 Oct) and the corpus base: CYP's return submitted earlier."""
    d = tmp_path_factory.mktemp("untrusted")
    reg_path = write_register(d / "register.xlsx", demo.register_grids())
    reg, _ = read_register(reg_path)
    good = d / "good"
    paths = issue_returns(reg, "2008/09", good)
    fills = {}
    for p in paths:
        code = p.name.split("_")[0]
        fills[code] = officer_fill(reg, code, Q2.year, Q2.quarters, seed=7, submitted=GOOD_DATE)
        fill_return_workbook(p, fills[code])
    base_path = d / "base" / "CYP_2008-09.xlsx"
    base_path.parent.mkdir()
    shutil.copy(d / "good" / "CYP_2008-09.xlsx", base_path)
    fill_return_workbook(base_path, officer_fill(reg, "CYP", Q2.year, Q2.quarters, seed=11, submitted=EARLY_DATE))
    return d, reg_path, reg, good, fills, base_path.read_bytes()


@pytest.fixture(scope="module")
def office_files(area, tmp_path_factory):
    """The base return saved by LibreOffice as a real .xls and a real .ods (skipped without LibreOffice)."""
    from return_helpers import have_soffice, soffice_convert

    if not have_soffice():
        pytest.skip("LibreOffice (soffice) is not installed")
    d = tmp_path_factory.mktemp("office")
    src = d / "CYP_2008-09.xlsx"
    src.write_bytes(area[5])
    out = {}
    for fmt in ("xls", "ods"):
        (path,) = soffice_convert([src], d / fmt, fmt)
        out[fmt] = path.read_bytes()
    return out


def cases(base: bytes, office: dict[str, bytes] | None) -> list[tuple[str, bytes, list[tuple[str, str, str]], str]]:
    """(file name, bytes, the issues (sheet, cell, code) a user must see for that file, Refused or Used)."""
    actual, actual2 = corpus.input_cell(base, "Q2", "Actual"), corpus.input_cell(base, "Q2", "Actual", 1)
    comment, ref = corpus.input_cell(base, "Q2", "Commentary"), corpus.input_cell(base, "Q2", "Target ref")
    heading = corpus.header_cell(base, "Q2", "Actual")
    above = re.sub(r"\d+", lambda m: str(int(m.group()) - 1), heading)
    R, U = "Refused", "Used"
    out = [
        ("empty.xlsx", corpus.empty(base), [("", "", "empty-file")], R),
        ("truncated.xlsx", corpus.truncated(base), [("", "", "damaged-file")], R),
        ("corrupt-zip.xlsx", corpus.corrupt_zip(base), [("", "", "damaged-file")], R),
        ("lying-sizes.xlsx", corpus.lying_sizes(base), [("", "", "damaged-file")], R),
        ("lying-sizes-forged.xlsx", corpus.lying_sizes_forged(base), [("", "", "unreadable-file")], R),
        ("two-q2-sheets.xlsx", corpus.duplicate_part(base), [("", "", "damaged-file")], R),
        ("string-count.xlsx", corpus.lying_string_count(base), [("", "", "damaged-file")], R),
        ("random-bytes.xlsx", corpus.random_bytes(base), [("", "", "not-xlsx")], R),
        ("csv-renamed.xlsx", corpus.csv_renamed(base), [("", "", "not-xlsx")], R),
        ("html-renamed.xlsx", corpus.html_renamed(base), [("", "", "not-xlsx")], R),
        ("notes.txt", b"Our return follows next week.\n", [("", "", "unsupported-file-type")], R),
        ("password.xlsx", corpus.encrypted(base), [("", "", "encrypted-file")], R),
        ("bomb-shared-string.xlsx", corpus.huge_shared_string(base), [("", "", "zip-bomb")], R),
        ("bomb-rows.xlsx", corpus.many_rows(base), [("Q2", "", "too-many-rows")], R),
        ("bomb-ratio.xlsx", corpus.high_ratio(base), [("", "", "zip-bomb")], R),
        ("no-positions.xlsx", corpus.cells_without_position(base), [("Q2", "", "too-many-rows")], R),
        ("xxe.xlsx", corpus.xxe(base), [("", "", "xml-doctype")], R),
        ("billion-laughs.xlsx", corpus.billion_laughs(base), [("", "", "xml-doctype")], R),
        ("far-cell.xlsx", corpus.far_cell(base), [("Cover", "XFD1048576", "far-cell")], R),
        ("vba.xlsx", corpus.with_macros(base), [("", "", "macros")], R),
        ("macro-book.xlsm", corpus.xlsm(base), [("", "", "unsupported-file-type")], R),
        ("xlsm-renamed.xlsx", corpus.xlsm(base), [("", "", "macros")], R),
        ("linked.xlsx", corpus.with_external_link(base), [("", "", "external-links")], R),
        ("dde.xlsx", corpus.dde_formula(base), [("Q2", comment, "dde-formula")], R),
        ("wrong-year.xlsx", corpus.wrong_year(base), [("Cover", corpus.cover_cell(base, "Financial year"),
                                                       "wrong-year")], R),  # fmt: skip
        ("date-out-of-range.xlsx", corpus.date_out_of_range(base), [("", "", "unreadable-file")], R),
        ("hyperlink.xlsx", corpus.hyperlink_formula(base), [("Q2", comment, "formula-in-input")], U),
        ("no-cached-value.xlsx", corpus.formula_no_value(base), [("Q2", actual, "formula-without-value")], U),
        ("ref-error.xlsx", corpus.error_cell(base), [("Q2", actual, "error-value")], U),
        ("div0-error.xlsx", corpus.div0_cell(base), [("Q2", actual2, "error-value")], U),
        ("long-text.xlsx", corpus.long_text(base), [("Q2", comment, "text-too-long")], U),
        ("control-chars.xlsx", corpus.control_chars(base), [("Q2", comment, "control-characters")], U),
        ("renamed-sheet.xlsx", corpus.renamed_sheet(base), [("Qtr 2", "A1", "renamed-sheet")], U),
        ("hidden-sheet.xlsx", corpus.hidden_sheet(base), [("Q2", "", "hidden-sheet")], U),
        ("deleted-sheet.xlsx", corpus.deleted_sheet(base), [("Q2", "", "missing-sheet")], U),
        ("deleted-header.xlsx", corpus.deleted_header(base), [("Q2", "A1", "missing-header")], U),
        ("merged-header.xlsx", corpus.merged_header(base), [("Q2", above, "merged-header"),
                                                            ("Q2", heading, "missing-column")], U),  # fmt: skip
        ("duplicate-rows.xlsx", corpus.duplicate_rows(base), [("Q2", ref, "duplicate-target-row")], U),
        ("formula-text.xlsx", corpus.formula_like_commentary(base), [], U),
        ("strict.xlsx", corpus.strict_ooxml(base), [], U),
    ]
    if office:
        out += [
            ("old-format.xls", office["xls"], [("", "", "unsupported-file-type")], R),
            ("xls-renamed.xlsx", office["xls"], [("", "", "legacy-xls")], R),
            ("opendocument.ods", office["ods"], [("", "", "unsupported-file-type")], R),
            ("ods-renamed.xlsx", office["ods"], [("", "", "ods-file")], R),
        ]
    return out


def _office(request) -> dict[str, bytes] | None:
    from return_helpers import have_soffice

    return request.getfixturevalue("office_files") if have_soffice() else None


@pytest.fixture(scope="module")
def corpus_cases(area, request):
    return cases(area[5], _office(request))


def test_each_bad_return_gets_its_issue_at_its_cell(area, corpus_cases, tmp_path):
    """One file at a time, as the consolidation reads it: the expected (file, sheet, cell, code), the file's fate,
    and a message that names the file and says what to do."""
    _, _, reg, _, _, _ = area
    seen = []
    for name, content, expected, status in corpus_cases:
        folder = tmp_path / name.replace(".", "_")
        folder.mkdir()
        (folder / name).write_bytes(content)
        loaded = load_returns(folder)
        cons = consolidate(reg, Q2, loaded.items)
        mine = [i for i in cons.issues if i.location.file == name]
        got = {(i.location.file, i.location.sheet, i.location.cell, i.code) for i in mine}
        for sheet, cell, code in expected:
            assert (name, sheet, cell, code) in got, (name, sorted(got))
        assert [e.status for e in cons.log if e.file == name] == [status], name
        for i in mine:
            if (i.location.sheet, i.location.cell, i.code) in expected:
                assert i.message and ACTION.search(i.message), (name, i.message)
                if status == "Refused":
                    assert name in i.message or i.location.file == name
        seen.append(name)
    assert len(seen) >= 35


def test_a_refused_file_says_so_in_a_target_leads_words(area, tmp_path):
    base = area[5]
    (tmp_path / "CYP_2008-09.xlsx").write_bytes(corpus.encrypted(base))
    (issue,) = load_returns(tmp_path).items[0][1].issues  # type: ignore[union-attr]
    assert issue.message.startswith("CYP_2008-09.xlsx is password-protected")
    assert "Remove the password" in issue.message and "Traceback" not in issue.message


def test_a_file_too_large_is_hashed_as_a_stream_logged_and_left_where_it_is(area, tmp_path):
    """Over 25 MiB: never read into memory (hashed as a stream), refused, logged with its size and SHA-256, and not
    copied to the archive."""
    from laa_xl.io.preflight import LIMITS

    big = tmp_path / "CYP_2008-09.xlsx"
    big.write_bytes(area[5] + b"\0" * (LIMITS.max_file_bytes + 1 - len(area[5])))
    loaded = load_returns(tmp_path)
    ((info, refusal),) = loaded.items
    (issue,) = refusal.issues  # type: ignore[union-attr]
    assert issue.code == "file-too-large" and issue.is_error
    assert issue.message == ("CYP_2008-09.xlsx is 25.0 MB; a return should be well under 25 MB. It was not opened "
                             "(nor archived). Check it is the right file.")  # fmt: skip
    assert (info.size, info.sha256) == (big.stat().st_size, hashlib.sha256(big.read_bytes()).hexdigest())
    assert loaded.contents == {}  # not archived


def test_the_same_return_twice_uses_one_and_logs_both(area, tmp_path):
    _, _, reg, good, _, _ = area
    shutil.copy(good / "HWB_2008-09.xlsx", tmp_path / "HWB_2008-09.xlsx")
    shutil.copy(good / "HWB_2008-09.xlsx", tmp_path / "HWB_2008-09 (1).xlsx")
    cons = consolidate(reg, Q2, load_returns(tmp_path).items)
    assert {(e.file, e.status) for e in cons.log if e.partnership == "HWB"} == {
        ("HWB_2008-09.xlsx", "Used"), ("HWB_2008-09 (1).xlsx", "Superseded")}  # fmt: skip
    (dup,) = [i for i in cons.issues if i.code == "duplicate-return"]
    assert (dup.location.file, dup.location.sheet) == ("HWB_2008-09 (1).xlsx", "Cover")
    assert "identical copy of HWB_2008-09.xlsx" in dup.message  # not "submitted later": the dates are the same


def test_error_cells_are_not_read_as_blank(area, tmp_path):
    """python-calamine reads #REF! as '' (SPEC 10); the reader says what Excel shows instead."""
    base = area[5]
    p = tmp_path / "CYP_2008-09.xlsx"
    p.write_bytes(corpus.error_cell(base))
    assert read_grids(p, ["Q2"])["Q2"]  # calamine itself sees a blank there
    data = read_return(p)
    (issue,) = [i for i in data.issues if i.code == "error-value"]
    assert "#REF!" in issue.message and issue.is_error
    row = next(r for r in data.rows if r.quarter == "Q2" and r.actual.location.cell == issue.location.cell)
    assert row.actual.value is None


@pytest.mark.parametrize("tag", ['<c t="e" r="{ref}">', '<c\tr="{ref}" t="e">', '<c  r="{ref}" t="e">'])
def test_error_cells_are_found_however_the_cell_tag_is_written(area, tmp_path, tag):
    """The scan reads a sheet whose cell tags all start '<c r="' with a faster pattern; any other way of writing a
    tag (attributes in another order, a tab, two spaces) sends the sheet to the general one."""
    base = area[5]
    ref = corpus.input_cell(base, "Q2", "Actual")
    part = corpus.sheet_part(base, "Q2")
    bad = corpus.error_cell(base)
    odd = corpus._rezip(bad, lambda name, data: data.replace(f'<c r="{ref}" t="e">'.encode(), tag.format(ref=ref).encode())
                        if name == part else data)  # fmt: skip
    assert tag.format(ref=ref).encode() in zipfile.ZipFile(io.BytesIO(odd)).read(part)
    p = tmp_path / "CYP_2008-09.xlsx"
    p.write_bytes(odd)
    data = read_return(p)
    assert [(i.code, i.location.sheet, i.location.cell) for i in data.issues] == [("error-value", "Q2", ref)]


def test_a_sheet_written_with_a_namespace_prefix_is_scanned_too():
    """<x:c> cells (a prefix on the spreadsheet namespace, as some tools write): the general pattern finds them."""
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    wb = (b'<x:workbook xmlns:x="' + main + b'" xmlns:r="' + rel + b'"><x:sheets><x:sheet name="Q2" sheetId="1" '
          b'r:id="rId1"/></x:sheets></x:workbook>')  # fmt: skip
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            b'Id="rId1" Type="' + rel + b'/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')  # fmt: skip
    sheet = (b'<x:worksheet xmlns:x="' + main + b'"><x:sheetData><x:row r="5"><x:c r="G5" t="e"><x:v>#N/A</x:v>'
             b'</x:c><x:c r="J5"><x:f>HYPERLINK("a")</x:f><x:v>a</x:v></x:c><x:c r="K5"><x:v>1</x:v></x:c></x:row>'
             b"</x:sheetData></x:worksheet>")  # fmt: skip
    xml = {"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": sheet}
    got = scan_sheets("unused.xlsx", ["Q2"], {"Q2": {"G5", "J5", "K5"}}, xml)["Q2"].cells
    assert {r: (c.formula, c.value, c.is_error) for r, c in got.items()} == {"G5": (False, "#N/A", True),
                                                                              "J5": (True, "a", False)}  # fmt: skip


def test_strict_open_xml_reads_exactly_like_the_transitional_file(area, tmp_path):
    base = area[5]
    (tmp_path / "a.xlsx").write_bytes(base)
    (tmp_path / "b.xlsx").write_bytes(corpus.strict_ooxml(base))
    assert b"purl.oclc.org/ooxml/spreadsheetml/main" in zipfile.ZipFile(tmp_path / "b.xlsx").read("xl/workbook.xml")
    a, b = read_return(tmp_path / "a.xlsx"), read_return(tmp_path / "b.xlsx")
    assert [(r.quarter, r.ref.value, r.actual.value, r.commentary.value) for r in b.rows] == [
        (r.quarter, r.ref.value, r.actual.value, r.commentary.value) for r in a.rows]  # fmt: skip
    assert any(r.actual.value is not None for r in b.rows)
    assert b.issues == [] and {k: c.value for k, c in b.cover.items()} == {k: c.value for k, c in a.cover.items()}


def test_calamine_reads_the_lean_copy_exactly_as_the_file(area, corpus_cases, tmp_path):
    """python-calamine reads a stored copy made from the XML the preflight inflated, without formula text
    (``grids.lean_copy``): for every file of the corpus the preflight lets through, every sheet's values are those
    calamine reads from the file itself."""
    from laa_xl.io.grids import lean_copy
    from laa_xl.io.preflight import UnsafeFile, preflight

    compared = 0
    for name, content, _, _ in corpus_cases:
        p = tmp_path / name
        p.write_bytes(content)
        inflated: dict[str, bytes] = {}
        try:
            preflight(p, sheet_xml=inflated)
        except UnsafeFile:
            continue
        try:
            plain = read_grids(p)
        except BaseException:  # noqa: BLE001 (calamine refuses it: the reader refuses it either way)
            continue
        assert read_grids(p, inflated=inflated) == plain, name
        compared += 1
    assert compared >= 12
    base = tmp_path / "base.xlsx"
    base.write_bytes(corpus.hyperlink_formula(area[5]))
    inflated = {}
    preflight(base, sheet_xml=inflated)
    with zipfile.ZipFile(lean_copy(base, inflated)) as z:
        q2 = z.getinfo(corpus.sheet_part(area[5], "Q2"))
        assert q2.compress_type == zipfile.ZIP_STORED and z.read(q2) == inflated[q2.filename.lower()]  # not deflated
    with zipfile.ZipFile(base) as z:
        assert b"<f>HYPERLINK(" in z.read(q2.filename) and b"<f>" not in inflated[q2.filename.lower()]  # no formula text
    assert [i.code for i in read_return(base).issues] == ["formula-in-input"]  # a formula, found without its text


def test_a_return_with_much_xml_is_read_from_the_file_not_a_copy(area, tmp_path, monkeypatch):
    """Above ``LEAN_MAX_BYTES`` of worksheet XML, python-calamine reads the file itself (a copy in memory would cost
    about three times the XML): the same return, read the same."""
    from laa_xl.io import grids

    p = tmp_path / "CYP_2008-09.xlsx"
    p.write_bytes(area[5])
    copies = []
    real = grids.lean_copy
    monkeypatch.setattr(grids, "lean_copy", lambda *args: copies.append(1) or real(*args))
    lean = read_return(p)
    assert copies == [1]  # a return's size: read from a copy

    def no_copy(*args):
        raise AssertionError("no copy in memory above the limit")

    monkeypatch.setattr(grids, "LEAN_MAX_BYTES", 10_000)  # below this return's worksheets
    monkeypatch.setattr(grids, "lean_copy", no_copy)
    from_file = read_return(p)
    assert [(r.quarter, r.ref.value, r.actual.value, r.commentary.value) for r in from_file.rows] == [
        (r.quarter, r.ref.value, r.actual.value, r.commentary.value) for r in lean.rows]  # fmt: skip
    assert any(r.actual.value is not None for r in lean.rows) and from_file.issues == lean.issues


def test_text_is_cleaned_and_listed(area, tmp_path):
    base = area[5]
    (tmp_path / "c.xlsx").write_bytes(corpus.control_chars(base))
    (tmp_path / "l.xlsx").write_bytes(corpus.long_text(base))
    c, long = read_return(tmp_path / "c.xlsx"), read_return(tmp_path / "l.xlsx")
    cell = corpus.input_cell(base, "Q2", "Commentary")
    text = next(r.commentary.value for r in c.rows if r.commentary.location.cell == cell and r.quarter == "Q2")
    assert text == "Ahead of profile this quarter[31m."
    text = next(r.commentary.value for r in long.rows if r.commentary.location.cell == cell and r.quarter == "Q2")
    assert len(text) == 32_767


def test_bombs_are_built_fast_and_refused_before_inflating(area, tmp_path):
    """The zip directory alone refuses the shared-string and ratio bombs; the rows bomb stops at the row limit."""
    import time

    from laa_xl.io.preflight import UnsafeFile, preflight

    base = area[5]
    for maker, code in ((corpus.huge_shared_string, "zip-bomb"), (corpus.high_ratio, "zip-bomb"),
                        (corpus.many_rows, "too-many-rows")):  # fmt: skip
        p = tmp_path / f"{maker.__name__}.xlsx"
        p.write_bytes(maker(base))
        t = time.perf_counter()
        with pytest.raises(UnsafeFile) as e:
            preflight(p)
        assert e.value.code == code and time.perf_counter() - t < 3.0, maker.__name__
        total = sum(i.file_size for i in zipfile.ZipFile(p).infolist())
        assert total > 50_000_000  # each really would expand to tens or hundreds of MB


# --- the whole folder through the real command -------------------------------------------


@pytest.fixture(scope="module")
def mixed(area, corpus_cases, tmp_path_factory):
    """Good returns from every partnership plus every bad file, consolidated by `laa-xl consolidate` in a
    subprocess whose peak memory and wall time are measured."""
    d, reg_path, reg, good, fills, base = area
    rdir = tmp_path_factory.mktemp("mixed") / "returns"
    shutil.copytree(good, rdir)
    for name, content, _, _ in corpus_cases:
        (rdir / name).write_bytes(content)
    (rdir / "=SUM(1,2).xlsx").write_bytes(corpus.random_bytes(base))  # a file name a spreadsheet could evaluate
    (rdir / "~$CYP_2008-09.xlsx").write_bytes(b"lock")  # Excel's lock file: not a submission
    out = rdir.parent / "out" / "CONSOLIDATED.xlsx"
    before = {p.name: p.read_bytes() for p in rdir.iterdir()}
    script = textwrap.dedent(f"""
        import json, resource, subprocess, sys, time
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "laa_xl", "consolidate", {str(reg_path)!r}, {str(rdir)!r},
                            "--period", "2008/09 Q2", "--out", {str(out)!r}, "--json"], capture_output=True, text=True)
        print(json.dumps({{"rc": r.returncode, "stdout": r.stdout, "stderr": r.stderr,
                          "seconds": time.perf_counter() - t,
                          "max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
    """)
    env = {**os.environ, "RUST_BACKTRACE": "1"}  # the worst case: a Rust panic would print a whole backtrace
    res = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env=env)  # fmt: skip
    assert res.returncode == 0, res.stderr
    run = json.loads(res.stdout)
    return run, rdir, out, before, corpus_cases, fills


def test_mixed_folder_exits_1_without_a_traceback(mixed):
    run, *_ = mixed
    assert run["rc"] == 1, run["stderr"][-2000:]
    assert "Traceback" not in run["stdout"] and "Traceback" not in run["stderr"]
    assert "panicked" not in run["stderr"] and "backtrace" not in run["stderr"]  # nor a Rust one (python-calamine)
    json.loads(run["stdout"])


def test_mixed_folder_memory_and_time_are_bounded(mixed):
    run, *_ = mixed
    assert run["max_rss_mb"] < MAX_RSS_MB, run["max_rss_mb"]
    assert run["seconds"] < MAX_SECONDS, run["seconds"]


def test_mixed_folder_still_consolidates_every_good_return(mixed):
    run, rdir, out, before, _, fills = mixed
    summary = json.loads(run["stdout"])["summary"]
    assert summary["missing returns"] == "none" and summary["returns used"] == 6
    cons, _, _ = read_consolidated(out)
    used = {e.partnership: e.file for e in cons.log if e.status == "Used"}
    assert used == {code: f"{code}_2008-09.xlsx" for code in fills}
    for code, fill in fills.items():
        for (ref, q), row in fill.rows.items():
            o = cons.observation(ref, q)
            if isinstance(row.actual, int | float):
                assert o.actual == pytest.approx(float(row.actual)), (code, ref, q)
    assert {p.name: p.read_bytes() for p in rdir.iterdir()} == before  # no return is ever modified


def test_mixed_folder_issues_sheet_lists_every_bad_file(mixed):
    run, rdir, out, _, corpus_cases, _ = mixed
    grid = read_grids(out, ["Issues"])["Issues"]
    head = grid[0]
    rows = [dict(zip(head, r, strict=False)) for r in grid[1:]]
    listed = {(r["File"], r["Sheet"] or "", r["Cell"] or "", r["Code"]) for r in rows}
    files = {f for f, *_ in listed}
    for name, _, expected, status in corpus_cases:
        assert name in files, name
        if status == "Refused":  # a used bad file may be superseded by the good CYP return: its own issues
            for sheet, cell, code in expected:  # are then not listed, but its duplicate-return is
                assert (name, sheet, cell, code) in listed, name
    assert "=SUM(1,2).xlsx" in files
    assert all(r["Message"] for r in rows)
    payload = json.loads(run["stdout"])
    assert len(payload["issues"]) == len(rows)  # the sheet is complete: every issue the command reported


def test_mixed_folder_log_and_archive_keep_every_submitted_file(mixed):
    _, rdir, out, _, _, _ = mixed
    cons, _, _ = read_consolidated(out)
    logged = {e.file: e for e in cons.log if e.file}
    submitted = [p for p in rdir.iterdir() if not p.name.startswith("~$")]
    assert sorted(logged) == sorted(p.name for p in submitted)
    archive = out.parent / "archive"
    for p in submitted:
        e = logged[p.name]
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        assert e.sha256 == digest and e.size == p.stat().st_size, p.name
        copies = list(archive.glob(f"{digest}.*"))
        assert any(c.suffix != ".json" and c.read_bytes() == p.read_bytes() for c in copies), p.name
        assert json.loads((archive / f"{digest}.json").read_text())["sha256"] == digest


def test_file_names_and_text_that_look_like_formulas_stay_text(mixed):
    """'=SUM(1,2).xlsx' in the Log and Issues is written as a string, never a formula."""
    _, _, out, _, _, _ = mixed
    wb = openpyxl.load_workbook(out)
    for sheet in ("Issues", "Log"):
        cells = [c for row in wb[sheet].iter_rows() for c in row if c.value == "=SUM(1,2).xlsx"]
        assert cells and all(c.data_type == "s" for c in cells), sheet
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def test_commentary_starting_with_formula_characters_stays_text_everywhere(area, tmp_path):
    """Consolidated workbook and GO workbook: the exact text, as a string cell, no formula anywhere."""
    from click.testing import CliRunner

    from laa_xl.cli import main

    _, reg_path, _, good, _, base = area
    rdir = tmp_path / "returns"
    shutil.copytree(good, rdir)
    (rdir / "CYP_2008-09.xlsx").write_bytes(corpus.formula_like_commentary(base))
    out, go = tmp_path / "CONSOLIDATED.xlsx", tmp_path / "GO.xlsx"
    r = CliRunner().invoke(main, ["consolidate", str(reg_path), str(rdir), "--period", "2008/09 Q2", "--out", str(out)])
    assert r.exit_code in (0, 1), r.output
    r = CliRunner().invoke(main, ["go-return", str(out), "--period", "2008/09 H1", "--out", str(go)])
    assert r.exit_code == 0, r.output
    for path, sheets in ((out, ("Data",)), (go, ("GO Return",))):
        wb = openpyxl.load_workbook(path)
        for sheet in sheets:
            texts = [c for row in wb[sheet].iter_rows() for c in row if isinstance(c.value, str)]
            for t in corpus.FORMULA_TEXTS:
                hits = [c for c in texts if t in c.value]
                assert hits, (path.name, sheet, t)
                assert all(c.data_type == "s" for c in hits), (path.name, sheet, t)
        with zipfile.ZipFile(path) as z:
            formulas = [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]
            assert formulas == [], path.name  # values only: nothing a spreadsheet would evaluate



def test_a_hostile_register_is_refused_before_it_is_read(area, tmp_path):
    """The register passes the same preflight (macros allowed: the central workbook is an .xlsm)."""
    _, reg_path, _, good, _, _ = area
    bad = tmp_path / "register.xlsx"
    bad.write_bytes(corpus.far_cell(reg_path.read_bytes()))
    r = subprocess.run([sys.executable, "-m", "laa_xl", "consolidate", str(bad), str(good), "--period", "2008/09 Q2",
                        "--out", str(tmp_path / "C.xlsx")], cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 2 and "register.xlsx" in r.stderr and "XFD1048576" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "C.xlsx").exists()


@pytest.mark.parametrize(
    ("cell", "clean"),
    [
        ("Performance steady.", True),
        ("Two lines\nand a\ttab\r\n", True),  # kept, as Excel shows them
        (45.5, True),
        (dt.date(2008, 11, 4), True),
        ("bell\x07", False),
        ("\x00", False),
        ("x" * 32_767, True),
        ("x" * 32_768, False),
    ],
    ids=["plain", "line-feeds-and-tabs", "number", "date", "bell", "nul", "at-the-limit", "past-the-limit"],
)
def test_text_needing_no_change_is_known_from_the_sheets_alone(cell, clean):
    """``clean_text`` skips going through every cell read when no text of the sheets needs a change: so the test
    on the sheets must find each change ``_clean`` would make, in any sheet."""
    from laa_xl.core.issues import Location
    from laa_xl.io.return_scan import _all_clean, _clean

    grids = {"Cover": [["Partnership code", "P1"]], "Q2": [["Target ref", "Commentary"], ["NI 1", None], ["NI 2", cell]]}
    assert _all_clean(grids) is clean
    assert (_clean(cell, Location(), []) == cell) is clean
