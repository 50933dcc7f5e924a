"""Progress of long runs: a live line on a terminal, Prefect log lines otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, logger, every_seconds: float = 0.5, log_every_share: float = 0.1):
        self.label, self.total, self.logger = label, total, logger
        self.done = self.bytes = 0
        self.started = self.last = time.perf_counter()
        self.every, self.log_step = every_seconds, max(1, int(total * log_every_share))
        self.next_log = self.log_step
        self.tty = sys.stderr.isatty()

    def line(self) -> str:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        mb = self.bytes / 1e6
        return f"{self.label}: {self.done:,}/{self.total:,} files, {mb:,.1f} MB, {self.done / elapsed:,.0f} files/s, {mb / elapsed:,.1f} MB/s"

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        self.done += files
        self.bytes += nbytes
        now = time.perf_counter()
        if self.tty and now - self.last >= self.every:
            sys.stderr.write("\r" + self.line())
            sys.stderr.flush()
            self.last = now
        elif not self.tty and self.done >= self.next_log and self.total >= 100:
            self.logger.info(self.line())
            self.next_log += self.log_step

    def finish(self) -> None:
        if self.tty and self.total:
            sys.stderr.write("\r" + self.line() + "\n")
            sys.stderr.flush()
        elif self.total:
            self.logger.info(self.line())
