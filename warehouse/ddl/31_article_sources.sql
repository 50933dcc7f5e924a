-- Where an article came from and what its page said about itself (web pages, feeds, PDF letters):
-- the comments of dim_article's source columns (the columns are in 30_dimensions.sql; migration 006).
COMMENT ON COLUMN dim_article.url IS 'Address the article was fetched from (ofsted-watch fetch); null for files dropped into the input folder by hand.';
COMMENT ON COLUMN dim_article.canonical_url IS 'The page''s own canonical address (<link rel=canonical>, og:url or JSON-LD mainEntityOfPage); fetch uses it to spot one article under two addresses.';
COMMENT ON COLUMN dim_article.author IS 'Author named by the page''s metadata (JSON-LD author, meta author); null when the page names none or for text files.';
COMMENT ON COLUMN dim_article.metadata_source IS 'JSON object: for each of title, publisher, published_date, author, canonical_url that was found, where it came from: json-ld, opengraph, meta, html (<title>, <link rel=canonical>), pdf letter, feed (the feed entry''s date), or text rules (guessed from the words). Page metadata wins over the text rules. Query with metadata_source->>''title''.';
COMMENT ON COLUMN dim_article.title IS 'Headline: from the page''s metadata where it states one (see metadata_source), else the text''s first line with site prefixes such as "Social Work News - " removed.';
COMMENT ON COLUMN dim_article.publisher IS 'Publisher: the page''s site name (og:site_name, JSON-LD publisher) where stated, else named by the text ("Source: ...", "More from ..."); null when neither says.';
COMMENT ON COLUMN dim_article.published_date IS 'Publication date: from the page''s metadata, the letter''s date line or the feed entry where stated, else stated by the text ("Posted on 29/10/2018"); null when none says.';
