"""The streamed painter writes exactly what the cell-by-cell painter writes for the same layout.

Big sheets are painted row by row (``laa_xl.io.stream_paint``); each test paints a layout both
ways (streamed, and materialised as cells through ``Painter``'s ordinary path) and compares what
openpyxl reads back: every cell's value, type and look, merges, heights, widths, print set-up.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import zipfile

import numpy as np
import pytest
from test_consolidated_workbook import consolidation
from xlsx_snapshot import differences, snapshot

from laa_xl.core import demo
from laa_xl.core.layout import Cell, SheetLayout, StreamLayout
from laa_xl.core.periods import Period
from laa_xl.core.register import load_register
from laa_xl.io import consolidated as cio
from laa_xl.io.stream_paint import StreamWorksheet


@pytest.fixture(scope="module")
def register():
    reg, _ = load_register(demo.register_grids(), "register.xlsx")
    return reg


def both_ways(tmp_path, make):
    """Paint ``make()`` streamed and materialised; their snapshots."""
    streamed = cio.write_workbook(tmp_path / "streamed.xlsx", make())
    plain = cio.write_workbook(tmp_path / "plain.xlsx",
                               [x.materialise() if isinstance(x, StreamLayout) else x for x in make()])  # fmt: skip
    return snapshot(streamed), snapshot(plain)


@pytest.mark.parametrize("period", ["2008/09 Q2", "2008/09 Q4"])
def test_consolidated_and_register_sheets_streamed_equal_cell_by_cell(tmp_path, register, period):
    cons = consolidation(register, Period.parse(period))

    def make():
        return [*cio.consolidated_streams(cons), *cio.register_streams(demo.register_grids(), cons.period)]

    assert sum(isinstance(x, StreamLayout) for x in make()) >= 10
    a, b = both_ways(tmp_path, make)
    assert differences(a, b) == []
    assert len(a["Data"]["cells"]) > 500 and a["GO Return"]["merges"]


def edge_layout() -> StreamLayout:
    lay = StreamLayout("Edges", widths=[10, 20, 8], freeze=(2, 1), landscape=True, print_scale=70, page_breaks=[5])
    lay.add(Cell("Title", "title"))
    lay.add(Cell("Ref", "header"), Cell(None, "header"), Cell("", "header"), None, Cell(3.5, "number", 2))
    lay.heights[0] = 30.0
    lay.merges.append((0, 0, 0, 3))  # a head merge wider than its row

    def body():
        yield ("=HYPERLINK(\"x\")", 1.25, None, "", dt.date(2009, 3, 31)), ("text", "number", "plain", "rag", "date"), 1, 40
        yield (float("nan"), True, np.int64(7), "Red", dt.datetime(2008, 4, 1, 12)), ("number", "plain", "number", "rag",
                                                                                       "date"), 0, None  # fmt: skip
        lay.merges.append((4, 1, 6, 2))  # declared before its first row; top-left None
        yield (None, None, "hidden by the merge", "x" * 40000), (None, "target", "text", "text"), None, 20
        yield (), (), None, 50  # a row with a height and no cells
        yield ("a", "", 0.1), ("plain", "text", "pct"), None, None
        lay.merges.append((7, 0, 7, 2))  # top-left an empty string
        yield ("", "b", "c"), ("outcome", "outcome", "outcome"), None, None
        yield (-0.0, 1e-20, 123456789.123456789), ("number", "total", "money"), 3, None
        yield (None, 5.0, "n/a", 2), ("number", "number", "number", "number"), None, None  # no decimals: '#,##0'
        lay.autofilter = (1, 0, 9, 2)

    lay.body = body()
    return lay


def test_edge_cells_streamed_equal_cell_by_cell(tmp_path):
    a, b = both_ways(tmp_path, lambda: [edge_layout()])
    assert differences(a, b) == []
    cells = a["Edges"]["cells"]
    assert cells[(3, 1)][0] == '=HYPERLINK("x")' and cells[(3, 1)][1] == "s"  # text stays text
    assert cells[(4, 2)][0] is True and cells[(4, 3)][0] == "7"  # numpy's int64 is written as text, as before
    assert len(cells[(5, 4)][0]) == 32767 and cells[(5, 3)][0] is None  # C5 is under the merge
    assert a["Edges"]["heights"][6] == pytest.approx(50, abs=0.5) and a["Edges"]["merges"] == ["A1:D1", "A8:C8", "B5:C7"]


def test_the_snapshot_sees_a_difference(tmp_path):
    """Guard for the two tests above: a changed look, value or height is a difference."""

    def changed():
        lay = edge_layout()
        lay.rows[1][4] = Cell(3.5, "number", 1)
        return [lay]

    a = snapshot(cio.write_workbook(tmp_path / "a.xlsx", [edge_layout()]))
    b = snapshot(cio.write_workbook(tmp_path / "b.xlsx", changed()))
    assert differences(a, b)


def test_a_merge_declared_late_is_refused(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the streamed rows are written meanwhile
    lay = StreamLayout("Late")

    def body():
        yield ("a",), ("plain",), None, None
        lay.merges.append((0, 0, 1, 0))
        yield ("b",), ("plain",), None, None

    lay.body = body()
    with pytest.raises(RuntimeError, match="declared after"):
        cio.write_workbook(tmp_path / "late.xlsx", [lay])
    assert not (tmp_path / "late.xlsx").exists()
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("laa-rows-")]  # nothing left behind


def test_materialise_gives_the_cells_of_the_stream():
    lay = edge_layout().materialise()
    assert isinstance(lay, SheetLayout) and not isinstance(lay, StreamLayout)
    assert lay.rows[2][1] == Cell(1.25, "number", 1) and lay.rows[2][0] == Cell('=HYPERLINK("x")', "text")
    assert lay.heights == {0: 30.0, 2: 40, 4: 20, 5: 50} and lay.autofilter == (1, 0, 9, 2)
    assert math.isnan(lay.rows[3][0].value)
    assert StreamWorksheet.__mro__[1].__name__ == "Worksheet"


@pytest.mark.parametrize("period", ["2008/09 Q2", "2008/09 Q4"])
def test_trend_charts_copied_from_a_prototype_write_the_same_xml(tmp_path, register, period, monkeypatch):
    """The PSB trend charts share one prototype's settings, and the sheet is streamed; their XML equals
    charts built one by one on a sheet painted cell by cell (cached values included)."""
    import zipfile

    from laa_xl.core import reports
    from laa_xl.io import paint

    cons = consolidation(register, Period.parse(period))

    def parts(path):
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if n.startswith(("xl/charts/", "xl/drawings/", "[Content"))}

    shared = parts(cio.write_workbook(tmp_path / "shared.xlsx", [reports.psb_layout(cons)]))
    # the sheet streamed (no cell table): the charts' cached values come from the cells written
    streamed = parts(cio.write_workbook(tmp_path / "streamed.xlsx", [StreamLayout.of(reports.psb_layout(cons))]))
    assert streamed == shared
    assert b"<c:numCache>" in b"".join(streamed.values()) and b"<c:strCache>" in b"".join(streamed.values())
    monkeypatch.setattr(paint.Painter, "_line_chart", lambda self, spec: None)  # each chart built on its own
    alone = parts(cio.write_workbook(tmp_path / "alone.xlsx", [reports.psb_layout(cons)]))
    assert sum(b"<c:lineChart>" in v for v in shared.values()) >= 2
    assert shared.keys() == alone.keys()
    assert [n for n in shared if shared[n] != alone[n]] == []


@pytest.mark.parametrize("batch", [None, 7])
def test_merges_of_a_streamed_sheet_are_the_xml_xlsxwriter_writes(tmp_path, register, batch, monkeypatch):
    """StreamWorksheet writes <mergeCells> itself (in bulk, the layout's merges let go every _BATCH): the
    same bytes as XlsxWriter's own."""
    import re
    import zipfile

    from laa_xl.core import reports
    from laa_xl.io import stream_paint

    if batch:
        monkeypatch.setattr(stream_paint, "_BATCH", batch)

    cons = consolidation(register, Period.parse("2008/09 Q4"))
    streamed = cio.write_workbook(tmp_path / "s.xlsx", [reports.go_return_stream(cons), edge_layout()])
    plain = cio.write_workbook(tmp_path / "p.xlsx", [reports.go_return_layout(cons), edge_layout().materialise()])

    def merges(path):
        with zipfile.ZipFile(path) as z:
            return [re.search(rb"<mergeCells .*?</mergeCells>", z.read(f"xl/worksheets/sheet{i}.xml")).group(0)
                    for i in (1, 2)]  # fmt: skip

    got, want = merges(streamed), merges(plain)
    assert got == want and got[0].count(b"<mergeCell ") > 100


TRICKY = ["plain", "a & b < c > d \"q\" 'a'", " leading", "trailing ", "two\nlines", "tab\there", "_x0041_ literal",
          "ctl\x01char", "\x1f", "<r>looks rich</r>", "<r>half", "nbsp\u00a0inside", "\u00a0", "emoji \U0001F600",
          "£100", "=HYPERLINK(\"x\")", "soft\u00adhyphen", "x" * 5000, "_x", "end_x", "ideographic\u3000"]  # fmt: skip


def many_strings():
    """Clean strings in their hundreds (so whole chunks are written in bulk), a tricky one now and then."""
    out = [f"target {i} & <{i}> £" if i % 3 else f"NI {i}" for i in range(700)]
    for k, t in enumerate(TRICKY):
        out.insert(k * 29 + 5, t)
    return ["", *out, "a_", "xb", " ", "last"]  # '_' and 'x' meet across strings; '' and a lone space


@pytest.mark.parametrize("strings", [TRICKY * 3, many_strings()], ids=["tricky", "many"])
def test_shared_strings_written_in_bulk_are_the_bytes_xlsxwriter_writes(tmp_path, strings):
    from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable

    from laa_xl.io.xlsx_fast import FastSharedStrings

    table = SharedStringTable()
    for s in strings:
        table._get_shared_string_index(s)
    table._sort_string_data()

    def written(cls, name):
        sst = cls()
        sst.string_table = table
        sst._set_xml_writer(str(tmp_path / name))
        sst._assemble_xml_file()
        return (tmp_path / name).read_bytes()

    ours, theirs = written(FastSharedStrings, "fast.xml"), written(SharedStrings, "plain.xml")
    assert ours == theirs and b"_x005F_x0041_" in theirs and b"&amp;" in theirs  # the guard sees escapes


def test_workbook_parts_are_deflated_at_zip_level(tmp_path):
    """The zip level is set on XlsxWriter's own ZipFile: every part's deflated size is zlib's at ZIP_LEVEL."""
    import zipfile
    import zlib

    import xlsxwriter.workbook

    from laa_xl.io.xlsx_fast import ZIP_LEVEL

    lay = SheetLayout("Plain")
    for i in range(3000):
        lay.add(Cell(f"row {i} " * 3), Cell(i * 1.5, "number", 1))
    path = cio.write_workbook(tmp_path / "z.xlsx", [lay])
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # put back after the close
    with zipfile.ZipFile(path) as z:
        infos = [i for i in z.infolist() if i.file_size > 2000]
        assert infos
        for info in infos:
            raw = z.read(info)
            c = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
            assert info.compress_size == len(c.compress(raw) + c.flush()), info.filename
            c6 = zlib.compressobj(6, zlib.DEFLATED, -15)
            assert info.compress_size != len(c6.compress(raw) + c6.flush()) or len(raw) < 4000, info.filename


def test_the_dynamic_functions_are_those_xlsxwriter_looks_for():
    """FormulaWorksheet's list against XlsxWriter's own: the search that sends a formula to be written as an array,
    and the names _prepare_formula prefixes before it looks at use_future_functions (a new XlsxWriter that adds
    one fails here)."""
    import inspect
    import re

    import xlsxwriter.worksheet as xw

    from laa_xl.io.xlsx_fast import DYNAMIC_FUNCTIONS

    searched = set(re.findall(r"\\b([A-Z]+)\\\(", xw.re_dynamic_function.pattern))
    src = inspect.getsource(xw.Worksheet._prepare_formula).split("use_future_functions")[0]
    prefixed = set(re.findall(r'r"\\[bS]([A-Z]+)\\\(", "_xlfn\.', src))
    assert "INGLE" in prefixed  # its "\\SINGLE\\(": any character, then INGLE(
    assert searched and set(DYNAMIC_FUNCTIONS) == searched == (prefixed - {"INGLE"}) | {"SINGLE"}


FORMULAS = [
    "=SUM(A1:A3)", "=IF(AND(ISNUMBER(G5),ISNUMBER(F5)),(G5-F5)/ABS(F5),\"\")", "=_xlfn.UNICHAR(160)&A1",
    "=SORT(A1:A3)", "=1+SORT(A1:A3)", "=XSORT(A1)", "=A1&\"SORT(\"", "=(1SORT(A1))", "=1SORT(A1)", "= SORT(A1)",
    "=ASINGLE(A1)", "=1SINGLE(A1)", "=SINGLE(A1)", "=SORTBY(A1:A2,B1:B2)", "=_xlfn.SORT(A1)", "{=SUM(A1:A3*B1:B3)}",
    "=LAMBDA(x,x+1)(2)", "=FILTER(A1:A9,B1:B9>2)", "=XLOOKUP(1,A1:A3,B1:B3)", "=MAP(A1:A3,LAMBDA(x,x))",
    "=IFERROR(SEQUENCE(3),0)", "=A1*2", "=\"UNIQUE(\"&UNIQUE(A1:A3)", "=LET(x,1,x)",
]  # fmt: skip


def test_formulas_are_written_as_xlsxwriter_writes_them(tmp_path):
    """Each formula (dynamic-array functions with and without a boundary before them, digits around them, arrays,
    prefixed names, and a return's own long formulas) in a FormulaWorksheet and in XlsxWriter's Worksheet: the
    same sheet XML, byte for byte."""
    import zipfile

    import openpyxl
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    from laa_xl.io.returns_writer import issue_returns
    from laa_xl.io.xlsx_fast import FormulaWorksheet

    reg, _ = load_register(demo.register_grids(), "register.xlsx")
    (ret,) = [p for p in issue_returns(reg, "2008/09", tmp_path / "issued") if p.name.startswith("CYP")]
    theirs = [c.value for ws in openpyxl.load_workbook(ret).worksheets for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("=")]  # fmt: skip
    assert len(theirs) > 100
    xml = {}
    for cls in (Worksheet, FormulaWorksheet):
        path = tmp_path / f"{cls.__name__}.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("F", worksheet_class=cls)
        for r, f in enumerate([*FORMULAS, *theirs, *FORMULAS]):  # each shape twice: the second from the cache
            ws.write_formula(r, 0, f)
        wb.close()
        xml[cls] = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert xml[Worksheet] == xml[FormulaWorksheet]
    assert b"_xlfn._xlws.SORT(A1:A3)" in xml[Worksheet] and b"_xlfn.SINGLE" in xml[Worksheet]  # some were dynamic


def test_returns_issued_with_formula_worksheets_are_the_files_xlsxwriter_writes(tmp_path, monkeypatch):
    """Every part of every Demoshire return (formulas, conditional formats, validations) the same with XlsxWriter's
    Worksheet, but the creation time and the target rows' heights, which are not marked custom (``growing_rows``:
    they grow as commentary is typed)."""
    import re
    import zipfile

    from xlsxwriter.worksheet import Worksheet

    from laa_xl.io import returns_writer

    class Plain(Worksheet):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.growing_rows: set[int] = set()  # noted, and written as XlsxWriter writes every row

    reg, _ = load_register(demo.register_grids(), "register.xlsx")
    ours = returns_writer.issue_returns(reg, "2008/09", tmp_path / "ours")
    monkeypatch.setattr(returns_writer, "FormulaWorksheet", Plain)
    plain = returns_writer.issue_returns(reg, "2008/09", tmp_path / "plain")
    assert len(ours) == len(plain) == 6
    row = re.compile(rb'<row r="(\d+)"[^>]*>')
    for a, b in zip(ours, plain, strict=True):
        za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
        assert za.namelist() == zb.namelist()
        growing = 0
        for n in za.namelist():
            xa, xb = za.read(n), zb.read(n)
            if n.startswith("xl/worksheets/"):  # rows with a height not marked custom: the only change
                tags = {m.group(1): m.group(0) for m in row.finditer(xa) if b" ht=" in m.group(0)
                        and b"customHeight" not in m.group(0)}  # fmt: skip
                growing += len(tags)
                xb = row.sub(lambda m, tags=tags: tags.get(m.group(1), m.group(0)) if m.group(0).replace(
                    b' customHeight="1"', b"") == tags.get(m.group(1)) else m.group(0), xb)  # fmt: skip
            assert xa == xb or n == "docProps/core.xml", (a.name, n)
        assert growing >= 4 * len(reg.targets_for(a.name.split("_")[0])), a.name  # each target row of Q1-Q4
        assert any(b"<cfRule" in za.read(n) for n in za.namelist())


def varied_rows_layout() -> StreamLayout:
    """Rows that a compiled row function writes (issue 8), with what it must hand back to the cell-by-cell path: a
    long string, to be cut or not, a NaN; and with what it must get right itself: a RAG met first in a later row of a
    signature already compiled, blanks, an empty string, dates, integers, booleans."""
    lay = StreamLayout("Varied", widths=[10, 12, 8, 8, 30])
    lay.add(Cell("Varied", "title"))
    lay.header_row = lay.add(*(Cell(h, "header") for h in ("Ref", "RAG", "Actual", "When", "Note")))
    styles = ("plain", "rag", "number", "date", "text")
    rags = ["Green", "Amber", "Red", "No data", "Not due", "", None, "green"]

    def body():
        for i in range(60):
            note: object = f"note {i % 7}" if i % 3 else None
            if i == 20:
                note = "y" * 20000  # over half the limit, not over it: kept whole
            if i in (21, 40):
                note = "z" * 40000  # over the limit: cut, as XlsxWriter cuts it
            actual: object = [1.5 * i, None, np.int64(i), True, float("nan"), "", 7][i % 7]
            when: object = [dt.date(2009, 3, 31), dt.datetime(2008, 4, 1, 12), None][i % 3]
            yield (f"NI {i % 5}", rags[(i * 3) % len(rags)] if i > 10 else "Green", actual, when, note), styles, i % 3, None
        yield ("last", "Red", 1.0, None, None), list(styles), 1, 30.0  # styles as a list, a height
        r = 2 + 61  # merged blocks, as the GO Return's targets: a top-left of each kind, the cells under it
        for n, corner in enumerate(["block", None, 2.5, float("nan"), "", dt.date(2009, 1, 5), "w" * 20000] * 2):
            lay.merges.append((r, 0, r + 2, 0))
            lay.merges.append((r, 4, r + 1, 4))
            if n % 3 == 0:
                lay.merges.append((r + 2, 1, r + 2, 3))  # along a row
            yield (corner, "Amber", 1.0 * n, None, f"note {n}"), ("plain", "rag", "number", "date", "text"), 1, None
            yield (None, "Green", None, None, None), styles, 1, None
            yield (None, "Red", 3.0, None, "after"), ("plain", "rag", "number", "date", "text"), 1, None
            r += 3

    lay.body = body()
    return lay


def test_compiled_rows_write_the_bytes_the_cell_by_cell_path_writes(tmp_path, register, monkeypatch):
    """Each row is written by one compiled f-string where it can be (``stream_paint.compile_row``); switched off
    (no row compiled), every row goes cell by cell. The two workbooks are the same, part for part, byte for byte:
    the same cells, the same shared strings in the same order, the same formats made in the same order."""
    from laa_xl.io import stream_paint

    cons = consolidation(register, Period.parse("2008/09 Q3"))

    def make():
        return [*cio.consolidated_streams(cons), *cio.register_streams(demo.register_grids(), cons.period),
                varied_rows_layout(), edge_layout()]  # fmt: skip

    compiled = cio.write_workbook(tmp_path / "compiled.xlsx", make())
    monkeypatch.setattr(stream_paint, "_COMPILED_MAX", 0)
    plain = cio.write_workbook(tmp_path / "plain.xlsx", make())
    with zipfile.ZipFile(compiled) as a, zipfile.ZipFile(plain) as b:
        assert a.namelist() == b.namelist()
        assert [n for n in a.namelist() if a.read(n) != b.read(n)] == []
    cells = snapshot(compiled)["Varied"]["cells"]
    assert len(cells[(23, 5)][0]) == 20000 and len(cells[(24, 5)][0]) == 32767  # rows 21 and 22 of the body
    assert cells[(7, 3)][0] is None  # the NaN: a formatted blank


def test_compiled_rows_refuse_infinity_as_the_cell_by_cell_path_does(tmp_path):
    lay = StreamLayout("Inf")
    lay.body = iter([((1.0,), ("number",), 1, None), ((float("inf"),), ("number",), 1, None)])
    with pytest.raises(TypeError, match="NAN/INF"):
        cio.write_workbook(tmp_path / "inf.xlsx", [lay])


def test_a_streamed_sheet_of_row_heights_alone_is_written_as_its_cells_would_be(tmp_path):
    """Found by fuzzing the streamed painter: rows with heights and no cell written made XlsxWriter fail at close
    (its dimension had a row and no column); written cell by cell, the same layout was fine."""

    def make():
        lay = StreamLayout("Heights")
        lay.body = iter([(("",), ("plain",), None, 20.0), ((), (), None, 30.0)])
        return [lay]

    a, b = both_ways(tmp_path, make)
    assert differences(a, b) == [] and a["Heights"]["heights"]


def test_a_merge_starting_past_the_end_of_its_row_is_written_as_its_cells_would_be(tmp_path):
    """Found by fuzzing: a merge whose top-left lies past the last cell of a head row raised IndexError."""

    def make():
        lay = StreamLayout("Past")
        lay.add(Cell("a", "plain"))
        lay.merges.append((0, 1, 0, 2))
        lay.body = iter([(("x",), ("plain",), None, None)])
        return [lay]

    a, b = both_ways(tmp_path, make)
    assert differences(a, b) == [] and a["Past"]["merges"] == ["B1:C1"]
