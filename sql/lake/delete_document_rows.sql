-- Remove the rows of the documents in the registered table `batch_ids` from one table.
DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM batch_ids)
