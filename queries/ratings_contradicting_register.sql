-- Which reported ratings contradict the register of full inspections?
-- Articles whose stated judgement for an authority (fct_visit.rating_check = 'contradicts') differs
-- from every inspection of that authority in the stated month or year, with what the register says.
SELECT la.la_name, a.source_file, a.published_date, v.rating AS stated_rating, v.rating_year, v.rating_month,
       list(DISTINCT i.overall_effectiveness || ' (' || strftime(coalesce(i.inspection_end_date, i.publication_date), '%Y-%m') || ')'
            ORDER BY i.overall_effectiveness || ' (' || strftime(coalesce(i.inspection_end_date, i.publication_date), '%Y-%m') || ')') AS register_says,
       v.visit_event_key
FROM fct_visit v
JOIN dim_article a USING (article_key)
JOIN dim_local_authority la USING (la_key)
LEFT JOIN fct_inspection i ON i.la_key = v.la_key AND i.overall_effectiveness IS NOT NULL
     AND (year(i.inspection_end_date) = v.rating_year OR year(i.publication_date) = v.rating_year)
WHERE v.rating_check = 'contradicts'
GROUP BY ALL
ORDER BY la.la_name, a.source_file;
