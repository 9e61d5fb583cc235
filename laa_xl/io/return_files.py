"""Find and read the returns in a folder for consolidation: each file hashed, read safely, or refused.

Reading a return is the returns reader's job (``laa_xl.io.returns_reader.read_return``);
this module lists the folder, hashes each file (SHA-256 of the bytes read, kept
for the archive) and turns any failure to read into a ``Refusal`` with an error
issue, so one bad file never stops the consolidation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.consolidate import FileInfo, Refusal
from ..core.issues import Issue, Location, error
from ..core.returns import CheckedReturn, ReturnData
from ..core.timing import phase
from ..errors import NotBuiltYet

RETURN_SUFFIXES = (".xlsx",)
REFUSED_SUFFIXES = (".xls", ".xlsm", ".xlsb", ".ods")

Reader = Callable[[Path], ReturnData]


@dataclass
class LoadedReturns:
    items: list[tuple[FileInfo, ReturnData | CheckedReturn | Refusal]] = field(default_factory=list)
    contents: dict[str, Path] = field(default_factory=dict)  # file name -> the file hashed (its bytes are not kept)


def default_reader() -> Reader:
    try:
        from .returns_reader import read_return  # type: ignore[import-not-found, unused-ignore]
    except ImportError as e:  # the returns reader lands with issue #3
        raise NotBuiltYet(
            "Reading return workbooks needs laa_xl/io/returns_reader.py (issue #3), which is not merged yet."
        ) from e
    reader: Reader = read_return
    return reader


def return_files(folder: Path) -> list[Path]:
    """Workbooks in the folder, by name; Excel's ~$ lock files and hidden files are skipped."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(("~$", ".")) and p.suffix.lower() in RETURN_SUFFIXES + REFUSED_SUFFIXES
    )  # fmt: skip


def load_returns(
    folder: str | Path,
    reader: Reader | None = None,
    *,
    exclude: tuple[Path, ...] = (),
    check: Callable[[ReturnData], CheckedReturn] | None = None,
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
    read = reader or default_reader()
    from .terminal import progress

    for path in progress(files, "Reading returns", total=len(files)):
        try:
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
        if path.suffix.lower() in REFUSED_SUFFIXES:
            out.items.append((info, Refusal((error(
                "unsupported-file-type", f"{path.suffix} files are not consolidated: save the return as an Excel "
                "Workbook (.xlsx), without macros, and send it again.", Location(path.name)),))))  # fmt: skip
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
