"""A corpus of bad return files, generated from a good one (SPEC 8, issue 7).

Each maker takes the bytes of a good ``.xlsx`` and returns the bytes of a bad
file, so tests can build every kind of hostile or broken return in code.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from typing import Any


def _rezip(good: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip, letting ``change`` rewrite (or drop, with None) each entry, then add ``extra`` entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


def _first_sheet(name: str) -> bool:
    return re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name) is not None


def empty(good: bytes) -> bytes:
    return b""


def truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def corrupt_zip(good: bytes) -> bytes:
    b = bytearray(good)
    mid = len(b) // 3
    b[mid : mid + 200] = bytes(200)
    return bytes(b)


def random_bytes(good: bytes) -> bytes:
    import random

    return random.Random(7).randbytes(4096)


def csv_renamed(good: bytes) -> bytes:
    return b"Target ref,Actual\nNI 40,120\n"


def html_renamed(good: bytes) -> bytes:
    return b"<html><body><table><tr><td>Target ref</td><td>Actual</td></tr></table></body></html>"


def legacy_xls(good: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088)  # an OLE compound file: .xls or an encrypted .xlsx


def ods(good: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def with_macros(good: bytes) -> bytes:
    return _rezip(good, lambda n, d: d, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(512)})


def with_external_link(good: bytes) -> bytes:
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    return _rezip(good, lambda n, d: d, {"xl/externalLinks/externalLink1.xml": link})


def far_cell(good: bytes) -> bytes:
    """A stray value in XFD1048576 (python-calamine would try to allocate 512 GB and abort)."""

    def change(name: str, data: bytes) -> bytes:
        if _first_sheet(name) and name.endswith("sheet1.xml"):
            return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
        return data

    return _rezip(good, change)


def _with_doctype(data: bytes, decl: bytes) -> bytes:
    """Put a DOCTYPE before the root element (after the XML declaration, if there is one)."""
    m = re.match(rb"\s*<\?xml[^>]*\?>", data)
    at = m.end() if m else 0
    return data[:at] + decl + data[at:]


def xxe(good: bytes) -> bytes:
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            decl = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            return _with_doctype(data, decl)
        return data

    return _rezip(good, change)


def billion_laughs(good: bytes) -> bytes:
    ents = b'<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">' % (i, *([i - 1] * 10))
        for i in range(1, 10)
    )  # noqa: E501

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return _with_doctype(data, b"<!DOCTYPE x [" + ents + b"]>")
        return data

    return _rezip(good, change)


def _stream_part(good: bytes, part: str, write: Callable[[Any, bytes], None]) -> bytes:
    """Copy a zip with one part replaced by what ``write(f, old_bytes)`` streams into it (for zip bombs)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        old = b""
        for info in zin.infolist():
            if info.filename == part:
                old = zin.read(info.filename)
            else:
                zout.writestr(info, zin.read(info.filename))
        with zout.open(part, "w", force_zip64=True) as f:
            write(f, old)
    return out.getvalue()


def _repeat(f: Any, chunk: bytes, size: int) -> None:
    for _ in range(size // len(chunk)):
        f.write(chunk)


def huge_shared_string(good: bytes, size: int = 400_000_000) -> bytes:
    """A zip bomb: one shared string of ``size`` bytes that compresses to almost nothing (stream-written, ~1 s)."""
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'

    def write(f: Any, _: bytes) -> None:
        f.write(head)
        _repeat(f, b"A" * (4 << 20), size)
        f.write(b"</t></si></sst>")

    return _stream_part(good, "xl/sharedStrings.xml", write)


def duplicate_part(good: bytes, part: str | None = None) -> bytes:
    """A second copy of ``part`` (default: Q2's), named in capitals, with its numbers changed, after the first: a
    reader that keeps the first it sees and one that keeps the last would read different figures."""
    part = part or sheet_part(good, "Q2")
    second = re.sub(rb"<v>([0-9.]+)</v>", rb"<v>9\1</v>", zipfile.ZipFile(io.BytesIO(good)).read(part))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: here it is the point
        return _rezip(good, lambda name, data: data, {part.upper(): second})


def lying_sizes(good: bytes) -> bytes:
    """A zip whose central directory claims tiny uncompressed sizes."""
    b = bytearray(good)
    sig = b"PK\x01\x02"
    i = b.find(sig)
    while i != -1:
        b[i + 24 : i + 28] = (1).to_bytes(4, "little")  # uncompressed size = 1
        i = b.find(sig, i + 4)
    return bytes(b)


def with_shared_strings(good: bytes, sst: bytes) -> bytes:
    """The workbook with a shared-strings part (openpyxl writes inline strings, so there is none to begin with)."""

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')  # fmt: skip
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats'
                                b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                b"</Relationships>")  # fmt: skip
        return data

    return _rezip(good, change, {"xl/sharedStrings.xml": sst})


def lying_string_count(good: bytes) -> bytes:
    """One shared string, claiming two billion: python-calamine reserves memory for them all and aborts."""
    return with_shared_strings(good, b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                               b'count="2000000000" uniqueCount="2000000000"><si><t>x</t></si></sst>')  # fmt: skip


def lying_sizes_forged(good: bytes) -> bytes:
    """A subtler liar: the Q2 sheet's declared size and CRC are those of its first bytes only, so a reader that
    trusts the directory sees a valid, shorter part (python-calamine's zip reader refuses to read past it)."""
    import struct
    import zlib

    part = sheet_part(good, "Q2")
    real = zipfile.ZipFile(io.BytesIO(good)).read(part)
    head, tail = real.split(b"</sheetData>")
    real = head + b'<row r="60"><c r="A60" t="inlineStr"><is><t>after the declared end</t></is></c></row>' + \
        b"</sheetData>" + tail  # fmt: skip
    claimed = real[: len(head) - 50]
    b = bytearray(_rezip(good, lambda n, d: real if n == part else d))
    crc, size = zlib.crc32(claimed), len(claimed)
    lh = zipfile.ZipFile(io.BytesIO(bytes(b))).getinfo(part).header_offset
    struct.pack_into("<I", b, lh + 14, crc)  # local header: CRC-32 and uncompressed size
    struct.pack_into("<I", b, lh + 22, size)
    i = b.find(b"PK\x01\x02")
    while i != -1:  # central directory entry of the part: the same two fields
        n = struct.unpack_from("<H", b, i + 28)[0]
        if bytes(b[i + 46 : i + 46 + n]).decode() == part:
            struct.pack_into("<I", b, i + 16, crc)
            struct.pack_into("<I", b, i + 24, size)
        i = b.find(b"PK\x01\x02", i + 4)
    return bytes(b)


# --- helpers for makers that change one cell or one sheet ------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_part(good: bytes, sheet: str) -> str:
    """The zip part (xl/worksheets/sheetN.xml) of a sheet, by its name, from workbook.xml and its rels."""
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    m = re.search(rf'<sheet\b[^>]*\bname="{re.escape(sheet)}"[^>]*>', wb)
    if not m:
        raise LookupError(sheet)
    rid = re.search(r'\br:id="([^"]+)"', m.group(0)).group(1)  # type: ignore[union-attr]
    rel = re.search(rf'<Relationship\b[^>]*\bId="{rid}"[^>]*>', rels).group(0)  # type: ignore[union-attr]
    target = re.search(r'\bTarget="([^"]+)"', rel).group(1)  # type: ignore[union-attr]
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def input_cell(good: bytes, sheet: str, column: str, nth: int = 0) -> str:
    """The A1 reference of a column (by header text) on the nth target row of a quarter sheet."""
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(good), read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    hr = next(i for i, r in enumerate(rows) if r and "Target ref" in r)
    col = list(rows[hr]).index(column)
    data = [i for i in range(hr + 1, len(rows)) if rows[i][list(rows[hr]).index("Target ref")]]
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col + 1)}{data[nth] + 1}"


def header_cell(good: bytes, sheet: str, column: str) -> str:
    """The A1 reference of a column's heading on a quarter sheet."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    ws = openpyxl.load_workbook(io.BytesIO(good), read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    hr = next(i for i, r in enumerate(rows) if r and "Target ref" in r)
    return f"{get_column_letter(list(rows[hr]).index(column) + 1)}{hr + 1}"


def cover_cell(good: bytes, label: str) -> str:
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(good), read_only=True)["Cover"]
    row = next(i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r and r[0] == label)
    return f"B{row}"


def put_cell(good: bytes, sheet: str, ref: str, inner: str, attrs: str = "") -> bytes:
    """Replace cell ``ref`` of ``sheet`` with ``<c r=ref attrs>inner</c>`` in the raw XML (as a crafted file would)."""
    part = sheet_part(good, sheet)
    new = f'<c r="{ref}"{attrs}>{inner}</c>'.encode()

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        pat = rb'<c r="' + ref.encode() + rb'"(?=[\s/>])[^>]*?(?:/>|>.*?</c>)'
        out, n = re.subn(pat, lambda m: new, data, count=1, flags=re.S)
        if n != 1:
            raise LookupError(f"{sheet}!{ref} not in {part}")
        return out

    return _rezip(good, change)


def _openpyxl(good: bytes, edit: Callable[..., None]) -> bytes:
    """Open the good return in openpyxl, let ``edit(wb)`` change it as an officer would in Excel, save."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(good))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_cols(ws) -> tuple[int, dict[str, int]]:  # type: ignore[no-untyped-def]
    for row in ws.iter_rows(min_row=1, max_row=30):
        texts = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if "Target ref" in texts:
            return row[0].row, texts
    raise LookupError(ws.title)


# --- more makers (issue 7) ----------------------------------------------------------


def strict_ooxml(good: bytes) -> bytes:
    """The same workbook in Strict Open XML (Excel's "Strict Open XML Spreadsheet" save type): other namespaces."""
    swaps = [
        (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
        (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
         b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
        (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
    ]  # fmt: skip

    def change(name: str, data: bytes) -> bytes:
        if name.endswith((".xml", ".rels")) and name != "[Content_Types].xml":
            for a, b in swaps:
                data = data.replace(a, b)
            if name == "xl/workbook.xml":
                data = re.sub(rb"<workbook\b", b'<workbook conformance="strict"', data, count=1)
        return data

    return _rezip(good, change)


def encrypted(good: bytes, password: str = "Passw0rd") -> bytes:
    """Password-protected (File > Info > Protect Workbook > Encrypt with Password): an OLE EncryptedPackage."""
    import msoffcrypto

    out = io.BytesIO()
    msoffcrypto.OfficeFile(io.BytesIO(good)).encrypt(password, out)
    return out.getvalue()


def many_rows(good: bytes, rows: int = 2_000_000) -> bytes:
    """A zip bomb by rows: the Q2 sheet with millions of rows (each small), stream-written."""

    def write(f: Any, data: bytes) -> None:
        head, tail = data.split(b"</sheetData>")
        f.write(head)
        step = 50_000
        for start in range(1000, 1000 + rows, step):
            f.write(b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(start, start + step)))
        f.write(b"</sheetData>" + tail)

    return _stream_part(good, sheet_part(good, "Q2"), write)


def cells_without_position(good: bytes, n: int = 30_000) -> bytes:
    """Cells written without an r="..." reference sit one after another: 30,000 in one row plus a row at 99,000
    would make python-calamine allocate a 99,000 x 30,000 grid (and abort), though no single reference is far."""
    part = sheet_part(good, "Q2")
    row = b'<row r="40">' + b"<c><v>1</v></c>" * n + b'</row><row r="99000"><c r="A99000"><v>1</v></c></row>'
    return _rezip(good, lambda name, d: d.replace(b"</sheetData>", row + b"</sheetData>") if name == part else d)


def high_ratio(good: bytes, size: int = 60_000_000) -> bytes:
    """A zip bomb by ratio: a part that expands ~1,000 times (a sheet padded with spaces), stream-written."""

    def write(f: Any, data: bytes) -> None:
        f.write(data.replace(b"</worksheet>", b""))
        _repeat(f, b" " * (4 << 20), size)
        f.write(b"</worksheet>")

    return _stream_part(good, sheet_part(good, "Risks"), write)


def xlsm(good: bytes) -> bytes:
    """A macro-enabled workbook (.xlsm content): a VBA project and the macroEnabled content type."""

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")  # fmt: skip
            data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                                b'vbaProject"/></Types>')  # fmt: skip
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/'
                                b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')  # fmt: skip
        return data

    return _rezip(good, change, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)})


def dde_formula(good: bytes) -> bytes:
    """A DDE formula in Commentary (it would start another program in Excel), with a cached value."""
    ref = input_cell(good, "Q2", "Commentary")
    return put_cell(good, "Q2", ref, "<f>cmd|'/c calc'!A0</f><v>0</v>")


def hyperlink_formula(good: bytes) -> bytes:
    """A HYPERLINK formula in Commentary, showing 'See our report'."""
    ref = input_cell(good, "Q2", "Commentary")
    return put_cell(good, "Q2", ref, '<f>HYPERLINK("http://evil.example/x","See our report")</f><v>See our report</v>',
                    ' t="str"')  # fmt: skip


def formula_no_value(good: bytes) -> bytes:
    """A formula typed as the Actual and saved by a program that does not calculate (no cached value)."""
    ref = input_cell(good, "Q2", "Actual")
    return put_cell(good, "Q2", ref, "<f>SUM(F5:F6)</f>")


def error_cell(good: bytes, error: str = "#REF!") -> bytes:
    """An error value (#REF!) where the Actual should be (python-calamine reads it as blank)."""
    ref = input_cell(good, "Q2", "Actual")
    return put_cell(good, "Q2", ref, f"<f>#REF!+1</f><v>{error}</v>", ' t="e"')


def div0_cell(good: bytes) -> bytes:
    ref = input_cell(good, "Q2", "Actual", 1)
    return put_cell(good, "Q2", ref, "<v>#DIV/0!</v>", ' t="e"')


def long_text(good: bytes, n: int = 40_000) -> bytes:
    """Commentary longer than an Excel cell can hold (32,767 characters)."""
    ref = input_cell(good, "Q2", "Commentary")
    return put_cell(good, "Q2", ref, "<is><t>" + "Long story. " * (n // 12) + "</t></is>", ' t="inlineStr"')


def control_chars(good: bytes) -> bytes:
    """Commentary with control characters (a bell, a form feed, an escape), as Excel stores them (_x0007_)."""
    ref = input_cell(good, "Q2", "Commentary")
    return put_cell(good, "Q2", ref, "<is><t>Ahead_x0007_ of profile_x000C_ this quarter_x001B_[31m.</t></is>",
                    ' t="inlineStr"')  # fmt: skip


def renamed_sheet(good: bytes) -> bytes:
    return _openpyxl(good, lambda wb: setattr(wb["Q2"], "title", "Qtr 2"))


def hidden_sheet(good: bytes) -> bytes:
    return _openpyxl(good, lambda wb: setattr(wb["Q2"], "sheet_state", "hidden"))


def deleted_sheet(good: bytes) -> bytes:
    return _openpyxl(good, lambda wb: wb.remove(wb["Q2"]))


def deleted_header(good: bytes) -> bytes:
    """The header row of Q2 cleared (the officer deleted the headings)."""

    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Q2"]
        hr, cols = _header_cols(ws)
        for c in cols.values():
            ws.cell(hr, c).value = None

    return _openpyxl(good, edit)


def merged_header(good: bytes) -> bytes:
    """The 'Actual' heading merged with the cell above it (Excel keeps only the upper-left value: blank)."""

    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Q2"]
        hr, cols = _header_cols(ws)
        c = cols["Actual"]
        ws.merge_cells(start_row=hr - 1, start_column=c, end_row=hr, end_column=c)

    return _openpyxl(good, edit)


def duplicate_rows(good: bytes) -> bytes:
    """The first target's row copied below the table on Q2, with another actual."""

    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Q2"]
        hr, cols = _header_cols(ws)
        last = max(r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, cols["Target ref"]).value)
        ws.cell(last + 1, cols["Target ref"]).value = ws.cell(hr + 1, cols["Target ref"]).value
        ws.cell(last + 1, cols["Actual"]).value = 99

    return _openpyxl(good, edit)


def wrong_year(good: bytes) -> bytes:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Cover"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Financial year")
        ws.cell(row, 2).value = "2007/08"

    return _openpyxl(good, edit)


def date_out_of_range(good: bytes) -> bytes:
    """A date cell holding -1e12 (python-calamine panics: a Rust panic, which Python does not count as an Exception)."""

    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Q2"]
        hr, cols = _header_cols(ws)
        cell = ws.cell(hr + 1, cols["Actual"])
        cell.value = -1e12
        cell.number_format = "dd/mm/yyyy"

    return _openpyxl(good, edit)


FORMULA_TEXTS = ("=1+1 is how we counted", "+5 on last year", "-3 against profile", "@risk: staffing",
                 '=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0")  # fmt: skip


def formula_like_commentary(good: bytes) -> bytes:
    """Commentary (and remedial action) typed as text that starts = + - @ (a spreadsheet could evaluate it)."""

    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        for q in ("Q1", "Q2"):
            ws = wb[q]
            hr, cols = _header_cols(ws)
            for i, t in enumerate(FORMULA_TEXTS):
                r = hr + 1 + i
                if not ws.cell(r, cols["Target ref"]).value:
                    break
                for col in ("Commentary", "Remedial action"):
                    cell = ws.cell(r, cols[col])
                    cell.value = t
                    cell.data_type = "s"

    return _openpyxl(good, edit)


MAKERS: dict[str, Callable[[bytes], bytes]] = {
    "empty": empty,
    "truncated": truncated,
    "corrupt-zip": corrupt_zip,
    "random-bytes": random_bytes,
    "csv-renamed": csv_renamed,
    "html-renamed": html_renamed,
    "legacy-xls": legacy_xls,
    "ods": ods,
    "macros": with_macros,
    "external-link": with_external_link,
    "far-cell": far_cell,
    "xxe": xxe,
    "billion-laughs": billion_laughs,
    "lying-sizes": lying_sizes,
    "duplicate-part": duplicate_part,
    "lying-sizes-forged": lying_sizes_forged,
    "lying-string-count": lying_string_count,
    "strict-ooxml": strict_ooxml,
    "encrypted": encrypted,
    "huge-shared-string": huge_shared_string,
    "many-rows": many_rows,
    "high-ratio": high_ratio,
    "cells-without-position": cells_without_position,
    "xlsm-renamed": xlsm,
    "dde-formula": dde_formula,
    "hyperlink-formula": hyperlink_formula,
    "formula-no-value": formula_no_value,
    "error-cell": error_cell,
    "div0-cell": div0_cell,
    "long-text": long_text,
    "control-chars": control_chars,
    "renamed-sheet": renamed_sheet,
    "hidden-sheet": hidden_sheet,
    "deleted-sheet": deleted_sheet,
    "deleted-header": deleted_header,
    "merged-header": merged_header,
    "duplicate-rows": duplicate_rows,
    "wrong-year": wrong_year,
    "date-out-of-range": date_out_of_range,
    "formula-commentary": formula_like_commentary,
}
