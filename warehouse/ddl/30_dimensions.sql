CREATE TABLE IF NOT EXISTS dim_article (
    article_key VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    title VARCHAR,
    standfirst VARCHAR,
    publisher VARCHAR,
    published_date DATE,
    published_date_key INTEGER,
    word_count INTEGER NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    has_authority BOOLEAN NOT NULL,
    url VARCHAR,
    canonical_url VARCHAR,
    author VARCHAR,
    metadata_source JSON
);
COMMENT ON TABLE dim_article IS 'One row per distinct article (files with identical content are one article).';
COMMENT ON COLUMN dim_article.article_key IS 'Surrogate key: hash of content_sha256.';
COMMENT ON COLUMN dim_article.source_file IS 'Name of the first file the article was read from (raw.raw_file lists every file).';
COMMENT ON COLUMN dim_article.title IS 'Headline: from the page''s metadata where it states one (see metadata_source), else the text''s first line with site prefixes such as "Social Work News - " removed.';
COMMENT ON COLUMN dim_article.standfirst IS 'The summary line under the headline, when the article has one.';
COMMENT ON COLUMN dim_article.publisher IS 'Publisher: the page''s site name (og:site_name, JSON-LD publisher) where stated, else named by the text ("Source: ...", "More from ..."); null when neither says.';
COMMENT ON COLUMN dim_article.published_date IS 'Publication date: from the page''s metadata, the letter''s date line or the feed entry where stated, else stated by the text ("Posted on 29/10/2018"); null when none says.';
COMMENT ON COLUMN dim_article.published_date_key IS 'dim_date.date_key of published_date (yyyymmdd).';
COMMENT ON COLUMN dim_article.word_count IS 'Words in the cleaned text, headline excluded.';
COMMENT ON COLUMN dim_article.content_sha256 IS 'SHA-256 of the raw bytes of the file.';
COMMENT ON COLUMN dim_article.has_authority IS 'False when no English children''s-services authority is named: such articles are kept but flagged.';
COMMENT ON COLUMN dim_article.url IS 'Address the article was fetched from (ofsted-watch fetch); null for files dropped into the input folder by hand.';
COMMENT ON COLUMN dim_article.canonical_url IS 'The page''s own canonical address (<link rel=canonical>, og:url or JSON-LD mainEntityOfPage); fetch uses it to spot one article under two addresses.';
COMMENT ON COLUMN dim_article.author IS 'Author named by the page''s metadata (JSON-LD author, meta author); null when the page names none or for text files.';
COMMENT ON COLUMN dim_article.metadata_source IS 'JSON object: for each of title, publisher, published_date, author, canonical_url that was found, where it came from: json-ld, opengraph, meta, html (<title>, <link rel=canonical>), pdf letter, feed (the feed entry''s date), or text rules (guessed from the words). Page metadata wins over the text rules. Query with metadata_source->>''title''.';

CREATE TABLE IF NOT EXISTS dim_local_authority (
    la_key VARCHAR NOT NULL,
    la_name VARCHAR NOT NULL,
    ons_code VARCHAR NOT NULL,
    region_name VARCHAR,
    la_type VARCHAR,
    ofsted_urn VARCHAR,
    official_name VARCHAR,
    is_current BOOLEAN NOT NULL
);
COMMENT ON TABLE dim_local_authority IS 'English children''s-services authorities: the 153 current ones (DfE/ONS, names from mySociety, CC BY 4.0) and abolished ones that older news names.';
COMMENT ON COLUMN dim_local_authority.la_key IS 'Surrogate key: hash of la_name.';
COMMENT ON COLUMN dim_local_authority.la_name IS 'Canonical name from the reference list ("Bristol, City of", "Surrey").';
COMMENT ON COLUMN dim_local_authority.ons_code IS 'ONS GSS code (E06/E08/E09/E10); abolished authorities keep their last code.';
COMMENT ON COLUMN dim_local_authority.region_name IS 'English region.';
COMMENT ON COLUMN dim_local_authority.la_type IS 'Counties, Unitary Authorities, Metropolitan Districts or London Boroughs.';
COMMENT ON COLUMN dim_local_authority.ofsted_urn IS 'Ofsted''s provider reference; joins to fct_inspection.ofsted_urn. Null for abolished authorities.';
COMMENT ON COLUMN dim_local_authority.official_name IS 'The council''s official name.';
COMMENT ON COLUMN dim_local_authority.is_current IS 'False for authorities abolished by reorganisation (Northamptonshire, Cumbria, Bournemouth, Poole, ...).';

CREATE TABLE IF NOT EXISTS dim_person (
    person_key VARCHAR NOT NULL,
    person_name VARCHAR NOT NULL
);
COMMENT ON TABLE dim_person IS 'People named in articles; one row per name (case, punctuation and apostrophe style folded).';
COMMENT ON COLUMN dim_person.person_key IS 'Surrogate key: hash of the folded name.';
COMMENT ON COLUMN dim_person.person_name IS 'The name as first written.';

CREATE TABLE IF NOT EXISTS dim_date (
    date_key INTEGER NOT NULL,
    calendar_date DATE NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    month INTEGER NOT NULL,
    month_name VARCHAR NOT NULL,
    day_of_month INTEGER NOT NULL,
    is_weekend BOOLEAN NOT NULL
);
COMMENT ON TABLE dim_date IS 'Calendar from 2000 to 2035, one row per day.';
COMMENT ON COLUMN dim_date.date_key IS 'yyyymmdd as an integer (20181029).';
COMMENT ON COLUMN dim_date.calendar_date IS 'The date.';
COMMENT ON COLUMN dim_date.year IS 'Calendar year.';
COMMENT ON COLUMN dim_date.quarter IS 'Calendar quarter, 1-4.';
COMMENT ON COLUMN dim_date.month IS 'Month, 1-12.';
COMMENT ON COLUMN dim_date.month_name IS 'Month name in English.';
COMMENT ON COLUMN dim_date.day_of_month IS 'Day of the month, 1-31.';
COMMENT ON COLUMN dim_date.is_weekend IS 'Saturday or Sunday.';

CREATE TABLE IF NOT EXISTS dim_theme (
    theme_key VARCHAR NOT NULL,
    theme VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    description VARCHAR NOT NULL
);
COMMENT ON TABLE dim_theme IS 'The controlled vocabulary of finding themes (seeds/vocabulary/themes.csv).';
COMMENT ON COLUMN dim_theme.theme_key IS 'Surrogate key: hash of theme.';
COMMENT ON COLUMN dim_theme.theme IS 'Stable theme identifier used in fct_finding.theme ("workforce_stability").';
COMMENT ON COLUMN dim_theme.label IS 'Human-readable name.';
COMMENT ON COLUMN dim_theme.description IS 'What the theme covers.';

CREATE TABLE IF NOT EXISTS dim_judgement_area (
    judgement_area_key VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    frameworks VARCHAR NOT NULL,
    framework_note VARCHAR
);
COMMENT ON TABLE dim_judgement_area IS 'What a full inspection grades (seeds/vocabulary/judgement_areas.csv): reference data, because the frameworks change (SIF until 2018, ILACS from 2018, care leavers judged apart from 2023).';
COMMENT ON COLUMN dim_judgement_area.judgement_area_key IS 'Surrogate key: hash of area.';
COMMENT ON COLUMN dim_judgement_area.area IS 'Stable identifier used in fct_judgement.area ("help_and_protection").';
COMMENT ON COLUMN dim_judgement_area.label IS 'The judgement''s name as Ofsted words it.';
COMMENT ON COLUMN dim_judgement_area.description IS 'What the judgement covers.';
COMMENT ON COLUMN dim_judgement_area.frameworks IS 'The inspection frameworks that grade it ("SIF 2013-2018; ILACS 2018-").';
COMMENT ON COLUMN dim_judgement_area.framework_note IS 'How its scope changed between frameworks, when it did.';
