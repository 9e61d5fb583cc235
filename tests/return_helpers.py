"""Test helpers: fill a return as an officer would (openpyxl), and recalculate with LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import openpyxl

Values = Mapping[str, Any]


def _header(ws: Any, first: str = "Target ref") -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows(min_row=1, max_row=30):
        texts = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if first in texts:
            return row[0].row, texts
    raise LookupError(f"no '{first}' header on {ws.title}")


def fill_return(path: str | Path, values: Mapping[str, Any], out: str | Path | None = None) -> Path:
    """Type values into a return with openpyxl and save it (to ``out`` or in place).

    ``values``: ``{"Cover": {"Completed by": "A N Other", ...},
    "Q2": {"NI 117": {"Actual": 6.4, "Commentary": "..."}, ...},
    "Risks": [{"Risk ID": "R1", ...}, ...], "Spend": [{"Block": "CYP", ...}]}``.
    A string is typed as a string (never a formula), as Excel keeps text typed in a text cell.
    """
    wb = openpyxl.load_workbook(path)
    for sheet, vals in values.items():
        ws = wb[sheet]
        if sheet == "Cover":
            rows = {str(ws.cell(r, 1).value).strip(): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
            for label, v in vals.items():
                _set(ws.cell(rows[label], 2), v)
        elif sheet in ("Risks", "Spend"):
            hr, cols = _header(ws, "Risk ID" if sheet == "Risks" else "Block")
            r = hr + 1
            for rec in vals:
                while any(ws.cell(r, cols[h]).value not in (None, "") for h in rec if h in ("Risk ID", "Risk")) or (
                    sheet == "Spend" and "Block" in rec and ws.cell(r, cols["Block"]).value not in (None, rec["Block"])
                ):
                    r += 1
                for h, v in rec.items():
                    _set(ws.cell(r, cols[h]), v)
                r += 1
        else:
            hr, cols = _header(ws)
            refs = {str(ws.cell(r, cols["Target ref"]).value).strip(): r for r in range(hr + 1, ws.max_row + 1)}
            for ref, rec in vals.items():
                for h, v in rec.items():
                    _set(ws.cell(refs[ref], cols[h]), v)
    target = Path(out or path)
    wb.save(target)
    return target


def _set(cell: Any, v: Any) -> None:
    cell.value = v
    if isinstance(v, str) and v.startswith("="):
        cell.data_type = "s"


def have_soffice() -> bool:
    return shutil.which("soffice") is not None


def soffice_convert(paths: Iterable[str | Path], out_dir: str | Path, fmt: str = "xlsx") -> list[Path]:
    """Open files in LibreOffice headless and save them as ``fmt`` (one batch: ~2 s however many files)."""
    paths = [Path(p) for p in paths]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--calc", "--convert-to", fmt,
             "--outdir", str(out), *map(str, paths)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    results = [out / (p.stem + "." + fmt.split(":")[0]) for p in paths]
    missing = [r for r in results if not r.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return results


def cell_targets(path: str | Path, values: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """Where ``fill_return`` would type each value: (sheet, A1 cell, value), for the quarter sheets and Cover."""
    from laa_xl.core.issues import cell_name
    from laa_xl.io.grids import read_grids

    grids = read_grids(path)
    out: list[tuple[str, str, Any]] = []
    for sheet, vals in values.items():
        grid = grids[sheet]
        if sheet == "Cover":
            rows = {str(r[0]).strip(): i + 1 for i, r in enumerate(grid) if r and r[0] is not None}
            out += [(sheet, f"B{rows[label]}", v) for label, v in vals.items()]
            continue
        hr = next(i for i, r in enumerate(grid) if "Target ref" in r)
        cols = {h: c + 1 for c, h in enumerate(grid[hr]) if h}
        rows = {r[cols["Target ref"] - 1]: i + 1 for i, r in enumerate(grid) if i > hr}
        for ref, rec in vals.items():
            out += [(sheet, cell_name(rows[ref], cols[h]), v) for h, v in rec.items()]
    return out


def libreoffice_fill(path: str | Path, values: Mapping[str, Any], out: str | Path) -> Path:
    """Type values into a return *with LibreOffice itself* (a Basic macro, headless) and save it as .xlsx.

    Numbers are typed as numbers, strings as text, exactly as ``fill_return`` does with openpyxl.
    """
    from xml.sax.saxutils import escape

    src, dst = Path(path).resolve(), Path(out).resolve()
    lines = []
    for sheet, cell, v in cell_targets(src, values):
        if v is None:
            continue
        call = f"setValue({float(v)!r})" if isinstance(v, int | float) else 'setString("{}")'.format(
            str(v).replace('"', '""'))
        lines.append(f'  doc.Sheets.getByName("{sheet}").getCellRangeByName("{cell}").{call}')
    basic = "\n".join([
        "Sub Fill",
        "  Dim args(0) As New com.sun.star.beans.PropertyValue",
        '  args(0).Name = "Hidden"', "  args(0).Value = True",
        f'  doc = StarDesktop.loadComponentFromURL("{src.as_uri()}", "_blank", 0, args())',
        *lines,
        "  Dim props(0) As New com.sun.star.beans.PropertyValue",
        '  props(0).Name = "FilterName"', '  props(0).Value = "Calc MS Excel 2007 XML"',
        f'  doc.storeToURL("{dst.as_uri()}", props())',
        "  doc.close(True)",
        "End Sub",
    ])  # fmt: skip
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--terminate_after_init"],
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        module.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD '
            'OfficeDocument 1.0//EN" "module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
            f'script:name="Module1" script:language="StarBasic">{escape(basic, {chr(34): "&quot;"})}</script:module>\n',
            encoding="utf-8",
        )
        dst.unlink(missing_ok=True)
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "macro:///Standard.Module1.Fill"], check=True, capture_output=True, timeout=120)  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not dst.exists():
        raise RuntimeError(f"LibreOffice did not write {dst}")
    return dst
