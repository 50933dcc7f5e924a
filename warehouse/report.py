"""The data-quality report: one self-contained HTML file (inline styles and SVG, no scripts, no other host).

Every value from the warehouse goes through html.escape: article text containing <script> is shown,
never run; control and format characters in it (a U+202E in a file name) are shown as their code points.
"""

from __future__ import annotations

import json

from warehouse.html_text import e as _e

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1f3a5f;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
main{padding:18px 28px;max-width:1400px}section{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:0 0 18px;padding:14px 18px}
h2{font-size:17px;margin:0 0 10px}table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
th{background:#f0f2f5;font-weight:600}.pass{color:#17663a;font-weight:600}.fail{color:#a4161a;font-weight:700}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:700}.badge.ok{background:#d8f3dc;color:#17663a}.badge.bad{background:#ffd6d6;color:#a4161a}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:150px;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;background:#fafbfc}
.card b{display:block;font-size:22px}.muted{color:#5b6472}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word;margin:0}
tr.failed td{background:#fff5f5}.side{display:grid;grid-template-columns:1fr 1fr;gap:10px}
"""


def _table(rows: list[dict], columns: list[tuple[str, str]], empty: str, row_class=None) -> str:
    if not rows:
        return f'<p class="muted">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(label)}</th>" for _, label in columns)
    body = []
    for r in rows:
        cls = f' class="{row_class(r)}"' if row_class else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{_cell(r, key)}</td>" for key, _ in columns) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cell(row: dict, key: str) -> str:
    value = row.get(key)
    if key == "is_success":
        return '<span class="pass">pass</span>' if value else '<span class="fail">FAIL</span>'
    if key in ("failing_examples", "row_json") and value:
        try:
            value = json.dumps(json.loads(value), ensure_ascii=False, indent=1)
        except ValueError:
            pass
        return f"<pre>{_e(value)}</pre>"
    return _e(value)


def _trend_svg(trend: list[dict]) -> str:
    runs = list(reversed(trend))
    if not runs:
        return ""
    width, height, bar = 24 * len(runs) + 10, 80, 18
    most = max(max(r["expectations"] for r in runs), 1)
    parts = []
    for i, r in enumerate(runs):
        x = 5 + i * 24
        ok_h = (r["expectations"] - r["failed"]) / most * (height - 10)
        bad_h = r["failed"] / most * (height - 10)
        parts.append(f'<rect x="{x}" y="{height - ok_h:.1f}" width="{bar}" height="{ok_h:.1f}" fill="#52b788"><title>{_e(r["started_at"])}: '
                     f'{r["expectations"] - r["failed"]} passed</title></rect>')
        if r["failed"]:
            parts.append(f'<rect x="{x}" y="{height - ok_h - bad_h:.1f}" width="{bar}" height="{bad_h:.1f}" fill="#d62828">'
                         f'<title>{_e(r["started_at"])}: {r["failed"]} failed</title></rect>')
    return f'<svg role="img" aria-label="expectations per run" width="{width}" height="{height}" viewBox="0 0 {width} {height}">{"".join(parts)}</svg>'


def render_report(data: dict) -> str:
    run, results = data["run"], data["results"]
    failed = [r for r in results if not r["is_success"]]
    status = '<span class="badge ok">all expectations passed</span>' if not failed else f'<span class="badge bad">{len(failed)} failed</span>'
    cards = "".join(
        f'<div class="card"><span class="muted">{_e(label)}</span><b>{_e(value)}</b></div>'
        for label, value in [
            ("expectations", run["expectations"]),
            ("failed", run["failed"]),
            ("rejected files", len(data["rejected_files"])),
            ("rejected rows", len(data["rejected_rows"])),
            ("articles without an authority", len(data["flagged_articles"])),
            ("ratings contradicting the register", len(data["contradictions"])),
        ]
    )
    contradictions = "".join(
        f'<div class="side"><div><b>{_e(c["la_name"])}</b> — article <code>{_e(c["source_file"])}</code><br>'
        f'states <b>{_e(c["stated_rating"])}</b> ({_e(c["rating_month"] or "")} {_e(c["rating_year"] or "undated")})<br>'
        f'<span class="muted">{_e(c["evidence_text"])}</span></div><div><b>Register of full inspections</b><br>{_e(c["register"])}</div></div><hr>'
        for c in data["contradictions"]
    ) or '<p class="muted">No stated rating contradicts the register.</p>'
    sections = [
        ("Summary", f"<p>{status} &nbsp; run <code>{_e(run['dq_run_id'])}</code>, {_e(run['started_at'])} UTC</p><div class=\"cards\">{cards}</div>"),
        ("Expectations", _table(results, [("is_success", "result"), ("suite", "suite"), ("table_name", "table"), ("expectation", "expectation"),
                                          ("column_name", "column"), ("observed_value", "observed"), ("unexpected_count", "failing rows"),
                                          ("failing_examples", "failing examples")],
                                "No expectations were run.", row_class=lambda r: "" if r["is_success"] else "failed")),
        ("Rejected files", _table(data["rejected_files"], [("source_file", "file"), ("reject_reason", "reason"), ("size_bytes", "bytes"), ("read_at", "read at")],
                                  "No file was rejected.")),
        ("Rejected rows", _table(data["rejected_rows"], [("rejected_at", "when"), ("table_name", "table"), ("source_file", "file"), ("reason", "reason"),
                                                          ("row_json", "row")], "No row was rejected.")),
        ("Articles without an authority", _table(data["flagged_articles"], [("source_file", "file"), ("title", "title")],
                                                  "Every article names an authority.")),
        ("Ratings against the register", _table(data["rating_checks"], [("rating_check", "check"), ("visits", "visits")], "No visits.") + contradictions),
        ("Trend", _trend_svg(data["trend"]) + _table(data["trend"], [("started_at", "quality run"), ("expectations", "expectations"), ("failed", "failed"),
                                                                     ("is_success", "result")], "No earlier runs.")
         + "<h2 style='margin-top:14px'>Ingest runs</h2>"
         + _table(data["ingests"], [("started_at", "started"), ("status", "status"), ("files_seen", "seen"), ("files_new", "new"),
                                    ("files_changed", "changed"), ("files_unchanged", "unchanged"), ("files_rejected", "rejected"),
                                    ("files_missing", "missing")], "No ingest runs.")),
        ("Table sizes", _table(data["tables"], [("table_name", "table"), ("rows", "rows")], "No tables.")),
    ]
    body = "".join(f'<section id="{_e(title.lower().replace(" ", "-"))}"><h2>{_e(title)}</h2>{content}</section>' for title, content in sections)
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Ofsted Watch data quality</title><style>{CSS}</style></head><body>"
        f"<header><h1>Ofsted Watch — data quality</h1><p>{_e(run['started_at'])} UTC · {_e(run['expectations'])} expectations · "
        f"{_e(run['failed'])} failed</p></header><main>{body}</main></body></html>"
    )
