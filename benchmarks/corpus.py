"""Generate a benchmark corpus: a synthetic register and N filled return workbooks.

The register has N partnerships (``P0001`` ...) with 40 targets each, shaped
like Demoshire's (National Indicator titles, both polarities, all three
frequencies, relative and absolute tolerances). One return is issued with the
project's own writer (``issue_returns``) and filled as an officer would
(``officer_fill`` + ``fill_return_workbook``: four quarters of actuals,
commentary, remedial actions, evidence, a risk register and spend). The other
N-1 returns are clones made at zip level: the partnership code is replaced in
every XML part (same length, so the files stay well formed) and each part is
deflated again, as Excel would store it. Corpora are cached under
``benchmarks/out/corpus-N``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from laa_xl.core import demo  # noqa: E402
from laa_xl.core.periods import QUARTERS, FinancialYear  # noqa: E402
from laa_xl.core.register import PARTNERSHIP_COLUMNS, PROFILE_COLUMNS, TARGET_COLUMNS, load_register  # noqa: E402

CORPUS_VERSION = 1
YEAR = "2008/09"
PERIOD = "2008/09 Q4"
TARGETS_PER_RETURN = 40
OUT = ROOT / "benchmarks" / "out"


def code(i: int) -> str:
    return f"P{i:04d}"


def register_grids(n: int) -> dict[str, list[list[Any]]]:
    """Demoshire's register scaled to ``n`` partnerships of 40 targets (one year of profiles)."""
    base = demo.register_grids()
    tcols = list(base["Targets"][0])
    template = [dict(zip(tcols, row, strict=True)) for row in base["Targets"][1:]][:TARGETS_PER_RETURN]
    pcols = list(base["Profiles"][0])
    profiles = {row[0]: row for row in base["Profiles"][1:] if row[pcols.index("Financial year")] == YEAR}
    targets: list[list[Any]] = [list(TARGET_COLUMNS)]
    prof: list[list[Any]] = [list(PROFILE_COLUMNS)]
    parts: list[list[Any]] = [list(PARTNERSHIP_COLUMNS)]
    for i in range(1, n + 1):
        c = code(i)
        parts.append([c, f"{c} Partnership", f"Lead officer {c}", f"{c}@partnership.example"])
        for j, t in enumerate(template, start=1):
            ref = f"{c}-{j:02d}"
            row = dict(t, Ref=ref, NI=t.get("NI") or "", Partnership=c)
            targets.append([row.get(col) for col in TARGET_COLUMNS])
            p = profiles[t["Ref"]]
            prof.append([ref, *p[1:]])
    timetable = base["Timetable"]
    settings = [list(r) for r in base["Settings"]]
    for r in settings:
        if r[0] == "Area":
            r[1] = f"Benchmark area ({n} partnerships, synthetic)"
        if r[0] == "Current period":
            r[1] = PERIOD
    return {"Targets": targets, "Profiles": prof, "Partnerships": parts, "Timetable": timetable, "Settings": settings}


def _one_partnership(grids: dict[str, list[list[Any]]], c: str) -> dict[str, list[list[Any]]]:
    """The register cut down to one partnership (issuing and filling need no other)."""
    t = [grids["Targets"][0]] + [r for r in grids["Targets"][1:] if r[4] == c]
    refs = {r[0] for r in t[1:]}
    p = [grids["Profiles"][0]] + [r for r in grids["Profiles"][1:] if r[0] in refs]
    parts = [grids["Partnerships"][0]] + [r for r in grids["Partnerships"][1:] if r[0] == c]
    return {**grids, "Targets": t, "Profiles": p, "Partnerships": parts}


def _seed_return(grids: dict[str, list[list[Any]]], folder: Path) -> Path:
    """Issue P0001's return with the project's writer and fill it as an officer would."""
    from laa_xl.core.filling import officer_fill
    from laa_xl.io.demo_fill import fill_return_workbook
    from laa_xl.io.returns_writer import issue_returns

    reg, issues = load_register(_one_partnership(grids, code(1)), "register.xlsx")
    assert not [i for i in issues if i.is_error], issues
    fy = FinancialYear.parse(YEAR)
    (path,) = issue_returns(reg, fy, folder)
    fill = officer_fill(reg, code(1), fy, QUARTERS, submitted=dt.date(2009, 4, 24))
    fill_return_workbook(path, fill)
    return path


def clone(seed: bytes | Path, old: str, new: str) -> bytes:
    """The seed return with the partnership code ``old`` replaced by ``new`` in every XML part."""
    import io

    assert len(old) == len(new)
    src = zipfile.ZipFile(seed if isinstance(seed, Path) else io.BytesIO(seed))
    out = io.BytesIO()
    pairs = [(old.encode(), new.encode()), (old.lower().encode(), new.lower().encode())]
    with src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for a, b in pairs:
                    data = data.replace(a, b)
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def corpus(n: int, *, quiet: bool = False) -> Path:
    """``benchmarks/out/corpus-N`` (made once): register.xlsx and returns/ with N filled returns."""
    from laa_xl.core.periods import FinancialYear
    from laa_xl.io.register_io import write_register
    from laa_xl.io.returns_writer import return_file_name

    folder = OUT / f"corpus-{n}"
    stamp = folder / "corpus.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("version") == CORPUS_VERSION:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    returns = folder / "returns"
    returns.mkdir(parents=True)
    if not quiet:
        print(f"generating corpus N={n} in {folder} ...", file=sys.stderr, flush=True)
    grids = register_grids(n)
    write_register(folder / "register.xlsx", grids)
    seed_dir = folder / "seed"
    seed = _seed_return(grids, seed_dir)
    fy = FinancialYear.parse(YEAR)
    seed_bytes = seed.read_bytes()
    for i in range(1, n + 1):
        target = returns / return_file_name(code(i), fy)
        target.write_bytes(seed_bytes if i == 1 else clone(seed_bytes, code(1), code(i)))
    shutil.rmtree(seed_dir)
    size = sum(p.stat().st_size for p in returns.iterdir())
    stamp.write_text(json.dumps({"version": CORPUS_VERSION, "n": n, "period": PERIOD, "bytes": size}))
    return folder


def second_year_output(output: Path, dest: Path) -> Path:
    """``output`` (a consolidated workbook of ``YEAR``) as it would be in the second year of running: its Data
    rows, and below them the same rows a year earlier, carried as a run carries last year's (so twice the rows).
    A consolidation of ``PERIOD`` over it reads both years back and carries the earlier year's rows on."""
    import dataclasses

    from laa_xl.core.register import REGISTER_SHEETS
    from laa_xl.io.consolidated import read_consolidated, write_consolidated
    from laa_xl.io.grids import read_grids

    cons, _, _ = read_consolidated(output)
    before = FinancialYear.parse(YEAR).previous()
    cons.carried = [dataclasses.replace(o, year=before) for o in cons.observations]
    write_consolidated(cons, dest, read_grids(output, REGISTER_SHEETS))
    return dest


if __name__ == "__main__":  # corpus.py N ... | corpus.py --second-year OUTPUT DEST
    if sys.argv[1:2] == ["--second-year"]:
        print(second_year_output(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        for arg in sys.argv[1:]:
            print(corpus(int(arg)))
