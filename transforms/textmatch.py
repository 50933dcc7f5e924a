"""Text folding shared by the extractors and the keys."""

from __future__ import annotations

import re


def fold(text: str) -> str:
    """Lower case, one apostrophe style, single spaces: how names and aliases are compared."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()
