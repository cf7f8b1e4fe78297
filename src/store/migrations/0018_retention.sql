-- 0018_retention: retention rules per jurisdiction, and each client's
-- jurisdiction.
--
-- A rule says how long a record must be kept where a client is treated:
-- years after the last contact for an adult, and for a client who was a
-- minor at last contact, years after they come of age (the later date
-- applies). Rules describe laws, not people: they are in the clear. The
-- practice's default jurisdiction is the meta key retention_default; a
-- client without a jurisdiction of their own falls under it.
--
-- A client's jurisdiction says where they live or are treated, so it is a
-- chart field sealed under the client's key like the others
-- (docs/decisions.md, "Retention rules per jurisdiction").

CREATE TABLE retention_rules (
	code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 6),  -- ISO 3166: "GB", "US-WA"
	adult_years INTEGER NOT NULL CHECK (adult_years BETWEEN 0 AND 100),
	majority_age INTEGER NOT NULL CHECK (majority_age BETWEEN 14 AND 25),
	minor_years INTEGER NOT NULL CHECK (minor_years BETWEEN 0 AND 100),
	note TEXT NOT NULL DEFAULT '',      -- the law it follows (a citation), never about a client
	updated_at INTEGER NOT NULL
) STRICT;

-- The three settings that were the practice's only rule become its
-- default rule "ZZ" (ISO 3166's code for "unspecified"), with their values.
INSERT INTO retention_rules(code, adult_years, majority_age, minor_years, note, updated_at)
VALUES ('ZZ',
	coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'retention_adult_years'), 7),
	coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'retention_majority_age'), 18),
	coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'retention_minor_years'), 7),
	'The practice''s rule before jurisdictions (from its settings)', unixepoch());
INSERT OR IGNORE INTO meta(key, value) VALUES ('retention_default', 'ZZ');
DELETE FROM meta WHERE key IN ('retention_adult_years', 'retention_majority_age',
	'retention_minor_years');

ALTER TABLE clients ADD COLUMN jurisdiction_sealed BLOB;
