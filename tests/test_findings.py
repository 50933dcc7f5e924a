"""Findings on hand-written sentences: every theme, negation, contrast, hand-over, and silence."""

import pytest

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
    from tests.conftest import PROJECT

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
