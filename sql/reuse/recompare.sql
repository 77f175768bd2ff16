-- Make the next pass compare the documents $1 again, as if they had changed.
UPDATE reuse_documents SET source = '' WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))
