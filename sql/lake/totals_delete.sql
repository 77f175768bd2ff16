-- The kept rows of the keys a delta touches go; merged_totals holds their new values.
DELETE FROM {table} USING (SELECT DISTINCT {keys} FROM {delta}) AS d WHERE {match}
