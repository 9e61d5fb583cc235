"""The ``laa-xl`` command (SPEC 9): a thin layer over the same library calls the Excel buttons make.

Exit status: 0 done with no error-severity issue; 1 done, but errors were found
(outputs are still written and list them); 2 bad usage or an input that
cannot be processed at all.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .core.issues import Issue, has_errors
from .core.periods import PeriodError
from .errors import LaaError

F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn our errors (and unexpected ones) into one clear line and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _terminate_as_interrupt():
                return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM (a scheduler's time limit, say): see Terminated
            how = "it was terminated" if isinstance(e, Terminated) else "Ctrl-C"
            click.echo(f"\nlaa-xl: stopped before the end ({how}). What it had finished is kept and nothing is left "
                       "half-written: run the command again to finish.", err=True)  # fmt: skip
            sys.exit(128 + (signal.SIGTERM if isinstance(e, Terminated) else signal.SIGINT))
        except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error
            sys.stderr.close()
            sys.exit(0)
        except LaaError as e:
            click.echo(f"laa-xl: {e}", err=True)
            sys.exit(2)
        except OSError as e:
            click.echo(f"laa-xl: {os_problem(e)}", err=True)
            sys.exit(2)
        except PeriodError as e:  # a --period or --year typed wrong: the message says how to write it
            click.echo(f"laa-xl: {e}", err=True)
            sys.exit(2)
        except Exception as e:  # a last net: never a traceback for a user; LAA_XL_DEBUG=1 shows it
            if os.environ.get("LAA_XL_DEBUG"):
                raise
            click.echo(f"laa-xl: something unexpected went wrong ({type(e).__name__}: {e}). Nothing already written "
                       "was lost. Run again with LAA_XL_DEBUG=1 to see the details, and report them.", err=True)  # fmt: skip
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


# atomic_path's temporary file beside an output: .<stem>.<8 random characters><suffix>.tmp
_TEMPORARY = re.compile(r"\.(?P<stem>.+)\.[a-z0-9_]{8}(?P<suffix>\.[^.]+)\.tmp")


def os_problem(e: OSError) -> str:
    """The operating system's refusal in words: the file meant (not our temporary one beside it), and what to check.
    Our own errors that are OSErrors (OutputLocked) already say it all."""
    if e.filename is None or e.strerror is None:
        return str(e)
    path = Path(os.fsdecode(e.filename))
    m = _TEMPORARY.fullmatch(path.name)
    if m:
        path = path.with_name(m["stem"] + m["suffix"])
    if isinstance(e, PermissionError):
        hint = (" Check that you may write in that folder (or choose another) and that no other program has the "
                "file open.")  # fmt: skip
    elif isinstance(e, FileNotFoundError):
        hint = " Check the name and that its folder exists."
    else:
        hint = ""
    return f"{path}: {e.strerror[:1].lower()}{e.strerror[1:]}.{hint} Any earlier version of it is unchanged."


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into what Ctrl-C raises, so that a run stopped by a scheduler or ``kill`` stops as cleanly:
    temporary files removed, worker processes stopped."""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While a command runs (in the main thread, where Python handles signals): SIGTERM raises ``Terminated``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Terminated()

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def report(issues: Sequence[Issue], summary: dict[str, Any], as_json: bool) -> int:
    """Print issues (JSON or a readable table) and return the exit status."""
    if as_json:
        click.echo(json.dumps({"issues": [i.as_dict() for i in issues], "summary": summary}, indent=2, default=str))
    else:
        from .io.terminal import print_issues

        print_issues(issues, summary)
    return 1 if has_errors(issues) else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="laa-xl")
def main() -> None:
    """Local Area Agreement performance returns: issue, check, consolidate, report to the GO."""


@main.command()
@click.argument("directory", default="laa-demo", type=click.Path(file_okay=False, path_type=Path))
@friendly
def demo(directory: Path) -> None:
    """The whole flow on the built-in demo area, Demoshire, into DIRECTORY (default ./laa-demo)."""
    from .flows import run_demo

    run_demo(directory)


@main.command("issue")
@click.argument("register", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", required=True, help="Financial year, e.g. 2008/09.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the returns.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your own return layout (TOML) laid over the default: see templates/README.md.")  # fmt: skip
@click.option("--replace", is_flag=True, help="Replace returns already in --out (they may hold officers' figures).")
@friendly
def issue_cmd(register: Path, year: str, out: Path, template: Path | None, replace: bool) -> None:
    """Write one return workbook per partnership for a financial year."""
    from .core.periods import FinancialYear
    from .io.register_io import usable_register
    from .io.returns_writer import issue_returns, return_file_name

    fy = FinancialYear.parse(year)
    reg, reg_issues, _ = usable_register(register)
    if fy not in reg.years():
        known = ", ".join(str(y) for y in reg.years()) or "none"
        raise click.UsageError(f"{register.name} has no profiles for {fy} (it has: {known}).")
    kept_copies = _keep_replaced(out, [return_file_name(p.code, fy) for p in reg.partnerships
                                       if reg.targets_for(p.code)]) if replace else None  # fmt: skip
    paths = issue_returns(reg, fy, out, template_path=template, keep_existing=not replace)
    for p in paths:
        click.echo(f"  {p}")
    click.echo(f"{len(paths)} return workbook(s) for {fy} written to {out}/")
    if kept_copies:
        click.echo(f"The {kept_copies[1]} return(s) replaced, with any figures typed in them, are kept in "
                   f"{kept_copies[0]}/.")  # fmt: skip
    kept = sorted({return_file_name(p.code, fy) for p in reg.partnerships if reg.targets_for(p.code)}
                  - {p.name for p in paths})  # fmt: skip
    if kept:
        click.echo(f"Already there, so not replaced (they may hold figures): {', '.join(kept)}. "
                   "Use --replace to issue them afresh.")  # fmt: skip
    if reg_issues:  # the returns carry the register as read: what it could not read, they have as the default
        click.echo(f"\n{register.name} has {len(reg_issues)} problem(s); the returns were written with the register "
                   "as it was read (a value that could not be read takes its default):", err=True)  # fmt: skip
        for i in reg_issues:
            click.echo(f"  {i.severity}: {i.location}: {i.message}", err=True)
        if has_errors(reg_issues):
            sys.exit(1)


@main.command()
@click.argument("returns", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--register", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--allow-macros", is_flag=True, help="Also read returns holding macros (.xlsm); the macros are never run.")
@friendly
def check(returns: tuple[Path, ...], register: Path | None, as_json: bool, allow_macros: bool) -> None:
    """Check filled return workbooks and list every problem at its cell.

    Without --register, the register is looked for beside the first return and in its
    parent folder (register.xlsx, then LAA_Central.xlsm).
    """
    from .io.check_returns import check_files, find_register, load_register

    missing = [str(p) for p in returns if not p.is_file()]
    if missing:
        raise click.UsageError(f"no such file: {', '.join(missing)}")
    register = register or find_register(list(returns))
    if register is None:
        raise click.UsageError("cannot find the register: give it with --register REGISTER "
                               "(no register.xlsx or LAA_Central.xlsm beside the return or in its parent folder).")
    result = check_files(returns, load_register(register), allow_macros=allow_macros)
    result.summary["register"] = register.name
    sys.exit(report(result.issues, result.summary, as_json))


@main.command()
@click.argument("register", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help='Reporting period, e.g. "2008/09 Q2".')
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The last consolidated workbook, to list restated figures (default: the existing --out).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--allow-macros", is_flag=True, help="Also read returns holding macros (.xlsm); the macros are never run.")
@friendly
def consolidate(register: Path, returns_dir: Path, period: str, out: Path, previous: Path | None,
                as_json: bool, allow_macros: bool) -> None:
    """Read every return in RETURNS_DIR, check it and write the consolidated workbook."""
    from .io.consolidate_job import consolidate_folder

    result = consolidate_folder(register, returns_dir, period, out, previous=previous, allow_macros=allow_macros)
    status = report(result.issues, result.summary(), as_json)
    if not as_json:
        for line in _next_steps(result, out):
            click.echo(line)
    sys.exit(status)


def _next_steps(result: Any, out: Path) -> list[str]:
    """What the central team does next, as commands: chase (when anyone is to be chased) and the GO return (when
    the period ends a half year)."""
    from .core.email_content import LogEntry, corrections_to_chase, not_updated_to_chase, returns_to_chase

    cons = result.consolidation
    log = [LogEntry(e.partnership, e.file, late=e.late, status=e.status) for e in cons.log]  # as chase reads the Log
    chased = ({c.partnership for c in returns_to_chase(log)} | set(corrections_to_chase(log, result.issues))
              | set(not_updated_to_chase(log, result.issues)))  # fmt: skip
    steps: list[str] = []
    if chased:
        steps.append(f"Next: laa-xl chase {_arg(out)} drafts the emails to {', '.join(sorted(chased))} (missing, late or "
                     "refused returns, entries to correct).")  # fmt: skip
    p = cons.period
    if p.last_quarter in ("Q2", "Q4"):
        half = f"{p.year} {'H1' if p.last_quarter == 'Q2' else 'Y'}"
        steps.append(f"{'Then' if steps else 'Next'}: laa-xl go-return {_arg(out)} --period \"{half}\" --out GO.xlsx makes "
                     "the return to the Government Office.")  # fmt: skip
    return steps


def _keep_replaced(out: Path, names: Sequence[str]) -> tuple[Path, int] | None:
    """A copy of each return ``issue --replace`` is about to replace, in ``out/replaced`` (a folder: consolidate
    reads no subfolder), named with the time, so that figures typed in them are never lost; the folder and how many
    were kept, or None when there was none to replace."""
    import datetime as dt
    import shutil

    from .io.files import atomic_path

    there = [out / n for n in names if (out / n).is_file()]
    if not there:
        return None
    folder = out / "replaced"
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H%M%S")
    for path in there:
        with atomic_path(folder / f"{path.stem} (replaced {stamp}){path.suffix}", like=path) as tmp:
            shutil.copyfile(path, tmp)
    return folder, len(there)


def _arg(path: object) -> str:
    """A path as it is typed in a command: in double quotes when it holds a space or a character a shell reads
    (double quotes serve in Windows' cmd and PowerShell, and in a Unix shell)."""
    s = str(path)
    return f'"{s}"' if not s or re.search(r"[\s&|<>()^;'`$*?!#%\[\]{}]", s) else s


@main.command("go-return")
@click.argument("consolidated", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", required=True, help='e.g. "2008/09 H1".')
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@friendly
def go_return(consolidated: Path, period: str, out: Path) -> None:
    """Write the values-only GO return workbook (Annex A)."""
    from .core.periods import Period
    from .io.consolidate_job import go_return_file

    path = go_return_file(consolidated, period, out)
    click.echo(f"GO return for {Period.parse(period)} written to {path}")  # as laa-xl writes it: 2008/09 H1


@main.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "to_addr", required=True, multiple=True,
              help="The GO contact's address (repeat, or separate with commas, for several).")
@click.option("--smtp", help="HOST:PORT of the mail server (STARTTLS); login from LAA_XL_SMTP_USER/PASSWORD.")
@click.option("--eml", type=click.Path(dir_okay=False, path_type=Path), help="Write the .eml draft here.")
@click.option("--outlook", is_flag=True, help="Open an Outlook draft to review and send (Windows).")
@friendly
def email(workbook: Path, to_addr: tuple[str, ...], smtp: str | None, eml: Path | None, outlook: bool) -> None:
    """Email the GO return workbook, or write it as a draft.

    With neither --smtp nor --outlook, writes an .eml draft (X-Unsent) beside
    the workbook (WORKBOOK with .eml), or at --eml FILE.
    """
    from .io.email_jobs import email_go_return

    result = email_go_return(workbook, to_addr, smtp=smtp, eml=eml, outlook=outlook)
    if result.sent_to:
        click.echo(f"Sent '{result.subject}' to {', '.join(result.sent_to)} through {smtp}.")
    if result.outlook:
        click.echo("Opened the draft in Outlook: review it and press Send.")
    if result.eml is not None:
        click.echo(f"Draft written: {result.eml} (opens ready to send in Outlook or your mail program).")


@main.command()
@click.argument("consolidated", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--smtp", help="HOST:PORT of the mail server (STARTTLS); login from LAA_XL_SMTP_USER/PASSWORD.")
@click.option("--eml-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the drafts (default: chase/ beside the workbook).")
@friendly
def chase(consolidated: Path, smtp: str | None, eml_dir: Path | None) -> None:
    """Draft (or send) chasing emails: missing, late or unusable returns, entries to correct, repeated Reds."""
    from .io.email_jobs import chase as run_chase

    result = run_chase(consolidated, smtp=smtp, eml_dir=eml_dir)
    if not result.messages:
        click.echo("Nobody to chase: every return is in on time and no target is Red two quarters running.")
    for subject in result.sent:
        click.echo(f"Sent: {subject}")
    for subject in result.already:
        click.echo(f"Not sent again (an earlier run sent it in the last 12 hours): {subject}")
    for d in result.drafts:
        click.echo(f"Draft: {d}")
    for i in result.issues:
        click.echo(str(i), err=True)
    if result.issues:
        sys.exit(1)


@main.command("build-workbook")
@click.option("--out", default="workbook/LAA_Central.xlsm", type=click.Path(dir_okay=False, path_type=Path))
@friendly
def build_workbook(out: Path) -> None:
    """Build the central workbook LAA_Central.xlsm from source (Demoshire register, macros/*.bas)."""
    from .excel.build import build_workbook as build

    click.echo(f"Built {build(out)}")


if __name__ == "__main__":
    main()
