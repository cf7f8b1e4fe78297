-- 0002_identity: sign-in, MFA, sessions, throttling, care teams.
-- Secrets are never stored in the clear: passwords as Argon2id strings,
-- session and CSRF tokens and recovery codes as BLAKE2b hashes, TOTP
-- secrets sealed under the practice-secrets key.

ALTER TABLE users ADD COLUMN mfa_secret_sealed BLOB;        -- NULL: none
ALTER TABLE users ADD COLUMN mfa_enrolled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN mfa_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN client_id INTEGER REFERENCES clients(id); -- role client only
ALTER TABLE users ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
	user_id INTEGER NOT NULL REFERENCES users(id),
	hash BLOB NOT NULL,
	used_at INTEGER,
	PRIMARY KEY (user_id, hash)
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,     -- shown in audit events, never a credential
	token_hash BLOB NOT NULL UNIQUE,
	csrf_hash BLOB NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,        -- absolute lifetime
	reauth_at INTEGER NOT NULL,         -- last password (+code) check
	source TEXT NOT NULL,
	ended_at INTEGER                    -- logout, timeout, disable
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE throttle (
	key TEXT PRIMARY KEY,               -- "u:" + user id or "a:" + address
	failures INTEGER NOT NULL,
	locked_until INTEGER NOT NULL
) STRICT;

CREATE TABLE care_team (
	client_id INTEGER NOT NULL REFERENCES clients(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	added_at INTEGER NOT NULL,
	PRIMARY KEY (client_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX care_team_by_user ON care_team(user_id, client_id);

CREATE TABLE supervision (
	supervisor_id INTEGER NOT NULL REFERENCES users(id),
	supervisee_id INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (supervisor_id, supervisee_id)
) STRICT, WITHOUT ROWID;

-- Time-boxed access outside the care team, with a stated reason (sealed
-- under the client's key: a reason may mention the client).
CREATE TABLE break_glass (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	client_id INTEGER NOT NULL REFERENCES clients(id),
	key_version INTEGER NOT NULL,
	reason_sealed BLOB NOT NULL,
	started_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	reviewed_by INTEGER REFERENCES users(id),
	reviewed_at INTEGER
) STRICT;
CREATE INDEX break_glass_by_user ON break_glass(user_id, client_id, expires_at);
