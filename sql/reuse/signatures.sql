-- The signatures the last pass kept, one row per document.
SELECT * FROM reuse_signatures
