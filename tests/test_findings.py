"""Findings on hand-written sentences: every theme, negation, contrast, hand-over, and silence."""

import pytest
import polars as pl

from tests.helpers import findings

H = "Headline\n\nOfsted’s monitoring visit to Surrey council took place last month.\n\n"


@pytest.mark.parametrize(
    "sentence, theme, polarity",
    [
        ("Inspectors found that the council relies heavily on agency social workers and turnover is high.", "workforce_stability", "negative"),
        ("Inspectors said recruitment of permanent staff had improved.", "workforce_stability", "positive"),
        ("Inspectors found caseloads were manageable.", "caseloads", "positive"),
        ("Inspectors found a backlog of unallocated cases that was too large.", "caseloads", "negative"),
        ("Staff morale was good and social workers felt well supported.", "morale_and_support", "positive"),
        ("Senior leaders have a clear understanding of the weaknesses.", "leadership", "positive"),
        ("Management oversight of casework was poor.", "management_oversight", "negative"),
        ("Supervision was regular and effective.", "management_oversight", "positive"),
        ("Auditing of casework was insufficient.", "quality_assurance", "negative"),
        ("Performance management was rigorous.", "quality_assurance", "positive"),
        ("Thresholds were applied inconsistently.", "thresholds_and_decisions", "negative"),
        ("Assessments were comprehensive and analytical.", "assessment_and_planning", "positive"),
        ("Contingency planning was limited.", "assessment_and_planning", "negative"),
        ("Direct work with children was purposeful.", "direct_work", "positive"),
        ("Life-story work was poor.", "direct_work", "negative"),
        ("Some children experienced drift and delay.", "timeliness_and_drift", "negative"),
        ("Most children were visited within timescales.", "timeliness_and_drift", "positive"),
        ("Permanence planning has improved.", "permanence", "positive"),
        ("Personal education plans were poor and the virtual school was ineffective.", "health_and_education", "negative"),
        ("Multi-agency working was strong.", "partnership_working", "positive"),
        ("Responses to neglect were weak.", "risk_and_neglect", "negative"),
        ("Personal advisers provided skilled support.", "care_leavers_support", "positive"),
        ("Placement stability was poor.", "placements", "negative"),
        ("Use of section 20 was poorly understood.", "legal_and_court", "negative"),
    ],
)
def test_every_theme(extract, sentence, theme, polarity):
    assert ("Surrey", theme, polarity) in findings(extract(H + sentence))


def test_every_theme_key_has_a_case():
    themes = {case.args[1] if hasattr(case, "args") else case[1] for case in test_every_theme.pytestmark[0].args[1]}
    from transforms.rules import load_rules
    from tests.helpers import PROJECT

    assert themes == set(load_rules(PROJECT / "seeds").vocab["themes"]["theme"])


def test_contrast_yields_one_of_each(extract):
    f = findings(extract(H + "Health assessments have improved, but further work is required."))
    assert {("Surrey", "health_and_education", "positive"), ("Surrey", "health_and_education", "negative")} <= f


@pytest.mark.parametrize(
    "sentence, theme, polarity, not_polarity",
    [
        ("Auditing of casework is not yet having an impact on practice improvement.", "quality_assurance", "negative", "positive"),
        ("Children’s plans are no longer drifting.", "timeliness_and_drift", "positive", "negative"),
        ("Supervision is not effective.", "management_oversight", "negative", "positive"),
        ("Partnership working was rarely “dynamic or purposeful”.", "partnership_working", "negative", "positive"),
        ("Improvements are needed to the commissioning of placements.", "placements", "negative", "positive"),
        ("Progress is held back by inconsistent management oversight.", "management_oversight", "negative", "positive"),
        ("Staff turnover limits the council’s ability to deliver effective practice.", "workforce_stability", "negative", "positive"),
    ],
)
def test_negation_and_weighted_phrases(extract, sentence, theme, polarity, not_polarity):
    f = findings(extract(H + sentence))
    assert ("Surrey", theme, polarity) in f
    assert ("Surrey", theme, not_polarity) not in f


def test_authority_hand_over_in_a_multi_authority_text(extract):
    text = (
        "Two councils visited\n\n"
        "Ofsted visited Croydon council. Inspectors found drift in permanence planning.\n\n"
        "Better news\n\n"
        "At Newham council, inspectors found that caseloads were manageable. Staff morale was good.\n\n"
        "Medway council in Kent was not visited. Former Leeds director Jo Bloggs praised the supervision."
    )
    f = findings(extract(text))
    assert ("Croydon", "timeliness_and_drift", "negative") in f
    assert ("Newham", "caseloads", "positive") in f
    assert ("Newham", "morale_and_support", "positive") in f
    assert not any(la in ("Kent", "Leeds") for la, _, _ in f)
    # "Medway council in Kent" hands over to Medway, not Kent; the former Leeds director does not take over.
    assert ("Medway", "management_oversight", "positive") in findings(extract(text), counted_only=False)


@pytest.mark.parametrize(
    "text",
    [
        "Comments are closed.",
        "Ofsted published the letter on its website on Tuesday.",
        "Clare Curran, the council’s cabinet member, said: “Our caseloads are manageable and morale is strong.”",
        "Curran added that recruitment of permanent social workers was improving.",
        "In its May inspection report, Ofsted criticised poor management oversight at the council.",
        "That visit had found that too few disabled children received effective assessments.",
        "The council plans to recruit more social workers next year.",
    ],
)
def test_sentences_that_produce_no_inspection_finding(extract, text):
    f = findings(extract(H + text))
    assert f == set(), f


def test_council_words_and_look_backs_are_kept_but_marked(extract):
    ex = extract(
        H + "Clare Curran, the council’s cabinet member, said: “Our caseloads are manageable.”\n\n"
        "In its May inspection report, Ofsted criticised poor management oversight at the council."
    )
    rows = {(r["theme"], r["asserted_by"], r["is_previous_inspection"]) for r in ex.findings.iter_rows(named=True)}
    assert ("caseloads", "council", False) in rows
    assert ("management_oversight", "inspectorate", True) in rows


def test_findings_keep_their_evidence_span(extract):
    ex = extract(H + "Inspectors found caseloads were manageable.")
    clean = ex.articles["clean_text"][0]
    for r in ex.findings.iter_rows(named=True):
        assert clean[r["start"] : r["end"]] == r["sentence_text"]
        assert r["theme_cue"] and r["polarity_cue"]


# --- Classes of expression on unseen prose (issue 11). Every sentence is invented.


@pytest.mark.parametrize(
    "sentence, theme, polarity",
    [
        # inflections and synonyms
        ("Retention of social workers has improved.", "workforce_stability", "positive"),
        ("There is now greater stability within the social work workforce.", "workforce_stability", "positive"),
        ("Most management posts are now filled by permanent staff.", "workforce_stability", "positive"),
        ("Almost a third of posts were vacant, which has impacted on children's experiences.", "workforce_stability", "negative"),
        ("Staff are dedicated and optimistic about the future.", "morale_and_support", "positive"),
        ("Children who go missing are seen promptly.", "risk_and_neglect", "positive"),
        ("Strategy discussions are not always held in time.", "thresholds_and_decisions", "negative"),
        ("Education, health and care plans vary in quality and lack detail.", "health_and_education", "negative"),
        ("Too many children do not have clear long-term plans.", "permanence", "negative"),
        ("Social workers know their children and families well.", "direct_work", "positive"),
        ("The council's work with care leavers is creative and effective.", "care_leavers_support", "positive"),
        ("Court work has improved.", "legal_and_court", "positive"),
        # hedges
        ("Caseloads are still too high for newly qualified staff.", "caseloads", "negative"),
        ("Supervision remains variable.", "management_oversight", "negative"),
        ("Leaders do not know their services well enough.", "leadership", "negative"),
        ("There is a lack of timely assessments.", "assessment_and_planning", "negative"),
        ("Further work is needed on case recording.", "quality_assurance", "negative"),
        ("Regular supervision would help managers.", "management_oversight", "negative"),
        ("Leaders cannot be assured that children are safe.", "leadership", "negative"),
        ("Strategy meetings were not then being held in a timely manner.", "thresholds_and_decisions", "negative"),
        ("The council was told to improve the consistency of supervision.", "management_oversight", "negative"),
        # comparatives
        ("Children's views are now better understood.", "direct_work", "positive"),
        ("Multi-agency working is stronger and more consistent.", "partnership_working", "positive"),
        ("Children now benefit from smaller caseloads.", "caseloads", "positive"),
    ],
)
def test_classes_of_expression(extract, sentence, theme, polarity):
    assert ("Surrey", theme, polarity) in findings(extract(H + sentence))


@pytest.mark.parametrize(
    "sentence, theme, not_polarity",
    [
        ("Leaders do not know their services well enough.", "leadership", "positive"),
        ("There is a lack of timely assessments.", "assessment_and_planning", "positive"),
        ("Regular supervision would help managers.", "management_oversight", "positive"),
        # the grade after "rated" is no praise, "as well as" no praise either
        ("Inspectors found that the service, rated good in 2018, has weak supervision.", "management_oversight", "positive"),
        ("Inspectors met managers as well as reviewing supervision records that were poor.", "management_oversight", "positive"),
        # a problem being tackled is no criticism
        ("Leaders have found solutions to the challenges in commissioning.", "placements", "negative"),
        # a fronted concession: the training is not what the turnover criticises
        ("Despite an extensive training programme, turnover remains high.", "morale_and_support", "negative"),
    ],
)
def test_hedges_ratings_and_concessions_do_not_flip(extract, sentence, theme, not_polarity):
    assert ("Surrey", theme, not_polarity) not in findings(extract(H + sentence))


def test_inspectorate_relay_in_an_officers_reported_speech_counts(extract):
    f = findings(extract(H + "Jo Bloggs, the council’s director of children’s services, said Ofsted noted that supervision is now regular."))
    assert ("Surrey", "management_oversight", "positive") in f


def test_relay_leading_a_quoted_sentence_counts_but_not_in_passing(extract):
    leading = extract(H + "Clare Curran, the council’s cabinet member, said: “We are pleased. Inspectors noted that supervision is now regular and reflective.”")
    assert ("Surrey", "management_oversight", "positive") in findings(leading)
    passing = extract(H + "Clare Curran, the council’s cabinet member, said: “Our caseloads are manageable, as recognised by Ofsted last week.”")
    assert ("Surrey", "caseloads", "positive") not in findings(passing)


@pytest.mark.parametrize(
    "sentence",
    [
        "We have invested in our front door and caseloads are now lower.",
        "The council is working to recruit more permanent social workers.",
        "Appropriate plans are underway to reduce caseloads.",
        "Prior to the inspection, the council had already identified weak supervision.",
    ],
)
def test_the_councils_own_claims_and_plans_do_not_count(extract, sentence):
    assert findings(extract(H + sentence)) == set()


@pytest.mark.parametrize(
    "sentence",
    [
        "In June 2021, inspectors said that leaders lacked grip.",
        "The service was rated inadequate in 2019 amid concerns about weak leadership.",
        "Leaders previously told the panel that caseloads were too high.",
        "Previous monitoring visits found poor supervision.",
        "A visit last autumn found that assessments were thorough.",
        "Inspectors reviewed progress in supervision and management oversight.",
    ],
)
def test_history_and_scope_do_not_count(extract, sentence):
    assert findings(extract(H + sentence)) == set()


def test_since_the_last_inspection_is_a_yardstick_not_a_look_back(extract):
    f = findings(extract(H + "Supervision has improved since the last monitoring visit."))
    assert ("Surrey", "management_oversight", "positive") in f


def test_past_perfect_in_minutes_is_this_visits_finding(extract):
    f = findings(extract(H + "The committee was told that the letter had identified weak supervision."))
    assert ("Surrey", "management_oversight", "negative") in f


def test_bullets_under_a_criticism_lead_in_are_criticism(extract):
    text = H + "Areas for improvement include:\n\n  • the timeliness of initial health assessments\n  • the quality and frequency of supervision\n\nThe letter was published on Tuesday."
    f = findings(extract(text))
    assert {("Surrey", "health_and_education", "negative"), ("Surrey", "management_oversight", "negative")} <= f
    assert ("Surrey", "management_oversight", "positive") not in f


def test_bullets_under_a_praise_lead_in_are_praise(extract):
    text = H + "Strengths identified by inspectors include:\n\n  • direct work with children and their families\n\nThe letter was published on Tuesday."
    assert ("Surrey", "direct_work", "positive") in findings(extract(text))


def test_bullets_take_the_voice_of_a_neutral_lead_in_and_keep_their_own_polarity(extract):
    text = H + "Key findings of the visit include:\n\n  • Supervision is regular and reflective.\n  • Caseloads are too high."
    f = findings(extract(text))
    assert {("Surrey", "management_oversight", "positive"), ("Surrey", "caseloads", "negative")} <= f


def test_criticism_lead_in_within_a_sentence_and_its_continuation(extract):
    f = findings(extract(H + "Inspectors highlighted areas for improvement, including the quality of supervision and the timeliness of assessments."))
    assert ("Surrey", "management_oversight", "negative") in f and ("Surrey", "management_oversight", "positive") not in f
    f = findings(extract(H + "Inspectors identified several areas of improvement. These include the response to neglect."))
    assert ("Surrey", "risk_and_neglect", "negative") in f


def test_a_quote_spoken_by_the_letter_is_the_inspectorates_to_its_end(extract):
    text = H + "The letter said: “Leaders have a clear plan. Supervision is regular and effective.”"
    assert ("Surrey", "management_oversight", "positive") in findings(extract(text))


def test_a_quote_attributed_after_it_to_a_letter_is_the_inspectorates(extract):
    text = H + "“Managers have acted swiftly to reduce caseloads,” a letter from Ofsted to the council’s director, who started in May, said."
    assert ("Surrey", "caseloads", "positive") in findings(extract(text))


def test_headlines_state_findings(extract):
    text = "Caseloads still too high, says Ofsted\n\nOfsted’s monitoring visit to Surrey council took place last month."
    assert ("Surrey", "caseloads", "negative") in findings(extract(text))


def test_findings_count_only_for_an_authority_with_a_visit(rules):
    from transforms.findings import extract_findings

    sentences = pl.DataFrame(
        {
            "article_key": ["a", "a"],
            "block_no": [1, 2],
            "block_kind": ["body", "body"],
            "sentence_no": [0, 1],
            "start": [0, 40],
            "end": [39, 80],
            "text": ["Inspectors found caseloads were manageable.", "Inspectors found caseloads were manageable."],
            "la_name": ["Surrey", "Kent"],
            "quoted_share": [0.0, 0.0],
            "asserted_by": ["inspectorate", "inspectorate"],
        }
    )
    visits = pl.DataFrame({"article_key": ["a"], "la_name": ["Surrey"]})
    rows = extract_findings(sentences, rules, visits)
    counted = dict(zip(rows["la_name"], rows["is_inspection_finding"]))
    assert counted == {"Surrey": True, "Kent": False}
    assert extract_findings(sentences, rules)["is_inspection_finding"].all()
