-- Forget the signatures of the documents $1 (changed or gone since the last pass).
DELETE FROM reuse_signatures WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))
