-- schema.sql: the Ayni stock ledger, as numbered migrations.
--
-- Each migration starts with a line "-- @migration" and its number, and runs in one transaction that
-- also sets PRAGMA user_version = N.  Never edit a migration that has shipped: add one.
--
-- Rules the schema itself keeps: no negative balance (CHECK), ledger rows are never
-- updated or deleted (triggers), every serial unit is in exactly one place.

-- @migration 1
CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name_es       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    unit          TEXT NOT NULL DEFAULT 'kit',
    tracking      TEXT NOT NULL CHECK (tracking IN ('lot', 'serial')),
    perishable    INTEGER NOT NULL DEFAULT 0 CHECK (perishable IN (0, 1)),
    low_threshold INTEGER NOT NULL DEFAULT 0 CHECK (low_threshold >= 0),
    created_at    TEXT NOT NULL
);

CREATE TABLE locations (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('warehouse', 'community', 'transit', 'loss')),
    name       TEXT NOT NULL,
    region     TEXT,
    district   TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE donors (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A goods-received record: one donation arriving at one warehouse.
CREATE TABLE receipts (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    location_id INTEGER NOT NULL REFERENCES locations(id),
    donor_id    INTEGER NOT NULL REFERENCES donors(id),
    item_id     INTEGER NOT NULL REFERENCES items(id),
    lot_id      INTEGER NOT NULL REFERENCES lots(id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    actor       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Every unit of stock belongs to a lot, and every lot to one donor.  Serial-tracked
-- items get one lot per receipt, named after it.
CREATE TABLE lots (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items(id),
    code       TEXT NOT NULL,
    expiry     TEXT,
    donor_id   INTEGER NOT NULL REFERENCES donors(id),
    created_at TEXT NOT NULL,
    UNIQUE (item_id, code)
);

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    serial      TEXT NOT NULL,
    lot_id      INTEGER NOT NULL REFERENCES lots(id),
    location_id INTEGER NOT NULL REFERENCES locations(id),
    UNIQUE (item_id, serial)
);
CREATE INDEX units_by_place ON units (location_id, item_id, lot_id);

CREATE TABLE balances (
    location_id INTEGER NOT NULL REFERENCES locations(id),
    item_id     INTEGER NOT NULL REFERENCES items(id),
    lot_id      INTEGER NOT NULL REFERENCES lots(id),
    qty         INTEGER NOT NULL CHECK (qty >= 0),
    PRIMARY KEY (location_id, item_id, lot_id)
) WITHOUT ROWID;
CREATE INDEX balances_by_item ON balances (item_id, location_id);

CREATE TABLE shipments (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    from_id       INTEGER NOT NULL REFERENCES locations(id),
    to_id         INTEGER NOT NULL REFERENCES locations(id),
    transit_id    INTEGER NOT NULL UNIQUE REFERENCES locations(id),
    state         TEXT NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'dispatched', 'partial', 'delivered', 'cancelled')),
    team          TEXT,
    vehicle       TEXT,
    packages      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    dispatched_at TEXT,
    closed_at     TEXT,
    cancel_reason TEXT,
    actor         TEXT NOT NULL
);
CREATE INDEX shipments_by_state ON shipments (state);

CREATE TABLE shipment_lines (
    id          INTEGER PRIMARY KEY,
    shipment_id INTEGER NOT NULL REFERENCES shipments(id),
    line_no     INTEGER NOT NULL,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    packages    INTEGER NOT NULL CHECK (packages > 0),
    first_package INTEGER NOT NULL,
    UNIQUE (shipment_id, line_no)
);

-- What a line takes: a quantity of one lot, or one serial unit.  Picked when the line is
-- added, in first-expiry-first-out order unless the user named the lot.
CREATE TABLE picks (
    id      INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL REFERENCES shipment_lines(id),
    lot_id  INTEGER NOT NULL REFERENCES lots(id),
    unit_id INTEGER REFERENCES units(id),
    qty     INTEGER NOT NULL CHECK (qty > 0)
);
CREATE INDEX picks_by_line ON picks (line_id);
CREATE INDEX picks_by_lot ON picks (lot_id);
CREATE INDEX picks_by_unit ON picks (unit_id) WHERE unit_id IS NOT NULL;

-- Packages exist from dispatch on; package n of a shipment holds part of one line.
CREATE TABLE packages (
    shipment_id INTEGER NOT NULL REFERENCES shipments(id),
    number      INTEGER NOT NULL CHECK (number > 0),
    line_id     INTEGER NOT NULL REFERENCES shipment_lines(id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    delivery_id INTEGER REFERENCES deliveries(id),
    PRIMARY KEY (shipment_id, number)
) WITHOUT ROWID;

CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    scan_id     TEXT NOT NULL UNIQUE,
    shipment_id INTEGER NOT NULL REFERENCES shipments(id),
    package     INTEGER NOT NULL CHECK (package >= 0),
    device      TEXT NOT NULL,
    team        TEXT,
    scanned_at  TEXT,
    received_at TEXT NOT NULL,
    qty_expected INTEGER NOT NULL,
    qty_received INTEGER NOT NULL,
    reason      TEXT,
    result      TEXT NOT NULL
);
CREATE INDEX deliveries_by_shipment ON deliveries (shipment_id);

-- The ledger: append-only.  from_id NULL means stock entering Ayni (a donation, or
-- found in a count); to_id is never NULL (losses go to the loss location).
CREATE TABLE movements (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('receive', 'transfer', 'adjust', 'dispatch',
                                              'cancel', 'deliver', 'shortfall')),
    from_id     INTEGER REFERENCES locations(id),
    to_id       INTEGER NOT NULL REFERENCES locations(id),
    item_id     INTEGER NOT NULL REFERENCES items(id),
    lot_id      INTEGER NOT NULL REFERENCES lots(id),
    unit_id     INTEGER REFERENCES units(id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    shipment_id INTEGER REFERENCES shipments(id),
    receipt_id  INTEGER REFERENCES receipts(id),
    delivery_id INTEGER REFERENCES deliveries(id),
    actor       TEXT NOT NULL,
    reason      TEXT,
    note        TEXT
);
CREATE INDEX movements_by_lot ON movements (lot_id);
CREATE INDEX movements_by_shipment ON movements (shipment_id);
CREATE INDEX movements_by_time ON movements (at);
CREATE INDEX movements_from ON movements (from_id, item_id);
CREATE INDEX movements_to ON movements (to_id, item_id);
CREATE INDEX movements_by_delivery ON movements (delivery_id);
CREATE INDEX movements_by_unit ON movements (unit_id) WHERE unit_id IS NOT NULL;

CREATE TRIGGER movements_append_only_u BEFORE UPDATE ON movements
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER movements_append_only_d BEFORE DELETE ON movements
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

-- The outbox: every change writes its event here in the same transaction.
-- hash = SHA-256(prev_hash || body), hex; the first event's prev_hash is 64 zeros.
CREATE TABLE events (
    seq  INTEGER PRIMARY KEY,
    at   TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_d BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- Idempotency keys: a repeated request with the same key gets the first result.
CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    op         TEXT NOT NULL,
    result     TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE devices (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('scanner', 'warehouse', 'reader', 'admin')),
    public_key TEXT NOT NULL UNIQUE,
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at TEXT NOT NULL
);

INSERT INTO locations (code, kind, name, created_at)
VALUES ('LOSS', 'loss', 'Pérdidas / Losses', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- @migration 2
-- Donor reports read the deliveries and shortfalls of a period: movements with a delivery,
-- by kind and time, without walking every movement of the period (docs/BENCHMARKS.md).
CREATE INDEX movements_delivered ON movements (kind, at) WHERE delivery_id IS NOT NULL;

-- @migration 3
-- Uploads: a list too long for one request (import receipts of a big file) is sent in
-- parts, staged here until its last part, whose request takes them back and makes every
-- change in one transaction: all rows or none (docs/PROTOCOL.md section 4).  Staging is no
-- stock change and writes no event; what is staged is the client's, by owner (device).
CREATE TABLE uploads (
    id         TEXT PRIMARY KEY,
    op         TEXT NOT NULL,
    owner      TEXT NOT NULL,
    parts      INTEGER NOT NULL,
    items      INTEGER NOT NULL,
    bytes      INTEGER NOT NULL,
    touched_at TEXT NOT NULL
);
CREATE TABLE upload_parts (
    upload TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    part   INTEGER NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (upload, part)
);

-- @migration 4
-- The device recorded on a delivery is the authenticated one (DESIGN.md section 7); what
-- the client called itself is kept beside it as a label only.  A device belongs to a team:
-- a scanner sees only its team's shipments (docs/SECURITY.md).  Devices registered before
-- this migration have no team, and a scanner without one sees no shipment until it is
-- registered again with its team.
ALTER TABLE deliveries ADD COLUMN device_label TEXT;
ALTER TABLE devices ADD COLUMN team TEXT;

-- @migration 5
-- An idempotency key stands for one request: its op and the digest of its arguments, so
-- that the key reused for other arguments is a conflict, not the first request's answer.
-- (NULL for keys stored before this migration: their op alone is checked.)
ALTER TABLE idempotency ADD COLUMN args_digest TEXT;
-- What arrived of each package (a delivery may cover several: a slip scan covers all), so
-- that each package shows its own count, not its delivery's total.  Filled for the
-- packages delivered before where it is certain: a delivery of one package, or one where
-- everything arrived; left NULL (unknown) for a shortfall spread over several packages.
ALTER TABLE packages ADD COLUMN qty_received INTEGER CHECK (qty_received >= 0);
UPDATE packages SET qty_received = (
    SELECT CASE WHEN d.qty_received = d.qty_expected THEN packages.qty
                WHEN (SELECT COUNT(*) FROM packages q WHERE q.delivery_id = d.id) = 1
                THEN d.qty_received END
    FROM deliveries d WHERE d.id = packages.delivery_id)
WHERE delivery_id IS NOT NULL;

-- @migration 6
-- A delivery happened when it was scanned (DESIGN.md section 7): delivered_at is the time
-- reports, period filters and people read, the device's scan time when it is plausible,
-- else the time the core received it.  A scan time before the shipment's dispatch, or more
-- than CORE_CLOCK_AHEAD_MAX (600 s, store.h) after the time received, is a wrong device
-- clock: clock_suspect = 1 and delivered_at = received_at; both times stay as they were.
-- Rows recorded before this migration are judged by the same rule here.  The donor
-- report's period query reads deliveries by delivered_at (docs/BENCHMARKS.md).
ALTER TABLE deliveries ADD COLUMN delivered_at TEXT;
ALTER TABLE deliveries ADD COLUMN clock_suspect INTEGER NOT NULL DEFAULT 0
    CHECK (clock_suspect IN (0, 1));
UPDATE deliveries SET clock_suspect = 1
 WHERE scanned_at IS NOT NULL
   AND (scanned_at < (SELECT dispatched_at FROM shipments WHERE id = deliveries.shipment_id)
        OR scanned_at > strftime('%Y-%m-%dT%H:%M:%SZ', received_at, '+600 seconds'));
UPDATE deliveries
   SET delivered_at = CASE WHEN scanned_at IS NULL OR clock_suspect = 1 THEN received_at
                           ELSE scanned_at END;
CREATE INDEX deliveries_by_time ON deliveries (delivered_at);

-- @migration 7
-- Phones are registered devices too (docs/WEB.md): a scanner with no CURVE key that proves
-- itself with a device secret through the gateway, ayni-web, whose own device has the new
-- role 'gateway'.  Only hashes are kept: of the one-time enrolment code (enrol_hash, until
-- enrol_expires; enrol_used_at once redeemed) and of the device secret (secret_hash), both
-- BLAKE2b-256 in hex.  A CHECK cannot be altered in SQLite, so the table is made again (no
-- table refers to it).
CREATE TABLE devices_v7 (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL
                  CHECK (role IN ('scanner', 'warehouse', 'reader', 'admin', 'gateway')),
    public_key    TEXT UNIQUE,
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    team          TEXT,
    secret_hash   TEXT,
    enrol_hash    TEXT UNIQUE,
    enrol_expires TEXT,
    enrol_used_at TEXT,
    CHECK (public_key IS NOT NULL OR role = 'scanner')
);
INSERT INTO devices_v7 (id, name, role, public_key, enabled, created_at, team)
SELECT id, name, role, public_key, enabled, created_at, team FROM devices;
DROP TABLE devices;
ALTER TABLE devices_v7 RENAME TO devices;

-- @migration 8
-- Photos of a delivery (docs/PROTOCOL.md, photo.put), kept by the SHA-256 of their bytes
-- (hex): the same photo sent twice, or referred to by several confirmations, is one row.
-- Only JPEG and PNG, at most CORE_PHOTO_MAX bytes (store.h), as the phone sent them.  A
-- confirmation may name one photo and a coarse position, in tenths of a degree (district
-- level, never finer: the integers cannot hold more), both NULL when not given.
CREATE TABLE photos (
    sha256    TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    type      TEXT NOT NULL CHECK (type IN ('image/jpeg', 'image/png')),
    bytes     INTEGER NOT NULL CHECK (bytes > 0 AND bytes <= 524288),
    data      BLOB NOT NULL CHECK (length(data) = bytes),
    stored_at TEXT NOT NULL,
    device    TEXT NOT NULL
);
ALTER TABLE deliveries ADD COLUMN photo TEXT REFERENCES photos (sha256);
ALTER TABLE deliveries ADD COLUMN lat10 INTEGER CHECK (lat10 BETWEEN -900 AND 900);
ALTER TABLE deliveries ADD COLUMN lon10 INTEGER CHECK (lon10 BETWEEN -1800 AND 1800);

-- @migration 9
-- A coordinator's browser is a registered device too (docs/WEB.md): a reader with no CURVE
-- key, enrolled through the gateway with a one-time code as a phone is, that proves itself
-- with a device secret.  The CHECK that only a scanner may lack a key now admits a reader;
-- a CHECK cannot be altered in SQLite, so the table is made again (no table refers to it).
CREATE TABLE devices_v9 (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL
                  CHECK (role IN ('scanner', 'warehouse', 'reader', 'admin', 'gateway')),
    public_key    TEXT UNIQUE,
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    team          TEXT,
    secret_hash   TEXT,
    enrol_hash    TEXT UNIQUE,
    enrol_expires TEXT,
    enrol_used_at TEXT,
    CHECK (public_key IS NOT NULL OR role IN ('scanner', 'reader'))
);
INSERT INTO devices_v9 SELECT id, name, role, public_key, enabled, created_at, team, secret_hash,
       enrol_hash, enrol_expires, enrol_used_at FROM devices;
DROP TABLE devices;
ALTER TABLE devices_v9 RENAME TO devices;

-- @migration 10
-- Signed checkpoints of the event chain (docs/PROOF.md): the chain's head (seq, hash)
-- signed with the token key at a time, and event_seq, the ledger.checkpoint event that
-- recorded it (seq + 1).  The event's body holds the same fields, so the chain covers them.
CREATE TABLE checkpoints (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    hash      TEXT NOT NULL CHECK (length(hash) = 64),
    at        TEXT NOT NULL,
    key_id    TEXT NOT NULL CHECK (length(key_id) = 8),
    signature TEXT NOT NULL CHECK (length(signature) = 128),
    event_seq INTEGER NOT NULL UNIQUE
);

-- @migration 11
-- Webhooks (docs/WEB.md, "Webhooks"): URLs that ayni-web posts events to, each with its own
-- secret (64 hex digits, kept here because ayni-web signs every delivery with it, and shown
-- to the admin once), its event types (a JSON array of types and "prefix.*", NULL for
-- all), and delivered, the seq of the last event handled for it: the cursor.  A removed
-- hook keeps its row (removed_at) so that its id is never reused and its log stays
-- readable.  webhook_log is delivery bookkeeping, not ledger state: one row per attempt,
-- status the HTTP status or 0 for no answer; only the newest 10,000 per hook are kept.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    name       TEXT,
    url        TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    events     TEXT,
    secret     TEXT NOT NULL CHECK (length(secret) = 64),
    delivered  INTEGER NOT NULL DEFAULT 0 CHECK (delivered >= 0),
    created_at TEXT NOT NULL,
    actor      TEXT NOT NULL,
    removed_at TEXT
);
CREATE TABLE webhook_log (
    id      INTEGER PRIMARY KEY,
    hook    INTEGER NOT NULL REFERENCES webhooks (id),
    seq     INTEGER NOT NULL CHECK (seq >= 1),
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    at      TEXT NOT NULL,
    status  INTEGER NOT NULL CHECK (status BETWEEN 0 AND 999),
    ok      INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error   TEXT
);
CREATE INDEX webhook_log_by_hook ON webhook_log (hook, id);

-- @migration 12
-- Read-only share links (docs/PROTOCOL.md, share.create): one donor's report for one
-- period of local days, until expires_at, unless revoked.  The link itself (a token signed
-- with the core's key) is never kept: only what it names, so that revoking it, or letting
-- it lapse, is a row's state.  id is random (16 base32 characters), the token's "id".
CREATE TABLE shares (
    id         TEXT PRIMARY KEY CHECK (length(id) = 16),
    donor_id   INTEGER NOT NULL REFERENCES donors (id),
    from_day   TEXT NOT NULL CHECK (length(from_day) = 10),
    to_day     TEXT NOT NULL CHECK (length(to_day) = 10 AND to_day >= from_day),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    exp        INTEGER NOT NULL,
    revoked_at TEXT,
    actor      TEXT NOT NULL
);
