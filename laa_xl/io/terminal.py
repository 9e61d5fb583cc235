"""Readable output on a terminal: an issues table, progress that stays quiet when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.issues import Issue

if TYPE_CHECKING:  # rich is imported when something is printed: a job run with --json, or piped, never needs it
    from rich.console import Console

T = TypeVar("T")


def console(err: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=err, highlight=False, soft_wrap=False)


def print_issues(issues: Sequence[Issue], summary: dict[str, Any] | None = None) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    if issues:
        table = Table(show_lines=False, header_style="bold")
        for col in ("Severity", "Where", "Message", "Code"):
            table.add_column(col, overflow="fold")
        for i in issues:
            style = "red" if i.is_error else "yellow"
            # escape: "[CYP_2008-09.xlsx]Q1!G5" would otherwise be taken for rich markup and vanish
            table.add_row(f"[{style}]{i.severity}[/]", escape(str(i.location)), escape(i.message), i.code)
        out.print(table)
    errors = sum(i.is_error for i in issues)
    out.print(f"{errors} error(s), {len(issues) - errors} warning(s)")
    for k, v in (summary or {}).items():
        if not isinstance(v, dict | list):
            out.print(f"{k}: {v}")


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Progress bar on a terminal (stderr); nothing when piped."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import track

    yield from track(items, description=description, total=total, console=console(err=True), transient=True)
