-- The search index's own copy of the documents (`search_source` is the copy registered from the lake).
CREATE TABLE docs AS SELECT doc_id, title, published_date, text FROM search_source
