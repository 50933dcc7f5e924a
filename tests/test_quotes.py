"""Quotes, who said them, and whose claim each sentence reports."""

import polars as pl

from tests.helpers import people, quoted

H = "Headline\n\nOfsted visited Surrey council last month.\n\n"


def test_quoted_people_including_continuations_pronouns_and_surnames(extract):
    ex = extract(
        H
        + "Josie Iles, Medway’s portfolio holder for children’s services, welcomed the progress.\n\n"
        + "“We recognise that there is still a long way to go in our improvement journey.”\n\n"
        + "Richard Boyles, the council’s cabinet member for children, described the report as showing it had “turned a corner”.\n\n"
        + "Mark Douglas, the director of children’s services, resigned last month.\n\n"
        + "Jill Colbert, the chief executive, told reporters the trust was stable.\n\n"
        + "“Quality assurance has always been limited in our trust,” she said.\n\n"
        + "Colbert said that part-time working had helped."
    )
    assert quoted(ex) == {"Josie Iles", "Richard Boyles", "Jill Colbert"}


def test_unnamed_speakers_are_speakers_without_a_person(extract):
    ex = extract(
        H + "A Surrey council spokesman said: “We fully accept these findings and will act.”\n\n"
        "He added: “Ofsted recognised our new senior team.”"
    )
    assert people(ex) == {}
    q = ex.quotes
    assert q.height == 2
    assert set(q["speaker_role"].to_list()) == {"spokesperson"} and set(q["speaker_type"].to_list()) == {"council"}
    assert set(q["speaker_name"].to_list()) == {None}
    assert set(q["la_name"].to_list()) == {"Surrey"}


def test_quote_speaker_types(extract):
    ex = extract(
        H + "“Most children are visited within timescales,” Ofsted said.\n\n"
        "Clare Curran, the council’s cabinet member for children, said: “We welcome the report.”\n\n"
        "“The pace must quicken now,” said Professor Ann Brown of a children’s charity."
    )
    types = dict(zip(ex.quotes["quote_text"].str.slice(1, 9).to_list(), ex.quotes["speaker_type"].to_list()))
    assert types["Most chil"] == "inspectorate"
    assert types["We welcom"] == "council"
    assert types["The pace "] == "other"
    assert "Ann Brown" in ex.quotes["speaker_name"].to_list()  # the title is not part of the name


def test_sentences_in_council_words_are_asserted_by_the_council(extract):
    ex = extract(
        H + "Clare Curran, the council’s cabinet member, said: “We are recruiting more permanent staff to cut caseloads.”\n\n"
        "Curran added that recruitment was a key focus.\n\n"
        "Inspectors said caseloads were manageable."
    )
    s = {r["text"][:12]: r["asserted_by"] for r in ex.sentences.filter(pl.col("block_kind") == "body").iter_rows(named=True)}
    assert s["Clare Curran"] == "council"
    assert s["Curran added"] == "council"
    assert s["Inspectors s"] == "inspectorate"


def test_a_title_and_surname_attributes_the_quote_to_the_person(extract):
    ex = extract(H + "Mayor Viv Carden set out the plan.\n\nMayor Carden said: “This is a big step for the whole town.”")
    assert quoted(ex) == {"Viv Carden"}


def test_the_addressee_of_a_letter_is_not_its_speaker(extract):
    ex = extract(H + "“Staff know their children well,” a letter from Ofsted to the council’s director of children’s services "
                 "Hal Brisco, who joined in May, said.")
    assert "Hal Brisco" in people(ex)
    assert quoted(ex) == set()
    assert ex.quotes["speaker_type"].to_list() == ["inspectorate"]


def test_a_short_fragment_is_a_quote_when_its_speaker_is_named(extract):
    ex = extract(H + "The new leader of the council, Coun Bea Farrow, said she was “really pleased”.")
    assert quoted(ex) == {"Bea Farrow"}
    # without a speaker a two-word fragment is not a quote
    assert extract(H + "The service was “really improving” by then.").quotes.is_empty()


def test_speaker_types_of_inspectors_spokespeople_and_the_council(extract):
    ex = extract(
        H + "Nell Dacre, His Majesty’s Inspector, said: “Leaders know their services well.”\n\n"
        "An Ofsted spokeswoman said: “The letter will be published soon.”\n\n"
        "“We accept the findings in full,” the council said."
    )
    types = dict(zip(ex.quotes["quote_text"].str.slice(1, 9).to_list(), ex.quotes["speaker_type"].to_list()))
    assert types == {"Leaders k": "inspectorate", "The lette": "inspectorate", "We accept": "council"}
