"""One measured thing, run in a fresh process by ``run.py`` (so its peak memory is its own).

Prints one JSON object on stdout: ``seconds`` (in-process wall time of the
work, after imports), ``files`` and, for ``consolidate``, the phase times.

    python benchmarks/worker.py consolidate REGISTER RETURNS_DIR OUT.xlsx
    python benchmarks/worker.py pandas RETURNS_DIR [LIMIT]     # the analyst's loop of read_excel
    python benchmarks/worker.py pandas-calamine RETURNS_DIR [LIMIT]  # the same with engine="calamine"
    python benchmarks/worker.py expat RETURNS_DIR              # unzip + parse the sheet XML, nothing else
    python benchmarks/worker.py calamine RETURNS_DIR           # python-calamine values of every sheet, no checks
"""

from __future__ import annotations

import json
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PERIOD = "2008/09 Q4"


def _files(folder: str) -> list[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.suffix == ".xlsx")


def consolidate(register: str, returns: str, out: str) -> dict[str, object]:
    from laa_xl.cli import main
    from laa_xl.core.timing import recording

    t0 = time.perf_counter()
    with recording() as rec:
        try:
            main(["consolidate", register, returns, "--period", PERIOD, "--out", out, "--json"], standalone_mode=False)
            code = 0
        except SystemExit as e:
            code = int(e.code or 0)
    seconds = time.perf_counter() - t0
    phases = dict(rec.seconds)
    phases["other"] = max(0.0, seconds - sum(phases.values()))
    return {"seconds": seconds, "files": len(_files(returns)), "exit": code, "phases": phases}


def pandas_loop(returns: str, limit: str | None = None, engine: str = "openpyxl") -> dict[str, object]:
    """What an analyst writes: read_excel over each file, every sheet (openpyxl: pandas' default engine for .xlsx)."""
    import pandas as pd

    files = _files(returns)
    if limit:
        files = files[: int(limit)]
    t0 = time.perf_counter()
    cells = 0
    for f in files:
        frames = pd.read_excel(f, sheet_name=None, engine=engine)
        cells += sum(df.size for df in frames.values())
    return {"seconds": time.perf_counter() - t0, "files": len(files), "cells": cells}


def expat(returns: str) -> dict[str, object]:
    from xml.parsers import expat as px

    files = _files(returns)
    t0 = time.perf_counter()
    parts = 0
    for f in files:
        with zipfile.ZipFile(f) as z:
            for name in z.namelist():
                if (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "xl/sharedStrings.xml":
                    px.ParserCreate().Parse(z.read(name), True)
                    parts += 1
    return {"seconds": time.perf_counter() - t0, "files": len(files), "parts": parts}


def calamine(returns: str) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    files = _files(returns)
    t0 = time.perf_counter()
    cells = 0
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
    return {"seconds": time.perf_counter() - t0, "files": len(files), "cells": cells}


def pandas_calamine(returns: str, limit: str | None = None) -> dict[str, object]:
    return pandas_loop(returns, limit, engine="calamine")


KINDS = {
    "consolidate": consolidate,
    "pandas": pandas_loop,
    "pandas-calamine": pandas_calamine,
    "expat": expat,
    "calamine": calamine,
}

if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    print(json.dumps(KINDS[kind](*args)))
