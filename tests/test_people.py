import pytest

from tests.helpers import people

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


# One test per class of expression, on invented sentences (see seeds/rules/person_patterns.csv).
@pytest.mark.parametrize(
    "text, name, role_words",
    [
        # a role ahead of the name, with a comma, an acronym and an honour after the name
        ("The council appointed a permanent Director of Children’s Services (DCS), Nora Vell OBE, who started in June.",
         "Nora Vell", "Director of Children’s Services"),
        # a role after the name runs to the end of its clause, commas and 'and' included
        ("The changes were led by Tomas Frey, the borough’s Director of Children, Young People and Family Services.",
         "Tomas Frey", "Director of Children, Young People and Family Services"),
        # a role after the name ends at a speech verb with no comma before it
        ("Rhea Quinton, Director of Learning and Inclusion said: “We will act on this.”", "Rhea Quinton", "Director of Learning and Inclusion"),
        # ... or at any other verb
        ("Gil Marron, director of children’s services at the council, was brought in last year.",
         "Gil Marron", "director of children’s services at the council"),
        # 'said' and a role before the name
        ("“We are on track,” said Trust CEO Ola Brandt.", "Ola Brandt", "Trust CEO"),
        # a role before a title and the name
        ("The portfolio is held by deputy leader Coun Fen Aldous, who took it on in May.", "Fen Aldous", "deputy leader"),
        # the addressee of a letter, with the role after the name
        ("In a letter to Hal Brisco, director of children’s services, inspectors set out their findings.",
         "Hal Brisco", "director of children’s services"),
        # a role before the name without a comma
        ("A letter to the county’s interim director Sal Brent was published.", "Sal Brent", "interim director"),
        # an HM inspector named in a letter, either way round
        ("The letter was signed by HMI Dora Kemp.", "Dora Kemp", "HM inspector"),
        ("Dora Kemp, His Majesty’s Inspector, wrote the letter.", "Dora Kemp", "His Majesty’s Inspector"),
        # an MP by the seat they hold, and by the letters after the name
        ("Cal Dorsey, who represents the Eastfield constituency, says the service must improve.", "Cal Dorsey", "MP"),
        ("Ivy Lorne MP wrote to the minister about the report.", "Ivy Lorne", "MP"),
    ],
)
def test_people_by_class_of_expression(extract, text, name, role_words):
    p = people(extract(H + text))
    assert name in p, p
    assert set(role_words.lower().split()) <= set((p[name]["role"] or "").lower().replace("(", " ").replace(")", " ").split())


def test_initials_after_a_title_and_lists_of_people_with_roles(extract):
    p = people(extract(H + "Councillor T Wragge, Cabinet Member for Education, Ivo Castell, Executive Director of Children and Learning, "
                       "Surrey County Council; and Pam Reddy, Head of Service: Children’s Social Care, were present."))
    assert p["T Wragge"]["role"] == "Cabinet Member for Education"
    assert p["Ivo Castell"]["role"].startswith("Executive Director of Children and Learning")
    assert p["Pam Reddy"]["role"].startswith("Head of Service: Children’s Social Care")


def test_a_title_and_surname_gives_its_role_to_the_person_named_earlier(extract):
    p = people(extract(H + "Councillor Una Petrov opened the meeting.\n\n"
                       "Councillor Petrov, Cabinet Member for Children’s Social Care, said staff were committed."))
    assert set(p) == {"Una Petrov"}
    assert p["Una Petrov"]["role"] == "Cabinet Member for Children’s Social Care"


def test_two_named_holders_of_a_plural_role(extract):
    p = people(extract(H + "Inspectors Lena Hart and Rob Ayling found strengths in the front door."))
    assert {n: r["role"] for n, r in p.items()} == {"Lena Hart": "Inspector", "Rob Ayling": "Inspector"}
    # inspectors act for no authority: the visited council is not theirs
    assert {r["la_name"] for r in p.values()} == {None}


def test_leaders_and_appointees_without_a_role_act_for_the_sentence_authority(extract):
    p = people(extract(H + "Under the permanent leadership of Joss Kemble and Mae Ortiz, Surrey’s services improved.\n\n"
                       "Three directors have served, with Kit Ormond being appointed in May."))
    assert set(p) == {"Joss Kemble", "Mae Ortiz", "Kit Ormond"}
    assert p["Joss Kemble"]["role"] is None and p["Joss Kemble"]["la_name"] == "Surrey"


def test_a_caption_that_opens_with_a_name(extract):
    p = people(extract(H + "Ada Quill: calls for the councillor to resign\n\nThe report was published on Friday."))
    assert "Ada Quill" in p


def test_no_people_from_places_documents_or_plural_roles_after_a_name(extract):
    ex = extract(
        H + "Eastfield Council said it was disappointed.\n\n"
        "The Written Statement of Action was agreed, and an Accelerated Progress Plan said more was needed.\n\n"
        "In a letter to Lou Penrose, inspectors said progress was slow."
    )
    p = people(ex)
    assert set(p) == {"Lou Penrose"}
    assert p["Lou Penrose"]["role"] is None  # "inspectors" is who wrote, not her role


def test_the_unmasked_prefilter_passes_every_sentence_the_masked_test_passes(rules):
    """find_people masks only the sentences the unmasked test passes: run both ways on invented
    sentences (stopwords after spaces, brackets and quote marks; titles; no name at all), the
    unmasked test is never stricter, and it does turn sentences away."""
    import random

    import polars as pl

    from transforms.people import could_hold_person, mask_expr

    words = ["The", "Council", "said", "Ann", "Lee", "(The", "“But", "‘And", '"So', "Mayor", "Lord", "Cllr", "cllr",
             "director", "of", "children’s", "services", "Then", "Despite", "O’Neill", "J.", "At", "In", "welcomed", "it", "."]
    rng = random.Random(7)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    texts += ["The Then director said.", "Lord Mayor Ann said", "(The Council) director said", "no names here, said the director"]
    frame = pl.DataFrame({"text": texts}).with_columns(mask_expr(pl.col("text"), rules).alias("masked"))
    checked = frame.select(
        could_hold_person(rules, pl.col("masked")).alias("masked_passes"),
        could_hold_person(rules, pl.col("text"), unmasked=True).alias("unmasked_passes"),
    )
    assert checked.filter(pl.col("masked_passes") & ~pl.col("unmasked_passes")).is_empty()
    # The comparison covered sentences masking turns away and sentences both tests refuse.
    assert checked.filter(~pl.col("masked_passes") & pl.col("unmasked_passes")).height > 10
    assert checked.filter(pl.col("masked_passes")).height > 100 and checked.filter(~pl.col("unmasked_passes")).height > 100
