-- Old snapshots pin old files; keep a day of time travel.
CALL ducklake_expire_snapshots('lake', older_than => now() - INTERVAL '1 day')
