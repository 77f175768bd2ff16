-- The short lines held by $1 or more groups of documents: corpus-level boilerplate.
SELECT key FROM line_counts WHERE documents >= $1
