-- The pairs of entities most often named in the same sentence.
SELECT a, b, sentences, documents
FROM entity_cooccurrence
ORDER BY sentences DESC, documents DESC, a, b
LIMIT 5
