-- One row per frequent content lemma and one of its 10 strongest collocates: a content lemma (noun, proper noun, verb or adjective; no stop words, punctuation or numbers) found within 5 tokens of it in the same sentence more often than chance, with the count, the count expected by chance, PMI and log-likelihood (G2), ranked by G2.
-- Computed when read, from the corpus-wide counts kept by difference (collocation_pair_counts,
-- collocation_lemma_counts): a run never pays for it.
WITH settings AS (
    SELECT
        5 AS min_lemma_count,  -- a node lemma occurs at least this often
        3 AS min_pair_count,   -- a collocate is seen near the node at least this often
        10 AS top_k            -- collocates kept per node lemma
),
pairs AS (
    -- symmetric: (a, b) and (b, a) have the same counts
    SELECT lemma, collocate, cooccurrences, documents FROM collocation_pair_counts
),
margins AS (
    SELECT lemma, sum(cooccurrences) AS pairs FROM pairs GROUP BY lemma
),
frequency AS (
    SELECT lemma, n FROM collocation_lemma_counts
),
contingency AS (
    -- the 2x2 table of each pair over all pairs: o11 = together, o12 = node with another, ...
    SELECT p.lemma, p.collocate, p.cooccurrences, p.documents,
        fa.n AS lemma_count, fb.n AS collocate_count,
        p.cooccurrences::DOUBLE AS o11,
        (ma.pairs - p.cooccurrences)::DOUBLE AS o12,
        (mb.pairs - p.cooccurrences)::DOUBLE AS o21,
        (t.total - ma.pairs - mb.pairs + p.cooccurrences)::DOUBLE AS o22,
        ma.pairs::DOUBLE AS r1, (t.total - ma.pairs)::DOUBLE AS r2,
        mb.pairs::DOUBLE AS c1, (t.total - mb.pairs)::DOUBLE AS c2,
        t.total::DOUBLE AS total
    FROM pairs AS p
    JOIN margins AS ma ON ma.lemma = p.lemma
    JOIN margins AS mb ON mb.lemma = p.collocate
    JOIN frequency AS fa ON fa.lemma = p.lemma
    JOIN frequency AS fb ON fb.lemma = p.collocate
    CROSS JOIN (SELECT sum(cooccurrences) AS total FROM pairs) AS t
    WHERE fa.n >= (SELECT min_lemma_count FROM settings)
        AND p.cooccurrences >= (SELECT min_pair_count FROM settings)
        AND o11 * total > r1 * c1
),
scored AS (
    SELECT lemma, collocate, cooccurrences, documents, lemma_count, collocate_count,
        round(r1 * c1 / total, 3) AS expected,
        round(log2(o11 * total / (r1 * c1)), 3) AS pmi,
        round(2 * (
            o11 * ln(o11 * total / (r1 * c1))
            + CASE WHEN o12 > 0 THEN o12 * ln(o12 * total / (r1 * c2)) ELSE 0 END
            + CASE WHEN o21 > 0 THEN o21 * ln(o21 * total / (r2 * c1)) ELSE 0 END
            + CASE WHEN o22 > 0 THEN o22 * ln(o22 * total / (r2 * c2)) ELSE 0 END
        ), 3) AS log_likelihood
    FROM contingency
)
SELECT lemma, collocate, cooccurrences, documents, lemma_count, collocate_count, expected, pmi,
    log_likelihood,
    row_number() OVER (PARTITION BY lemma ORDER BY log_likelihood DESC, collocate) AS rank
FROM scored
QUALIFY rank <= (SELECT top_k FROM settings)
ORDER BY lemma_count DESC, lemma, rank
