"""An XlsxWriter ``Workbook`` that packs faster: zip level 1, and the shared strings written in bulk.

Both reach into XlsxWriter 3.3's internals (as ``stream_paint`` does); ``tests/test_stream_paint.py``
checks that they still give what XlsxWriter itself would write (the same shared-strings XML byte for
byte; the zip's members deflated at ``ZIP_LEVEL``), so a new XlsxWriter that moved them fails a test.

- **Zip level.** XlsxWriter deflates every part at zlib's default level (6). Level 1 is ~4x faster
  for a file ~40 % bigger (national CONSOLIDATED.xlsx: 30 MB of XML; at N = 150 level 6 took
  0.39 s, level 1 0.09 s, 3.2 MB -> 4.4 MB). ``Workbook._store_workbook`` makes its ``ZipFile``
  with no level; ours has it made with ``compresslevel=ZIP_LEVEL`` (the module's ``ZipFile`` name
  is swapped for the call, under a lock).
- **Shared strings.** XlsxWriter writes each of them through two regular expressions, a
  whitespace test and a call per tag; most strings need none of it. They are tested, escaped
  and joined ``_SST_CHUNK`` at a time, each test once on the chunk's strings joined; a chunk
  with a string that could need more (not printable, a space at either end, ``_x`` in it, or
  ``<r>``) goes one string at a time, and such a string through XlsxWriter's own ``_write_si``.
"""

from __future__ import annotations

import functools
import threading
import zipfile
from typing import Any

import xlsxwriter
import xlsxwriter.workbook as _xw_workbook
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings

ZIP_LEVEL = 1  # zlib level for the parts of a workbook we write (XlsxWriter's default: 6)
_ZIP_LOCK = threading.Lock()
_SST_CHUNK = 64  # strings tested, escaped and written together (a chunk with one string needing more goes one by one)


class FastSharedStrings(SharedStrings):  # type: ignore[misc]
    def _write_sst_strings(self) -> None:
        strings = self.string_table.string_array
        for start in range(0, len(strings), _SST_CHUNK):
            chunk = strings[start:start + _SST_CHUNK]
            flat = "".join(chunk)  # tested whole: most chunks need nothing but the escapes
            if flat.isprintable() and "_x" not in flat and "<r>" not in flat:
                joined = "\0".join(chunk)  # no string has a NUL (it would not be printable)
                if joined[:1] != " " and joined[-1:] != " " and " \0" not in joined and "\0 " not in joined:
                    self.fh.write(f"<si><t>{_escaped(joined).replace(chr(0), '</t></si><si><t>')}</t></si>")
                    continue
            self._write_one_by_one(chunk)

    def _write_one_by_one(self, strings: list[str]) -> None:
        write_si = self._write_si
        out: list[str] = []
        for s in strings:
            if not s.isprintable() or s[:1] == " " or s[-1:] == " " or "_x" in s or s.startswith("<r>"):
                if out:
                    self.fh.write("".join(out))
                    out.clear()
                write_si(s)  # XlsxWriter's own: control characters, spaces kept, rich text
                continue
            out.append(f"<si><t>{_escaped(s)}</t></si>")
        if out:
            self.fh.write("".join(out))


def _escaped(text: str) -> str:
    """Text as XML element content: the escapes XlsxWriter makes in a shared string."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class FastPackager(Packager):  # type: ignore[misc]
    def _write_shared_strings_file(self) -> None:  # Packager's, with FastSharedStrings
        sst = FastSharedStrings()
        sst.string_table = self.workbook.str_table
        if not self.workbook.str_table.count:
            return
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """``xlsxwriter.Workbook`` with the zip deflated at ``ZIP_LEVEL`` and the shared strings written in bulk."""

    def _get_packager(self) -> Any:
        return FastPackager()

    def _store_workbook(self) -> None:
        with _ZIP_LOCK:
            plain = _xw_workbook.ZipFile
            _xw_workbook.ZipFile = functools.partial(zipfile.ZipFile, compresslevel=ZIP_LEVEL)
            try:
                super()._store_workbook()
            finally:
                _xw_workbook.ZipFile = plain
