"""A sheet's layout as plain data: computed once in the core, painted by each writer.

A :class:`SheetLayout` says what goes in every cell and how it should look (a
style name, not a library format), which cells are merged, the column widths,
print set-up and native charts. ``laa_xl.io.paint`` paints it with XlsxWriter;
a live-workbook writer can paint the same layout, so the two cannot drift.

Style names: ``title``, ``subtitle``, ``section``, ``header``, ``outcome``,
``target``, ``label``, ``text`` (wrapped), ``plain``, ``number`` (with
``decimals``), ``pct`` (a fraction shown 0.0%), ``money``, ``date``, ``rag``
(filled by its value), ``muted`` (a quarter not yet reported), ``total``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Cell:
    value: Any
    style: str = "plain"
    decimals: int | None = None  # for 'number' and 'total'


@dataclass(frozen=True, slots=True)
class Range:
    """A block of cells on a sheet, 0-based and inclusive."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Range
    color: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    kind: str  # 'stacked-bar' or 'line'
    title: str
    categories: Range
    series: tuple[Series, ...]
    row: int  # anchor, 0-based
    col: int
    x_offset: int = 0
    y_offset: int = 0
    width: int = 480
    height: int = 288
    y_title: str = ""


@dataclass
class SheetLayout:
    name: str
    rows: list[list[Cell | None]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)  # 0-based row -> points
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (0-based, inclusive)
    freeze: tuple[int, int] | None = None
    autofilter: tuple[int, int, int, int] | None = None
    repeat_rows: tuple[int, int] | None = None  # print titles, 0-based inclusive
    landscape: bool = False
    fit_width: bool = False
    charts: list[Chart] = field(default_factory=list)
    header_row: int | None = None  # 0-based row of the main table's header
    print_scale: int | None = None  # percent, when not fit_width: page breaks computed for a known scale (GO Return)
    page_breaks: list[int] = field(default_factory=list)  # 0-based rows that start a new printed page
    font_size: int | None = None  # points, for this sheet alone (else the workbook's)
    pages_wide: int = 1  # with fit_width: the pages across the columns are printed on
    repeat_cols: tuple[int, int] | None = None  # columns printed on every page, 0-based inclusive

    def add(self, *cells: Cell | None) -> int:
        """Append a row; return its 0-based index."""
        self.rows.append(list(cells))
        return len(self.rows) - 1

    def blank(self) -> int:
        return self.add()

    def values(self) -> list[list[Any]]:
        """The values alone, as a grid (for tests and readers)."""
        width = max((len(r) for r in self.rows), default=0)
        return [[c.value if c is not None else None for c in r] + [None] * (width - len(r)) for r in self.rows]


LINE_HEIGHT = 13.0  # points a line of 10-point text takes in a row


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (about 1.1 characters per unit)."""
    if not text:
        return 1
    per = max(1.0, width * 1.1)
    return sum(max(1, math.ceil(len(part) / per)) for part in text.split("\n"))


def header_height(header: Sequence[str], widths: Sequence[float]) -> float | None:
    """The height a header row needs for its headings to wrap whole, word by word, in bold (about 0.95 characters per
    unit of width); None when one line is enough."""
    need = max((_word_lines(h, w * 0.95) for h, w in zip(header, widths, strict=False)), default=1)
    return LINE_HEIGHT * need if need > 1 else None


def _word_lines(text: str, per: float) -> int:
    """Lines ``text`` takes wrapped at word boundaries, ``per`` characters a line."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per:
            lines, used = lines + 1, 0
        used += (1 if used else 0) + len(word)
        while used > per > 1:  # a word longer than a line
            lines, used = lines + 1, used - int(per)
    return lines


def table(
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float] | None = None,
) -> SheetLayout:
    """A plain table sheet: header in row 1, frozen and filtered; printed landscape, all its columns on one page
    wide, the header on every page."""
    lay = SheetLayout(name, header_row=0, freeze=(1, 1), repeat_rows=(0, 0), landscape=True, fit_width=True)
    lay.add(*(Cell(h, "header") for h in header))
    for r in rows:
        lay.add(*r)
    lay.autofilter = (0, 0, max(len(rows), 1), len(header) - 1)
    lay.widths = list(widths) if widths else [auto_width(lay, c) for c in range(len(header))]
    if (h := header_height(header, lay.widths)) is not None:
        lay.heights[0] = h
    return lay


def auto_width(lay: SheetLayout, col: int, lo: float = 6, hi: float = 60) -> float:
    longest = 0.0
    for r in lay.rows:
        if col < len(r) and r[col] is not None:
            c = r[col]
            assert c is not None
            v = c.value
            n = len(f"{v:,.2f}") if isinstance(v, float) else len(str(v)) if v is not None else 0
            longest = max(longest, n * (0.9 if c.style == "header" else 1.0))
    return float(max(lo, min(hi, longest + 2)))


# --- streamed layouts: big tables produced row by row ------------------------------

# One streamed row: values, a style per column (None: no cell there), the decimals of its
# 'number'/'total' cells, and its height in points (None: the default).
Row = tuple[Sequence[Any], Sequence[str | None], int | None, float | None]
NUMBER_STYLES = frozenset({"number", "total"})


@dataclass
class StreamLayout(SheetLayout):
    """A :class:`SheetLayout` whose rows after ``rows`` (the head, as cells) come from ``body``, lazily.

    The body is read once, in row order, by the painter (or by :meth:`materialise`). A merge must be
    in ``merges`` before the body yields the first row it covers; the body may set ``widths``,
    ``autofilter`` and ``page_breaks`` when it ends (the painter applies them after the last row).
    """

    body: Iterable[Row] = ()

    @classmethod
    def of(cls, lay: SheetLayout) -> StreamLayout:
        """A laid-out sheet painted the streamed way (its rows are the head; no body)."""
        out = cls(lay.name)
        for f in ("rows", "widths", "heights", "merges", "freeze", "autofilter", "repeat_rows", "landscape",
                  "fit_width", "charts", "header_row", "print_scale", "page_breaks", "font_size", "pages_wide",
                  "repeat_cols"):  # fmt: skip
            setattr(out, f, getattr(lay, f))
        return out

    def materialise(self) -> SheetLayout:
        """The same sheet as a plain :class:`SheetLayout` of cells (for tests and the live-workbook painter)."""
        lay = SheetLayout(self.name)
        lay.rows = [list(r) for r in self.rows]
        lay.heights = dict(self.heights)
        for values, styles, decimals, height in self.body:
            r = lay.add(*(None if s is None else Cell(v, s, decimals if s in NUMBER_STYLES else None)
                          for v, s in zip(values, styles, strict=True)))  # fmt: skip
            if height is not None:
                lay.heights[r] = height
        for f in ("widths", "merges", "freeze", "autofilter", "repeat_rows", "landscape", "fit_width", "charts",
                  "header_row", "print_scale", "page_breaks", "font_size", "pages_wide", "repeat_cols"):  # fmt: skip
            setattr(lay, f, getattr(self, f))
        return lay


def stream_table(name: str, header: Sequence[str], body: Iterable[Row], widths: Sequence[float]) -> StreamLayout:
    """:func:`table` streamed: header in row 1, frozen and filtered (the filter set once the rows are counted),
    printed as :func:`table` is."""
    lay = StreamLayout(name, header_row=0, freeze=(1, 1), repeat_rows=(0, 0), landscape=True, fit_width=True,
                       widths=list(widths))  # fmt: skip
    lay.add(*(Cell(h, "header") for h in header))
    if (h := header_height(header, widths)) is not None:
        lay.heights[0] = h

    def rows() -> Iterator[Row]:
        n = 0
        for row in body:
            n += 1
            yield row
        lay.autofilter = (0, 0, max(n, 1), len(header) - 1)

    lay.body = rows()
    return lay
