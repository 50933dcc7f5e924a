"""One writer at a time, and readers that never block it or see half a load.

A run takes an exclusive lock, copies the warehouse to ``<db>.next``, does all its DuckDB work on
the copy, checks the copy, then atomically renames it over the warehouse. DuckDB's own file lock
stops a writer from opening a file another process holds, even read-only; the run never opens the
published file for writing (except to checkpoint a ``.wal`` a dead writer left, see
``settle_published``), so an analyst's read-only connection cannot make it fail, and that connection
keeps reading the state it opened (the old file) until it reconnects. Killed at any point before the
rename, a run leaves the warehouse exactly as it was; the next run discards the stale copy, once it has
proved the copy is one a run made (``<db>.next.owner`` records the copy's device and inode; a file of
that name it cannot prove is the project's is never removed, and the run refuses with a message).

The run lock is an ``flock`` on the warehouse's folder, not on a file: a lock file can be deleted
(``rm w.duckdb.lock``) while a run holds it, and the next run would then lock a new file and write
beside the first. A folder holding the warehouse cannot be removed under a running writer. Two
warehouses in one folder therefore take turns. ``<db>.lock`` is only a note of who holds the lock.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import signal
import stat
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from warehouse.sql_names import qualified_name, quote_name

FAULT_ENV = "OFSTED_WATCH_FAULT"
# Test hook: "<point>:<file>" makes the run wait at fault point <point> until <file> exists
# (it writes <file>.waiting when it starts waiting), so tests can act at a known moment of a run.
PAUSE_ENV = "OFSTED_WATCH_PAUSE"
DUCKDB_MAGIC = b"DUCK"
NOTE_EVERY_SECONDS = 30.0


class OperationError(RuntimeError):
    """A run refused or stopped for a reason an operator can act on; the message says what to do."""


class RunInProgress(OperationError):
    """Another run holds the warehouse's run lock."""


class WarehouseInUse(OperationError):
    """Another process holds the warehouse read-write, or changed it during the run."""


class WarehouseMissing(OperationError):
    """A command that reads the warehouse was given a path where there is none."""


class WarehouseDamaged(OperationError):
    """The warehouse (or the run's copy of it) is not a readable DuckDB file."""


class WorkingCopyLost(OperationError):
    """The run's working copy was removed or replaced by another process."""


class PublishRefused(OperationError):
    """The finished working copy failed a check; the warehouse is left as it was."""


class MemoryLimitReached(OperationError):
    """DuckDB needed more memory than the run's setting gives it; the warehouse is as it was, not damaged."""


def memory_message(db_path: Path, err: BaseException, doing: str) -> str:
    text = str(err).split("\n")[0].replace(str(working_path(db_path)), str(db_path))
    return (f"DuckDB reached the run's memory limit while {doing} ({text}). Nothing was published and {db_path} is as it "
            "was: it is not damaged. Give the run more memory (OFSTED_WATCH_DUCKDB_LOAD_MEMORY for an ingest, "
            "OFSTED_WATCH_DUCKDB_MEMORY for quality; e.g. 1GB) or smaller batches (--batch-size), then run again.")


def _is_out_of_memory(err: BaseException) -> bool:
    import duckdb

    return isinstance(err, duckdb.OutOfMemoryException) or (isinstance(err, duckdb.Error) and "out of memory" in str(err).lower())


class ForeignFile(OperationError):
    """A file where the run keeps its own (working copy, lock note) that the project did not make."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def working_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".next")


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def owner_path(db_path: Path) -> Path:
    """The record that proves ``<db>.next`` is a run's working copy: its device and inode."""
    return db_path.with_name(db_path.name + ".next.owner")


OWNER_HEADER = "ofsted-watch working copy"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _holders(folder: Path) -> str:
    """What the lock notes in the folder say (pid, since when, which warehouse), for messages."""
    notes = []
    for note in sorted(folder.glob("*.lock")):
        try:
            text = note.read_text(encoding="utf-8", errors="replace").split()
        except OSError:
            continue
        if text:
            notes.append(f"PID {text[0]}" + (f" since {text[1]}" if len(text) > 1 else "") + f" ({note.name})")
    return "; ".join(notes) or "no note left"


@contextmanager
def exclusive_run(db_path: Path, wait_seconds: float, notify: Callable[[str], None] | None = None):
    """Holds the run lock (an flock on the warehouse's folder); waits up to ``wait_seconds`` for
    another run to finish, saying so every 30 s, then gives up clearly."""
    notify = notify or _stderr
    folder = db_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    deadline = time.monotonic() + wait_seconds
    next_note = time.monotonic()
    note = lock_path(db_path)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                now = time.monotonic()
                if now >= deadline:
                    raise RunInProgress(
                        f"another Ofsted Watch run is writing {db_path} or a warehouse beside it (run lock on folder "
                        f"{folder} held: {_holders(folder)}); waited {wait_seconds:.0f}s. The warehouse is consistent; "
                        "try again when that run ends."
                    ) from None
                if now >= next_note:
                    notify(f"waiting for the run lock on {folder} (held: {_holders(folder)}); "
                           f"giving up in {deadline - now:.0f}s")
                    next_note = now + NOTE_EVERY_SECONDS
                time.sleep(0.2)
        started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            if not note.exists() or _is_lock_note(note, db_path):  # never overwrite a file someone else named so
                note.write_text(f"{os.getpid()} {started} {db_path.name}\n", encoding="utf-8")
        except OSError:
            pass  # the note is for people; the lock is the flock
        yield
    finally:
        try:
            if note.read_text(encoding="utf-8").split()[0] == str(os.getpid()):
                note.unlink()
        except (OSError, IndexError):
            pass
        os.close(fd)  # closing releases the lock; so does the process dying


def _small_text(path: Path) -> str | None:
    """The text of a small regular file (a note or record a run wrote), or None for anything else."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 4096:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _is_lock_note(note: Path, db_path: Path) -> bool:
    """Whether ``note`` is a lock note a run wrote: "<pid> <UTC time> <warehouse name>", one line."""
    text = _small_text(note)
    words = text.split() if text is not None else []
    return len(words) == 3 and words[0].isdigit() and words[2] == db_path.name and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]{8}Z", words[1]) is not None


@dataclass
class _Copy:
    """What a run knows of its working copy, to check it before publishing."""

    identity: tuple[int, int]
    articles_at_start: int
    published_signature: tuple | None


_copies: dict[Path, _Copy] = {}
# A run's read-write connection to its working copy: opened by the run's first write (loader.connect)
# and held until the copy is published or discarded, every task working through a cursor of it. A
# connection a task opened and closed cost a catalogue load each time, and closing a file's last
# connection checkpoints it: every batch recompressed the growing tables' last row groups (measured at
# 10,000 articles in 10 batches: 10.3 s of CPU and a 342 MB file; held, 6.6 s and 254 MB).
_held: dict[Path, object] = {}


def is_working_copy(path: Path) -> bool:
    """Whether ``path`` is a working copy this process made and still holds (see ``begin``)."""
    return Path(path) in _copies


def held_connection(work: Path):
    """The run's held connection to its working copy ``work``, or None."""
    return _held.get(Path(work))


def hold(work: Path, con) -> None:
    _held[Path(work)] = con


def release(work: Path) -> None:
    """Closes the held connection to ``work`` (DuckDB checkpoints on closing it), if there is one."""
    con = _held.pop(Path(work), None)
    if con is not None:
        con.close()


def _signature(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def check_is_warehouse(db_path: Path) -> None:
    """Refuses a path that is a folder, or a file that is not a DuckDB database, naming it."""
    if db_path.is_dir():
        raise WarehouseDamaged(f"{db_path} is a folder, not a warehouse file; give --db the path of a .duckdb file")
    try:
        with open(db_path, "rb") as f:
            header = f.read(12)
    except FileNotFoundError:
        return
    if len(header) < 12 or header[8:12] != DUCKDB_MAGIC:
        raise WarehouseDamaged(
            f"{db_path} is not a DuckDB warehouse (its first bytes are not a DuckDB header"
            f"{', it is empty' if not header else ''}). Check --db; nothing was changed."
        )


def require_warehouse(db_path: Path) -> None:
    """For commands that only read an existing warehouse: refuse a missing or foreign file."""
    if not db_path.exists():
        raise WarehouseMissing(f"there is no warehouse at {db_path}; check --db (nothing was created), or run "
                               "`ofsted-watch ingest --db ...` first to build one")
    check_is_warehouse(db_path)


def _duckdb_error(path: Path, err: Exception, user_path: Path | None = None) -> str:
    text = str(err)
    if user_path is not None:
        text = text.replace(str(path), str(user_path))
    return text


def settle_published(db_path: Path, wait_seconds: float = 0.0, notify: Callable[[str], None] | None = None) -> None:
    """Before a run copies the warehouse: no other process may hold it read-write, and a ``.wal`` a
    writer left behind is checkpointed into it (what DuckDB does on the next read-write open), so the
    copy carries that writer's committed changes instead of silently dropping them."""
    import duckdb

    notify = notify or _stderr
    check_is_warehouse(db_path)
    if not db_path.exists():
        return
    deadline = time.monotonic() + wait_seconds
    next_note = time.monotonic()
    while True:
        has_wal = wal_path(db_path).exists()
        try:
            con = duckdb.connect(str(db_path), read_only=not has_wal)
        except duckdb.IOException as err:
            if "lock" not in str(err).lower():
                raise WarehouseDamaged(_damaged_message(db_path, err)) from err
            now = time.monotonic()
            if now >= deadline:
                if has_wal and not _held_read_write(db_path):
                    raise WarehouseInUse(
                        f"{wal_path(db_path)} holds changes a writer committed and never checkpointed, and another process "
                        f"holds {db_path} open ({err}); nothing was done. Close it and run again: the run will checkpoint them."
                    ) from None
                raise WarehouseInUse(
                    f"another process holds the warehouse {db_path} read-write ({err}). A run would lose its changes: "
                    "nothing was done. Close that connection (analysts: open the warehouse with read_only=True) and run again."
                ) from None
            if now >= next_note:
                notify(f"waiting for the process holding {db_path} read-write to close it ({err}); "
                       f"giving up in {deadline - now:.0f}s")
                next_note = now + NOTE_EVERY_SECONDS
            time.sleep(0.5)
            continue
        except duckdb.Error as err:
            raise WarehouseDamaged(_damaged_message(db_path, err)) from err
        try:
            if has_wal:
                con.execute("CHECKPOINT")
                notify(f"{wal_path(db_path)} held changes a process wrote and never checkpointed; they are now part of the warehouse")
        finally:
            con.close()
        return


def _held_read_write(db_path: Path) -> bool:
    """Whether a writer (DuckDB's exclusive lock) holds the file, rather than only readers."""
    import duckdb

    try:
        duckdb.connect(str(db_path), read_only=True).close()
    except duckdb.IOException as err:
        return "lock" in str(err).lower()
    except duckdb.Error:
        return False
    return False


def refused_setting(err: Exception) -> None:
    """Raises an OperationError when DuckDB refused what it was told to use (a memory limit it cannot
    parse) rather than what it read: a setting error, never to be reported as a damaged warehouse."""
    import duckdb

    if isinstance(err, (duckdb.ParserException, duckdb.InvalidInputException)):
        raise OperationError(f"DuckDB refused a setting the run gave it ({str(err).splitlines()[0]}); check the DuckDB "
                             "memory settings (OFSTED_WATCH_DUCKDB_MEMORY, OFSTED_WATCH_DUCKDB_LOAD_MEMORY). The warehouse "
                             "was not changed.") from err


def _damaged_message(db_path: Path, err: Exception | str) -> str:
    if "WAL" in str(err):
        return (f"{wal_path(db_path)} does not belong to {db_path} ({err}): it was left by a process that wrote to an "
                f"earlier file. Nothing was done. Move it aside (mv {wal_path(db_path)} {wal_path(db_path)}.orphan) to open the warehouse.")
    return (f"the warehouse {db_path} cannot be read: {err}. It may be truncated or damaged; nothing was changed. "
            "Restore it from a backup, or move it aside and run the ingest again to rebuild it from the input folder.")


DAMAGE_SIGNS = ("could not read enough bytes", "corrupt", "checksum", "not a valid duckdb", "database file")


def explain_copy_error(db_path: Path, err: BaseException) -> BaseException:
    """A DuckDB error met while working on the copy names the user's warehouse, not ``<db>.next``:
    a damaged copy means a damaged warehouse; running out of DuckDB's memory limit is said to be that.
    Other errors (a full disk) are returned as they are."""
    import duckdb

    if _is_out_of_memory(err):  # a setting too small, never a damaged warehouse
        return MemoryLimitReached(memory_message(db_path, err, "working on the run's copy"))
    if isinstance(err, duckdb.Error) and any(sign in str(err).lower() for sign in DAMAGE_SIGNS):
        text = str(err).replace(str(working_path(db_path)), str(db_path))
        return WarehouseDamaged(_damaged_message(db_path, text))
    return err


@contextmanager
def discard_on_failure(db_path: Path, record_failure: Callable[[BaseException], None] | None = None):
    """The body of a run that works on a copy of ``db_path``: on any error (Ctrl-C too) the working copy
    is discarded, the traceback's frames, which hold the run's closed DuckDB connections, are freed,
    ``record_failure`` is told (best effort; use it under the run lock) and the error is raised again,
    a damaged copy being reported as the damaged warehouse it was copied from."""
    try:
        yield
    except BaseException as err:
        discard(db_path)
        traceback.clear_frames(err.__traceback__)
        explained = explain_copy_error(db_path, err)
        if record_failure is not None:
            try:
                record_failure(explained)
            except BaseException as record_err:  # noqa: BLE001 - the run's own error is the one to show
                _stderr(f"could not record the failed run in {db_path}: {record_err}")
        if explained is not err:
            raise explained from err
        raise


def begin(db_path: Path, wait_seconds: float = 0.0, notify: Callable[[str], None] | None = None, *, memory_limit: str) -> Path:
    """A fresh working copy of the warehouse (a new empty database when there is none yet). Call under
    the run lock. A stale copy a dead run left is removed once proved a run's (``remove_stale_copy``).
    A copy that fails (disk full) is removed and the first error is raised.
    ``memory_limit``: DuckDB's buffer pool for the checks of the copy."""
    import duckdb

    work = working_path(db_path)
    _release_quietly(work)  # a connection an earlier run of this process failed to give back
    remove_stale_copy(db_path)
    settle_published(db_path, wait_seconds, notify)
    published = _signature(db_path)
    try:
        _create_owned(db_path, work)
        if db_path.exists():
            _copy_into(db_path, work)
            keep_access(db_path, work)  # the copy is never more open than the warehouse it replaces
        else:  # the only place a new warehouse is made: an empty database, made aside, copied into the owned file
            with tempfile.TemporaryDirectory() as folder:
                empty = Path(folder) / "new.duckdb"
                duckdb.connect(str(empty)).close()
                _copy_into(empty, work)
        articles = _count_articles(work, db_path, memory_limit)
    except BaseException as err:
        discard(db_path)
        if isinstance(err, OSError):
            raise OperationError(f"could not make the working copy {work} of {db_path}: {err}. The warehouse is unchanged "
                                 "and the partial copy was removed.") from err
        raise
    st = os.stat(work)
    _copies[work] = _Copy((st.st_dev, st.st_ino), articles, published)
    return work


def _create_owned(db_path: Path, work: Path) -> None:
    """Creates ``work`` empty (never over an existing file) and records its identity in the owner file
    before a byte is copied, so that a run killed mid-copy leaves a copy the next run can prove is a run's."""
    fd = os.open(work, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        st = os.fstat(fd)
    finally:
        os.close(fd)
    _copies[work] = _Copy((st.st_dev, st.st_ino), 0, None)  # registered at once: a failure now removes it
    owner = owner_path(db_path)
    tmp = owner.with_name(owner.name + ".tmp")
    tmp.write_text(f"{OWNER_HEADER}\n{db_path.name}\n{st.st_dev}:{st.st_ino}\n", encoding="utf-8")
    os.replace(tmp, owner)


def _copy_into(source: Path, work: Path) -> None:
    """The warehouse's bytes into the (empty, owned) working copy, by the kernel where it can."""
    with open(source, "rb") as src, open(work, "r+b") as dst:
        size, offset = os.fstat(src.fileno()).st_size, 0
        while offset < size:
            sent = os.sendfile(dst.fileno(), src.fileno(), offset, min(size - offset, 1 << 30))
            if sent == 0:
                break
            offset += sent
        dst.truncate(offset)


def _owned_identity(db_path: Path) -> tuple[int, int] | None:
    """The (device, inode) the owner record gives for ``<db>.next``, or None when there is no valid record."""
    text = _small_text(owner_path(db_path))
    lines = text.splitlines() if text is not None else []
    if len(lines) != 3 or lines[0] != OWNER_HEADER or lines[1] != db_path.name:
        return None
    dev, _, ino = lines[2].partition(":")
    return (int(dev), int(ino)) if dev.isdigit() and ino.isdigit() else None


def _is_run_copy(db_path: Path) -> bool:
    """Whether ``<db>.next`` (and its .wal) is proved a run's: the owner record names its inode, or (a copy
    made before owner records) it is a DuckDB file holding the project's schema_version and raw_file."""
    import duckdb

    work = working_path(db_path)
    identity = _owned_identity(db_path)
    try:
        st = os.lstat(work)
    except FileNotFoundError:
        return identity is not None  # a .wal left alone: its copy's record must be there
    if identity is not None:
        return (st.st_dev, st.st_ino) == identity
    if not os.path.isfile(work) or os.path.islink(work) or wal_path(work).exists():
        return False
    try:
        with open(work, "rb") as f:
            if f.read(12)[8:12] != DUCKDB_MAGIC:
                return False
        con = duckdb.connect(str(work), read_only=True)
        try:
            found = {r[0] for r in con.sql("SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                                          "WHERE database_name = current_database()").fetchall()}
        finally:
            con.close()
    except (OSError, duckdb.Error):
        return False
    return {"main.schema_version", "raw.raw_file"} <= found


def remove_stale_copy(db_path: Path) -> None:
    """Removes the working copy (and its .wal and owner record) a dead run left, once proved a run's;
    refuses, removing nothing, when something else sits where the run keeps its copy."""
    work, owner = working_path(db_path), owner_path(db_path)
    present = [p for p in (work, wal_path(work)) if os.path.lexists(p)]
    if not present:
        if _owned_identity(db_path) is not None:
            owner.unlink(missing_ok=True)
        elif os.path.lexists(owner):
            raise ForeignFile(f"{owner} exists and is not a record Ofsted Watch wrote; a run keeps its own record there. "
                              f"Move that file aside or give --db another name. Nothing was changed.")
        return
    if not _is_run_copy(db_path):
        names = " and ".join(str(p) for p in present)
        raise ForeignFile(
            f"{names} {'is' if len(present) == 1 else 'are'} not a working copy Ofsted Watch made, and a run keeps its copy of "
            f"{db_path} there. Nothing was changed or removed: move {'it' if len(present) == 1 else 'them'} aside, or give "
            "--db another name."
        )
    for path in (*present, owner):
        path.unlink(missing_ok=True)


def _read_only(path: Path, memory_limit: str):
    import duckdb

    return duckdb.connect(str(path), read_only=True, config={"memory_limit": memory_limit})


def _count_articles(work: Path, db_path: Path, memory_limit: str) -> int:
    import duckdb

    try:
        con = _read_only(work, memory_limit)
    except duckdb.Error as err:
        refused_setting(err)
        raise WarehouseDamaged(_damaged_message(db_path, err).replace(str(work), str(db_path))) from err
    try:
        held = con.sql("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'dim_article'").fetchall()[0][0]
        return con.sql("SELECT count(*) FROM dim_article").fetchall()[0][0] if held else 0
    finally:
        con.close()


def check_working_copy(path: Path) -> None:
    """A registered working copy must still be the file the run made: never let DuckDB create it anew."""
    copy = _copies.get(Path(path))
    if copy is None:
        return
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise WorkingCopyLost(f"the run's working copy {path} was removed by another process (was the run lock "
                              "defeated?); nothing was published and the warehouse is unchanged") from None
    if (st.st_dev, st.st_ino) != copy.identity:
        raise WorkingCopyLost(f"the run's working copy {path} was replaced by another process (was the run lock "
                              "defeated?); nothing was published and the warehouse is unchanged")


def _reads(columns: list[str]) -> str:
    """What reading a table back selects: every value of every column, folded into two numbers (the same
    two for every table, so that several tables can be read in one UNION ALL)."""
    return f"count(*), hash({', '.join(f'bit_xor(hash({quote_name(c)}))' for c in columns)})"


def _read_back(con, table: str, columns: list[str]) -> None:
    """Reads every value of ``table`` once. A table of long texts can need more memory in one pass than
    the run's limit allows (DuckDB reads a vector of 2,048 rows at a time) even though each text fitted
    when it was loaded; then it is read again by halves of its rowid range, down to one row, so that a
    warehouse which has grown past the limit is still checked rather than called unpublishable."""
    reads = _reads(columns)
    try:
        con.sql(f"SELECT {reads} FROM {table}").fetchall()
        return
    except Exception as err:
        if not _is_out_of_memory(err):
            raise
    low, high = con.sql(f"SELECT min(rowid), max(rowid) FROM {table}").fetchall()[0]
    ranges = [(low, high)]
    while ranges:
        first, last = ranges.pop()
        try:
            con.execute(f"SELECT {reads} FROM {table} WHERE rowid BETWEEN ? AND ?", [first, last]).fetchall()
        except Exception as err:
            if not _is_out_of_memory(err) or first == last:
                raise
            middle = (first + last) // 2
            ranges += [(middle + 1, last), (first, middle)]


# Tables under this many rows are read back in one statement (see _read_back_together).
SMALL_TABLE_ROWS = 50_000


def _read_back_together(con, tables: list[tuple[str, list[str]]]) -> None:
    """``_read_back`` of several tables in one statement: a small run's check was mostly the set-up of two
    queries a table, some fifty tables. Should the statement run out of memory, each table is read again
    on its own, as _read_back does."""
    try:
        con.sql(" UNION ALL ".join(f"SELECT {_reads(columns)} FROM {table}" for table, columns in tables)).fetchall()
        return
    except Exception as err:
        if not _is_out_of_memory(err):
            raise
    for table, columns in tables:
        _read_back(con, table, columns)


def verify(work: Path, db_path: Path, memory_limit: str) -> int:
    """Reads every column of every table of the finished copy back (DuckDB checks each block's checksum
    as it reads it) and returns its article count. A damaged copy is never published."""
    import duckdb

    try:
        con = _read_only(work, memory_limit)
    except duckdb.Error as err:
        raise PublishRefused(f"the finished working copy of {db_path} cannot be opened ({err}); nothing was published") from err
    try:
        # Users' own tables are read too: their names may hold anything, so they are quoted.
        tables = con.sql(
            "SELECT t.schema_name, t.table_name, t.estimated_size, list(c.column_name ORDER BY c.column_index) "
            "FROM duckdb_tables() t JOIN duckdb_columns() c USING (database_name, schema_name, table_name) "
            "WHERE t.database_name = current_database() GROUP BY ALL ORDER BY ALL").fetchall()
        small = [(qualified_name(schema, table), columns) for schema, table, rows, columns in tables if rows < SMALL_TABLE_ROWS]
        if small:
            _read_back_together(con, small)
        for schema, table, rows, columns in tables:
            if rows >= SMALL_TABLE_ROWS:
                _read_back(con, qualified_name(schema, table), columns)
        return con.sql("SELECT count(*) FROM dim_article").fetchall()[0][0]
    except duckdb.Error as err:
        if _is_out_of_memory(err):
            raise MemoryLimitReached(memory_message(db_path, err, "reading the finished copy back to check it")) from err
        raise PublishRefused(
            f"the run's copy of {db_path} is damaged ({err}); nothing was published. The copy was made from {db_path}, "
            "which is probably damaged too: restore it from a backup, or move it aside and run the ingest again to "
            "rebuild it from the input folder."
        ) from err
    finally:
        con.close()


def publish(db_path: Path, work: Path, articles_released: int = 0, *, memory_limit: str) -> None:
    """Checks the finished working copy and atomically replaces the warehouse with it.

    Refused (the warehouse left as it was) when the copy is not the file the run made, is damaged,
    holds fewer articles than it started with beyond the ``articles_released`` the run deleted on
    purpose, or when another process changed or holds the warehouse read-write since the run began.
    """
    from warehouse.loader import connect  # the loader imports this module

    check_working_copy(work)
    # The checkpoint of a growing warehouse fills whatever buffer pool it is given.
    con = connect(work, memory_limit=memory_limit)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    release(work)  # the copy is read back and renamed with no connection to it open
    fault_point("before_swap")
    copy = _copies.get(work)
    articles = verify(work, db_path, memory_limit)
    if copy is not None:
        check_working_copy(work)
        if articles < copy.articles_at_start - articles_released:
            raise PublishRefused(
                f"refusing to publish: the run's copy of {db_path} holds {articles} articles, the warehouse held "
                f"{copy.articles_at_start} and the run replaced or retired only {articles_released}; the warehouse is unchanged"
            )
        if _signature(db_path) != copy.published_signature:
            raise WarehouseInUse(
                f"{db_path} was changed by another process during this run; publishing would throw that change away, so "
                "nothing was published. Analysts must open the warehouse read-only; run again."
            )
    if wal_path(db_path).exists():
        raise WarehouseInUse(f"another process is writing {db_path} ({wal_path(db_path)} appeared during this run); publishing "
                             "would throw its changes away, so nothing was published. Analysts must open the warehouse read-only.")
    settle_published(db_path)  # a read-write holder without a .wal yet: refuse as well
    keep_access(db_path, work)
    with open(work, "rb") as f:
        os.fsync(f.fileno())
    os.replace(work, db_path)
    _copies.pop(work, None)
    owner_path(db_path).unlink(missing_ok=True)
    dir_fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def keep_access(published: Path, work: Path) -> None:
    """The copy that replaces ``published`` gets its permission bits, group and owner (as far as this
    process may give them): a warehouse kept private (0600) or shared with a group stays so after a run."""
    try:
        st = os.stat(published)
    except FileNotFoundError:
        return
    os.chmod(work, stat.S_IMODE(st.st_mode))
    for uid in (st.st_uid, -1):  # only root may give a file away; anyone may give it a group they are in
        try:
            os.chown(work, uid, st.st_gid)
            return
        except PermissionError:
            continue


def discard(db_path: Path) -> None:
    """Removes this process's working copy of ``db_path`` (its .wal and owner record too); a file there
    that this process did not make is left alone (``remove_stale_copy`` deals with a dead run's)."""
    work = working_path(db_path)
    _release_quietly(work)
    copy = _copies.pop(work, None)
    if copy is None:
        return
    try:
        st = os.lstat(work)
        if (st.st_dev, st.st_ino) == copy.identity:
            work.unlink()
    except FileNotFoundError:
        pass
    wal_path(work).unlink(missing_ok=True)
    if _owned_identity(db_path) == copy.identity:
        owner_path(db_path).unlink(missing_ok=True)


def _release_quietly(work: Path) -> None:
    """``release`` for a copy about to be thrown away: an error closing it (the failure that ended the
    run, again) must not hide the run's own."""
    try:
        release(work)
    except Exception:  # noqa: BLE001
        pass


def fault_point(name: str) -> None:
    """Crash-test hooks: with OFSTED_WATCH_FAULT=<name>, the process kills itself here with SIGKILL;
    with OFSTED_WATCH_PAUSE=<name>:<file>, it waits here until <file> exists."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    pause = os.environ.get(PAUSE_ENV, "")
    if pause.startswith(name + ":"):
        resume = Path(pause[len(name) + 1:])
        Path(str(resume) + ".waiting").touch()
        deadline = time.monotonic() + 300
        while not resume.exists() and time.monotonic() < deadline:
            time.sleep(0.1)


def roll_back(con, err: BaseException) -> None:
    """ROLLBACK after ``err``, keeping ``err`` the one shown: after a failed write (disk full) DuckDB
    may have ended the transaction itself, and ROLLBACK fails with "no transaction is active"."""
    try:
        con.execute("ROLLBACK")
    except Exception as rollback_err:  # noqa: BLE001
        err.add_note(f"(the rollback that followed also failed: {rollback_err})")
