-- When the last file was processed: the checks after a run look at what came after it.
SELECT max(processed_at) FROM files
