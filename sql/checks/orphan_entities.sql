-- Entity rows that point at no sentence, and sentences of no `ok` document (among the
-- documents processed after $since; every one when NULL).
WITH recent AS (
    SELECT doc_id FROM files WHERE $since IS NULL OR processed_at > $since
)
SELECT e.doc_id, e.sent_idx, e.text
FROM (SELECT * FROM entities WHERE doc_id IN (SELECT doc_id FROM recent)) AS e
ANTI JOIN sentences AS s ON e.doc_id = s.doc_id AND e.sent_idx = s.sent_idx
UNION ALL
SELECT s.doc_id, s.sent_idx, s.text
FROM (SELECT * FROM sentences WHERE doc_id IN (SELECT doc_id FROM recent)) AS s
ANTI JOIN documents AS d ON s.doc_id = d.doc_id AND d.status = 'ok'
