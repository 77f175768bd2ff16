-- BM25 index over title and cleaned text: lower-cased, accents stripped, English stop words, Porter stems.
PRAGMA create_fts_index('docs', 'doc_id', 'title', 'text', stemmer = 'porter', stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)
