"""What python-calamine does not show about a return, read from its sheet XML, and text no output can hold.

python-calamine reads an error cell (``#REF!``, ``#N/A``) and a formula with no
saved result as ``''``, the same as an empty cell, so an Actual of ``#REF!``
would silently become "no actual". It also reads hidden sheets without a word
and cannot say that a heading was lost in merged cells. ``scan_return`` reads
the quarter sheets' XML once (the file has passed the preflight, so its size
and extent are bounded) and turns each of these into an issue at its cell:

- ``error-value``: an Excel error in an input cell (an error for the Actual,
  which then counts as No data; a warning for a text column, left blank);
- ``formula-without-value``: a formula whose result was never saved (the
  value cannot be known: formulas in a return are never evaluated here);
- ``formula-in-input``: a formula with a saved value (e.g. ``HYPERLINK``):
  only the value it showed is used, never the formula or its link;
- ``hidden-sheet`` and ``merged-header``: read anyway, and listed.

``clean_text`` then removes control characters and cuts text longer than an
Excel cell holds (32,767 characters), so every output can hold what was read.
"""

from __future__ import annotations

import contextlib
import functools
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..core.issues import Issue, Location, error, warning
from ..core.returns import Cell, ReturnData, ReturnRow
from ..core.table import norm
from .preflight import workbook_parts, workbook_sheets

MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
# Control characters Excel cannot show and XML 1.0 cannot carry (tab, line feed and carriage return stay).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


# A cell tag not written '<c r="...' (no reference, another attribute first, or a namespace prefix): such a sheet
# is read with the general pattern below.
_ODD_CELL = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="))')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")


@functools.lru_cache(maxsize=64)
def _cell_pattern(cols: tuple[str, ...], regular: bool) -> re.Pattern[bytes]:
    """The <c> elements in these columns. ``regular`` (every cell tag starts '<c r="', as Excel, openpyxl and
    XlsxWriter write them): a pattern starting with that literal text, which the regex engine skips to, about
    twice as fast as trying every tag of the sheet."""
    alt = "|".join(cols).encode()
    if regular:
        return re.compile(rb'<c( r="(?:' + alt + rb')[0-9]+"[^>]*?)(?:/>|>(.*?)</c>)', re.S)
    return re.compile(rb'<(?:\w+:)?c\b(\s[^>]*?\br="(?:' + alt + rb')[0-9]+"[^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)


def _cells_in(data: bytes, refs: set[str] | None) -> list[tuple[bytes, bytes]]:
    """(attributes, content) of the <c> elements of a sheet, only in the columns of ``refs`` when given (one regex
    pass, in C)."""
    if refs is None:
        return _CELL.findall(data)
    cols = tuple(sorted(c for c in {r.rstrip("0123456789") for r in refs} if c.isalpha() and c.isupper()))
    if not cols:
        return []
    regular = _ODD_CELL.search(data) is None and _PREFIXED_CELL.search(data) is None
    return _cell_pattern(cols, regular).findall(data)


# ReturnRow fields typed by the officer, with their column headings.
INPUT_FIELDS = {
    "actual": "Actual", "rag_override": "RAG override", "override_reason": "Override reason",
    "commentary": "Commentary", "remedial_action": "Remedial action", "evidence": "Inspection/survey evidence",
    "data_quality_note": "Data quality note",
}  # fmt: skip


@dataclass(frozen=True)
class XmlCell:
    """A cell calamine would misreport: an error value, or a formula (with or without a saved value)."""

    formula: bool
    value: str | None  # the saved <v> text, None when there is none
    is_error: bool


@dataclass
class SheetXml:
    state: str = "visible"  # visible, hidden or veryHidden
    cells: dict[str, XmlCell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int, str]] = field(default_factory=list)  # row1, col1, row2, col2, A1:B2


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def scan_sheets(
    path: str | Path,
    sheets: Iterable[str],
    cells: Mapping[str, set[str]] | None = None,
    sheet_xml: Mapping[str, bytes] | None = None,
) -> dict[str, SheetXml]:
    """Error cells, formula cells, merges and visibility of the named sheets.

    ``cells``: per sheet, the only cell references worth looking at (the input cells); a sheet not in it is
    not read at all (only its visibility is given). Default: every cell of every sheet.
    ``sheet_xml``: worksheet XML already inflated (by the preflight), by lower-case part name, with
    ``xl/workbook.xml`` and its relationships; the file is opened only for what is not in it.
    """
    want = set(sheets)
    out: dict[str, SheetXml] = {}
    given = sheet_xml if sheet_xml is not None else {}
    with contextlib.ExitStack() as stack:
        z: zipfile.ZipFile | None = None
        names: dict[str, str] = {}

        def opened() -> zipfile.ZipFile:
            nonlocal z, names
            if z is None:
                z = stack.enter_context(zipfile.ZipFile(path))
                names = {n.lower(): n for n in z.namelist()}
            return z

        wb, rels = given.get("xl/workbook.xml"), given.get("xl/_rels/workbook.xml.rels")
        if wb is None or rels is None:
            wb, rels = workbook_parts(opened()) or (b"", b"")  # none: no sheets to name, nothing is scanned
        parts = {sheet: (part, state) for sheet, part, state in workbook_sheets(wb, rels)}
        for sheet, (part, state) in parts.items():
            if sheet not in want:
                continue
            sx = SheetXml(state)
            out[sheet] = sx
            if cells is not None and sheet not in cells:
                continue  # only its visibility was wanted
            data = given.get(part.lower())
            if data is None:
                zf = opened()
                real = names.get(part.lower())
                if real is None:
                    continue  # no such part
                data = zf.read(real)
            wanted = None if cells is None else cells.get(sheet, set())
            # Only a cell with t="e" or an <f> (or <x:f>) can count: a sheet holding neither needs no cell scan.
            if b"<f" in data or b":f" in data or b't="e"' in data:  # the first is found at once in most sheets
                for attrs, inner in _cells_in(data, wanted):
                    if b't="e"' in attrs or b"<f" in inner or b":f" in inner:  # most cells: neither
                        _add_cell(sx, attrs, inner, wanted)
            # <mergeCells> follows <sheetData> (the schema's order): only the end of the sheet is searched
            if data.find(b"mergeCell", max(0, data.rfind(b"</sheetData>"))) < 0:
                continue
            for m in _MERGE.finditer(data):
                c1, r1, c2, r2 = (g.decode() for g in m.groups())
                sx.merges.append((int(r1), _col(c1), int(r2), _col(c2), f"{c1}{r1}:{c2}{r2}"))
    return out


def _add_cell(sx: SheetXml, attrs: bytes, inner: bytes, wanted: set[str] | None) -> None:
    is_error = b't="e"' in attrs
    if not (is_error or ((b"<f" in inner or b":f" in inner) and _FORMULA.search(inner))):
        return
    ref = _REF.search(attrs)
    if ref is None or (wanted is not None and ref.group(1).decode() not in wanted):
        return
    v = _VALUE.search(inner)
    value = v.group(1).decode("utf-8", "replace") if v and v.group(1) else None
    sx.cells[ref.group(1).decode()] = XmlCell(_FORMULA.search(inner) is not None, value, is_error)


def _header_row(grid: Sequence[Sequence[Any]], first: str = "Target ref") -> int | None:
    for i, row in enumerate(grid[:50]):
        if any(norm(v) == norm(first) for v in row if isinstance(v, str)):
            return i + 1
    return None


def scan_return(
    path: str | Path,
    grids: Mapping[str, Sequence[Sequence[Any]]],
    data: ReturnData,
    sheet_xml: Mapping[str, bytes] | None = None,
) -> None:
    """Add the issues only the sheet XML shows to ``data`` (and blank what calamine misread), in place.

    ``sheet_xml``: the worksheet XML the preflight inflated (``preflight(..., sheet_xml=...)``), so each sheet is
    inflated once."""
    used = {r.ref.location.sheet for r in data.rows}
    used |= {c.location.sheet for c in data.cover.values()}
    used |= {i.location.sheet for i in data.issues if i.location.sheet in grids}
    used |= {r.risk.location.sheet for r in data.risks} | {s.block.location.sheet for s in data.spend}
    used.discard("")
    if not used:
        return
    inputs: dict[str, set[str]] = {
        i.location.sheet: set() for i in data.issues if i.code in ("missing-column", "missing-header")
    }  # sheets whose headings may have been lost in merged cells
    for row in data.rows:
        for name in INPUT_FIELDS:
            loc = getattr(row, name).location
            if loc.cell:
                inputs.setdefault(loc.sheet, set()).add(loc.cell)
    for sheet, worked in data.worked_out.items():  # formulas the officer may have typed over
        if sheet in inputs:
            inputs[sheet].update(worked)
    xml = scan_sheets(path, used, inputs, sheet_xml)
    issues: list[Issue] = []
    for sheet in sorted(used):
        sx = xml.get(sheet)
        if sx is None:
            continue
        if sx.state != "visible":
            issues.append(warning("hidden-sheet", f"The '{sheet}' sheet is hidden. It was read anyway; unhide it "
                                  "(right-click a sheet tab > Unhide) to check what it holds.",
                                  Location(data.file, sheet)))  # fmt: skip
        hr = _header_row(grids.get(sheet, [])) if sx.merges else None
        for r1, _c1, r2, _c2, ref in sx.merges:
            if hr is not None and r1 <= hr <= r2:
                issues.append(warning("merged-header", f"Cells {ref} in the heading row are merged, which can hide "
                                      "a heading (Excel keeps only the top-left value). Unmerge them (Home > Merge & "
                                      "Center) and put the headings back as issued.",
                                      Location(data.file, sheet, ref.split(":")[0])))  # fmt: skip
    for sheet, worked in sorted(data.worked_out.items()):
        sx = xml.get(sheet)
        if sx is not None and sheet in inputs:
            issues.extend(_typed_over(data.file, sheet, {c: v for c, v in worked.items() if c not in sx.cells}))
    for row in data.rows:
        sx = xml.get(row.ref.location.sheet)
        if sx is None or not sx.cells:
            continue
        for name, heading in INPUT_FIELDS.items():
            cell: Cell = getattr(row, name)
            found = sx.cells.get(cell.location.cell) if cell.location.cell else None
            if found is not None:
                issues.extend(_cell_issue(row, name, heading, cell, found))
    data.issues.extend(issues)


def _typed_over(file: str, sheet: str, cells: Mapping[str, tuple[str, Any]]) -> Iterator[Issue]:
    """One warning per worked-out column whose formulas were typed over (a value with no formula), naming the cells
    and what they hold: what is typed there is never used, and is most often a figure meant for Actual."""
    by_heading: dict[str, list[tuple[str, Any]]] = {}
    for cell, (heading, value) in sorted(cells.items(), key=lambda kv: (len(kv[0]), kv[0])):
        by_heading.setdefault(heading, []).append((cell, value))
    for heading, found in by_heading.items():
        shown = ", ".join(f"{c} ({_shown(v)})" for c, v in found[:4]) + (
            f" and {len(found) - 4} more" if len(found) > 4 else "")  # fmt: skip
        yield warning("formula-typed-over", f"'{heading}' on {sheet} was typed over in {shown}: it is worked out "
                      "from Actual and Profile, so what is typed there is not used. Type a figure under Actual, "
                      "and copy the column's formula back from another row (or ask for a fresh return).",
                      Location(file, sheet, found[0][0]))  # fmt: skip


def _shown(v: Any) -> str:
    """A value as the message quotes it: a long text cut (the whole message must fit an Issues cell)."""
    t = f"{v:g}" if isinstance(v, float) else str(v)
    return t if len(t) <= 60 else t[:57] + "…"


def _cell_issue(row: ReturnRow, name: str, heading: str, cell: Cell, found: XmlCell) -> Iterator[Issue]:
    target = f"{row.ref.value} {row.quarter}: " if row.ref.value else ""
    actual = name == "actual"
    what = "figure" if actual else "text"
    if found.is_error:
        setattr(row, name, Cell(None, cell.location))
        err = found.value or "an error"
        if actual:
            yield error("error-value", f"{target}the Actual shows {err} (an Excel error), so it counts as No data. "
                        "Type the figure itself.", cell.location)  # fmt: skip
        else:
            yield warning("error-value", f"{target}'{heading}' shows {err} (an Excel error), so it is left blank. "
                          "Type the text itself.", cell.location)  # fmt: skip
    elif found.value is None:
        setattr(row, name, Cell(None, cell.location))
        msg = (f"{target}'{heading}' is a formula whose result was never saved, so it cannot be read (formulas in "
               f"a return are never worked out here). Type the {what} itself.")  # fmt: skip
        yield error("formula-without-value", msg, cell.location) if actual else warning(
            "formula-without-value", msg, cell.location)
    else:
        yield warning("formula-in-input", f"{target}'{heading}' is a formula, not a typed {what}: only the value it "
                      "showed is used; the formula (and any link in it) is not carried into the consolidation. "
                      f"Type the {what} itself.", cell.location)  # fmt: skip


def _clean(value: Any, location: Location, issues: list[Issue]) -> Any:
    if not isinstance(value, str):
        return value
    out = value
    if _CONTROL.search(out):
        out = _CONTROL.sub("", out)
        issues.append(warning("control-characters", "This cell holds invisible control characters (often from a "
                              "copy and paste); they were removed. Check the text reads as you meant.", location))  # fmt: skip
    if len(out) > MAX_CELL_TEXT:
        issues.append(warning("text-too-long", f"This cell holds {len(out):,} characters, more than an Excel cell "
                              f"can hold ({MAX_CELL_TEXT:,}); only the first {MAX_CELL_TEXT:,} were kept. Shorten "
                              "it, or put the detail in a separate document.", location))  # fmt: skip
        out = out[:MAX_CELL_TEXT]
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def clean_text(data: ReturnData, grids: Mapping[str, Sequence[Sequence[Any]]] | None = None) -> None:
    """Remove control characters and cut over-long text in every cell read, each change listed, in place (a cell
    whose text needs no change is kept as it is). ``grids``: the sheets ``data`` was read from; when no text in them
    needs a change (almost every return), nothing read from them can, and the cells are not gone through."""
    if grids is not None and _all_clean(grids):
        return
    issues: list[Issue] = []
    for label, c in list(data.cover.items()):
        v = _clean(c.value, c.location, issues)
        if v is not c.value:
            data.cover[label] = Cell(v, c.location)
    for rec in [*data.rows, *data.risks, *data.spend]:
        for name in _field_names(type(rec)):
            c = getattr(rec, name)
            if isinstance(c, Cell) and isinstance(c.value, str):
                v = _clean(c.value, c.location, issues)
                if v is not c.value:
                    setattr(rec, name, Cell(v, c.location))
    data.issues.extend(issues)


def _all_clean(grids: Mapping[str, Sequence[Sequence[Any]]]) -> bool:
    """No text in these sheets has a control character or is longer than a cell holds (each sheet's text searched
    at once, joined by line feeds, which are kept)."""
    for grid in grids.values():
        texts = [v for row in grid for v in row if isinstance(v, str)]
        if texts and (max(map(len, texts)) > MAX_CELL_TEXT or _CONTROL.search("\n".join(texts))):
            return False
    return True
