"""Focus areas named in other words, on invented texts."""

import pytest

from tests.helpers import focus


@pytest.mark.parametrize(
    "text, area",
    [
        ("Ofsted carried out a focused visit of Rutland council's response to referrals in May.", "front_door"),
        ("Ofsted's focused visit to Rutland council looked at its front-door services.", "front_door"),
        ("Ofsted's inspectors visited Rutland council and looked at children in the ‘looked after’ system.", "children_in_care"),
    ],
)
def test_focus_in_other_words(extract, text, area):
    assert area in focus(extract("Headline\n\n" + text), "Rutland")
