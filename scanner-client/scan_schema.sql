-- scan_schema.sql: ayni-scan's own queue database, one per device.  It is not the
-- core's ledger and holds nothing the core does not also get: the settings from init,
-- the core's public key, the manifests of shipments on the road, and the scans.
-- Applied by scan_queue.c when PRAGMA user_version is below 1; later changes go in new
-- numbered migrations below, never by editing this one.

-- api, team, device, public_key, key_id, manifests_at, last_contact, contact_failures,
-- next_contact_at.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per shipment dispatched or partly delivered at the last init: what
-- shipment.get answered, without the tokens (the scan brings its own).
CREATE TABLE manifests (
    shipment      TEXT PRIMARY KEY,
    dest          TEXT NOT NULL,
    team          TEXT,
    package_count INTEGER NOT NULL,
    body          TEXT NOT NULL CHECK (json_valid(body)),
    fetched_at    TEXT NOT NULL
);

-- One row per confirmation made on this device.  state: queued (not yet acknowledged
-- by the core), sent (acknowledged; result holds the core's answer) or refused (the
-- core said no; error_code, last_error and result say why).  Never deleted.
CREATE TABLE scans (
    id              INTEGER PRIMARY KEY,
    scan_id         TEXT NOT NULL UNIQUE CHECK (length(scan_id) = 32),
    token           TEXT NOT NULL,
    shipment        TEXT NOT NULL,
    package         INTEGER NOT NULL CHECK (package BETWEEN 0 AND 9999),
    package_count   INTEGER NOT NULL,
    dest            TEXT NOT NULL,
    team            TEXT NOT NULL,
    device          TEXT NOT NULL,
    device_time     TEXT NOT NULL,
    lines           TEXT CHECK (lines IS NULL OR json_valid(lines)),
    flags           TEXT,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'refused')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    error_code      TEXT,
    last_error      TEXT,
    result          TEXT CHECK (result IS NULL OR json_valid(result)),
    created_at      TEXT NOT NULL,
    settled_at      TEXT
);
-- A package is confirmed once from this device: a second scan is reported, not queued.
CREATE UNIQUE INDEX scans_one_per_package ON scans (shipment, package)
    WHERE state <> 'refused';
CREATE INDEX scans_by_state ON scans (state, id);
