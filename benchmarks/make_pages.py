"""Web pages and PDF letters built for tests and measurements: no page is downloaded.

``article_page`` wraps an article's text in the furniture of a news site (navigation, a cookie
banner, share buttons, related links, comments, a footer) and states its metadata the way one of
five kinds of site does (JSON-LD, OpenGraph, plain meta tags, all three, or none). ``letter_pdf``
typesets an invented inspection letter with a running header, a footer and page numbers
(reportlab, a development dependency).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
from datetime import date, timedelta
from pathlib import Path

STYLES = ("json-ld", "opengraph", "meta", "all", "none")
INVENTED_SITE = "Childcare Practice Weekly"

NAV = """<header class="site-header"><a class="logo" href="/">{site}</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/practice">Practice</a></li><li><a href="/jobs">Jobs</a></li>
<li><a href="/events">Events</a></li><li><a href="/subscribe">Subscribe</a></li><li><a href="/login">Log in</a></li></ul></nav>
<form class="search"><input type="search" placeholder="Search"></form></header>"""
COOKIES = """<div id="cookie-banner" class="cookie-consent"><p>We use cookies to give you the best experience on our website.
By continuing to browse you agree to our use of cookies. Read our cookie policy to find out more.</p>
<button>Accept all cookies</button><button>Manage preferences</button></div>"""
SHARE = """<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on LinkedIn</a> <a href="#">Email this article</a></div>"""
RELATED = """<aside class="related"><h3>Related articles</h3><ul>
<li><a href="/a1">Council leaders warn of pressure on foster placements as budgets tighten</a></li>
<li><a href="/a2">New guidance on supervision for newly qualified practitioners published</a></li>
<li><a href="/a3">Agency staff numbers fall for the second year running, survey finds</a></li>
<li><a href="/a4">Podcast: what makes a good practice model work on the ground</a></li></ul></aside>"""
COMMENTS = """<section id="comments" class="comments"><h3>2 Responses</h3>
<div class="comment"><p class="comment-author">Reader123</p><p>Same story everywhere, nothing changes until the workforce is stable.</p></div>
<div class="comment"><p class="comment-author">A practitioner</p><p>Good to see some recognition for the front line teams at last.</p></div></section>"""
ADVERT = """<div class="advert"><p>Advertisement</p><p>Join our fostering team today: generous allowances and round-the-clock support.</p></div>"""
FOOTER = """<footer><p>About us | Contact | Advertise | Terms and conditions | Privacy policy</p>
<p>&copy; 2026 {site}. Registered office: 1 Example Street, Exampletown EX1 2MP. All rights reserved.</p></footer>"""


def page_facts(name: str, gold: dict, style: str) -> dict:
    """What the built page states: the gold title; the gold publisher or an invented site name;
    the gold date or an invented one (news pages carry dates even where the text states none). A page
    without metadata states only what its text states, so the gold applies as it is."""
    if style == "none":
        return {"title": gold.get("title"), "publisher": gold.get("publisher"), "published_date": gold.get("published_date")}
    seed = int(hashlib.sha256(name.encode()).hexdigest()[:6], 16)
    invented = (date(2018, 6, 1) + timedelta(days=seed % 300)).isoformat()
    return {"title": gold.get("title"), "publisher": gold.get("publisher") or INVENTED_SITE,
            "published_date": gold.get("published_date") or invented, "author": f"Staff reporter {seed % 7 + 1}"}


def article_page(text: str, facts: dict, style: str, url: str, charset: str = "utf-8") -> str:
    """A news page around ``text`` (its first paragraph the headline, as the sample files have it)."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    body_paras = [f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs[1:]]
    half = len(body_paras) // 2
    # An advert between two paragraphs of the body, as news sites place them.
    body = "\n".join(body_paras[:half]) + ADVERT + "\n".join(body_paras[half:])
    site = facts.get("publisher") or INVENTED_SITE
    title, when, author = facts.get("title") or paragraphs[0], facts.get("published_date"), facts.get("author")
    head = [f'<meta charset="{charset}">', f"<title>{html.escape(title)} | {html.escape(site)}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">']
    if style in ("json-ld", "all"):
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": f"{when}T09:30:00+01:00",
              "author": {"@type": "Person", "name": author}, "publisher": {"@type": "Organization", "name": site},
              "mainEntityOfPage": {"@type": "WebPage", "@id": url}}
        head.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    if style in ("opengraph", "all"):
        head += [f'<meta property="og:title" content="{html.escape(title)}">', f'<meta property="og:site_name" content="{html.escape(site)}">',
                 f'<meta property="og:url" content="{url}">', '<meta property="og:type" content="article">',
                 f'<meta property="article:published_time" content="{when}T09:30:00Z">', f'<meta property="article:author" content="{url}/author">']
    if style in ("meta", "all"):
        head += [f'<meta name="author" content="{html.escape(author)}">', f'<meta name="date" content="{when}">',
                 f'<meta name="application-name" content="{html.escape(site)}">', f'<link rel="canonical" href="{url}">']
    if style in ("opengraph", "json-ld"):
        head.append(f'<link rel="canonical" href="{url}">')
    byline = f'<p class="byline">By {html.escape(author)}</p>' if author and style != "none" else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head>{''.join(head)}</head>
<body>{COOKIES}{NAV.format(site=html.escape(site))}
<main><article><h1>{html.escape(paragraphs[0])}</h1>{byline}
{SHARE}
<div class="article-body">{body}</div>
{SHARE}</article>
{RELATED}{COMMENTS}</main>
{FOOTER.format(site=html.escape(site))}</body></html>
"""


def build_pages(articles_dir: Path, gold_dir: Path | None, out_dir: Path, limit: int | None = None) -> list[dict]:
    """Every sample article in every style, as ``<stem>.<style>.html``; returns each page's facts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in sorted(articles_dir.glob("*.txt"))[:limit]:
        gold_path = gold_dir / f"{path.stem}.json" if gold_dir else None
        gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path and gold_path.exists() else {}
        text = path.read_text(encoding="utf-8")
        for style in STYLES:
            facts = page_facts(path.name, gold, style)
            url = f"https://news.example.org/{path.stem}"
            page = out_dir / f"{path.stem}.{style}.html"
            page.write_text(article_page(text, facts, style, url), encoding="utf-8")
            pages.append({"path": str(page), "style": style, "expected": facts, "has_gold": bool(gold)})
    return pages


LETTER_PARAGRAPHS = [
    "Dear Ms Example",
    "Monitoring visit to Wiltshire children's services",
    "This letter summarises the findings of the monitoring visit to Wiltshire children's services on 4 and 5 March 2025. "
    "This visit was the second monitoring visit since the local authority was judged inadequate in 2024. "
    "His Majesty's Inspectors for this visit were Alex Invented and Sam Madeup.",
    "Areas covered by the visit",
    "Inspectors reviewed the progress made in the quality and impact of help and protection for children, "
    "including the front door, assessments and child protection planning.",
    "Headline findings",
    "Senior leaders have a clear understanding of the strengths and weaknesses of practice. "
    "Social workers told inspectors that their caseloads are manageable and that they feel well supported by managers.",
    "Management oversight of casework is not yet consistently effective. "
    "Supervision records do not always show how decisions are made or how drift is tackled for children.",
    "Too many assessments are completed late, and plans for some children lack clear actions and timescales. "
    "Partnership working at the front door has improved, and referrals are screened promptly.",
    "The quality of direct work with children is variable. In the stronger examples, workers know children well "
    "and record their wishes and feelings carefully.",
    "Ofsted will take the findings from this monitoring visit into account when planning the next visit.",
    "Yours sincerely",
    "Alex Invented, His Majesty's Inspector",
]


def letter_pdf(paragraphs: list[str] | None = None, repeat: int = 3, letter_date: str = "27 March 2025") -> bytes:
    """An invented monitoring-visit letter of a few pages with a running header, a reference footer
    and "Page N of M" on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    paragraphs = paragraphs or LETTER_PARAGRAPHS
    styles = getSampleStyleSheet()
    buf = io.BytesIO()

    total = {"pages": 0}

    def furniture(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, A4[1] - 40, "Invented Inspectorate   Example House   Exampletown   EX1 2MP")
        canvas.drawString(72, 40, "Reference: ABC123456   OFFICIAL")
        canvas.drawRightString(A4[0] - 72, 40, f"Page {doc.page} of {total['pages'] or '{n}'}")
        canvas.restoreState()

    def build(target):
        # invariant: no creation time or random document ID, so the same letter is the same bytes.
        doc = SimpleDocTemplate(target, pagesize=A4, topMargin=72, bottomMargin=72, invariant=1)
        story = [Paragraph(letter_date, styles["Normal"]), Spacer(1, 12)]
        for _ in range(repeat):
            for p in paragraphs:
                story += [Paragraph(html.escape(p), styles["Normal"]), Spacer(1, 10)]
        doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
        return doc.page

    total["pages"] = build(io.BytesIO())
    build(buf)
    return buf.getvalue()
