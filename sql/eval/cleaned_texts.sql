-- Every document's id, language and cleaned text (empty when rejected): what the cleaning
-- evaluation scores.
SELECT doc_id, coalesce(language, 'und') AS language, text FROM documents ORDER BY doc_id
