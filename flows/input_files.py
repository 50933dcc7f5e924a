"""What the ingest may read from the input folder, and how file names are stored.

- Names: POSIX file names are bytes. Python hands a name that is not UTF-8 over with each stray byte
  as a lone surrogate, which neither polars nor DuckDB can hold. Paths are stored escaped: ``\\xNN``
  for such a byte and ``\\\\`` for a backslash, every other character as it is, so the stored name is
  text, shows what the name holds and maps back to the same bytes (``os_path``).
- Links: a symbolic link is followed only to a regular file inside the input folder; a link out of
  it (``ln -s /etc/passwd in/x.txt``), a dangling link, and anything that is not a regular file (a
  FIFO, a device, a socket, a link to a folder) is rejected with the reason, never opened. A FIFO is
  never opened: it would block the run until someone wrote to it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

_ESCAPED = re.compile(r"\\(\\|x[0-9a-f]{2})")
_NEEDS_ESCAPE = re.compile("[\\\\\udc80-\udcff]")


def escape_path(path: str) -> str:
    """The stored form of an OS path (a str that may hold surrogate-escaped bytes)."""
    if not _NEEDS_ESCAPE.search(path):
        return path
    return _NEEDS_ESCAPE.sub(lambda m: "\\\\" if m.group() == "\\" else f"\\x{ord(m.group()) - 0xDC00:02x}", path)


def os_path(stored: str) -> str:
    """The OS path a stored path stands for (inverse of ``escape_path``)."""
    if "\\" not in stored:
        return stored
    return _ESCAPED.sub(lambda m: "\\" if m.group(1) == "\\" else chr(0xDC00 + int(m.group(1)[1:], 16)), stored)


def list_input_files(input_dir: Path, file_glob: str) -> list[str]:
    """Every entry under ``input_dir`` matching ``file_glob`` that is not a folder itself, as stored
    paths, sorted: links and special files are listed so that they are recorded, not skipped."""
    out = []
    for p in input_dir.rglob(file_glob):
        try:
            if stat.S_ISDIR(p.lstat().st_mode):
                continue
        except OSError:
            pass  # gone since the folder was listed: reading it records why
        out.append(escape_path(str(p)))
    return sorted(out)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def check_entry(path: str, input_dir: Path) -> tuple[os.stat_result | None, str | None]:
    """(stat of what would be read, None) for a regular file or a link to one inside ``input_dir``;
    (stat or None, reason) for anything the ingest must not read. ``path`` is an OS path."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        target = os.path.realpath(path)
        try:
            target_st = os.stat(target)
        except FileNotFoundError:
            return st, f"dangling symbolic link: its target {escape_path(os.readlink(path))} does not exist"
        root = str(input_dir)
        if not (target == root or target.startswith(root.rstrip(os.sep) + os.sep)):
            return st, f"symbolic link to {escape_path(target)}, outside the input folder: not followed"
        if not stat.S_ISREG(target_st.st_mode):
            return st, f"symbolic link to {_kind(target_st.st_mode)}, not a regular file: not read"
        return target_st, None
    if not stat.S_ISREG(st.st_mode):
        return st, f"{_kind(st.st_mode)}, not a regular file: not read"
    return st, None


def read_regular(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file, or None if it has grown past ``limit`` since it was checked.
    Opened without blocking and checked again once open, so a file swapped for a FIFO cannot hang the run."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{escape_path(path)} is no longer a regular file")
        data = f.read(limit + 1)
    return None if len(data) > limit else data
