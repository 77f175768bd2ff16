-- Drop a table an earlier version of the reuse pass kept (reuse_signatures, reused_sentences).
DROP TABLE IF EXISTS {table}
