"""Files written whole or not at all, with no dependency beyond the standard library (so that
`gwr extract FILE` writes its document without importing pyarrow, which the tables need)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, what: str) -> None:
    """Write a file whole or not at all: into a temporary file beside it, then renamed over it (the text
    as it is, `\r` included). A failure removes the temporary file and raises an OSError that names
    the file and `what` it is."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        remove_file(tmp)
        raise OSError(exc.errno, f"cannot write {what}: {exc.strerror}", str(path)) from None


def temporary_file(path: Path) -> str:
    """A new empty file beside `path`, to be renamed over it when complete."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return tmp


def remove_file(path: str | Path | None) -> None:
    if path is not None:
        try:
            os.unlink(path)
        except OSError:
            pass
