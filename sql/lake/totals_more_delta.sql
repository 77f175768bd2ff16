-- More of a delta of kept totals, from one of our own contribution queries.
INSERT INTO totals_delta {query}
