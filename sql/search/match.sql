-- Documents matching the query, best BM25 score first.
SELECT doc_id, title, published_date, text, score
FROM (
    SELECT *, fts_main_docs.match_bm25(doc_id, $query) AS score
    FROM docs
)
WHERE score IS NOT NULL
ORDER BY score DESC, doc_id
LIMIT $limit
