-- Delete the files that no kept snapshot reads any more.
CALL ducklake_cleanup_old_files('lake', cleanup_all => true)
