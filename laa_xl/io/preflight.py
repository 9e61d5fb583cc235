"""Safety preflight for untrusted workbooks (SPEC 8), run before any parser sees a file.

Returns come from outside the council. Before python-calamine or openpyxl
opens one we check, from the raw bytes and the zip directory only: the file
size, the zip (entry count, total size after decompression, compression
ratio), encryption (an encrypted ``.xlsx`` is an OLE compound file, as is a
legacy ``.xls``), ``.ods``, macros (``vbaProject.bin``), external links
(``xl/externalLinks/``) and stray far cells (a single value at XFD1048576
makes calamine try to allocate hundreds of GB and abort the process, so every
sheet's ``<dimension>`` and cell references are scanned as a stream first),
sheets with more rows than a return could have (stopping as soon as the limit
is passed, so millions of rows are never all inflated), DDE formulas (a
formula that starts another program), and XML with a DOCTYPE (entities: XXE,
billion laughs; Excel never writes one).
Each refusal is an :class:`UnsafeFile` naming the file, with a stable code.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

from ..core.issues import Issue, Location, error
from ..errors import UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Stream names in an OLE compound file's directory (UTF-16): what kind of OLE file it is.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 25 * 1024 * 1024
    max_entries: int = 2_000
    max_uncompressed_bytes: int = 300 * 1024 * 1024
    max_ratio: float = 150.0  # per entry, for entries above 1 MB uncompressed
    max_rows: int = 100_000
    max_columns: int = 1_000  # column ALL
    max_cells: int = 5_000_000  # rows x columns of a sheet's extent
    what: str = "a return"  # the kind of workbook these limits are for, as the messages name it
    # What to do about a damaged file, and how a message's advice ends: a partnership sends its return again,
    # the central team uses another copy of its own workbook
    again: str = "Save the return again from Excel and send it again."
    send: str = ", and send it again"


LIMITS = Limits()
# The central team's own workbooks: the register (register.xlsx, or LAA_Central.xlsm once Consolidate has filled
# its Data) and what laa-xl writes (consolidated, GO return), read back for restatements, the GO return, chasing
# and the regional summary. The same checks, with room for a national consolidation (1,500 returns: a 44 MB file,
# a 240,000-row Data sheet, 306 MB of XML). A user may point a command at any file, so it is still checked.
MiB = 1024 * 1024
CENTRAL_LIMITS = Limits(max_file_bytes=500 * MiB, max_uncompressed_bytes=4096 * MiB, max_rows=1_048_576,
                       max_cells=100_000_000, what="a register or consolidated workbook",
                       again="Use a good copy of it instead (when laa-xl replaces a consolidated workbook it keeps the "
                             "old one beside it as .previous.xlsx), or make it again.", send="")  # fmt: skip


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


def too_large(name: str, size: int, limits: Limits = LIMITS, done: str = "") -> UnsafeFile:
    """The refusal of a file over ``limits.max_file_bytes``; ``done``: what was (not) done with it, said first."""
    return UnsafeFile("file-too-large", name, f"{name} is {size / MiB:,.1f} MB; {limits.what} should be well under "
                      f"{limits.max_file_bytes / MiB:,.0f} MB.{done} Check it is the right file.")  # fmt: skip


_CELL_RE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"')
_ROW_RE = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="([0-9]{1,8})"')
_DIM_RE = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref="([^"]*)"')
_REF_RE = re.compile(r"^\$?([A-Z]{1,4})\$?([0-9]{1,8})$")
# The three patterns above in one pass (findall runs in C; a sheet has a few distinct refs per row).
_ANY_RE = re.compile(
    rb'<(?:\w+:)?(?:c\s[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"|row\s[^>]*?\br="([0-9]{1,8})"'
    rb'|dimension\s[^>]*?\bref="([^"]*)")'
)
# A formula holding '|' (not an Excel operator): a DDE link such as cmd|'/c calc'!A0, which starts a program.
_PIPE_FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<|]*\|[^<]*)</(?:\w+:)?f>")
_STRING_LITERAL = re.compile(r'"[^"]*"')
# A formula's text, in the plain element (any other form is left as it is). Nothing reads it after the preflight's
# DDE check: the return scan asks only whether a cell holds a formula, and python-calamine gives the value saved
# with it. A return's quarter sheets are four-fifths formula text.
_FORMULA_TEXT = re.compile(rb"<f>[^<]*</f>")


def without_formula_text(xml: bytes) -> bytes:
    """The sheet XML with each formula's text left out (``<f>…</f>`` becomes ``<f/>``): a formula's text holds no
    ``<``, so every tag, and every count and search of tags, is as before."""
    return _FORMULA_TEXT.sub(b"<f/>", xml)


def _is_dde(formula: bytes) -> bool:
    f = formula.decode("utf-8", "replace").replace("&quot;", '"')
    return "|" in _STRING_LITERAL.sub("", f)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def preflight(
    path: str | Path, *, allow_macros: bool = False, limits: Limits = LIMITS, sheet_xml: dict[str, bytes] | None = None,
    sheets: Iterable[str] | None = None,
) -> list[Issue]:
    """Refuse (raise UnsafeFile) anything unsafe to parse; return the non-fatal issues (none today).

    ``sheets``: the only sheets that will be read (python-calamine parses a sheet only when it is asked for it):
    the others' rows and cells are not scanned. A worksheet part the workbook does not name is scanned all the same.

    ``sheet_xml``: when given, filled with each worksheet part's XML as the scan inflated it, formula text left
    out (``without_formula_text``; keyed by the part's name in lower case), and with ``xl/workbook.xml`` and its
    relationships, so later readers (``return_scan``, python-calamine through ``grids.lean_copy``) need not open
    the file again.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise UnsafeFile("file-not-found", name, f"{path} does not exist (or is not a file).")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise too_large(name, size, limits)
    if size == 0:
        raise UnsafeFile("empty-file", name, f"{name} is empty (0 bytes): the save or the email attachment went "
                         f"wrong. {limits.again}")  # fmt: skip
    with open(path, "rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head == OLE_MAGIC:
        with open(path, "rb") as f:
            body = f.read()
        if _ENCRYPTED_STREAM in body:
            raise UnsafeFile("encrypted-file", name, f"{name} is password-protected (encrypted), so it cannot be read. "
                             "Remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it) "
                             f"and save it{limits.send}.")  # fmt: skip
        if suffix == ".xls" or any(s in body for s in _XLS_STREAMS):
            raise UnsafeFile("legacy-xls", name, f"{name} is an old Excel 97-2003 (.xls) file. Open it in Excel and "
                             "save it as an Excel Workbook (.xlsx), then send that.")  # fmt: skip
        raise UnsafeFile("encrypted-file", name, f"{name} is password-protected (encrypted), so it cannot be read. "
                         f"Remove the password (File > Info > Protect Workbook) and save it{limits.send}.")  # fmt: skip
    if suffix == ".xls":
        raise UnsafeFile("legacy-xls", name, f"{name} has the old .xls extension. Save it as .xlsx and send that.")
    if suffix in (".ods", ".ots"):
        raise UnsafeFile("ods-file", name, f"{name} is an OpenDocument spreadsheet. Save it as an Excel Workbook "
                         "(.xlsx) and send that.")  # fmt: skip
    if not zipfile.is_zipfile(path):
        if head.startswith(ZIP_MAGIC):
            raise UnsafeFile("damaged-file", name, f"{name} is incomplete or damaged (it starts like a workbook but "
                             f"does not end like one: perhaps a download or an attachment was cut short). {limits.again}")  # fmt: skip
        raise UnsafeFile("not-xlsx", name, f"{name} is not an Excel .xlsx workbook (it is not a zip package). "
                         f"Save it as .xlsx{limits.send}.")  # fmt: skip
    try:
        with zipfile.ZipFile(path) as z:
            _check_zip(z, name, allow_macros, limits)
            _check_prologs(z, name, limits)
            _check_extent(z, name, limits, sheet_xml, None if sheets is None else set(sheets))
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as e:
        raise UnsafeFile("damaged-file", name, f"{name} is damaged and cannot be read ({e}). {limits.again}") from e  # fmt: skip
    return []


def _check_zip(z: zipfile.ZipFile, name: str, allow_macros: bool, limits: Limits) -> None:
    infos = z.infolist()
    if len(infos) > limits.max_entries:
        raise UnsafeFile("zip-bomb", name, f"{name} holds {len(infos):,} parts, far more than a workbook has; it "
                         f"was not opened. Check it is the right file{'; send the return as issued' if limits.send else ''}.")  # fmt: skip
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise UnsafeFile("zip-bomb", name, f"{name} would expand to {total / MiB:,.0f} MB; it was not opened. "
                         "Check it is the right file.")  # fmt: skip
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise UnsafeFile("zip-bomb", name, f"{name} has a part ({i.filename}) that expands "
                             f"{i.file_size / max(i.compress_size, 1):,.0f} times, as no workbook saved by Excel does; "
                             f"it was not opened. Check it is the right file, save it again from Excel{limits.send}.")  # fmt: skip
        if i.flag_bits & 0x1 or i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeFile("damaged-file", name, f"{name} is not packed the way Excel packs a workbook (part "
                             f"{i.filename} uses an unusual compression or zip encryption). Save it again from "
                             f"Excel as .xlsx{limits.send}.")  # fmt: skip
        # Deflate never makes data much bigger: a part "smaller" than its packed bytes is a zip lying about its
        # sizes (a parser trusting the directory would then inflate far more than it was told).
        packed_max = i.file_size if i.compress_type == zipfile.ZIP_STORED else i.file_size + i.file_size // 100 + 1024
        if i.compress_size > packed_max:
            raise UnsafeFile("damaged-file", name, f"{name} is damaged: its zip directory gives sizes that cannot be "
                             f"true (part {i.filename}). It was not opened. {limits.again}")  # fmt: skip
    names = [i.filename for i in infos]
    lower = [n.lower() for n in names]
    if len(set(lower)) < len(lower):  # two parts of one name (OPC compares them ignoring case): which is read?
        twice = next(n for n in names if lower.count(n.lower()) > 1)
        raise UnsafeFile("damaged-file", name, f"{name} is damaged: it holds two parts named {twice}, as no workbook "
                         f"saved by Excel does, so what it says is ambiguous. It was not opened. {limits.again}")  # fmt: skip
    if any(n.lower().startswith("mimetype") for n in names) and "[content_types].xml" not in lower:
        raise UnsafeFile("ods-file", name, f"{name} is an OpenDocument spreadsheet saved with an Excel name. Save "
                         "it as an Excel Workbook (.xlsx).")  # fmt: skip
    if "[content_types].xml" not in lower or not any(n.startswith("xl/workbook") for n in lower):
        raise UnsafeFile("not-xlsx", name, f"{name} is a zip file but not an Excel workbook. Send the .xlsx return.")
    macro_type = b"macroenabled" in z.read(names[lower.index("[content_types].xml")])[:100_000].lower()
    if not allow_macros and (macro_type or any(n.endswith("vbaproject.bin") for n in lower)):
        raise UnsafeFile("macros", name, f"{name} contains macros (VBA). Returns must be macro-free: save it as an "
                         f"Excel Workbook (.xlsx), not .xlsm{limits.send}.")  # fmt: skip
    if any(n.startswith("xl/externallinks/") for n in lower):
        raise UnsafeFile("external-links", name, f"{name} links to other workbooks (external links). Break the "
                         f"links (Data > Edit Links > Break Link) and save it{limits.send}.")  # fmt: skip


_ROOT_START = re.compile(rb"<[A-Za-z_]")


_SST_UNIQUE = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="([0-9]+)"')


def _check_prologs(z: zipfile.ZipFile, name: str, limits: Limits = LIMITS) -> None:
    """Read each XML part up to its root element's start tag only, and refuse:
    a DOCTYPE (entities: XXE, billion laughs), and a shared-strings table claiming more strings than its
    bytes can hold (python-calamine reserves memory for ``uniqueCount`` up front: 2e9 aborts the process)."""
    for info in z.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        prolog = b""
        root = -1
        with z.open(info) as f:
            while chunk := f.read(4096):
                prolog += chunk.replace(b"\0", b"")  # UTF-16 text read as ASCII
                if root < 0 and (m := _ROOT_START.search(prolog)):
                    root = m.start()
                if root >= 0 and (b">" in prolog[root:] or len(prolog) - root > 65_536):
                    break
        if b"<!DOCTYPE" in (prolog[:root] if root >= 0 else prolog).upper():
            raise UnsafeFile("xml-doctype", name, f"{name} contains XML with a DOCTYPE (part {info.filename}), which "
                             "Excel never writes and which can be used to attack the reader. It was not opened. "
                             f"{limits.again}")  # fmt: skip
        sst = _SST_UNIQUE.match(prolog, root) if root >= 0 else None
        if sst and int(sst.group(1)) > info.file_size // 4 + 100:
            raise UnsafeFile("damaged-file", name, f"{name} is damaged: its text table (part {info.filename}) claims "
                             f"{int(sst.group(1)):,} strings, far more than it holds. It was not opened. {limits.again}")  # fmt: skip


def workbook_parts(z: zipfile.ZipFile) -> tuple[bytes, bytes] | None:
    """``xl/workbook.xml`` and its relationships, by the names python-calamine reads them by; None without them."""
    try:
        return z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None


def _sheet_names(z: zipfile.ZipFile, keep: dict[str, bytes] | None = None) -> dict[str, str]:
    """Part name (xl/worksheets/sheet1.xml) -> sheet name, for messages. ``keep``: given, the workbook part and its
    relationships are put in it too (by lower-case part name), for ``return_scan``."""
    found = workbook_parts(z)
    if found is None:
        return {}
    wb, rels = found
    if keep is not None:
        keep["xl/workbook.xml"], keep["xl/_rels/workbook.xml.rels"] = wb, rels
    return {part.lower(): sheet for sheet, part, _ in workbook_sheets(wb, rels)}


@functools.lru_cache(maxsize=64)
def workbook_sheets(workbook_xml: bytes, rels_xml: bytes) -> tuple[tuple[str, str, str], ...]:
    """(sheet name, zip part, state) of each sheet, in the workbook's order, from ``xl/workbook.xml`` and its
    relationships; () when they cannot be parsed. Remembered by content: returns issued from one template share
    them, so each is parsed once."""
    try:
        wb = ElementTree.fromstring(workbook_xml)
        rels = ElementTree.fromstring(rels_xml)
    except (ElementTree.ParseError, ValueError):
        return ()
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out: list[tuple[str, str, str]] = []
    for s in wb.iter():
        if s.tag.endswith("}sheet"):
            rid = next((v for k, v in s.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out.append((s.get("name", ""), part, s.get("state", "visible") or "visible"))
    return tuple(out)


def _check_extent(
    z: zipfile.ZipFile, name: str, limits: Limits, keep: dict[str, bytes] | None = None, only: set[str] | None = None
) -> None:
    sheets = _sheet_names(z, keep)
    for info in z.infolist():
        part = info.filename
        if not (part.lower().startswith("xl/worksheets/") and part.lower().endswith(".xml")):
            continue
        sheet = sheets.get(part.lower(), part)
        if only is not None and part.lower() in sheets and sheet not in only:
            continue  # a sheet that will not be read: never parsed, so nothing in it can harm
        if _within_limits(z, info, name, sheet, limits, keep):
            continue  # the cheap pass proved the sheet within every limit: the exact pass could refuse nothing
        max_row, max_col, rows, cells, with_ref = _extent(z, info, name, sheet, limits, keep)
        # Rows and cells without an r="..." reference sit one after another: a bound on where they can reach.
        no_ref = max(0, cells - with_ref)
        reach_rows, reach_cols = max_row + rows, max(max_col, no_ref)  # rows without r= follow the last one
        if no_ref and reach_rows * reach_cols > limits.max_cells:
            raise UnsafeFile("too-many-rows", name, f"{name}: sheet '{sheet}' could reach {reach_rows:,} rows by "
                             f"{reach_cols:,} columns (cells written without a position), far more than "
                             f"{limits.what} has; it was not opened. Save it again from Excel{limits.send}.",
                             sheet)  # fmt: skip
        if max_row > limits.max_rows or max_col > limits.max_columns or max_row * max_col > limits.max_cells:
            _refuse_far_cell(z, info, name, sheet, limits)


def _bomb(name: str, sheet: str, limits: Limits) -> UnsafeFile:
    return UnsafeFile("zip-bomb", name, f"{name}: sheet '{sheet}' expands beyond "
                      f"{limits.max_uncompressed_bytes / MiB:,.0f} MB; it was not opened. Check it is the right "
                      f"file, save it again from Excel{limits.send}.")  # fmt: skip


# Bounds proved by searches that find nothing (each one scan in C). First one search: no reference (an r="..."
# value, of a cell or a row) with three letters or four digits means rows <= 999 and columns <= ZZ (702), what
# almost every return's sheet is. Only a sheet with such a reference is searched further: none with N digits means
# every row is below 10**N; none with two letters, every column is at most Z. Three letters, or a row bound past
# the limit (six digits for a return, seven for a central workbook): the exact pass decides.
_MAYBE_FAR = re.compile(rb'r="(?:[A-Z]{3}|[A-Z]{0,2}[0-9]{4})')
_ROW_DIGITS = [(digits, re.compile(rb'r="[A-Z]{0,3}[0-9]{%d}' % digits)) for digits in (4, 5, 6, 7)]
_COL_LETTERS = [(letters, re.compile(rb'r="[A-Z]{%d}' % letters)) for letters in (2, 3)]
_COL_BOUND = {1: 26, 2: 702}
# A cell tag's r="..." that the exact pass would not count as a reference (or one cut off by the chunk's end).
_ODD_CELL_REF = re.compile(rb'<c r="(?![A-Z]{1,4}[0-9]{1,8}")')


# XML the cheap pass holds for its checks at the end when it keeps nothing: past this, what those checks need of
# the chunks read is worked out and the chunks let go (the exact pass, which holds nothing, is 5x slower).
_HELD_MAX = 16 * 1024 * 1024


def _within_limits(
    z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, limits: Limits,
    keep: dict[str, bytes] | None = None,
) -> bool:
    """True when a cheap pass over the sheet proves that the exact pass (``_extent``) and the checks on what it
    finds would refuse nothing: bounds instead of the extent (rows below 10**digits of the longest row number,
    columns within Z or ZZ; at most as many cells without a reference as ``<c`` tags, or, should that bound be
    too loose, as cell tags less those with a reference), a few scans in C instead of a regular expression's
    matches turned into numbers. False: ask the exact pass (it inflates the sheet again; nothing is kept from
    this one). It refuses what the exact pass would refuse at the same point (a sheet expanding past the limit,
    a DDE formula) and nothing else.
    ``keep``: given, the part's whole XML, formula text left out, is put in it (by lower-case part name) once the
    sheet is proved safe."""
    row_digits, col_letters = 3, 2  # the longest row number and column letters that may occur, until searched
    far = False  # a reference with three letters or four digits was seen: bounds from the searches by tiers
    dim_row = dim_col = 0
    tail = raw_tail = b""
    read = rows = tags = 0
    chunks: list[bytes] = []  # held for the checks at the end; past _HELD_MAX (keeping nothing) let go, as below
    held = 0
    gone_no_ref: int | None = 0  # what those checks need of the chunks let go: their cells without a reference,
    gone_two = False  # whether a two-letter column came before any far reference,
    gone_tail = b""  # and their last bytes (a reference cut by the cut)
    with z.open(info) as f:
        while raw := f.read(1 << 20):
            read += len(raw)
            if read > limits.max_uncompressed_bytes:
                raise _bomb(name, sheet, limits)
            chunk = without_formula_text(raw)  # the same tags: counted and searched in a fifth of the bytes
            chunks.append(chunk)
            held += len(chunk)
            rows += chunk.count(b"<row")  # exactly as ``_extent`` counts them
            tags += chunk.count(b"<c")  # at least as many as ``_extent``'s cells ("<c ", "<c>", "<c/>")
            if rows > limits.max_rows or tags > limits.max_cells:
                return False  # ``_extent`` decides (and may refuse) at this same chunk
            raw_buf = raw_tail + raw if raw_tail else raw
            if b"|" in raw_buf:
                _refuse_dde(raw_buf, name, sheet, limits)  # as ``_extent`` would here, having refused nothing before
            raw_tail = raw_buf[-4096:]
            del raw, raw_buf
            buf = tail + chunk if tail else chunk
            if not far and _MAYBE_FAR.search(buf):  # the chunks before had no such reference: rows <= 999, <= ZZ
                far, row_digits = True, 3
                col_letters = 2 if gone_two or _COL_LETTERS[0][1].search(gone_tail + b"".join(chunks[:-1])) else 1
            if far:
                for digits, pattern in _ROW_DIGITS:  # a reference with 5 digits has 4 too: stop at the first miss
                    if digits > row_digits:
                        if not pattern.search(buf):
                            break
                        row_digits = digits
                for letters, pattern in _COL_LETTERS:
                    if letters > col_letters:
                        if not pattern.search(buf):
                            break
                        col_letters = letters
                if 10**row_digits - 1 > limits.max_rows or col_letters >= 3:
                    return False  # the bound may be past a limit: ``_extent`` decides
            at = buf.find(b"dimension")
            while at >= 0:  # each <dimension> (the pattern tried at its own '<' only, not at every tag of the sheet)
                m = _DIM_RE.match(buf, buf.rfind(b"<", 0, at))
                for ref in m.group(1).decode("ascii", "replace").split(":") if m else ():
                    rm = _REF_RE.match(ref.strip())
                    if rm:
                        dim_row = max(dim_row, int(rm.group(2)))
                        dim_col = max(dim_col, _col_number(rm.group(1)))
                at = buf.find(b"dimension", at + 1)
            tail = buf[-4096:]
            if keep is None and held > _HELD_MAX:  # a national Data sheet read back (200 MB) is not held whole
                if not far:
                    gone_two = gone_two or bool(_COL_LETTERS[0][1].search(gone_tail + b"".join(chunks)))
                n = _cells_without_reference(chunks)
                gone_no_ref = None if n is None or gone_no_ref is None else gone_no_ref + n
                gone_tail, chunks, held = chunks[-1][-8:], [], 0
    # What ``_check_extent`` refuses on, with every quantity at or above what ``_extent`` would find.
    max_row = max(10**row_digits - 1, dim_row)
    max_col = max(_COL_BOUND[col_letters], dim_col)
    if max_row > limits.max_rows or max_col > limits.max_columns or max_row * max_col > limits.max_cells:
        return False
    if (max_row + rows) * max(max_col, tags) > limits.max_cells:  # the loose bound on cells without a reference
        no_ref = _cells_without_reference(chunks)
        no_ref = None if no_ref is None or gone_no_ref is None else no_ref + gone_no_ref
        if no_ref is None or (no_ref > 0 and (max_row + rows) * max(max_col, no_ref) > limits.max_cells):
            return False
    if keep is not None:
        # a formula cut by a chunk's end is left out once the chunks are joined, as ``_extent`` leaves it out
        keep[info.filename.lower()] = chunks[0] if len(chunks) == 1 else without_formula_text(b"".join(chunks))
    return True


def _cells_without_reference(chunks: list[bytes]) -> int | None:
    """At least as many cells without a reference as ``_extent`` counts in these chunks (its cells less its
    ``_CELL_RE`` matches, chunk by chunk); None when a cell's reference is one ``_CELL_RE`` would not match."""
    cells = with_ref = 0
    for chunk in chunks:
        cells += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")  # as ``_extent`` counts them
        n_ref = chunk.count(b'<c r="')  # each matched by ``_CELL_RE`` in this chunk, unless odd or cut off:
        odd = _ODD_CELL_REF.search(chunk)
        if odd:  # one cut off by the chunk's end is counted in neither chunk by ``_extent``: not counted here
            if odd.start() != chunk.rfind(b'<c r="') or len(chunk) - odd.start() >= 20:
                return None
            n_ref -= 1
        with_ref += n_ref
    return cells - with_ref


def _extent(
    z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, limits: Limits,
    keep: dict[str, bytes] | None = None,
) -> tuple[int, int, int, int, int]:
    """One streaming pass over a sheet: its extent (rows, columns) from the dimension and every row and cell
    reference, the numbers of rows, cells and cells with a reference; refuses too many rows and DDE formulas.
    ``keep``: given, the part's whole XML, formula text left out, is put in it (by lower-case part name) once the
    pass has passed."""
    max_row, max_col = 0, 0
    tail = b""
    read = rows = cells = with_ref = 0
    chunks: list[bytes] = []
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            if keep is not None:
                chunks.append(chunk)
            read += len(chunk)
            if read > limits.max_uncompressed_bytes:
                raise _bomb(name, sheet, limits)
            rows += chunk.count(b"<row")
            cells += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
            if rows > limits.max_rows or cells > limits.max_cells:
                what = f"more than {limits.max_rows:,} rows" if rows > limits.max_rows else \
                    f"more than {limits.max_cells:,} cells"  # fmt: skip
                raise UnsafeFile("too-many-rows", name, f"{name}: sheet '{sheet}' has {what}, far more than "
                                 f"{limits.what} has; it was not opened. Delete the extra rows"
                                 f"{' (or use the return as issued)' if limits.send else ''} and save it{limits.send}.",
                                 sheet)  # fmt: skip
            buf = tail + chunk
            if b"|" in buf:
                _refuse_dde(buf, name, sheet, limits)
            with_ref += len(_CELL_RE.findall(chunk))  # a cell split across two chunks is missed: a bound only
            found = set(_ANY_RE.findall(buf))  # the overlap may be seen twice: harmless for a maximum
            if found:
                cols, rs, row_rs, dims = (set(x) for x in zip(*found, strict=True))
                for dim in dims:
                    for ref in dim.decode("ascii", "replace").split(":"):
                        rm = _REF_RE.match(ref.strip())
                        if rm:
                            max_row = max(max_row, int(rm.group(2)))
                            max_col = max(max_col, _col_number(rm.group(1)))
                max_row = max([max_row, *(int(r) for r in rs | row_rs if r)])
                max_col = max([max_col, *(_col_number(c.decode()) for c in cols if c)])
            tail = buf[-4096:]
    if keep is not None:
        keep[info.filename.lower()] = without_formula_text(b"".join(chunks))
    return max_row, max_col, rows, cells, with_ref


def _refuse_dde(buf: bytes, name: str, sheet: str, limits: Limits) -> None:
    for m in _PIPE_FORMULA_RE.finditer(buf):
        if _is_dde(m.group(1)):
            cell = list(_CELL_RE.finditer(buf, 0, m.start()))
            ref = (cell[-1].group(1) + cell[-1].group(2)).decode() if cell else ""
            raise UnsafeFile("dde-formula", name, f"{name}: sheet '{sheet}'" + (f" cell {ref}" if ref
                             else "") + " holds a formula that would start another program (a DDE "
                             f"link). A workbook with one is not opened. Delete that formula, type the value "
                             f"or text instead and save it{limits.send}.", sheet, ref)  # fmt: skip


def _refuse_far_cell(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, limits: Limits) -> None:
    """Scan the sheet again in document order to name the far cell, and refuse the file."""
    max_row, max_col, where = _extent_in_order(z, info, name, sheet, limits)
    if max_row > limits.max_rows or max_col > limits.max_columns or max_row * max_col > limits.max_cells:
        raise UnsafeFile("far-cell", name, f"{name}: sheet '{sheet}' has something at {where}, far outside "
                         f"{limits.what} (it would make the sheet {max_row:,} rows by {max_col:,} columns). Delete "
                         f"that cell and save it{limits.send}.", sheet, where if where[:1].isalpha() and not where.startswith("row") else "")  # fmt: skip


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
                raise _bomb(name, sheet, limits)
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
            tail = buf[-4096:]
    return max_row, max_col, where
