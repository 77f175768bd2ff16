-- The temporary content tokens are no longer needed.
DROP TABLE collocation_content
