"""Benchmark consolidation against the analyst's pandas loop and the expat lower bound.

    python benchmarks/run.py --sizes 6,150,1500 --repeat 3

(N >= 1000 runs --large-repeat times, default once: one consolidation of 1,500 returns takes minutes.)

For each N it makes (once, cached in benchmarks/out/corpus-N) a register of N
partnerships x 40 targets and N filled returns, then runs every measured thing
in a fresh process, ``--repeat`` times, interleaved so that a noisy neighbour
hurts all alike, each just after the corpus has been read once (so that all find
it in the page cache), and reports medians: wall time as the parent sees it
(interpreter start included), the in-process time of the work (imports
excluded), and the peak memory (the larger of the child's ``ru_maxrss`` from
``os.wait4`` and the peak PSS of the child and any worker processes it starts,
sampled every 50 ms). Ratios are taken within the same run. Results are also written
to benchmarks/out/results.json and benchmarks/out/results.md.

Measured things (see worker.py):
  consolidate      ``laa-xl consolidate REGISTER RETURNS --period "2008/09 Q4" --out ... --json``
                   through the real CLI, with phase timings (register, hash, preflight, read,
                   check, compute, write, archive)
  consolidate-again the same over the output of the consolidate just run (next quarter's run: the
                   previous output is read back for restated figures and kept as .previous.xlsx)
  consolidate-second-year the same over an output that also carries last year's rows below this year's, as
                   every output does from the second year on (made once per corpus from the consolidate
                   output: twice the Data rows; the run reads both years back and carries one)
  pandas           ``pandas.read_excel(f, sheet_name=None)`` over the files (openpyxl engine,
                   pandas' default for .xlsx); beyond --pandas-limit files it reads the first
                   LIMIT files and scales the time by N/LIMIT (marked "sampled")
  pandas-calamine  the same loop with engine="calamine" (same sampling)
  expat            unzip + parse every worksheet XML with a bare expat parser: the lower bound
  calamine         python-calamine values of every sheet, no preflight, no checks
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import OUT  # noqa: E402

READ_CHECK = ("hash", "preflight", "read", "check")


def _tree(pid: int) -> list[int]:
    """The process and all its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size of these processes, summed: pages a forked worker shares with its parent are
    counted once between them, so a parallel read is charged its real memory, no more and no less."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


class TreeMemory(threading.Thread):
    """Samples the PSS of a process tree every 50 ms and keeps the peak (the workers a consolidation starts
    are not in the parent's ru_maxrss)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, _pss_mb(_tree(self.pid)))


def run_child(args: list[str]) -> dict[str, Any]:
    """Run the worker in a fresh process; its JSON line, wall seconds and peak memory (MB): the larger of the
    child's ``ru_maxrss`` and the peak PSS of the child with any worker processes it starts."""
    t0 = time.perf_counter()
    with open(OUT / "child.out", "wb") as out, open(OUT / "child.err", "wb") as err:
        p = subprocess.Popen([sys.executable, str(HERE / "worker.py"), *args], cwd=ROOT, stdout=out, stderr=err)
        sampler = TreeMemory(p.pid)
        sampler.start()
        _, status, usage = os.wait4(p.pid, 0)
        sampler.done.set()
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    text = (OUT / "child.out").read_text(errors="replace").strip().splitlines()
    if p.returncode not in (0,) or not text:
        raise SystemExit(f"worker {args[0]} failed ({p.returncode}):\n" + (OUT / "child.err").read_text()[-3000:])
    res: dict[str, Any] = json.loads(text[-1])
    res["wall"] = wall
    res["rss_mb"] = max(usage.ru_maxrss / 1024, sampler.peak)  # kB on Linux
    return res


def warm(folder: Path) -> None:
    """Read every file of the corpus once, so that each measured thing finds them in the page cache (the
    machine keeps little cache: a corpus read once minutes earlier can be back on disk, and the first
    thing measured would pay for the disk alone)."""
    for p in folder.rglob("*"):
        if p.is_file():
            with open(p, "rb") as f:  # a megabyte at a time: a child's peak memory counts its parent's as of exec
                while f.read(1 << 20):
                    pass


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def measure(n: int, repeat: int, kinds: list[str], pandas_limit: int) -> dict[str, Any]:
    # made (once) in a child: a child's peak memory counts its parent's as of exec, and making a national corpus
    # would otherwise be counted in every measurement after it
    made = subprocess.run([sys.executable, str(HERE / "corpus.py"), str(n)], check=True, stdout=subprocess.PIPE, text=True)
    folder = Path(made.stdout.strip().splitlines()[-1])
    returns = folder / "returns"
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    for rep in range(repeat):
        for kind in kinds:
            if kind == "consolidate":
                work = OUT / "run" / f"n{n}"
                shutil.rmtree(work, ignore_errors=True)  # a fresh output each time: no previous, no archive
                work.mkdir(parents=True)
                args = [kind, str(folder / "register.xlsx"), str(returns), str(work / "CONSOLIDATED.xlsx")]
            elif kind in ("consolidate-again", "consolidate-second-year"):  # over the output of the run before
                prev = OUT / "run" / f"n{n}" / "CONSOLIDATED.xlsx"
                if not prev.exists():
                    raise SystemExit(f"{kind} measures a later run: put consolidate before it in --kinds")
                work = OUT / "run" / f"n{n}-{kind.removeprefix('consolidate-')}"
                shutil.rmtree(work, ignore_errors=True)
                work.mkdir(parents=True)
                if kind == "consolidate-again":
                    shutil.copy2(prev, work / "CONSOLIDATED.xlsx")
                else:  # made once per corpus (not timed): last year's rows below the output's, as a year leaves them
                    two_years = folder / "second-year-previous.xlsx"
                    if not two_years.exists():  # in a child: a child's peak memory counts its parent's as of exec
                        subprocess.run([sys.executable, str(HERE / "corpus.py"), "--second-year", str(prev),
                                        str(two_years)], check=True)  # fmt: skip
                    shutil.copy2(two_years, work / "CONSOLIDATED.xlsx")
                args = ["consolidate", str(folder / "register.xlsx"), str(returns), str(work / "CONSOLIDATED.xlsx")]
            elif kind.startswith("pandas"):
                args = [kind, str(returns), *([str(pandas_limit)] if n > pandas_limit else [])]
            else:
                args = [kind, str(returns)]
            warm(folder)
            r = run_child(args)
            if kind.startswith("pandas") and r["files"] < n:  # sampled: scale to N files
                r["sampled"] = r["files"]
                r["seconds"] *= n / r["files"]
                r["wall"] = None
            runs[kind].append(r)
            print(f"  N={n} rep {rep + 1}/{repeat} {kind:<24} {r['seconds']:8.2f} s  {r['rss_mb']:7.0f} MB",
                  file=sys.stderr, flush=True)  # fmt: skip
    return {"n": n, "runs": runs, "bytes": json.loads((folder / "corpus.json").read_text())["bytes"]}


def summarise(m: dict[str, Any]) -> dict[str, Any]:
    n = m["n"]
    s: dict[str, Any] = {"n": n, "bytes": m["bytes"], "kinds": {}}
    for kind, runs in m["runs"].items():
        walls = [r["wall"] for r in runs if r.get("wall") is not None]
        s["kinds"][kind] = {
            "seconds": median([r["seconds"] for r in runs]),
            "wall": median(walls) if walls else None,
            "rss_mb": max(r["rss_mb"] for r in runs),
            "sampled": runs[0].get("sampled"),
        }
    if "consolidate" in m["runs"]:
        runs = m["runs"]["consolidate"]
        names = list(dict.fromkeys(k for r in runs for k in r["phases"]))
        s["phases"] = {k: median([r["phases"].get(k, 0.0) for r in runs]) for k in names}
        s["read_check"] = median([sum(r["phases"].get(k, 0.0) for k in READ_CHECK) for r in runs])
    return s


def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.2f} s" if x >= 0.1 else f"{x * 1000:.0f} ms"


def table(summaries: list[dict[str, Any]], repeat: int, large_repeat: int) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}; {dt.date.today()}; medians of {repeat} runs ({min(repeat, large_repeat)} for N >= 1000), "
        "each in a fresh process.",
        "",
        "| N | measured | wall (process) | work (in process) | per file | peak memory |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for s in summaries:
        n = s["n"]
        for kind, k in s["kinds"].items():
            label = kind + (f" (sampled {k['sampled']} files, scaled)" if k.get("sampled") else "")
            lines.append(f"| {n} | {label} | {fmt_s(k['wall'])} | {fmt_s(k['seconds'])} | "
                         f"{k['seconds'] / n * 1000:.1f} ms | {k['rss_mb']:.0f} MB |")  # fmt: skip
    lines += ["", "Phases of `laa-xl consolidate` (in-process medians, exclusive):", ""]
    names = list(dict.fromkeys(p for s in summaries for p in s.get("phases", {})))
    lines.append("| N | " + " | ".join(names) + " |")
    lines.append("|---:|" + "---:|" * len(names))
    for s in summaries:
        if "phases" in s:
            lines.append(f"| {s['n']} | " + " | ".join(fmt_s(s["phases"].get(p, 0.0)) for p in names) + " |")
    lines += ["", "Ratios (same run):", ""]
    lines.append("| N | read+check / expat | pandas / consolidate (end to end) | consolidate per file vs smallest N |")
    lines.append("|---:|---:|---:|---:|")
    base = None
    for s in summaries:
        k = s["kinds"]
        c = k.get("consolidate")
        rc = s.get("read_check")
        a = f"{rc / k['expat']['seconds']:.2f}×" if rc and "expat" in k else "–"
        b = "–"
        if c and "pandas" in k:
            b = f"{k['pandas']['seconds'] / c['wall']:.1f}×" + (" (sampled)" if k["pandas"].get("sampled") else "")
        per = c["wall"] / s["n"] if c else None
        if per is not None and base is None and s["n"] >= 100:
            base = (s["n"], per)
        lin = f"{per / base[1]:.2f} (vs N={base[0]})" if per is not None and base else "–"
        lines.append(f"| {s['n']} | {a} | {b} | {lin} |")
    lines += ["", "Goals of issue 8 (same run):", "", "| goal | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {g} | {v} | {'yes' if ok else 'no'} |" for g, v, ok in goals(summaries)]
    lines += [
        "",
        "read+check = the hash, preflight, read and check phases of consolidate; expat = unzip + parse of the same "
        "sheet XML. pandas / consolidate compares the analyst's reading loop (in process, imports excluded) with "
        "`laa-xl consolidate` end to end (process start, register, all returns, checks, outputs and archive).",
    ]
    return "\n".join(lines)


def goals(summaries: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """Each goal of issue 8 this run measured: (goal, measured value, met)."""
    out: list[tuple[str, str, bool]] = []
    by_n = {s["n"]: s for s in summaries}
    s150 = by_n.get(150)
    if s150 and s150.get("read_check") and "expat" in s150["kinds"]:
        r = s150["read_check"] / s150["kinds"]["expat"]["seconds"]
        out.append(("N = 150: read + check within 2× the expat lower bound", f"{r:.2f}×", r <= 2))
    if s150 and "consolidate" in s150["kinds"] and "pandas" in s150["kinds"]:
        r = s150["kinds"]["pandas"]["seconds"] / s150["kinds"]["consolidate"]["wall"]
        out.append(("N = 150: consolidate end to end at least 5× faster than pandas reading alone", f"{r:.1f}×", r >= 5))
    runs = {"consolidate": "a first run", "consolidate-again": "next quarter", "consolidate-second-year": "second year"}
    for n, s in sorted(by_n.items()):
        c = s["kinds"].get("consolidate")
        for kind, what in runs.items():
            k = s["kinds"].get(kind)
            if n >= 1000 and k:
                out.append((f"N = {n:,}: peak memory under 500 MB ({what})", f"{k['rss_mb']:.0f} MB", k["rss_mb"] < 500))
        if n >= 1000 and c and s150 and "consolidate" in s150["kinds"]:
            per = (c["wall"] / n) / (s150["kinds"]["consolidate"]["wall"] / 150)
            out.append((f"N = {n:,}: time linear in N (per file vs N = 150, 1.00 = linear)", f"{per:.2f}",
                        per <= 1.1))  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="6,150,1500", help="comma-separated numbers of returns")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kinds", default="consolidate,consolidate-again,consolidate-second-year,pandas,pandas-calamine,"
                    "expat,calamine")  # fmt: skip
    ap.add_argument("--pandas-limit", type=int, default=150, help="pandas reads at most this many files (then scales)")
    ap.add_argument("--large-repeat", type=int, default=1, help="repetitions for N >= 1000 (each takes minutes)")
    a = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    kinds = a.kinds.split(",")
    summaries = []
    for n in (int(x) for x in a.sizes.split(",")):
        repeat = min(a.repeat, a.large_repeat) if n >= 1000 else a.repeat
        summaries.append(summarise(measure(n, repeat, kinds, a.pandas_limit)))
    md = table(summaries, a.repeat, a.large_repeat)
    print(md)
    (OUT / "results.md").write_text(md + "\n")
    (OUT / "results.json").write_text(json.dumps(summaries, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
