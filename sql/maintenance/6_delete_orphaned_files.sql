-- A killed write can leave Parquet files that no snapshot names.
CALL ducklake_delete_orphaned_files('lake', cleanup_all => true)
