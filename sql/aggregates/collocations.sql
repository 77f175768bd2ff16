-- One row per frequent content lemma and one of its 10 strongest collocates: a content lemma (noun, proper noun, verb or adjective; no stop words, punctuation or numbers) found within 5 tokens of it in the same sentence more often than chance, with the count, the count expected by chance, PMI and log-likelihood (G2), ranked by G2.
WITH settings AS (
    SELECT
        5 AS span,             -- tokens either side of the node, within its sentence
        5 AS min_lemma_count,  -- a node lemma occurs at least this often
        3 AS min_pair_count,   -- a collocate is seen near the node at least this often
        10 AS top_k            -- collocates kept per node lemma
),
stop_words AS (
    -- spaCy 3.8's English stop words: a lemma in this list is a stop word even when its token
    -- is not one ("said" -> "say", "took" -> "take")
    SELECT unnest([
        'a', 'about', 'above', 'across', 'after', 'afterwards', 'again', 'against', 'all',
        'almost', 'alone', 'along', 'already', 'also', 'although', 'always', 'am', 'among',
        'amongst', 'amount', 'an', 'and', 'another', 'any', 'anyhow', 'anyone', 'anything',
        'anyway', 'anywhere', 'are', 'around', 'as', 'at', 'back', 'be', 'became', 'because',
        'become', 'becomes', 'becoming', 'been', 'before', 'beforehand', 'behind', 'being',
        'below', 'beside', 'besides', 'between', 'beyond', 'both', 'bottom', 'but', 'by', 'ca',
        'call', 'can', 'cannot', 'could', 'did', 'do', 'does', 'doing', 'done', 'down', 'due',
        'during', 'each', 'eight', 'either', 'eleven', 'else', 'elsewhere', 'empty', 'enough',
        'even', 'ever', 'every', 'everyone', 'everything', 'everywhere', 'except', 'few',
        'fifteen', 'fifty', 'first', 'five', 'for', 'former', 'formerly', 'forty', 'four',
        'from', 'front', 'full', 'further', 'get', 'give', 'go', 'had', 'has', 'have', 'he',
        'hence', 'her', 'here', 'hereafter', 'hereby', 'herein', 'hereupon', 'hers', 'herself',
        'him', 'himself', 'his', 'how', 'however', 'hundred', 'i', 'if', 'in', 'indeed', 'into',
        'is', 'it', 'its', 'itself', 'just', 'keep', 'last', 'latter', 'latterly', 'least',
        'less', 'made', 'make', 'many', 'may', 'me', 'meanwhile', 'might', 'mine', 'more',
        'moreover', 'most', 'mostly', 'move', 'much', 'must', 'my', 'myself', 'name', 'namely',
        'neither', 'never', 'nevertheless', 'next', 'nine', 'no', 'nobody', 'none', 'noone',
        'nor', 'not', 'nothing', 'now', 'nowhere', 'of', 'off', 'often', 'on', 'once', 'one',
        'only', 'onto', 'or', 'other', 'others', 'otherwise', 'our', 'ours', 'ourselves', 'out',
        'over', 'own', 'part', 'per', 'perhaps', 'please', 'put', 'quite', 'rather', 're',
        'really', 'regarding', 'same', 'say', 'see', 'seem', 'seemed', 'seeming', 'seems',
        'serious', 'several', 'she', 'should', 'show', 'side', 'since', 'six', 'sixty', 'so',
        'some', 'somehow', 'someone', 'something', 'sometime', 'sometimes', 'somewhere',
        'still', 'such', 'take', 'ten', 'than', 'that', 'the', 'their', 'them', 'themselves',
        'then', 'thence', 'there', 'thereafter', 'thereby', 'therefore', 'therein', 'thereupon',
        'these', 'they', 'third', 'this', 'those', 'though', 'three', 'through', 'throughout',
        'thru', 'thus', 'to', 'together', 'too', 'top', 'toward', 'towards', 'twelve', 'twenty',
        'two', 'under', 'unless', 'until', 'up', 'upon', 'us', 'used', 'using', 'various',
        'very', 'via', 'was', 'we', 'well', 'were', 'what', 'whatever', 'when', 'whence',
        'whenever', 'where', 'whereafter', 'whereas', 'whereby', 'wherein', 'whereupon',
        'wherever', 'whether', 'which', 'while', 'whither', 'who', 'whoever', 'whole', 'whom',
        'whose', 'why', 'will', 'with', 'within', 'without', 'would', 'yet', 'you', 'your',
        'yours', 'yourself', 'yourselves'
    ]) AS word
),
content AS (
    -- a 64-bit hash of doc_id joins and groups faster than the string
    SELECT hash(doc_id) AS doc, sent_idx, tok_idx, lemma
    FROM tokens
    WHERE pos IN ('NOUN', 'PROPN', 'VERB', 'ADJ')
        AND NOT is_stop
        AND lower(lemma) NOT IN (SELECT word FROM stop_words)
        AND NOT is_punct
        AND regexp_matches(lemma, '^\pL')
        AND NOT regexp_matches(lemma, '[\d\s]')
),
pairs_by_doc AS (
    -- ordered (node, collocate) pairs of different lemmas within the span, per document
    SELECT a.doc, a.lemma, b.lemma AS collocate, count(*) AS cooccurrences
    FROM content AS a
    JOIN content AS b
        ON a.doc = b.doc
        AND a.sent_idx = b.sent_idx
        AND b.tok_idx BETWEEN a.tok_idx - (SELECT span FROM settings)
            AND a.tok_idx + (SELECT span FROM settings)
        AND a.lemma <> b.lemma
    GROUP BY a.doc, a.lemma, b.lemma
),
pairs AS (
    -- symmetric: (a, b) and (b, a) have the same counts
    SELECT lemma, collocate, sum(cooccurrences) AS cooccurrences, count(*) AS documents
    FROM pairs_by_doc
    GROUP BY lemma, collocate
),
margins AS (
    SELECT lemma, sum(cooccurrences) AS pairs FROM pairs GROUP BY lemma
),
frequency AS (
    SELECT lemma, count(*) AS n FROM content GROUP BY lemma
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
