import pytest

from tests.helpers import sentence_las, set_aside, valid_las, visits

H = "Headline\n\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ofsted visited Surrey County Council last month.", "Surrey"),
        ("Inspectors praised Bradford MDC for its progress.", "Bradford"),
        ("Ofsted said Gloucestershire’s social workers were improving.", "Gloucestershire"),
        ("Ofsted visited Hull City Council.", "Kingston upon Hull, City of"),
        ("Ofsted visited the City of Bristol council.", "Bristol, City of"),
        ("Ofsted visited Together for Children in the city.", "Sunderland"),
        ("Ofsted inspected Doncaster Children’s Services Trust.", "Doncaster"),
        ("Ofsted inspected Birmingham Children's Trust.", "Birmingham"),
        ("Ofsted visited Sandwell Children’s Trust.", "Sandwell"),
        ("Ofsted visited Slough Children First.", "Slough"),
        ("Ofsted visited Brighter Futures for Children.", "Reading"),
        ("Ofsted visited Northamptonshire Children’s Trust.", "Northamptonshire"),
        ("Ofsted visited Northamptonshire County Council in 2018.", "Northamptonshire"),
        ("Ofsted visited Cumbria County Council.", "Cumbria"),
        ("Ofsted visited Bournemouth in 2017.", "Bournemouth"),
        ("Ofsted visited Poole council.", "Poole"),
    ],
)
def test_name_variants_trusts_and_abolished_authorities_resolve(extract, text, expected):
    ex = extract(H + text)
    assert valid_las(ex) == {expected}
    assert set(visits(ex)) == {expected}


def test_abolished_authorities_are_marked_not_current(rules):
    las = {r["la_name"]: r["is_current"] for r in rules.authorities.iter_rows(named=True)}
    assert las["Northamptonshire"] is False and las["Cumbria"] is False and las["Bournemouth"] is False and las["Poole"] is False
    assert las["North Northamptonshire"] is True and las["Surrey"] is True
    assert len([v for v in las.values() if v]) == 153


def test_a_trust_serving_several_boroughs_resolves_only_with_one_of_them_named(extract):
    alone = extract(H + "Ofsted visited Achieving for Children last month.")
    assert visits(alone) == {}
    named = extract(H + "Ofsted visited Achieving for Children, which runs services for Richmond upon Thames.")
    assert set(visits(named)) == {"Richmond upon Thames"}


@pytest.mark.parametrize(
    "text, absent",
    [
        ("Reading the report, inspectors found that Surrey had improved.", "Reading"),
        ("Bury the past, said Ofsted of Surrey's progress.", "Bury"),
        ("Ofsted reported that Medway council in Kent had made progress.", "Kent"),
        ("Former Leeds director of children’s services Steve Walker will advise Bradford council, Ofsted said.", "Leeds"),
        ("Ofsted said Sunderland had been working with Doncaster children’s services trust, its partner in practice.", "Doncaster"),
        ("Inspectors praised Surrey, said Jane Kent, a visiting academic.", "Kent"),
    ],
)
def test_words_places_and_partners_do_not_create_visits(extract, text, absent):
    ex = extract(H + text)
    assert absent not in visits(ex)
    assert absent not in valid_las(ex)
    assert len(visits(ex)) == 1


def test_set_aside_mentions_keep_their_reason(extract):
    ex = extract(H + "Ofsted reported that Medway council in Kent had made progress.")
    assert "locate" in set_aside(ex)["Kent"]


def test_reading_as_an_authority_still_counts(extract):
    ex = extract(H + "Ofsted visited Reading Borough Council. Inspectors in Reading found progress.")
    assert set(visits(ex)) == {"Reading"}


def test_each_sentence_belongs_to_the_authority_it_is_about(extract):
    text = (
        "Ofsted visits two councils\n\n"
        "Ofsted visited Croydon council last month. Inspectors found drift.\n\n"
        "Progress elsewhere\n\n"
        "At Newham council, inspectors found improvement. Staff morale was good.\n\n"
        "Inspectors praised both Croydon and Newham."
    )
    las = dict(sentence_las(extract(text)))
    assert las["Inspectors found drift."] == "Croydon"
    assert las["Progress elsewhere"] == "Newham"  # a heading introduces what follows
    assert las["Staff morale was good."] == "Newham"
    assert las["Inspectors praised both Croydon and Newham."] is None


def test_a_single_authority_article_owns_its_headline(extract):
    las = dict(sentence_las(extract("Council ‘inadequate’, Ofsted says\n\nInspectors visited Surrey council.")))
    assert las["Council ‘inadequate’, Ofsted says"] == "Surrey"


def test_no_authority_no_visit(extract):
    ex = extract(H + "Ofsted published its annual report on children's social care today.")
    assert visits(ex) == {} and valid_las(ex) == set()
