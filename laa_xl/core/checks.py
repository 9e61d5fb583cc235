"""Data-quality checks of SPEC section 4: a return in, observations and issues out.

Checks never stop at the first problem. An error keeps a value out of the
consolidation (the quarter shows ``No data``); a warning is consolidated and
listed. Codes are stable; messages are written for a target lead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from . import rules
from .issues import Issue, Location, error, warning
from .numbers import NotANumber, exact, is_blank, text, to_number
from .periods import QUARTERS, FinancialYear, PeriodError
from .register import Register, Target, normalise_ref, parse_date
from .returns import Cell, CheckedReturn, Observation, ReturnData, ReturnRow, Risk, Spend
from .table import norm

JUMP_LIMIT = 0.5  # more than 50 % change from the previous quarter is worth a second look


def check_return(
    data: ReturnData,
    register: Register,
    *,
    year: FinancialYear | None = None,
    quarters: Iterable[str] | None = None,
    deadline: dt.date | None = None,
) -> CheckedReturn:
    """Check one return against the register.

    ``year`` is the year being consolidated (a cover for another year is an
    error); ``quarters`` are the quarters reported so far (default: up to the
    last quarter with any actual typed); ``deadline`` makes a later
    ``Date submitted`` a late return.
    """
    issues = list(data.issues)
    cover_loc = Location(data.file, next((c.location.sheet for c in data.cover.values() if c.location.sheet), "Cover"))
    sheet_of = {r.quarter: r.ref.location.sheet for r in data.rows if r.ref.location.sheet}  # 'Qtr 2' read as Q2
    code, ret_year, submitted = _check_cover(data, register, year, issues)
    row_refs = [normalise_ref(r.ref.value) for r in data.rows]  # each row's ref, normalised once
    if code is not None and register.partnership(code) is not None:
        owner = _whose_targets(row_refs, register, code)
        if owner is not None:  # another partnership's return under this one's code: it must not replace this one's
            refs = sorted({ref for ref in row_refs if ref})
            cell = data.cover.get("Partnership code")
            issues.append(error("wrong-partnership", f"The Cover says partnership '{code}', but the targets on this "
                                f"return are {owner}'s ({', '.join(refs[:3])}{', …' if len(refs) > 3 else ''}), so it "
                                f"is not used. If it is {owner}'s return, correct 'Partnership code' on the Cover to "
                                f"'{owner}' and send it again.",
                                cell.location if cell is not None and cell.location.cell else cover_loc))  # fmt: skip
            code = owner  # refused as the return of the partnership it belongs to, which is then asked for it
    elif code is None and register.partnerships and (owner := _whose_targets(row_refs, register, "")):
        # no code on the Cover, on a return of one partnership's targets: its return, the code left out
        at = next(i for i, x in enumerate(issues) if x.code == "missing-partnership")
        issues[at] = error("missing-partnership", f"The Cover does not say which partnership this return is from "
                           f"('Partnership code' is blank). Its targets are {owner}'s, so it is taken for {owner}'s "
                           f"return, but not used until the Cover says so: fill in '{owner}' and send it again.",
                           issues[at].location)  # fmt: skip
        code = owner
    elif code is not None and register.partnerships and (owner := _whose_targets(row_refs, register, code)):
        # a code that is none of ours ('CYPX'), on a return of one partnership's targets: its return, mistyped
        at = next(i for i, x in enumerate(issues) if x.code == "wrong-partnership")
        issues[at] = error("wrong-partnership", f"The Cover says partnership '{code}', which is not one of ours; the "
                           f"targets on this return are {owner}'s, so it is taken for {owner}'s return, but not used "
                           f"until the Cover is right. Correct 'Partnership code' on the Cover to '{owner}' and send "
                           "it again.", issues[at].location)  # fmt: skip
        code = owner
    targets = register.targets_for(code) if code else []
    asked = quarters is not None  # the quarters a consolidation asks for (not only those typed so far)
    before = data.last_typed_quarter()  # none: the return as issued, which the consolidation calls empty-return
    if quarters is None:
        quarters = QUARTERS[: QUARTERS.index(before) + 1] if before else ()
    quarters = tuple(quarters)
    gaps = _not_yet_typed(data, targets, quarters, before) if asked else []  # all of them for an empty return
    stale = bool(gaps) and before is not None
    if stale:
        qs = _and(gaps)
        sent = f", sent on {submitted:%d %b %Y}" if submitted else ""
        issues.append(warning("not-updated", f"No figure is typed on {qs} yet: this is the return up to {before}{sent}, "
                              f"not yet completed for {qs}. Its earlier quarters are used; {qs} "
                              f"{'counts' if len(gaps) == 1 else 'count'} as No data until the completed return "
                              "comes.", Location(data.file, sheet_of.get(gaps[0], gaps[0]))))  # fmt: skip
    elif not gaps and submitted and ret_year and quarters and submitted < ret_year.quarter_end(quarters[-1]):
        issues.append(
            warning("early-date", f"'Date submitted' reads {submitted:%d %b %Y}, before {quarters[-1]} {ret_year} "
                    f"ended ({ret_year.quarter_end(quarters[-1]):%d %b %Y}). Check it: dates are read day first "
                    "(01/11/2008 is 1 November).", cover_loc.at(data.cover["Date submitted"].location.cell or "B7"))
        )  # fmt: skip
    # completed for a later quarter than the one consolidated (Q1 consolidated again from the Q2 returns): its date
    # is that later round's, not late for this one; nor is the date of a return not yet completed for this one
    later = _filled_after(data, targets, quarters) if asked else None
    if deadline and submitted and submitted > deadline and not later and not stale:
        issues.append(
            warning("late-return", f"This return was submitted on {submitted:%d %b %Y}, after the deadline of "
                    f"{deadline:%d %b %Y}. It is consolidated and flagged as late.",
                    cover_loc.at(data.cover["Date submitted"].location.cell or "B7"))
        )  # fmt: skip
    if code is None or ret_year is None or any(i.code in ("wrong-year", "wrong-partnership", "missing-partnership")
                                               for i in issues):  # fmt: skip
        return CheckedReturn(data.file, code or "", ret_year, submitted, [], [], [], issues)

    on_rows = Counter(zip(row_refs, [r.quarter for r in data.rows], strict=True))  # (ref, quarter) -> rows
    rows = _usable_rows(data.rows, row_refs, on_rows, register, code, issues)
    # where "no row" would only repeat an error already listed: a target on two rows (neither used), or a quarter
    # sheet that could not be read (missing, or its Target ref or Actual heading gone)
    unread = {q for q in quarters if q not in data.quarters_found and q not in {k[1] for k in on_rows}}
    explained = {k for k, n in on_rows.items() if n > 1} | {(t.ref, q) for t in targets for q in unread}
    explained |= {(t.ref, q) for t in targets for q in gaps}  # one warning (or empty-return) says it, not one a target
    explained |= {(normalise_ref(ref), q) for ref, q in data.passed_over}  # rows-above-header says it
    observations: list[Observation] = []
    for t in targets:
        prev_actual: float | None = None
        for q in quarters:
            obs = _observe(t, q, ret_year, rows.get((t.ref, q)), register, data.file, issues,
                           quiet=(t.ref, q) in explained, sheet=sheet_of.get(q, q))  # fmt: skip
            if obs.actual is not None and prev_actual is not None and prev_actual != 0:
                change = (obs.actual - prev_actual) / abs(prev_actual)
                if abs(change) > JUMP_LIMIT + rules.EPS:
                    issues.append(
                        warning("big-jump", f"{t.ref}: {q} actual {_fmt(obs.actual)} is {_pct(abs(change))} "
                                f"{'up' if change > 0 else 'down'} on the previous quarter ({_fmt(prev_actual)}). "
                                "Please check it, or say why in the commentary.", obs.source)
                    )  # fmt: skip
            if obs.actual is not None:
                prev_actual = obs.actual
            observations.append(obs)
    return CheckedReturn(
        data.file,
        code,
        ret_year,
        submitted,
        observations,
        _risks(data, code, register, issues),
        _spend(data, code, register, issues),
        issues,
        later_quarter=later,
        not_updated=stale,
    )


def _not_yet_typed(data: ReturnData, targets: Sequence[Target], quarters: tuple[str, ...],
                   before: str | None) -> list[str]:  # fmt: skip
    """The quarters asked for, after the last with an actual typed (``before``; all of them when none is), that
    have a target due and their sheet in the return: those the return is not yet completed for (a commentary alone
    does not complete one). A missing sheet is an error of its own."""
    after = QUARTERS.index(before) if before else -1
    return [q for q in quarters if QUARTERS.index(q) > after and q in data.quarters_found
            and any(t.is_due(q) for t in targets)]  # fmt: skip


def _filled_after(data: ReturnData, targets: Sequence[Target], quarters: tuple[str, ...]) -> str | None:
    """The latest quarter after those asked for with actuals typed for at least half the targets due in it (the
    return completed for a later round), or None: one stray or early figure does not make one."""
    if not quarters:
        return None
    typed = {(normalise_ref(r.ref.value), r.quarter) for r in data.rows if not is_blank(r.actual.value)}
    for q in reversed(QUARTERS[QUARTERS.index(quarters[-1]) + 1:]):
        due = [t for t in targets if t.is_due(q)]
        if due and 2 * sum((t.ref, q) in typed for t in due) >= len(due):
            return q
    return None


def _and(items: Sequence[str]) -> str:
    """'Q3', 'Q3 and Q4', 'Q2, Q3 and Q4'."""
    return " and ".join(", ".join(items).rsplit(", ", 1)) if items else ""


def looks_like_fraction(actual: float, profile: float | None) -> bool:
    """A percentage typed as a fraction (45% typed into a cell, or pasted from a cell formatted as a percentage,
    is stored as 0.45): a non-zero actual within -1..1 that comes nearer the profile read as a percentage."""
    return profile is not None and 0 < abs(actual) <= 1 and abs(actual * 100 - profile) < abs(actual - profile)


def _pct(x: float) -> str:
    """A change as a percentage, shortly however large (1e308 typed by mistake)."""
    return f"{x:,.0%}" if x < 1e6 else f"{x * 100:.3g}%"


def _fmt(x: float) -> str:
    if abs(x) >= 1e15:  # not 300 digits for a 1e308 typed by mistake
        return f"{x:.6g}"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _check_cover(
    data: ReturnData, register: Register, year: FinancialYear | None, issues: list[Issue]
) -> tuple[str | None, FinancialYear | None, dt.date | None]:
    loc = Location(data.file, "Cover")

    def where(label: str) -> Location:
        c = data.cover.get(label)
        return c.location if c is not None and c.location.cell else loc

    code: str | None = data.cover_text("Partnership code").upper() or None
    if code is None:
        issues.append(error("missing-partnership", "The Cover sheet does not say which partnership this return is "
                            "from. Fill in 'Partnership code'.", where("Partnership code")))  # fmt: skip
    elif register.partnerships and register.partnership(code) is None:
        known = ", ".join(p.code for p in register.partnerships)
        issues.append(error("wrong-partnership", f"The Cover says partnership '{code}', which is not one of ours "
                            f"({known}).", where("Partnership code")))  # fmt: skip
    ret_year: FinancialYear | None = None
    try:
        ret_year = FinancialYear.parse(data.cover_text("Financial year"))
    except PeriodError:
        issues.append(error("bad-year", f"The Cover's financial year '{data.cover_text('Financial year')}' is not a "
                            "year like 2008/09.", where("Financial year")))  # fmt: skip
    if ret_year is not None and year is not None and ret_year != year:
        issues.append(error("wrong-year", f"This return is for {ret_year}, but {year} is being consolidated. "
                            f"Send the {year} return.", where("Financial year")))  # fmt: skip
    submitted: dt.date | None = None
    raw = data.cover.get("Date submitted")
    if raw is not None and not is_blank(raw.value):
        try:
            submitted = parse_date(raw.value)
        except ValueError:
            issues.append(warning("bad-date", f"'Date submitted' should be a date, not '{raw.value}'.",
                                  where("Date submitted")))  # fmt: skip
    return code, ret_year, submitted


def _whose_targets(refs: list[str], register: Register, code: str) -> str | None:
    """The partnership whose targets fill a return (``refs``: its rows' refs, normalised) when none is the cover's
    ``code`` and most are its: the return is that partnership's with the wrong code on its cover. None otherwise (a
    stray row is its own error)."""
    owners = Counter(t.partnership for ref in refs if (t := register.target(ref)))
    if not owners or code in owners:
        return None
    owner, n = owners.most_common(1)[0]
    return owner if 2 * n > sum(owners.values()) else None


def _usable_rows(
    rows: list[ReturnRow], refs: list[str], counts: Counter[tuple[str, str]], register: Register, code: str,
    issues: list[Issue],
) -> dict[tuple[str, str], ReturnRow]:
    """Rows keyed by (ref, quarter), leaving out unknown, foreign and duplicated targets (``refs``: each row's ref,
    normalised; ``counts``: the rows of each (ref, quarter))."""
    out: dict[tuple[str, str], ReturnRow] = {}
    for r, ref in zip(rows, refs, strict=True):
        t = register.target(ref)
        if t is None:
            issues.append(error("unknown-target", f"'{ref}' is not a target in the register. Check the reference, "
                                "or ask the central team to add it.", r.ref.location))  # fmt: skip
        elif register.partnerships and register.partnership(t.partnership) is None:  # the register's mistake
            whose = (f"the partnership '{t.partnership}', which is not on its Partnerships sheet," if t.partnership
                     else "no partnership")  # fmt: skip
            issues.append(warning("register-partnership", f"{t.ref} has {whose} in the register, so its figure here "
                                  "is not used. The central team should correct the register.", r.ref.location))  # fmt: skip
        elif t.partnership != code:
            issues.append(error("other-partnership-target", f"{t.ref} belongs to the {t.partnership} partnership, "
                                f"not {code}. Its figure here is not used: the {t.partnership} return reports it.",
                                r.ref.location))  # fmt: skip
        elif counts[(t.ref, r.quarter)] > 1:
            issues.append(error("duplicate-target-row", f"{t.ref} appears more than once on {r.quarter}. Keep one "
                                "row; until then neither figure is used.", r.ref.location))  # fmt: skip
        else:
            out[(t.ref, r.quarter)] = r
    return out


def _observe(
    t: Target, q: str, year: FinancialYear, row: ReturnRow | None, register: Register, file: str, issues: list[Issue],
    *, quiet: bool = False, sheet: str = "",
) -> Observation:
    """One target's quarter from its row; ``quiet``: a missing row or actual is not listed (an issue already says
    why)."""
    profile = register.profile(t.ref, year, q)
    due = t.is_due(q)
    if row is None:
        if due and not quiet:
            issues.append(warning("missing-actual", f"{t.ref} has no row on {q}, where it is due. Add its actual.",
                                  Location(file, sheet or q)))  # fmt: skip
        r = rules.rag(None, profile, t.polarity, t.tolerance, t.tolerance_type, due)
        return Observation(t.ref, t.partnership, year, q, profile, None, None, r, r, source=Location(file, sheet or q))
    actual: float | None = None
    typed = not is_blank(row.actual.value)
    try:
        actual = to_number(row.actual.value)
    except NotANumber as e:
        v = row.actual.value
        if isinstance(v, dt.date | dt.time):  # '1/2' or '3-4' typed into a cell: Excel keeps it as a date
            seen = f"{v:%d %b %Y}".lstrip("0") if isinstance(v, dt.date) else f"{v:%H:%M}"
            msg = (f"{t.ref} {q}: Excel has turned what was typed into a date or time ({seen}). Type the figure as "
                   "a number (set the cell's format back to Number if Excel does it again); until then it counts "
                   "as No data.")  # fmt: skip
        else:
            msg = (f"{t.ref} {q}: the actual '{e}' is not a number. Type the figure alone (notes go in "
                   "Commentary); until then it counts as No data.")  # fmt: skip
        issues.append(error("non-numeric-actual", msg, row.actual.location))
    if not typed and due and not quiet:
        issues.append(warning("missing-actual", f"{t.ref} {q}: no actual yet, and it is due this quarter.",
                              row.actual.location))  # fmt: skip
    if actual is not None and not due:  # the cell is shaded for typing in every quarter: a figure here is not lost
        when = _and(t.due_quarters) or "no quarter"
        issues.append(warning("actual-not-due", f"{t.ref} {q}: an actual ({_fmt(actual)}) is typed, but {t.ref} is "
                              f"due only in {when} ({t.frequency}), so {q} is 'Not due' and gets no RAG. Clear the "
                              f"figure, or if {t.ref} is now reported in {q} too, ask the central team to change its "
                              "frequency in the register.", row.actual.location))  # fmt: skip
    if actual is not None and t.is_percentage and not 0 <= actual <= 100:
        issues.append(warning("implausible-value", f"{t.ref} {q}: {_fmt(actual)} is outside 0-100, but this target "
                              "is a percentage (45 means 45%).", row.actual.location))  # fmt: skip
    elif actual is not None and t.is_percentage and looks_like_fraction(actual, profile):
        as_typed, pct = exact(actual), exact(actual * 100)
        issues.append(warning("percentage-as-fraction", f"{t.ref} {q}: {as_typed} looks like {pct}% typed as a "
                              f"fraction (Excel stores 45% as 0.45). This target is counted in percentage points: for "
                              f"{pct}% type {pct}. As it stands it counts as {as_typed}%.", row.actual.location))  # fmt: skip
    computed = rules.rag(actual, profile, t.polarity, t.tolerance, t.tolerance_type, due)
    override_text = text(row.rag_override.value)
    override = rules.normalise_rag(override_text)
    if override_text and override is None:
        issues.append(warning("bad-override", f"{t.ref} {q}: RAG override '{override_text}' is not Red, Amber or "
                              "Green, so it is ignored.", _at(row.rag_override, row)))  # fmt: skip
    reason = text(row.override_reason.value)
    if override and not reason:
        issues.append(warning("override-without-reason", f"{t.ref} {q}: the RAG is overridden to {override} but "
                              "no reason is given. Add one in 'Override reason'.",
                              _at(row.override_reason, row)))  # fmt: skip
    if override and override != computed:
        because = f" The reason given: '{reason}'." if reason else ""
        issues.append(warning("rag-overridden", f"{t.ref} {q}: reported {override}, though the figures give "
                              f"{computed}.{because}", _at(row.rag_override, row)))  # fmt: skip
    reported = rules.reported_rag(computed, override)
    commentary = text(row.commentary.value)
    remedial = text(row.remedial_action.value)
    if reported in (rules.RED, rules.AMBER) and not commentary:
        issues.append(warning("no-commentary", f"{t.ref} {q} is {reported}: add commentary on the causes.",
                              _at(row.commentary, row)))  # fmt: skip
    if reported == rules.RED and not remedial:
        issues.append(warning("no-remedial-action", f"{t.ref} {q} is Red: say what remedial action is being taken.",
                              _at(row.remedial_action, row)))  # fmt: skip
    note = text(row.data_quality_note.value)
    if note:  # the officer's own caveat on the figure: listed (on Issues, and the GO's Data quality sheet)
        issues.append(warning("data-quality-note", f"{t.ref} {q}: the partnership notes on this figure's quality: "
                              f"'{note}'.", row.data_quality_note.location))  # fmt: skip
    return Observation(
        t.ref, t.partnership, year, q, profile, actual, rules.variance(actual, profile), computed, reported,
        override, reason, commentary, remedial, text(row.evidence.value), note, row.actual.location,
    )  # fmt: skip


def _at(c: Cell, row: ReturnRow) -> Location:
    """Where a field is; when its column is missing, the row itself."""
    if c.location.cell:
        return c.location
    return row.ref.location


def _num_or_issue(value: object, loc: Location, what: str, issues: list[Issue]) -> float | None:
    try:
        return to_number(value)
    except NotANumber as e:
        issues.append(warning("not-a-number", f"{what} should be a number, not '{e}'.", loc))
        return None


def _risks(data: ReturnData, code: str, register: Register, issues: list[Issue]) -> list[Risk]:
    out: list[Risk] = []
    for r in data.risks:
        ref = normalise_ref(r.ref.value)
        if ref and register.targets and register.target(ref) is None:  # kept: the risk is real whatever it names
            issues.append(warning("risk-unknown-target", f"Risk {text(r.risk_id.value) or '(no ID)'} names the target "
                                  f"'{ref}', which is not in the register. Check the reference; the risk is kept.",
                                  r.ref.location))  # fmt: skip
        li = _num_or_issue(r.likelihood.value, r.likelihood.location, "Likelihood (1-4)", issues)
        im = _num_or_issue(r.impact.value, r.impact.location, "Impact (1-4)", issues)
        score = rules.risk_score(li, im)
        if score is None and li is not None and im is not None:
            issues.append(warning("bad-risk-score", "Likelihood and impact must each be a whole number from 1 to 4.",
                                  r.likelihood.location))  # fmt: skip
        try:
            review = parse_date(r.review_date.value)
        except ValueError:  # kept in the return, listed here: the Risks sheet shows no date for it
            review = None
            issues.append(warning("bad-date", f"Review date should be a date, not '{text(r.review_date.value)}'. "
                                  "Type it as a date (e.g. 30/06/2008).", r.review_date.location))  # fmt: skip
        out.append(Risk(code, text(r.risk_id.value), ref, text(r.risk.value), li, im, score,
                        rules.risk_rating(score), text(r.mitigation.value), text(r.owner.value), review,
                        r.risk.location))  # fmt: skip
    return out


def _spend(data: ReturnData, code: str, register: Register, issues: list[Issue]) -> list[Spend]:
    """The spend rows; a row repeating another's block and quarter (both are added into the totals) or naming a
    block none of the register's targets has (it is totalled on its own) is listed."""
    out: list[Spend] = []
    blocks = register.blocks()  # not built here: once per return, over a national register, was quadratic
    first: dict[tuple[str, str], Location] = {}
    for s in data.spend:
        vals = [
            _num_or_issue(c.value, c.location, name, issues)
            for c, name in ((s.budget, "Budget"), (s.spend, "Spend"), (s.forecast_outturn, "Forecast outturn"))
        ]
        budget, spent, forecast = vals
        block = text(s.block.value)
        quarter = _spend_quarter(s.quarter, block, issues)
        if not block:
            issues.append(warning("unknown-block", f"Spend figures with no Block: write the funding block "
                                  f"({', '.join(sorted(blocks.values()))}) they are for.", s.block.location))  # fmt: skip
        elif blocks and norm(block) not in blocks:
            issues.append(warning("unknown-block", f"Spend for '{block}': no target in the register has this funding "
                                  f"block ({', '.join(sorted(blocks.values()))}), so it is totalled on its own. "
                                  "Check the block's name.", s.block.location))  # fmt: skip
        key = (norm(block), quarter)
        if block and key in first:
            issues.append(warning("duplicate-spend-row", f"Spend for {block} {quarter} is on two rows (this one and "
                                  f"{first[key].cell}): both are added into the totals. If one repeats the other, "
                                  "clear it.", s.block.location))  # fmt: skip
        first.setdefault(key, s.block.location)
        out.append(Spend(code, block, quarter, budget, spent, forecast, s.block.location))
    return out


_QUARTER_TEXT = re.compile(r"(?:q|qtr|quarter)?\s*[-_.]?\s*([1-4])(?:\s+(?:\d{4}/)?\d{2,4}(?:/\d{2})?)?", re.I)


def _spend_quarter(c: Cell, block: str, issues: list[Issue]) -> str:
    """A spend row's quarter as Q1-Q4 ('Qtr 2', 'quarter 2', 2 and 'Q2 2008/09' read as Q2: the return is for one
    year); anything else is listed, since the row is then left out of the spend totals of every period."""
    raw = text(c.value)
    m = _QUARTER_TEXT.fullmatch(raw)
    if m:
        return f"Q{m.group(1)}"
    if raw:
        issues.append(warning("bad-quarter", f"Spend for {block or 'a block'}: the quarter '{raw}' is not one of Q1 "
                              "to Q4, so this row is left out of the spend totals. Write Q1, Q2, Q3 or Q4.",
                              c.location))  # fmt: skip
    return raw.upper()
