"""What this process's runs have published, kept outside Prefect's bookkeeping.

A flow's return value reaches its caller only after Prefect has recorded the flow run's end with its
API. If the API dies after the warehouse was published, or a later step (the quality report) fails,
the caller must still be able to say what was published: flows record it here the moment it is.
"""

from __future__ import annotations

published: dict[str, dict] = {}


def reset() -> None:
    published.clear()


def record(kind: str, summary: dict) -> None:
    published[kind] = summary
