-- Empty a reuse table (a full pass starts from nothing).
DELETE FROM {table}
