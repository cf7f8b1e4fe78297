-- 0011_consent: consent templates (practice documents per purpose, versioned)
-- and the consents clients give and withdraw, with release-of-information
-- authorizations (HIPAA 164.508(c)) and the disclosures made under them
-- (HIPAA 164.528 accounting).
--
-- Templates are the practice's own documents, not about anyone: clear.
-- A consent row says which client agreed to which purpose and version,
-- when, and when they withdrew; those stay clear so the consent gate needs
-- no decryption. Sealed under the client's key, bound to (table, column,
-- row, key version): the typed name, the source address, and every
-- element of a release (recipient, description, purpose, expiry event),
-- because they name people and reveal care. text_hash is the BLAKE2b-256
-- of the exact text shown (a hash of the template and the release's
-- elements): it proves what was agreed without storing the text twice.

CREATE TABLE consent_templates (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	purpose TEXT NOT NULL,
	version INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	effective_from TEXT NOT NULL,          -- YYYY-MM-DD
	requires_reconsent INTEGER NOT NULL CHECK (requires_reconsent IN (0, 1)),
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	UNIQUE (purpose, version)
) STRICT;

-- A template never changes once written: a change is a new version.
CREATE TRIGGER consent_templates_locked BEFORE UPDATE ON consent_templates
BEGIN SELECT RAISE(ABORT, 'consent templates are versioned, never edited'); END;
CREATE TRIGGER consent_templates_kept BEFORE DELETE ON consent_templates
BEGIN SELECT RAISE(ABORT, 'consent templates are versioned, never deleted'); END;

CREATE TABLE consents (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	template_id INTEGER NOT NULL REFERENCES consent_templates(id),
	purpose TEXT NOT NULL,                 -- copied from the template (the gate's index)
	key_version INTEGER NOT NULL,
	signed_name_sealed BLOB NOT NULL,      -- written empty, then sealed (the row id is in the AD)
	source_sealed BLOB,                    -- address the signature came from
	signer_role TEXT NOT NULL,             -- client, guardian or staff (recorded for the client)
	recorded_by INTEGER NOT NULL REFERENCES users(id),
	text_hash BLOB NOT NULL,
	signed_at INTEGER NOT NULL,
	-- release of information only (NULL otherwise)
	recipient_sealed BLOB,
	description_sealed BLOB,
	release_purpose_sealed BLOB,
	expiry_event_sealed BLOB,
	expires_on TEXT,                       -- YYYY-MM-DD, or NULL when an event ends it
	scope TEXT,                            -- what may be released: comma-separated categories
	withdrawn_at INTEGER,
	withdrawn_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX consents_gate ON consents(client_id, purpose, withdrawn_at);

-- Given is final; withdrawn is final. Only the sealing of a new row and
-- one withdrawal may change a row.
CREATE TRIGGER consents_signed_locked BEFORE UPDATE OF client_id, template_id, purpose,
	text_hash, signed_at, recorded_by, signer_role, scope, expires_on ON consents
BEGIN SELECT RAISE(ABORT, 'a given consent never changes: withdraw it instead'); END;
CREATE TRIGGER consents_withdraw_once BEFORE UPDATE OF withdrawn_at ON consents
WHEN OLD.withdrawn_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a consent is withdrawn once'); END;
CREATE TRIGGER consents_sealed_once BEFORE UPDATE OF signed_name_sealed, source_sealed,
	recipient_sealed, description_sealed, release_purpose_sealed, expiry_event_sealed
	ON consents WHEN length(OLD.signed_name_sealed) > 0
BEGIN SELECT RAISE(ABORT, 'a given consent never changes: withdraw it instead'); END;

-- Disclosures made (HIPAA 164.528): when, to whom (sealed), what and why
-- (sealed), under which authorization. Kept six years at least; never edited.
CREATE TABLE disclosures (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	consent_id INTEGER REFERENCES consents(id),
	key_version INTEGER NOT NULL,
	recipient_sealed BLOB NOT NULL,        -- written empty, then sealed
	description_sealed BLOB,
	purpose_sealed BLOB,
	scope TEXT NOT NULL,
	disclosed_by INTEGER NOT NULL REFERENCES users(id),
	disclosed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX disclosures_by_client ON disclosures(client_id, disclosed_at);
CREATE TRIGGER disclosures_sealed_once BEFORE UPDATE ON disclosures
WHEN length(OLD.recipient_sealed) > 0
BEGIN SELECT RAISE(ABORT, 'disclosures are never edited'); END;
