"""The live ``Data`` sheet (SPEC 5.2): the consolidation's values, with % variance, RAG and Direction as
spilled Python UDF formulas, so a central officer who corrects an Actual sees them recompute.

One formula per column, in row 2, fills (spills over) every row: ``=LAA_VARIANCE(F2:F145,E2:E145)``.
Its arguments are whole columns:

- polarity, tolerance and tolerance type come from the ``Targets`` register table
  (``TargetRegister``) by each row's Ref, with ``XLOOKUP`` (a blank register cell gives the core's
  default: higher, 5 %, relative);
- *due* is worked out from the same target's ``Due quarters`` (when given) or ``Frequency``
  (quarterly: every quarter; six-monthly: Q2 and Q4; annual: Q4), never from whether a profile
  exists: a due quarter with no profile is ``No data``, as the consolidation says;
- Direction compares with the same target's same quarter of the previous year where the sheet
  holds it, else the latest of the three quarters before it with an actual (what
  ``laa_xl.core.consolidate`` does with the actuals it knows).

``Reported RAG`` is ``=H<row>`` (the live RAG) for each row without an officer's override, and the
override itself where there is one. The formulas need Excel 2021 / Microsoft 365 (dynamic arrays,
``XLOOKUP``) and the xlwings add-in for the ``LAA_*`` functions.
"""

from __future__ import annotations

from ..core.consolidate import Consolidation
from ..core.layout import Cell, SheetLayout
from ..core.reports import DATA_COLUMNS, data_layout, data_rows
from ..io.styles import RAG_FILLS, RAG_FONTS
from .layout import TARGETS_TABLE
from .paint import Rect, column_letter

EMPTY = '""'
FORMULA_COLUMNS = ("% variance", "RAG", "Direction")
COL = {h: column_letter(i) for i, h in enumerate(DATA_COLUMNS)}


def _col(h: str, first: int, last: int) -> str:
    return f"{COL[h]}{first}:{COL[h]}{last}"


def register_lookup(ref: str, field: str, default: str, table: str = TARGETS_TABLE, numeric: bool = False) -> str:
    """Each row's target's ``field`` from the register table; ``default`` when the ref is not there.

    ``&""`` turns an empty register cell into "" (XLOOKUP would give 0); a number column keeps its cells as they
    are but for that (a number typed as text, "0.1", is then read by the UDF as the register reads it).
    """
    values = (f'IF({table}[{field}]&""="","",{table}[{field}])' if numeric
              else f'{table}[{field}]&""')  # fmt: skip
    return f"XLOOKUP({ref},{table}[Ref],{values},{default})"


def due_expression(first: int, last: int, table: str = TARGETS_TABLE) -> str:
    ref, q = _col("Ref", first, last), _col("Quarter", first, last)
    due = f"TRIM({register_lookup(ref, 'Due quarters', EMPTY, table)})"
    freq = f"TRIM({register_lookup(ref, 'Frequency', EMPTY, table)})"
    return (f'IF({due}<>"",ISNUMBER(SEARCH({q},{due})),'
            f'IF({freq}="annual",{q}="Q4",IF({freq}="six-monthly",({q}="Q2")+({q}="Q4")>0,TRUE)))')  # fmt: skip


def then_expression(first: int, last: int) -> str:
    """The 'then' of each row's direction of travel (see the module docstring)."""
    ref, yr, q, act = (_col(h, first, last) for h in ("Ref", "Financial year", "Quarter", "Actual"))
    keys = f'{ref}&"|"&{yr}&"|"&{q}'
    vals = f'IF(ISNUMBER({act}),{act},"")'
    qn = f"VALUE(RIGHT({q},1))"
    prev_year = f'(LEFT({yr},4)-1)&"/"&RIGHT(LEFT({yr},4),2)'

    def find(key: str) -> str:
        return f'XLOOKUP({key},{keys},{vals},"")'

    same = find(f'{ref}&"|"&{prev_year}&"|"&{q}')
    back = [find(f'{ref}&"|"&IF({qn}>{k},{yr},{prev_year})&"|Q"&(MOD({qn}-{k + 1},4)+1)') for k in (1, 2, 3)]
    return f"IF(ISNUMBER({same}),{same},IF(ISNUMBER({back[0]}),{back[0]},IF(ISNUMBER({back[1]}),{back[1]},{back[2]})))"


def data_formulas(first: int, last: int, table: str = TARGETS_TABLE) -> dict[str, str]:
    """The three spilled UDF formulas of rows ``first``..``last`` (1-based), by column header."""
    ref, prof, act = _col("Ref", first, last), _col("Profile", first, last), _col("Actual", first, last)
    polarity = register_lookup(ref, "Polarity", '"higher"', table)
    tolerance = register_lookup(ref, "Tolerance", "0.05", table, numeric=True)
    ttype = register_lookup(ref, "Tolerance type", '"relative"', table)
    return {
        "% variance": f"=LAA_VARIANCE({act},{prof})",
        "RAG": f"=LAA_RAG({act},{prof},{polarity},{tolerance},{ttype},{due_expression(first, last, table)})",
        "Direction": f"=LAA_DIRECTION({act},{then_expression(first, last)},{polarity})",
    }


def live_data(cons: Consolidation) -> tuple[SheetLayout, dict[tuple[int, int], str | list[list[str]]], dict[Rect, dict[str, tuple[str, str]]]]:
    """The Data layout with its formula columns left empty, the formulas (0-based cell -> formula or a
    column block of them), and the colour rules of the RAG columns."""
    lay = data_layout(cons)
    n = len(lay.rows) - 1
    idx = {h: i for i, h in enumerate(DATA_COLUMNS)}
    if n == 0:
        return lay, {}, {}
    for row in lay.rows[1:]:
        for h in FORMULA_COLUMNS:
            old = row[idx[h]]
            row[idx[h]] = Cell(None, old.style if old is not None else "plain", old.decimals if old else None)
        row[idx["Reported RAG"]] = Cell(None, "rag")
    first, last = 2, n + 1
    formulas: dict[tuple[int, int], str | list[list[str]]] = {
        (1, idx[h]): f for h, f in data_formulas(first, last).items()
    }
    rag = COL["RAG"]
    formulas[(1, idx["Reported RAG"])] = [
        [o.rag_override if o.rag_override else f"={rag}{r}"] for r, o in enumerate(data_rows(cons), start=first)
    ]
    colours = {v: (RAG_FILLS[v], RAG_FONTS[v]) for v in RAG_FILLS}
    conditional: dict[Rect, dict[str, tuple[str, str]]] = {(1, idx["RAG"], n, idx["Reported RAG"]): colours}
    return lay, formulas, conditional
