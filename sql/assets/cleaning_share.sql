-- The share of the ok documents' characters that cleaning removed (0 when there are none).
SELECT coalesce(round(1 - sum(n_chars_clean) / nullif(sum(n_chars_raw), 0), 4), 0.0)::DOUBLE
FROM documents
WHERE status = 'ok'
