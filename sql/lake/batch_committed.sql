-- Whether the batch $1 was committed before (a retried delivery commits once).
SELECT 1 FROM batches WHERE batch_id = $1
