-- The ids of the lake's kept snapshots (maintenance expires those older than a day).
SELECT snapshot_id FROM ducklake_snapshots('lake') ORDER BY snapshot_id
