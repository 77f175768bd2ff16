-- The code versions that made the rows of the files in the lake, the most common first.
SELECT code_version
FROM files
GROUP BY code_version
ORDER BY count(*) DESC, code_version
