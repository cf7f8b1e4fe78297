-- 0012_access_requests: requests for a client's own record (right of
-- access, HIPAA 164.524 and GDPR 15; portability, GDPR 20) with their legal
-- due date, an extension, and the export that fulfilled them.
--
-- In the clear, because the deadline list needs them without opening
-- anything and none says anything about the client's health: the kind,
-- the jurisdiction, who filed it and how, the dates, the status and the
-- public id of the export that fulfilled it (an id in the audit trail).
-- Sealed under the client's key, bound to (table, column, row, key
-- version): the reason given for an extension (free text, it may name the
-- client's circumstances).

CREATE TABLE access_requests (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	kind TEXT NOT NULL CHECK (kind IN ('access', 'portability')),
	jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('hipaa', 'gdpr')),
	requested_by INTEGER NOT NULL REFERENCES users(id),
	requested_via TEXT NOT NULL CHECK (requested_via IN ('portal', 'staff')),
	received_on TEXT NOT NULL,             -- YYYY-MM-DD: the legal clock starts here
	due_on TEXT NOT NULL,                  -- YYYY-MM-DD: the deadline now in force
	created_at INTEGER NOT NULL,
	key_version INTEGER NOT NULL,
	extended_at INTEGER,
	extended_by INTEGER REFERENCES users(id),
	extension_reason_sealed BLOB,
	fulfilled_at INTEGER,
	fulfilled_by INTEGER REFERENCES users(id),
	export_id TEXT                         -- public id of the export (audit object id)
) STRICT;
CREATE INDEX access_requests_by_client ON access_requests(client_id, id);
CREATE INDEX access_requests_open ON access_requests(due_on) WHERE fulfilled_at IS NULL;

-- A fulfilled request is closed: the record of how a right was honoured is
-- evidence. (Rows are not protected from DELETE: erasure removes them with
-- the rest of the client's rows.)
CREATE TRIGGER access_requests_closed BEFORE UPDATE ON access_requests
WHEN OLD.fulfilled_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a fulfilled access request is closed'); END;
