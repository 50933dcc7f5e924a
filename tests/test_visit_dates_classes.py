"""Visit dates and authorities by class of expression, on invented texts: a possessive month, a visit
word in another form, the latest visit's date against an earlier one's, and the subject carried past
a digression naming other authorities."""

import pytest

from tests.helpers import sentence_las, visits


@pytest.mark.parametrize(
    "text, month",
    [
        ("Ofsted found progress at Rutland council. Following June’s second monitoring visit, inspectors praised leaders.", 6),
        ("Rutland council was inspected by Ofsted. Of the areas investigated in October, three were judged good.", 10),
        ("Rutland council was praised in a report after visiting the county in February.", 2),
        # The latest visit's date wins over the date of the visit it follows.
        ("Following their visit to Rutland council in March 2023, Ofsted's latest inspection in November 2024 found good practice.", 11),
    ],
)
def test_visit_month(extract, text, month):
    (v,) = visits(extract("Headline\n\n" + text)).values()
    assert v["visit_month"] == month


def test_a_digression_naming_other_authorities_does_not_end_the_subject(extract):
    text = ("Headline\n\nOfsted's inspection of Rutland council found strong practice.\n\n"
            "At the time of its last inspection, Rutland council shared services with Leicestershire and Lincolnshire.\n\n"
            "The latest visit found that supervision is regular.")
    las = dict(sentence_las(extract(text)))
    assert las["At the time of its last inspection, Rutland council shared services with Leicestershire and Lincolnshire."] is None
    assert las["The latest visit found that supervision is regular."] == "Rutland"
