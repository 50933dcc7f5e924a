from datetime import date

import polars as pl

from transforms.clean import clean_articles
from transforms.segment import split_sentences

WEB_COPY = """Cookie Consent by Popupsmart Website

Connecting to LinkedIn...

Example Site Logo

News & Social Media

Social Work News - Council improves after critical report, inspectors say

Posted on 03/04/2021 by


Inspectors find better practice at a county council but warn of staff shortages

Photo: someone/Agency

Inspectors found that Kent County Council had improved its front door. Mr. Smith said so.

Tel: 01234 567890
10 High Street, Exampletown, Essex CO4 3ZL

Source: CommunityCare

More from Community Care

Comments are closed.
"""


def _clean(rules, *texts):
    docs = pl.DataFrame({"article_key": [str(i) for i in range(len(texts))], "text": list(texts)})
    return clean_articles(docs, rules)


def test_web_copy_boilerplate_removed_and_metadata_recovered(rules):
    articles, blocks = _clean(rules, WEB_COPY)
    a = articles.row(0, named=True)
    assert a["title"] == "Council improves after critical report, inspectors say"
    assert a["standfirst"] == "Inspectors find better practice at a county council but warn of staff shortages"
    assert a["publisher"] == "Community Care"
    assert a["published_date"] == date(2021, 4, 3)
    text = a["clean_text"]
    for junk in ("Cookie", "LinkedIn", "Logo", "Social Media", "Photo:", "Tel:", "CO4 3ZL", "Source:", "More from", "Comments"):
        assert junk not in text, junk
    assert "Inspectors found that Kent County Council had improved its front door." in text


def test_more_from_footer_gives_publisher_and_cuts_the_rest(rules):
    text = "Headline here\n\nBody sentence one.\n\nMore from Children & Young People Now\n\nRelated story one\n"
    a = _clean(rules, text)[0].row(0, named=True)
    assert a["publisher"] == "Children & Young People Now"
    assert "Related story" not in a["clean_text"]


def test_no_publisher_or_date_when_the_text_does_not_say(rules):
    a = _clean(rules, "Headline\n\nOfsted visited the council. It found progress.\n")[0].row(0, named=True)
    assert a["publisher"] is None and a["published_date"] is None


def test_trailing_site_furniture_is_dropped_but_the_body_kept(rules):
    text = (
        "Headline\n\nFirst body sentence.\n\nLast real sentence.\n\nMonitoring visit of Some council\n\n"
        "Delivering services across the UK\nD1, Parkside, Colchester, Essex CO4 3ZL\n\nA Group collaboration | website design by Someone\n"
    )
    a = _clean(rules, text)[0].row(0, named=True)
    assert a["clean_text"].endswith("Last real sentence.")


def test_block_offsets_point_into_clean_text(rules):
    articles, blocks = _clean(rules, WEB_COPY)
    text = articles["clean_text"][0]
    for b in blocks.iter_rows(named=True):
        assert text[b["start"] : b["end"]] == b["text"]
    assert blocks.filter(pl.col("block_kind") == "title").height == 1


def test_sentences_split_on_boundaries_not_abbreviations(rules):
    text = (
        "Headline\n\nMr. Smith of St. Helens said: “It is better. Much better.” Inspectors agreed.\n\n"
        "Cllr. Jones (pictured) said e.g. more work. Then it ended!"
    )
    articles, blocks = _clean(rules, text)
    sents = split_sentences(blocks, rules)
    body = sents.filter(pl.col("block_kind") == "body")["text"].to_list()
    assert body == [
        "Mr. Smith of St. Helens said: “It is better.",
        "Much better.”",
        "Inspectors agreed.",
        "Cllr. Jones (pictured) said e.g. more work.",
        "Then it ended!",
    ]
    clean = articles["clean_text"][0]
    for s in sents.iter_rows(named=True):
        assert clean[s["start"] : s["end"]] == s["text"]
