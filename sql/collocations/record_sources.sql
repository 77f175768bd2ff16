-- Record what the counts of the documents $1 were derived from ($2, in the same order).
INSERT INTO collocation_sources SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[])
