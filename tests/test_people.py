import polars as pl
import pytest

from tests.helpers import people, quoted

H = "Headline\n\nOfsted visited Surrey council last month.\n\n"


@pytest.mark.parametrize(
    "sentence, name, role",
    [
        ("Clare Curran, the council’s cabinet member for children and families, said: “We are pleased.”", "Clare Curran", "cabinet member for children and families"),
        ("Alisa Flemming, Croydon’s cabinet member for children, young people and learning, said: “Work remains.”", "Alisa Flemming", "cabinet member for children, young people and learning"),
        ("Josie Iles, Medway’s portfolio holder for children’s services, welcomed the progress.", "Josie Iles", "portfolio holder for children’s services"),
        ("The report followed the resignation of Mark Douglas as the council’s director of children’s services earlier this month.", "Mark Douglas", "director of children’s services"),
        ("Leadership was strong under director of children’s services Caroline O’Neill.", "Caroline O’Neill", "director of children’s services"),
        ("“We are proud,” said Jane McDonald, deputy leader of the council.", "Jane McDonald", "deputy leader of the council"),
        ("Cllr Amir Khan welcomed the letter.", "Amir Khan", "councillor"),
        ("Ofsted’s national director Yvette Stanley said the findings were clear.", "Yvette Stanley", "Ofsted’s national director"),
        ("Ann Brown, the council’s director of children’s services, said so.", "Ann Brown", "director of children’s services"),
    ],
)
def test_named_people_and_their_roles(extract, sentence, name, role):
    p = people(extract(H + sentence))
    assert set(p) == {name}
    assert p[name]["role"] == role


def test_no_people_from_capitalised_phrases_without_roles(extract):
    ex = extract(H + "Social Work News reported that West Sussex and Together for Children were visited. Community Care said so.")
    assert people(ex) == {}


def test_person_authority_from_role_or_section(extract):
    ex = extract(
        "Two councils\n\nOfsted visited Bradford council.\n\n"
        "Susan Hinchcliffe, leader of Bradford Council, said: “We are committed.”\n\n"
        "Former Leeds director of children’s services Steve Walker will advise the council.\n\n"
        "Ofsted also visited Gateshead council.\n\nLeadership was strong under director of children’s services Caroline O’Neill."
    )
    p = people(ex)
    assert p["Susan Hinchcliffe"]["la_name"] == "Bradford"
    assert p["Steve Walker"]["la_name"] == "Bradford"  # "former Leeds" is not whom he acts for
    assert p["Caroline O’Neill"]["la_name"] == "Gateshead"


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
