CREATE TABLE IF NOT EXISTS fct_visit (
    visit_key VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL,
    la_key VARCHAR NOT NULL,
    visit_type VARCHAR NOT NULL,
    visit_ordinal INTEGER,
    rating VARCHAR,
    rating_year INTEGER,
    rating_month INTEGER,
    rating_check VARCHAR,
    progress_phrase VARCHAR,
    evidence_text VARCHAR NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL,
    visit_year INTEGER,
    visit_month INTEGER,
    visit_date_evidence_start INTEGER,
    visit_date_evidence_end INTEGER,
    visit_event_key VARCHAR,
    previous_rating VARCHAR,
    previous_rating_year INTEGER,
    previous_rating_month INTEGER,
    defaulted_fields VARCHAR[]
);
COMMENT ON TABLE fct_visit IS 'One row per article and authority whose Ofsted visit the article reports.';
COMMENT ON COLUMN fct_visit.visit_key IS 'Surrogate key: hash of (article_key, la_key).';
COMMENT ON COLUMN fct_visit.article_key IS 'The reporting article (dim_article).';
COMMENT ON COLUMN fct_visit.la_key IS 'The visited authority (dim_local_authority).';
COMMENT ON COLUMN fct_visit.visit_type IS 'monitoring_visit, focused_visit, focused_assurance_visit or inspection; unstated: monitoring_visit if rated inadequate, else focused_visit.';
COMMENT ON COLUMN fct_visit.visit_ordinal IS 'Which visit of its kind ("fourth monitoring visit" = 4); null if unstated.';
COMMENT ON COLUMN fct_visit.rating IS 'The authority''s overall judgement as the article states it: outstanding, good, requires_improvement, inadequate; null if unstated. For a full inspection (visit_type inspection), the judgement this inspection gave, not the one it replaced.';
COMMENT ON COLUMN fct_visit.rating_year IS 'Year the judgement was made, as stated (for an inspection: when it was carried out, or published where that is all the text says); null if unstated.';
COMMENT ON COLUMN fct_visit.rating_month IS 'Month (1-12) the judgement was made, as stated; null if unstated.';
COMMENT ON COLUMN fct_visit.rating_check IS 'The stated rating against the register of full inspections (fct_inspection): consistent (an inspection in the stated month or year, or before the article when undated, has that judgement), contradicts (inspections in that window judged otherwise), not_in_register (none in that window); null when no rating is stated.';
COMMENT ON COLUMN fct_visit.progress_phrase IS 'A short phrase the article uses for progress ("modest but fragile"), when it gives one.';
COMMENT ON COLUMN fct_visit.evidence_text IS 'The sentence that best shows the visit.';
COMMENT ON COLUMN fct_visit.evidence_start IS 'Offset of the evidence sentence in staging.stg_article.clean_text.';
COMMENT ON COLUMN fct_visit.evidence_end IS 'Offset just past the evidence sentence.';
COMMENT ON COLUMN fct_visit.visit_year IS 'Year the inspectors were on site, as stated or resolved against the article''s date ("in March" in an article of May 2024 = 2024); null if unstated. Not the rating''s date, nor the letter''s publication.';
COMMENT ON COLUMN fct_visit.visit_month IS 'Month (1-12) the inspectors were on site (the first month of a visit spanning two); null if unstated.';
COMMENT ON COLUMN fct_visit.visit_date_evidence_start IS 'Offset in staging.stg_article.clean_text of the sentence that dates the visit; null when undated.';
COMMENT ON COLUMN fct_visit.visit_date_evidence_end IS 'Offset just past that sentence; null when undated.';
COMMENT ON COLUMN fct_visit.defaulted_fields IS 'The fields no words of the article stated, set by a default rule instead (visit_type: unstated, so monitoring_visit if rated inadequate, else focused_visit, or inspection when the rating is dated in the visit month); a defaulted field gives way to a stated one when reports are merged into visit events. Empty: all stated; null: loaded before schema version 10.';
COMMENT ON COLUMN fct_visit.visit_event_key IS 'The real-world visit this mention reports (dim_visit_event); several articles telling of one visit share it.';
COMMENT ON COLUMN fct_visit.previous_rating IS 'For a full inspection: the overall judgement it replaced, as the article states it ("up from requires improvement", "judged inadequate in 2019"); null if unstated, and always null for other visit types.';
COMMENT ON COLUMN fct_visit.previous_rating_year IS 'Year the replaced judgement was made, as stated; null if unstated.';
COMMENT ON COLUMN fct_visit.previous_rating_month IS 'Month (1-12) the replaced judgement was made, as stated; null if unstated.';

CREATE TABLE IF NOT EXISTS fct_visit_focus (
    visit_key VARCHAR NOT NULL,
    focus_area VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL
);
COMMENT ON TABLE fct_visit_focus IS 'What each visit looked at; a visit with no rows here had no stated focus.';
COMMENT ON COLUMN fct_visit_focus.visit_key IS 'The visit (fct_visit).';
COMMENT ON COLUMN fct_visit_focus.focus_area IS 'front_door, help_and_protection, children_in_care, care_leavers, disabled_children or pre_proceedings.';
COMMENT ON COLUMN fct_visit_focus.article_key IS 'The article the evidence is in (dim_article).';
COMMENT ON COLUMN fct_visit_focus.evidence_start IS 'Offset of the sentence naming the focus in staging.stg_article.clean_text.';
COMMENT ON COLUMN fct_visit_focus.evidence_end IS 'Offset just past that sentence.';

CREATE TABLE IF NOT EXISTS fct_person_mention (
    person_mention_key VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL,
    person_key VARCHAR NOT NULL,
    la_key VARCHAR,
    person_name VARCHAR NOT NULL,
    role VARCHAR,
    speaker_type VARCHAR NOT NULL,
    is_quoted BOOLEAN NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL
);
COMMENT ON TABLE fct_person_mention IS 'A named person in an article, with the role and authority the article gives them.';
COMMENT ON COLUMN fct_person_mention.person_mention_key IS 'Surrogate key: hash of (article_key, person_key).';
COMMENT ON COLUMN fct_person_mention.article_key IS 'The article (dim_article).';
COMMENT ON COLUMN fct_person_mention.person_key IS 'The person (dim_person).';
COMMENT ON COLUMN fct_person_mention.la_key IS 'The authority the person speaks or acts for (dim_local_authority); null if unknown.';
COMMENT ON COLUMN fct_person_mention.person_name IS 'The name as written in this article.';
COMMENT ON COLUMN fct_person_mention.role IS 'Role as the article gives it ("cabinet member for children and families").';
COMMENT ON COLUMN fct_person_mention.speaker_type IS 'council, inspectorate or other, from the role.';
COMMENT ON COLUMN fct_person_mention.is_quoted IS 'True when the article quotes the person directly.';
COMMENT ON COLUMN fct_person_mention.evidence_start IS 'Offset of the first mention of the name in staging.stg_article.clean_text.';
COMMENT ON COLUMN fct_person_mention.evidence_end IS 'Offset just past that mention.';

CREATE TABLE IF NOT EXISTS fct_quote (
    quote_key VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL,
    la_key VARCHAR,
    speaker_person_key VARCHAR,
    speaker_name VARCHAR,
    speaker_role VARCHAR,
    speaker_type VARCHAR NOT NULL,
    quote_text VARCHAR NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL
);
COMMENT ON TABLE fct_quote IS 'Direct quotes of three words or more, with who said them.';
COMMENT ON COLUMN fct_quote.quote_key IS 'Surrogate key: hash of (article_key, evidence_start).';
COMMENT ON COLUMN fct_quote.article_key IS 'The article (dim_article).';
COMMENT ON COLUMN fct_quote.la_key IS 'The authority the speaker speaks for, or the quote is about (dim_local_authority).';
COMMENT ON COLUMN fct_quote.speaker_person_key IS 'The named speaker (dim_person); null for unnamed speakers such as "a council spokesman" or the report.';
COMMENT ON COLUMN fct_quote.speaker_name IS 'The speaker''s name as written; null when unnamed.';
COMMENT ON COLUMN fct_quote.speaker_role IS 'The speaker''s role ("spokesperson", "cabinet member for ...", "inspectorate", "report").';
COMMENT ON COLUMN fct_quote.speaker_type IS 'council, inspectorate or other.';
COMMENT ON COLUMN fct_quote.quote_text IS 'The quote, quotation marks included.';
COMMENT ON COLUMN fct_quote.evidence_start IS 'Offset of the opening quotation mark in staging.stg_article.clean_text.';
COMMENT ON COLUMN fct_quote.evidence_end IS 'Offset just past the closing quotation mark.';

CREATE TABLE IF NOT EXISTS fct_finding (
    finding_key VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL,
    la_key VARCHAR,
    theme VARCHAR NOT NULL,
    polarity VARCHAR NOT NULL,
    asserted_by VARCHAR NOT NULL,
    is_previous_inspection BOOLEAN NOT NULL,
    is_inspection_finding BOOLEAN NOT NULL,
    theme_cue VARCHAR,
    polarity_cue VARCHAR,
    evidence_text VARCHAR NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL
);
COMMENT ON TABLE fct_finding IS 'What a sentence says was praised or criticised, as (authority, theme, polarity); count is_inspection_finding rows for what inspectors found.';
COMMENT ON COLUMN fct_finding.finding_key IS 'Surrogate key: hash of (article_key, sentence number, theme, polarity); for a sentence naming several authorities, which states its finding of each, the sentence number carries the authority too ("12@Leeds").';
COMMENT ON COLUMN fct_finding.article_key IS 'The article (dim_article).';
COMMENT ON COLUMN fct_finding.la_key IS 'The authority the sentence is about (dim_local_authority); null when unknown.';
COMMENT ON COLUMN fct_finding.theme IS 'Theme key (dim_theme.theme).';
COMMENT ON COLUMN fct_finding.polarity IS 'positive (praise) or negative (criticism).';
COMMENT ON COLUMN fct_finding.asserted_by IS 'Who asserts it: inspectorate, council (its own words) or other.';
COMMENT ON COLUMN fct_finding.is_previous_inspection IS 'True when the sentence only recounts the earlier inspection or visit.';
COMMENT ON COLUMN fct_finding.is_inspection_finding IS 'True when the inspectorate asserts it about this visit and the authority is known: the rows to count.';
COMMENT ON COLUMN fct_finding.theme_cue IS 'The words that set the theme.';
COMMENT ON COLUMN fct_finding.polarity_cue IS 'The words that set the polarity.';
COMMENT ON COLUMN fct_finding.evidence_text IS 'The sentence.';
COMMENT ON COLUMN fct_finding.evidence_start IS 'Offset of the sentence in staging.stg_article.clean_text.';
COMMENT ON COLUMN fct_finding.evidence_end IS 'Offset just past the sentence.';

CREATE TABLE IF NOT EXISTS fct_inspection (
    inspection_key VARCHAR NOT NULL,
    la_key VARCHAR,
    ofsted_urn VARCHAR NOT NULL,
    la_name VARCHAR,
    framework VARCHAR,
    publication_date DATE,
    inspection_start_date DATE,
    inspection_end_date DATE,
    inspection_end_date_key INTEGER,
    overall_effectiveness VARCHAR,
    help_and_protection VARCHAR,
    children_in_care VARCHAR,
    care_leavers VARCHAR,
    leadership VARCHAR,
    lead_inspector VARCHAR,
    report_url VARCHAR,
    grade_source VARCHAR
);
COMMENT ON TABLE fct_inspection IS 'Ofsted''s published full inspections of children''s services 2012-2026 (register in seeds/reference; grades are Crown copyright, OGL v3.0).';
COMMENT ON COLUMN fct_inspection.inspection_key IS 'Surrogate key: hash of (ofsted_urn, publication_date, framework, report_url).';
COMMENT ON COLUMN fct_inspection.la_key IS 'The inspected authority (dim_local_authority), joined on ofsted_urn.';
COMMENT ON COLUMN fct_inspection.ofsted_urn IS 'Ofsted''s provider reference.';
COMMENT ON COLUMN fct_inspection.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN fct_inspection.framework IS 'SIF, ILACS standard, ILACS short, or another framework.';
COMMENT ON COLUMN fct_inspection.publication_date IS 'Date the report was published.';
COMMENT ON COLUMN fct_inspection.inspection_start_date IS 'First day of the inspection.';
COMMENT ON COLUMN fct_inspection.inspection_end_date IS 'Last day of the inspection.';
COMMENT ON COLUMN fct_inspection.inspection_end_date_key IS 'dim_date.date_key of inspection_end_date.';
COMMENT ON COLUMN fct_inspection.overall_effectiveness IS 'Overall judgement as a rating key; null where the report gives none.';
COMMENT ON COLUMN fct_inspection.help_and_protection IS 'Sub-judgement for help and protection, as a rating key.';
COMMENT ON COLUMN fct_inspection.children_in_care IS 'Sub-judgement for children in care, as a rating key.';
COMMENT ON COLUMN fct_inspection.care_leavers IS 'Sub-judgement for care leavers, as a rating key.';
COMMENT ON COLUMN fct_inspection.leadership IS 'Sub-judgement for leadership, as a rating key.';
COMMENT ON COLUMN fct_inspection.lead_inspector IS 'Lead inspector named by the report.';
COMMENT ON COLUMN fct_inspection.report_url IS 'Address of the report.';
COMMENT ON COLUMN fct_inspection.grade_source IS 'How the grade was read (derived data).';

CREATE TABLE IF NOT EXISTS fct_judgement (
    judgement_key VARCHAR NOT NULL,
    visit_key VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL,
    la_key VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    grade VARCHAR NOT NULL,
    register_check VARCHAR,
    evidence_text VARCHAR NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL
);
COMMENT ON TABLE fct_judgement IS 'The judgements of a full inspection that an article states, one row per (visit, area): the overall effectiveness and each graded area.';
COMMENT ON COLUMN fct_judgement.judgement_key IS 'Surrogate key: hash of (visit_key, area).';
COMMENT ON COLUMN fct_judgement.visit_key IS 'The inspection (fct_visit, visit_type inspection).';
COMMENT ON COLUMN fct_judgement.article_key IS 'The article stating the judgement (dim_article).';
COMMENT ON COLUMN fct_judgement.la_key IS 'The inspected authority (dim_local_authority).';
COMMENT ON COLUMN fct_judgement.area IS 'The judgement area (dim_judgement_area): overall, leaders, help_and_protection, children_in_care, care_leavers.';
COMMENT ON COLUMN fct_judgement.grade IS 'The grade given: outstanding, good, requires_improvement or inadequate.';
COMMENT ON COLUMN fct_judgement.register_check IS 'The grade against the register row of the same inspection (fct_inspection): consistent, contradicts, or not_in_register (no register row of this inspection, or it holds no grade for the area).';
COMMENT ON COLUMN fct_judgement.evidence_text IS 'The sentence stating the grade (or the collective statement it follows from: "good in every other area").';
COMMENT ON COLUMN fct_judgement.evidence_start IS 'Offset of the evidence sentence in staging.stg_article.clean_text.';
COMMENT ON COLUMN fct_judgement.evidence_end IS 'Offset just past the evidence sentence.';
