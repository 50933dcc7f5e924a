"""The briefing site written to a folder, never half-written: every file goes to a new folder beside
the target, which then takes the target's place in one rename (Linux's RENAME_EXCHANGE swaps the two
folders atomically; elsewhere the old folder is renamed aside first, so a reader sees the old site,
briefly no site, then the new one, never a mixture). A failure before the swap removes the new folder
and leaves the previous site as it was.

The previous site's state.json says what the last build knew, so the new one can tell what changed.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from transforms.hexmap import read_hexjson
from warehouse.session import OperationError, fault_point, require_warehouse
from warehouse.site_data import read_site_frames
from warehouse.site_pages import render_site

STATE_FILE = "state.json"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def build_site(db_path: Path, out_dir: Path, hexjson_path: Path, memory_limit: str,
               extra_files: dict[str, str] | None = None) -> dict:
    """Reads the warehouse, renders every page and publishes the folder with ``extra_files`` (the caller's
    own, e.g. the marker that keeps an output folder from being read as input); returns what it wrote."""
    started = time.perf_counter()
    require_warehouse(db_path)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OperationError(f"{out_dir} is a file, not a folder: give --out a folder for the site (nothing was written)")
    layout, hexes = read_hexjson(hexjson_path)
    frames = read_site_frames(db_path, memory_limit)
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    files, state = render_site(frames, layout, hexes, read_state(out_dir), generated)
    files[STATE_FILE] = json.dumps(state, sort_keys=True) + "\n"
    files.update(extra_files or {})
    publish_folder(files, out_dir)
    return {"site_dir": str(out_dir), "files": len(files), "authority_pages": sum(1 for p in files if p.startswith("la/")),
            "seconds": round(time.perf_counter() - started, 2)}


def read_state(out_dir: Path) -> dict | None:
    """The previous build's state, or None when there is none or it cannot be read (then no changes are claimed)."""
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def publish_folder(files: dict[str, str], out_dir: Path) -> None:
    """Writes ``files`` (relative path -> text) into a new folder beside ``out_dir`` and swaps it in."""
    parent = out_dir.resolve().parent if out_dir.exists() else out_dir.parent.resolve()
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / out_dir.name
    new = parent / f".{out_dir.name}.next-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    new.mkdir()
    try:
        for rel, text in files.items():
            path = new / rel
            if new.resolve() not in path.resolve().parents:
                raise OperationError(f"refusing to write {rel!r} outside the site folder")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        fault_point("site_before_swap")
        _swap_in(new, target)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    shutil.rmtree(new, ignore_errors=True)  # after an exchange it holds the previous site


def _swap_in(new: Path, target: Path) -> None:
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    aside = target.with_name(f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    os.rename(target, aside)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swaps two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))
