-- The new totals of the keys a delta touches: the kept total (none: 0) plus the delta, summed.
-- {added} and {summed} are built from the declared sum columns (pipeline/lake/aggregates.py).
CREATE OR REPLACE TEMP TABLE merged_totals AS
SELECT {keys}, {added}
FROM (SELECT {keys}, {summed} FROM {delta} GROUP BY {keys}) AS d
LEFT JOIN {table} AS t USING ({keys})
