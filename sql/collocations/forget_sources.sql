-- Forget the sources of the documents $1 whose counts are dropped.
DELETE FROM collocation_sources WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))
