"""Where the project may write its outputs (query and export results, the quality report): one guard
that every output goes through before a byte is written, and the record that proves a file is one.

An output may never be the warehouse or a file the run keeps beside it (working copy, lock note, its
records), never the input folder or anything inside one (the ingest would read it back as an article),
and never overwrite a file the project did not write. What the project wrote is recorded, per folder,
in ``.ofsted-watch-outputs.json`` (file name -> SHA-256 of the bytes written): a file is the project's
to overwrite while its bytes are still those. A file someone changed or made is refused with a message.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from warehouse.session import OperationError, lock_path, owner_path, wal_path, working_path

RECORD = ".ofsted-watch-outputs.json"
# The reports the quality flow wrote before outputs were recorded open with this: still the project's.
REPORT_OPENING = b'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Ofsted Watch data quality</title>'


class OutputRefused(OperationError):
    """An output path that is the warehouse, an input, or a file the project did not write."""


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _beside_warehouse(db_path: Path) -> set[Path]:
    db = _resolved(db_path)
    work = working_path(db)
    return {db, wal_path(db), lock_path(db), work, wal_path(work), owner_path(db)}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: Path, *, warehouse: Path, inputs: Iterable[Path] = (), writes: Iterable[str] | None = None,
                 option: str = "--out") -> None:
    """Refuses (OutputRefused, naming ``option``) an output that is, or would write, the warehouse or a file
    beside it, an input folder or anything in one, or a file the project did not write. ``writes``: the
    names a folder output writes into ``path``; None when ``path`` is itself the output file."""
    path = Path(path)
    target = _resolved(path)
    folders = [_resolved(p) for p in inputs if p]
    files = [target] if writes is None else [target / name for name in writes]
    guarded = _beside_warehouse(warehouse)
    for place in [target, *files]:
        if place in guarded or _same_file(place, warehouse):
            raise OutputRefused(f"{option} {path} is the warehouse {warehouse} or a file a run keeps beside it; writing there "
                                f"would destroy it. Nothing was written: give {option} another path.")
        for folder in folders:
            if place == folder or folder in place.parents:
                raise OutputRefused(f"{option} {path} is inside the input folder {folder}: the next ingest would read it as an "
                                    f"article. Nothing was written: give {option} a path outside the input folder.")
    if writes is not None and target.exists() and not target.is_dir():
        raise OutputRefused(f"{option} {path} is a file, not a folder; nothing was written: give {option} a folder")
    for place in files:
        if place.is_dir():
            raise OutputRefused(f"{option}: {place} is a folder; nothing was written: give {option} the path of a file")
        if os.path.lexists(place) and not is_project_output(place):
            raise OutputRefused(
                f"{option}: {place} exists and was not written by Ofsted Watch (or was changed since); it is left as it is and "
                f"nothing was written. Move it aside, or give {option} another path."
            )


def is_project_output(path: Path) -> bool:
    """Whether ``path`` holds exactly the bytes the project recorded writing there (or is a report of the
    project's from before outputs were recorded)."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return False
    recorded = _read_record(path.parent).get(path.name)
    try:
        if recorded is None:
            with open(path, "rb") as f:
                return path.suffix == ".html" and REPORT_OPENING in f.read(4096)
        return recorded == _sha256(path)
    except OSError:
        return False


def record_output(path: Path) -> None:
    """Notes that the project wrote ``path`` as it now is (call once the file is in place)."""
    path = Path(path)
    entries = _read_record(path.parent)
    entries[path.name] = _sha256(path)
    record = path.parent / RECORD
    tmp = record.with_name(record.name + ".tmp")
    tmp.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, record)


def write_output(path: Path, data: bytes) -> None:
    """Writes an output already checked by ``check_output``: whole (a reader never sees half), then recorded."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    record_output(path)


def _read_record(folder: Path) -> dict[str, str]:
    try:
        entries = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def recorded_inputs(con) -> list[Path]:
    """The input folders a warehouse's runs have read (etl_run.input_dir), from an open connection."""
    try:
        rows = con.sql("SELECT DISTINCT input_dir FROM etl_run WHERE input_dir IS NOT NULL").fetchall()
    except Exception:  # noqa: BLE001 - a warehouse without etl_run has recorded no input
        return []
    return [Path(r[0]) for r in rows]
