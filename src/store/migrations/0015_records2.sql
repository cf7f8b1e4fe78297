-- 0015_records2: practice-defined note templates, a sealed risk summary per
-- note for reporting, and the per-user Argon2id salt of recovery codes.

-- Note templates the practice defines (built-in ones live in the code).
-- Not PHI: names, titles and field labels. A template's fields never
-- change (a trigger refuses it); a template with notes is retired and a new
-- one made instead. fields is a JSON array of {"name", "label",
-- "max_length"?} in the order shown; the risk fields are added by the code.
CREATE TABLE note_templates (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	fields TEXT NOT NULL,
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	retired_at INTEGER
) STRICT;
CREATE TRIGGER note_templates_fields_fixed BEFORE UPDATE OF name, title, fields ON note_templates
BEGIN SELECT RAISE(ABORT, 'a note template never changes: make a new one'); END;
CREATE TRIGGER note_templates_no_delete BEFORE DELETE ON note_templates
BEGIN SELECT RAISE(ABORT, 'note templates are kept so old notes still render'); END;

-- The risk summary of a note (suicidal and homicidal ideation levels and
-- whether a safety plan is recorded), sealed under the client's key and
-- bound to the note's row, written with the note's text (create, update,
-- sign) so the risk report opens this small value instead of whole notes.
-- NULL for notes written before this migration (the report opens those).
ALTER TABLE notes ADD COLUMN risk_sealed BLOB;
-- risk_sealed changes only with the text: the lock trigger of 0004 covers
-- body_sealed; this one covers the summary.
CREATE TRIGGER notes_signed_risk_locked BEFORE UPDATE OF risk_sealed ON notes
WHEN OLD.status <> 0 AND OLD.risk_sealed IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed notes are locked'); END;
CREATE INDEX notes_signed_by_client ON notes(client_id, status, note_date);

-- One Argon2id salt and cost per user for their recovery codes
-- (auth/recovery.h). A user with codes but no row here has codes hashed
-- the old way (BLAKE2b), until they enrol again.
CREATE TABLE recovery_salts (
	user_id INTEGER PRIMARY KEY REFERENCES users(id),
	salt BLOB NOT NULL,
	opslimit INTEGER NOT NULL,
	memlimit INTEGER NOT NULL
) STRICT;
