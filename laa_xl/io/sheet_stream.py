"""One sheet's rows read as the zip inflates them, never the whole sheet in memory at once.

python-calamine holds a whole sheet before it hands back its first row: every text cell as its own
string. A national ``Data`` sheet read back for the next quarter (480,000 rows once last year's are
carried below this year's) cost ~440 MB that way. Here the sheet's XML is inflated a megabyte at a
time and its cells are picked out by one regular expression, so what is held is the shared-strings
table and the rows the caller keeps.

It reads the cell shapes that XlsxWriter, Excel and LibreOffice write (``r`` first, then ``s`` and
``t``; a value in ``<v>``, text inline in ``<is>``, a formula's text skipped). Any other shape, a
cell without a reference, or a part it cannot find raises :class:`NotPlain`, and the caller reads
the file with python-calamine instead (``tests/test_sheet_stream.py`` compares the two).

Values are as python-calamine gives them, with one difference: a number is a float even where the
cell is formatted as a date (the styles are not read). Use it for sheets with no date columns.
Only files that passed the preflight may be read (it bounds the sizes inflated here).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .preflight import workbook_parts, workbook_sheets


class NotPlain(Exception):
    """A sheet this reader does not know how to read exactly: read it with python-calamine."""


_CHUNK = 1 << 20  # bytes of XML inflated at a time
_CELL = re.compile(  # possessive (++, ?+): nothing matched is tried again, twice as fast
    rb'<c r="([A-Z]{1,3}+)([0-9]{1,7}+)"(?: s="[0-9]++")?+(?: t="([a-zA-Z]++)")?+'
    rb"(?: ?/>|>(?:<f\b[^>]*?(?:/>|>[^<]*+</f>))?+(?:<v>([^<]*+)</v>|<v ?/>|<is>(.*?)</is>)?+</c>)",
    re.S,
)
_SI = re.compile(r'<si><t>([^<]*)</t></si>|<si><t xml:space="preserve">([^<]*)</t></si>|<si>(.*?)</si>|<si ?/>', re.S)
_T = re.compile(r"<t(\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
_WS = " \t\r\n"  # XML's white space: what python-calamine trims from text not marked xml:space="preserve"
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _entity(m: re.Match[str]) -> str:
    e = m.group(1)
    if e[0] != "#":
        return _NAMED[e]
    return chr(int(e[2:], 16) if e[1] in "xX" else int(e[1:]))


def _text(s: str, trim: bool = False) -> str:
    """XML character data as the text it stands for: entities; then (``trim``) white space at either end, as
    python-calamine trims it; then Excel's ``_xHHHH_`` escapes."""
    if "&" in s:
        s = _ENTITY.sub(_entity, s)
    if trim:
        s = s.strip(_WS)
    if "_x" in s:
        s = _XESC.sub(lambda m: chr(int(m.group(1), 16)), s)
    return s


def _rich(inner: str) -> str:
    """The text of an ``<si>`` or ``<is>``: its ``<t>`` elements joined, phonetic runs (``<rPh>``) left out."""
    if "<rPh" in inner:
        inner = _RPH.sub("", inner)
    return "".join(_text(t, "preserve" not in attrs) for attrs, t in _T.findall(inner))


def _shared_strings(z: zipfile.ZipFile, parts: dict[str, str], rels: bytes) -> list[str]:
    m = re.search(rb'<Relationship\b[^>]*Type="[^"]*/sharedStrings"[^>]*>', rels)
    if m is None:
        return []
    target = re.search(rb'Target="([^"]*)"', m.group(0))
    if target is None:
        raise NotPlain("shared strings without a target")
    t = target.group(1).decode("utf-8")
    name = parts.get((t.lstrip("/") if t.startswith("/") else "xl/" + t).lower())
    if name is None:
        return []
    xml = z.read(name)
    if not _utf8(xml[:200]):
        raise NotPlain("shared strings not in UTF-8")
    try:
        text = xml.decode("utf-8")
        del xml
        strings = [_rich(m[3]) if m[3] else _text(m[2]) if m[2] else _text(m[1] or "", True)
                   for m in _SI.finditer(text)]  # one at a time: a national table has 400,000
    except ValueError as e:  # not UTF-8 after all, or a character reference to no character
        raise NotPlain(str(e)) from e
    if len(strings) != text.count("<si>") + text.count("<si/>") + text.count("<si />"):
        raise NotPlain("a shared string of a shape not known here")
    return strings


def stream_columns(
    path: str | Path, sheet: str, first_header: str, headers: Iterable[str], *, max_scan: int = 30,
    required: Iterable[str] | None = None, on_row: Callable[[tuple[Any, ...]], None] | None = None,
) -> list[tuple[Any, ...]] | None:
    """``grids.read_columns`` as the sheet inflates. Raises NotPlain, possibly after rows were handed to
    ``on_row``, for anything it cannot read exactly."""
    from .grids import header_columns

    opened = _open(path, sheet)
    if opened is None:
        return None
    z, info, sst = opened
    with z:
        picked: dict[bytes, int] = {}  # column letters -> place in the row handed on; filled at the header row
        headers = list(headers)
        rows = _rows(z, info, sst, picked, len(headers))
        idx = header_columns(rows, first_header, headers, max_scan, required)
        if idx is None:
            return None
        picked.update((_col_letters(i), place) for place, i in enumerate(idx) if i >= 0)  # from the next row on
        out: list[tuple[Any, ...]] = []
        keep = out.append if on_row is None else on_row
        for vals in rows:
            keep(vals)
        return out


def sheet_rows(path: str | Path, sheet: str) -> Iterator[list[Any]] | None:
    """The rows of ``sheet`` from its first row with a cell, as python-calamine's ``iter_rows`` gives them: each
    a list of values from column A, "" for an empty cell, a row with no cells as []. None when the workbook has
    no such sheet. Raises NotPlain, here or part-way through the rows, for anything it cannot read exactly."""
    opened = _open(path, sheet)
    return None if opened is None else _closing(*opened)


def _closing(z: zipfile.ZipFile, info: zipfile.ZipInfo, sst: list[str]) -> Iterator[list[Any]]:
    with z:
        yield from _rows(z, info, sst, {}, 0)


def _open(path: str | Path, sheet: str) -> tuple[zipfile.ZipFile, zipfile.ZipInfo, list[str]] | None:
    """The open zip, the sheet's part and the shared strings; None when there is no such sheet."""
    z = zipfile.ZipFile(path)
    try:
        book = workbook_parts(z)
        if book is None:
            raise NotPlain("no workbook part")
        wb_xml, rels = book
        parts = {n.lower(): n for n in z.namelist()}
        found = [part for name, part, _ in workbook_sheets(wb_xml, rels) if name == sheet]
        if not found:
            z.close()
            return None
        part = parts.get(found[0].lower())
        if part is None:
            raise NotPlain(f"no part {found[0]}")
        return z, z.getinfo(part), _shared_strings(z, parts, rels)
    except BaseException:
        z.close()
        raise


def _rows(z: zipfile.ZipFile, info: zipfile.ZipInfo, sst: list[str], picked: dict[bytes, int],
          width: int) -> Iterator[Any]:  # fmt: skip
    """Each row as a list of all its values from column A ("" for an empty cell; [] for a row with no cells),
    until ``picked`` is filled; from then on, as a tuple of ``width`` values, the value of the column with
    letters L at place ``picked[L]`` (None for an empty cell), a row with none of them left out."""
    cols: dict[bytes, int] = {}
    row: list[Any] = []
    blank = [None] * width
    at, at_digits = 0, b""  # the row being filled (1-based; 0 before the first) and its number as written
    for chunk in _complete_rows(z, info):
        if not at and not _utf8(chunk):
            raise NotPlain("not UTF-8")
        cells = _CELL.findall(chunk)
        if len(cells) != chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>"):
            raise NotPlain("a cell of a shape not known here")
        try:
            for letters, digits, t, v, inline in cells:
                if digits != at_digits:
                    r = int(digits)
                    if r <= at:
                        raise NotPlain("rows out of order")
                    if at:
                        if picked:
                            if row != blank:
                                yield tuple(row)
                        else:
                            yield row
                            if not picked:  # (the caller may have picked its columns at the row just handed on)
                                for _ in range(r - at - 1):
                                    yield []
                    at, at_digits = r, digits
                    row = [None] * width if picked else []
                if picked:
                    place = picked.get(letters)
                    if place is not None and (v or inline):
                        x = sst[int(v)] if t == b"s" and v.isdigit() else _value(t, v, inline, sst) if t else float(v)
                        if x != "":
                            row[place] = x
                    continue
                c = cols.get(letters)
                if c is None:
                    c = cols[letters] = _col_index(letters)
                if c < len(row):
                    raise NotPlain("cells out of order")
                while len(row) < c:
                    row.append("")
                row.append(_value(t, v, inline, sst) if t else float(v) if v else "")
        except (ValueError, IndexError) as e:  # a number that is not one, a shared string that is not there
            raise NotPlain(str(e)) from e
    if at:
        if not picked:
            yield row
        elif row != blank:
            yield tuple(row)


def _value(t: bytes, v: bytes, inline: bytes, sst: list[str]) -> Any:
    """A typed cell's value (``t``: its type attribute), as python-calamine gives it."""
    if not v and t != b"inlineStr":
        return ""
    try:
        if t == b"s":
            return sst[_index(v)]
        if t == b"n":
            return float(v)
    except (IndexError, ValueError) as e:
        raise NotPlain(f"a value that is not one: {v[:40]!r}") from e
    if t == b"str":
        return _text(v.decode("utf-8"))
    if t == b"inlineStr":
        return _rich(inline.decode("utf-8")) if inline else ""
    if t == b"b":
        return v == b"1"
    if t == b"e":
        return ""  # an error value reads as empty, as python-calamine gives it
    raise NotPlain(f"cells of type {t.decode('ascii', 'replace')}")


def _index(v: bytes) -> int:
    """A shared string's index as written: digits only (``int`` would take "-1" or "1_0")."""
    if not v.isdigit():
        raise NotPlain(f"a shared string index that is not one: {v[:20]!r}")
    return int(v)


def _utf8(head: bytes) -> bool:
    """The XML is UTF-8 (as Excel, LibreOffice and XlsxWriter write it): no UTF-16 byte-order mark or encoding."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    m = re.match(rb'(?:\xef\xbb\xbf)?<\?xml[^>]*encoding="([^"]*)"', head)
    return m is None or m.group(1).lower() in (b"utf-8", b"utf8")


def _col_letters(i: int) -> bytes:
    """Column letters of a 0-based index: 0 -> b"A", 27 -> b"AB"."""
    out = b""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = bytes([65 + rem]) + out
    return out


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _complete_rows(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's XML inflated a chunk at a time, each piece cut after a ``</row>`` (the last piece: the rest)."""
    with z.open(info) as fh:
        rest = b""
        while True:
            data = fh.read(_CHUNK)
            if not data:
                break
            buf = rest + data
            cut = buf.rfind(b"</row>")
            if cut < 0:
                rest = buf
                continue
            yield buf[: cut + 6]
            rest = buf[cut + 6 :]
        if rest:
            yield rest

