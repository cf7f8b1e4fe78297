-- 0013_erasure: client rights that remove or freeze a record (GDPR 17 and
-- 18, Washington MHMDA), legal holds, the erasure ledger and breach records.
-- Erasure destroys a client's data keys (crypto-shredding) and deletes every
-- row of theirs; audit events keep their ids. Nothing here holds PHI in the
-- clear: a hold's reasons are sealed under the client's key.

-- A row exists only inside an erasure's own write transaction (inserted
-- first, deleted before COMMIT), so no other connection ever sees it. While
-- it exists the "never deleted" triggers below let rows go.
CREATE TABLE erasure_running (
	id INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;

-- Legal holds: while one is not released, the client cannot be erased.
CREATE TABLE legal_holds (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	key_version INTEGER NOT NULL,
	reason_sealed BLOB NOT NULL,        -- written empty, then sealed (row id in the AD)
	set_by INTEGER NOT NULL REFERENCES users(id),
	set_at INTEGER NOT NULL,
	released_by INTEGER REFERENCES users(id),
	released_at INTEGER,
	release_reason_sealed BLOB
) STRICT;
CREATE INDEX legal_holds_by_client ON legal_holds(client_id, released_at);

-- Erasure requests outlive the client they name (ids only, no foreign key).
CREATE TABLE erasure_requests (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL,
	client_public_id TEXT NOT NULL,
	basis TEXT NOT NULL CHECK (basis IN ('gdpr-17', 'mhmda', 'other')),
	requested_by TEXT NOT NULL,         -- user public id, or "system"
	requested_via TEXT NOT NULL CHECK (requested_via IN ('portal', 'staff', 'cli')),
	requested_at INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('scheduled', 'done')),
	not_before INTEGER NOT NULL DEFAULT 0, -- the retention date, 0 when none applies
	blocked_by TEXT NOT NULL DEFAULT '',   -- "retention", "legal_hold" or both
	done_at INTEGER
) STRICT;
CREATE INDEX erasure_requests_due ON erasure_requests(status, not_before);
CREATE INDEX erasure_requests_by_client ON erasure_requests(client_id);

-- The erasure ledger, inside the database: a backup taken after an erasure
-- carries it. The copy that matters for older backups is the MACed file
-- DIR/erasure-ledger outside the backups (docs/data-directory.md).
CREATE TABLE erasure_ledger (
	client_public_id TEXT PRIMARY KEY,
	client_id INTEGER NOT NULL,
	key_ids TEXT NOT NULL,              -- "1:<blake2b of the wrap>,2:..." of every version
	request_public_id TEXT NOT NULL,
	erased_at INTEGER NOT NULL
) STRICT;

-- GDPR Art. 18 restriction: present while a client's data may only be
-- stored (and used for legal claims). Its history is in the audit trail.
CREATE TABLE client_restrictions (
	client_id INTEGER PRIMARY KEY REFERENCES clients(id),
	basis TEXT NOT NULL CHECK (basis IN ('accuracy', 'unlawful', 'legal-claims', 'objection')),
	restricted_by INTEGER NOT NULL REFERENCES users(id),
	restricted_at INTEGER NOT NULL
) STRICT;

-- Breach records (HIPAA 164.404-410, GDPR 33/34): the incident, the filter
-- that finds the affected clients in the audit trail, and the practice's
-- statements for the letters. Describe the incident, never a client.
CREATE TABLE breaches (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	discovered_at INTEGER NOT NULL,
	description TEXT NOT NULL,
	info_types TEXT NOT NULL,
	steps TEXT NOT NULL,                -- what individuals should do
	actions TEXT NOT NULL,              -- what the practice is doing
	contact TEXT NOT NULL,              -- how to reach the practice (and its DPO)
	consequences TEXT NOT NULL,         -- likely consequences (GDPR 33(3)(c), 34(2))
	actor TEXT NOT NULL DEFAULT '',     -- the filter: user public id,
	session TEXT NOT NULL DEFAULT '',   -- session public id,
	source TEXT NOT NULL DEFAULT '',    -- peer address,
	window_from INTEGER NOT NULL DEFAULT 0, -- and window (0: open)
	window_to INTEGER NOT NULL DEFAULT 0,
	affected INTEGER NOT NULL DEFAULT 0, -- clients found when recorded
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;

-- The "kept, never deleted" rules stay, except inside an erasure.
DROP TRIGGER note_addenda_no_delete;
CREATE TRIGGER note_addenda_no_delete BEFORE DELETE ON note_addenda
WHEN NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'addenda are signed and locked'); END;
DROP TRIGGER client_diagnoses_no_delete;
CREATE TRIGGER client_diagnoses_no_delete BEFORE DELETE ON client_diagnoses
WHEN NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'diagnoses are resolved, not deleted'); END;
DROP TRIGGER client_versions_no_delete;
CREATE TRIGGER client_versions_no_delete BEFORE DELETE ON client_versions
WHEN NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'chart history is append-only'); END;
DROP TRIGGER note_versions_no_delete;
CREATE TRIGGER note_versions_no_delete BEFORE DELETE ON note_versions
WHEN NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'note history is append-only'); END;
DROP TRIGGER treatment_plans_no_delete;
CREATE TRIGGER treatment_plans_no_delete BEFORE DELETE ON treatment_plans
WHEN NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'treatment plans are kept'); END;
DROP TRIGGER plan_versions_no_delete;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON treatment_plan_versions
WHEN NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'plan versions are kept'); END;
DROP TRIGGER amendment_requests_no_delete;
CREATE TRIGGER amendment_requests_no_delete BEFORE DELETE ON amendment_requests
WHEN NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'amendment requests are kept'); END;
DROP TRIGGER attachments_no_delete;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
WHEN OLD.state = 'ready' AND NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'attachments are kept, not deleted'); END;
DROP TRIGGER attachment_chunks_no_delete;
CREATE TRIGGER attachment_chunks_no_delete BEFORE DELETE ON attachment_chunks
WHEN (SELECT state FROM attachments WHERE id = OLD.attachment_id) = 'ready'
	AND NOT EXISTS (SELECT 1 FROM erasure_running)
BEGIN SELECT RAISE(ABORT, 'attachments are kept, not deleted'); END;
