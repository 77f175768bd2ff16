-- The size of the corpus: documents (ok and rejected), sentences, word tokens and entity mentions.
SELECT
    (SELECT count(*) FROM documents) AS documents,
    (SELECT count(*) FROM documents WHERE status = 'ok') AS ok,
    (SELECT count(*) FROM documents WHERE status <> 'ok') AS rejected,
    (SELECT count(*) FROM sentences) AS sentences,
    (SELECT count(*) FROM tokens WHERE NOT is_punct AND pos <> 'SPACE') AS words,
    (SELECT count(*) FROM entities) AS entities
