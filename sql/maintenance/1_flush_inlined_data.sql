-- Small commits are inlined in the catalog; move them to Parquet first.
CALL ducklake_flush_inlined_data('lake')
