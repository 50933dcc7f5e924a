"""The briefing site's charts: hand-written inline SVG, each with alt text and the table behind it.

No script and no font or image from elsewhere: a chart is drawn when the page is written, so it shows
offline and in any browser. Every label is escaped (warehouse.html_text)."""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.briefing import GRADES
from transforms.hexmap import hex_centres, hex_points
from warehouse.html_text import e

GRADE_LABELS = {"outstanding": "Outstanding", "good": "Good", "requires_improvement": "Requires improvement", "inadequate": "Inadequate"}
GRADE_COLOURS = {"outstanding": "#1b7837", "good": "#7fbf7b", "requires_improvement": "#f1a340", "inadequate": "#c51b1b", None: "#cfd4dc"}
VISIT_LABELS = {"monitoring_visit": "Monitoring visit", "focused_visit": "Focused visit", "focused_assurance_visit": "Focused assurance visit",
                "inspection": "Inspection (reported)"}
PRAISE, CRITICISM = "#2b8a3e", "#c92a2a"


def grade_label(grade) -> str:
    return GRADE_LABELS.get(grade, "No grade")


def table(rows: list[list[str]], head: list[str], caption: str = "", cls: str = "data") -> str:
    """A table of cells that are already HTML (callers escape values)."""
    return table_of("".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows), head, caption, cls)


def table_of(body: str, head: list[str], caption: str = "", cls: str = "data") -> str:
    """A table around rows already written as HTML (<tr>...</tr>)."""
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    thead = "".join(f'<th scope="col">{e(h)}</th>' for h in head)
    return f'<table class="{cls}">{cap}<thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>'


def figure(svg: str, alt: str, data_table: str, title: str) -> str:
    """A chart, its alt text (the SVG's label and a caption) and its table, folded under the chart."""
    return (f'<figure><figcaption>{e(title)}</figcaption>{svg}<p class="alt">{e(alt)}</p>'
            f'<details><summary>The data behind this chart</summary>{data_table}</details></figure>')


def legend() -> str:
    items = [*GRADES, None]
    return '<ul class="legend">' + "".join(
        f'<li><span class="swatch" style="background:{GRADE_COLOURS[g]}"></span>{e(grade_label(g))}</li>' for g in items) + "</ul>"


def hex_map(layout: str, hexes: pl.DataFrame, grades: pl.DataFrame, hrefs: dict[str, str], alt: str, radius: float = 15.0) -> str:
    """Every authority a hex coloured by its grade, each a link to its page; authorities the layout lacks
    are drawn in a row under it, so none is left off."""
    placed = hexes.join(grades.select("ons_code"), on="ons_code", how="semi")
    missing = grades.join(hexes.select("ons_code"), on="ons_code", how="anti").sort("la_name")
    centres = hex_centres(layout, placed, radius)
    width = (centres["x"].max() or 0) + radius * 2 if centres.height else 400
    height = (centres["y"].max() or 0) + radius * 2 if centres.height else 0
    extra = []
    for i, code in enumerate(missing["ons_code"].to_list()):
        extra.append((code, radius * 2 * (i % 20) + radius, height + radius * 2 * (i // 20) + radius))
    if extra:
        height += radius * 2 * (len(extra) // 20 + 1) + radius
    by_code = {r["ons_code"]: r for r in grades.iter_rows(named=True)}
    cells = []
    for code, x, y in [*centres.select("ons_code", "x", "y").rows(), *extra]:
        r = by_code[code]
        tip = f"{r['la_name']}: {grade_label(r['grade'])}" + (" (news, not yet in the register)" if r["grade_source"] == "news" else "")
        if r["visits_since"]:
            tip += f"; {r['visits_since']} visit(s) since"
        shape = (f'<polygon points="{hex_points(layout, x, y, radius * 0.97)}" fill="{GRADE_COLOURS.get(r["grade"], GRADE_COLOURS[None])}"'
                 f'{" class=news" if r["grade_source"] == "news" else ""}><title>{e(tip)}</title></polygon>')
        if r["visits_since"]:
            shape += f'<text x="{x:.1f}" y="{y + 4:.1f}" class="hexn">{int(r["visits_since"])}</text>'
        href = hrefs.get(r["la_key"])
        cells.append(f'<a href="{e(href)}" aria-label="{e(tip)}">{shape}</a>' if href else shape)
    return (f'<svg class="hexmap" role="img" aria-label="{e(alt)}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" xmlns="http://www.w3.org/2000/svg"><title>{e(alt)}</title>{"".join(cells)}</svg>')


def grade_bars(counts: list[tuple[str | None, int]], alt: str) -> str:
    """Horizontal bars: how many authorities hold each grade."""
    most = max([n for _, n in counts] + [1])
    bar_w, row_h, label_w = 260, 22, 170
    parts = []
    for i, (grade, n) in enumerate(counts):
        y = i * row_h
        w = n / most * bar_w
        parts.append(f'<text x="0" y="{y + 15}" class="lbl">{e(grade_label(grade))}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{GRADE_COLOURS.get(grade, GRADE_COLOURS[None])}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="lbl">{n}</text>')
    width, height = label_w + bar_w + 40, row_h * len(counts)
    return (f'<svg role="img" aria-label="{e(alt)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{e(alt)}</title>{"".join(parts)}</svg>')


def _year_fraction(d: date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / 366


def timeline(entries: list[dict], alt: str) -> str:
    """One authority's story on a time axis: full inspections as circles coloured by grade on the upper
    line, visits as diamonds on the lower one (coloured by the grade they report, if any). ``entries``:
    dicts with when (date), kind ('inspection' or 'visit'), grade, label, href."""
    dated = [x for x in entries if x["when"] is not None]
    if not dated:
        return ""
    first = min(_year_fraction(x["when"]) for x in dated)
    last = max(_year_fraction(x["when"]) for x in dated)
    start, end = int(first), int(last) + 1
    width, left, right = 760, 90, 20
    span = max(end - start, 1)

    def x_of(d: date) -> float:
        return left + (_year_fraction(d) - start) / span * (width - left - right)

    lanes = {"inspection": 30, "visit": 70}
    parts = [f'<text x="0" y="{lanes["inspection"] + 4}" class="lbl">Inspections</text>',
             f'<text x="0" y="{lanes["visit"] + 4}" class="lbl">Visits</text>']
    for year in range(start, end + 1):
        x = left + (year - start) / span * (width - left - right)
        parts.append(f'<line x1="{x:.1f}" y1="12" x2="{x:.1f}" y2="88" class="tick"/>'
                     f'<text x="{x:.1f}" y="104" class="lbl" text-anchor="middle">{year}</text>')
    for item in dated:
        x, y = x_of(item["when"]), lanes[item["kind"]]
        colour = GRADE_COLOURS.get(item["grade"], GRADE_COLOURS[None])
        if item["kind"] == "inspection":
            shape = f'<circle cx="{x:.1f}" cy="{y}" r="8" fill="{colour}" stroke="#333"><title>{e(item["label"])}</title></circle>'
        else:
            shape = (f'<polygon points="{x:.1f},{y - 8} {x + 7:.1f},{y} {x:.1f},{y + 8} {x - 7:.1f},{y}" fill="{colour}" stroke="#333">'
                     f'<title>{e(item["label"])}</title></polygon>')
        parts.append(f'<a href="{e(item["href"])}">{shape}</a>' if item.get("href") else shape)
    return (f'<svg class="timeline" role="img" aria-label="{e(alt)}" viewBox="0 0 {width} 112" width="{width}" height="112" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{e(alt)}</title>{"".join(parts)}</svg>')


def praise_criticism_bars(years: list[tuple[int | None, int, int]], alt: str) -> str:
    """Per year, the authorities praised (bar up, green) and criticised (bar down, red) for one theme."""
    if not years:
        return ""
    most = max([max(p, c) for _, p, c in years] + [1])
    col, half = 46, 50
    parts = [f'<line x1="0" y1="{half + 4}" x2="{col * len(years)}" y2="{half + 4}" class="tick"/>']
    for i, (year, praised, criticised) in enumerate(years):
        x = i * col + 8
        up, down = praised / most * (half - 8), criticised / most * (half - 8)
        label = "undated" if year is None else str(year)
        parts.append(f'<rect x="{x}" y="{half + 4 - up:.1f}" width="{col - 16}" height="{up:.1f}" fill="{PRAISE}">'
                     f'<title>{e(label)}: {praised} praised</title></rect>'
                     f'<rect x="{x}" y="{half + 4}" width="{col - 16}" height="{down:.1f}" fill="{CRITICISM}">'
                     f'<title>{e(label)}: {criticised} criticised</title></rect>'
                     f'<text x="{x + (col - 16) / 2:.1f}" y="{2 * half + 20}" class="lbl" text-anchor="middle">{e(label)}</text>')
    width, height = col * len(years), 2 * half + 26
    return (f'<svg role="img" aria-label="{e(alt)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{e(alt)}</title>{"".join(parts)}</svg>')
