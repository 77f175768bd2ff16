-- The documents a search found ($1), to show: title, published date and text.
SELECT doc_id, title, published_date, text
FROM documents
WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))
