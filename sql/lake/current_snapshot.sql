-- The id of the lake's snapshot this connection sees.
SELECT id FROM ducklake_current_snapshot('lake')
