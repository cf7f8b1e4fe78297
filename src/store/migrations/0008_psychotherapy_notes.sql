-- 0008_psychotherapy_notes: HIPAA 164.501 psychotherapy notes, kept apart
-- from the record (docs/design/psychotherapy-notes.md, docs/keys.md).
--
-- author_keys: each clinician's author key AK, wrapped under a key derived
-- from their password (Argon2id, its own salt and cost), and an X25519 key
-- pair whose secret half is sealed under AK (the public half is plain: it
-- only lets an author share a note key with this user). Nothing in these
-- tables opens without a password or a recovery code the server never
-- stores.
CREATE TABLE author_keys (
	user_id INTEGER PRIMARY KEY REFERENCES users(id),
	pw_salt BLOB NOT NULL,             -- Argon2id salt (16 bytes)
	pw_opslimit INTEGER NOT NULL,      -- Argon2id passes
	pw_memlimit INTEGER NOT NULL,      -- Argon2id memory, bytes
	pw_wrap BLOB NOT NULL,             -- AK sealed under Argon2id(password)
	box_public BLOB NOT NULL,          -- X25519 public key
	box_secret_sealed BLOB NOT NULL,   -- X25519 secret key sealed under AK
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

-- AK wrapped under a key derived from each unused recovery code (so a
-- forgotten password plus a code still opens the author's notes). code_hash
-- is the code's hash as recovery_codes stores it, to find the row; the
-- wrapping key is derived differently (docs/keys.md). A used code's row is
-- deleted.
CREATE TABLE author_key_recovery (
	user_id INTEGER NOT NULL REFERENCES users(id),
	code_hash BLOB NOT NULL,
	wrap BLOB NOT NULL,
	PRIMARY KEY (user_id, code_hash)
) STRICT;

-- The notes. body_sealed is the text under a key from the note key NK and
-- the client's data key; nk_wrap is NK under a key from the author's AK and
-- the client's data key. Both are bound to the row id and key version. In
-- the clear: ids, author, times and version (lists without opening
-- anything). No other table's queries join this one.
CREATE TABLE psychotherapy_notes (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	author_id INTEGER NOT NULL REFERENCES users(id),
	key_version INTEGER NOT NULL,
	nk_wrap BLOB NOT NULL,             -- written empty, then sealed (row id in the AD)
	body_sealed BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX psychotherapy_notes_by_client ON psychotherapy_notes(client_id, author_id, id);

-- A note shared by its author with a supervisor: NK sealed to the
-- supervisor's X25519 public key. Unsharing deletes the row.
CREATE TABLE psychotherapy_note_shares (
	note_id INTEGER NOT NULL REFERENCES psychotherapy_notes(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	nk_box BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (note_id, user_id)
) STRICT;
CREATE INDEX psychotherapy_note_shares_by_user ON psychotherapy_note_shares(user_id, note_id);
