"""Find and read the returns in a folder for consolidation: each file hashed, read safely, or refused.

Reading a return is the returns reader's job (``laa_xl.io.returns_reader.read_return``);
this module lists the folder, hashes each file (SHA-256 of the bytes read, kept
for the archive) and turns any failure to read into a ``Refusal`` with an error
issue, so one bad file never stops the consolidation.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.consolidate import FileInfo, Refusal
from ..core.issues import Issue, Location, error, warning
from ..core.returns import CheckedReturn, ReturnData
from ..core.timing import phase

RETURN_SUFFIXES = (".xlsx",)


def return_suffixes(allow_macros: bool = False) -> tuple[str, ...]:
    """The file names read as returns (an .xlsm too when macros are allowed; they are never run)."""
    return (*RETURN_SUFFIXES, ".xlsm") if allow_macros else RETURN_SUFFIXES
REFUSED_SUFFIXES = (".xls", ".xlsm", ".xlsb", ".ods")
# Files the operating system leaves in folders: not submissions, so not logged.
SYSTEM_FILES = ("thumbs.db", "desktop.ini")

Reader = Callable[[Path], ReturnData]


@dataclass
class LoadedReturns:
    items: list[tuple[FileInfo, ReturnData | CheckedReturn | Refusal]] = field(default_factory=list)
    contents: dict[str, Path] = field(default_factory=dict)  # file name -> the file hashed (its bytes are not kept)


def default_reader(allow_macros: bool = False) -> Reader:
    from .returns_reader import read_return

    reader: Reader = functools.partial(read_return, allow_macros=True) if allow_macros else read_return
    return reader


def return_files(folder: Path) -> list[Path]:
    """Every file in the folder, by name (each is logged, refused or not); Excel's ~$ lock files, hidden and
    temporary files (ours start with '.') and the operating system's Thumbs.db/desktop.ini are skipped."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(("~$", ".")) and p.name.lower() not in SYSTEM_FILES
    )  # fmt: skip


CONSOLIDATED_WORKBOOK = "the consolidated workbook laa-xl wrote"
GO_WORKBOOK = "a GO return workbook laa-xl wrote"
_SHEET_NAME = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def our_workbook(path: Path) -> str | None:
    """What this file is when it is a workbook laa-xl wrote rather than a return (an output saved into the returns
    folder, say): ``CONSOLIDATED_WORKBOOK``, "a GO return workbook" or "a register"; None otherwise. Only the
    workbook part's sheet names are read, at most 1 MB of it (the preflight has not yet seen the file)."""
    names = set(sheet_names_of(path))
    if "Cover" in names:
        return None
    if {"Data", "GO Return"} <= names:
        return CONSOLIDATED_WORKBOOK
    if {"GO Return", "Summary"} <= names:
        return GO_WORKBOOK
    if {"Targets", "Profiles"} <= names:
        return "a register"
    return None


def sheet_names_of(path: Path) -> list[str]:
    """The workbook's sheet names as its workbook part lists them (at most 1 MB of it read); [] when it cannot be told."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("xl/workbook.xml")
            if info.file_size > 1 << 20:
                return []
            return [n.decode("utf-8", "replace") for n in _SHEET_NAME.findall(z.read(info))]  # no more than declared
    except (OSError, KeyError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile):
        return []


def not_a_return(path: Path, kind: str, so: str = "it is left out. Move it out of the returns folder") -> str:
    return f"{path.name} is {kind}, not a return, so {so}."


def unsupported(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        return (f"{suffix} files are not consolidated: save the return as an Excel Workbook (.xlsx), without "
                "macros, and send it again.")  # fmt: skip
    return (f"{path.name} is not an Excel workbook (.xlsx), so it is not consolidated. If it is a return, save it "
            "as an Excel Workbook (.xlsx) and send it again; otherwise move it out of the returns folder.")  # fmt: skip


Check = Callable[[ReturnData], CheckedReturn]
Item = ReturnData | CheckedReturn | Refusal


def load_returns(
    folder: str | Path,
    reader: Reader | None = None,
    *,
    exclude: tuple[Path, ...] = (),
    check: Check | None = None,
    allow_macros: bool = False,
    allow_spawn: bool = True,
) -> LoadedReturns:
    """Every return in the folder, read (or refused); ``exclude``: our own outputs, should they sit in it.

    ``check``: check each return as soon as it is read and keep only the result (what a
    consolidation needs), so that what was read of one file can go before the next is read.

    With many files and more than one CPU the files are read and checked in worker processes
    (``laa_xl.io.read_pool``; ``LAA_XL_WORKERS=1`` reads them here, one by one): the result is the same,
    in the same order. ``allow_spawn=False``: only forked workers (see ``read_pool.workers_for``).
    """
    folder = Path(folder)
    skip = {p.resolve() for p in exclude}
    files = [p for p in return_files(folder) if p.resolve() not in skip]
    out = LoadedReturns()
    if not files:
        return out
    read = reader or default_reader(allow_macros)
    suffixes = return_suffixes(allow_macros)
    from .read_pool import load_in_pool, workers_for

    workers = workers_for(len(files), allow_spawn=allow_spawn)
    if workers > 1:
        results = load_in_pool(files, read, check, suffixes, workers)
    else:
        from .terminal import progress

        results = [load_one(path, read, check, suffixes) for path in progress(files, "Reading returns",
                                                                               total=len(files))]  # fmt: skip
    for path, (info, item, hashed) in zip(files, results, strict=True):
        if hashed:
            out.contents[path.name] = path
        out.items.append((info, item))
    return out


def load_one(path: Path, read: Reader, check: Check | None, suffixes: tuple[str, ...]) -> tuple[FileInfo, Item, bool]:
    """One file hashed, read and checked (or refused): its info, what was read of it, and whether it was hashed
    (the archive copies only those)."""
    from .preflight import LIMITS, too_large

    try:
        size = path.stat().st_size
        if size > LIMITS.max_file_bytes:  # never read a huge file into memory: hash it as a stream
            digest = hashlib.sha256()
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            too_big = too_large(path.name, size, done=" It was not opened (nor archived).")
            return FileInfo(path.name, size, digest.hexdigest()), Refusal((too_big.issue,)), False
        with phase("hash"):
            content = path.read_bytes()
    except OSError as e:
        return FileInfo(path.name), Refusal((error("unreadable-file", f"Cannot open the file: {e}.",
                                                   Location(path.name)),)), False  # fmt: skip
    with phase("hash"):
        info = FileInfo(path.name, len(content), hashlib.sha256(content).hexdigest())
    del content
    if path.suffix.lower() not in suffixes:
        return info, Refusal((error("unsupported-file-type", unsupported(path), Location(path.name)),)), True
    kind = our_workbook(path)
    if kind is not None:  # not a submission: listed, but neither logged nor archived
        return info, Refusal((warning("not-a-return", not_a_return(path, kind), Location(path.name)),), ours=True), False
    try:
        data = read(path)
    except Exception as e:  # a return is untrusted input: any failure refuses that file only
        issue = getattr(e, "issue", None)  # the preflight's UnsafeFile carries its own code and place
        if not isinstance(issue, Issue):
            issue = error("unreadable-file", f"This file could not be read safely, so it is not consolidated: {e}",
                          Location(path.name))  # fmt: skip
        return info, Refusal((issue,)), True
    data.file = data.file or path.name
    if check is None:
        return info, data, True
    with phase("check"):
        return info, check(data), True
