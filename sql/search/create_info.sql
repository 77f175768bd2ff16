-- What the index was built from: compared with the lake's fingerprint before every search.
CREATE TABLE index_info AS
SELECT $fingerprint::VARCHAR AS fingerprint, $documents::BIGINT AS documents, now() AS built_at
