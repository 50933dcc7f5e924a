"""One writer at a time, and readers that never block it or see half a load.

A run takes an exclusive lock (``<db>.lock``), copies the warehouse to ``<db>.next``, does all its
DuckDB work on the copy, then atomically renames the copy over the warehouse. DuckDB's own file
lock stops a writer from opening a file another process holds, even read-only; the run never opens
the published file, so an analyst's open connection cannot make it fail, and that connection keeps
reading the state it opened (the old file) until it reconnects. Killed at any point before the
rename, a run leaves the warehouse exactly as it was; the next run discards the stale copy.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import time
from contextlib import contextmanager
from pathlib import Path

FAULT_ENV = "OFSTED_WATCH_FAULT"


class RunInProgress(RuntimeError):
    """Another run holds the warehouse's run lock."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def working_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".next")


@contextmanager
def exclusive_run(db_path: Path, wait_seconds: float):
    """Holds the run lock; waits up to ``wait_seconds`` for another run to finish, then gives up clearly."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise RunInProgress(
                        f"another Ofsted Watch run is writing {db_path} (lock {lock_path(db_path)} held); "
                        f"waited {wait_seconds:.0f}s. The warehouse is consistent; try again when that run ends."
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock; so does the process dying


def begin(db_path: Path) -> Path:
    """A fresh working copy of the warehouse (an empty path when there is none yet). Call under the run lock."""
    work = working_path(db_path)
    for stale in (work, work.with_name(work.name + ".wal")):
        stale.unlink(missing_ok=True)
    if db_path.exists():
        shutil.copyfile(db_path, work)
    return work


def publish(db_path: Path, work: Path) -> None:
    """Atomically replaces the warehouse with the finished working copy."""
    from warehouse.loader import connect_for_load  # the loader imports this module

    con = connect_for_load(work)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    fault_point("before_swap")
    with open(work, "rb") as f:
        os.fsync(f.fileno())
    os.replace(work, db_path)
    dir_fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def discard(db_path: Path) -> None:
    for path in (working_path(db_path), working_path(db_path).with_name(working_path(db_path).name + ".wal")):
        path.unlink(missing_ok=True)


def fault_point(name: str) -> None:
    """Crash-test hook: with OFSTED_WATCH_FAULT=<name>, the process kills itself here with SIGKILL."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
