-- Which reported ratings contradict the register of full inspections?
-- Articles whose stated judgement for an authority (fct_visit.rating_check = 'contradicts') differs
-- from every inspection of that authority in the stated month or year, with what the register says.
WITH register AS (
    SELECT la_key, overall_effectiveness, inspection_end_date, publication_date,
           overall_effectiveness || ' (' || strftime(coalesce(inspection_end_date, publication_date), '%Y-%m') || ')' AS says
    FROM fct_inspection
    WHERE overall_effectiveness IS NOT NULL
)
SELECT authority.la_name, article.source_file, article.published_date, visit.rating AS stated_rating, visit.rating_year,
       visit.rating_month, list(DISTINCT register.says ORDER BY register.says) AS register_says, visit.visit_event_key
FROM fct_visit AS visit
JOIN dim_article AS article USING (article_key)
JOIN dim_local_authority AS authority USING (la_key)
LEFT JOIN register ON register.la_key = visit.la_key
     AND (year(register.inspection_end_date) = visit.rating_year OR year(register.publication_date) = visit.rating_year)
WHERE visit.rating_check = 'contradicts'
GROUP BY ALL
ORDER BY authority.la_name, article.source_file;
