"""Paint a core ``SheetLayout`` with XlsxWriter: values only, text always as text.

The layout says what and where; this module only maps style names to formats,
writes each value by its type (``styles.write_value``: a commentary starting
``=`` stays text), merges, sizes, print set-up and native charts.
"""

from __future__ import annotations

import copy
from typing import Any

from ..core.layout import Cell, Chart, SheetLayout, StreamLayout
from ..core.rules import RAGS
from .stream_paint import StreamWorksheet, range_data, stream_rows
from .styles import FONT, HEADER, NAVY, RAG_FILLS, RAG_FONTS, write_value

_BORDER = {"border": 1, "border_color": "#A6A6A6"}
_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "font_color": NAVY},
    "subtitle": {"italic": True, "font_color": "#595959"},
    "section": {"bold": True, "font_size": 12, "font_color": NAVY},
    "header": {**HEADER, "align": "center"},
    "outcome": {"bold": True, "bg_color": "#D9E1F2", "font_color": NAVY, **_BORDER},
    "target": {"bold": True, "text_wrap": True, "valign": "top", **_BORDER},
    "label": {"font_color": "#404040", **_BORDER},
    "label-bold": {"bold": True},
    "plain-left": {"align": "left"},
    "text": {"text_wrap": True, "valign": "top", **_BORDER},
    "plain": {**_BORDER},
    "number": {"align": "right", **_BORDER},
    "pct": {"num_format": "0.0%", "align": "right", **_BORDER},
    "money": {"num_format": "£#,##0", **_BORDER},
    "total-money": {"num_format": "£#,##0", "bold": True, "top": 2, **_BORDER},
    "date": {"num_format": "dd mmm yyyy", "align": "left", **_BORDER},
    "date-left": {"num_format": "dd mmm yyyy", "align": "left"},
    "muted": {"bg_color": "#F2F2F2", **_BORDER},
    "total": {"bold": True, "top": 2, **_BORDER},
    "rag": {"align": "center", **_BORDER},
    "risk": {"align": "center", **_BORDER},
}
_RISK_FILLS = {"High": ("#FFC7CE", "#9C0006"), "Medium": ("#FFEB9C", "#9C5700"), "Low": ("#C6EFCE", "#006100")}


def _num_format(decimals: int | None) -> str:
    return "#,##0" if not decimals else "#,##0." + "0" * int(decimals)


def look_key(cell: Cell) -> tuple[Any, ...]:
    """A key shared by cells that look the same (cheap: it runs once per cell)."""
    return look_key_of(cell.style, cell.value, cell.decimals)


def look_key_of(style: str, value: Any, decimals: int | None) -> tuple[Any, ...]:
    """``look_key`` of a cell given as its style, value and decimals."""
    if style in ("number", "total") and value is not None and not isinstance(value, str):
        return (style, decimals)
    if (style == "rag" and value in RAG_FILLS) or (style == "risk" and value in _RISK_FILLS):
        return (style, value)
    return (style,)


def look_props(key: tuple[Any, ...]) -> dict[str, Any]:
    """XlsxWriter format properties for a look key."""
    style = key[0]
    props = dict(_STYLES.get(style, _STYLES["plain"]))
    if len(key) > 1 and style in ("number", "total"):
        props["num_format"] = _num_format(key[1])
    elif len(key) > 1 and style == "rag":
        props.update(bg_color=RAG_FILLS[key[1]], font_color=RAG_FONTS[key[1]])
        if key[1] in RAGS:
            props["bold"] = True
    elif len(key) > 1 and style == "risk":
        bg, fg = _RISK_FILLS[key[1]]
        props.update(bg_color=bg, font_color=fg)
    return props


def look(cell: Cell) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """How a cell should look, as XlsxWriter format properties, and its look key.

    Shared with the live-workbook painter (``laa_xl.excel.paint``), so a file and the live book look alike.
    """
    key = look_key(cell)
    return look_props(key), key


class Painter:
    """Formats for one workbook, made once per distinct look."""

    def __init__(self, wb: Any, font_size: int = 10) -> None:
        self.wb = wb
        self.font_size = font_size
        self._sheet_size: int | None = None  # the font size of the sheet being painted, when it has its own
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._protos: dict[tuple[Any, ...], Any] = {}  # line-chart prototypes (see _line_chart)
        self._ws: Any = None  # the sheet whose charts are being added
        self._series_templates: dict[tuple[Any, ...], dict[str, Any]] = {}
        wb.formats[0].set_font_name(FONT)

    def fmt(self, cell: Cell) -> Any:
        return self.fmt_key(look_key(cell))

    def fmt_key(self, key: tuple[Any, ...]) -> Any:
        found = self._cache.get(key)  # looked up before any dict is built: this runs once per cell
        if found is None:
            props = look_props(key)
            size = props.pop("font_size", self._sheet_size or self.font_size)
            found = self._cache[key] = self.wb.add_format({"font_name": FONT, "font_size": size, "valign": "top", **props})
        return found

    def paint(self, layout: SheetLayout) -> Any:
        if layout.font_size and layout.font_size != self.font_size:  # a sheet with a size of its own: its own formats
            kept, self._cache, self._sheet_size = self._cache, {}, layout.font_size
            try:
                return self._paint(layout)
            finally:
                self._cache, self._sheet_size = kept, None
        return self._paint(layout)

    def _paint(self, layout: SheetLayout) -> Any:
        if isinstance(layout, StreamLayout):  # big tables: row by row, no cell objects
            ws = self.wb.add_worksheet(layout.name, worksheet_class=StreamWorksheet)
            charts = list(layout.charts)
            stream_rows(ws, layout, self.fmt_key)
            if layout.charts != charts:
                raise RuntimeError(f"{layout.name}: a streamed sheet's charts must be known before its rows")
        else:
            ws = self.wb.add_worksheet(layout.name)
            self._cells(ws, layout)
            for r, h in layout.heights.items():
                ws.set_row(r, h)
        for c, w in enumerate(layout.widths):
            ws.set_column(c, c, w)
        if layout.freeze:
            ws.freeze_panes(*layout.freeze)
        if layout.autofilter:
            ws.autofilter(*layout.autofilter)
        ws.set_paper(9)  # A4
        if layout.landscape:
            ws.set_landscape()
        if layout.repeat_rows:
            ws.repeat_rows(*layout.repeat_rows)
        if layout.repeat_cols:
            ws.repeat_columns(*layout.repeat_cols)
        if layout.fit_width:
            ws.fit_to_pages(layout.pages_wide, 0)
        elif layout.print_scale:
            ws.set_print_scale(layout.print_scale)
        if layout.page_breaks:
            ws.set_h_pagebreaks(layout.page_breaks)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.set_footer(f"&L&8{layout.name}&R&8Page &P of &N")
        for chart in layout.charts:
            self._chart(ws, chart)
        return ws

    def _cells(self, ws: Any, layout: SheetLayout) -> None:
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in layout.merges:
            top = _cell(layout, r1, c1) or Cell(None)
            fmt = self.fmt(top)
            ws.merge_range(r1, c1, r2, c2, "", fmt)
            write_value(ws, r1, c1, top.value, fmt)
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for r, row in enumerate(layout.rows):
            for c, cell in enumerate(row):
                if cell is None or (r, c) in covered:
                    continue
                fmt = self.fmt(cell)
                if cell.value is None or cell.value == "":
                    if cell.style not in ("plain", "plain-left", "label-bold", "title", "subtitle", "section"):
                        ws.write_blank(r, c, None, fmt)
                else:
                    write_value(ws, r, c, cell.value, fmt)

    def _chart(self, ws: Any, spec: Chart) -> None:
        self._ws = ws
        if spec.kind == "stacked-bar":
            chart = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
        else:
            chart = self._line_chart(spec)
            if chart is not None:
                self._line_series(chart, spec)
                chart.set_title({"name": spec.title, "name_font": {"size": 11, "bold": True}})
                ws.insert_chart(spec.row, spec.col, chart, {"x_offset": spec.x_offset, "y_offset": spec.y_offset,
                                                             "object_position": 3})  # fmt: skip
                return
            chart = self.wb.add_chart({"type": "line"})
        self._series(chart, spec)
        chart.set_title({"name": spec.title, "name_font": {"size": 11, "bold": True}})
        chart.set_legend({"position": "bottom"})
        if spec.y_title:
            axis = chart.set_x_axis if spec.kind == "stacked-bar" else chart.set_y_axis
            axis({"name": spec.y_title, "name_font": {"size": 9, "bold": False}})
        if spec.kind == "stacked-bar":
            chart.set_y_axis({"reverse": True})
        chart.set_size({"width": spec.width, "height": spec.height})
        ws.insert_chart(spec.row, spec.col, chart, {"x_offset": spec.x_offset, "y_offset": spec.y_offset,
                                                     "object_position": 3})

    def _line_chart(self, spec: Chart) -> Any:
        """A line chart that shares its legend, axes and size with the others of the same units.

        A national PSB Summary draws thousands of trend charts (one per Red target); XlsxWriter
        builds ~27 KB of settings for each. Charts alike in all but their series and title are
        shallow copies of one configured prototype, each with its own series, title and ids, so
        they write the same XML as charts built one by one (``tests/test_stream_paint.py``, which
        replaces this method by one returning None: then each chart is built on its own).
        """
        key = (spec.y_title, spec.width, spec.height)
        proto = self._protos.get(key)
        if proto is None:
            proto = self.wb.add_chart({"type": "line"})
            self.wb.charts.pop()  # the prototype is never drawn itself
            proto.set_legend({"position": "bottom"})
            if spec.y_title:
                proto.set_y_axis({"name": spec.y_title, "name_font": {"size": 9, "bold": False}})
            proto.set_size({"width": spec.width, "height": spec.height})
            self._protos[key] = proto
        chart = copy.copy(proto)
        chart.series, chart.formula_ids, chart.formula_data = [], {}, []
        chart.axis_ids, chart.axis2_ids, chart.series_index, chart.id = [], [], 0, -1
        chart.title = copy.copy(proto.title)
        self.wb.charts.append(chart)
        return chart

    def _line_series(self, chart: Any, spec: Chart) -> None:
        """``_series`` for a prototype's copy: each series a copy of the first built alike, with its own ranges."""
        cat = spec.categories
        for s in spec.series:
            v = s.values
            key = (id(self._protos[(spec.y_title, spec.width, spec.height)]), s.name, s.color)
            template = self._series_templates.get(key)
            if template is None:
                self._series(chart, Chart(spec.kind, spec.title, cat, (s,), spec.row, spec.col))
                self._series_templates[key] = chart.series[-1]
                continue
            series = dict(template)
            series["categories"] = cat_f = chart._list_to_formula([cat.sheet, cat.first_row, cat.first_col,
                                                                  cat.last_row, cat.last_col])  # fmt: skip
            series["values"] = val_f = chart._list_to_formula([v.sheet, v.first_row, v.first_col, v.last_row,
                                                              v.last_col])  # fmt: skip
            cat_data = val_data = None
            if getattr(self._ws, "recorded", None) is not None and cat.sheet == v.sheet == self._ws.name:
                cat_data = range_data(self._ws, cat.first_row, cat.first_col, cat.last_row, cat.last_col)
                val_data = range_data(self._ws, v.first_row, v.first_col, v.last_row, v.last_col)
            series["cat_data_id"] = chart._get_data_id(cat_f, cat_data)  # in add_series' order: categories first
            series["val_data_id"] = chart._get_data_id(val_f, val_data)
            chart.series.append(series)

    def _series(self, chart: Any, spec: Chart) -> None:
        cat = spec.categories
        for s in spec.series:
            v = s.values
            series: dict[str, Any] = {
                "name": s.name,
                "categories": [cat.sheet, cat.first_row, cat.first_col, cat.last_row, cat.last_col],
                "values": [v.sheet, v.first_row, v.first_col, v.last_row, v.last_col],
            }
            if getattr(self._ws, "recorded", None) is not None and cat.sheet == v.sheet == self._ws.name:
                # a streamed sheet keeps no cell table: give the charts the values its cells hold
                series["categories_data"] = range_data(self._ws, cat.first_row, cat.first_col, cat.last_row, cat.last_col)
                series["values_data"] = range_data(self._ws, v.first_row, v.first_col, v.last_row, v.last_col)
            if spec.kind == "stacked-bar":
                series["fill"] = {"color": s.color}
                series["border"] = {"color": "#FFFFFF"}
                series["gap"] = 40
            else:
                series["line"] = {"color": s.color, "width": 2.25, **({"dash_type": "dash"} if s.name == "Profile" else {})}
                series["marker"] = {"type": "circle", "size": 6, "fill": {"color": s.color}, "border": {"color": s.color}}
            chart.add_series(series)


def _cell(layout: SheetLayout, r: int, c: int) -> Cell | None:
    if r < len(layout.rows) and c < len(layout.rows[r]):
        return layout.rows[r][c]
    return None
