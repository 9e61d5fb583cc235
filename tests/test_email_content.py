"""The pure email content: who is chased and why, which targets are Red, and HTML that is escaped."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from laa_xl.core.email_content import (
    ChaseInput,
    Contact,
    DataRow,
    GoSummary,
    LogEntry,
    RagCounts,
    RedTarget,
    TargetInfo,
    chase_messages,
    display_name,
    email_in,
    emails_in,
    go_message,
    go_subject,
    red_two_quarters_running,
    returns_to_chase,
    split_remedial,
)
from laa_xl.core.periods import FinancialYear, Period

Y8, Y7 = FinancialYear(2008), FinancialYear(2007)


def row(ref: str, year: FinancialYear, q: str, rag: str, pc: str = "CYP") -> DataRow:
    return DataRow(ref, pc, year, q, rag)


def test_subject_is_area_laa_performance_return_period():
    assert go_subject("Oxfordshire", "2008/09 H1") == "Oxfordshire LAA performance return 2008/09 H1"


def test_returns_to_chase_missing_late_refused_and_not_superseded():
    log = [
        LogEntry("CYP", "a.xlsx", late=True, status="Used"),
        LogEntry("SAF", "b.xlsx", late=False, status="Used"),
        LogEntry("SAF", "b-old.xlsx", late=True, status="Superseded"),  # an older duplicate, late: not chased
        LogEntry("STR", status="Missing"),
        LogEntry("HWB", "c.xlsx", status="Refused"),
        LogEntry("OEP", "d.xlsx", status="Refused"),
        LogEntry("OEP", "d2.xlsx", late=False, status="Used"),  # resent and used: nothing to chase
        LogEntry("ENV", "e.xlsx", late=True, status="Refused"),
    ]
    got = {(c.partnership, c.reason) for c in returns_to_chase(log)}
    assert got == {("CYP", "late"), ("STR", "missing"), ("HWB", "refused"), ("ENV", "refused")}


def test_red_two_quarters_running():
    data = [
        row("A", Y8, "Q1", "Red"), row("A", Y8, "Q2", "Red"),  # yes
        row("B", Y8, "Q1", "Red"), row("B", Y8, "Q2", "Amber"),  # recovered
        row("C", Y8, "Q1", "Red"), row("C", Y8, "Q2", "No data"),  # no data breaks the run
        row("D", Y8, "Q1", "Not due"), row("D", Y8, "Q2", "Red"),  # one report only
        row("E", Y7, "Q4", "Red"), row("E", Y8, "Q1", "Not due"), row("E", Y8, "Q2", "Red"),  # six-monthly: yes
        row("F", Y8, "Q1", "Red"), row("F", Y8, "Q2", "Red"), row("F", Y8, "Q3", "Green"),  # Q3 is after the period
        row("G", Y8, "Q1", "Red"),  # nothing in the period's last quarter
    ]  # fmt: skip
    runs = red_two_quarters_running(data, Period.parse("2008/09 H1"))
    assert {(r.ref, r.quarters) for r in runs} == {
        ("A", ("Q1 2008/09", "Q2 2008/09")),
        ("E", ("Q4 2007/08", "Q2 2008/09")),
        ("F", ("Q1 2008/09", "Q2 2008/09")),
    }
    # the same data at Q3: F recovered, nothing else is reported in Q3
    assert red_two_quarters_running(data, Period.parse("2008/09 Q3")) == []


def test_split_remedial_and_email_in():
    assert split_remedial("Fell in Q2.\nRemedial action: New contract") == ("Fell in Q2.", "New contract")
    assert split_remedial("No action") == ("No action", "")
    assert email_in("Jo Bloggs <jo.bloggs@county.gov.uk>") == "jo.bloggs@county.gov.uk"
    assert email_in("Director for Children") == ""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_go_message_counts_reds_and_escapes_html():
    nasty = "<script>alert('x')</script> & more"
    s = GoSummary(
        title="t", area="Shire & Co", period="2008/09 H1",
        by_partnership=[RagCounts("CYP", {"Green": 2, "Red": 1}), RagCounts("SAF", {"Green": 1, "Amber": 1})],
        reds=[RedTarget("NI 117", "NEET <16-18>", "", nasty)],
    )  # fmt: skip
    m = go_message(s, ["go@gose.example"], "GO.xlsx")
    assert m.subject == "Shire & Co LAA performance return 2008/09 H1"
    assert m.to == ("go@gose.example",)
    # No 'All' row given: the totals are the sum of the partnerships
    assert s.totals().get("Green") == 3 and s.totals().total == 5
    assert nasty in m.text and "NI 117" in m.text
    p = _Text()
    p.feed(m.html)
    assert "script" not in p.tags  # the remedial action did not become markup
    assert nasty in "".join(p.text) and "NEET <16-18>" in "".join(p.text) and "Shire & Co" in "".join(p.text)
    # the count table: one row per partnership plus All, each with the 5 RAG columns and a total
    assert p.tags.count("tr") == 1 + 2 + 1


def test_chase_messages_recipients_and_sponsor_grouping():
    inp = ChaseInput(
        area="Shire", period=Period.parse("2008/09 Q2"),
        log=[LogEntry("CYP", status="Missing"), LogEntry("SAF", "s.xlsx", late=True, status="Used")],
        data=[row("A", Y8, "Q1", "Red"), row("A", Y8, "Q2", "Red"),
              row("B", Y8, "Q1", "Red"), row("B", Y8, "Q2", "Red"),
              row("C", Y8, "Q1", "Red", "SAF"), row("C", Y8, "Q2", "Red", "SAF")],
        contacts=[Contact("CYP", "Children", "Alex", "cyp@shire.example"), Contact("SAF", "Safer", "Sam", "")],
        targets=[TargetInfo("A", "Target A", "CYP", "Director for Children"),
                 TargetInfo("B", "Target B", "CYP", "Director for Children"),
                 TargetInfo("C", "Target C", "SAF", "Chief Supt <chief@police.example>")],
    )  # fmt: skip
    got = {(m.kind, m.key, m.to, bool(m.problems)) for m in chase_messages(inp)}
    assert got == {
        ("missing", "CYP", ("cyp@shire.example",), False),
        ("late", "SAF", (), True),  # no address for SAF in the register: reported
        ("red", "Director for Children", ("cyp@shire.example",), False),  # by name: to the partnership contact
        ("red", "Chief Supt <chief@police.example>", ("chief@police.example",), False),
    }
    red = next(m for m in chase_messages(inp) if m.key == "Director for Children")
    assert "Target A" in red.text and "Target B" in red.text
    chief = next(m for m in chase_messages(inp) if m.key == "Chief Supt <chief@police.example>")
    assert chief.subject == "Shire LAA 2008/09 Q2: targets Red two quarters running (Chief Supt)"  # not the <address>
    assert chief.text.startswith("Dear Chief Supt,\n")
    assert [display_name(x) for x in ("Dr O'Brien <obrien@x.gov.uk>", '"Bloggs, Jo" <jo@x.gov.uk>', "jo@x.gov.uk",
                                      "Director for Children")] == ["Dr O'Brien", "Bloggs, Jo", "", "Director for Children"]

def test_an_email_cell_without_an_address_says_what_it_holds():
    """A name typed where the address goes is "not an email address", naming it; only an empty cell is "no email
    address" (both were the latter)."""
    inp = ChaseInput(area="Shire", period=Period.parse("2008/09 Q2"),
                     log=[LogEntry("CYP", status="Missing"), LogEntry("SAF", status="Missing")], data=[],
                     contacts=[Contact("CYP", "Children", "Alex", "Alex Smith (Children's Trust)"),
                               Contact("SAF", "Safer", "Sam", "")], targets=[])  # fmt: skip
    said = {m.key: m.problems for m in chase_messages(inp)}
    assert said["CYP"] == ("The register's email for partnership CYP, 'Alex Smith (Children's Trust)', is not an "
                           "email address: type the lead contact's address.",)  # fmt: skip
    assert said["SAF"] == ("The register has no email address for partnership SAF.",)


def test_a_used_return_with_errors_is_asked_for_corrections():
    from laa_xl.core.email_content import corrections_to_chase
    from laa_xl.core.issues import Location, error, warning

    log = [LogEntry("CYP", "cyp.xlsx", status="Used"), LogEntry("CYP", "cyp-old.xlsx", status="Superseded"),
           LogEntry("SAF", "saf.xlsx", status="Used"), LogEntry("HWB", "hwb.xlsx", status="Refused"),
           LogEntry("ENV", "env.xlsx", status="Used")]  # fmt: skip
    issues = [
        error("non-numeric-actual", "NI 117 Q2: the actual 'TBC' is not a number.", Location("cyp.xlsx", "Q2", "G5")),
        error("missing-sheet", "The return has no Q3 sheet.", Location("cyp.xlsx", "Q3")),
        error("non-numeric-actual", "old figure", Location("cyp-old.xlsx", "Q1", "G5")),  # superseded: not asked
        warning("no-commentary", "NI 16 Q2 is Red: add commentary.", Location("saf.xlsx", "Q2", "L6")),  # a warning
        error("not-xlsx", "not a workbook", Location("hwb.xlsx")),  # refused: chased as refused
        error("duplicate-target-row", "NI 192 twice.", Location("env.xlsx", "Q1", "A7")),
    ]  # fmt: skip
    got = corrections_to_chase(log, issues)
    assert {k: (f, [i.code for i in v]) for k, (f, v) in got.items()} == {
        "CYP": ("cyp.xlsx", ["non-numeric-actual", "missing-sheet"]), "ENV": ("env.xlsx", ["duplicate-target-row"])}
    inp = ChaseInput(area="Shire", period=Period.parse("2008/09 Q2"), log=log, data=[],
                     contacts=[Contact("CYP", "Children", "Alex", "cyp@shire.example"), Contact("ENV", "Env", "", "")],
                     targets=[], issues=issues)  # fmt: skip
    fixes = {m.key: m for m in chase_messages(inp) if m.kind == "corrections"}
    assert set(fixes) == {"CYP", "ENV"}
    cyp = fixes["CYP"]
    assert cyp.to == ("cyp@shire.example",) and cyp.subject == "Shire LAA return 2008/09 Q2: Children return, 2 entries to correct"
    assert "  - Q2!G5: NI 117 Q2: the actual 'TBC' is not a number.\n  - Q3: The return has no Q3 sheet." in cyp.text
    assert "<b>Q2!G5</b>: NI 117 Q2: the actual &#x27;TBC&#x27; is not a number." in cyp.html
    assert fixes["ENV"].to == () and fixes["ENV"].problems  # no address in the register: reported


_cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(ref=_cell_text, title=_cell_text, remedial=_cell_text, area=_cell_text)
def test_any_workbook_text_reaches_the_html_body_as_text_not_markup(ref, title, remedial, area):
    s = GoSummary(title="", area=area, period="2008/09 H1", reds=[RedTarget(ref, title, "", remedial)])
    p = _Text()
    p.feed(go_message(s, ["go@gose.example"]).html)
    p.close()
    assert p.tags == ["html", "body", "p", "p", "p", "table", "tr", "th", "th", "th", "th", "th", "th", "th", "tr",
                      "td", "td", "td", "td", "td", "td", "td", "p", "ul", "li", "b", "br", "p", "p", "br"]
    shown = "".join(p.text)
    assert all(x.strip() in shown for x in (ref, title, remedial, area))


def test_an_address_is_taken_whole_or_not_at_all_and_every_one_in_a_cell_is_written_to():
    """'zoë.bronte@x' was cut down to '.bronte@x' and mail went there; of 'a@x; b@x' only a@x was written to."""
    assert emails_in("zoë.bronte@cyp.example") == () and email_in("josé-maria@x.example") == ""
    assert emails_in("cyp@x..example") == ()
    assert emails_in("Jo Bloggs <jo@x.gov.uk>; ann@y.gov.uk, jo@x.gov.uk") == ("jo@x.gov.uk", "ann@y.gov.uk")
    assert emails_in("o'brien@hwb.example.") == ("o'brien@hwb.example",)
    inp = ChaseInput(
        area="Shire", period=Period.parse("2008/09 Q2"),
        log=[LogEntry("CYP", status="Missing"), LogEntry("ENV", status="Missing")], data=[],
        contacts=[Contact("CYP", "Children", "Zoë", "zoë.bronte@cyp.example"),
                  Contact("ENV", "Environment", "Al", "a@env.example; b@env.example")],
        targets=[],
    )  # fmt: skip
    got = {m.key: (m.to, m.problems) for m in chase_messages(inp)}
    assert got["ENV"] == (("a@env.example", "b@env.example"), ())
    assert got["CYP"][0] == () and "'zoë.bronte@cyp.example', is not an address laa-xl can send to" in got["CYP"][1][0]
