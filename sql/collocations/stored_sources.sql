-- What each document's collocation counts were derived from; $1: only these doc_ids, or NULL.
SELECT doc_id, source
FROM collocation_sources
WHERE $1::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($1::VARCHAR[]))
