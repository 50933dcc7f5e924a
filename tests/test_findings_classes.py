"""Findings by class of expression, on invented sentences: lists of bullets, in-sentence lists, criticism
lead-ins, and the themes named by everyday words."""

import pytest

from tests.helpers import findings

H = "Headline\n\nOfsted’s monitoring visit to Surrey council took place last month.\n\n"


def test_every_bullet_of_a_list_takes_the_lead_ins_polarity_up_to_the_first_paragraph_that_is_not_one(extract):
    text = H + ("Inspectors said more work is needed, including:\n\n  • Planning for children at risk of exploitation\n"
                "  • The frequency of supervision\n  • Placement stability for older children\n\n"
                "The council has welcomed the letter and its director said that recruitment has gone well this year, "
                "with several new posts created across the service and the academy for newly qualified workers now full.")
    f = findings(extract(text))
    assert {("Surrey", "risk_and_neglect", "negative"), ("Surrey", "management_oversight", "negative"),
            ("Surrey", "placements", "negative")} <= f
    # The long paragraph after the bullets is not an item of the list (and is the council's).
    assert ("Surrey", "workforce_stability", "negative") not in f


def test_items_after_the_colon_of_an_in_sentence_praise_lead_in_are_praise(extract):
    text = H + "Inspectors saw good practice in several areas, including: support for foster carers; performance management; and early help."
    f = findings(extract(text))
    assert {("Surrey", "placements", "positive"), ("Surrey", "quality_assurance", "positive")} <= f


def test_a_criticism_lead_in_naming_who_was_criticised(extract):
    text = H + "Inspectors also criticised managers for:\n\n  • Not listening to young people.\n  • Weak oversight of plans.\n\nThe report is online."
    f = findings(extract(text))
    assert ("Surrey", "direct_work", "negative") in f and ("Surrey", "management_oversight", "negative") in f


@pytest.mark.parametrize(
    "sentence, theme, polarity",
    [
        ("Inspectors found strong relationships between practitioners and parents.", "direct_work", "positive"),
        ("Practitioners were praised for knowing their young people well.", "direct_work", "positive"),
        ("Inspectors found that social workers really know the children they support.", "direct_work", "positive"),
        ("Inspectors found that a few children were taken off child protection plans too early.", "thresholds_and_decisions", "negative"),
        ("Inspectors raised concerns that some children were living in unregistered homes.", "placements", "negative"),
        ("Inspectors found the multi agency hub effective.", "partnership_working", "positive"),
    ],
)
def test_themes_named_by_everyday_words(extract, sentence, theme, polarity):
    assert ("Surrey", theme, polarity) in findings(extract(H + sentence))


def test_a_sentence_naming_two_visited_authorities_states_its_finding_of_each(extract):
    text = ("Headline\n\nOfsted’s monitoring visits to Surrey council and Kent council took place last month.\n\n"
            "In letters to both Surrey and Kent, inspectors said senior leaders were committed and effective.")
    f = findings(extract(text))
    assert {("Surrey", "leadership", "positive"), ("Kent", "leadership", "positive")} <= f


@pytest.mark.parametrize(
    "sentence, theme",
    [
        ("“Most children in care live in settled homes with carers who look after them well,” the letter said.", "placements"),
        ("Inspectors found that children enter care at the right time.", "thresholds_and_decisions"),
    ],
)
def test_praise_without_an_evaluative_adjective(extract, sentence, theme):
    assert ("Surrey", theme, "positive") in findings(extract(H + sentence))


def test_lists_under_areas_of_progress_and_areas_identified_for_development(extract):
    text = H + ("Inspectors noted several areas of progress, including:\n\n  • Management oversight of cases\n\n"
                "Areas identified for further development include:\n\n  • Reducing changes of social worker\n\nThe letter is online.")
    f = findings(extract(text))
    assert ("Surrey", "management_oversight", "positive") in f and ("Surrey", "workforce_stability", "negative") in f
