-- Which inadequate-rated authorities were visited, how often, and what did inspectors say about the workforce?
-- The README's first question, counted in visit events rather than articles: an event whose reports
-- all criticise the workforce counts once.
SELECT authority.la_name, count(DISTINCT visit_event.visit_event_key) AS visits, max(visit_event.visit_ordinal) AS highest_ordinal,
       count(DISTINCT event_finding.visit_event_key)
           FILTER (WHERE event_finding.theme = 'workforce_stability' AND event_finding.polarity = 'negative') AS visits_criticising_workforce,
       count(DISTINCT event_finding.visit_event_key)
           FILTER (WHERE event_finding.theme = 'workforce_stability' AND event_finding.polarity = 'positive') AS visits_praising_workforce
FROM dim_visit_event AS visit_event
JOIN dim_local_authority AS authority USING (la_key)
LEFT JOIN fct_visit_event_finding AS event_finding USING (visit_event_key)
WHERE visit_event.rating = 'inadequate'
GROUP BY authority.la_name
ORDER BY visits DESC, visits_criticising_workforce DESC, authority.la_name;
