-- The size of the corpus: documents (ok and rejected), sentences, word tokens and entity
-- mentions (words from the kept lemma counts: the tokens table is not scanned).
SELECT
    (SELECT count(*) FROM documents) AS documents,
    (SELECT count(*) FROM documents WHERE status = 'ok') AS ok,
    (SELECT count(*) FROM documents WHERE status <> 'ok') AS rejected,
    (SELECT count(*) FROM sentences) AS sentences,
    (SELECT coalesce(sum(count), 0)::BIGINT FROM lemma_counts) AS words,
    (SELECT count(*) FROM entities) AS entities
