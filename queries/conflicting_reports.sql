-- Where do the reports of one visit disagree?
-- Events whose articles state different values for a field (the rating, its year, ...): the value
-- the event keeps, and which files said what (dim_visit_event.conflicts, one row per field).
WITH conflicting_fields AS (
    SELECT visit_event_key, unnest(json_keys(conflicts)) AS field
    FROM dim_visit_event
    WHERE conflicts IS NOT NULL
)
SELECT authority.la_name, visit_event.visit_type, visit_event.visit_ordinal, visit_event.event_date, conflicting_fields.field,
       json_extract(visit_event.conflicts, '$.' || conflicting_fields.field)::VARCHAR AS said_by_file,
       CASE conflicting_fields.field
           WHEN 'rating' THEN visit_event.rating
           WHEN 'rating_year' THEN CAST(visit_event.rating_year AS VARCHAR)
           WHEN 'rating_month' THEN CAST(visit_event.rating_month AS VARCHAR)
           WHEN 'visit_year' THEN CAST(visit_event.visit_year AS VARCHAR)
           WHEN 'visit_month' THEN CAST(visit_event.visit_month AS VARCHAR)
           WHEN 'visit_ordinal' THEN CAST(visit_event.visit_ordinal AS VARCHAR)
       END AS value_kept,
       visit_event.visit_event_key
FROM conflicting_fields
JOIN dim_visit_event AS visit_event USING (visit_event_key)
JOIN dim_local_authority AS authority USING (la_key)
ORDER BY authority.la_name, visit_event.event_date NULLS LAST, conflicting_fields.field;
