from transforms.scoring import fold_name, role_agrees, score


def gold(**kw):
    base = {"file": "a.txt", "title": "T", "publisher": None, "published_date": None, "visits": [], "other_authorities": [], "people": [], "findings": []}
    return base | kw


def pred(**kw):
    base = {"title": "T", "publisher": None, "published_date": None, "visits": [], "people": [], "findings": []}
    return base | kw


V = {"local_authority": "Surrey", "visit_type": "monitoring_visit", "ordinal": 1, "focus": ["care_leavers"], "rating": "inadequate", "rating_year": 2018, "rating_month": None}


def test_visit_match_fields_and_other_authority_false_positive():
    g = gold(visits=[V, V | {"local_authority": "Kent", "optional": True}], other_authorities=["Leeds"])
    p = pred(visits=[V | {"ordinal": 2, "focus": ["care_leavers"]}, V | {"local_authority": "Leeds"}, V | {"local_authority": "Kent"}])
    r = score([g], {"a.txt": p})["visits"]
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 0)  # Kent is optional: extracted, neither a hit nor a false positive
    assert r["fields"]["ordinal"] == 0.0 and r["fields"]["focus"] == 1.0
    assert r["other_authority_false_positives"] == [["a.txt", "Leeds"]]


def test_null_gold_focus_is_not_scored():
    r = score([gold(visits=[V | {"focus": None}])], {"a.txt": pred(visits=[V | {"focus": ["front_door"]}])})["visits"]
    assert r["fields"]["focus"] is None


def test_people_match_with_folded_names_and_role_words():
    assert fold_name("Caroline O’Neill") == fold_name("caroline o'neill")
    assert role_agrees("cabinet member for children", "the council’s Cabinet Member for Children and families")
    assert not role_agrees("cabinet member for education", "cabinet member for children")
    g = gold(people=[{"name": "Caroline O’Neill", "role": "director", "local_authority": "Gateshead", "quoted": False},
                     {"name": "Steve Walker", "role": "commissioner", "local_authority": "Bradford", "quoted": False, "optional": True}])
    p = pred(people=[{"name": "Caroline O'Neill", "role": "interim director", "local_authority": "Gateshead", "quoted": True}])
    r = score([g], {"a.txt": p})["people"]
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)
    assert r["fields"] == {"local_authority": 1.0, "quoted": 0.0, "role": 1.0}


def test_findings_and_articles():
    g = gold(title="A  headline", publisher="Community Care", findings=[
        {"local_authority": "Surrey", "theme": "caseloads", "polarity": "negative"},
        {"local_authority": "Surrey", "theme": "leadership", "polarity": "positive", "optional": True}])
    p = pred(title="A headline", publisher=None, findings=[
        {"local_authority": "Surrey", "theme": "caseloads", "polarity": "negative"},
        {"local_authority": "Surrey", "theme": "caseloads", "polarity": "positive"}])
    r = score([g], {"a.txt": p})
    assert (r["findings"]["tp"], r["findings"]["fp"], r["findings"]["fn"]) == (1, 1, 0)
    assert r["findings"]["per_theme"]["caseloads"]["precision"] == 0.5
    assert r["articles"]["title"] == 1.0 and r["articles"]["publisher"] == 0.0


def test_extracted_optional_items_are_not_true_positives():
    g = gold(findings=[{"local_authority": "Surrey", "theme": "caseloads", "polarity": "negative"},
                       {"local_authority": "Surrey", "theme": "leadership", "polarity": "positive", "optional": True}],
             people=[{"name": "Ann Example", "role": "reporter", "local_authority": None, "quoted": False, "optional": True}])
    p = pred(findings=[{"local_authority": "Surrey", "theme": "caseloads", "polarity": "negative"},
                       {"local_authority": "Surrey", "theme": "leadership", "polarity": "positive"}],
             people=[{"name": "Ann Example", "role": None, "local_authority": None, "quoted": False}])
    r = score([g], {"a.txt": p})
    assert (r["findings"]["tp"], r["findings"]["fp"], r["findings"]["fn"]) == (1, 0, 0)
    assert (r["people"]["tp"], r["people"]["fp"], r["people"]["fn"]) == (0, 0, 0)
    assert r["people"]["fields"]["role"] is None  # agreement is taken over required items only


def test_visit_dates_scored_only_where_the_gold_has_them():
    with_dates = V | {"visit_year": 2024, "visit_month": 3}
    r = score([gold(visits=[with_dates])], {"a.txt": pred(visits=[V | {"visit_year": 2024, "visit_month": 4}])})["visits"]
    assert r["fields"]["visit_year"] == 1.0 and r["fields"]["visit_month"] == 0.0
    r = score([gold(visits=[V])], {"a.txt": pred(visits=[V | {"visit_year": 2024, "visit_month": 4}])})["visits"]
    assert r["fields"]["visit_year"] is None and r["fields"]["visit_month"] is None


def test_full_inspections_score_previous_rating_and_judgements_over_matched_inspection_visits():
    inspection = V | {"visit_type": "inspection", "rating": "good", "previous_rating": "inadequate", "previous_rating_year": 2019,
                      "judgements": {"overall": "good", "leaders": "good", "care_leavers": "requires_improvement"}}
    g = gold(visits=[inspection, V | {"local_authority": "Kent"}, inspection | {"local_authority": "Leeds"}])
    p = pred(visits=[inspection | {"previous_rating_year": 2020, "judgements": {"overall": "good", "leaders": "outstanding", "help_and_protection": "good"}},
                     V | {"local_authority": "Kent", "judgements": {"overall": "inadequate"}}])
    r = score([g], {"a.txt": p})["inspections"]
    # Leeds is not extracted and Kent is no inspection: one matched inspection visit.
    assert r["matched_inspection_visits"] == 1
    assert r["fields"] == {"previous_rating": 1.0, "previous_rating_year": 0.0}
    j = r["judgements"]
    assert (j["tp"], j["fp"], j["fn"]) == (1, 2, 2)  # overall right; leaders and help wrong or extra; leaders, care leavers missed
