"""The streaming sheet reader (``sheet_stream``) against python-calamine, on what XlsxWriter, LibreOffice and
openpyxl write and on hand-written SpreadsheetML; and its fallback to python-calamine for shapes it does not know."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from laa_xl.core import demo
from laa_xl.core.periods import FinancialYear
from laa_xl.core.register import load_register
from laa_xl.io import consolidated as cio
from laa_xl.io.grids import read_columns
from laa_xl.io.sheet_stream import NotPlain, sheet_rows, stream_columns

from .return_helpers import have_soffice, soffice_convert
from .test_consolidated_workbook import consolidation

TRICKY = [
    "plain", "a\r\nb", "tab\there", "_x0041_ stays as typed", "x_x005F_y", "fish & chips <b>", '"quoted" \'too\'',
    "  spaces kept  ", "Ŵ Welsh ŷ, emoji 🙂, CJK 中文", "=1+1 stays text", "NI 154", "",
]  # fmt: skip


def tricky_workbook(path: Path) -> Path:
    """Every kind of value a sheet without dates can hold, as XlsxWriter writes it: gaps, far columns, blanks."""
    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Ref", "Text", "Number", "Flag"])
    for r, s in enumerate(TRICKY, start=1):
        ws.write_string(r, 0, f"R{r}")
        ws.write_string(r, 1, s)
        ws.write_number(r, 2, [0, -0.1, 1e20, 12.0, 1 / 3, 123456789.125, -5e-12][r % 7])
        ws.write_boolean(r, 3, r % 2 == 0)
    ws.write_blank(20, 0, None, bold)  # a formatted blank cell: no value
    ws.write_string(24, 27, "far column AB")  # rows 22-24 empty
    ws.write_formula(25, 0, "=1/0", None, "#DIV/0!")
    ws.write_formula(26, 0, '="a"&"b"', None, "ab")
    ws.write_formula(27, 0, "=TRUE()", None, True)
    ws.write_formula(28, 0, "=2*3", None, 6)
    ws.write_rich_string(29, 1, "rich ", bold, "text", " & more")
    other = wb.add_worksheet("Other")
    other.write(3, 2, "starts at C4")
    wb.close()
    return path


def calamine_rows(path: Path, sheet: str) -> list[list[Any]]:
    """python-calamine's rows, from column A, a date as the number it is stored as (the one documented difference:
    the streaming reader does not read the styles that make a number a date)."""
    s = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    rows = [[""] * s.start[1] + [_serial(v) for v in r] for r in s.iter_rows()] if s.start else []
    return _tidy(rows)


def _serial(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(v, dt.date):
        return float((v - dt.date(1899, 12, 30)).days)
    if isinstance(v, dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    return v


def _tidy(rows: list[list[Any]]) -> list[list[Any]]:
    """Trailing empty cells and rows, and leading empty rows, left out (where the two readers may differ)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def streamed_rows(path: Path, sheet: str) -> list[list[Any]]:
    rows = sheet_rows(path, sheet)
    assert rows is not None
    return _tidy(list(rows))


def same(path: Path) -> None:
    names = CalamineWorkbook.from_path(str(path)).sheet_names
    for name in names:
        want = calamine_rows(path, name)
        assert want, f"{path.name} {name}: nothing to compare"
        assert streamed_rows(path, name) == want, f"{path.name} {name}"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    reg, _ = load_register(demo.register_grids(), "register.xlsx")
    d = tmp_path_factory.mktemp("stream")
    cons = consolidation(reg)
    cons.carried = [dataclasses.replace(o, year=FinancialYear(2007)) for o in cons.observations]  # last year's
    return cons, cio.write_consolidated(cons, d / "CONSOLIDATED.xlsx", demo.register_grids())


def test_our_consolidated_workbook_reads_as_calamine_reads_it(written):
    _, out = written
    same(out)
    want = read_columns(out, "Data", "Ref", cio.DATA_READ)
    assert want and len(want) == 2 * len(written[0].observations)
    assert stream_columns(out, "Data", "Ref", cio.DATA_READ) == want


def test_a_workbook_saved_by_excel_itself_reads_as_calamine_reads_it():
    """The one file saved by Microsoft Excel at hand: the quickstart workbook xlwings ships (Excel 16: shared
    strings, rows with ``spans`` and ``x14ac:dyDescent``, styled cells). Read natively (sheet_rows raises NotPlain
    rather than falling back), value for value as python-calamine reads it."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart.xlsm"
    with zipfile.ZipFile(path) as z:
        assert b"<Application>Microsoft Excel</Application>" in z.read("docProps/app.xml")
        assert b'<row r="1" spans="1:2" x14ac:dyDescent=' in z.read("xl/worksheets/sheet2.xml")
    assert streamed_rows(path, "Sheet1") == calamine_rows(path, "Sheet1") == []  # <sheetData/>
    want = calamine_rows(path, "_xlwings.conf")
    assert len(want) == 17 and want[0][0] == "Interpreter_Win"
    assert streamed_rows(path, "_xlwings.conf") == want


def test_tricky_values_read_as_calamine_reads_them(tmp_path):
    path = tricky_workbook(tmp_path / "tricky.xlsx")
    same(path)
    got = streamed_rows(path, "Data")
    assert [r[1] for r in got[1:len(TRICKY)]] == TRICKY[:-1]  # what was typed, escapes undone (the last: blank)
    assert got[24][27] == "far column AB" and got[29][1] == "rich text & more" and got[25] == []  # an error


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_soffice(), reason="LibreOffice not installed")
def test_what_libreoffice_saves_reads_as_calamine_reads_it(tmp_path, written):
    tricky = tricky_workbook(tmp_path / "tricky.xlsx")
    saved = soffice_convert([tricky, written[1]], tmp_path / "lo")
    for path in saved:
        same(path)
    got = streamed_rows(saved[0], "Data")
    assert [r[1] for r in got[4:10]] == TRICKY[3:9]  # escapes, entities, spaces and emoji as typed


def test_what_openpyxl_saves_reads_as_calamine_reads_it(tmp_path):
    path = tricky_workbook(tmp_path / "tricky.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.save(tmp_path / "openpyxl.xlsx")
    same(tmp_path / "openpyxl.xlsx")


SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.'
         b'org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>')  # fmt: skip
SST = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
       b'<si><t>Ref</t></si><si><r><t xml:space="preserve">Tok </t></r><r><rPr><b/></rPr><t>yo</t></r>'
       b'<rPh sb="0" eb="1"><t>\xe3\x83\x88</t></rPh></si><si><t>&#10;line&#x263A;&quot; </t></si><si/><si><t/></si>'
       b'<si><t xml:space="preserve">&#10;kept </t></si><si><r><t> c </t></r><r><t xml:space="preserve"> d </t></r></si>'
       b"</sst>")  # fmt: skip


def handmade(path: Path, rows: bytes, sst: bytes = SST) -> Path:
    """A workbook of one sheet "Data" with the given ``<sheetData>`` rows, written part by part."""
    ns = b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   b'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                   b'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                   b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                   b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')  # fmt: skip
        z.writestr("_rels/.rels", b'<?xml version="1.0" encoding="UTF-8"?><Relationships ' + ns + b'><Relationship '
                   b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   b'officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
        z.writestr("xl/workbook.xml", b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                   b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   b'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
                   b"</workbook>")  # fmt: skip
        z.writestr("xl/_rels/workbook.xml.rels", b'<?xml version="1.0" encoding="UTF-8"?><Relationships ' + ns +
                   b'><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   b'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://'
                   b'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                   b'Target="sharedStrings.xml"/></Relationships>')  # fmt: skip
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/sheet1.xml", SHEET % rows)
    return path


def test_inline_strings_phonetic_runs_references_and_shared_formulas(tmp_path):
    rows = (b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
            b'<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c>'
            b'<c r="G1" t="s"><v>6</v></c></row><row r="2" spans="1:3"/>'
            b'<row r="3"><c r="A3" t="inlineStr"><is><t>in &amp; line</t></is></c><c r="B3" t="inlineStr"><is><r><t>'
            b'ri</t></r><r><t>ch</t></r></is></c><c r="C3" s="1" t="n"><v>2.5</v></c><c r="D3"><v/></c>'
            b'<c r="E3"><f t="shared" ref="E3:E4" si="0">C3*2</f><v>5</v></c></row>'
            b'<row r="4"><c r="E4"><f t="shared" si="0"/><v>7</v></c><c r="F4" t="str"><f>A3</f><v>x_x0042_</v></c>'
            b'</row>')  # fmt: skip
    path = handmade(tmp_path / "hand.xlsx", rows)
    same(path)
    got = streamed_rows(path, "Data")
    assert got[0] == ["Ref", "Tok yo", "line☺\"", "", "", "\nkept ", "c d "]  # trimmed unless xml:space="preserve"
    assert got[2] == ["in & line", "rich", 2.5, "", 5.0] and got[3] == ["", "", "", "", 7.0, "xB"]


@pytest.mark.parametrize("cell", [
    b'<c t="s"><v>0</v></c>',  # no reference
    b'<c s="1" r="B2" t="s"><v>0</v></c>',  # attributes in another order
    b'<c r="B2" t="d"><v>2008-04-01</v></c>',  # an ISO date
    b'<c r="B2" t="s" cm="1"><v>0</v></c>',  # an attribute not known here
    b'<c r="B2" t="s"><v>99</v></c>',  # a shared string that is not there
    b'<c r="B2"><v>twelve</v></c>',  # a number that is not one
    b'<c r="B2" t="s"><v>-1</v></c>',  # a shared string index that is not one (Python would take the last)
])  # fmt: skip
def test_a_shape_not_known_here_is_refused_not_guessed(tmp_path, cell):
    path = handmade(tmp_path / "odd.xlsx", b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">' + cell + b"</row>")
    with pytest.raises(NotPlain):
        streamed_rows(path, "Data")


def test_rows_left_empty_under_the_header_are_passed_over(written, tmp_path):
    """A row someone emptied or inserted in Excel under Data's header is not written at all: the rows after it
    are read as python-calamine reads them, and read_previous gets every actual."""
    cons, out = written
    data = _data_part(out)
    with zipfile.ZipFile(out) as z:
        xml = z.read(data)
    second = re.compile(rb'<row r="2"[ >].*?</row>', re.S)
    assert second.search(xml)
    gap = tmp_path / "CONSOLIDATED.xlsx"
    _rezip(out, gap, {data: second.sub(b"", xml)})
    want = read_columns(gap, "Data", "Ref", cio.DATA_READ)
    assert want and len(want) == 2 * len(cons.observations) - 1
    assert stream_columns(gap, "Data", "Ref", cio.DATA_READ) == want
    assert len(cio.read_previous(gap)[0]) == 2 * len(cons.observations) - 1


def test_cells_and_rows_out_of_order_are_refused(tmp_path):
    for rows in (b'<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>',
                 b'<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>2</v></c></row>'):  # fmt: skip
        with pytest.raises(NotPlain):
            streamed_rows(handmade(tmp_path / "odd.xlsx", rows), "Data")


def test_no_such_sheet_is_none(tmp_path):
    path = handmade(tmp_path / "hand.xlsx", b'<row r="1"><c r="A1"><v>1</v></c></row>')
    assert sheet_rows(path, "Nope") is None and stream_columns(path, "Nope", "Ref", ["Ref"]) is None


def test_read_previous_falls_back_to_calamine_part_way_and_keeps_nothing_twice(written, tmp_path, monkeypatch):
    """A cell the streaming reader does not know, near the end of Data: rows were already handed on when it is
    met. read_previous starts again with python-calamine and gets exactly what it gets from the file as written."""
    from laa_xl.io import sheet_stream

    monkeypatch.setattr(sheet_stream, "_CHUNK", 4096)  # the sheet inflated in many pieces, as a national one is
    cons, out = written
    actuals, carried = cio.read_previous(out, carry=FinancialYear(2007))
    want = (actuals, list(carried))
    assert len(want[0]) == 2 * len(cons.observations) and len(want[1]) == len(cons.observations)
    changed = tmp_path / "CONSOLIDATED.xlsx"
    _rezip(out, changed, {_data_part(out): _odd_last_cell(out)})
    handed: list[tuple[Any, ...]] = []
    with pytest.raises(NotPlain):
        stream_columns(changed, "Data", "Ref", cio.DATA_READ, on_row=handed.append)
    assert len(handed) > len(cons.observations)  # most rows were handed on before the odd cell was met
    actuals, carried = cio.read_previous(changed, carry=FinancialYear(2007))
    assert (actuals, list(carried)) == want


def test_read_consolidated_streams_data_and_falls_back_the_same(written, tmp_path, monkeypatch):
    """``go-return`` reads Data back row by row too: the same Consolidation as from the whole sheet (as the live
    central workbook gives it), streamed and through the fallback to python-calamine part-way."""
    from laa_xl.io import sheet_stream
    from laa_xl.io.grids import read_grids

    monkeypatch.setattr(sheet_stream, "_CHUNK", 4096)
    cons, out = written
    whole, evidence, _ = cio.consolidation_from_grids(read_grids(out), out.name)
    assert len(whole.observations) == len(list(whole.carried)) == len(cons.observations)
    changed = tmp_path / "CONSOLIDATED.xlsx"
    _rezip(out, changed, {_data_part(out): _odd_last_cell(out)})
    for path in (out, changed):
        back, back_evidence, _ = cio.read_consolidated(path)
        assert back.observations == whole.observations and list(back.carried) == list(whole.carried)
        assert back_evidence == evidence and back.log == whole.log and back.period == whole.period


def test_read_consolidated_says_what_is_missing(written, tmp_path):
    from laa_xl.errors import UnreadableFile

    _, out = written
    data = _data_part(out)
    with zipfile.ZipFile(out) as z:
        xml = z.read(data)
    no_header = tmp_path / "no-header.xlsx"
    head = re.compile(rb'<row r="1"[ >].*?</row>', re.S)
    assert head.search(xml)
    _rezip(out, no_header, {data: head.sub(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nothing</t></is></c></row>', xml)})
    with pytest.raises(UnreadableFile, match=r"\[no-header.xlsx\]Data: cannot find the header row"):
        cio.read_consolidated(no_header)
    no_data = tmp_path / "no-data.xlsx"
    with zipfile.ZipFile(out) as z:
        book = z.read("xl/workbook.xml")
    _rezip(out, no_data, {"xl/workbook.xml": book.replace(b'name="Data"', b'name="Old data"')})
    with pytest.raises(UnreadableFile, match="no-data.xlsx is not a consolidated workbook: it has no Data sheet"):
        cio.read_consolidated(no_data)


def _odd_last_cell(path: Path) -> bytes:
    """The Data sheet's XML with the last row's first cell's attributes reversed (valid, but not a shape the
    streaming reader knows)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read(_data_part(path))
    last = xml.rindex(b'<c r="A')
    end = xml.index(b">", last)
    attrs = dict(a.split(b"=", 1) for a in xml[last + 3 : end].split(b" "))
    return xml[:last] + b"<c " + b" ".join(k + b"=" + v for k, v in reversed(attrs.items())) + xml[end:]


def _data_part(path: Path) -> str:
    from laa_xl.io.preflight import workbook_sheets

    with zipfile.ZipFile(path) as z:
        sheets = workbook_sheets(z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels"))
    return next(part for name, part, _ in sheets if name == "Data")


def _rezip(src: Path, dest: Path, replace: dict[str, bytes]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            b.writestr(info.filename, replace.get(info.filename, a.read(info)))
    dest.write_bytes(buf.getvalue())


def test_carried_rows_are_held_deflated_and_come_back_the_same(written, monkeypatch):
    """Last year's rows read back are held pickled and deflated a block at a time (``PackedRows``), and come back,
    every time they are gone through, as the Observations read_consolidated makes of the same rows."""
    from laa_xl.io import packed

    monkeypatch.setattr(packed, "BLOCK", 9)  # many blocks and a part-filled last one, as a national year has
    cons, out = written
    _, carried = cio.read_previous(out, carry=FinancialYear(2007))
    want = list(cio.read_consolidated(out)[0].carried)
    assert len(want) == len(cons.observations) > 9 * 3 and len(want) % 9
    assert len(carried) == len(want) and list(carried) == want and list(carried) == want
    assert len(carried._blocks) == len(want) // 9 and all(isinstance(b, bytes) for b in carried._blocks)
    carried.clear()
    assert len(carried) == 0 and list(carried) == []
