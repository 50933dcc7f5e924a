-- Which inadequate-rated authorities were visited, how often, and what did inspectors say about the workforce?
-- The README's first question, counted in visit events rather than articles: an event whose reports
-- all criticise the workforce counts once.
SELECT la.la_name, count(DISTINCT e.visit_event_key) AS visits, max(e.visit_ordinal) AS highest_ordinal,
       count(DISTINCT f.visit_event_key) FILTER (WHERE f.theme = 'workforce_stability' AND f.polarity = 'negative') AS visits_criticising_workforce,
       count(DISTINCT f.visit_event_key) FILTER (WHERE f.theme = 'workforce_stability' AND f.polarity = 'positive') AS visits_praising_workforce
FROM dim_visit_event e
JOIN dim_local_authority la USING (la_key)
LEFT JOIN fct_visit_event_finding f USING (visit_event_key)
WHERE e.rating = 'inadequate'
GROUP BY la.la_name
ORDER BY visits DESC, visits_criticising_workforce DESC, la.la_name;
