-- The fingerprint of the documents the index was built from.
SELECT fingerprint FROM index_info
