"""Writing files safely: to a temporary file beside the target, then renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    """This process's umask (read once, as the module loads: reading it means setting it for a moment)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


class OutputLocked(OSError):
    """The output is open in Excel (a ~$ lock file sits beside it): close it and run again."""


def lock_file(path: Path) -> Path:
    return path.with_name("~$" + path.name)


@contextlib.contextmanager
def atomic_path(path: str | Path, *, like: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path`` in one rename.

    A crash mid-write leaves the previous file untouched (only a stray temp file). The file gets the permissions
    of the one it replaces, else of ``like`` (a copy: those of its original), else those of any new file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if lock_file(path).exists():
        lock = lock_file(path).name
        raise OutputLocked(f"{path} is open in Excel (found {lock}). Close it and run again. If Excel is not open, "
                           f"{lock} was left behind by a crash: delete it.")  # fmt: skip
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if os.name == "posix":  # mkstemp makes it readable by its owner alone: colleagues could not open it
            with contextlib.suppress(OSError):
                model = path if path.exists() else like if like is not None and like.exists() else None
                os.chmod(tmp_path, model.stat().st_mode & 0o7777 if model is not None else 0o666 & ~_UMASK)
        try:
            os.replace(tmp_path, path)
        except PermissionError as e:  # Windows: Excel holds the file open
            raise OutputLocked(f"Cannot replace {path}: it is open in another program (Excel?). Close it and run "
                               "again; the previous file is unchanged.") from e
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
