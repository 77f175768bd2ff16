-- Record with the open transaction's snapshot who made it, what it did, and as extra info a JSON object (code_version, files_added, files_changed, files_deleted).
CALL lake.set_commit_message($1, $2, extra_info => $3)
