-- The query's search terms as the index sees them: split as the fts extension splits text, stop words dropped, Porter-stemmed.
SELECT DISTINCT stem(word, 'porter') AS term
FROM (
    SELECT unnest(string_split_regex(
        regexp_replace(lower(strip_accents($query)), '(\\.|[^a-z])+', ' ', 'g'), '\s+'
    )) AS word
)
WHERE word <> '' AND word NOT IN (SELECT sw FROM fts_main_docs.stopwords)
ORDER BY term
