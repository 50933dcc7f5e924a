import pytest

from tests.helpers import focus, visits

H = "Headline\n\n"


@pytest.mark.parametrize(
    "text, visit_type",
    [
        ("Ofsted’s monitoring visit to Surrey council found progress.", "monitoring_visit"),
        ("A focused visit to Bromley council looked at children in care.", "focused_visit"),
        ("A focused assurance visit to Leeds council in 2020 found strengths.", "focused_assurance_visit"),
        ("Ofsted’s re-inspection of Croydon council found improvement.", "inspection"),
        # No stated type: an inadequate authority's visit is a monitoring visit...
        ("Ofsted visited Medway council, rated inadequate in 2019.", "monitoring_visit"),
        # ...anyone else's a focused visit.
        ("Ofsted visited good-rated Gateshead council.", "focused_visit"),
        # A look back at an earlier kind of visit does not set the type.
        ("Ofsted visited West Sussex council, rated inadequate in 2019, since a focused assurance visit in 2020.", "monitoring_visit"),
    ],
)
def test_visit_type(extract, text, visit_type):
    (v,) = visits(extract(H + text)).values()
    assert v["visit_type"] == visit_type


@pytest.mark.parametrize(
    "text, ordinal",
    [
        ("In their first return to Surrey since the inspection, inspectors found progress.", 1),
        ("In their fourth monitoring visit to Gloucestershire council, inspectors focused on help.", 4),
        ("Ofsted visited Bradford council for the sixth time since it judged it inadequate.", 6),
        ("In another monitoring visit, also the authority’s fourth since an inadequate verdict, Croydon improved.", 4),
        ("Ofsted’s 3rd monitoring visit to Sunderland found change.", 3),
        ("Ofsted visited Sunderland. Posts were fully staffed for the first time since 2015.", None),
        ("Ofsted visited Sunderland, judged inadequate for the second time in 2018.", None),
    ],
)
def test_visit_ordinal(extract, text, ordinal):
    (v,) = visits(extract(H + text)).values()
    assert v["visit_ordinal"] == ordinal


@pytest.mark.parametrize(
    "text, rating, year, month",
    [
        ("Ofsted visited a council judged ‘inadequate’ in May 2018. It was Surrey.", "inadequate", 2018, 5),
        ("Ofsted commended Surrey council, rated inadequate in 2018, for its work.", "inadequate", 2018, None),
        ("It said Bromley council, rated good in 2018, was improving after an Ofsted visit.", "good", 2018, None),
        ("Ofsted praised good-rated Gateshead council after a visit.", "good", None, None),
        ("Ofsted visited Hampshire council, rated outstanding in March 2019.", "outstanding", 2019, 3),
        ("Ofsted visited Slough, which requires improvement to be good.", "requires_improvement", None, None),
        ("Ofsted visited Croydon council since an ‘inadequate’ verdict.", "inadequate", None, None),
        ("Ofsted found good practice at Bromley council.", None, None, None),
    ],
)
def test_rating_and_when_it_was_given(extract, text, rating, year, month):
    (v,) = visits(extract(H + text)).values()
    assert (v["rating"], v["rating_year"], v["rating_month"]) == (rating, year, month)


def test_a_dated_rating_is_preferred_to_an_undated_mention(extract):
    ex = extract("First return to ‘inadequate’ council\n\nOfsted visited Surrey council, judged inadequate in February 2017.")
    v = visits(ex)["Surrey"]
    assert (v["rating"], v["rating_year"], v["rating_month"]) == ("inadequate", 2017, 2)


def test_focus_comes_from_what_inspectors_focused_on(extract):
    ex = extract(
        H + "Ofsted praised Gateshead council, after a visit that focused on services at the front door. "
        "Inspectors saw child-centred help and protection for children in need."
    )
    assert focus(ex, "Gateshead") == {"front_door"}


def test_focus_falls_back_to_what_the_section_is_about(extract):
    ex = extract(H + "At Newham council, Ofsted noted that services for children in care and care leavers were improving.")
    assert focus(ex, "Newham") == {"children_in_care", "care_leavers"}


@pytest.mark.parametrize(
    "text, area",
    [
        ("Ofsted’s visit to Sunderland focused on children considered for court action.", "pre_proceedings"),
        ("Ofsted’s visit to Surrey evaluated the experiences of looked-after children.", "children_in_care"),
        ("Ofsted’s visit to Surrey looked at support for disabled children.", "disabled_children"),
        ("Ofsted’s visit to Surrey focused on the multi-agency safeguarding hub.", "front_door"),
        ("Ofsted’s visit to Surrey focused on pathway plans for care leavers.", "care_leavers"),
        ("Ofsted’s visit to Surrey focused on child protection plans.", "help_and_protection"),
    ],
)
def test_each_focus_area(extract, text, area):
    assert focus(extract(H + text), "Surrey" if "Surrey" in text else "Sunderland") == {area}


def test_a_councils_own_focus_is_not_the_visits_focus(extract):
    ex = extract(H + "Ofsted visited Medway council.\n\nJosie Iles, portfolio holder, said: “We will be focusing on care leavers.”")
    assert focus(ex, "Medway") == set()


def test_progress_phrase(extract):
    ex = extract(H + "Ofsted reported that Medway council had made “modest but fragile progress” since then.")
    assert visits(ex)["Medway"]["progress_phrase"] == "modest but fragile"
    ex = extract(H + "At Bradford council, Ofsted found ’a slow pace of change’ after its visit.")
    assert visits(ex)["Bradford"]["progress_phrase"] == "slow pace of change"


def test_several_authorities_each_get_their_own_facts(extract):
    text = (
        "Two visits\n\n"
        "In their fourth monitoring visit since finding Gloucestershire council inadequate in February 2017, inspectors focused on help and protection services.\n\n"
        "‘More urgency’ needed at Croydon\n\n"
        "In another monitoring visit, Croydon council was found to be improving. The visit focused on children in care."
    )
    v = visits(extract(text))
    assert set(v) == {"Gloucestershire", "Croydon"}
    assert (v["Gloucestershire"]["visit_ordinal"], v["Gloucestershire"]["rating_year"]) == (4, 2017)
    assert v["Croydon"]["visit_ordinal"] is None and v["Croydon"]["rating"] is None
    ex = extract(text)
    assert focus(ex, "Croydon") == {"children_in_care"} and focus(ex, "Gloucestershire") == {"help_and_protection"}


@pytest.mark.parametrize(
    "text, ordinal",
    [
        ("The fifth monitoring inspection of Rutland council found progress.", 5),
        ("It was the sixth such visit to Rutland council since the rating.", 6),
        ("Ofsted's visit to Rutland council was the sixth and final since the inadequate judgement.", 6),
        ("The visit to Rutland council was the third the regulator has conducted since 2021.", 3),
        ("Rutland council has since been visited four times by inspectors. The latest monitoring visit found progress.", 4),
        ("Inspectors, who had visited Rutland council twice before, found progress on this monitoring visit.", 3),
        ("This monitoring visit to Rutland council was the latest of five.", 5),
        # The trust's count is not the authority's.
        ("The monitoring visit to Rutland council was the first since the new trust took over the service.", None),
    ],
)
def test_visit_ordinal_in_other_words(extract, text, ordinal):
    (v,) = visits(extract(H + text)).values()
    assert v["visit_ordinal"] == ordinal


@pytest.mark.parametrize(
    "text, visit_type",
    [
        ("The third monitoring inspection of Rutland council found progress.", "monitoring_visit"),
        ("A focussed inspection of Rutland council's front door found drift.", "focused_visit"),
        ("Ofsted's focus visit to Rutland council looked at care leavers.", "focused_visit"),
        # A full inspection dated in the past is a look-back, not this visit.
        ("Ofsted's follow-up visit to Rutland council found drift, as a full inspection last year had.", "focused_visit"),
        # A judgement made in the month of the visit was made by it: a full inspection.
        ("Ofsted has judged Rutland council's children's services as good after inspectors visited in March 2024, "
         "in an inspection that rated them good in March 2024.", "inspection"),
    ],
)
def test_visit_type_in_other_words(extract, text, visit_type):
    (v,) = visits(extract(H + text)).values()
    assert v["visit_type"] == visit_type


@pytest.mark.parametrize(
    "text, rating, year, month",
    [
        # The date before the grade.
        ("Ofsted visited Rutland council. A report in July 2022 graded the overall service as ‘Inadequate’.", "inadequate", 2022, 7),
        ("Ofsted visited Rutland council, whose last inspection in May 2019, when services were judged to be good, was praised.", "good", 2019, 5),
        ("Ofsted visited Rutland council after the November 2017 inadequate judgement.", "inadequate", 2017, 11),
        # The grade in other words.
        ("Ofsted visited Rutland council, given the lowest possible rating in February 2015.", "inadequate", 2015, 2),
        ("Ofsted has judged Rutland council's children's services as good in an inspection in April 2024.", "good", 2024, 4),
        # A description, not a grade.
        ("Ofsted visited Rutland council and found children at risk of inadequate protection.", None, None, None),
    ],
)
def test_rating_in_other_words(extract, text, rating, year, month):
    (v,) = visits(extract(H + text)).values()
    assert (v["rating"], v["rating_year"], v["rating_month"]) == (rating, year, month)


def test_a_rating_counted_back_from_the_article_date(extract):
    ex = extract("Headline\n\nPublished: 19 September 2025\n\nOfsted's monitoring visit to Rutland council noted progress since "
                 "the service was judged inadequate two years ago.")
    (v,) = visits(ex).values()
    assert (v["rating"], v["rating_year"], v["rating_month"]) == ("inadequate", 2023, None)


@pytest.mark.parametrize(
    "text, areas",
    [
        ("Ofsted's focused visit to Rutland council, with inspectors looking at children subject to a protection plan, found progress. "
         "Children in care were also mentioned by leaders.", {"help_and_protection"}),
        ("Inspectors spent two days in Rutland council to examine its work on child protection and how referrals are handled.",
         {"help_and_protection", "front_door"}),
        ("This fifth monitoring visit to Rutland council focused on the way the council plans for children and young people who are looked after.",
         {"children_in_care"}),
        # "Too little focus on" is a finding, not what the visit looked at.
        ("Ofsted's monitoring visit to Rutland council looked at pre-proceedings work. There was too little focus on permanence for some children.",
         {"pre_proceedings"}),
    ],
)
def test_focus_in_other_words(extract, text, areas):
    ex = extract(H + text)
    (la,) = visits(ex)
    assert focus(ex, la) == areas


def test_type_cues_screened_find_what_every_cue_over_every_sentence_finds(rules):
    """Each visit-type cue both ways on invented sentences: the plain expression over every row, and
    _type_cues, which runs a cue's regexes only where its literals occur."""
    import polars as pl

    from transforms.visits import _current_hits, _cue_patterns, _look_back, _type_cues

    cues = rules.visit_type_cues
    texts = [t for c in ("example_match", "example_nomatch") for t in cues[c].fill_null("").to_list()] + [
        "Since a focused assurance visit in 2020 the council has been rated good.",
        "The monitoring visit of 2018 found drift; a full inspection last year rated it good.",
        "A full inspection will be carried out next year.",
        "Inspectors made a MONITORING VISIT in March 2019.",
    ]
    frame = pl.DataFrame({"text": texts, "published_year": [2021] * len(texts)})
    for published in (None, pl.col("published_year")):
        plain = frame.select(pl.concat_list([
            pl.when(_current_hits(pl.col("text"), r["pattern"], *_cue_patterns(r["pattern"], _look_back(rules), r["visit_type"] == "inspection"),
                                  r["visit_type"] == "inspection", published)).then(pl.lit(i, dtype=pl.Int32))
            for i, r in enumerate(cues.iter_rows(named=True))
        ]).list.drop_nulls().alias("cues"))["cues"].to_list()
        screened = [[] for _ in texts]
        for row, cue in _type_cues(frame, rules, published).sort("_row", "_cue").select("_row", "_cue").iter_rows():
            screened[row].append(cue)
        assert screened == plain
        assert sum(map(len, plain)) > len(cues)  # the comparison covered cues that do match


@pytest.mark.parametrize(
    "text, year, month",
    [
        # Relative to the article's date (published September 2025).
        ("Ofsted's monitoring visit to Rutland council noted progress after an inadequate judgement last year.", 2024, None),
        ("Ofsted's monitoring visit to Rutland council came after it was rated inadequate earlier this year.", 2025, None),
        ("Ofsted's monitoring visit to Rutland council came after it was rated inadequate in February.", 2025, 2),
        ("Ofsted's monitoring visit to Rutland council came after it was rated inadequate in November.", 2024, 11),
    ],
)
def test_a_rating_dated_relative_to_the_article(extract, text, year, month):
    (v,) = visits(extract("Headline\n\nPublished: 19 September 2025\n\n" + text)).values()
    assert (v["rating"], v["rating_year"], v["rating_month"]) == ("inadequate", year, month)


@pytest.mark.parametrize(
    "text, rating, year, month",
    [
        # The sentence after dates the inspection that gave the grade.
        ("Ofsted made its fourth monitoring visit to Rutland council's ‘inadequate’ rated service. "
         "It was the fourth visit since the full inspection in spring 2022.", "inadequate", 2022, None),
        # The sentence before.
        ("Ofsted made a focused visit to Rutland council in June. This follows its praise in October 2019 following an Ofsted inspection. "
         "The council was given an overall judgement of ‘good’.", "good", 2019, 10),
        # An inspection still to come dates nothing.
        ("Ofsted made a focused visit to Rutland council. The council was given an overall judgement of ‘good’. "
         "The next inspection is expected in 2026.", "good", None, None),
        # A neighbour's date that is the visit's own is not the rating's.
        ("Ofsted visited Rutland council in June 2024 for a focused visit. The council was given an overall judgement of ‘good’. "
         "Its inspection in June 2024 looked at care leavers.", "good", None, None),
    ],
)
def test_an_undated_rating_dated_by_its_neighbour(extract, text, rating, year, month):
    (v,) = visits(extract("Headline\n\n" + text)).values()
    assert (v["rating"], v["rating_year"], v["rating_month"]) == (rating, year, month)
    assert v["visit_type"] != "inspection"  # a rating dated in the visit's month would make it one
