-- One row per kept snapshot of the lake, oldest first: its id, when it was committed (UTC), the files it added, changed (rows rewritten) and deleted and the code version that made it (null when not recorded), and what it did (the commit's message, else DuckLake's list of its changes).
SELECT
    snapshot_id AS snapshot,
    timezone('UTC', snapshot_time) AS time_utc,
    TRY_CAST(json_extract_string(commit_extra_info, '$.files_added') AS BIGINT) AS files_added,
    TRY_CAST(json_extract_string(commit_extra_info, '$.files_changed') AS BIGINT) AS files_changed,
    TRY_CAST(json_extract_string(commit_extra_info, '$.files_deleted') AS BIGINT) AS files_deleted,
    json_extract_string(commit_extra_info, '$.code_version') AS code_version,
    coalesce(
        commit_message,
        array_to_string(
            list_transform(map_entries(changes), c -> c.key || ': ' || array_to_string(c.value, ', ')),
            '; '
        )
    ) AS what
FROM ducklake_snapshots('lake')
ORDER BY snapshot_id
