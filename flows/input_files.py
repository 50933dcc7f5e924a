"""What the ingest may read from the input folder, and how file names are stored.

- Names: POSIX file names are bytes. Python hands a name that is not UTF-8 over with each stray byte
  as a lone surrogate, which neither polars nor DuckDB can hold. Paths are stored escaped: ``\\xNN``
  for such a byte and ``\\\\`` for a backslash, every other character as it is, so the stored name is
  text, shows what the name holds and maps back to the same bytes (``os_path``).
- What is read: every file under the input folder whose name matches the file patterns, in any case
  (``A.TXT``, ``b.Html``), in visible folders at most ``max_folder_depth`` deep; every other entry is
  recorded with the reason it is not read. The project's own files are never read as input: the fetch's
  records and state, folders holding its outputs (marked with ``OUTPUT_MARKER``), and the warehouse.
- Links: a symbolic link is followed only to a regular file inside the input folder; a link out of
  it (``ln -s /etc/passwd in/x.txt``), a dangling link, and anything that is not a regular file (a
  FIFO, a device, a socket, a link to a folder) is rejected with the reason, never opened. A FIFO is
  never opened: it would block the run until someone wrote to it.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from flows.inbox import SIDECAR_SUFFIX, STATE_DIR as FETCH_STATE_DIR

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


# A folder the project writes its outputs into (the quality report, an export) holds this file, so that
# an output folder inside an input folder (`--report inbox/report`) is never read back as input.
OUTPUT_MARKER = ".ofsted-watch-output"
OUTPUT_MARKER_TEXT = "Written by ofsted-watch: this folder holds its output and is never read as input.\n"


def mark_output_folder(folder: Path) -> None:
    """Creates ``folder`` if needed and marks it as the project's output, never to be read as input."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / OUTPUT_MARKER
    if not marker.exists():
        marker.write_text(OUTPUT_MARKER_TEXT, encoding="utf-8")


class IsOutputFolder(ValueError):
    """The folder given as input is one the project writes its output into."""


@dataclass(frozen=True)
class InputFolder:
    """The input folder a run reads, and what in it the run reads: every entry under ``root`` is either
    read as an article (its name matches one of ``patterns``, whatever its case), or recorded with the
    reason it is not (``not_read``), or is the project's own (never listed: fetch records and state,
    output folders, the warehouse and its companions when ``warehouse`` lies inside the input)."""

    root: Path
    patterns: tuple[str, ...]
    warehouse: Path | None
    # Folders this deep are recorded, not walked (the max_folder_depth setting): a walk without a bound
    # is what a hostile tree of 1,500 levels broke (RecursionError in rglob).
    max_depth: int

    @classmethod
    def of(cls, root: Path, file_glob: str, warehouse: Path | None, max_depth: int) -> "InputFolder":
        patterns = tuple(p.strip().lower() for p in file_glob.split(",") if p.strip())
        return cls(Path(root), patterns, warehouse, max_depth)

    def is_article_name(self, name: str) -> bool:
        lowered = name.lower()
        return any(fnmatch.fnmatchcase(lowered, p) for p in self.patterns)

    def is_own(self, folder: str, name: str, is_dir: bool) -> bool:
        """Whether the entry ``name`` of ``folder`` (an OS path) is the project's own, never input."""
        if is_dir:
            return name == FETCH_STATE_DIR or os.path.lexists(os.path.join(folder, name, OUTPUT_MARKER))
        # A fetch's download being written is named .<name>.part (flows/fetch.py).
        if name.endswith(SIDECAR_SUFFIX) or name == OUTPUT_MARKER or (name.startswith(".") and name.endswith(".part")):
            return True
        db = self.warehouse
        return db is not None and folder == str(db.parent) and (name == db.name or name.startswith(db.name + "."))

    def walk(self) -> list[str]:
        """Every entry to record, as stored paths, sorted: the files whose names match (links and special
        files too: reading them records why they are not loaded), and, with their reasons, the other
        files, the hidden folders, the folders too deep to walk and those that cannot be listed.
        Walked with a stack, never by recursion, to at most ``max_depth`` levels."""
        if os.path.lexists(self.root / OUTPUT_MARKER):
            raise IsOutputFolder(f"the input folder {self.root} holds ofsted-watch's own output (a report or an export, marked "
                                 f"{OUTPUT_MARKER}); nothing was read or marked missing. Give --input the folder of articles "
                                 "and --report or --out another folder")
        out = []
        stack = [(str(self.root), 0)]
        while stack:
            folder, depth = stack.pop()
            try:
                with os.scandir(folder) as entries:
                    listed = [(e.name, _is_dir(e)) for e in entries]
            except OSError:
                if depth == 0:
                    raise  # the input folder itself: nothing can be said about its files
                out.append(escape_path(folder))  # not_read says why
                continue
            for name, is_dir in listed:
                if self.is_own(folder, name, is_dir):
                    continue
                path = os.path.join(folder, name)
                if is_dir and not name.startswith(".") and depth + 1 < self.max_depth:
                    stack.append((path, depth + 1))
                else:
                    out.append(escape_path(path))
        return sorted(out)

    def not_read(self, path: str, lstat: os.stat_result | None = None) -> str | None:
        """Why the listed entry at ``path`` (an OS path) is not read whatever it holds, or None for a
        would-be article (check_entry then looks at what it is). ``lstat``: the entry's, when known."""
        name = os.path.basename(path)
        try:
            is_dir = stat.S_ISDIR((lstat or os.lstat(path)).st_mode)
        except OSError:
            is_dir = False
        if is_dir:
            if name.startswith("."):
                return "hidden folder: not read (only visible folders under the input folder are read)"
            depth = len(Path(path).relative_to(self.root).parts)
            if depth >= self.max_depth:
                return (f"folder nested {depth} levels under the input folder, deeper than the {self.max_depth} read "
                        "(max_folder_depth): its contents are not read")
            try:
                os.scandir(path).close()
            except OSError as err:
                return f"could not list the folder: {err.strerror or err}: its contents are not read"
        if not self.is_article_name(name):
            return (f"not an article by its name (read are {', '.join(self.patterns)}, in any case): not read"
                    if not is_dir else "a folder, not a regular file: not read")
        return None


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


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


def check_entry(path: str, input_dir: Path, lstat: os.stat_result | None = None) -> tuple[os.stat_result | None, str | None]:
    """(stat of what would be read, None) for a regular file or a link to one inside ``input_dir``;
    (stat or None, reason) for anything the ingest must not read. ``path`` is an OS path; ``lstat``
    its lstat, when the caller has it."""
    st = lstat or os.lstat(path)
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
