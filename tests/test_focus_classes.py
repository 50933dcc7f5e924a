"""Focus areas named in other words, on invented texts."""

import pytest

from tests.helpers import focus


@pytest.mark.parametrize(
    "text, area",
    [
        ("Ofsted carried out a focused visit of Rutland council's response to referrals in May.", "front_door"),
        ("Ofsted's focused visit to Rutland council looked at its front-door services.", "front_door"),
        ("Ofsted's inspectors visited Rutland council and looked at children in the ‘looked after’ system.", "children_in_care"),
        ("Last month's Ofsted visit to Rutland council looked at how it supports children who need help or protection.", "help_and_protection"),
        ("Ofsted's monitoring visit to Rutland council focused on the services it provides for the children it looks after.", "children_in_care"),
    ],
)
def test_focus_in_other_words(extract, text, area):
    assert area in focus(extract("Headline\n\n" + text), "Rutland")


def test_one_area_said_of_several_authorities_is_each_ones_focus(extract):
    ex = extract("Headline\n\nOfsted inspectors carrying out focused checks on the front door in Rutland and Torbay found both well run.\n\n"
                 "In Rutland, inspectors found that leaders know the service well.")
    assert focus(ex, "Rutland") == {"front_door"}
    assert focus(ex, "Torbay") == {"front_door"}


def test_two_areas_said_of_several_authorities_say_nothing_of_either(extract):
    ex = extract("Headline\n\nOfsted inspectors looked at the front door in Rutland and at care leavers in Torbay.\n\n"
                 "In Rutland, inspectors found that leaders know the service well.")
    assert focus(ex, "Rutland") == set()
    assert focus(ex, "Torbay") == set()


# The marks cleaning keeps (boilerplate.csv removes the commonest ones, making each item its own paragraph).
@pytest.mark.parametrize("mark", ["●", "◼", "■", "➢"])
def test_list_items_under_a_lead_in_name_the_focus(extract, mark):
    ex = extract("Headline\n\nOfsted carried out a monitoring visit to Rutland council in May.\n\n"
                 "Inspectors reviewed the progress made in the following areas:\n\n"
                 f"{mark} Arrangements for children in need, including disabled children.\n\n"
                 f"{mark} The quality of management oversight.\n\n"
                 "Social workers said that care leavers were well supported.")
    assert focus(ex, "Rutland") == {"help_and_protection", "disabled_children"}
