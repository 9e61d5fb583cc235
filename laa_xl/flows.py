"""Whole jobs built from the library: what a button or a command runs end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from .core import demo
from .errors import LaaError
from .io.register_io import write_register

DEMO_YEAR = "2008/09"
DEMO_PERIOD = "2008/09 Q2"
DEMO_GO_PERIOD = "2008/09 H1"


MARKER = ".laa-demo"  # marks a folder the demo made, which it may empty and fill again


def run_demo(directory: Path) -> dict[str, Path]:
    """The whole flow on Demoshire: register, returns issued and filled, consolidated twice, GO return."""
    from .io.returns_writer import issue_returns

    if directory.exists() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise LaaError(f"{directory} already holds files that the demo did not make. The demo empties and refills "
                       "its folder, so give it a new or empty one (e.g. laa-xl demo laa-demo).")  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("Made by laa-xl demo: Demoshire demo data, refilled on every run.\n")
    register = write_register(directory / "register.xlsx", demo.register_grids())
    click.echo(f"Demoshire (demo data) written to {directory}/")
    return _whole_flow(directory, register, issue_returns)


def _mistakes(fills: dict[str, Any], register: Any) -> list[str]:
    """The realistic mistakes of SPEC 4, typed into the demo returns. Returns what was done, for the summary."""
    done: list[str] = []
    cyp = fills.get("CYP")
    if cyp and ("NI 117", "Q2") in cyp.rows:
        cyp.rows[("NI 117", "Q2")].actual = "TBC"
        cyp.rows[("NI 117", "Q2")].commentary = "Figure not yet confirmed by Connexions."
        done.append("CYP typed 'TBC' for NI 117 Q2 (an error: that quarter shows No data)")
    saf = fills.get("SAF")
    if saf and ("NI 16", "Q2") in saf.rows:
        profile = register.profile("NI 16", saf.year, "Q2")
        row = saf.rows[("NI 16", "Q2")]
        row.actual, row.commentary, row.remedial_action = round(profile * 1.25, 2), "", ""
        done.append("SAF reported NI 16 Q2 well off profile (Red) with no commentary or remedial action")
    env = fills.get("ENV")
    if env:
        env.submitted = dt.date(2008, 11, 4)
        done.append("ENV sent its return on 4 Nov 2008, after the 31 Oct deadline (late)")
    return done


def _whole_flow(directory: Path, register_path: Path, issue_returns: Any) -> dict[str, Path]:
    from .core.filling import officer_fill
    from .core.periods import Period
    from .io.consolidate_job import consolidate_folder, go_return_file
    from .io.demo_fill import fill_return_workbook
    from .io.register_io import read_register

    reg, _ = read_register(register_path)
    period = Period.parse(DEMO_PERIOD)
    returns_dir = directory / (reg.settings.returns_folder or "returns")
    returns_dir.mkdir(parents=True, exist_ok=True)
    for old in returns_dir.glob("*.xlsx"):
        old.unlink()
    issued = issue_returns(reg, DEMO_YEAR, returns_dir)
    by_code = {p.name.split("_")[0]: p for p in issued}
    fills = {code: officer_fill(reg, code, period.year, period.quarters, submitted=dt.date(2008, 10, 24) +
                                dt.timedelta(days=i)) for i, code in enumerate(sorted(by_code))}  # fmt: skip
    mistakes = _mistakes(fills, reg)
    for code, path in by_code.items():
        fill_return_workbook(path, fills[code])
    out = directory / "CONSOLIDATED.xlsx"
    for stale in (out, out.with_name("CONSOLIDATED.previous.xlsx")):
        if stale.exists():
            stale.unlink()
    first = consolidate_folder(register_path, returns_dir, DEMO_PERIOD, out)

    # OEP finds an error in its Q1 housing figure and sends a corrected return: a restatement.
    oep = fills.get("OEP")
    if oep and ("NI 154", "Q1") in oep.rows:
        row = oep.rows[("NI 154", "Q1")]
        row.actual = float(row.actual) + 30
        row.commentary = "Q1 restated: 30 completions were missed before the annual housing audit."
        oep.submitted = dt.date(2008, 10, 30)
        fill_return_workbook(by_code["OEP"], oep)
        mistakes.append("OEP sent a corrected return restating NI 154 Q1 (+30); consolidated a second time")
    second = consolidate_folder(register_path, returns_dir, DEMO_PERIOD, out)
    go = go_return_file(out, DEMO_GO_PERIOD, directory / "GO.xlsx")
    from .io.email_jobs import demo_drafts

    # Drafts only: the demo never sends anything.
    emails = demo_drafts(go, out, reg.settings.go_email, directory)
    _print_summary(directory, register_path, returns_dir, out, go, first, second, mistakes, emails)
    return {"register": register_path, "returns": returns_dir, "consolidated": out, "go": go,
            "email": emails["email draft"], "chase": emails["chase drafts"]}  # fmt: skip


def _print_summary(directory: Path, register: Path, returns_dir: Path, out: Path, go: Path, first: Any, second: Any,
                   mistakes: list[str], emails: dict[str, Path] | None = None) -> None:  # fmt: skip
    cons = second.consolidation
    s = second.summary()
    rag = s["rag"]
    echo = click.echo
    echo(f"  register:      {register}")
    echo(f"  returns:       {returns_dir}/  ({s['returns used']} returns, filled in as officers would)")
    echo(f"  consolidated:  {out}  (previous run kept as {out.with_name(out.stem + '.previous.xlsx').name}; "
         f"returns archived in {out.parent / 'archive'}/)")  # fmt: skip
    echo(f"  GO return:     {go}")
    if emails:
        chased = sorted(p.name for k, p in emails.items() if k.startswith("chase ") and k != "chase drafts")
        echo(f"  GO email:      {emails['email draft']}  (a draft with {go.name} attached: open it to review and send)")
        echo(f"  chase drafts:  {emails['chase drafts']}/  ({', '.join(chased) or 'nobody to chase'})")
    echo("")
    echo("What the officers got wrong (on purpose):")
    for m in mistakes:
        echo(f"  - {m}")
    echo("")
    echo(f"{cons.register.settings.area}, {cons.period} (the last quarter's reported RAG):")
    echo("  " + "  ".join(f"{k}: {rag[k]}" for k in ("Green", "Amber", "Red", "No data", "Not due")) +
         f"  (of {rag['Total']} targets)")  # fmt: skip
    reds = [o.ref for o in cons.latest() if o.reported_rag == "Red"]
    echo(f"  Red: {', '.join(reds) or 'none'}")
    echo(f"  Missing returns: {s['missing returns']}; late: {s['late returns']}; restated figures: "
         f"{len(cons.restatements)}")  # fmt: skip
    echo(f"  Issues: {s['errors']} error(s), {s['warnings']} warning(s) (see the Issues sheet). The first errors:")
    for i in [i for i in cons.issues if i.is_error][:3]:
        echo(f"    {i.location}: {i.message} ({i.code})")
    for r in cons.restatements:
        echo(f"  Restated: {r.ref} {r.quarter} was {r.previous:g}, now {'blank' if r.now is None else f'{r.now:g}'} "
             f"({r.source})")
    echo("")
    echo(f"Next: open {go.name} (what the GO receives) and {out.name} (PSB Summary has the charts).")
