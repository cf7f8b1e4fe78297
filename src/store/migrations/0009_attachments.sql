-- 0009_attachments: files in a client's chart (PDF, images, plain text),
-- stored as sealed chunks so a download never needs the whole file in
-- memory.
--
-- Sealed under the client's key: the file name and the description (a name
-- such as "discharge letter from St Mary's.pdf" is PHI), each bound to
-- (table, column, row, key version); and every chunk of the content, bound
-- to the attachment's row, the chunk's index and whether it is the last one
-- (column "chunk/<index>/<0|1>" in the associated data), so chunks cannot
-- be reordered, moved to another file, dropped from the end or swapped.
-- In the clear, because they say nothing about what the file says and the
-- database needs them: ids, who uploaded it and when, the content type the
-- server sniffed (one of five), the size in bytes and the chunk count.
-- Someone holding the file learns that a client has a 2 MB PDF, never what
-- it is called or what it says.
--
-- An upload writes its chunks in short transactions while the body arrives
-- (state 'pending'; nothing reads pending rows); the last one seals the
-- name and flips the state to 'ready' with its audit event. A refused or
-- broken upload deletes its rows at once; pending rows left by a crash are
-- deleted when the server starts.

CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	key_version INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'ready')),
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
	chunks INTEGER NOT NULL DEFAULT 0 CHECK (chunks >= 0),
	filename_sealed BLOB,               -- sealed when the upload completes
	description_sealed BLOB,            -- NULL when none was given
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_by_client ON attachments(client_id, state, id);

CREATE TABLE attachment_chunks (
	attachment_id INTEGER NOT NULL REFERENCES attachments(id),
	idx INTEGER NOT NULL CHECK (idx >= 0),
	data BLOB NOT NULL,                 -- sealed plaintext of up to 64 KiB
	PRIMARY KEY (attachment_id, idx)
) STRICT, WITHOUT ROWID;

-- A stored file never changes and is never deleted: the record keeps it.
-- Only an unfinished upload's rows may go.
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
WHEN OLD.state = 'ready'
BEGIN SELECT RAISE(ABORT, 'attachments are kept, not deleted'); END;
CREATE TRIGGER attachments_frozen BEFORE UPDATE ON attachments
WHEN OLD.state = 'ready'
BEGIN SELECT RAISE(ABORT, 'a stored attachment does not change'); END;
CREATE TRIGGER attachment_chunks_no_update BEFORE UPDATE ON attachment_chunks
BEGIN SELECT RAISE(ABORT, 'attachment content does not change'); END;
CREATE TRIGGER attachment_chunks_no_delete BEFORE DELETE ON attachment_chunks
WHEN (SELECT state FROM attachments WHERE id = OLD.attachment_id) = 'ready'
BEGIN SELECT RAISE(ABORT, 'attachments are kept, not deleted'); END;
CREATE TRIGGER attachment_chunks_no_insert BEFORE INSERT ON attachment_chunks
WHEN (SELECT state FROM attachments WHERE id = NEW.attachment_id) IS NOT 'pending'
BEGIN SELECT RAISE(ABORT, 'chunks are only added to an unfinished upload'); END;
