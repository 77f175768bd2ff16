-- How many documents are `ok` (searchable, annotated when in English).
SELECT count(*) FROM documents WHERE status = 'ok'
