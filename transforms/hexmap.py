"""The hex map of England's 153 children's-services authorities: a HexJSON layout read into positions.

The layout (seeds/reference/england_upper_tier_authorities.hexjson) is Open Innovations' (ODI Leeds)
upper-tier map brought to the 2025 authorities; seeds/reference/README.md says what was changed.
HexJSON's offset layouts ("odd-r", "even-r", "odd-q", "even-q") shift every other row or column by
half a hex; `r` grows northwards, so the top of the drawing is the largest `r`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl

LAYOUTS = ("odd-r", "even-r", "odd-q", "even-q")
POSITION_SCHEMA = {"ons_code": pl.String, "hex_name": pl.String, "x": pl.Float64, "y": pl.Float64}


def read_hexjson(path: Path) -> tuple[str, pl.DataFrame]:
    """The layout name and one row per hex (ons_code, hex_name, q, r); a malformed file is refused with why."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        layout, hexes = doc["layout"], doc["hexes"]
        rows = [{"ons_code": code, "hex_name": h.get("n", code), "q": int(h["q"]), "r": int(h["r"])} for code, h in hexes.items()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{path} is not a HexJSON layout ({type(err).__name__}: {err})") from err
    if layout not in LAYOUTS:
        raise ValueError(f"{path}: layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    return layout, pl.DataFrame(rows, schema={"ons_code": pl.String, "hex_name": pl.String, "q": pl.Int64, "r": pl.Int64})


def hex_centres(layout: str, hexes: pl.DataFrame, radius: float) -> pl.DataFrame:
    """Each hex's centre in drawing units (y downwards), pointy-topped for row layouts, flat-topped for
    column layouts, with the top-left hex's edge at (radius, radius)."""
    if hexes.is_empty():
        return pl.DataFrame(schema=POSITION_SCHEMA)
    w = math.sqrt(3) * radius
    top = hexes["r"].max()
    odd_shift = 1 if layout.startswith("odd") else 0
    if layout.endswith("-r"):
        shifted = ((pl.col("r") % 2) == odd_shift).cast(pl.Float64) * 0.5
        x = (pl.col("q").cast(pl.Float64) + shifted) * w
        y = (top - pl.col("r")).cast(pl.Float64) * 1.5 * radius
    else:
        shifted = ((pl.col("q") % 2) == odd_shift).cast(pl.Float64) * 0.5
        x = pl.col("q").cast(pl.Float64) * 1.5 * radius
        y = ((top - pl.col("r")).cast(pl.Float64) + shifted) * w
    out = hexes.select("ons_code", "hex_name", x.alias("x"), y.alias("y"))
    return out.with_columns(pl.col("x") - out["x"].min() + radius, pl.col("y") - out["y"].min() + radius)


def hex_points(layout: str, x: float, y: float, radius: float) -> str:
    """The SVG polygon points of one hex."""
    start = 30 if layout.endswith("-r") else 0
    corners = [(x + radius * math.cos(math.radians(start + 60 * i)), y + radius * math.sin(math.radians(start + 60 * i))) for i in range(6)]
    return " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)

