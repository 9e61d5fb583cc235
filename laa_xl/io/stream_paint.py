"""Paint a :class:`~laa_xl.core.layout.StreamLayout` row by row: big sheets without a cell object per value.

XlsxWriter keeps every cell of a sheet in memory until the workbook closes, as a
Python object, and writes each through several layers of calls; at national
scale that is most of a consolidation's time and memory. Here a sheet's rows
are turned into ``<row>``/``<c>`` XML as they come from the layout, into a
temporary file, and :class:`StreamWorksheet` puts that file in place of its
``<sheetData>`` when the workbook closes. Everything else (formats, shared
strings, column widths, merges, freeze panes, filters, print set-up) stays
XlsxWriter's own, so the cells are exactly those that ``Painter.paint`` writes
for the same layout materialised: the same values, types and formats
(``tests/test_stream_paint.py`` compares the two). Charts still need the
ordinary painter (their cached values are read from XlsxWriter's cell table).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from xlsxwriter.utility import _datetime_to_excel_datetime, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from ..core.layout import StreamLayout

# Blank cells of these styles are not written at all (as Painter.paint does).
SKIP_BLANK = frozenset({"plain", "plain-left", "label-bold", "title", "subtitle", "section"})
_BATCH = 2000  # rows joined before each write to the temporary file
_STRMAX = 32767
_HALF = _STRMAX // 2  # a string no longer than this has no more than _STRMAX UTF-16 units
_NONE = type(None)
_NOT_CACHED = object()  # XlsxWriter leaves a boolean out of a chart's cache
_FILLED = frozenset({"rag", "risk"})  # styles whose fill depends on the value
_NO_ROW = 1 << 31  # beyond any row
_COMPILED_MAX = 512  # row functions compiled per sheet (one per plan, types and filled values met); then cell by cell


@contextlib.contextmanager
def discard_streams_on_error(wb: Any) -> Iterator[None]:
    """Should writing the workbook fail before it is closed, delete its sheets' streamed rows (close would have)."""
    try:
        yield
    except BaseException:
        for ws in wb.worksheets():
            if isinstance(ws, StreamWorksheet):
                ws.discard()
        raise


class StreamWorksheet(Worksheet):  # type: ignore[misc]
    """A worksheet whose ``<sheetData>`` was written beforehand, row by row, to a temporary file."""

    def __init__(self) -> None:
        super().__init__()
        self.stream_path: str | None = None
        self.recorded: dict[int, dict[int, Any]] | None = None  # chart rows' cached values, by row and column
        self.merge_chunks: list[str] = []  # the <mergeCell> elements, written at close
        self.merge_count = 0

    def _write_sheet_data(self) -> None:
        if self.stream_path is None:
            super()._write_sheet_data()
            return
        if self.dim_rowmin is None:
            self._xml_empty_tag("sheetData")
        else:
            self._xml_start_tag("sheetData")
            raw = getattr(self.fh, "buffer", None)  # a file's bytes, copied as bytes (not decoded and encoded again)
            if raw is not None:
                self.fh.flush()
                with open(self.stream_path, "rb") as fh:
                    shutil.copyfileobj(fh, raw, 1 << 20)
            else:  # XlsxWriter's in_memory: a StringIO
                with open(self.stream_path, encoding="utf-8") as fh:
                    while chunk := fh.read(1 << 20):
                        self.fh.write(chunk)
            self._xml_end_tag("sheetData")
        os.unlink(self.stream_path)
        self.stream_path = None

    def discard(self) -> None:
        """Delete the rows written beforehand (the workbook will not be closed: writing it failed)."""
        if self.stream_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.stream_path)
            self.stream_path = None

    def _write_merge_cells(self) -> None:
        """XlsxWriter's ``<mergeCells>``, from the XML ``stream_rows`` made of the layout's merges as they came."""
        if not self.merge_count:  # none streamed: XlsxWriter's own list (merge_range)
            super()._write_merge_cells()
            return
        self.fh.write(f'<mergeCells count="{self.merge_count}">')
        for chunk in self.merge_chunks:
            self.fh.write(chunk)
        self.fh.write("</mergeCells>")
        self.merge_chunks = []


class _Long(Exception):
    """A string too long for a compiled row (it may need cutting to Excel's limit): the row goes cell by cell."""


class _Strings(dict[str, int]):
    """XlsxWriter's shared-string table, as a dict that adds a string missing from it (as
    ``_get_shared_string_index`` does, but leaving the count of uses to the caller), so that a compiled row
    looks its strings up as ``table[value]``, in C. A string that might need cutting is refused (``_Long``)."""

    def __init__(self, sst: Any, table: dict[str, int]) -> None:
        super().__init__(table)
        self.sst = sst

    def __missing__(self, v: str) -> int:
        if len(v) > _HALF:
            raise _Long
        i: int = self.sst.unique_count
        self[v] = i
        self.sst.unique_count += 1
        return i


class _Fills(dict[str, str]):
    """The format attribute of a value-filled style (a RAG, a risk rating) by the text in the cell, made when first
    met (``stream_rows``' ``fills``, shared with its cell-by-cell path)."""

    def __init__(self, style: str, decimals: int | None, fills: dict[tuple[str, str], str],
                 s_attr: Callable[[str, Any, int | None], str]) -> None:  # fmt: skip
        super().__init__()
        self.style, self.decimals, self.fills, self.s_attr = style, decimals, fills, s_attr

    def __missing__(self, v: str) -> str:
        a = self.fills.get((self.style, v))
        if a is None:
            a = self.fills[(self.style, v)] = self.s_attr(self.style, v, self.decimals)
        self[v] = a
        return a


_Compiled = tuple[Callable[[str, Sequence[Any], "_Strings", tuple[str, ...]], str], int, bool, int, int,
                  tuple[tuple[int, str], ...]]


def stream_rows(ws: StreamWorksheet, layout: StreamLayout, fmt_for: Callable[[tuple[Any, ...]], Any]) -> None:
    """Write the layout's head cells and then its body into the worksheet, in row order.

    ``fmt_for(look_key)`` gives the XlsxWriter format of a look (``Painter``'s cache). Cells are
    written as ``Painter.paint`` writes them: a merge's cells take the format of its top-left
    cell, a blank cell of a plain style is left out, values are typed as ``styles.write_value`` does.
    """
    from .paint import look_key_of

    if ws.table:
        raise RuntimeError(f"{layout.name}: a streamed sheet cannot also hold cells written the ordinary way")
    sst = ws.str_table
    if not isinstance(sst.string_table, _Strings):
        sst.string_table = _Strings(sst, sst.string_table)
    strings: _Strings = sst.string_table
    n_found = 0  # uses of strings already in the table: added to its count at the end

    def string_index(v: str) -> int:
        """A string's index in the shared table, added if new; each use counted, as XlsxWriter counts them."""
        nonlocal n_found
        i = strings.get(v)
        if i is None:
            return sst._get_shared_string_index(v)  # type: ignore[no-any-return]
        n_found += 1
        return i

    date_1904, tz = ws.date_1904, ws.remove_timezone
    looks: dict[tuple[Any, ...], str] = {}  # look key -> ' s="N"'
    fast: dict[Any, str] = {}  # (style, numeric?, its decimals, the value of a value-filled style) -> ' s="N"'
    cols: list[str] = []
    default_px = ws.default_row_height

    def s_attr(style: str, value: Any, decimals: int | None) -> str:
        key = look_key_of(style, value, decimals)
        a = looks.get(key)
        if a is None:
            a = looks[key] = f' s="{fmt_for(key)._get_xf_index()}"'
        return a

    def rows() -> Iterator[tuple[Sequence[Any], Sequence[str | None], float | None, Any]]:
        for r, row in enumerate(layout.rows):  # the head, as cells
            yield ([None if c is None else c.value for c in row], [None if c is None else c.style for c in row],
                   layout.heights.get(r), [None if c is None else c.decimals for c in row])  # fmt: skip
        for values, styles, decimals, height in layout.body:
            yield values, styles, height, decimals

    # rows that charts draw from: their cells are kept as XlsxWriter keeps them, for the charts' cached values
    wanted = {r for ch in layout.charts for rg in (ch.categories, *(x.values for x in ch.series))
              for r in range(rg.first_row, rg.last_row + 1)}  # fmt: skip
    ws.recorded = {}
    fd, path = tempfile.mkstemp(prefix="laa-rows-", suffix=".xml", dir=ws.tmpdir)
    os.close(fd)
    ws.stream_path = path
    bounds = [-1, -1, -1, -1]  # first and last row written, first and last column
    heights: dict[float, str] = {}  # a row height in points -> its attributes
    merges_seen = 0
    merge_xml: list[str] = []
    plans: dict[tuple[Any, ...], tuple[set[int], list[list[Any]]]] = {}
    compiled: dict[tuple[Any, ...], _Compiled | None] = {}
    fills: dict[tuple[str, str], str] = {}  # (a value-filled style, its text) -> ' s="N"'

    def make_plan(styles: tuple[str | None, ...], decimals: int | None) -> tuple[set[int], list[list[Any]]]:
        """Per column with a style: its reference prefix and its format attribute for a text, a blank and a number."""
        while len(cols) < len(styles):
            cols.append(xl_col_to_name(len(cols)))
        # the attributes are looked up when first needed, so formats are made in the order cells first need them
        plan: list[list[Any]] = [[c, f'<c r="{cols[c]}', st, st in SKIP_BLANK, None, None, None, st in _FILLED]
                for c, st in enumerate(styles) if st is not None]  # fmt: skip
        return {x[0] for x in plan}, plan

    def compile_row(styles: tuple[str | None, ...], decimals: int | None, types: tuple[type, ...],
                    truth: tuple[bool, ...], values: Sequence[Any],
                    merged: tuple[tuple[int, bool], ...] = ()) -> _Compiled | None:  # fmt: skip
        """A function writing the cells of every row with these styles and decimals whose values have these
        types: one f-string, as the cell-by-cell loop below writes them, its formats looked up in the same order
        (a value-filled style's by value, as the row is written: see ``_Fills``). With it: how many shared
        strings a row uses, whether it writes floats (to be checked finite), its first and last column written,
        and the format of each merge starting in the row.

        ``merged``: the row's cells under a merge, (column, top-left?) in the order of ``cover``. A top-left is
        written as the loop below writes it, the others with their merge's format, given as the function's ``m``
        (in that order)."""
        if len(styles) != len(values):
            return None
        plan = plans.get((styles, decimals))
        if plan is None:
            plan = plans[(styles, decimals)] = make_plan(styles, decimals)
        parts: list[str] = []
        args: list[Any] = []  # what the template refers to as a[i]: a fill's formats, a value typed by _cell_xml
        n_str, floats, first_c, last_c = 0, False, -1, -1
        inside = [c for c, top_left in merged if not top_left]  # the function's m, in this order
        top_lefts: list[tuple[int, str]] = []
        corners = {c for c, top_left in merged if top_left}
        for e in plan[1]:
            c, pre, style, skip, a_s, a_b, a_n, filled = e
            ty = types[c]
            if c in corners:  # as _cell_xml writes a merge's top-left: text whatever it is, any blank
                if filled:
                    return None
                a = s_attr(style, values[c], decimals)
                top_lefts.append((c, a))
                if ty is str:
                    parts.append(f'{pre}{{r}}"{a} t="s"><v>{{x[v[{c}]]}}</v></c>')
                    n_str += 1
                elif ty is _NONE:
                    parts.append(f'{pre}{{r}}"{a}/>')
                elif ty is float:
                    parts.append(f'{pre}{{r}}"{a}><v>{{v[{c}]:.16G}}</v></c>')
                    floats = True
                else:
                    parts.append(f"{{cx(a[{len(args)}], r, v[{c}])}}")
                    args.append((pre[6:], a))
            elif c in inside:
                parts.append(f'{pre}{{r}}"{{m[{inside.index(c)}]}}/>')
            elif ty is _NONE or (ty is str and not truth[c]):  # a blank
                if skip:
                    continue
                if a_b is None:
                    a_b = e[5] = s_attr(style, None, decimals)
                parts.append(f'{pre}{{r}}"{a_b}/>')
            elif ty is str:
                if filled:
                    fill = _Fills(style, decimals, fills, s_attr)
                    fill[values[c]]  # this row's look made now, in column order, as the loop below makes it
                    parts.append(f'{pre}{{r}}"{{a[{len(args)}][v[{c}]]}} t="s"><v>{{x[v[{c}]]}}</v></c>')
                    args.append(fill)
                else:
                    if a_s is None:
                        a_s = e[4] = s_attr(style, values[c], decimals)
                    parts.append(f'{pre}{{r}}"{a_s} t="s"><v>{{x[v[{c}]]}}</v></c>')
                n_str += 1
            else:
                if a_n is None:
                    a_n = e[6] = s_attr(style, values[c], decimals)
                if ty is float:
                    parts.append(f'{pre}{{r}}"{a_n}><v>{{v[{c}]:.16G}}</v></c>')
                    floats = True
                else:  # a date, an integer, a boolean...: typed by _cell_xml
                    parts.append(f"{{cx(a[{len(args)}], r, v[{c}])}}")
                    args.append((pre[6:], a_n))
            if first_c < 0:
                first_c = c
            last_c = c
        template = "".join(parts)
        if "'" in template or "\\" in template:  # cannot be: references and formats only
            raise RuntimeError(f"{layout.name}: a row's XML template would not compile")

        def cx(other: tuple[str, str], r: str, v: Any) -> str:
            return _cell_xml(other[0] + r, v, other[1], sst, date_1904, tz)

        fn = eval(f"lambda r, v, x, m, a=a, cx=cx: f'{template}'", {"a": tuple(args), "cx": cx})  # noqa: S307
        return fn, n_str, floats, first_c, last_c, tuple(top_lefts)

    def emit(r: int, r1: int, cells: list[str], first_c: int, last_c: int, height: float | None) -> None:
        """A row's XML, with its height; the sheet's bounds; written out every _BATCH rows."""
        if height is None:
            ht = ""
        else:
            ht = heights.get(height)  # type: ignore[assignment]
            if ht is None:
                px = int(height * 4.0 / 3.0 + 0.5)
                ht = heights[height] = "" if px == default_px else f' ht="{px * 0.75:.16g}" customHeight="1"'
        if cells:
            parts.append(f'<row r="{r1}"{ht}>{"".join(cells)}</row>')
            if bounds[2] < 0 or first_c < bounds[2]:
                bounds[2] = first_c
            if last_c > bounds[3]:
                bounds[3] = last_c
        elif ht:
            parts.append(f'<row r="{r1}"{ht}/>')
        else:
            return
        if bounds[0] < 0:
            bounds[0] = r
        bounds[1] = r
        if len(parts) >= _BATCH:
            out.write("".join(parts))
            parts.clear()

    def write_compiled(comp: _Compiled, r: int, values: Sequence[Any], inside: tuple[str, ...],
                       height: float | None) -> bool:  # fmt: skip
        """The row written by its compiled function; False (nothing written, nothing counted) when it must go cell
        by cell: a string that may need cutting, a NaN or an infinity."""
        nonlocal n_found
        fn, n_str, floats, first_c, last_c, _ = comp
        uses = sst.count  # a value typed by _cell_xml as text counts its use: undone should the row go cell by cell
        try:
            xml = fn(str(r + 1), values, strings, inside)
        except _Long:
            xml = None
        if xml is None or (floats and ("N</v>" in xml or "F</v>" in xml)):  # NaN, infinity
            sst.count = uses
            return False
        n_found += n_str
        emit(r, r + 1, [xml] if xml else [], first_c, last_c, height)
        return True

    active: list[tuple[int, int, int, int]] = []
    first_end, last_start = _NO_ROW, -1  # the first row an active merge ends on; the last it starts on
    steady: list[Any] | None = None  # the cover of rows under merges that all began above them (see below)
    merge_attr: dict[tuple[int, int], str] = {}  # a merge's top-left -> its format attribute
    parts: list[str] = []
    with open(path, "w", encoding="utf-8") as out:
        r = -1
        for values, styles, height, decimals in rows():
            r += 1
            r1 = r + 1
            if not active and merges_seen == len(layout.merges) and r not in wanted and decimals.__class__ is not list:
                # the common row, no merge over it and no chart's data in it: one compiled f-string (compile_row)
                if styles.__class__ is not tuple:
                    styles = tuple(styles)
                ckey = (styles, decimals, tuple(map(type, values)), tuple(map(bool, values)))
                comp = compiled.get(ckey)
                if comp is None and ckey not in compiled and len(compiled) < _COMPILED_MAX:
                    comp = compiled[ckey] = compile_row(styles, decimals, ckey[2], ckey[3], values)
                if comp is not None and write_compiled(comp, r, values, (), height):
                    continue
            if merges_seen < len(layout.merges):  # a merge is declared before the first row it covers
                for m in layout.merges[merges_seen:]:
                    if m[0] < r:
                        raise RuntimeError(f"{layout.name}: merge {m} was declared after its first row was written")
                    active.append(m)
                    merge_xml.append(_merge_xml(m, cols))
                    first_end, last_start = min(first_end, m[2]), max(last_start, m[0])
                merges_seen = len(layout.merges)
                steady = None
                if merges_seen >= _BATCH:  # the layout's merges are let go once written (a national GO Return has 240,000)
                    ws.merge_chunks.append("".join(merge_xml))
                    merge_xml.clear()
                    ws.merge_count += merges_seen
                    del layout.merges[:]
                    merges_seen = 0
            cover: dict[int, tuple[int, int, int, int]] = {}
            if active:
                if r > first_end:  # a merge has passed: its top-left's format is needed no more
                    for m in active:
                        if m[2] < r:
                            merge_attr.pop((m[0], m[1]), None)
                    active = [m for m in active if m[2] >= r]
                    first_end = min([m[2] for m in active], default=_NO_ROW)
                    steady = None
                if steady is not None:  # every merge over the row began above it: the rows above's cover
                    cover = steady[0]
                else:
                    for m in active:
                        if m[0] <= r:
                            for cc in range(m[1], m[3] + 1):
                                cover[cc] = m
                    if r > last_start:
                        steady = [cover, None]  # and, once met, the row's merged cells and their formats
            n = len(values)
            per_cell = isinstance(decimals, list)
            cells: list[str] = []
            rec: dict[int, Any] | None = {} if r in wanted else None
            first_c = last_c = -1
            if rec is None and not per_cell and len(styles) == n:
                # the common row: each column's formats looked up once per (styles, decimals), not per cell
                pkey = (styles if styles.__class__ is tuple else tuple(styles), decimals)
                plan = plans.get(pkey)
                if plan is None:
                    plan = plans[pkey] = make_plan(pkey[0], decimals)
                if cover and cover.keys() <= plan[0] and len(compiled) < _COMPILED_MAX:  # merged: compiled too
                    if steady is not None and steady[1] is not None:
                        merged, inside = steady[1]
                    else:
                        merged = tuple([(c, m[0] == r and m[1] == c) for c, m in cover.items()])
                        inside = None
                    mkey = (pkey[0], decimals, tuple(map(type, values)), tuple(map(bool, values)), merged)
                    comp = compiled.get(mkey)
                    if comp is None and mkey not in compiled:
                        comp = compiled[mkey] = compile_row(pkey[0], decimals, mkey[2], mkey[3], values, merged)
                    if comp is not None:
                        if inside is None:
                            for c, a in comp[5]:  # the merges' top-lefts first: a merge along the row takes its format
                                merge_attr[(r, c)] = a
                            inside = tuple([merge_attr[(m[0], m[1])] for c, m in cover.items()
                                            if m[0] != r or m[1] != c])  # fmt: skip
                            if steady is not None:
                                steady[1] = (merged, inside)
                        if write_compiled(comp, r, values, inside, height):
                            continue
                if not cover or cover.keys() <= plan[0]:
                    rs = str(r1)
                    for e in plan[1]:
                        c, pre, style, skip, a_s, a_b, a_n, filled = e
                        if cover and c in cover:  # a merged cell: as the general path below
                            m = cover[c]
                            if m[0] == r and m[1] == c:
                                v = values[c]
                                a = merge_attr[(r, c)] = s_attr(style, v, decimals)
                                xml = _cell_xml(pre[6:] + rs, v, a, sst, date_1904, tz)
                            else:
                                xml = f'{pre}{rs}"{merge_attr[(m[0], m[1])]}/>'
                        else:
                            v = values[c]
                            cls = v.__class__
                            if v is None or (cls is str and not v):  # a blank
                                if skip:
                                    continue
                                if a_b is None:
                                    a_b = e[5] = s_attr(style, None, decimals)
                                xml = f'{pre}{rs}"{a_b}/>'
                            elif cls is str:
                                if filled:
                                    a = fills.get((style, v))  # type: ignore[assignment]
                                    if a is None:
                                        a = fills[(style, v)] = s_attr(style, v, decimals)
                                elif a_s is None:
                                    a = e[4] = s_attr(style, v, decimals)
                                else:
                                    a = a_s
                                if len(v) <= _HALF:
                                    xml = f'{pre}{rs}"{a} t="s"><v>{string_index(v)}</v></c>'
                                else:
                                    xml = _cell_xml(pre[6:] + rs, v, a, sst, date_1904, tz)
                            else:
                                if a_n is None:
                                    a_n = e[6] = s_attr(style, v, decimals)
                                if cls is float and v == v and v - v == 0:  # finite
                                    xml = f'{pre}{rs}"{a_n}><v>{v:.16G}</v></c>'
                                else:
                                    xml = _cell_xml(pre[6:] + rs, v, a_n, sst, date_1904, tz)
                        cells.append(xml)
                        if first_c < 0:
                            first_c = c
                        last_c = c
                    emit(r, r1, cells, first_c, last_c, height)
                    continue
            width = max(n, max(cover) + 1) if cover else n
            while len(cols) < width:
                cols.append(xl_col_to_name(len(cols)))
            for c in range(width):
                style = styles[c] if c < n else None
                if cover and c in cover:
                    m = cover[c]
                    if m[0] == r and m[1] == c:  # top-left: its own value, and the format for the whole merge
                        v = values[c] if style is not None else None
                        dec = (decimals[c] if c < len(decimals) else None) if per_cell else decimals  # past the row's end: none
                        a = merge_attr[(r, c)] = s_attr(style or "plain", v, dec)
                        xml = _cell_xml(f"{cols[c]}{r1}", v, a, sst, date_1904, tz)
                    else:
                        xml = f'<c r="{cols[c]}{r1}"{merge_attr[(m[0], m[1])]}/>'
                        v = None
                elif style is None:
                    continue
                else:
                    v = values[c]
                    cls = v.__class__
                    if v is None or (cls is str and not v):
                        if style in SKIP_BLANK:
                            continue
                        v, cls = None, _NONE
                    dec = decimals[c] if per_cell else decimals
                    # the look: by style, plus decimals for a number, plus the value for a RAG or risk fill
                    numeric = v is not None and cls is not str
                    key = (style, numeric, dec if numeric else None, v if style in _FILLED else None)
                    a = fast.get(key)  # type: ignore[assignment]
                    if a is None:
                        a = fast[key] = s_attr(style, v, dec)
                    if cls is str and len(v) <= _HALF:
                        xml = f'<c r="{cols[c]}{r1}"{a} t="s"><v>{string_index(v)}</v></c>'
                    elif cls is float and v == v and v - v == 0:  # finite
                        xml = f'<c r="{cols[c]}{r1}"{a}><v>{v:.16G}</v></c>'
                    else:
                        xml = _cell_xml(f"{cols[c]}{r1}", v, a, sst, date_1904, tz)
                cells.append(xml)
                if rec is not None:
                    rec[c] = v
                if first_c < 0:
                    first_c = c
                last_c = c
            if rec:
                ws.recorded[r] = {c: _cached(v, date_1904, tz) for c, v in rec.items()}
            emit(r, r1, cells, first_c, last_c, height)
        out.write("".join(parts))
    sst.count += n_found
    rmin, rmax, cmin, cmax = bounds
    if rmin >= 0:
        if cmin < 0:  # rows with heights only: as XlsxWriter's set_row counts them (column A when no cell is written)
            ws._check_dimensions(rmin, 0)
            ws._check_dimensions(rmax, 0)
        else:
            ws._check_dimensions(rmin, cmin)
            ws._check_dimensions(rmax, cmax)
    merge_xml.extend(_merge_xml(m, cols) for m in layout.merges[merges_seen:])  # any declared after the last row
    ws.merge_chunks.append("".join(merge_xml))
    ws.merge_count += len(layout.merges)
    del layout.merges[:]


def _merge_xml(m: tuple[int, int, int, int], cols: list[str]) -> str:
    """A ``<mergeCell>`` as XlsxWriter writes it."""
    while len(cols) <= max(m[1], m[3]):
        cols.append(xl_col_to_name(len(cols)))
    return f'<mergeCell ref="{cols[m[1]]}{m[0] + 1}:{cols[m[3]]}{m[2] + 1}"/>'


def range_data(ws: StreamWorksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> list[Any]:
    """A range's values as XlsxWriter's ``Worksheet._get_range_data`` gives them to a chart's cache."""
    data: list[Any] = []
    recorded = ws.recorded or {}
    for r in range(first_row, last_row + 1):
        row = recorded.get(r)
        if row is None:
            data.append(None)
            continue
        for c in range(first_col, last_col + 1):
            if c not in row:
                data.append(None)
            elif row[c] is not _NOT_CACHED:
                data.append(row[c])
    return data


def _cached(v: Any, date_1904: bool, tz: bool) -> Any:
    """A written value as a chart caches it: a number as text, a string, '' for a blank; a boolean not at all."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return _NOT_CACHED
    if isinstance(v, int | float):
        return f"{v:.16g}"
    if isinstance(v, dt.datetime | dt.date):
        d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        return f"{_datetime_to_excel_datetime(d, date_1904, tz):.16g}"
    s = v if isinstance(v, str) else str(v)
    if len(s) > _HALF and _utf16_len(s) > _STRMAX:
        s = _utf16_truncate(s, _STRMAX)
    return s


def _cell_xml(ref: str, v: Any, a: str, sst: Any, date_1904: bool, tz: bool) -> str:
    """One ``<c>`` element, typed as ``styles.write_value`` types it (None and NaN: a formatted blank)."""
    cls = v.__class__
    if cls is str:
        if len(v) > _HALF and _utf16_len(v) > _STRMAX:
            v = _utf16_truncate(v, _STRMAX)
        return f'<c r="{ref}"{a} t="s"><v>{sst._get_shared_string_index(v)}</v></c>'
    if v is None or (isinstance(v, float) and v != v):
        return f'<c r="{ref}"{a}/>'
    if isinstance(v, bool):
        return f'<c r="{ref}"{a} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        if math.isinf(v):
            raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
        return f'<c r="{ref}"{a}><v>{v:.16G}</v></c>'
    if isinstance(v, dt.datetime | dt.date):
        d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        return f'<c r="{ref}"{a}><v>{_datetime_to_excel_datetime(d, date_1904, tz):.16G}</v></c>'
    return _cell_xml(ref, str(v), a, sst, date_1904, tz)
