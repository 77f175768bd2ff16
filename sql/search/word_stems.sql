-- The Porter stem of each given word, normalised as the index normalises text (to mark matches in snippets).
SELECT word, stem(regexp_replace(lower(strip_accents(word)), '(\\.|[^a-z])+', '', 'g'), 'porter') AS term
FROM unnest($words::VARCHAR[]) AS t(word)
