-- The id of the lake's snapshot this connection sees (one per commit): what a derived cache was read at, what a figure cites.
SELECT id FROM ducklake_current_snapshot('lake')
