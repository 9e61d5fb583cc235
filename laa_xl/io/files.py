"""Writing files safely: to a temporary file beside the target, then renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


class OutputLocked(OSError):
    """The output is open in Excel (a ~$ lock file sits beside it): close it and run again."""


def lock_file(path: Path) -> Path:
    return path.with_name("~$" + path.name)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path`` in one rename.

    A crash mid-write leaves the previous file untouched (only a stray temp file).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if lock_file(path).exists():
        raise OutputLocked(f"{path} is open in Excel (found {lock_file(path).name}). Close it and run again.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, path)
        except PermissionError as e:  # Windows: Excel holds the file open
            raise OutputLocked(f"Cannot replace {path}: it is open in another program (Excel?). Close it and run "
                               "again; the previous file is unchanged.") from e
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
