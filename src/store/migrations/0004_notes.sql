-- 0004_notes: progress notes from templates, drafts, sign-and-lock, addenda
-- and supervisor co-signature. The note's text (all template fields, as
-- JSON) is sealed in body_sealed under the client's key; dates of service
-- and status stay in the clear so lists and reviews need no decryption.

ALTER TABLE notes ADD COLUMN public_id TEXT;
ALTER TABLE notes ADD COLUMN template TEXT NOT NULL DEFAULT 'soap';
ALTER TABLE notes ADD COLUMN note_date TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN status INTEGER NOT NULL DEFAULT 1; -- 0 draft, 1 signed, 2 awaiting co-signature
ALTER TABLE notes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE notes ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notes ADD COLUMN signed_by INTEGER REFERENCES users(id);
ALTER TABLE notes ADD COLUMN content_hash BLOB;
ALTER TABLE notes ADD COLUMN cosigned_by INTEGER REFERENCES users(id);
ALTER TABLE notes ADD COLUMN cosigned_at INTEGER;
UPDATE notes SET public_id = lower(hex(randomblob(16))), note_date = date(created_at, 'unixepoch'),
	updated_at = created_at, signed_at = coalesce(signed_at, created_at), signed_by = author_id
	WHERE public_id IS NULL;
CREATE UNIQUE INDEX notes_public ON notes(public_id);

-- A signed note never changes: the database refuses it too.
CREATE TRIGGER notes_signed_are_locked BEFORE UPDATE OF body_sealed, template, note_date,
	client_id, author_id ON notes WHEN OLD.status <> 0
BEGIN SELECT RAISE(ABORT, 'signed notes are locked'); END;

CREATE TABLE note_addenda (
	id INTEGER PRIMARY KEY,
	note_id INTEGER NOT NULL REFERENCES notes(id),
	author_id INTEGER NOT NULL REFERENCES users(id),
	key_version INTEGER NOT NULL,
	body_sealed BLOB NOT NULL,
	content_hash BLOB NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX note_addenda_by_note ON note_addenda(note_id, id);
-- An addendum row is written empty, then sealed once (its id is part of
-- the associated data); after that it never changes.
CREATE TRIGGER note_addenda_no_update BEFORE UPDATE ON note_addenda
WHEN length(OLD.body_sealed) > 0
BEGIN SELECT RAISE(ABORT, 'addenda are signed and locked'); END;
CREATE TRIGGER note_addenda_no_delete BEFORE DELETE ON note_addenda
BEGIN SELECT RAISE(ABORT, 'addenda are signed and locked'); END;
