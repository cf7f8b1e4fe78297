-- 0006_chart: the rest of the client chart, guardians, and the history of
-- every chart field and every note draft.
--
-- Sealed under the client's key, bound to (table, column, row, key
-- version): every new chart field (emergency contact, contact preferences,
-- the confidential-communication alternates, intake date, referral
-- source), every guardian's name, relationship, phone and email, and every
-- version kept in client_versions and note_versions. Contact preferences
-- are sealed as "1" or "0" (same length, so the ciphertext does not say
-- which).
-- In the clear, because they say nothing about the client and the database
-- needs them: ids, times, versions, who made a change, the names of the
-- fields a change touched, a guardian's scopes (an access rule, like the
-- care team), and the primary clinician (a user id, like the care team).

ALTER TABLE clients ADD COLUMN emergency_name_sealed BLOB;
ALTER TABLE clients ADD COLUMN emergency_relationship_sealed BLOB;
ALTER TABLE clients ADD COLUMN emergency_phone_sealed BLOB;
ALTER TABLE clients ADD COLUMN may_email_sealed BLOB;
ALTER TABLE clients ADD COLUMN may_text_sealed BLOB;
ALTER TABLE clients ADD COLUMN may_voicemail_sealed BLOB;
ALTER TABLE clients ADD COLUMN alt_address_sealed BLOB;
ALTER TABLE clients ADD COLUMN alt_phone_sealed BLOB;
ALTER TABLE clients ADD COLUMN alt_email_sealed BLOB;
ALTER TABLE clients ADD COLUMN intake_date_sealed BLOB;
ALTER TABLE clients ADD COLUMN referral_source_sealed BLOB;
ALTER TABLE clients ADD COLUMN primary_clinician INTEGER REFERENCES users(id);

-- Guardians of a minor (or of a client who has one): who they are and what
-- each may see (scopes: 1 scheduling, 2 billing, 4 records).
CREATE TABLE client_guardians (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	key_version INTEGER NOT NULL,
	name_sealed BLOB NOT NULL,          -- written empty, then sealed (the row id is in the AD)
	relationship_sealed BLOB,
	phone_sealed BLOB,
	email_sealed BLOB,
	scopes INTEGER NOT NULL DEFAULT 0 CHECK (scopes BETWEEN 0 AND 7),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX client_guardians_by_client ON client_guardians(client_id, id);

-- One row per change to a client's chart (the record or one of its
-- guardians): who, when, which fields, and their values after the change
-- (sealed, "changes" column). Replaying a client's rows gives every version.
-- A row is written empty, then sealed once; after that it never changes.
CREATE TABLE client_versions (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	key_version INTEGER NOT NULL,
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id), -- NULL: the practice itself (CLI) or unknown
	action TEXT NOT NULL,                  -- create, update, baseline, guardian.add...
	object_type TEXT NOT NULL,             -- client or guardian
	object_id TEXT NOT NULL,               -- its public id
	changed TEXT NOT NULL,                 -- field names, comma-separated
	changes_sealed BLOB NOT NULL
) STRICT;
CREATE INDEX client_versions_by_client ON client_versions(client_id, id);
CREATE TRIGGER client_versions_no_update BEFORE UPDATE ON client_versions
WHEN length(OLD.changes_sealed) > 0
BEGIN SELECT RAISE(ABORT, 'chart history is append-only'); END;
CREATE TRIGGER client_versions_no_delete BEFORE DELETE ON client_versions
BEGIN SELECT RAISE(ABORT, 'chart history is append-only'); END;

-- Every saved version of a progress note (the draft's text after each
-- save; only the author edits a draft, so the author made each one).
CREATE TABLE note_versions (
	id INTEGER PRIMARY KEY,
	note_id INTEGER NOT NULL REFERENCES notes(id),
	version INTEGER NOT NULL,
	key_version INTEGER NOT NULL,
	at INTEGER NOT NULL,
	actor_id INTEGER NOT NULL REFERENCES users(id),
	note_date TEXT NOT NULL,
	body_sealed BLOB NOT NULL,
	UNIQUE (note_id, version)
) STRICT;
CREATE TRIGGER note_versions_no_update BEFORE UPDATE ON note_versions
WHEN length(OLD.body_sealed) > 0
BEGIN SELECT RAISE(ABORT, 'note history is append-only'); END;
CREATE TRIGGER note_versions_no_delete BEFORE DELETE ON note_versions
BEGIN SELECT RAISE(ABORT, 'note history is append-only'); END;
