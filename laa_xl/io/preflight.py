"""Safety preflight for untrusted workbooks (SPEC 8), run before any parser sees a file.

Returns come from outside the council. Before python-calamine or openpyxl
opens one we check, from the raw bytes and the zip directory only: the file
size, the zip (entry count, total size after decompression, compression
ratio), encryption (an encrypted ``.xlsx`` is an OLE compound file, as is a
legacy ``.xls``), ``.ods``, macros (``vbaProject.bin``), external links
(``xl/externalLinks/``) and stray far cells (a single value at XFD1048576
makes calamine try to allocate hundreds of GB and abort the process, so every
sheet's ``<dimension>`` and cell references are scanned as a stream first).
Each refusal is an :class:`UnsafeFile` naming the file, with a stable code.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

from ..core.issues import Issue, Location, error
from ..errors import UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 25 * 1024 * 1024
    max_entries: int = 2_000
    max_uncompressed_bytes: int = 300 * 1024 * 1024
    max_ratio: float = 150.0  # per entry, for entries above 1 MB uncompressed
    max_rows: int = 100_000
    max_columns: int = 1_000  # column ALL
    max_cells: int = 5_000_000  # rows x columns of a sheet's extent


LIMITS = Limits()


class UnsafeFile(UnreadableFile):
    """A workbook refused before parsing: the message says which file and why."""

    def __init__(self, code: str, file: str, message: str, sheet: str = "", cell: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.file = file
        self.sheet = sheet
        self.cell = cell

    @property
    def issue(self) -> Issue:
        return error(self.code, str(self), Location(self.file, self.sheet, self.cell))


_CELL_RE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"')
_ROW_RE = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="([0-9]{1,8})"')
_DIM_RE = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref="([^"]*)"')
_REF_RE = re.compile(r"^\$?([A-Z]{1,4})\$?([0-9]{1,8})$")
# The three patterns above in one pass (findall runs in C; a sheet has a few distinct refs per row).
_ANY_RE = re.compile(
    rb'<(?:\w+:)?(?:c\s[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"|row\s[^>]*?\br="([0-9]{1,8})"'
    rb'|dimension\s[^>]*?\bref="([^"]*)")'
)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def preflight(path: str | Path, *, allow_macros: bool = False, limits: Limits = LIMITS) -> list[Issue]:
    """Refuse (raise UnsafeFile) anything unsafe to parse; return the non-fatal issues (none today)."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise UnsafeFile("file-not-found", name, f"{path} does not exist (or is not a file).")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise UnsafeFile("file-too-large", name, f"{name} is {size / 1e6:.1f} MB; a return should be well under "
                         f"{limits.max_file_bytes / 1e6:.0f} MB. Check it is the right file.")  # fmt: skip
    with open(path, "rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head == OLE_MAGIC:
        if suffix == ".xls":
            raise UnsafeFile("legacy-xls", name, f"{name} is an old Excel 97-2003 (.xls) file. Open it in Excel and "
                             "save it as an Excel Workbook (.xlsx), then send that.")  # fmt: skip
        raise UnsafeFile("encrypted-file", name, f"{name} is password-protected (encrypted), so it cannot be read. "
                         "Remove the password (File > Info > Protect Workbook) and send it again.")  # fmt: skip
    if suffix == ".xls":
        raise UnsafeFile("legacy-xls", name, f"{name} has the old .xls extension. Save it as .xlsx and send that.")
    if suffix in (".ods", ".ots"):
        raise UnsafeFile("ods-file", name, f"{name} is an OpenDocument spreadsheet. Save it as an Excel Workbook "
                         "(.xlsx) and send that.")  # fmt: skip
    if not zipfile.is_zipfile(path):
        raise UnsafeFile("not-xlsx", name, f"{name} is not an Excel .xlsx workbook (it is not a zip package). "
                         "Save it as .xlsx and send it again.")  # fmt: skip
    try:
        with zipfile.ZipFile(path) as z:
            _check_zip(z, name, allow_macros, limits)
            _check_extent(z, name, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as e:
        raise UnsafeFile("damaged-file", name, f"{name} is damaged and cannot be read ({e}). Save it again as "
                         ".xlsx and send it again.") from e  # fmt: skip
    return []


def _check_zip(z: zipfile.ZipFile, name: str, allow_macros: bool, limits: Limits) -> None:
    infos = z.infolist()
    if len(infos) > limits.max_entries:
        raise UnsafeFile("zip-bomb", name, f"{name} holds {len(infos):,} parts, far more than a workbook has; it "
                         "was not opened.")  # fmt: skip
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise UnsafeFile("zip-bomb", name, f"{name} would expand to {total / 1e6:,.0f} MB; it was not opened. "
                         "Check it is the right file.")  # fmt: skip
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise UnsafeFile("zip-bomb", name, f"{name} has a part ({i.filename}) that expands "
                             f"{i.file_size / max(i.compress_size, 1):,.0f} times; it was not opened.")  # fmt: skip
    names = [i.filename for i in infos]
    lower = [n.lower() for n in names]
    if any(n.lower().startswith("mimetype") for n in names) and "[content_types].xml" not in lower:
        raise UnsafeFile("ods-file", name, f"{name} is an OpenDocument spreadsheet saved with an Excel name. Save "
                         "it as an Excel Workbook (.xlsx).")  # fmt: skip
    if "[content_types].xml" not in lower or not any(n.startswith("xl/workbook") for n in lower):
        raise UnsafeFile("not-xlsx", name, f"{name} is a zip file but not an Excel workbook. Send the .xlsx return.")
    if not allow_macros and any(n.endswith("vbaproject.bin") for n in lower):
        raise UnsafeFile("macros", name, f"{name} contains macros (VBA). Returns must be macro-free: save it as an "
                         "Excel Workbook (.xlsx), not .xlsm, and send it again.")  # fmt: skip
    if any(n.startswith("xl/externallinks/") for n in lower):
        raise UnsafeFile("external-links", name, f"{name} links to other workbooks (external links). Break the "
                         "links (Data > Edit Links > Break Link), save, and send it again.")  # fmt: skip


def _sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name (xl/worksheets/sheet1.xml) -> sheet name, for messages."""
    try:
        wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, ValueError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for s in wb.iter():
        if s.tag.endswith("}sheet"):
            rid = next((v for k, v in s.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[part.lower()] = s.get("name", "")
    return out


def _check_extent(z: zipfile.ZipFile, name: str, limits: Limits) -> None:
    sheets = _sheet_names(z)
    for info in z.infolist():
        part = info.filename
        if not (part.lower().startswith("xl/worksheets/") and part.lower().endswith(".xml")):
            continue
        sheet = sheets.get(part.lower(), part)
        max_row, max_col = _extent(z, info, name, sheet, limits)
        if max_row > limits.max_rows or max_col > limits.max_columns or max_row * max_col > limits.max_cells:
            _refuse_far_cell(z, info, name, sheet, limits)


def _extent(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, limits: Limits) -> tuple[int, int]:
    """The sheet's extent (rows, columns): its dimension and every row and cell reference, in one regex pass."""
    max_row, max_col = 0, 0
    tail = b""
    read = 0
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            read += len(chunk)
            if read > limits.max_uncompressed_bytes:
                raise UnsafeFile("zip-bomb", name, f"{name}: sheet '{sheet}' expands beyond "
                                 f"{limits.max_uncompressed_bytes / 1e6:,.0f} MB; it was not opened.")  # fmt: skip
            buf = tail + chunk
            found = set(_ANY_RE.findall(buf))
            if found:
                cols, rows, row_rs, dims = (set(x) for x in zip(*found, strict=True))
                for dim in dims:
                    for ref in dim.decode("ascii", "replace").split(":"):
                        rm = _REF_RE.match(ref.strip())
                        if rm:
                            max_row = max(max_row, int(rm.group(2)))
                            max_col = max(max_col, _col_number(rm.group(1)))
                max_row = max([max_row, *(int(r) for r in rows | row_rs if r)])
                max_col = max([max_col, *(_col_number(c.decode()) for c in cols if c)])
            tail = buf[-256:]
    return max_row, max_col


def _refuse_far_cell(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, limits: Limits) -> None:
    """Scan the sheet again in document order to name the far cell, and refuse the file."""
    max_row, max_col, where = _extent_in_order(z, info, name, sheet, limits)
    if max_row > limits.max_rows or max_col > limits.max_columns or max_row * max_col > limits.max_cells:
        raise UnsafeFile("far-cell", name, f"{name}: sheet '{sheet}' has something at {where}, far outside any "
                         f"return (it would make the sheet {max_row:,} rows by {max_col:,} columns). Delete "
                         "that cell, save, and send it again.", sheet, where if where[:1].isalpha() and not where.startswith("row") else "")  # fmt: skip


def _extent_in_order(
    z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, limits: Limits
) -> tuple[int, int, str]:
    """The extent as ``_extent`` finds it, and the reference that last pushed it out (for the message)."""
    max_row, max_col, where = 0, 0, ""
    tail = b""
    read = 0
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            read += len(chunk)
            if read > limits.max_uncompressed_bytes:
                raise UnsafeFile("zip-bomb", name, f"{name}: sheet '{sheet}' expands beyond "
                                 f"{limits.max_uncompressed_bytes / 1e6:,.0f} MB; it was not opened.")  # fmt: skip
            buf = tail + chunk
            for m in _DIM_RE.finditer(buf):
                for ref in m.group(1).decode("ascii", "replace").split(":"):
                    rm = _REF_RE.match(ref.strip())
                    if rm:
                        r, c = int(rm.group(2)), _col_number(rm.group(1))
                        if r > max_row or c > max_col:
                            where = ref
                        max_row, max_col = max(max_row, r), max(max_col, c)
            for m in _CELL_RE.finditer(buf):
                r, c = int(m.group(2)), _col_number(m.group(1).decode())
                if r > max_row or c > max_col:
                    where = f"{m.group(1).decode()}{r}"
                max_row, max_col = max(max_row, r), max(max_col, c)
            for m in _ROW_RE.finditer(buf):
                r = int(m.group(1))
                if r > max_row:
                    max_row, where = r, f"row {r}"
            tail = buf[-256:]
    return max_row, max_col, where
