-- What the derived step $1 was last computed from.
SELECT fingerprint FROM derived_state WHERE name = $1
