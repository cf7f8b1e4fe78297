-- 0003_audit: who, from where, on what and why in every audit event; the
-- chain format per row; signed checkpoints and the key that signs them.
-- Nothing here is PHI: events hold ids, counts and names of fields only.

-- format 1: rows written before this migration, hashed with the v1 encoding
-- (the new columns stay ''); format 2: every column below is hashed,
-- length-prefixed (docs/internals/audit.md).
ALTER TABLE audit_events ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_events ADD COLUMN actor_role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN session TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN object_type TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN object_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN purpose TEXT NOT NULL DEFAULT '';

-- Reports: one client's events, one actor's, a time window.
CREATE INDEX audit_events_by_client ON audit_events(client_id, seq);
CREATE INDEX audit_events_by_actor ON audit_events(actor, seq);
CREATE INDEX audit_events_by_at ON audit_events(at);

-- Ed25519 key pairs that sign checkpoints. secret_sealed is the 32-byte
-- seed, vault_seal'ed under the practice-secrets subkey with associated
-- data ("audit_keys", "secret", id, 0).
CREATE TABLE audit_keys (
	id INTEGER PRIMARY KEY,
	public_key BLOB NOT NULL UNIQUE,
	secret_sealed BLOB NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER audit_keys_no_update BEFORE UPDATE ON audit_keys
BEGIN SELECT RAISE(ABORT, 'audit keys are append-only'); END;
CREATE TRIGGER audit_keys_no_delete BEFORE DELETE ON audit_keys
BEGIN SELECT RAISE(ABORT, 'audit keys are append-only'); END;

-- A checkpoint signs the chain's head at event seq:
-- signature = Ed25519("confidant/checkpoint/v1" || u64le seq || head || u64le at).
CREATE TABLE audit_checkpoints (
	seq INTEGER PRIMARY KEY,            -- the last event covered
	head BLOB NOT NULL,                 -- that event's hash
	at INTEGER NOT NULL,                -- unix seconds (the event's time)
	key_id INTEGER NOT NULL REFERENCES audit_keys(id),
	signature BLOB NOT NULL
) STRICT;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
