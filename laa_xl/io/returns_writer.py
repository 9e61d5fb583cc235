"""Issue return workbooks: one ``.xlsx`` per partnership per year (SPEC 5.1).

The layout (titles, guidance, colours, widths, print setup) is read from
``laa_xl/templates/return.toml`` so the central team can restyle the return;
sheet names and column headers are the contract of SPEC 5.1 and live in
``laa_xl.core.returns``. ``% variance``, ``RAG`` and ``Check`` are native
formulas from ``laa_xl.core.return_form``; XlsxWriter caches the value each
formula has when the return is issued (computed by the Python core), so a
reader never sees a wrong cached 0.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_range

from ..core import return_form as rf
from ..core import rules
from ..core.issues import cell_name
from ..core.numbers import NotANumber, to_number, without_spaces
from ..core.periods import QUARTERS, FinancialYear
from ..core.register import Partnership, Register, Target
from ..core.returns import COVER_LABELS, QUARTER_COLUMNS, RISK_COLUMNS, SPEND_COLUMNS
from ..errors import LaaError
from .files import atomic_path
from .styles import RAG_FILLS, RAG_FONTS
from .xlsx_fast import FormulaWorksheet

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "return.toml"
MONTHS = {"Q1": "April to June", "Q2": "July to September", "Q3": "October to December", "Q4": "January to March"}
INPUT_COLUMNS = ("Actual", "RAG override", "Override reason", "Commentary", "Remedial action",
                 "Inspection/survey evidence", "Data quality note")  # fmt: skip
WRAP_COLUMNS = ("Target", "Override reason", "Commentary", "Remedial action", "Inspection/survey evidence",
                "Data quality note", "Check")  # fmt: skip
Priors = Mapping[tuple[str, str], object]


@cache
def _load_template(path: str) -> dict[str, Any]:
    with open(path, "rb") as f:
        return tomllib.load(f)


def template(path: str | Path | None = None) -> dict[str, Any]:
    """The return layout: the packaged default, with a central team's own template laid over it.

    A custom template need only hold what it changes (e.g. ``[cover] title = ...``).
    """
    default = _load_template(str(TEMPLATE))
    if path is None or Path(path).resolve() == TEMPLATE:
        return default
    try:
        custom = _load_template(str(path))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise LaaError(f"The return template {path} cannot be read: {e}") from e
    return _overlay(default, custom)


def _overlay(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in top.items():
        out[k] = _overlay(base[k], v) if isinstance(v, Mapping) and isinstance(base.get(k), Mapping) else v
    return out


def return_file_name(code: str, year: FinancialYear) -> str:
    """``CYP_2008-09.xlsx``."""
    return f"{code}_{year.file_label}.xlsx"


def quarter_columns() -> dict[str, int]:
    """0-based column of each quarter-sheet header: the SPEC 5.1 columns, then the hidden helpers."""
    return {h: i for i, h in enumerate((*QUARTER_COLUMNS, *rf.HELPER_COLUMNS))}


def issue_returns(
    register: Register,
    year: str | FinancialYear,
    out_dir: str | Path,
    prior_actuals: Mapping[str, Priors] | None = None,
    *,
    template_path: str | Path | None = None,
    keep_existing: bool = False,
    allow_spawn: bool = True,
) -> list[Path]:
    """Write one return per partnership with targets; ``prior_actuals[code][(ref, quarter)]`` are carried in.

    With ``keep_existing`` a return already in ``out_dir`` is left alone (it may hold an officer's figures);
    only the returns written are listed. Many returns are written by worker processes, as returns are read
    (``read_pool.workers_for``: one per CPU from 8 returns where they are forked; ``allow_spawn`` as there).
    """
    from .read_pool import in_workers

    fy = FinancialYear.parse(year)
    out = Path(out_dir)
    todo = [(p, out / return_file_name(p.code, fy)) for p in register.partnerships if register.targets_for(p.code)]
    if keep_existing:
        todo = [(p, path) for p, path in todo if not path.exists()]
    job = (register, fy, dict(prior_actuals or {}), template_path)
    return in_workers(_write_one, todo, job, "Issuing returns", allow_spawn=allow_spawn)


def _write_one(item: tuple[Partnership, Path], job: tuple[Register, FinancialYear, Mapping[str, Priors], Any]) -> Path:
    register, fy, priors, template_path = job
    p, path = item
    write_return(path, register, p, fy, priors.get(p.code, {}), template_path=template_path)
    return path


class _Formats:
    def __init__(self, wb: Any, t: dict[str, Any]) -> None:
        st = t["style"]
        base = {"font_name": st["font"], "font_size": st["font_size"], "valign": "top"}
        cell = {**base, "border": 1, "border_color": st["border"]}
        self.base = wb.add_format(base)
        self.title = wb.add_format({**base, "bold": True, "font_size": st["title_size"], "font_color": st["header_fill"]})
        self.subtitle = wb.add_format({**base, "italic": True, "font_color": "#404040"})
        self.subtitle_wrap = wb.add_format({**base, "italic": True, "font_color": "#404040", "text_wrap": True})
        self.header = wb.add_format({**cell, "bold": True, "font_color": st["header_font"], "bg_color": st["header_fill"],
                                     "text_wrap": True})  # fmt: skip
        self.bold = wb.add_format({**base, "bold": True})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self._wb, self._cell, self._st = wb, cell, st
        self._cache: dict[tuple[Any, ...], Any] = {}

    def cell(self, *, locked: bool = True, num: str | None = None, wrap: bool = False, center: bool = False) -> Any:
        key = (locked, num, wrap, center)
        if key not in self._cache:
            props = self._props(num, wrap, center, locked=locked,
                                bg_color=self._st["locked_fill"] if locked else self._st["input_fill"])  # fmt: skip
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]

    def plain(self, *, num: str | None = None, wrap: bool = False, center: bool = False, bold: bool = False) -> Any:
        """A locked, unshaded cell (formula results)."""
        key = ("plain", num, wrap, center, bold)
        if key not in self._cache:
            props = self._props(num, wrap, center, locked=True)
            if bold:
                props["bold"] = True
                props["font_color"] = self._st["check_font"]
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]

    def _props(self, num: str | None, wrap: bool, center: bool, **more: Any) -> dict[str, Any]:
        """The cell format's properties with a number format, wrapping and centring as asked."""
        props: dict[str, Any] = {**self._cell, **more}
        if num:
            props["num_format"] = num
        if wrap:
            props["text_wrap"] = True
        if center:
            props["align"] = "center"
        return props

    def cf(self, bg: str, font: str) -> Any:
        return self._wb.add_format({"bg_color": bg, "font_color": font})


def write_return(
    path: str | Path,
    register: Register,
    partnership: Partnership,
    year: FinancialYear,
    priors: Priors | None = None,
    *,
    template_path: str | Path | None = None,
) -> Path:
    """Write one partnership's return workbook for ``year`` (atomically)."""
    t = template(template_path)
    path = Path(path)
    names = {"area": register.settings.area or "Local Area Agreement", "partnership": partnership.name,
             "code": partnership.code, "year": str(year)}  # fmt: skip
    with atomic_path(path) as tmp:
        # in memory: a return is small, and XlsxWriter's temporary file per part cost a tenth of the time
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
        wb.set_properties({"title": f"LAA return {partnership.code} {year}", "company": names["area"],
                           "comments": f"Template version {t['template_version']}"})  # fmt: skip
        fmt = _Formats(wb, t)
        wb.formats[0].set_font_name(t["style"]["font"])
        _cover(wb, fmt, t, register, partnership, year, names)
        targets = register.targets_for(partnership.code)
        for q in QUARTERS:
            _quarter(wb, fmt, t, register, targets, year, q, priors or {}, names)
        _risks(wb, fmt, t, names)
        _spend(wb, fmt, t, targets, names)
        wb.close()
    return path


def _fill(text: str, names: Mapping[str, str]) -> str:
    return text.format(**names)


def _print_setup(
    ws: Any, t: dict[str, Any], names: Mapping[str, str], header_row: int | None, section: Mapping[str, Any] | None = None
) -> None:
    pr = {**t["print"], **(section or {}).get("print", {})}
    ws.set_paper(9)  # A4
    if pr.get("landscape", True):
        ws.set_landscape()
    else:
        ws.set_portrait()
    if pr.get("fit_width"):
        ws.fit_to_pages(int(pr["fit_width"]), 0)
    left, right, top, bottom = pr["margins"]
    ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    ws.set_footer(_fill(pr["footer"], names))
    if header_row is not None:
        ws.repeat_rows(header_row)
    ws.hide_gridlines(2)  # a form: the cells carry their own borders


def _protect(ws: Any) -> None:
    """Locked register cells, open input cells; no password, so nobody is ever locked out."""
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})  # fmt: skip


def _titles(ws: Any, fmt: _Formats, title: str, subtitle: str, last_col: int, width: float = 0.0) -> None:
    """The title, and the subtitle under it; a subtitle longer than the sheet's ``width`` (characters, its printed
    columns) is wrapped across them, or it would print cut off at the print area's edge."""
    ws.write_string(0, 0, title, fmt.title)
    lines = -(-len(subtitle) // max(int(width), 1)) if width else 1
    if lines > 1 and last_col > 0:
        ws.merge_range(1, 0, 1, last_col, subtitle, fmt.subtitle_wrap)
        ws.set_row(1, 13.0 * lines + 2)
    else:
        ws.write_string(1, 0, subtitle, fmt.subtitle)
    ws.set_row(0, 22)


def _cover(
    wb: Any, fmt: _Formats, t: dict[str, Any], register: Register, p: Partnership, year: FinancialYear,
    names: Mapping[str, str],
) -> None:  # fmt: skip
    c = t["cover"]
    ws = wb.add_worksheet("Cover", worksheet_class=FormulaWorksheet)
    ws.set_column(0, 0, c["label_width"])
    ws.set_column(1, 1, c["value_width"])
    values: dict[str, Any] = {"Partnership code": p.code, "Partnership": p.name, "Financial year": str(year),
                              "Template version": t["template_version"], "Completed by": None, "Email": None,
                              "Date submitted": None}  # fmt: skip
    inputs = {"Completed by", "Email", "Date submitted"}
    ws.write_string(0, 0, _fill(c["title"], names), fmt.title)
    ws.write_string(1, 0, _fill(c["subtitle"], names), fmt.subtitle)
    ws.set_row(0, 22)
    top = 3  # SPEC 5.1: label/value pairs in columns A/B ('Partnership code' is A4/B4)
    for r, label in enumerate(COVER_LABELS, start=top):
        ws.write_string(r, 0, label, fmt.cell(center=False))
        v = values[label]
        if label == "Date submitted":
            ws.write_blank(r, 1, None, fmt.cell(locked=False, num="dd mmm yyyy"))
            ws.data_validation(r, 1, r, 1, {"validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1),
                                            "error_type": "warning", "error_title": "Date submitted",
                                            "error_message": "Type the date you send the return, e.g. 25/07/2008."})  # fmt: skip
        elif label in inputs:
            ws.write_blank(r, 1, None, fmt.cell(locked=False))
        else:
            ws.write_string(r, 1, str(v), fmt.cell())
    r = top + len(COVER_LABELS) + 1
    deadlines = [(e.period, e.deadline) for e in register.timetable if e.period.year == year and e.deadline]
    if deadlines:
        ws.write_string(r, 0, "Deadlines for this return", fmt.bold)
        r += 1
        for period, deadline in sorted(deadlines, key=lambda x: str(x[0])):
            assert deadline is not None
            ws.write_string(r, 0, f"{period.kind} ({MONTHS.get(period.kind, '')})", fmt.base)
            ws.write_datetime(r, 1, dt.datetime(deadline.year, deadline.month, deadline.day),
                              wb.add_format({"num_format": "dddd d mmmm yyyy", "align": "left",
                                             "font_name": t["style"]["font"], "font_size": t["style"]["font_size"]}))  # fmt: skip
            r += 1
        r += 1
    for i, line in enumerate(c["guidance"]):
        ws.merge_range(r, 0, r, 1, line, fmt.bold if i == 0 else fmt.wrap)
        if i:
            ws.set_row(r, 24 if len(line) > 90 else None)
        r += 1
    _print_setup(ws, t, names, None, c)
    ws.print_area(0, 0, r, 1)
    _protect(ws)
    ws.activate()


PERCENT_PROMPT = {"input_title": "Percentage points",
                  "input_message": "This target is in percentage points: for 45% type 45, not 45% or 0.45 (both "
                                   "are stored as 0.45)."}  # fmt: skip


def _ranges(rows: list[int], col: int) -> str:
    """Cells of one column on these rows (ascending, 0-based) as an A1 range list: 'G5:G7 G9'."""
    out: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        out.append(xl_range(start, col, prev, col))  # 'G5' for one cell
        if r is not None:
            start = prev = r
    return " ".join(out)


def _num_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * min(decimals, 6)


def _quarter(
    wb: Any, fmt: _Formats, t: dict[str, Any], register: Register, targets: list[Target], year: FinancialYear,
    q: str, priors: Priors, names: Mapping[str, str],
) -> None:  # fmt: skip
    qt = t["quarter"]
    ws = wb.add_worksheet(q, worksheet_class=FormulaWorksheet)
    cols = quarter_columns()
    last_visible = cols["Check"]
    names_q = {**names, "quarter": q, "months": f"{MONTHS[q]} {year.quarter_start(q).year}"}
    _titles(ws, fmt, _fill(qt["title"], names_q), _fill(qt["subtitle"], names_q), last_visible)
    hr = int(qt["header_row"]) - 1  # 0-based
    for h, c in cols.items():
        ws.write_string(hr, c, h, fmt.header)
        ws.set_column(c, c, qt["widths"].get(h, 10), None, {"hidden": h in rf.HELPER_COLUMNS})
    ws.set_row(hr, 26)
    for i, target in enumerate(targets):
        r = hr + 1 + i
        _quarter_row(ws, fmt, register, target, year, q, r, priors.get((target.ref, q)), cols)
        lines = -(-len(target.title) // max(int(qt["widths"].get("Target", 30) * 1.1), 1))  # wrapped title lines
        ws.set_row(r, max(float(qt["row_height"]), 12.0 * lines))
        ws.growing_rows.add(r)  # grows as commentary is typed, rather than hide its end
    first, last = hr + 1, hr + max(len(targets), 1)
    rag_col, ovr_col, check_col, act_col = cols["RAG"], cols["RAG override"], cols["Check"], cols["Actual"]
    for col in (rag_col, ovr_col):
        for rag, bg in RAG_FILLS.items():
            ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==", "value": f'"{rag}"',
                                                          "format": fmt.cf(bg, RAG_FONTS[rag])})  # fmt: skip
    ws.conditional_format(first, check_col, last, check_col, {"type": "no_blanks", "format": fmt.cf("#FCE4D6", "#C00000")})
    ws.data_validation(first, ovr_col, last, ovr_col, {
        "validate": "list", "source": ["Red", "Amber", "Green"], "ignore_blank": True,
        "input_title": "RAG override", "input_message": "Only if you disagree with the computed RAG: give a reason.",
        "error_title": "RAG override", "error_message": "Choose Red, Amber or Green (or leave it blank)."})  # fmt: skip
    actual_rule = {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                   "error_type": "warning", "error_title": "Actual",
                   "error_message": "Type the figure alone, as a number (notes go in Commentary)."}  # fmt: skip
    rows = list(range(first, last + 1))
    pct = [r for r, target in zip(rows, targets, strict=False) if target.is_percentage]
    for part, prompt in (([r for r in rows if r not in pct], {}), (pct, PERCENT_PROMPT)):
        if part:  # a percentage target's cell says, when selected, how to type it (45% typed is stored as 0.45)
            ws.data_validation(part[0], act_col, part[0], act_col,
                               {**actual_rule, **prompt, "multi_range": _ranges(part, act_col)})  # fmt: skip
    ws.freeze_panes(hr + 1, int(qt.get("freeze_columns", 1)))
    _print_setup(ws, t, names, hr, qt)
    ws.print_area(0, 0, last, last_visible)
    _protect(ws)


def _quarter_row(
    ws: Any, fmt: _Formats, register: Register, target: Target, year: FinancialYear, q: str, r: int,
    prior: object, cols: Mapping[str, int],
) -> None:  # fmt: skip
    row = r + 1

    def ref(h: str) -> str:
        return cell_name(row, cols[h] + 1)

    cells = rf.RowCells(
        profile=ref("Profile"), actual=ref("Actual"), rag=ref("RAG"), override=ref("RAG override"),
        reason=ref("Override reason"), commentary=ref("Commentary"), remedial=ref("Remedial action"),
        text=ref(rf.HELPER_COLUMNS[0]), whole=ref(rf.HELPER_COLUMNS[1]), number=ref(rf.HELPER_COLUMNS[2]),
    )  # fmt: skip
    profile = register.profile(target.ref, year, q)
    due = target.is_due(q)
    num = _num_format(target.decimals)
    ws.write_string(r, cols["Target ref"], target.ref, fmt.cell())
    ws.write_string(r, cols["NI"], target.ni, fmt.cell())
    ws.write_string(r, cols["Target"], target.title, fmt.cell(wrap=True))
    ws.write_string(r, cols["Units"], target.units, fmt.cell(wrap=True))
    ws.write_string(r, cols["Polarity"], target.polarity, fmt.cell())
    if profile is None:
        ws.write_string(r, cols["Profile"], "" if due else "not due", fmt.cell(center=True))
    else:
        ws.write_number(r, cols["Profile"], profile, fmt.cell(num=num))
    actual_fmt = fmt.cell(locked=False, num=num)
    if prior is None:
        ws.write_blank(r, cols["Actual"], None, actual_fmt)
    elif isinstance(prior, int | float):
        ws.write_number(r, cols["Actual"], prior, actual_fmt)
    else:
        ws.write_string(r, cols["Actual"], str(prior), actual_fmt)
    for h in INPUT_COLUMNS[1:]:
        ws.write_blank(r, cols[h], None, fmt.cell(locked=False, wrap=h in WRAP_COLUMNS, center=h == "RAG override"))
    # Cached results = what the Python core computes for the row as issued.
    try:
        number: float | None = to_number(prior)
        number_cache: object = "" if number is None else number
    except NotANumber:
        number, number_cache = None, rf.NOT_A_NUMBER
    text_cache = "" if prior is None or isinstance(prior, int | float) else without_spaces(str(prior))
    var = rules.variance(number, profile)
    rag = rules.rag(number, profile, target.polarity, target.tolerance, target.tolerance_type, due)
    ended = year.quarter_end(q)
    check = rf.row_check(prior, profile, target.polarity, target.tolerance, target.tolerance_type, due, ended=ended,
                         today=dt.date.today())  # fmt: skip
    hidden = fmt.plain()
    ws.write_formula(r, cols[rf.HELPER_COLUMNS[0]], _xl(rf.text_formula(cells)), hidden, text_cache)
    ws.write_formula(r, cols[rf.HELPER_COLUMNS[1]], _xl(rf.whole_formula(cells)), hidden, _whole(text_cache))
    ws.write_formula(r, cols[rf.HELPER_COLUMNS[2]], _xl(rf.number_formula(cells)), hidden, number_cache)
    ws.write_formula(r, cols["% variance"], _xl(rf.variance_formula(cells)), fmt.plain(num="0.0%", center=True),
                     "" if var is None else var)  # fmt: skip
    ws.write_formula(r, cols["RAG"], _xl(rf.rag_formula(cells, target.polarity, target.tolerance, target.tolerance_type, due)),
                     fmt.plain(center=True), rag)  # fmt: skip
    ws.write_formula(r, cols["Check"], _xl(rf.check_formula(cells, due, ended)), fmt.plain(wrap=True, bold=True),
                     check)  # fmt: skip


def _xl(formula: str) -> str:
    """File form of a formula: Excel 2013 functions carry the _xlfn. prefix (much faster than XlsxWriter's
    use_future_functions, which runs a regex per function per formula)."""
    return formula.replace("UNICHAR(", "_xlfn.UNICHAR(").replace("NUMBERVALUE(", "_xlfn.NUMBERVALUE(")


def _whole(text: str) -> str:
    u = text[1:] if text[:1] in "+-" and text else text
    return u.split(".", 1)[0]


def _input_table(
    wb: Any, fmt: _Formats, t: dict[str, Any], name: str, columns: tuple[str, ...], section: dict[str, Any],
    names: Mapping[str, str], rows: list[dict[str, Any]], formulas: Mapping[str, Any], numbers: dict[str, str],
) -> Any:  # fmt: skip
    ws = wb.add_worksheet(name, worksheet_class=FormulaWorksheet)
    _titles(ws, fmt, _fill(section["title"], names), _fill(section["subtitle"], names), len(columns) - 1,
            sum(float(section["widths"].get(h, 12)) for h in columns))  # fmt: skip
    hr = 3
    for c, h in enumerate(columns):
        ws.write_string(hr, c, h, fmt.header)
        ws.set_column(c, c, section["widths"].get(h, 12))
    ws.set_row(hr, 26)
    col = {h: c for c, h in enumerate(columns)}
    for i, values in enumerate(rows):
        r = hr + 1 + i
        for h, c in col.items():
            if h in formulas:
                ws.write_formula(r, c, formulas[h](r + 1, col), fmt.plain(center=True), "")
                continue
            v = values.get(h)
            f = fmt.cell(locked=False, num=numbers.get(h), wrap=h in ("Risk", "Mitigation"))
            if v is None:
                ws.write_blank(r, c, None, f)
            else:
                ws.write_string(r, c, str(v), f)
    last = hr + max(len(rows), 1)
    ws.freeze_panes(hr + 1, 0)
    _print_setup(ws, t, names, hr, section)
    ws.print_area(0, 0, last, len(columns) - 1)
    _protect(ws)
    return ws, hr + 1, last, col


def _risks(wb: Any, fmt: _Formats, t: dict[str, Any], names: Mapping[str, str]) -> None:
    section = t["risks"]

    def score(row: int, col: Mapping[str, int]) -> str:
        return _xl(rf.risk_score_formula(cell_name(row, col["Likelihood"] + 1), cell_name(row, col["Impact"] + 1)))

    def rating(row: int, col: Mapping[str, int]) -> str:
        return rf.risk_rating_formula(cell_name(row, col["Score"] + 1))

    ws, first, last, col = _input_table(wb, fmt, t, "Risks", RISK_COLUMNS, section, names,
                                        [{} for _ in range(int(section["blank_rows"]))],
                                        {"Score": score, "Rating": rating}, {"Review date": "dd mmm yyyy"})  # fmt: skip
    for h in ("Likelihood", "Impact"):
        ws.data_validation(first, col[h], last, col[h], {"validate": "integer", "criteria": "between", "minimum": 1,
                                                         "maximum": 4, "error_title": h,
                                                         "error_message": "A whole number from 1 (low) to 4 (high)."})  # fmt: skip
    for rating_text, bg, font in (("High", RAG_FILLS["Red"], RAG_FONTS["Red"]),
                                  ("Medium", RAG_FILLS["Amber"], RAG_FONTS["Amber"]),
                                  ("Low", RAG_FILLS["Green"], RAG_FONTS["Green"])):  # fmt: skip
        ws.conditional_format(first, col["Rating"], last, col["Rating"],
                              {"type": "cell", "criteria": "==", "value": f'"{rating_text}"', "format": fmt.cf(bg, font)})  # fmt: skip


def _spend(wb: Any, fmt: _Formats, t: dict[str, Any], targets: list[Target], names: Mapping[str, str]) -> None:
    section = t["spend"]
    blocks = list(dict.fromkeys(tg.block for tg in targets if tg.block))
    rows: list[dict[str, Any]] = [{"Block": b, "Quarter": q} for b in blocks for q in QUARTERS]
    rows += [{} for _ in range(int(section["blank_rows"]))]
    money = "£#,##0"
    ws, first, last, col = _input_table(wb, fmt, t, "Spend", SPEND_COLUMNS, section, names, rows, {},
                                        {"Budget": money, "Spend": money, "Forecast outturn": money})  # fmt: skip
    for h in ("Budget", "Spend", "Forecast outturn"):
        ws.data_validation(first, col[h], last, col[h], {"validate": "decimal", "criteria": ">=", "value": 0,
                                                         "error_type": "warning", "error_title": h,
                                                         "error_message": "Type an amount in pounds, as a number."})  # fmt: skip
