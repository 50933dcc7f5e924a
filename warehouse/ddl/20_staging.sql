CREATE TABLE IF NOT EXISTS staging.stg_article (
    article_key VARCHAR NOT NULL,
    clean_text VARCHAR NOT NULL
);
COMMENT ON TABLE staging.stg_article IS 'Each article''s text after boilerplate removal; every character span in the warehouse points into clean_text.';
COMMENT ON COLUMN staging.stg_article.article_key IS 'The article (dim_article.article_key).';
COMMENT ON COLUMN staging.stg_article.clean_text IS 'Title, standfirst and paragraphs separated by blank lines, with banners, credits and footers removed.';

CREATE TABLE IF NOT EXISTS staging.stg_sentence (
    article_key VARCHAR NOT NULL,
    sentence_no INTEGER NOT NULL,
    block_no INTEGER NOT NULL,
    block_kind VARCHAR NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    sentence_text VARCHAR NOT NULL,
    la_name VARCHAR,
    asserted_by VARCHAR
);
COMMENT ON TABLE staging.stg_sentence IS 'Sentences of each article with their offsets, the authority each is about and who asserts it.';
COMMENT ON COLUMN staging.stg_sentence.article_key IS 'The article (dim_article.article_key).';
COMMENT ON COLUMN staging.stg_sentence.sentence_no IS 'Position of the sentence in the article, from 0.';
COMMENT ON COLUMN staging.stg_sentence.block_no IS 'Position of the paragraph (block) in the article, from 0.';
COMMENT ON COLUMN staging.stg_sentence.block_kind IS 'title, standfirst, heading or body.';
COMMENT ON COLUMN staging.stg_sentence.char_start IS 'Offset of the first character in stg_article.clean_text (0-based).';
COMMENT ON COLUMN staging.stg_sentence.char_end IS 'Offset just past the last character in stg_article.clean_text.';
COMMENT ON COLUMN staging.stg_sentence.sentence_text IS 'The sentence.';
COMMENT ON COLUMN staging.stg_sentence.la_name IS 'Canonical name of the authority the sentence is about (named in it or carried from an earlier sentence); null when unknown or several.';
COMMENT ON COLUMN staging.stg_sentence.asserted_by IS 'Whose claim the sentence reports: inspectorate, council or other.';

CREATE TABLE IF NOT EXISTS staging.stg_authority_mention (
    article_key VARCHAR NOT NULL,
    sentence_no INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    surface VARCHAR NOT NULL,
    la_name VARCHAR NOT NULL,
    is_valid BOOLEAN NOT NULL,
    exclusion_reason VARCHAR
);
COMMENT ON TABLE staging.stg_authority_mention IS 'Every place an authority is named, resolved to its canonical name, with why a mention was set aside.';
COMMENT ON COLUMN staging.stg_authority_mention.article_key IS 'The article (dim_article.article_key).';
COMMENT ON COLUMN staging.stg_authority_mention.sentence_no IS 'The sentence (stg_sentence.sentence_no).';
COMMENT ON COLUMN staging.stg_authority_mention.char_start IS 'Offset of the name in stg_article.clean_text.';
COMMENT ON COLUMN staging.stg_authority_mention.char_end IS 'Offset just past the name.';
COMMENT ON COLUMN staging.stg_authority_mention.surface IS 'The name as written ("Together for Children", "Bradford council").';
COMMENT ON COLUMN staging.stg_authority_mention.la_name IS 'Canonical authority name (dim_local_authority.la_name).';
COMMENT ON COLUMN staging.stg_authority_mention.is_valid IS 'False when the mention is not about the authority itself (a former employer, a place, a partner).';
COMMENT ON COLUMN staging.stg_authority_mention.exclusion_reason IS 'Why the mention was set aside; null when valid.';

CREATE TABLE IF NOT EXISTS staging.stg_visit_candidate (
    article_key VARCHAR NOT NULL,
    la_name VARCHAR NOT NULL,
    is_visit BOOLEAN NOT NULL,
    set_aside_reason VARCHAR
);
COMMENT ON TABLE staging.stg_visit_candidate IS 'Every authority an article names beside the inspectorate, and whether the article reports its visit: the candidates fct_visit is drawn from, with why the others were set aside.';
COMMENT ON COLUMN staging.stg_visit_candidate.article_key IS 'The article (dim_article.article_key).';
COMMENT ON COLUMN staging.stg_visit_candidate.la_name IS 'Canonical authority name (dim_local_authority.la_name).';
COMMENT ON COLUMN staging.stg_visit_candidate.is_visit IS 'True when the article reports an Ofsted visit of this authority''s children''s services (a fct_visit row).';
COMMENT ON COLUMN staging.stg_visit_candidate.set_aside_reason IS 'Why it is not a visit: other_inspectorate, send_local_area, provider_inspection, future_inspection, generic_visits (seeds/rules/visit_exclusions.csv); null for visits.';
