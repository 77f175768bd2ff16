-- Entity rows that point at no sentence (and so no document) of the lake.
SELECT e.doc_id, e.sent_idx, e.text
FROM entities AS e
ANTI JOIN sentences AS s ON e.doc_id = s.doc_id AND e.sent_idx = s.sent_idx
UNION ALL
SELECT s.doc_id, s.sent_idx, s.text
FROM sentences AS s
ANTI JOIN documents AS d ON s.doc_id = d.doc_id AND d.status = 'ok'
