-- Documents by detected language.
SELECT coalesce(language, 'unknown') AS language, count(*) AS documents
FROM documents
GROUP BY ALL
ORDER BY documents DESC, language
