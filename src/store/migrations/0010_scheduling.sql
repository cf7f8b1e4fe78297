-- 0010_scheduling: appointments grow into a calendar: services, rooms,
-- several clients and co-facilitators, recurring series (RFC 5545 RRULE,
-- materialised as rows), a status history, working hours and time off.
--
-- What is in the clear and why (docs/decisions.md, "Scheduling"): times
-- (UTC instants plus the IANA zone they were booked in), the clinician,
-- the room, the service, the status and the recurrence rule, so the day,
-- week and month views and the conflict checks run on indexes without
-- opening anything. Which client an appointment is for is PHI: it is kept
-- as the client's row id only (names stay sealed in clients) and is shown
-- only through access-checked, audited paths. Free text - an appointment's
-- memo and the reason for each status change - is sealed under the
-- client's key, bound to (table, column, row, key version).
--
-- Room for what comes later: reminders, calendar feeds, the waitlist and
-- booking requests hang off appointments(id) and appointment_series(id)
-- and need no change here.

-- Practice-defined services: what is billed and how long it usually takes.
CREATE TABLE services (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,                 -- "Individual therapy, 50 min": not PHI
	cpt_code TEXT NOT NULL,             -- "90834"
	default_minutes INTEGER NOT NULL CHECK (default_minutes BETWEEN 5 AND 480),
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE rooms (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,                 -- "Room 2": not PHI
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
) STRICT;

-- A recurring series. Occurrences are rows in appointments (series_id),
-- materialised up to materialised_until; rrule and dtstart_local are
-- expanded in tzid, so 10:00 stays 10:00 local across DST changes.
CREATE TABLE appointment_series (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	clinician_id INTEGER NOT NULL REFERENCES users(id),
	client_id INTEGER NOT NULL REFERENCES clients(id),
	rrule TEXT NOT NULL,                -- RFC 5545 RRULE value, as given (checked by libical)
	tzid TEXT NOT NULL,                 -- IANA zone the rule is expanded in
	dtstart_local TEXT NOT NULL,        -- first occurrence, local: YYYYMMDDTHHMMSS
	minutes INTEGER NOT NULL,           -- length of each occurrence
	service_id INTEGER REFERENCES services(id),
	room_id INTEGER REFERENCES rooms(id),
	telehealth INTEGER NOT NULL DEFAULT 0,
	kind INTEGER NOT NULL DEFAULT 0,    -- 0 individual, 1 couple, 2 family, 3 group
	materialised_until INTEGER NOT NULL,-- occurrences starting before this exist as rows
	ended_at INTEGER,                   -- set when split (this-and-following) or cancelled
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
) STRICT;

-- Open series whose occurrences must be materialised further when a view,
-- booking or free-slot search looks past materialised_until.
CREATE INDEX appointment_series_due ON appointment_series(materialised_until)
	WHERE ended_at IS NULL;

-- The foundation's appointments table, extended. Demo rows get the
-- defaults: booked in UTC, individual, no service or room.
ALTER TABLE appointments ADD COLUMN public_id TEXT;
ALTER TABLE appointments ADD COLUMN tzid TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE appointments ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN service_id INTEGER REFERENCES services(id);
ALTER TABLE appointments ADD COLUMN room_id INTEGER REFERENCES rooms(id);
ALTER TABLE appointments ADD COLUMN telehealth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN series_id INTEGER REFERENCES appointment_series(id);
ALTER TABLE appointments ADD COLUMN occurrence_start INTEGER; -- RECURRENCE-ID (UTC), series only
ALTER TABLE appointments ADD COLUMN is_exception INTEGER NOT NULL DEFAULT 0; -- edited apart from its series
ALTER TABLE appointments ADD COLUMN key_version INTEGER;       -- of memo_sealed
ALTER TABLE appointments ADD COLUMN memo_sealed BLOB;          -- free text, sealed
ALTER TABLE appointments ADD COLUMN status_at INTEGER;
ALTER TABLE appointments ADD COLUMN created_by INTEGER REFERENCES users(id);
ALTER TABLE appointments ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX appointments_by_public ON appointments(public_id);
CREATE INDEX appointments_by_start ON appointments(starts_at);
CREATE INDEX appointments_by_room ON appointments(room_id, starts_at) WHERE room_id IS NOT NULL;
CREATE INDEX appointments_by_series ON appointments(series_id, occurrence_start)
	WHERE series_id IS NOT NULL;

-- Everyone else in an appointment: further clients (couple, family, group;
-- the first client is appointments.client_id) and co-facilitators.
-- role 0 = client (member_id is clients.id), 1 = co-facilitator (users.id).
CREATE TABLE appointment_members (
	appointment_id INTEGER NOT NULL REFERENCES appointments(id),
	role INTEGER NOT NULL CHECK (role IN (0, 1)),
	member_id INTEGER NOT NULL,
	PRIMARY KEY (appointment_id, role, member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX appointment_members_by_member ON appointment_members(role, member_id, appointment_id);

-- The same, for a series: copied onto each occurrence it materialises.
CREATE TABLE series_members (
	series_id INTEGER NOT NULL REFERENCES appointment_series(id),
	role INTEGER NOT NULL CHECK (role IN (0, 1)),
	member_id INTEGER NOT NULL,
	PRIMARY KEY (series_id, role, member_id)
) STRICT, WITHOUT ROWID;

-- Every status an appointment has had, with who, when and why (the reason
-- sealed under the appointment's first client's key).
CREATE TABLE appointment_status_history (
	id INTEGER PRIMARY KEY,
	appointment_id INTEGER NOT NULL REFERENCES appointments(id),
	status INTEGER NOT NULL,
	changed_by INTEGER REFERENCES users(id),
	changed_at INTEGER NOT NULL,
	key_version INTEGER,
	reason_sealed BLOB
) STRICT;
CREATE INDEX appointment_status_history_by_appt ON appointment_status_history(appointment_id, id);

-- Weekly working hours, in the clinician's zone; minutes from local midnight.
CREATE TABLE working_hours (
	user_id INTEGER NOT NULL REFERENCES users(id),
	weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6), -- 0 Sunday .. 6 Saturday
	start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
	end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
	tzid TEXT NOT NULL,
	CHECK (end_minute > start_minute),
	PRIMARY KEY (user_id, weekday, start_minute)
) STRICT, WITHOUT ROWID;

-- Time off (UTC instants); no reason is stored (a staff member's leave is
-- their own business).
CREATE TABLE time_off (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	starts_at INTEGER NOT NULL,
	ends_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX time_off_by_user ON time_off(user_id, starts_at);
