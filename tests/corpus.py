"""A corpus of bad return files, generated from a good one (SPEC 8, issue 7).

Each maker takes the bytes of a good ``.xlsx`` and returns the bytes of a bad
file, so tests can build every kind of hostile or broken return in code.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable


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


def xxe(good: bytes) -> bytes:
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            decl = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            return re.sub(rb"(<\?xml[^>]*\?>)", rb"\1" + decl, data, count=1)
        return data

    return _rezip(good, change)


def billion_laughs(good: bytes) -> bytes:
    ents = b'<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">' % (i, *([i - 1] * 10))
        for i in range(1, 10)
    )  # noqa: E501

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return re.sub(rb"(<\?xml[^>]*\?>)", rb"\1<!DOCTYPE x [" + ents + rb"]>", data, count=1)
        return data

    return _rezip(good, change)


def huge_shared_string(good: bytes, size: int = 300_000_000) -> bytes:
    """A zip bomb: one shared string of ``size`` bytes that compresses to almost nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/sharedStrings.xml":
                with zout.open(info.filename, "w", force_zip64=True) as f:
                    f.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
                    chunk = b"A" * 1_000_000
                    for _ in range(size // len(chunk)):
                        f.write(chunk)
                    f.write(b"</t></si></sst>")
            else:
                zout.writestr(info, zin.read(info.filename))
    return out.getvalue()


def lying_sizes(good: bytes) -> bytes:
    """A zip whose central directory claims tiny uncompressed sizes."""
    b = bytearray(good)
    sig = b"PK\x01\x02"
    i = b.find(sig)
    while i != -1:
        b[i + 24 : i + 28] = (1).to_bytes(4, "little")  # uncompressed size = 1
        i = b.find(sig, i + 4)
    return bytes(b)


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
}
