-- Many small Parquet files slow every scan: merge neighbours.
CALL ducklake_merge_adjacent_files('lake')
