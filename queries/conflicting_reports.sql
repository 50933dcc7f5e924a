-- Where do the reports of one visit disagree?
-- Events whose articles state different values for a field (the rating, its year, ...): the value
-- the event keeps, and which files said what (dim_visit_event.conflicts, one row per field).
SELECT la.la_name, e.visit_type, e.visit_ordinal, e.event_date, c.field, c.said_by_file,
       CASE c.field WHEN 'rating' THEN e.rating WHEN 'rating_year' THEN CAST(e.rating_year AS VARCHAR)
                    WHEN 'rating_month' THEN CAST(e.rating_month AS VARCHAR) WHEN 'visit_year' THEN CAST(e.visit_year AS VARCHAR)
                    WHEN 'visit_month' THEN CAST(e.visit_month AS VARCHAR) WHEN 'visit_ordinal' THEN CAST(e.visit_ordinal AS VARCHAR) END AS value_kept,
       e.visit_event_key
FROM dim_visit_event e
JOIN dim_local_authority la USING (la_key),
LATERAL (SELECT unnest(json_keys(e.conflicts)) AS field) f,
LATERAL (SELECT f.field, json_extract(e.conflicts, '$.' || f.field)::VARCHAR AS said_by_file) c
WHERE e.conflicts IS NOT NULL
ORDER BY la.la_name, e.event_date NULLS LAST, c.field;
