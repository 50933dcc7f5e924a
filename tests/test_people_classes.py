"""People and quotes by class of expression, on invented texts: lists of names in minutes, a staffing
history, a quote opening the paragraph after 'said:', an attribution whose apposition has no closing
comma, and a speaker in a final paragraph cut mid-sentence."""

import pytest

H = "Headline\n\nOfsted’s monitoring visit to Rutland council found progress.\n\n"


def names(ex) -> dict[str, str | None]:
    return {r["person_name"]: r["role"] for r in ex.people.iter_rows(named=True)}


def speakers(ex) -> set[str]:
    return {r["speaker_name"] for r in ex.quotes.iter_rows(named=True) if r["speaker_name"]}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Councillors Ada Frost, Ivo Pellew and Mo Reid asked about the letter.", {"Ada Frost", "Ivo Pellew", "Mo Reid"}),
        ("Present: Councillor Ada Frost, Ivo Pellew and Mo Reid.", {"Ada Frost", "Ivo Pellew", "Mo Reid"}),
        ("Ada Frost took on the role after the retirement of Ivo Pellew, before Mo Reid replaced her.", {"Ada Frost", "Ivo Pellew", "Mo Reid"}),
        ("Ada Frost then became director of children’s services.", {"Ada Frost"}),
    ],
)
def test_people_in_lists_and_staffing_histories(extract, text, expected):
    assert expected <= set(names(extract(H + text)))


def test_a_list_under_a_plural_title_takes_its_role(extract):
    found = names(extract(H + "Councillors Ada Frost, Ivo Pellew and Mo Reid asked about the letter."))
    assert {found["Ada Frost"].casefold(), found["Ivo Pellew"].casefold(), found["Mo Reid"].casefold()} == {"councillor"}


def test_a_quote_in_the_paragraph_after_said_is_the_speakers(extract):
    text = H + "Councillor Ada Frost, chair of the children's committee, said:\n\n“This letter shows that we are making real progress.”"
    assert "Ada Frost" in speakers(extract(text))


def test_an_apposition_without_its_closing_comma_still_names_the_speaker(extract):
    text = H + "Ada Frost, cabinet member for children at Rutland Council said: “We are delighted with the letter and the work.”"
    assert "Ada Frost" in speakers(extract(text))


def test_a_speaker_in_a_final_paragraph_cut_mid_sentence_is_kept(extract):
    text = H + "The letter was published on Tuesday.\n\nCouncillor Ada Frost, Rutland Council’s cabinet member for children, said: “I am very"
    assert "Ada Frost" in names(extract(text))


def test_a_fronted_phrase_before_a_praise_verb_is_not_a_speaker(extract):
    text = H + "Meanwhile, in a report today, Ofsted praised Rutland, following a visit that focused on the front door."
    ex = extract(text)
    row = [r for r in ex.sentences.iter_rows(named=True) if r["text"].startswith("Meanwhile")][0]
    assert row["asserted_by"] == "inspectorate"


@pytest.mark.parametrize(
    "text, person, role",
    [
        # The post named in the sentence before.
        ("The council has had four directors of children’s services in five years.\n\n"
         "Ada Frost took on the role after the retirement of Ivo Pellew.", "Ada Frost", "director of children’s services"),
        ("The council has had four directors of children’s services in five years.\n\n"
         "Ada Frost took on the role after the retirement of Ivo Pellew.", "Ivo Pellew", "director of children’s services"),
        # Earlier in the same sentence.
        ("Since 2019 there have been three service managers, with Mo Reid being appointed in June.", "Mo Reid", "service manager"),
        # A role a frame reads wins over the post named before.
        ("The council has had four directors in five years.\n\n"
         "Ada Frost, the cabinet member for children, welcomed the appointment of Ivo Pellew.", "Ada Frost", "cabinet member for children"),
    ],
)
def test_a_post_holder_holds_the_post_named_before(extract, text, person, role):
    assert names(extract(H + text))[person] == role


def test_a_post_holder_after_no_council_post_has_no_role(extract):
    found = names(extract(H + "Inspectors praised the new leadership.\n\nAda Frost took on the role after the retirement of Ivo Pellew."))
    assert found["Ada Frost"] is None and found["Ivo Pellew"] is None
