"""Find and read the returns in a folder for consolidation: each file hashed, read safely, or refused.

Reading a return is the returns reader's job (``laa_xl.io.returns_reader.read_return``);
this module lists the folder, hashes each file (SHA-256 of the bytes read, kept
for the archive) and turns any failure to read into a ``Refusal`` with an error
issue, so one bad file never stops the consolidation.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.consolidate import FileInfo, Refusal
from ..core.issues import Issue, Location, error
from ..core.returns import CheckedReturn, ReturnData
from ..core.timing import phase

RETURN_SUFFIXES = (".xlsx",)
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


def _not_a_return(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        return (f"{suffix} files are not consolidated: save the return as an Excel Workbook (.xlsx), without "
                "macros, and send it again.")  # fmt: skip
    return (f"{path.name} is not an Excel workbook (.xlsx), so it is not consolidated. If it is a return, save it "
            "as an Excel Workbook (.xlsx) and send it again; otherwise move it out of the returns folder.")  # fmt: skip


def load_returns(
    folder: str | Path,
    reader: Reader | None = None,
    *,
    exclude: tuple[Path, ...] = (),
    check: Callable[[ReturnData], CheckedReturn] | None = None,
    allow_macros: bool = False,
) -> LoadedReturns:
    """Every return in the folder, read (or refused); ``exclude``: our own outputs, should they sit in it.

    ``check``: check each return as soon as it is read and keep only the result (what a
    consolidation needs), so that what was read of one file can go before the next is read.
    """
    folder = Path(folder)
    skip = {p.resolve() for p in exclude}
    files = [p for p in return_files(folder) if p.resolve() not in skip]
    out = LoadedReturns()
    if not files:
        return out
    read = reader or default_reader(allow_macros)
    suffixes = (*RETURN_SUFFIXES, ".xlsm") if allow_macros else RETURN_SUFFIXES
    from .preflight import LIMITS, UnsafeFile
    from .terminal import progress

    for path in progress(files, "Reading returns", total=len(files)):
        try:
            size = path.stat().st_size
            if size > LIMITS.max_file_bytes:  # never read a huge file into memory: hash it as a stream
                digest = hashlib.sha256()
                with open(path, "rb") as f:
                    while chunk := f.read(1 << 20):
                        digest.update(chunk)
                too_big = UnsafeFile("file-too-large", path.name, f"{path.name} is {size / 1e6:,.1f} MB; a return "
                                     f"should be well under {LIMITS.max_file_bytes / 1e6:.0f} MB. It was not opened "
                                     "(nor archived). Check it is the right file.")  # fmt: skip
                out.items.append((FileInfo(path.name, size, digest.hexdigest()), Refusal((too_big.issue,))))
                continue
            with phase("hash"):
                content = path.read_bytes()
        except OSError as e:
            out.items.append((FileInfo(path.name), Refusal((error("unreadable-file", f"Cannot open the file: {e}.",
                                                                    Location(path.name)),))))  # fmt: skip
            continue
        with phase("hash"):
            info = FileInfo(path.name, len(content), hashlib.sha256(content).hexdigest())
        out.contents[path.name] = path
        del content
        if path.suffix.lower() not in suffixes:
            out.items.append((info, Refusal((error("unsupported-file-type", _not_a_return(path),
                                                   Location(path.name)),))))  # fmt: skip
            continue
        try:
            data = read(path)
        except Exception as e:  # a return is untrusted input: any failure refuses that file only
            issue = getattr(e, "issue", None)  # the preflight's UnsafeFile carries its own code and place
            if not isinstance(issue, Issue):
                issue = error("unreadable-file", f"This file could not be read safely, so it is not consolidated: {e}",
                              Location(path.name))  # fmt: skip
            out.items.append((info, Refusal((issue,))))
            continue
        data.file = data.file or path.name
        if check is None:
            out.items.append((info, data))
        else:
            with phase("check"):
                out.items.append((info, check(data)))
    return out
