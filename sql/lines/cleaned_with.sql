-- The line keys every document of the lake was cleaned with as corpus-level boilerplate.
SELECT key FROM common_lines
