-- The lake's last committed snapshot (one per commit): what a derived cache was read at.
SELECT id FROM ducklake_current_snapshot('lake')
