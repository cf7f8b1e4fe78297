-- 0005_diagnoses: a client's diagnoses (ICD-10-CM codes from the list
-- compiled into the binary), with onset and resolution dates and a primary
-- flag.
--
-- Sealed under the client's key, bound to (table, column, row, key
-- version): the code (it names the condition: PHI as much as note text),
-- the onset date and the resolution date (dates about a person's health are
-- PHI, and they date the condition).
-- In the clear, because they say nothing about which condition it is and
-- the database needs them: the ids (joins, public lookups), created_by (who
-- is accountable), the times and version (ordering and optimistic locking),
-- is_primary (the index below keeps one primary per client) and resolved
-- (active and resolved lists without opening anything). Someone holding the
-- file learns how many diagnoses a client has and when they were recorded,
-- never what they are.

CREATE TABLE client_diagnoses (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	key_version INTEGER NOT NULL,
	code_sealed BLOB NOT NULL,          -- written empty, then sealed (the row id is in the AD)
	onset_sealed BLOB,                  -- YYYY-MM-DD, or NULL when not known
	resolved_on_sealed BLOB,            -- YYYY-MM-DD, NULL while active
	is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
	resolved INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK (is_primary = 0 OR resolved = 0) -- a resolved diagnosis is not primary
) STRICT;
CREATE INDEX client_diagnoses_by_client ON client_diagnoses(client_id, id);
-- At most one primary diagnosis per client, whatever the code above does.
CREATE UNIQUE INDEX client_diagnoses_one_primary ON client_diagnoses(client_id)
	WHERE is_primary = 1;
-- Diagnoses are resolved, never deleted: the record keeps its history.
CREATE TRIGGER client_diagnoses_no_delete BEFORE DELETE ON client_diagnoses
BEGIN SELECT RAISE(ABORT, 'diagnoses are resolved, not deleted'); END;
