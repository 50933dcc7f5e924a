-- Which visit events rest on a single source?
-- Events told by one article only, or only by articles of one named publisher: facts no second
-- source confirms. Most recent first; undated events last.
WITH sources AS (
    SELECT e.visit_event_key, count(*) FILTER (WHERE a.publisher IS NULL) AS articles_without_publisher
    FROM dim_visit_event e, unnest(e.article_keys) AS k(article_key)
    JOIN dim_article a ON a.article_key = k.article_key
    GROUP BY e.visit_event_key
)
SELECT la.la_name, e.visit_type, e.visit_ordinal, e.event_date, e.article_count, e.publisher_count,
       e.source_files, e.visit_event_key
FROM dim_visit_event e
JOIN sources s USING (visit_event_key)
JOIN dim_local_authority la USING (la_key)
WHERE e.article_count = 1 OR (e.publisher_count = 1 AND s.articles_without_publisher = 0)
ORDER BY e.event_date DESC NULLS LAST, la.la_name, e.visit_event_key;
