"""Whole jobs built from the library: what a button or a command runs end to end."""

from __future__ import annotations

from pathlib import Path

import click

from .core import demo
from .io.register_io import write_register


def run_demo(directory: Path) -> dict[str, Path]:
    """The whole flow on Demoshire. Today: the central register workbook."""
    directory.mkdir(parents=True, exist_ok=True)
    register = write_register(directory / "register.xlsx", demo.register_grids())
    click.echo(f"Demoshire (demo data) written to {directory}/")
    click.echo(f"  register:  {register}")
    return {"register": register}
