"""The live parts of a return workbook: the ``Check`` rule and the native formulas.

A return travels to partners who have no Python, so ``% variance``, ``RAG``
and ``Check`` on the quarter sheets are plain Excel formulas. This module
writes those formulas as text (the writer only paints them) and holds
:func:`row_check`, the Python twin of the ``Check`` column. The formulas use
only functions Excel 2013+ and LibreOffice 7.4 both know (no LET/LAMBDA), and
show a blank rather than ``#DIV/0!`` or ``#VALUE!``.

Per-row constants (polarity, tolerance and its type, whether the quarter is
due) come from the register and are embedded in each row's formula, so the
officer cannot change them by accident. The actual may be typed as text
(``" 1,234 "``): hidden helper columns read it exactly as
:func:`laa_xl.core.numbers.to_number` does, and mark anything else ``"?"``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import rules
from .numbers import NotANumber, is_blank, text, to_number

NUMBER_NEEDED = "Number needed"
REASON_NEEDED = "Reason needed"
COMMENTARY_NEEDED = "Commentary needed"
REMEDIAL_NEEDED = "Remedial action needed"
OVERRIDE_NOT_RAG = "Override must be Red, Amber or Green"
NOT_A_NUMBER = "?"  # what the helper column shows for an actual that is not a number
HELPER_COLUMNS = ("Calc: actual text", "Calc: whole part", "Calc: actual")
_MAX_GROUPS = 7  # thousands separators checked in place (numbers up to 10^24)


def row_check(
    actual: object,
    profile: float | None,
    polarity: str = "higher",
    tolerance: float = rules.DEFAULT_TOLERANCE,
    tolerance_type: str = "relative",
    due: bool = True,
    override: object = None,
    reason: object = None,
    commentary: object = None,
    remedial_action: object = None,
    *,
    ended: dt.date | None = None,
    today: dt.date | None = None,
) -> str:
    """What a quarter-sheet row still needs, in words; '' when it is complete (the ``Check`` column).

    ``ended``/``today``: a blank actual is needed only once the quarter has ended (``today`` after ``ended``; either
    None: as if it had), so a lead opening the return in July is not told Q3 and Q4 need numbers."""
    needs: list[str] = []
    number: float | None = None
    try:
        number = to_number(actual)
        if number is None and due and (ended is None or today is None or today > ended):
            needs.append(NUMBER_NEEDED)
    except NotANumber:
        needs.append(NUMBER_NEEDED)
    computed = rules.rag(number, profile, polarity, tolerance, tolerance_type, due)
    o_text = text(override)
    o = rules.normalise_rag(o_text)
    if o_text and o is None:
        needs.append(OVERRIDE_NOT_RAG)
    if o and is_blank_text(reason):
        needs.append(REASON_NEEDED)
    reported = rules.reported_rag(computed, o)
    if reported in (rules.RED, rules.AMBER) and is_blank_text(commentary):
        needs.append(COMMENTARY_NEEDED)
    if reported == rules.RED and is_blank_text(remedial_action):
        needs.append(REMEDIAL_NEEDED)
    return "; ".join(needs)


def is_blank_text(value: object) -> bool:
    return is_blank(value) or text(value) == ""


@dataclass(frozen=True)
class RowCells:
    """A1 references of one quarter-sheet row (columns found by the writer's layout)."""

    profile: str
    actual: str
    rag: str
    override: str
    reason: str
    commentary: str
    remedial: str
    text: str  # helper: the actual as cleaned text
    whole: str  # helper: its whole-number part, sign removed
    number: str  # helper: the actual as a number, '' or '?'


def _num(x: float) -> str:
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


def text_formula(c: RowCells) -> str:
    """Helper 1: the actual as text with control characters (tabs, line feeds), spaces and non-breaking spaces
    removed ('' for numbers and errors), as ``to_number`` reads it."""
    a = c.actual
    return f'=IF(ISNUMBER({a}),"",IF(ISERROR({a}),"",SUBSTITUTE(SUBSTITUTE(CLEAN({a}),UNICHAR(160),"")," ","")))'


def _unsigned(t: str) -> str:
    return f'IF(OR(LEFT({t},1)="+",LEFT({t},1)="-"),MID({t},2,1000),{t})'


def whole_formula(c: RowCells) -> str:
    """Helper 2: the part before the decimal point, sign removed."""
    u = _unsigned(c.text)
    return f'=IF(ISNUMBER(FIND(".",{u})),LEFT({u},FIND(".",{u})-1),{u})'


def _digits_only(x: str) -> str:
    expr = x
    for d in "0123456789":
        expr = f'SUBSTITUTE({expr},"{d}","")'
    return f'({expr}="")'


def number_formula(c: RowCells) -> str:
    """Helper 3: the actual as a number exactly as ``to_number`` reads it; '' blank; '?' not a number.

    The grammar is ``[+-] (d{1,3}(,ddd)+ | d*) (.d+)?`` after removing spaces.
    """
    a, t, w = c.actual, c.text, c.whole
    u = _unsigned(t)
    frac = f'MID({u},LEN({w})+2,1000)'
    has_dot = f'(LEN({u})>LEN({w}))'
    n = f"LEN({w})"
    commas = f'(LEN({w})-LEN(SUBSTITUTE({w},",","")))'
    places = ",".join(f'OR({commas}<{j},MID({w},MAX(1,{n}-{4 * j - 1}),1)=",")' for j in range(1, _MAX_GROUPS + 1))
    grouping = f"OR({commas}=0,AND(MOD({n},4)<>0,{commas}=INT({n}/4),{places}))"
    no_commas = f'SUBSTITUTE({w},",","")'
    valid = (
        f'AND({u}<>"",{u}<>".",{_digits_only(no_commas)},{_digits_only(frac)},'
        f'OR(NOT({has_dot}),{frac}<>""),{grouping})'
    )
    value = f'NUMBERVALUE(SUBSTITUTE({t},",",""),".",",")'
    return f'=IF(ISNUMBER({a}),{a},IF({t}="","",IF({valid},{value},"{NOT_A_NUMBER}")))'


def variance_formula(c: RowCells) -> str:
    """% variance as a fraction: (actual - profile) / |profile|, blank when it cannot be computed."""
    n, p = c.number, c.profile
    return f'=IF(AND(ISNUMBER({n}),ISNUMBER({p})),IF({p}=0,"",({n}-{p})/ABS({p})),"")'


def rag_formula(
    c: RowCells,
    polarity: str = "higher",
    tolerance: float = rules.DEFAULT_TOLERANCE,
    tolerance_type: str = "relative",
    due: bool = True,
) -> str:
    """Computed RAG exactly as :func:`laa_xl.core.rules.rag` (SPEC 3), with the row's constants embedded."""
    if not due:
        return f'="{rules.NOT_DUE}"'
    n, p = c.number, c.profile
    s = "-" if rules.sign(polarity) < 0 else ""
    tol = _num(tolerance)
    eps = "0.000000001"
    if tolerance_type.strip().lower().startswith("a"):
        g = f"{s}({n}-{p})"
        graded = f'IF({g}>=-{eps},"Green",IF({g}>=-{tol}-{eps},"Amber","Red"))'
    else:
        g = f"{s}({n}-{p})/ABS({p})"
        graded = f'IF({p}=0,IF({s}{n}>=0,"Green","Red"),IF({g}>=-{eps},"Green",IF({g}>=-{tol}-{eps},"Amber","Red")))'
    return f'=IF(AND(ISNUMBER({n}),ISNUMBER({p})),{graded},"{rules.NO_DATA}")'


def _blank(ref: str) -> str:
    return f'(LEN(TRIM(SUBSTITUTE(CLEAN({ref}&""),UNICHAR(160)," ")))=0)'


def check_formula(c: RowCells, due: bool = True, ended: dt.date | None = None) -> str:
    """The ``Check`` column: :func:`row_check` as a native formula ('' when the row is complete); ``ended``: the
    quarter's last day, before which a blank actual is not yet needed (TODAY(), which Excel works out as the file
    opens)."""
    o = f'TRIM(SUBSTITUTE({c.override}&"",UNICHAR(160)," "))'
    red, amber, green = f'OR({o}="red",{o}="r")', f'OR({o}="amber",{o}="a")', f'OR({o}="green",{o}="g")'
    valid = f"OR({red},{amber},{green})"
    reported = f'IF({red},"Red",IF({amber},"Amber",IF({green},"Green",{c.rag})))'
    blank = f'{c.number}=""'
    if ended is not None:
        blank = f"AND({blank},TODAY()>DATE({ended.year},{ended.month},{ended.day}))"
    number = f'{c.number}="{NOT_A_NUMBER}"' + (f",{blank}" if due else "")
    parts = [
        f'IF(OR({number}),"; {NUMBER_NEEDED}","")',
        f'IF(AND({o}<>"",NOT({valid})),"; {OVERRIDE_NOT_RAG}","")',
        f'IF(AND({valid},{_blank(c.reason)}),"; {REASON_NEEDED}","")',
        f'IF(AND(OR({reported}="Red",{reported}="Amber"),{_blank(c.commentary)}),"; {COMMENTARY_NEEDED}","")',
        f'IF(AND({reported}="Red",{_blank(c.remedial)}),"; {REMEDIAL_NEEDED}","")',
    ]
    return f'=MID({"&".join(parts)},3,1000)'


def _one_to_four(ref: str) -> str:
    """A likelihood or impact cell as the whole number 1 to 4 it holds, typed as a number or as text (" 3 ", "3.0":
    SPEC 4), as ``to_number`` reads it; #N/A when it holds anything else (blank, 5, 2.5, "high")."""
    typed = f'--SUBSTITUTE(SUBSTITUTE(CLEAN({ref}&""),UNICHAR(160),"")," ","")'
    return f"MATCH(IF(ISNUMBER({ref}),{ref},{typed}),{{1,2,3,4}},0)"


def risk_score_formula(likelihood: str, impact: str) -> str:
    """Likelihood x impact, blank unless both are whole numbers from 1 to 4 (``rules.risk_score``)."""
    return f'=IFERROR({_one_to_four(likelihood)}*{_one_to_four(impact)},"")'


def risk_rating_formula(score: str) -> str:
    return f'=IF(ISNUMBER({score}),IF({score}>=9,"High",IF({score}>=4,"Medium","Low")),"")'
