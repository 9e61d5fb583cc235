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
import re
import threading
import zipfile
from typing import Any

import xlsxwriter
import xlsxwriter.workbook as _xw_workbook
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

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


# The dynamic-array functions XlsxWriter 3.3 looks for in every formula: Worksheet._write_formula searches for them
# (re_dynamic_function, to write such a formula as an array) and _prepare_formula prefixes them with _xlfn. (one
# substitution per function, its SINGLE written as "\SINGLE\(": any character then INGLE). A return's formulas
# are long (~700 characters) and name none, and those searches took ~60 % of writing one.
DYNAMIC_FUNCTIONS = ("ANCHORARRAY", "BYCOL", "BYROW", "CHOOSECOLS", "CHOOSEROWS", "DROP", "EXPAND", "FILTER", "HSTACK",
                     "LAMBDA", "MAKEARRAY", "MAP", "RANDARRAY", "REDUCE", "SCAN", "SEQUENCE", "SINGLE", "SORT",
                     "SORTBY", "SWITCH", "TAKE", "TEXTSPLIT", "TOCOL", "TOROW", "UNIQUE", "VSTACK", "WRAPCOLS",
                     "WRAPROWS", "XLOOKUP")  # fmt: skip
_MAYBE_DYNAMIC = re.compile(r"\b(?:" + "|".join(DYNAMIC_FUNCTIONS) + r")\(|INGLE\(")
_NO_DIGITS = str.maketrans("", "", "0123456789")
_SHAPES_MAX = 4096
_PREPARED: dict[tuple[str, bool, bool], str] = {}  # XlsxWriter's _prepare_formula, by its arguments


class FormulaWorksheet(Worksheet):  # type: ignore[misc]
    """A worksheet that writes formulas as XlsxWriter writes them, but decides once per *shape* of formula (the
    formula without its digits: the same for every row of a column) whether it may name a dynamic-array function.
    Leaving digits out cannot hide a name (a name is letters; what precedes it stays what it was), so a formula
    that names one always goes the way XlsxWriter sends it. ``tests/test_stream_paint.py`` compares the two, and
    the function list with XlsxWriter's own."""

    def __init__(self) -> None:
        super().__init__()
        self._shapes: dict[str, bool] = {}
        self.growing_rows: set[int] = set()  # rows (0-based) written with their height but not as a custom one

    def _write_row(self, row: int, spans: Any, row_info: Any = None, empty_row: bool = False) -> None:
        """XlsxWriter's row, without ``customHeight`` for a row in ``growing_rows``: its height is then one the
        spreadsheet may change to fit wrapped text as it is typed (LibreOffice does: tested; Excel documents it),
        where a custom height (a row the user sized by hand) stays as it is and hides the end of a long commentary."""
        if row not in self.growing_rows:
            super()._write_row(row, spans, row_info, empty_row)
            return

        def lean(write: Any) -> Any:
            return lambda tag, attributes=(): write(tag, [a for a in attributes if a[0] != "customHeight"])

        self._xml_start_tag_unencoded = lean(Worksheet._xml_start_tag_unencoded.__get__(self))
        self._xml_empty_tag_unencoded = lean(Worksheet._xml_empty_tag_unencoded.__get__(self))
        try:
            super()._write_row(row, spans, row_info, empty_row)
        finally:
            del self._xml_start_tag_unencoded, self._xml_empty_tag_unencoded

    def _maybe_dynamic(self, formula: str) -> bool:
        shape = formula.translate(_NO_DIGITS)
        found = self._shapes.get(shape)
        if found is None:
            if len(self._shapes) >= _SHAPES_MAX:
                self._shapes.clear()
            found = self._shapes[shape] = _MAYBE_DYNAMIC.search(shape) is not None
        return found

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0) -> int:
        if (not formula or self.constant_memory or (formula.startswith("{") and formula.endswith("}"))
                or self._maybe_dynamic(formula)):  # fmt: skip
            return super()._write_formula(row, col, formula, cell_format, value)  # type: ignore[no-any-return]
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellFormulaTuple(self._prepare_formula(formula), cell_format, value)
        return 0

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if not (self.use_future_functions or expand_future_functions):
            bare = formula[1:] if formula.startswith("{") else formula
            bare = bare[1:] if bare.startswith("=") else bare
            bare = bare[:-1] if bare.endswith("}") else bare
            if "_xlfn." in bare or not self._maybe_dynamic(bare):
                return bare
        # the rest (a conditional format's formula, say, with ~180 substitutions for future functions) once each
        key = (formula, bool(self.use_future_functions), expand_future_functions)
        prepared = _PREPARED.get(key)
        if prepared is None:
            if len(_PREPARED) >= _SHAPES_MAX:
                _PREPARED.clear()
            prepared = _PREPARED[key] = super()._prepare_formula(formula, expand_future_functions)
        return prepared
