-- Record what the derived step $1 was computed from ($2) and when ($3).
INSERT INTO derived_state VALUES ($1, $2, $3)
