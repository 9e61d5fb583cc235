"""What the emails say, from plain data: the GO return message and the chase messages.

No Excel and no mail library here: readers in ``laa_xl.io.go_summary`` turn
GO.xlsx and CONSOLIDATED.xlsx into the dataclasses below, and
``laa_xl.io.mailer`` turns a :class:`MessageContent` into a real message and
delivers it. HTML bodies escape every value that came from a workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from .issues import ERROR, Issue
from .periods import QUARTERS, FinancialYear, Period
from .register import Partnership as Contact  # a partnership's contact, as the register holds it

RAG_COLUMNS: tuple[str, ...] = ("Green", "Amber", "Red", "No data", "Not due")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_WORD_SPLIT = re.compile(r"[\s<>,;()\[\]\"]+")  # what separates the addresses and names in a cell


@dataclass(frozen=True)
class RagCounts:
    """One row of a Summary count table: a partnership (or block, or ``All``) and its RAG counts."""

    label: str
    counts: Mapping[str, int]

    def get(self, rag: str) -> int:
        return int(self.counts.get(rag, 0))

    @property
    def total(self) -> int:
        return sum(self.get(r) for r in RAG_COLUMNS)


@dataclass(frozen=True)
class RedTarget:
    ref: str
    title: str
    commentary: str = ""
    remedial_action: str = ""


@dataclass(frozen=True)
class GoSummary:
    """What the GO message needs from the GO workbook."""

    title: str
    area: str
    period: str
    laa: str = ""
    government_office: str = ""
    prepared: str = ""
    by_partnership: Sequence[RagCounts] = ()
    by_block: Sequence[RagCounts] = ()
    all: RagCounts | None = None
    reds: Sequence[RedTarget] = ()

    def totals(self) -> RagCounts:
        """The ``All`` row, or the sum of the partnership rows when the sheet has none."""
        if self.all is not None:
            return self.all
        return RagCounts("All", {r: sum(p.get(r) for p in self.by_partnership) for r in RAG_COLUMNS})


@dataclass(frozen=True)
class MessageContent:
    """A message as plain data: who to, subject, plain-text and HTML bodies."""

    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    kind: str = "go"  # go, missing, late, refused, corrections, red
    key: str = ""  # partnership code or sponsor: names the draft file
    problems: tuple[str, ...] = ()  # e.g. no email address in the register


def go_subject(area: str, period: str) -> str:
    """SPEC 7: ``<Area> LAA performance return <period>``."""
    return f"{area} LAA performance return {period}".strip()


def split_remedial(comment: str) -> tuple[str, str]:
    """The GO Return comments cell: commentary, then ``Remedial action: <text>`` when there is one."""
    m = re.search(r"remedial action\s*:", comment, re.I)
    if not m:
        return comment.strip(), ""
    return comment[: m.start()].strip(), comment[m.end() :].strip()


def _counts_line(c: RagCounts) -> str:
    return ", ".join(f"{c.get(r)} {r}" for r in RAG_COLUMNS if c.get(r) or r in ("Green", "Amber", "Red"))


def go_message(summary: GoSummary, to: Sequence[str], attachment_name: str = "") -> MessageContent:
    """The message to the Government Office carrying the GO return workbook."""
    subject = go_subject(summary.area, summary.period)
    total = summary.totals()
    attached = f"the attached workbook ({attachment_name})" if attachment_name else "the attached workbook"
    lines = [
        "Dear colleague,",
        "",
        f"Please find {attached}: the {summary.area} LAA performance return for {summary.period}"
        + (f" ({summary.laa})." if summary.laa else "."),
        "",
        f"Targets by reported RAG: {_counts_line(total)} (of {total.total}).",
    ]
    if summary.by_partnership:
        lines += ["", "By partnership:"]
        lines += [f"  {p.label}: {_counts_line(p)}" for p in summary.by_partnership]
    if summary.reds:
        lines += ["", f"Red targets ({len(summary.reds)}) and their remedial actions:"]
        for r in summary.reds:
            lines.append(f"  - {r.ref} {r.title}".rstrip())
            lines.append(f"    Remedial action: {r.remedial_action or 'none given'}")
    else:
        lines += ["", "No target is rated Red."]
    lines += ["", "The workbook holds values only and opens in plain Excel.", "", "Regards,", f"{summary.area} performance team"]
    text = "\n".join(lines) + "\n"

    e = escape
    rows = "".join(
        f"<tr><td>{e(p.label)}</td>" + "".join(f'<td style="text-align:right">{p.get(r)}</td>' for r in RAG_COLUMNS)
        + f'<td style="text-align:right">{p.total}</td></tr>'
        for p in [*summary.by_partnership, RagCounts("All", total.counts)]
    )  # fmt: skip
    head = "".join(f"<th>{e(h)}</th>" for h in ("Partnership", *RAG_COLUMNS, "Total"))
    if summary.reds:
        items = "".join(
            f"<li><b>{e(r.ref)}</b> {e(r.title)}<br>Remedial action: {e(r.remedial_action) or '<i>none given</i>'}</li>"
            for r in summary.reds
        )
        reds = f"<p>Red targets ({len(summary.reds)}) and their remedial actions:</p><ul>{items}</ul>"
    else:
        reds = "<p>No target is rated Red.</p>"
    html = (
        '<html><body style="font-family:Arial,sans-serif">'
        "<p>Dear colleague,</p>"
        f"<p>Please find {e(attached)}: the {e(summary.area)} LAA performance return for {e(summary.period)}"
        + (f" ({e(summary.laa)})." if summary.laa else ".")
        + "</p>"
        f"<p>Targets by reported RAG: {e(_counts_line(total))} (of {total.total}).</p>"
        f'<table border="1" cellspacing="0" cellpadding="3"><tr>{head}</tr>{rows}</table>'
        f"{reds}"
        "<p>The workbook holds values only and opens in plain Excel.</p>"
        f"<p>Regards,<br>{e(summary.area)} performance team</p>"
        "</body></html>"
    )
    return MessageContent(tuple(to), subject, text, html, kind="go", key="GO")


# --- chasing -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """One row of the consolidated ``Log`` sheet."""

    partnership: str
    file: str = ""
    date_submitted: str = ""
    deadline: str = ""
    late: bool = False
    status: str = ""  # Used, Superseded, Refused, Missing


@dataclass(frozen=True, slots=True)  # a national Data sheet of two years has 480,000 of them
class DataRow:
    """One row of the consolidated ``Data`` sheet (the fields chasing needs)."""

    ref: str
    partnership: str
    year: FinancialYear
    quarter: str
    reported_rag: str
    commentary: str = ""
    remedial_action: str = ""


@dataclass(frozen=True)
class TargetInfo:
    ref: str
    title: str
    partnership: str
    sponsor: str = ""


@dataclass(frozen=True)
class ReturnChase:
    """A partnership to chase: its return is missing, late or could not be used."""

    partnership: str
    reason: str  # missing, late, refused
    file: str = ""
    date_submitted: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class RedRun:
    """A target Red in its last two reported quarters."""

    ref: str
    partnership: str
    quarters: tuple[str, ...]  # e.g. ("Q1 2008/09", "Q2 2008/09")
    commentary: str = ""
    remedial_action: str = ""


@dataclass
class ChaseInput:
    area: str
    period: Period
    log: Sequence[LogEntry]
    data: Sequence[DataRow]
    contacts: Sequence[Contact]
    targets: Sequence[TargetInfo]
    deadline: dt.date | None = None
    reply_to: str = ""  # where returns go (optional, named in the text)
    notes: list[str] = field(default_factory=list)
    issues: Sequence[Issue] = ()  # the consolidation's Issues sheet


def corrections_to_chase(log: Iterable[LogEntry], issues: Iterable[Issue]) -> dict[str, tuple[str, list[Issue]]]:
    """Per partnership, the error-severity issues of the return it used (figures left out, as No data, until the
    return is corrected): partnership code -> (file, issues). A refused return is chased as refused instead."""
    used = {e.file: e.partnership.strip().upper() for e in log if e.file and e.status.strip().lower() == "used"}
    out: dict[str, tuple[str, list[Issue]]] = {}
    for i in issues:
        code = used.get(i.location.file)
        if code and i.severity == ERROR and i.code not in _NOT_YET:  # an empty return is asked for, not corrected
            out.setdefault(code, (i.location.file, []))[1].append(i)
    return out


_NOT_YET = ("not-updated", "empty-return")  # a return used that is not yet filled in for the period: asked for it
_NOT_TYPED_ON = re.compile(r"No figure is typed on (.+?) yet")


def not_updated_to_chase(log: Iterable[LogEntry], issues: Iterable[Issue]) -> dict[str, tuple[str, str]]:
    """Per partnership, the return it used when it has no figure yet for the period's last quarter(s)
    (``not-updated``: last quarter's return, still in the folder) or none at all (``empty-return``: the return as
    issued): partnership code -> (file, the quarters wanted, '' for an empty return)."""
    used = {e.file: e.partnership.strip().upper() for e in log if e.file and e.status.strip().lower() == "used"}
    out: dict[str, tuple[str, str]] = {}
    for i in issues:
        if i.code in _NOT_YET and i.location.file in used:
            m = _NOT_TYPED_ON.search(i.message) if i.code == "not-updated" else None
            out[used[i.location.file]] = (i.location.file, m.group(1) if m else "")
    return out


def returns_to_chase(log: Iterable[LogEntry]) -> list[ReturnChase]:
    """Per partnership: missing (no return), refused (nothing usable came in) or late (the used return was late).

    Superseded rows (an older duplicate) never cause a chase on their own.
    """
    by_code: dict[str, list[LogEntry]] = {}
    for e in log:
        if e.partnership:
            by_code.setdefault(e.partnership.strip().upper(), []).append(e)
    out: list[ReturnChase] = []
    for code, entries in by_code.items():
        status = {e.status.strip().lower() for e in entries}
        used = [e for e in entries if e.status.strip().lower() == "used"]
        if used:
            late = [e for e in used if e.late]
            if late:
                e = late[-1]
                out.append(ReturnChase(code, "late", e.file, e.date_submitted, e.deadline))
        elif "refused" in status:
            e = next(x for x in entries if x.status.strip().lower() == "refused")
            out.append(ReturnChase(code, "refused", e.file, e.date_submitted, e.deadline))
        elif "missing" in status:
            e = next(x for x in entries if x.status.strip().lower() == "missing")
            out.append(ReturnChase(code, "missing", "", "", e.deadline))
    return out


def _qkey(year: FinancialYear, quarter: str) -> tuple[int, int]:
    return year.start, QUARTERS.index(quarter)


def red_two_quarters_running(data: Iterable[DataRow], period: Period) -> list[RedRun]:
    """Targets whose reported RAG is Red in the period's last quarter and in the reported quarter before it.

    Quarters a target is not due in are skipped (a six-monthly target Red in Q2
    and Q4 is Red two reports running); a ``No data`` quarter breaks the run.
    """
    end = _qkey(period.year, period.last_quarter)
    by_ref: dict[str, list[DataRow]] = {}
    for row in data:
        if row.quarter in QUARTERS and _qkey(row.year, row.quarter) <= end:
            by_ref.setdefault(row.ref, []).append(row)
    out: list[RedRun] = []
    for ref, rows in by_ref.items():
        rows = sorted(rows, key=lambda r: _qkey(r.year, r.quarter))
        reported = [r for r in rows if r.reported_rag.strip().lower() != "not due"]
        if len(reported) < 2:
            continue
        a, b = reported[-2], reported[-1]
        if _qkey(b.year, b.quarter) != end:
            continue
        if a.reported_rag.strip().lower() == "red" and b.reported_rag.strip().lower() == "red":
            out.append(
                RedRun(ref, b.partnership.upper(), (f"{a.quarter} {a.year}", f"{b.quarter} {b.year}"),
                       b.commentary, b.remedial_action)
            )  # fmt: skip
    return out


def emails_in(text: str) -> tuple[str, ...]:
    """Every email address written in a register cell, in order ('Jo Bloggs <jo@x.gov.uk>; ann@y.gov.uk'). A word
    with an @ that is not wholly an address ('zoë.bronte@x.gov.uk', 'jo@x..gov.uk') is not taken: it was once cut
    down to the part that looked like one ('.bronte@x.gov.uk'), and mail went there."""
    words = (w.rstrip(".") for w in _WORD_SPLIT.split(text or "") if "@" in w)
    return tuple(dict.fromkeys(w for w in words if _EMAIL_RE.fullmatch(w) and ".." not in w))


def not_addresses_in(text: str) -> list[str]:
    """The words with an @ in ``text`` that are not email addresses laa-xl can send to."""
    return [w.rstrip(".") for w in _WORD_SPLIT.split(text or "") if "@" in w and w.rstrip(".") not in emails_in(w)]


def _no_address(code: str, cell: str) -> str:
    bad = not_addresses_in(cell)
    if bad:
        return (f"The register's email for partnership {code}, '{bad[0]}', is not an address laa-xl can send to "
                "(letters with accents cannot be used in one).")  # fmt: skip
    if (cell or "").strip():  # a name or a note where the address should be
        return (f"The register's email for partnership {code}, '{' '.join(cell.split())[:60]}', is not an email "
                "address: type the lead contact's address.")  # fmt: skip
    return f"The register has no email address for partnership {code}."


def display_name(text: str) -> str:
    """A register cell naming someone, without the addresses written in it: 'Dr O'Brien <obrien@x.gov.uk>' ->
    "Dr O'Brien"; '"Bloggs, Jo" <jo@x.gov.uk>' -> 'Bloggs, Jo'; an address alone -> ''."""
    bare = re.sub(r"<[^>]*>", " ", text or "")
    for a in emails_in(bare):
        bare = bare.replace(a, " ")
    return " ".join(bare.replace('"', " ").split()).strip(" ,;()")


def email_in(text: str) -> str:
    """The first email address written in a register cell ('Jo Bloggs <jo@x.gov.uk>' -> 'jo@x.gov.uk'); ''."""
    found = emails_in(text)
    return found[0] if found else ""


def _para(lines: Sequence[str]) -> str:
    return "".join(f"<p>{escape(x)}</p>" if x else "" for x in lines)


def _html(before: Sequence[str], items: Sequence[str], after: Sequence[str], area: str) -> str:
    """Paragraphs (escaped here), a list of items (already HTML), more paragraphs, then the signature."""
    ul = "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else ""
    return (
        '<html><body style="font-family:Arial,sans-serif">'
        + _para(before) + ul + _para(after)
        + f"<p>Regards,<br>{escape(area)} performance team</p></body></html>"
    )  # fmt: skip


def _signature(area: str) -> str:
    return f"Regards,\n{area} performance team"


def _addressee(contacts: Mapping[str, Contact], code: str) -> tuple[str, tuple[str, ...], tuple[str, ...], str]:
    """A partnership's name, its addresses, the problem of having none, and the greeting to its lead contact."""
    c = contacts.get(code, Contact(code, ""))
    to = emails_in(c.email)
    problems = () if to else (_no_address(code, c.email),)
    return c.name or code, to, problems, f"Dear {c.lead_contact}," if c.lead_contact else "Dear colleague,"


def chase_messages(inp: ChaseInput) -> list[MessageContent]:
    """One message per partnership with a missing, late or unusable return; one per partnership whose return has
    nothing for the period's last quarter yet (not-updated); one per partnership whose return has entries that could
    not be used (errors: corrections); one per sponsor of repeated Reds."""
    contacts = {c.code.upper(): c for c in inp.contacts}
    titles = {t.ref: t for t in inp.targets}
    out: list[MessageContent] = []
    deadline = inp.deadline.strftime("%d %B %Y").lstrip("0") if inp.deadline else ""
    send_to = f" to {inp.reply_to}" if inp.reply_to else ""
    for ch in returns_to_chase(inp.log):
        name, to, problems, greet = _addressee(contacts, ch.partnership)
        dl = ch.deadline or deadline
        when = f" (deadline {dl})" if dl else ""
        if ch.reason == "missing":
            subject = f"{inp.area} LAA return {inp.period}: {name} return not received"
            body = [
                f"We have not received the {name} LAA performance return for {inp.period}{when}.",
                f"Please complete your return workbook and send it{send_to} as soon as you can, "
                "or tell us when to expect it.",
            ]
        elif ch.reason == "refused":
            subject = f"{inp.area} LAA return {inp.period}: {name} return could not be used"
            why = [i.message for i in inp.issues if ch.file and i.location.file == ch.file and i.severity == ERROR]
            body = [
                f"The {name} return we received for {inp.period} ({ch.file or 'no file name'}) could not be used"
                + (". " + " ".join(dict.fromkeys(why)) if why else
                   ": it could not be read safely, or it is for another year or partnership."),
                (f"Please send the corrected return{send_to}." if send_to else "") if why else
                f"Please check it is your {inp.period.year} return workbook, saved as .xlsx, and send it again{send_to}.",
            ]  # fmt: skip
            body = [b for b in body if b]
        else:
            subject = f"{inp.area} LAA return {inp.period}: {name} return received late"
            got = f" on {ch.date_submitted}" if ch.date_submitted else ""
            body = [
                f"Thank you for the {name} LAA performance return for {inp.period} ({ch.file}), received{got}, "
                f"after the deadline{' of ' + dl if dl else ''}.",
                "Late returns hold up the report to the Public Service Board and the Government Office: "
                "please let us know if the next deadline will be difficult.",
            ]
        text = "\n\n".join([greet, *body, _signature(inp.area)]) + "\n"
        html = _html([greet, *body], [], [], inp.area)
        out.append(MessageContent(to, subject, text, html, kind=ch.reason, key=ch.partnership, problems=problems))

    for code, (file, wanted) in not_updated_to_chase(inp.log, inp.issues).items():
        name, to, problems, greet = _addressee(contacts, code)
        by = f" (deadline {deadline})" if deadline else ""
        if wanted:
            many = " and " in wanted
            subject = f"{inp.area} LAA return {inp.period}: {name} {wanted} figures not received"
            body = [f"The {name} return we have ({file}) has no figures for {wanted} {inp.period.year} yet{by}: it is "
                    "the return for an earlier quarter.",
                    f"Please complete the {wanted} sheet{'s' if many else ''} in your return workbook and send it"
                    f"{send_to} as soon as you can, or tell us when to expect it."]  # fmt: skip
        else:
            subject = f"{inp.area} LAA return {inp.period}: {name} return not filled in"
            body = [f"The {name} return we have ({file}) has no figures in it yet{by}: it is the return as issued.",
                    f"Please fill it in for {inp.period} and send it{send_to} as soon as you can, or tell us when to "
                    "expect it."]  # fmt: skip
        text = "\n\n".join([greet, *body, _signature(inp.area)]) + "\n"
        out.append(MessageContent(to, subject, text, _html([greet, *body], [], [], inp.area), kind="not-updated",
                                  key=code, problems=problems))  # fmt: skip

    for code, (file, found) in corrections_to_chase(inp.log, inp.issues).items():
        name, to, problems, greet = _addressee(contacts, code)
        n = len(found)
        subject = f"{inp.area} LAA return {inp.period}: {name} return, {n} entr{'y' if n == 1 else 'ies'} to correct"
        intro = [greet, f"Thank you for the {name} LAA performance return for {inp.period} ({file}). "
                 f"{'This entry' if n == 1 else 'These entries'} could not be used, so "
                 f"{'its figure counts' if n == 1 else 'their figures count'} as No data until corrected:"]  # fmt: skip
        after = [f"Please correct {'it' if n == 1 else 'them'} in your return workbook and send it again{send_to} "
                 "as soon as you can."]  # fmt: skip
        where = [f"{i.location.sheet}!{i.location.cell}" if i.location.cell else i.location.sheet for i in found]
        items = [f"  - {w}: {i.message}" if w else f"  - {i.message}" for w, i in zip(where, found, strict=True)]
        listed = [f"<b>{escape(w)}</b>: {escape(i.message)}" if w else escape(i.message)
                  for w, i in zip(where, found, strict=True)]  # fmt: skip
        text = "\n\n".join([*intro, "\n".join(items), *after, _signature(inp.area)]) + "\n"
        out.append(MessageContent(to, subject, text, _html(intro, listed, after, inp.area), kind="corrections",
                                  key=code, problems=problems))  # fmt: skip

    by_sponsor: dict[str, list[RedRun]] = {}
    for run in red_two_quarters_running(inp.data, inp.period):
        t = titles.get(run.ref)
        sponsor = (t.sponsor if t else "").strip() or f"{run.partnership} partnership"
        by_sponsor.setdefault(sponsor, []).append(run)
    for sponsor, runs in by_sponsor.items():
        addr = email_in(sponsor)
        codes = list(dict.fromkeys(r.partnership for r in runs))
        if addr:
            to = (addr,)
        else:  # the register keeps sponsors by name: write to their partnerships' contacts, for the sponsor
            to = tuple(dict.fromkeys(a for c in codes for a in emails_in(contacts.get(c, Contact(c, "")).email)))
        problems = () if to else (f"The register has no email address for the sponsor '{sponsor}' or their partnership.",)
        name = display_name(sponsor)
        subject = f"{inp.area} LAA {inp.period}: targets Red two quarters running ({name or addr})"
        greet = f"Dear {name}," if name else "Dear colleague,"
        intro = [
            greet,
            f"These targets you sponsor have been rated Red in each of their last two reports, up to {inp.period}:",
        ]
        after = [
            "Please review the remedial actions with the target leads before the next Public Service Board, "
            "and tell us of any change to the forecast.",
        ]
        text_items: list[str] = []
        html_items: list[str] = []
        for r in runs:
            t = titles.get(r.ref)
            title = t.title if t else ""
            q = " and ".join(r.quarters)
            text_items.append(
                f"  - {r.ref} {title} (Red in {q})\n"
                f"    Commentary: {r.commentary or 'none given'}\n"
                f"    Remedial action: {r.remedial_action or 'none given'}"
            )
            html_items.append(
                f"<b>{escape(r.ref)}</b> {escape(title)} (Red in {escape(q)})<br>"
                f"Commentary: {escape(r.commentary) or '<i>none given</i>'}<br>"
                f"Remedial action: {escape(r.remedial_action) or '<i>none given</i>'}"
            )
        text = "\n\n".join([*intro, "\n".join(text_items), *after, _signature(inp.area)]) + "\n"
        html = _html(intro, html_items, after, inp.area)
        out.append(MessageContent(to, subject, text, html, kind="red", key=sponsor, problems=problems))
    return out
