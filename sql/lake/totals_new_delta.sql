-- A delta of kept totals, from one of our own contribution queries.
CREATE OR REPLACE TEMP TABLE totals_delta AS {query}
