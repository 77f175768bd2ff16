-- The merges of entity names made in the most documents.
SELECT alias, canonical, label, basis, documents
FROM entity_aliases
ORDER BY documents DESC, alias, canonical
LIMIT 5
