-- 0001_foundation: the practice's keyring, users, clients and the audit chain.
-- Columns named *_sealed hold vault_seal() output bound to (table, column,
-- row id, key version); nothing here is PHI in plaintext.

CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- Copies of the master key, each wrapped one way (vault_wrap).
CREATE TABLE keyring (
	id INTEGER PRIMARY KEY,
	kind INTEGER NOT NULL,              -- enum vault_wrap_kind
	master_version INTEGER NOT NULL,
	opslimit INTEGER NOT NULL DEFAULT 0,
	memlimit INTEGER NOT NULL DEFAULT 0,
	salt BLOB NOT NULL,
	blob BLOB NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

-- Staff and (later) portal accounts. Ids are never reused; users are
-- disabled, never deleted.
CREATE TABLE users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	public_id TEXT NOT NULL UNIQUE,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE,
	display_name TEXT NOT NULL,
	role TEXT NOT NULL,
	pass_hash TEXT,                     -- Argon2id string; NULL until set
	must_change_password INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE clients (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	public_id TEXT NOT NULL UNIQUE,
	status INTEGER NOT NULL DEFAULT 0,
	key_version INTEGER NOT NULL,
	legal_name_sealed BLOB,
	preferred_name_sealed BLOB,
	pronouns_sealed BLOB,
	date_of_birth_sealed BLOB,
	email_sealed BLOB,
	phone_sealed BLOB,
	address_sealed BLOB,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
) STRICT;

-- One data key per client and version, wrapped by the master key.
-- Deleting a client's rows here crypto-shreds the client.
CREATE TABLE client_keys (
	client_id INTEGER NOT NULL REFERENCES clients(id),
	key_version INTEGER NOT NULL,
	master_version INTEGER NOT NULL,
	wrapped BLOB NOT NULL,
	PRIMARY KEY (client_id, key_version)
) STRICT;

-- Blind index: keyed hashes of name and birth-date tokens (vault_blind_index).
CREATE TABLE client_search (
	token BLOB NOT NULL,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	PRIMARY KEY (token, client_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX client_search_by_client ON client_search(client_id);

-- Append-only audit chain; hash = MAC(audit key, prev_hash || event fields).
CREATE TABLE audit_events (
	seq INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,
	event TEXT NOT NULL,
	client_id INTEGER,
	outcome TEXT NOT NULL,
	request_id TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	prev_hash BLOB NOT NULL,
	hash BLOB NOT NULL
) STRICT;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

-- First shape of scheduling and notes, enough for demo data and benchmarks;
-- the scheduling and records issues extend these with migrations.
CREATE TABLE appointments (
	id INTEGER PRIMARY KEY,
	clinician_id INTEGER NOT NULL REFERENCES users(id),
	client_id INTEGER NOT NULL REFERENCES clients(id),
	starts_at INTEGER NOT NULL,
	ends_at INTEGER NOT NULL,
	status INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX appointments_by_clinician ON appointments(clinician_id, starts_at);
CREATE INDEX appointments_by_client ON appointments(client_id, starts_at);

CREATE TABLE notes (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	author_id INTEGER NOT NULL REFERENCES users(id),
	appointment_id INTEGER REFERENCES appointments(id),
	key_version INTEGER NOT NULL,
	body_sealed BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	signed_at INTEGER
) STRICT;
CREATE INDEX notes_by_client ON notes(client_id, created_at);
