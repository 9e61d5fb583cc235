"""The safety preflight refuses unsafe returns before any parser sees them (SPEC 8).

Each unsafe file is built in code from a real issued return.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from laa_xl.io.preflight import OLE_MAGIC, Limits, UnsafeFile, preflight
from laa_xl.io.returns_reader import read_return

ROOT = Path(__file__).resolve().parent.parent


def _rezip(src: Path, dst: Path, extra: dict[str, bytes] | None = None, edit=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if edit:
                data = edit(info.filename, data)
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def _refused(path: Path, **kw) -> UnsafeFile:
    with pytest.raises(UnsafeFile) as e:
        preflight(path, **kw)
    assert path.name in str(e.value)  # every message names the file
    return e.value


def test_issued_return_passes(issued_dir: Path) -> None:
    assert preflight(issued_dir / "CYP_2008-09.xlsx") == []


def test_file_too_large(issued_dir: Path) -> None:
    assert _refused(issued_dir / "CYP_2008-09.xlsx", limits=Limits(max_file_bytes=1000)).code == "file-too-large"


def test_encrypted_and_legacy_xls(tmp_path: Path) -> None:
    body = OLE_MAGIC + b"\0" * 4096  # an OLE compound file: what Excel writes for a password-protected .xlsx
    (tmp_path / "locked.xlsx").write_bytes(body)
    (tmp_path / "old.xls").write_bytes(body)
    assert _refused(tmp_path / "locked.xlsx").code == "encrypted-file"
    assert _refused(tmp_path / "old.xls").code == "legacy-xls"


def test_ods_and_not_a_workbook(tmp_path: Path) -> None:
    ods = tmp_path / "return.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert _refused(ods).code == "ods-file"
    disguised = tmp_path / "return.xlsx"
    disguised.write_bytes(ods.read_bytes())
    assert _refused(disguised).code == "ods-file"
    (tmp_path / "notes.xlsx").write_text("not a spreadsheet")
    assert _refused(tmp_path / "notes.xlsx").code == "not-xlsx"


def test_macros(issued_dir: Path, tmp_path: Path) -> None:
    bad = _rezip(issued_dir / "CYP_2008-09.xlsx", tmp_path / "CYP.xlsx", {"xl/vbaProject.bin": b"\0" * 100})
    assert _refused(bad).code == "macros"
    assert preflight(bad, allow_macros=True) == []


def test_external_links(issued_dir: Path, tmp_path: Path) -> None:
    bad = _rezip(issued_dir / "CYP_2008-09.xlsx", tmp_path / "CYP.xlsx",
                 {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    assert _refused(bad).code == "external-links"


def test_zip_bombs(issued_dir: Path, tmp_path: Path) -> None:
    ratio = _rezip(issued_dir / "CYP_2008-09.xlsx", tmp_path / "ratio.xlsx", {"xl/media/pad.bin": b"\0" * 20_000_000})
    assert _refused(ratio).code == "zip-bomb"
    many = _rezip(issued_dir / "CYP_2008-09.xlsx", tmp_path / "many.xlsx",
                  {f"xl/media/p{i}.bin": b"x" for i in range(2_100)})
    assert _refused(many).code == "zip-bomb"
    assert _refused(issued_dir / "CYP_2008-09.xlsx", limits=Limits(max_uncompressed_bytes=10_000)).code == "zip-bomb"


def test_stray_far_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Q1"
    wb.active["A1"] = "Target ref"
    wb.active["XFD1048576"] = 1
    wb.save(tmp_path / "far.xlsx")
    e = _refused(tmp_path / "far.xlsx")
    assert (e.code, e.sheet, e.cell) == ("far-cell", "Q1", "XFD1048576")


def test_far_dimension_only(issued_dir: Path, tmp_path: Path) -> None:
    """A <dimension> claiming A1:XFD1048576 is refused even with no cell out there."""

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet3.xml":
            return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
        return data

    bad = _rezip(issued_dir / "CYP_2008-09.xlsx", tmp_path / "CYP.xlsx", edit=edit)
    e = _refused(bad)
    assert (e.code, e.sheet) == ("far-cell", "Q2")


def test_read_return_runs_preflight_first(issued_dir: Path, tmp_path: Path) -> None:
    bad = _rezip(issued_dir / "CYP_2008-09.xlsx", tmp_path / "CYP.xlsx", {"xl/vbaProject.bin": b"\0"})
    with pytest.raises(UnsafeFile):
        read_return(bad)


def test_check_reports_unsafe_file_without_crashing(tmp_path: Path, register_path: Path, issued_dir: Path) -> None:
    """In a separate process: if a far cell ever reached calamine it would abort the whole process."""
    wb = openpyxl.Workbook()
    wb.active["XFD1048576"] = 1
    wb.save(tmp_path / "far.xlsx")
    ok = issued_dir / "HWB_2008-09.xlsx"
    res = subprocess.run([sys.executable, "-m", "laa_xl", "check", str(tmp_path / "far.xlsx"), str(ok),
                          "--register", str(register_path), "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    assert [(i["file"], i["sheet"], i["cell"], i["code"]) for i in doc["issues"]] == [
        ("far.xlsx", "Sheet", "XFD1048576", "far-cell")]
    assert [f["readable"] for f in doc["summary"]["files"]] == [False, True]


def test_check_reports_damaged_file(tmp_path: Path, register_path: Path) -> None:
    from click.testing import CliRunner

    from laa_xl.cli import main

    damaged = tmp_path / "CYP_2008-09.xlsx"
    with zipfile.ZipFile(damaged, "w") as z:  # passes the zip checks, but calamine cannot read it
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<not a workbook")
    res = CliRunner().invoke(main, ["check", str(damaged), "--register", str(register_path), "--json"])
    assert res.exit_code == 1, res.output
    assert [(i["file"], i["code"]) for i in json.loads(res.output)["issues"]] == [("CYP_2008-09.xlsx", "unreadable-file")]


def test_a_workbook_saved_by_excel_itself_passes_and_its_macros_are_what_refuses_it():
    """xlwings' quickstart.xlsm, saved by Excel 16 (the one such file at hand): nothing in the shapes Excel writes
    trips the preflight; as a return it is refused for its macros alone."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart.xlsm"
    assert preflight(path, allow_macros=True) == []
    with pytest.raises(UnsafeFile) as e:
        preflight(path)
    assert e.value.code == "macros"
