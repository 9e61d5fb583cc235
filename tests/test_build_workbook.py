"""`laa-xl build-workbook`: the central .xlsm built from source, read back by independent tools."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree as ET
from python_calamine import CalamineWorkbook

from laa_xl.core import demo
from laa_xl.excel import build, layout
from laa_xl.io.register_io import read_register

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook" / "LAA_Central.xlsm"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build.build_workbook(tmp_path_factory.mktemp("wb") / "LAA_Central.xlsm")


def bas_sources() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "macros").glob("*.bas"))}


def lf(text: str) -> str:
    return text.replace("\r\n", "\n").rstrip("\n")


def test_macros_read_back_by_olevba_are_the_bas_files(built):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(built))
    try:
        found = {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    sources = bas_sources()
    assert sources, "macros/*.bas is empty"
    for name, src in sources.items():
        assert lf(found[name]) == lf(src), name
    # and Excel gets a document module for the workbook and for every sheet, as it makes them itself
    assert {"ThisWorkbook", *(f"Sheet{i}" for i in range(1, len(layout.SHEET_ORDER) + 1))} <= set(found)


def test_vba_project_is_a_compound_file_with_the_module_streams(built):
    import olefile

    data = zipfile.ZipFile(built).read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(data)
    streams = {"/".join(s) for s in ole.listdir()}
    assert {"PROJECT", "VBA/dir", "VBA/_VBA_PROJECT", "VBA/LAA", "VBA/ThisWorkbook"} <= streams
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Module=LAA" in project


def test_the_project_refers_to_the_xlwings_addin(built):
    from pyopenvba import ExcelFile

    with ExcelFile(built) as book:
        refs = {r.name: r.kind for r in book.references()}
    assert refs.get("xlwings") == "project"


def test_each_button_is_assigned_to_its_macro_which_calls_its_python_function(built):
    z = zipfile.ZipFile(built)
    vml = [n for n in z.namelist() if n.startswith("xl/drawings/vmlDrawing")]
    assert len(vml) == 1
    xml = z.read(vml[0]).decode("utf-8")
    buttons = {}
    for shape in re.findall(r"<v:shape\b.*?</v:shape>", xml, flags=re.S):
        if 'ObjectType="Button"' not in shape:
            continue
        caption = re.sub(r"<[^>]+>", "", re.search(r"<v:textbox.*?</v:textbox>", shape, flags=re.S).group(0)).strip()
        macro = re.search(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", shape).group(1)
        buttons[caption] = macro
    assert buttons == {b.caption: b.macro for b in layout.BUTTONS}
    # the drawing belongs to the Home sheet
    wb_rels = z.read("xl/_rels/workbook.xml.rels").decode()
    home_target = re.search(r'Id="rId1"[^>]*Target="([^"]+)"', wb_rels).group(1)
    sheet_rels = z.read(f"xl/worksheets/_rels/{Path(home_target).name}.rels").decode()
    assert Path(vml[0]).name in sheet_rels
    # each macro is a Sub in macros/*.bas that runs its own button function through RunPython
    code = "\n".join(bas_sources().values())
    for b in layout.BUTTONS:
        body = re.search(rf"Public Sub {b.macro}\(\)\n(.*?)End Sub", code, flags=re.S)
        assert body, b.macro
        assert f'RunPython "import laa_xl.excel.buttons as b; b.{b.function}()"' in body.group(1)


def test_buttons_module_has_every_button_function():
    from laa_xl.excel import buttons

    for b in layout.BUTTONS:
        assert callable(getattr(buttons, b.function)), b.function


def test_sheets_register_and_config(built):
    book = CalamineWorkbook.from_path(str(built))
    assert book.sheet_names == list(layout.SHEET_ORDER)
    reg, _ = read_register(built)
    for lay in layout.placeholders(reg):  # the consolidation's own layouts, cut after their header row
        rows = book.get_sheet_by_name(lay.name).to_python()
        want = [[v if v is not None else "" for v in r] for r in lay.values()]
        assert [r[: len(want[0])] for r in rows] == want, lay.name
        assert any(c is not None and c.style == "header" for c in lay.rows[-1]), f"{lay.name} ends at its header"
    data = book.get_sheet_by_name("Data").to_python()
    assert data == [list(layout.DATA_COLUMNS)]  # empty below its header until Consolidate
    assert tuple(layout.DERIVED_SHEETS) == ("Data", "Issues", "Log", "GO Return", "PSB Summary", "Reward", "Risks",
                                            "Spend")  # fmt: skip
    conf = book.get_sheet_by_name(layout.CONF_SHEET).to_python()
    assert conf[0][:2] == ["UDF Modules", "laa_xl.excel.udfs"]
    register, issues = read_register(built)
    assert not [i for i in issues if i.severity == "error"]
    assert len(register.targets) == len(demo.register_grids()["Targets"]) - 1
    # Targets is an Excel table
    z = zipfile.ZipFile(built)
    tables = [n for n in z.namelist() if n.startswith("xl/tables/")]
    assert len(tables) == 1
    root = ET.fromstring(z.read(tables[0]))
    assert root.get("name") == layout.TARGETS_TABLE


def test_build_is_reproducible_and_the_committed_workbook_is_a_fresh_build(built, tmp_path):
    again = build.build_workbook(tmp_path / "again.xlsm")
    assert again.read_bytes() == built.read_bytes()
    assert COMMITTED.exists(), "run: laa-xl build-workbook"
    assert COMMITTED.read_bytes() == built.read_bytes(), "workbook/LAA_Central.xlsm is stale: run laa-xl build-workbook"


def test_cli_builds_to_out(tmp_path):
    out = tmp_path / "sub" / "Central.xlsm"
    r = subprocess.run([sys.executable, "-m", "laa_xl", "build-workbook", "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == COMMITTED.read_bytes()


def test_the_central_workbook_is_only_written_as_xlsm(tmp_path):
    """Macro-enabled content under an .xlsx name is a file Excel refuses to open."""
    r = subprocess.run([sys.executable, "-m", "laa_xl", "build-workbook", "--out", str(tmp_path / "Central.xlsx")],
                       cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 2 and "must be saved as .xlsm" in r.stderr and not (tmp_path / "Central.xlsx").exists()


def test_missing_macros_folder_is_a_clear_message(tmp_path):
    with pytest.raises(build.MacrosMissing, match="macros"):
        build.build_workbook(tmp_path / "x.xlsm", macros_dir=tmp_path / "nowhere")


@pytest.mark.libreoffice
def test_libreoffice_opens_it_and_recalculates_home(built, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice not installed")
    r = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xlsx",
                        "--outdir", str(tmp_path / "out"), str(built)], capture_output=True, text=True, timeout=120)  # fmt: skip
    out = tmp_path / "out" / "LAA_Central.xlsx"
    assert r.returncode == 0 and out.exists(), r.stderr
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == list(layout.SHEET_ORDER)
    home = book.get_sheet_by_name(layout.HOME).to_python(skip_empty_area=False)
    shown = {row[build.HOME_SETTINGS_COL]: row[build.HOME_SETTINGS_COL + 1] for row in home
             if len(row) > build.HOME_SETTINGS_COL + 1 and row[build.HOME_SETTINGS_COL]}  # fmt: skip
    settings = {r[0]: r[1] for r in demo.register_grids()["Settings"][1:]}
    assert shown["Current period"] == settings["Current period"]
    assert shown["GO email"] == settings["GO email"]
    deadline = next(r[2] for r in demo.register_grids()["Timetable"][1:] if r[0] == settings["Current period"])
    got = shown["Return deadline"]
    assert (got.date() if isinstance(got, dt.datetime) else got) == deadline
