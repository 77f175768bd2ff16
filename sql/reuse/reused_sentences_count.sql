-- Aligned sentence pairs of the reported pairs.
SELECT count(*) FROM reused_sentences
