CREATE OR REPLACE VIEW v_theme_summary AS
SELECT
    la.la_name,
    f.theme,
    count(*) FILTER (WHERE f.polarity = 'positive') AS positive_findings,
    count(*) FILTER (WHERE f.polarity = 'negative') AS negative_findings,
    count(DISTINCT f.article_key) AS articles,
    list(DISTINCT a.source_file ORDER BY a.source_file) AS source_files
FROM fct_finding f
JOIN dim_local_authority la USING (la_key)
JOIN dim_article a USING (article_key)
WHERE f.is_inspection_finding
GROUP BY la.la_name, f.theme;
COMMENT ON VIEW v_theme_summary IS 'Per authority and theme: how many inspection findings were positive and negative, and the articles they came from.';
COMMENT ON COLUMN v_theme_summary.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN v_theme_summary.theme IS 'Theme key (dim_theme.theme).';
COMMENT ON COLUMN v_theme_summary.positive_findings IS 'Findings of praise.';
COMMENT ON COLUMN v_theme_summary.negative_findings IS 'Findings of criticism.';
COMMENT ON COLUMN v_theme_summary.articles IS 'Distinct articles the findings came from.';
COMMENT ON COLUMN v_theme_summary.source_files IS 'Their file names.';
