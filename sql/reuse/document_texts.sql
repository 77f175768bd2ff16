-- Which text each compared document holds.
SELECT doc_id, text_key FROM reuse_documents ORDER BY doc_id
