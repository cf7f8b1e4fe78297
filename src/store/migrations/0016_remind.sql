-- 0016_remind: the waitlist, booking requests, appointment reminders (with
-- a record of every attempt), per-clinician calendar feeds, and the
-- practice's integration secrets.
--
-- What is in the clear and why (docs/decisions.md, "Reminders, feeds,
-- waitlist"): which client waits or asks is a row id (as in appointments);
-- preferences that the matching needs (days, hours, clinician, telehealth)
-- are clear so the list can be filtered without opening anything; free text
-- (a waitlist note, a request's message, a decline reason) is sealed under
-- the client's key bound to (table, column, row, key version). Reminder
-- attempts carry no PHI: appointment, client row, channel, time, outcome
-- and an error class - never an address, a number or a message. A feed
-- token is kept only as its hash. Integration secrets (SMTP password, SMS
-- gateway token) are sealed under the vault's secrets subkey.

-- A client waiting for a slot.
CREATE TABLE waitlist (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	clinician_id INTEGER REFERENCES users(id),  -- NULL: any clinician
	days INTEGER NOT NULL,                      -- bit (1 << weekday), 0 Sunday
	earliest_minute INTEGER NOT NULL CHECK (earliest_minute BETWEEN 0 AND 1439),
	latest_minute INTEGER NOT NULL CHECK (latest_minute BETWEEN 1 AND 1440),
	telehealth INTEGER NOT NULL CHECK (telehealth IN (0, 1, 2)), -- 0 in person, 1 video, 2 either
	key_version INTEGER,
	note_sealed BLOB,                           -- free text, sealed
	status INTEGER NOT NULL DEFAULT 0,          -- 0 waiting, 1 removed
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK (latest_minute > earliest_minute)
) STRICT;
CREATE INDEX waitlist_open ON waitlist(status, created_at);

-- A request for an appointment, approved (an appointment is booked) or
-- declined (with a reason) by the clinician.
CREATE TABLE booking_requests (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	client_id INTEGER NOT NULL REFERENCES clients(id),
	clinician_id INTEGER NOT NULL REFERENCES users(id),
	start_local TEXT NOT NULL,                  -- YYYY-MM-DDTHH:MM:SS in tzid
	tzid TEXT NOT NULL,
	starts_at INTEGER NOT NULL,                 -- the same instant, UTC
	minutes INTEGER NOT NULL,
	service_id INTEGER REFERENCES services(id),
	telehealth INTEGER NOT NULL DEFAULT 0,
	key_version INTEGER,
	message_sealed BLOB,                        -- the requester's words, sealed
	reason_sealed BLOB,                         -- why it was declined, sealed
	status INTEGER NOT NULL DEFAULT 0,          -- 0 pending, 1 approved, 2 declined
	appointment_id INTEGER REFERENCES appointments(id),
	requested_by INTEGER REFERENCES users(id),
	decided_by INTEGER REFERENCES users(id),
	decided_at INTEGER,
	created_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX booking_requests_by_status ON booking_requests(status, clinician_id, created_at);
CREATE INDEX booking_requests_by_client ON booking_requests(client_id, created_at);

-- Where each reminder stands: one row per appointment, client, channel and
-- appointment start (a moved appointment is reminded again).
CREATE TABLE reminders (
	appointment_id INTEGER NOT NULL REFERENCES appointments(id),
	client_id INTEGER NOT NULL REFERENCES clients(id),
	channel INTEGER NOT NULL,                   -- 0 email, 1 sms
	starts_at INTEGER NOT NULL,
	state INTEGER NOT NULL,                     -- 0 due / retrying, 1 sent, 2 gave up, 3 skipped
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,                   -- when it may be tried (again)
	PRIMARY KEY (appointment_id, client_id, channel, starts_at)
) STRICT, WITHOUT ROWID;

-- Every attempt, for the record. No PHI.
CREATE TABLE reminder_attempts (
	id INTEGER PRIMARY KEY,
	appointment_id INTEGER NOT NULL REFERENCES appointments(id),
	client_id INTEGER NOT NULL REFERENCES clients(id),
	channel INTEGER NOT NULL,
	attempt INTEGER NOT NULL,
	attempted_at INTEGER NOT NULL,
	outcome INTEGER NOT NULL,                   -- 0 sent, 1 failed, 2 skipped
	error_class TEXT NOT NULL DEFAULT ''        -- "connect", "tls", "auth", "rejected", "no_consent"...
) STRICT;
CREATE INDEX reminder_attempts_by_appt ON reminder_attempts(appointment_id, id);

-- A clinician's secret calendar feed. Only the token's hash is kept.
CREATE TABLE calendar_feeds (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	token_hash BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
) STRICT;
CREATE INDEX calendar_feeds_by_user ON calendar_feeds(user_id) WHERE revoked_at IS NULL;

-- Secrets of the practice's integrations, sealed under the secrets subkey.
CREATE TABLE integration_secrets (
	name TEXT PRIMARY KEY,                      -- "smtp_password", "sms_gateway_token"
	sealed BLOB NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
