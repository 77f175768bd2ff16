-- Forget what the derived step $1 was computed from (before recording it anew).
DELETE FROM derived_state WHERE name = $1
