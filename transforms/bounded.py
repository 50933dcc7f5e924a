"""Parsers of untrusted bytes (web pages, PDFs, feeds) run in a child process, under a time and a memory
bound, so that no document can kill or hang the run that reads it.

A PDF whose stream is a decompression bomb, a page that sends lxml into a loop, a feed that needs
gigabytes: each is the parser's problem, not the run's. ``bounded_map`` hands the documents one at a
time to a child process (forked from the run's process, so it has the parsers imported already: a
document costs a message, not an import; the child runs only the parser, never the run's threads),
waits at most ``seconds`` for each, and sets the child's address-space limit to what it holds plus
``memory_bytes`` before each. A breach (the time passed, a MemoryError, the child killed) becomes
that document's reason for rejection; the child is replaced and the next document goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from dataclasses import dataclass
from typing import Any, Callable, Iterable



@dataclass(frozen=True)
class ParseBounds:
    seconds: float = 60.0
    memory_bytes: int = 1 << 30


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _serve(conn, parent_end, func: Callable, memory_bytes: int) -> None:
    """The child: parse each item sent, send back ("ok", result), ("error", text) or ("memory", None)."""
    parent_end.close()  # forked with both ends open: holding the parent's, it would never see the parent close
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    while True:
        try:
            item = conn.recv()
        except EOFError:
            break
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        try:
            answer = ("ok", func(*item))
        except MemoryError:
            answer = ("memory", None)
        except Exception as err:  # noqa: BLE001 - any parser failure is the document's, reported as its reason
            answer = ("error", f"{type(err).__name__}: {err}")
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        conn.send(answer)
        if answer[0] == "memory":
            break  # a process that ran out of memory is not trusted with the next document
    conn.close()
    os._exit(0)  # no exit handlers: they belong to the run's process this one was forked from


class _Child:
    def __init__(self, func: Callable, bounds: ParseBounds):
        ctx = multiprocessing.get_context("fork")  # forkserver and spawn would run the caller's __main__ again
        self.conn, child_end = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child_end, self.conn, func, bounds.memory_bytes), daemon=True)
        self.proc.start()
        child_end.close()

    def stop(self, kill: bool = False) -> None:
        if kill and self.proc.is_alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        self.conn.close()
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def bounded_map(func: Callable, items: Iterable[tuple], bounds: ParseBounds, what: str = "the document") -> list[tuple[Any, str | None]]:
    """``func(*item)`` for each item, in a child process under ``bounds``: (result, None), or (None, reason)."""
    items = list(items)
    out: list[tuple[Any, str | None]] = []
    child: _Child | None = None
    try:
        for item in items:
            if child is None:
                child = _Child(func, bounds)
            try:
                child.conn.send(item)
                if not child.conn.poll(bounds.seconds):
                    out.append((None, f"parsing {what} took more than {bounds.seconds:g} s (parse_timeout_seconds): stopped, not read"))
                    child.stop(kill=True)
                    child = None
                    continue
                status, payload = child.conn.recv()
            except (EOFError, OSError):  # the child died: killed for memory by the system, or crashed in C code
                child.proc.join(timeout=5)
                code = child.proc.exitcode
                out.append((None, f"the parser stopped on {what} (its process ended{'' if code is None else f' with {code}'}): not read"))
                child.stop(kill=True)
                child = None
                continue
            if status == "ok":
                out.append((payload, None))
            elif status == "memory":
                out.append((None, f"parsing {what} needed more than {bounds.memory_bytes / 2**20:,.0f} MB (parse_memory_bytes): stopped, not read"))
                child.stop()
                child = None
            else:
                out.append((None, f"{what} could not be parsed: {payload}"))
    finally:
        if child is not None:
            child.stop()
    return out
