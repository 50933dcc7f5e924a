-- Which visit events rest on a single source?
-- Events told by one article only, or only by articles of one named publisher: facts no second
-- source confirms. Most recent first; undated events last.
WITH event_articles AS (
    SELECT visit_event_key, unnest(article_keys) AS article_key
    FROM dim_visit_event
),
sources AS (
    SELECT event_articles.visit_event_key, count(*) FILTER (WHERE article.publisher IS NULL) AS articles_without_publisher
    FROM event_articles
    JOIN dim_article AS article USING (article_key)
    GROUP BY event_articles.visit_event_key
)
SELECT authority.la_name, visit_event.visit_type, visit_event.visit_ordinal, visit_event.event_date, visit_event.article_count,
       visit_event.publisher_count, visit_event.source_files, visit_event.visit_event_key
FROM dim_visit_event AS visit_event
JOIN sources USING (visit_event_key)
JOIN dim_local_authority AS authority USING (la_key)
WHERE visit_event.article_count = 1 OR (visit_event.publisher_count = 1 AND sources.articles_without_publisher = 0)
ORDER BY visit_event.event_date DESC NULLS LAST, authority.la_name, visit_event.visit_event_key;
