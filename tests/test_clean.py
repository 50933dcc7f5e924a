from datetime import date

import pytest

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


# ---- Layout: paragraphs and the headline ---------------------------------------------------------

LONG = "with a sentence long enough that no hard-wrapped text would ever put it on one line of its own"


def _blocks_of(rules, text):
    articles, blocks = _clean(rules, text)
    return articles.row(0, named=True), blocks


def test_web_copy_with_one_paragraph_per_line_splits_at_every_line(rules):
    text = (
        "Council told to speed up care proceedings\n"
        f"Inspectors found that the borough had improved its front door {LONG}.\n"
        f"Managers said caseloads had fallen {LONG}.\n"
    )
    a, blocks = _blocks_of(rules, text)
    assert a["title"] == "Council told to speed up care proceedings"
    assert blocks["block_kind"].to_list() == ["title", "body", "body"]


def test_hard_wrapped_text_joins_its_lines(rules):
    text = "Headline of a wrapped note\n\nInspectors found that the borough had\nimproved its front door. Managers said\nCaseloads had fallen.\n"
    _, blocks = _blocks_of(rules, text)
    assert blocks["text"].to_list()[1] == "Inspectors found that the borough had improved its front door. Managers said Caseloads had fallen."


def test_a_line_starting_in_lower_case_continues_the_paragraph(rules):
    text = f"Headline here\n\nInspectors said social workers helped families {LONG} and\nfound that plans were clear.\n"
    _, blocks = _blocks_of(rules, text)
    assert blocks.height == 2 and blocks["text"][1].endswith("and found that plans were clear.")


@pytest.mark.parametrize(
    "opening",
    [
        "Inspectors found that the county's services for care leavers had improved since the spring.",  # body text
        "Key findings from the latest letter:",  # a lead-in to a list
        "“We are proud of our staff,” the council leader said after the letter was published.",  # a quote
        " ".join(["Children in the borough are now seen more quickly by social workers"] * 3),  # too long
    ],
)
def test_no_title_when_the_text_opens_with_body_text(rules, opening):
    a, blocks = _blocks_of(rules, f"{opening}\n\nManagers said caseloads had fallen {LONG}.\n")
    assert a["title"] is None
    assert blocks["block_kind"][0] == "body"


@pytest.mark.parametrize("headline", ["Is the county finally turning a corner?", "Inspectors praise borough's social workers!"])
def test_a_headline_may_end_in_a_question_or_exclamation_mark(rules, headline):
    a, _ = _blocks_of(rules, f"{headline}\n\nManagers said caseloads had fallen {LONG}.\n")
    assert a["title"] == headline


def test_list_items_are_body_paragraphs_without_their_markers(rules):
    text = (
        "Headline here\n\nInspectors found:\n"
        "  • Leaders know their services well\n  • Caseloads are manageable\n"
        "1. Overall effectiveness.\n2) Experiences of care leavers.\n"
    )
    _, blocks = _blocks_of(rules, text)
    body = blocks.filter(pl.col("block_kind") == "body")["text"].to_list()
    assert body == ["Inspectors found:", "Leaders know their services well", "Caseloads are manageable", "Overall effectiveness.", "Experiences of care leavers."]


# ---- Header furniture ------------------------------------------------------------------------------

HEADLINE = "Borough's children's services improving, say inspectors"
BODY = f"Inspectors found that leaders had a clear grip on practice {LONG}."


@pytest.mark.parametrize(
    "furniture",
    [
        ["On Air Now Breakfast with Sam 6:00am - 9:00am", "Now Playing Example Band Some Song"],  # radio player
        ["Oops! Page not found.", "This website is currently unavailable in your region.", "We're working hard to bring the site back online."],
        ["[Skip to main content]", "Due to planned maintenance our online forms will be unavailable on Monday 3 June 2024."],
        ["Home  |  News  |  Articles", "Subscribe to our newsletter", "Privacy policy"],  # menus and buttons
        ["Get in touch", "Contact us", "Article sponsored by Example Ltd"],
        ["Menu Search", "For enquiries and bookings, call us on 01234 567890"],  # agency banner
        ["Feature image", "Listen to this article", "Loading…"],  # media placeholders
        ["Agenda item"],  # committee-system label
        ["Agendas, meetings and decisions - Agenda item", "Agenda item"],  # committee-system breadcrumb
        ["Latest Public Services News"],  # section label
        ["We use cookies. By continuing you agree to the use of cookies. CLOSE"],
        ["Issue details"],
        ["Advertisement", "Show more"],
        ["Home > News > Local democracy"],  # breadcrumb trail
        ["By Sam Writer, Local Democracy Reporter"],  # byline with the writer's job
    ],
)
def test_header_furniture_is_dropped_and_the_headline_found(rules, furniture):
    text = "\n\n".join([*furniture, HEADLINE, BODY]) + "\n"
    a, _ = _blocks_of(rules, text)
    assert a["title"] == HEADLINE
    for junk in furniture:
        assert junk not in a["clean_text"]
    assert a["published_date"] is None  # a maintenance banner's date is not the article's


def test_committee_page_labels_around_the_item_heading_are_dropped(rules):
    text = "Agenda item\n\nCorporate parenting: inspection outcome\n\nMeeting: 04/03/2024 - Corporate Parenting Board (Item 5)\n\nMinutes:\n\n" + BODY
    a, _ = _blocks_of(rules, text)
    assert a["title"] == "Corporate parenting: inspection outcome"
    assert "Meeting:" not in a["clean_text"] and "Minutes" not in a["clean_text"]
    assert a["published_date"] is None


def test_a_newspaper_masthead_is_the_publisher_not_the_headline(rules):
    a, _ = _blocks_of(rules, f"Northshire Gazette & Echo\n\n{HEADLINE}\n\n{BODY}\n")
    assert a["title"] == HEADLINE
    assert a["publisher"] == "Northshire Gazette & Echo"


def test_a_known_publication_alone_in_the_header_is_the_masthead(rules):
    a, _ = _blocks_of(rules, f"CYP Now\n\n{HEADLINE}\n\n{BODY}\n")
    assert a["title"] == HEADLINE and a["publisher"] == "Children & Young People Now"


def test_a_caption_naming_someone_with_a_role_is_not_a_byline(rules):
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\nSam Hill, cabinet member for children\n\n{BODY}\n")
    assert "Sam Hill, cabinet member for children" in a["clean_text"]


def test_a_masthead_form_below_the_first_paragraph_is_kept(rules):
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\n{BODY}\n\nThe Weekly Star\n\n{BODY}\n")
    assert "The Weekly Star" in a["clean_text"] and a["publisher"] is None


def test_captions_with_credits_and_repeated_captions_are_dropped(rules):
    text = (
        f"{HEADLINE}\n\nA child holds a parent's hand. Image: Stock Library\n\n"
        "Town Hall, Exampletown (12345678)\nTown Hall, Exampletown (12345678)\n\n"
        "Councillor Sam Hill, cabinet member for children\nCouncillor Sam Hill, cabinet member for children\n\n"
        f"{BODY}\n"
    )
    a, _ = _blocks_of(rules, text)
    assert "Stock Library" not in a["clean_text"] and "12345678" not in a["clean_text"]
    assert a["clean_text"].count("Councillor Sam Hill") == 1


def test_byline_time_stamp_and_caption_run_together_are_stripped(rules):
    text = (
        f"{HEADLINE}\n\n"
        "NewsJo Writer Reporter09:30, 12 Mar 2024Jo Bloggs at the event.(Image: Example Agency) Leaders told inspectors the plan was\n\n"
        f"{BODY}\n"
    )
    a, _ = _blocks_of(rules, text)
    assert "Reporter" not in a["clean_text"] and "Example Agency" not in a["clean_text"]
    assert "Leaders told inspectors the plan was" in a["clean_text"]
    assert a["published_date"] == date(2024, 3, 12)


def test_document_links_with_their_size_are_dropped(rules):
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\n12 Improvement plan pdf icon PDF 212 KB\n\n{BODY}\n")
    assert "212 KB" not in a["clean_text"]


def test_a_paywall_prompt_cuts_the_rest_after_giving_the_publisher(rules):
    text = f"{HEADLINE}\n\n{BODY}\n\n{BODY}\n\nSubscribe today to keep reading\nThank you for visiting Example Weekly and for reading our journalism.\nFree access to four articles\n"
    a, _ = _blocks_of(rules, text)
    assert a["publisher"] == "Example Weekly"
    assert "Free access" not in a["clean_text"] and "Subscribe" not in a["clean_text"]
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\n{BODY}\n\n{BODY}\n\nWant full article access?\n\nReceive the magazine each week.\n")
    assert "magazine" not in a["clean_text"]


# ---- Dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Release date - 04/06/2024",
        "Published Tuesday, 4th June 2024",
        "Published: Tuesday, 4 June 2024",
        "Posted on June 4, 2024",
        "Issued: 04.06.2024",
        "date 2024-06-04",
        "By Sam Writer\n| 04 June 2024",  # a dateline under the byline
        "Sam Writer\nTuesday, June 4, 2024",
        "04/06/2024 10:15",
        "By Cllr Sam Hill | 4 June 2024",
        "Last updated 10:15, Tue 4th June 2024",
        "Sam Writer | Education correspondent\n| Tue 04 Jun 2024 | 10.15am",
    ],
)
def test_publication_date_lines(rules, header):
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\n{header}\n\n{BODY}\n")
    assert a["published_date"] == date(2024, 6, 4)
    assert a["title"] == HEADLINE
    assert "2024" not in a["clean_text"] and "Jun" not in a["clean_text"]


def test_a_leading_date_line_with_the_headline_on_it(rules):
    a, _ = _blocks_of(rules, f" date 2024-06-04 {HEADLINE}\n- Published\n{BODY}\n")
    assert a["published_date"] == date(2024, 6, 4)
    assert a["title"] == HEADLINE
    assert "Published" not in a["clean_text"]


def test_a_bare_date_below_the_first_paragraph_is_not_the_publication_date(rules):
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\n{BODY}\n\nTuesday, June 4, 2024\n\n{BODY}\n")
    assert a["published_date"] is None


def test_a_date_inside_a_sentence_is_not_the_publication_date(rules):
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\n4 June 2024 was the first day of the visit, when inspectors met {LONG}.\n")
    assert a["published_date"] is None
    assert "4 June 2024 was the first day" in a["clean_text"]


# ---- Publishers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, publisher",
    [
        ("Click the links below for related Example Weekly stories", "Example Weekly"),
        ("Get breaking news on Example Echo WhatsApp", "Example Echo"),
        ("Sign up to the Northshire Gazette newsletter", "Northshire Gazette"),
        ("The director told the Northshire Gazette that recruitment was improving.", "Northshire Gazette"),
        ("A council spokesperson said to Vale News that recruitment was improving.", "Vale News"),
        ("Example Weekly has seen a leaked copy of the letter.", "Example Weekly"),
        ("Source: CommunityCare", "Community Care"),
        ("Source: Example Newswire", None),  # a source is not the publisher unless it is a known publication
        ("The director told councillors that recruitment was improving.", None),
        ("The council has seen a leaked copy of the letter.", None),
    ],
)
def test_publisher_named_in_the_text(rules, line, publisher):
    a, _ = _blocks_of(rules, f"{HEADLINE}\n\n{BODY}\n\n{line}\n\n{BODY}\n")
    assert a["publisher"] == publisher


def test_a_short_headline_after_a_date_prefix_is_kept(rules):
    a, _ = _blocks_of(rules, f"date 2024-06-04 Council praised\n\n{BODY}\n")
    assert a["title"] == "Council praised" and a["published_date"] == date(2024, 6, 4)


def test_an_unknown_boilerplate_action_is_refused_with_its_name(rules):
    from dataclasses import replace

    odd = replace(rules, boilerplate=pl.concat([rules.boilerplate, rules.boilerplate.head(1).with_columns(pl.lit("drop_twice").alias("action"))]))
    with pytest.raises(ValueError, match="drop_twice"):
        _clean(odd, BODY)
