-- What the derived tables depend on, cheaply: how many files there are and when the last one
-- was processed (a run that adds, changes, re-versions or deletes a file moves one of the two;
-- a digest of every row cost a scan of `files` per step, growing with the corpus).
SELECT count(*)::VARCHAR || ':' || coalesce(max(processed_at)::VARCHAR, '') FROM files
