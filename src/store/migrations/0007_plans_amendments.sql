-- 0007_plans_amendments: treatment plans (versioned, client-signed) and
-- amendment requests (HIPAA 164.526).
--
-- A plan is a head row (which client, who started it, its newest version)
-- and one row per saved version. Each version holds, sealed under the
-- client's key and bound to (table, column, row, key version): the plan as
-- one canonical JSON document (body) and the plain-text rendering shown to
-- the client for signature (text); and, once signed, the name the signer
-- typed. In the clear: ids, times, who wrote and who recorded the
-- signature, and the SHA-256 of the rendering (the notes' content_hash
-- likewise): enough to prove what was signed, nothing about what it says.
-- A version never changes once sealed, and a signed version never changes
-- at all: the database refuses both (like signed notes in 0004).

CREATE TABLE treatment_plans (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	latest INTEGER NOT NULL DEFAULT 0 -- number of the newest version (0 until the first)
) STRICT;
CREATE INDEX treatment_plans_by_client ON treatment_plans(client_id, id);
CREATE TRIGGER treatment_plans_no_delete BEFORE DELETE ON treatment_plans
BEGIN SELECT RAISE(ABORT, 'treatment plans are kept'); END;

CREATE TABLE treatment_plan_versions (
	id INTEGER PRIMARY KEY,
	plan_id INTEGER NOT NULL REFERENCES treatment_plans(id),
	version INTEGER NOT NULL CHECK (version >= 1),
	author_id INTEGER NOT NULL REFERENCES users(id),
	key_version INTEGER NOT NULL,
	body_sealed BLOB NOT NULL,          -- written empty, then sealed once (row id in the AD)
	text_sealed BLOB NOT NULL,          -- likewise
	text_hash BLOB NOT NULL CHECK (length(text_hash) = 32), -- SHA-256 of the rendering
	created_at INTEGER NOT NULL,
	signed_at INTEGER,                  -- NULL until signed
	signed_by INTEGER REFERENCES users(id), -- who recorded it: the client, or a clinician in person
	signed_method TEXT CHECK (signed_method IN ('portal', 'in_person')),
	signed_hash BLOB CHECK (signed_hash IS NULL OR length(signed_hash) = 32),
	signer_name_sealed BLOB,            -- the typed name
	UNIQUE (plan_id, version),
	CHECK ((signed_at IS NULL) = (signed_hash IS NULL))
) STRICT;

-- A version's content is sealed once; after that only the signature
-- columns may be written, once.
CREATE TRIGGER plan_versions_sealed_once BEFORE UPDATE OF plan_id, version, author_id,
	key_version, body_sealed, text_sealed, text_hash, created_at ON treatment_plan_versions
WHEN length(OLD.body_sealed) > 0
BEGIN SELECT RAISE(ABORT, 'plan versions never change: save a new version'); END;
CREATE TRIGGER plan_versions_signed_locked BEFORE UPDATE ON treatment_plan_versions
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed plan versions are locked'); END;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON treatment_plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are kept'); END;

-- Amendment requests. Sealed under the client's key, each bound to its
-- row and column: the requested change and the reason, the reason for an
-- extension, the decision text (the amended text when accepted, the
-- reason when denied), the statement of disagreement and the rebuttal. In
-- the clear: what the request is about (a kind, an opaque id, or a chart
-- field's name), who acted and when, the deadline, the status and the
-- denial basis (one of the rule's four grounds). A decided request never
-- changes; disagreement and rebuttal are each written once, in order.

CREATE TABLE amendment_requests (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	target_type TEXT NOT NULL CHECK (target_type IN ('note', 'plan', 'diagnosis', 'chart')),
	target_id INTEGER,                  -- row id of the note, plan or diagnosis; NULL for chart
	target_public_id TEXT NOT NULL DEFAULT '', -- its public id ('' for chart)
	target_field TEXT NOT NULL DEFAULT '',     -- the chart field's name ('' otherwise)
	requested_by INTEGER NOT NULL REFERENCES users(id),
	requested_via TEXT NOT NULL CHECK (requested_via IN ('portal', 'staff')),
	key_version INTEGER NOT NULL,
	change_sealed BLOB NOT NULL,        -- written empty, then sealed once
	reason_sealed BLOB NOT NULL,
	received_at INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	extended_at INTEGER,
	extended_by INTEGER REFERENCES users(id),
	extension_reason_sealed BLOB,
	status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)), -- pending, accepted, denied
	decided_by INTEGER REFERENCES users(id),
	decided_at INTEGER,
	denial_basis TEXT NOT NULL DEFAULT '',
	decision_sealed BLOB,
	addendum_id INTEGER REFERENCES note_addenda(id), -- the addendum an accepted note request added
	disagreement_sealed BLOB,
	disagreement_by INTEGER REFERENCES users(id),
	disagreement_at INTEGER,
	rebuttal_sealed BLOB,
	rebuttal_by INTEGER REFERENCES users(id),
	rebuttal_at INTEGER
) STRICT;
CREATE INDEX amendment_requests_by_client ON amendment_requests(client_id, id);
CREATE INDEX amendment_requests_by_target ON amendment_requests(target_type, target_id, id);

CREATE TRIGGER amendment_requests_sealed_once BEFORE UPDATE OF change_sealed, reason_sealed,
	client_id, target_type, target_id, target_public_id, target_field, requested_by,
	requested_via, key_version, received_at ON amendment_requests
WHEN length(OLD.change_sealed) > 0
BEGIN SELECT RAISE(ABORT, 'an amendment request never changes'); END;
CREATE TRIGGER amendment_requests_decided_locked BEFORE UPDATE OF status, decided_by,
	decided_at, denial_basis, decision_sealed, addendum_id, due_at, extended_at,
	extension_reason_sealed ON amendment_requests
WHEN OLD.status <> 0
BEGIN SELECT RAISE(ABORT, 'a decided amendment request is locked'); END;
CREATE TRIGGER amendment_requests_extended_once BEFORE UPDATE OF extended_at, extended_by,
	extension_reason_sealed, due_at ON amendment_requests
WHEN OLD.extended_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the deadline is extended at most once'); END;
CREATE TRIGGER amendment_requests_disagreement_once BEFORE UPDATE OF disagreement_sealed,
	disagreement_by, disagreement_at ON amendment_requests
WHEN OLD.status <> 2 OR OLD.disagreement_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a statement of disagreement follows a denial, once'); END;
CREATE TRIGGER amendment_requests_rebuttal_once BEFORE UPDATE OF rebuttal_sealed, rebuttal_by,
	rebuttal_at ON amendment_requests
WHEN OLD.disagreement_at IS NULL OR OLD.rebuttal_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a rebuttal follows a statement of disagreement, once'); END;
CREATE TRIGGER amendment_requests_no_delete BEFORE DELETE ON amendment_requests
BEGIN SELECT RAISE(ABORT, 'amendment requests are kept'); END;
