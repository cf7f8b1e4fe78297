-- 0017_telehealth: video rooms of telehealth appointments and who is in
-- them (docs/decisions.md, "Telehealth").
--
-- Nothing here is PHI and nothing is sealed: a room is an appointment row
-- id, a random room id (never the appointment's id), times and who opened
-- and ended it; a participant is a user row id, whether they host (the
-- clinician or a co-facilitator) and whether they were admitted from the
-- waiting room, and the hash of their short-lived join token (never the
-- token). The video itself never reaches the server (browser to browser,
-- DTLS-SRTP) and nothing is recorded.

-- One video session of an appointment. At most one is open at a time.
CREATE TABLE telehealth_rooms (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,             -- the room id participants see
	appointment_id INTEGER NOT NULL REFERENCES appointments(id),
	opened_by INTEGER NOT NULL REFERENCES users(id),
	opened_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,                -- tokens never outlive this
	ended_by INTEGER REFERENCES users(id),
	ended_at INTEGER                            -- NULL while open
) STRICT;
CREATE UNIQUE INDEX telehealth_rooms_open ON telehealth_rooms(appointment_id)
	WHERE ended_at IS NULL;

-- Who joined a room: one row per user, its token replaced on each join.
CREATE TABLE telehealth_participants (
	id INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	room_id INTEGER NOT NULL REFERENCES telehealth_rooms(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	client_id INTEGER REFERENCES clients(id),   -- for a client's portal account
	host INTEGER NOT NULL CHECK (host IN (0, 1)),
	admitted_at INTEGER,                        -- NULL: in the waiting room
	token_hash BLOB NOT NULL UNIQUE,            -- BLAKE2b-256 of the join token
	token_expires_at INTEGER NOT NULL,
	joined_at INTEGER NOT NULL,
	UNIQUE (room_id, user_id)
) STRICT;
