/* store_int.h: what the store's files share and nothing outside core/store*.c may use.
 *
 * Holds the store's struct, the one table of SQL statements (prepared once when the
 * store opens), and the helpers every store operation goes through: binding and
 * stepping, errors, transactions, lookups, movements and events.
 */
#ifndef AYNI_STORE_INT_H
#define AYNI_STORE_INT_H

#include <sqlite3.h>

#include "error.h"
#include "lang.h"
#include "store.h"

/* X(NAME, SQL).  Parameters are numbered; see each user for what they bind. */
#define CORE_STATEMENTS(X)                                                                        \
    X(TX_BEGIN, "BEGIN IMMEDIATE")                                                                \
    X(TX_COMMIT, "COMMIT")                                                                        \
    X(TX_ROLLBACK, "ROLLBACK")                                                                    \
    X(SP_BEGIN, "SAVEPOINT core_action")                                                          \
    X(SP_RELEASE, "RELEASE core_action")                                                          \
    X(SP_UNDO, "ROLLBACK TO core_action")                                                         \
    X(ITEM_INSERT, "INSERT INTO items (code, name_es, name_en, unit, tracking, perishable,"        \
                   " low_threshold, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")          \
    X(ITEM_BY_CODE, "SELECT id, code, name_es, name_en, unit, tracking, perishable, low_threshold" \
                    " FROM items WHERE code = ?1")                                               \
    X(ITEM_LIST, "SELECT code, name_es, name_en, unit, tracking, perishable, low_threshold,"      \
                 " created_at FROM items ORDER BY code")                                         \
    X(ITEM_CODES, "SELECT code FROM items")                                                       \
    X(LOC_INSERT, "INSERT INTO locations (code, kind, name, region, district, created_at)"        \
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                            \
    X(LOC_BY_CODE, "SELECT id, kind, name, region, district FROM locations WHERE code = ?1")      \
    X(LOC_BY_ID, "SELECT code, kind, name, region, district FROM locations WHERE id = ?1")        \
    X(LOC_LIST, "SELECT code, kind, name, region, district, created_at FROM locations"            \
                " WHERE (?1 IS NULL AND kind <> 'transit') OR kind = ?1 ORDER BY kind, code")    \
    X(LOC_CODES, "SELECT code FROM locations WHERE (?1 IS NULL AND kind <> 'transit')"            \
                 " OR kind = ?1")                                                                \
    X(DONOR_INSERT, "INSERT INTO donors (code, name, created_at) VALUES (?1, ?2, ?3)")            \
    X(DONOR_BY_CODE, "SELECT id, name FROM donors WHERE code = ?1")                               \
    X(DONOR_LIST, "SELECT code, name, created_at FROM donors ORDER BY code")                      \
    X(DONOR_CODES, "SELECT code FROM donors")                                                     \
    X(LOT_BY_CODE, "SELECT l.id, l.expiry, l.donor_id, d.code FROM lots l"                        \
                   " JOIN donors d ON d.id = l.donor_id WHERE l.item_id = ?1 AND l.code = ?2")   \
    X(LOT_BY_ID, "SELECT l.code, l.expiry, d.code FROM lots l JOIN donors d ON d.id = l.donor_id" \
                 " WHERE l.id = ?1")                                                             \
    X(UNIT_SERIAL, "SELECT serial FROM units WHERE id = ?1")                                      \
    X(LOT_INSERT, "INSERT INTO lots (item_id, code, expiry, donor_id, created_at)"                \
                  " VALUES (?1, ?2, ?3, ?4, ?5)")                                                \
    X(UNIT_INSERT, "INSERT INTO units (item_id, serial, lot_id, location_id)"                     \
                   " VALUES (?1, ?2, ?3, ?4)")                                                   \
    X(UNIT_BY_SERIAL, "SELECT u.id, u.lot_id, u.location_id, l.expiry, loc.code FROM units u"     \
                      " JOIN lots l ON l.id = u.lot_id JOIN locations loc"                       \
                      " ON loc.id = u.location_id WHERE u.item_id = ?1 AND u.serial = ?2")       \
    X(UNIT_MOVE, "UPDATE units SET location_id = ?3 WHERE id = ?1 AND location_id = ?2")          \
    X(UNIT_RESERVED, "SELECT s.code FROM picks p JOIN shipment_lines sl ON sl.id = p.line_id"     \
                     " JOIN shipments s ON s.id = sl.shipment_id"                                \
                     " WHERE p.unit_id = ?1 AND s.state = 'draft' LIMIT 1")                      \
    X(UNITS_AT, "SELECT serial FROM units WHERE location_id = ?1 AND lot_id = ?2"                 \
                " ORDER BY serial")                                                              \
    X(RECEIPT_NEXT, "SELECT COALESCE(MAX(id), 0) + 1 FROM receipts")                              \
    X(RECEIPT_INSERT, "INSERT INTO receipts (code, location_id, donor_id, item_id, lot_id, qty,"  \
                      " actor, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")             \
    X(BAL_ADD, "INSERT INTO balances (location_id, item_id, lot_id, qty) VALUES (?1, ?2, ?3, ?4)" \
               " ON CONFLICT (location_id, item_id, lot_id) DO UPDATE SET qty = qty + excluded.qty") \
    X(BAL_SUB, "UPDATE balances SET qty = qty - ?4"                                               \
               " WHERE location_id = ?1 AND item_id = ?2 AND lot_id = ?3")                       \
    X(BAL_ITEM_TOTAL, "SELECT COALESCE(SUM(qty), 0) FROM balances"                                \
                      " WHERE location_id = ?1 AND item_id = ?2")                                \
    X(MOVE_INSERT, "INSERT INTO movements (at, kind, from_id, to_id, item_id, lot_id, unit_id,"   \
                   " qty, shipment_id, receipt_id, delivery_id, actor, reason, note)"            \
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")      \
    /* ?4: 1 to subtract what draft shipments from this place have picked, 0 not to */           \
    X(PICK_CANDIDATES, "SELECT l.id, l.code, l.expiry, b.qty - ?4 * COALESCE((SELECT SUM(p.qty)"  \
                       " FROM picks p JOIN shipment_lines sl ON sl.id = p.line_id"               \
                       " JOIN shipments s ON s.id = sl.shipment_id WHERE p.lot_id = l.id"        \
                       " AND s.state = 'draft' AND s.from_id = b.location_id), 0)"               \
                       " FROM balances b JOIN lots l ON l.id = b.lot_id"                         \
                       " WHERE b.location_id = ?1 AND b.item_id = ?2 AND b.qty > 0"              \
                       " AND (?3 IS NULL OR l.code = ?3)"                                        \
                       " ORDER BY l.expiry IS NULL, l.expiry, l.id")                             \
    X(SHIP_NEXT, "SELECT COALESCE(MAX(id), 0) + 1 FROM shipments")                                \
    X(SHIP_INSERT, "INSERT INTO shipments (code, from_id, to_id, transit_id, team, vehicle,"      \
                   " created_at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                \
    X(SHIP_BY_CODE, "SELECT id, from_id, to_id, transit_id, state, team, vehicle, packages,"      \
                    " created_at, dispatched_at, closed_at, cancel_reason FROM shipments"        \
                    " WHERE code = ?1")                                                          \
    X(SHIP_CODES, "SELECT code FROM shipments")                                                   \
    X(SHIP_TEAM, "SELECT team FROM shipments WHERE code = ?1")                                    \
    X(SHIP_SET_STATE, "UPDATE shipments SET state = ?2, packages = COALESCE(?3, packages),"       \
                      " dispatched_at = COALESCE(?4, dispatched_at),"                            \
                      " closed_at = COALESCE(?5, closed_at),"                                    \
                      " cancel_reason = COALESCE(?6, cancel_reason) WHERE id = ?1")              \
    X(SHIP_LIST, "SELECT s.code, s.state, f.code, t.code, t.name, t.region, t.district, s.team,"  \
                 " s.vehicle, s.packages, s.created_at, s.dispatched_at, s.closed_at,"           \
                 " (SELECT COUNT(*) FROM shipment_lines WHERE shipment_id = s.id),"              \
                 " (SELECT COALESCE(SUM(qty), 0) FROM shipment_lines WHERE shipment_id = s.id)," \
                 " (SELECT COUNT(*) FROM packages WHERE shipment_id = s.id"                      \
                 "  AND delivery_id IS NOT NULL)"                                                \
                 " FROM shipments s JOIN locations f ON f.id = s.from_id"                        \
                 " JOIN locations t ON t.id = s.to_id WHERE (?1 IS NULL OR s.state = ?1)"        \
                 " AND (?2 IS NULL OR s.team = ?2 COLLATE NOCASE) ORDER BY s.id")                \
    X(LINE_NEXT, "SELECT COALESCE(MAX(line_no), 0) + 1, COALESCE(SUM(packages), 0) + 1"           \
                 " FROM shipment_lines WHERE shipment_id = ?1")                                  \
    X(LINE_INSERT, "INSERT INTO shipment_lines (shipment_id, line_no, item_id, qty, packages,"    \
                   " first_package) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                            \
    X(LINE_BY_NO, "SELECT sl.id, sl.item_id, sl.qty, sl.packages, sl.first_package, i.code,"      \
                  " i.tracking FROM shipment_lines sl JOIN items i ON i.id = sl.item_id"         \
                  " WHERE sl.shipment_id = ?1 AND sl.line_no = ?2")                              \
    X(PICK_INSERT, "INSERT INTO picks (line_id, lot_id, unit_id, qty) VALUES (?1, ?2, ?3, ?4)")   \
    X(SHIP_PICKS, "SELECT sl.line_no, sl.item_id, p.lot_id, p.unit_id, p.qty, l.expiry, l.code,"  \
                  " i.code FROM shipment_lines sl JOIN picks p ON p.line_id = sl.id"             \
                  " JOIN lots l ON l.id = p.lot_id JOIN items i ON i.id = sl.item_id"            \
                  " WHERE sl.shipment_id = ?1 ORDER BY sl.line_no, p.id")                        \
    X(LINE_PICKS, "SELECT p.lot_id, p.unit_id, p.qty FROM picks p WHERE p.line_id = ?1"           \
                  " ORDER BY p.id")                                                              \
    X(SHIP_LINES, "SELECT sl.id, sl.line_no, i.code, i.name_es, i.name_en, i.unit, i.tracking,"   \
                  " sl.qty, sl.packages, sl.first_package FROM shipment_lines sl"                \
                  " JOIN items i ON i.id = sl.item_id WHERE sl.shipment_id = ?1"                 \
                  " ORDER BY sl.line_no")                                                        \
    X(LINE_PICK_DETAIL, "SELECT l.code, l.expiry, d.code, d.name, u.serial, p.qty FROM picks p"   \
                        " JOIN lots l ON l.id = p.lot_id JOIN donors d ON d.id = l.donor_id"     \
                        " LEFT JOIN units u ON u.id = p.unit_id WHERE p.line_id = ?1"            \
                        " ORDER BY p.id")                                                        \
    X(TRANSIT_LOTS, "SELECT b.item_id, b.lot_id, b.qty, i.tracking FROM balances b"               \
                    " JOIN items i ON i.id = b.item_id WHERE b.location_id = ?1 AND b.qty > 0")  \
    X(TRANSIT_UNITS, "SELECT id FROM units WHERE location_id = ?1 AND lot_id = ?2")               \
    X(LOC_INSERT_TRANSIT, "INSERT INTO locations (code, kind, name, created_at)"                  \
                          " VALUES (?1, 'transit', ?2, ?3)")                                     \
    X(PKG_INSERT, "INSERT INTO packages (shipment_id, number, line_id, qty)"                      \
                  " VALUES (?1, ?2, ?3, ?4)")                                                    \
    X(PKG_LIST, "SELECT p.number, sl.line_no, p.qty, d.scan_id, d.received_at, d.team, d.device," \
                " p.qty_received, d.device_label, d.scanned_at, d.delivered_at, d.clock_suspect," \
                " d.photo, d.lat10, d.lon10 FROM packages p"                                     \
                " JOIN shipment_lines sl ON sl.id = p.line_id"                                   \
                " LEFT JOIN deliveries d ON d.id = p.delivery_id WHERE p.shipment_id = ?1"       \
                " ORDER BY p.number")                                                            \
    /* What arrived short, per confirmation, item and reason (the loss movements). */            \
    X(SHIP_SHORTFALLS, "SELECT d.scan_id, d.delivered_at, i.code, i.name_es, SUM(m.qty), m.reason" \
                       " FROM movements m JOIN deliveries d ON d.id = m.delivery_id"             \
                       " JOIN items i ON i.id = m.item_id WHERE m.shipment_id = ?1"              \
                       " AND m.kind = 'shortfall' GROUP BY d.id, m.item_id, m.reason"            \
                       " ORDER BY d.delivered_at, d.id, i.code")                                 \
    X(PKG_GET, "SELECT p.line_id, p.qty, sl.line_no, d.scan_id, d.delivered_at, d.team, d.device," \
               " sl.item_id"                                                                     \
               " FROM packages p JOIN shipment_lines sl ON sl.id = p.line_id"                    \
               " LEFT JOIN deliveries d ON d.id = p.delivery_id"                                 \
               " WHERE p.shipment_id = ?1 AND p.number = ?2")                                    \
    X(PKG_OFFSET, "SELECT COALESCE(SUM(qty), 0) FROM packages"                                    \
                  " WHERE shipment_id = ?1 AND line_id = ?2 AND number < ?3")                    \
    X(PKG_SET_DELIVERY, "UPDATE packages SET delivery_id = ?3, qty_received = ?4"                 \
                        " WHERE shipment_id = ?1 AND number = ?2 AND delivery_id IS NULL")       \
    X(PKG_OUTSTANDING, "SELECT COUNT(*) FROM packages WHERE shipment_id = ?1"                     \
                       " AND delivery_id IS NULL")                                               \
    X(DELIV_BY_SCAN, "SELECT result FROM deliveries WHERE scan_id = ?1")                          \
    X(DELIV_INSERT, "INSERT INTO deliveries (scan_id, shipment_id, package, device, team,"        \
                    " scanned_at, received_at, qty_expected, qty_received, reason, result,"      \
                    " device_label, delivered_at, clock_suspect, photo)"                         \
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, NULL, '{}', ?8, ?9, ?10, ?11)")  \
    X(DELIV_POSITION, "UPDATE deliveries SET lat10 = ?2, lon10 = ?3 WHERE id = ?1")               \
    X(DELIV_QTY, "UPDATE deliveries SET qty_expected = ?2, qty_received = ?3, reason = ?4"        \
                 " WHERE id = ?1")                                                               \
    X(DELIV_RESULT, "UPDATE deliveries SET result = ?2 WHERE id = ?1")                            \
    X(DELIV_TOTALS, "SELECT COALESCE(SUM(qty_expected), 0), COALESCE(SUM(qty_received), 0)"       \
                    " FROM deliveries WHERE shipment_id = ?1")                                   \
    X(EVT_HEAD, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")                         \
    X(EVT_INSERT, "INSERT INTO events (seq, at, type, body, hash) VALUES (?1, ?2, ?3, ?4, ?5)")   \
    X(EVT_EACH, "SELECT seq, type, body, hash FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")  \
    X(IDEM_GET, "SELECT op, result, args_digest FROM idempotency WHERE key = ?1")                 \
    X(IDEM_PUT, "INSERT INTO idempotency (key, op, result, created_at, args_digest)"              \
                " VALUES (?1, ?2, ?3, ?4, ?5)")                                                  \
    X(LEVELS, "SELECT loc.code, loc.kind, loc.name, i.code, i.name_es, i.unit, i.tracking,"       \
              " l.code, l.expiry, d.code, b.qty, b.location_id, b.lot_id FROM balances b"        \
              " JOIN locations loc ON loc.id = b.location_id JOIN items i ON i.id = b.item_id"   \
              " JOIN lots l ON l.id = b.lot_id JOIN donors d ON d.id = l.donor_id"               \
              " WHERE b.qty > 0 AND (?1 IS NULL OR loc.code = ?1)"                               \
              " AND (?2 IS NULL OR i.code = ?2) AND (?3 IS NULL OR l.code = ?3)"                 \
              " AND (?4 IS NULL OR l.expiry <= ?4) AND (?1 IS NOT NULL OR loc.kind <> 'loss')"   \
              " ORDER BY loc.code, i.code, l.expiry IS NULL, l.expiry, l.code")                  \
    X(LEVELS_LOW, "SELECT loc.code, loc.name, i.code, i.name_es, i.unit, i.low_threshold,"        \
                  " COALESCE(SUM(b.qty), 0) FROM locations loc CROSS JOIN items i"               \
                  " JOIN balances b ON b.location_id = loc.id AND b.item_id = i.id"              \
                  " WHERE loc.kind = 'warehouse' AND i.low_threshold > 0"                        \
                  " AND (?1 IS NULL OR loc.code = ?1) AND (?2 IS NULL OR i.code = ?2)"           \
                  " GROUP BY loc.id, i.id HAVING COALESCE(SUM(b.qty), 0) < i.low_threshold"      \
                  " ORDER BY loc.code, i.code")                                                  \
    CORE_VERIFY_STATEMENTS(X)                                                                     \
    CORE_REPORT_STATEMENTS(X)                                                                     \
    CORE_DASH_STATEMENTS(X)                                                                       \
    CORE_DEVICE_STATEMENTS(X)                                                                     \
    CORE_UPLOAD_STATEMENTS(X)                                                                     \
    CORE_PHOTO_STATEMENTS(X)                                                                      \
    CORE_CHAIN_STATEMENTS(X)                                                                      \
    CORE_WEBHOOK_STATEMENTS(X)                                                                    \
    CORE_SHARE_STATEMENTS(X)

/* The webhooks of store_webhooks.c and their delivery log. */
#define CORE_WEBHOOK_STATEMENTS(X)                                                                \
    X(WH_INSERT, "INSERT INTO webhooks (name, url, events, secret, created_at, actor)"            \
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                             \
    X(WH_GET, "SELECT url, name, events, removed_at FROM webhooks WHERE id = ?1")                 \
    X(WH_GET_DELIVERED, "SELECT delivered FROM webhooks WHERE id = ?1")                           \
    X(WH_START, "UPDATE webhooks SET delivered = ?2 WHERE id = ?1")                               \
    X(WH_ADVANCE, "UPDATE webhooks SET delivered = ?2 WHERE id = ?1 AND delivered < ?2")          \
    X(WH_REMOVE, "UPDATE webhooks SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL")      \
    X(WH_LIST, "SELECT w.id, w.name, w.url, w.events, w.created_at, w.delivered, l.at, l.status," \
               " l.ok, l.error, l.seq FROM webhooks w LEFT JOIN webhook_log l ON l.id ="         \
               " (SELECT MAX(id) FROM webhook_log WHERE hook = w.id)"                            \
               " WHERE w.removed_at IS NULL ORDER BY w.id")                                      \
    X(WH_TARGETS, "SELECT id, name, url, events, secret, delivered FROM webhooks"                 \
                  " WHERE removed_at IS NULL ORDER BY id")                                       \
    X(WH_LOG, "SELECT seq, attempt, at, status, ok, error FROM webhook_log WHERE hook = ?1"       \
              " ORDER BY id DESC LIMIT ?2")                                                      \
    X(WH_LOG_INSERT, "INSERT INTO webhook_log (hook, seq, attempt, at, status, ok, error)"        \
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")                                     \
    X(WH_LOG_TRIM, "DELETE FROM webhook_log WHERE hook = ?1 AND id <= (SELECT id FROM"            \
                   " webhook_log WHERE hook = ?1 ORDER BY id DESC LIMIT 1 OFFSET 10000)")

/* The read-only share links of store_share.c. */
#define CORE_SHARE_STATEMENTS(X)                                                                  \
    X(SHARE_INSERT, "INSERT INTO shares (id, donor_id, from_day, to_day, created_at, expires_at,"  \
                    " exp, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                      \
    X(SHARE_GET, "SELECT d.code, d.name, s.from_day, s.to_day, s.created_at, s.expires_at,"       \
                 " s.exp, s.revoked_at FROM shares s JOIN donors d ON d.id = s.donor_id"         \
                 " WHERE s.id = ?1")                                                             \
    X(SHARE_LIST, "SELECT s.id, d.code, s.from_day, s.to_day, s.created_at, s.expires_at,"        \
                  " s.exp, s.revoked_at FROM shares s JOIN donors d ON d.id = s.donor_id"        \
                  " ORDER BY s.rowid")                                                            \
    X(SHARE_REVOKE, "UPDATE shares SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")

/* The signed checkpoints of store_chain.c. */
#define CORE_CHAIN_STATEMENTS(X)                                                                  \
    X(CKPT_INSERT, "INSERT INTO checkpoints (seq, hash, at, key_id, signature, event_seq)"        \
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                            \
    X(CKPT_LAST, "SELECT COALESCE(MAX(event_seq), 0) FROM checkpoints")                           \
    X(CKPT_LIST, "SELECT seq, hash, at, key_id, signature FROM checkpoints WHERE seq > ?1"        \
                 " ORDER BY seq LIMIT ?2")

/* The photos of store_photo.c, by their SHA-256 in hex. */
#define CORE_PHOTO_STATEMENTS(X)                                                                  \
    X(PHOTO_GET, "SELECT type, bytes FROM photos WHERE sha256 = ?1")                              \
    X(PHOTO_INSERT, "INSERT INTO photos (sha256, type, bytes, data, stored_at, device)"           \
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")

/* The staged parts of store_upload.c. */
#define CORE_UPLOAD_STATEMENTS(X)                                                                 \
    X(UP_EXPIRE, "DELETE FROM uploads WHERE touched_at < ?1")                                     \
    X(UP_OPEN, "SELECT COUNT(*) FROM uploads WHERE owner = ?1")                                   \
    X(UP_INSERT, "INSERT INTO uploads (id, op, owner, parts, items, bytes, touched_at)"           \
                 " VALUES (?1, ?2, ?3, 0, 0, 0, ?4)")                                            \
    X(UP_GET, "SELECT op, owner, parts, items, bytes FROM uploads WHERE id = ?1")                 \
    X(UP_ADD, "UPDATE uploads SET parts = parts + 1, items = items + ?2, bytes = bytes + ?3,"     \
              " touched_at = ?4 WHERE id = ?1")                                                  \
    X(UP_PART_INSERT, "INSERT INTO upload_parts (upload, part, body) VALUES (?1, ?2, ?3)")        \
    X(UP_PARTS, "SELECT body FROM upload_parts WHERE upload = ?1 ORDER BY part")                  \
    X(UP_DROP, "DELETE FROM uploads WHERE id = ?1 AND owner = ?2")

/* The registered client devices of store_devices.c (keys as 64 hex digits). */
#define CORE_DEVICE_STATEMENTS(X)                                                                 \
    X(DEV_INSERT, "INSERT INTO devices (name, role, public_key, created_at, team)"                \
                  " VALUES (?1, ?2, ?3, ?4, ?5)")                                                \
    X(DEV_LIST, "SELECT name, role, public_key, enabled, created_at, team FROM devices"           \
                " ORDER BY name")                                                                \
    X(DEV_DISABLE, "UPDATE devices SET enabled = 0 WHERE name = ?1")                              \
    X(DEV_BY_KEY, "SELECT name, role, enabled FROM devices WHERE public_key = ?1")                \
    X(DEV_BY_NAME, "SELECT role, enabled FROM devices WHERE name = ?1")                           \
    X(DEV_TEAM, "SELECT team FROM devices WHERE name = ?1")                                       \
    X(DEV_NAMES, "SELECT name FROM devices")                                                      \
    X(DEV_ADMINS, "SELECT COUNT(*) FROM devices WHERE role = 'admin' AND enabled = 1")          \
    X(DEV_PHONE_INSERT, "INSERT INTO devices (name, role, created_at, team)"                      \
                        " VALUES (?1, ?2, ?3, ?4)")                                              \
    X(DEV_ENROL_SET, "UPDATE devices SET enrol_hash = ?2, enrol_expires = ?3,"                   \
                     " enrol_used_at = NULL WHERE name = ?1")                                    \
    X(DEV_BY_ENROL, "SELECT name, role, enabled, enrol_expires, enrol_used_at, team"             \
                    " FROM devices WHERE enrol_hash = ?1")                                       \
    X(DEV_ENROL_USE, "UPDATE devices SET secret_hash = ?2, enrol_used_at = ?3 WHERE name = ?1")  \
    X(DEV_SECRET, "SELECT role, enabled, secret_hash FROM devices WHERE name = ?1")

/* The dashboard of store_dash.c.  Periods are ISO times [?1, ?2) of delivered_at (the
 * scan time), read through deliveries_by_time; a delivery's packages through the packages'
 * key (shipment, then delivery), its quantities through movements_by_delivery. */
#define CORE_DASH_STATEMENTS(X)                                                                   \
    /* ?1 today, ?2 today + 30 days, ?3 today + 90 days (YYYY-MM-DD): per warehouse and item  \
     * the quantity, lots held, expiring (from today on), expired; with a threshold, kept    \
     * even at 0 (a stock-out is the lowest stock of all). */                              \
    X(DASH_STOCK, "SELECT loc.code, loc.name, i.code, i.name_es, i.unit, SUM(b.qty),"             \
                  " SUM(b.qty > 0), SUM(CASE WHEN l.expiry >= ?1 AND l.expiry <= ?2"             \
                  " THEN b.qty ELSE 0 END), SUM(CASE WHEN l.expiry >= ?1 AND l.expiry <= ?3"     \
                  " THEN b.qty ELSE 0 END), SUM(CASE WHEN l.expiry < ?1 THEN b.qty ELSE 0 END)," \
                  " i.low_threshold FROM balances b JOIN locations loc ON loc.id = b.location_id" \
                  " JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id"             \
                  " WHERE loc.kind = 'warehouse' GROUP BY loc.id, i.id"                          \
                  " HAVING SUM(b.qty) > 0 OR i.low_threshold > 0 ORDER BY loc.code, i.code")     \
    X(DASH_ON_ROAD, "SELECT s.code, s.state, f.code, t.code, t.name, t.region, t.district,"       \
                    " s.team, s.dispatched_at, s.packages, (SELECT COUNT(*) FROM packages p"     \
                    " WHERE p.shipment_id = s.id AND p.delivery_id IS NOT NULL)"                 \
                    " FROM shipments s JOIN locations f ON f.id = s.from_id"                     \
                    " JOIN locations t ON t.id = s.to_id"                                        \
                    " WHERE s.state IN ('dispatched', 'partial') ORDER BY s.dispatched_at, s.id") \
    /* One row per delivery: delivered_at, shipment id, destination id, whether it is a      \
     * community, packages, quantity delivered, whether it was scanned (report.donor's).  */ \
    X(DASH_DELIVERIES, "SELECT d.delivered_at, d.shipment_id, s.to_id, t.kind = 'community',"     \
                       " (SELECT COUNT(*) FROM packages p WHERE p.shipment_id = d.shipment_id"   \
                       " AND p.delivery_id = d.id), (SELECT COALESCE(SUM(m.qty), 0)"             \
                       " FROM movements m WHERE m.delivery_id = d.id AND m.kind = 'deliver'),"   \
                       " d.scanned_at IS NOT NULL FROM deliveries d"                             \
                       " JOIN shipments s ON s.id = d.shipment_id"                               \
                       " JOIN locations t ON t.id = s.to_id"                                     \
                       " WHERE d.delivered_at >= ?1 AND d.delivered_at < ?2")                    \
    X(DASH_SHORT, "SELECT d.delivered_at, s.code, t.code, t.name, i.code, i.name_es, SUM(m.qty)," \
                  " m.reason, d.team FROM deliveries d CROSS JOIN movements m"                   \
                  " ON m.delivery_id = d.id JOIN shipments s ON s.id = d.shipment_id"            \
                  " JOIN locations t ON t.id = s.to_id JOIN items i ON i.id = m.item_id"         \
                  " WHERE d.delivered_at >= ?1 AND d.delivered_at < ?2"                          \
                  " AND m.kind = 'shortfall' GROUP BY d.id, i.id, m.reason"                      \
                  " ORDER BY d.delivered_at DESC, s.code DESC, i.code")                          \
    X(DASH_COMMUNITIES, "SELECT id, region, district FROM locations WHERE kind = 'community'"     \
                        " ORDER BY region IS NULL, region, district IS NULL, district, code")    \
    /* Per destination: packages, quantity delivered, shortfall of the period's deliveries. */ \
    X(DASH_REACHED, "SELECT s.to_id, SUM((SELECT COUNT(*) FROM packages p"                        \
                    " WHERE p.shipment_id = d.shipment_id AND p.delivery_id = d.id)),"           \
                    " SUM((SELECT COALESCE(SUM(m.qty), 0) FROM movements m"                      \
                    " WHERE m.delivery_id = d.id AND m.kind = 'deliver')),"                      \
                    " SUM((SELECT COALESCE(SUM(m.qty), 0) FROM movements m"                      \
                    " WHERE m.delivery_id = d.id AND m.kind = 'shortfall'))"                     \
                    " FROM deliveries d JOIN shipments s ON s.id = d.shipment_id"                \
                    " WHERE d.delivered_at >= ?1 AND d.delivered_at < ?2 GROUP BY s.to_id")      \
    /* The shipments behind those figures, per destination. */                              \
    X(DASH_REACHED_SHIPMENTS, "SELECT DISTINCT s.to_id, s.code FROM deliveries d"                 \
                              " JOIN shipments s ON s.id = d.shipment_id"                        \
                              " WHERE d.delivered_at >= ?1 AND d.delivered_at < ?2"              \
                              " ORDER BY s.code")

/* The reports of store_report.c.  ?1 the donor or place id, ?2 and ?3 the period's bounds
 * as ISO times [from, to). */
#define CORE_REPORT_STATEMENTS(X)                                                                 \
    /* A delivery's time is d.delivered_at (its scan time, or the time received when the     \
     * device's clock was wrong): the period is read through deliveries_by_time, then each   \
     * delivery's movements through movements_by_delivery (the CROSS JOIN keeps that order). \
     * ?1 the donor, ?2 and ?3 the period; the columns after 13 are what the rows add for    \
     * the clock: clock_suspect, scan_id, scanned_at, received_at; then the package. */     \
    X(R_DONOR_DELIVERIES, "SELECT d.delivered_at, loc.code, loc.name, loc.region, loc.district,"  \
                          " s.code, i.code, i.name_es, i.unit, SUM(m.qty), d.team, d.device,"    \
                          " d.scanned_at IS NOT NULL, d.device_label, d.clock_suspect,"          \
                          " d.scan_id, d.scanned_at, d.received_at, d.package FROM deliveries d"\
                          " CROSS JOIN movements m ON m.delivery_id = d.id"                      \
                          " JOIN lots l ON l.id = m.lot_id JOIN shipments s"                     \
                          " ON s.id = m.shipment_id JOIN locations loc ON loc.id = m.to_id"      \
                          " JOIN items i ON i.id = m.item_id WHERE d.delivered_at >= ?2"         \
                          " AND d.delivered_at < ?3 AND m.kind = 'deliver' AND l.donor_id = ?1"  \
                          " GROUP BY d.id, i.id"                                                 \
                          " ORDER BY loc.region, loc.name, d.delivered_at, s.code, i.code")      \
    /* Shortfalls are few (3.5% of packages): walked through movements_delivered from ?4,   \
     * the period's start less CORE_CLOCK_AHEAD_MAX (a delivery's movements are written when  \
     * it is received, never more than that before its delivered_at), then kept by the      \
     * delivery's time.  From deliveries_by_time it read every delivery of the period. */   \
    X(R_DONOR_SHORT, "SELECT d.delivered_at, sl.code, sl.name, sl.region, s.code, i.code,"        \
                     " i.name_es, i.unit, SUM(m.qty), m.reason, d.team,"                         \
                     " (SELECT SUM(m2.qty) FROM movements m2 WHERE m2.delivery_id = m.delivery_id" \
                     "  AND m2.item_id = m.item_id AND m2.kind IN ('deliver', 'shortfall')),"   \
                     " d.clock_suspect, d.scan_id FROM movements m"                              \
                     " JOIN lots l ON l.id = m.lot_id JOIN deliveries d ON d.id = m.delivery_id" \
                     " JOIN shipments s ON s.id = m.shipment_id JOIN locations sl"               \
                     " ON sl.id = s.to_id JOIN items i ON i.id = m.item_id"                      \
                     " WHERE l.donor_id = ?1 AND m.kind = 'shortfall' AND m.at >= ?4"            \
                     " AND m.delivery_id IS NOT NULL"                                            \
                     " AND d.delivered_at >= ?2 AND d.delivered_at < ?3"                         \
                     " GROUP BY d.id, i.id, m.reason"                                            \
                     " ORDER BY d.delivered_at, s.code")                                         \
    X(R_DONOR_HELD, "SELECT loc.code, loc.name, loc.kind, i.code, i.name_es, i.unit, l.code,"     \
                    " l.expiry, b.qty FROM balances b JOIN lots l ON l.id = b.lot_id"            \
                    " JOIN locations loc ON loc.id = b.location_id JOIN items i"                 \
                    " ON i.id = b.item_id WHERE l.donor_id = ?1 AND b.qty > 0"                   \
                    " AND loc.kind IN ('warehouse', 'transit')"                                  \
                    " ORDER BY i.code, l.expiry IS NULL, l.expiry, loc.code")                    \
    X(R_STOCK, "WITH f AS (SELECT item_id, lot_id, at, qty AS q, 'in' AS dir FROM movements"      \
               " WHERE to_id = ?1 UNION ALL SELECT m.item_id, m.lot_id, m.at, m.qty,"            \
               " CASE WHEN t.kind = 'loss' THEN 'loss' ELSE 'out' END FROM movements m"          \
               " JOIN locations t ON t.id = m.to_id WHERE m.from_id = ?1)"                       \
               " SELECT i.code, i.name_es, i.unit, l.code, l.expiry, d.code,"                    \
               " SUM(CASE WHEN at < ?2 THEN (CASE dir WHEN 'in' THEN q ELSE -q END) ELSE 0 END)," \
               " SUM(CASE WHEN at >= ?2 AND at < ?3 AND dir = 'in' THEN q ELSE 0 END),"          \
               " SUM(CASE WHEN at >= ?2 AND at < ?3 AND dir = 'out' THEN q ELSE 0 END),"         \
               " SUM(CASE WHEN at >= ?2 AND at < ?3 AND dir = 'loss' THEN q ELSE 0 END),"        \
               " SUM(CASE WHEN at < ?3 THEN (CASE dir WHEN 'in' THEN q ELSE -q END) ELSE 0 END)" \
               " FROM f JOIN items i ON i.id = f.item_id JOIN lots l ON l.id = f.lot_id"         \
               " JOIN donors d ON d.id = l.donor_id GROUP BY f.item_id, f.lot_id"                \
               " HAVING SUM(CASE WHEN at < ?3 THEN 1 ELSE 0 END) > 0"                            \
               " ORDER BY i.code, l.expiry IS NULL, l.expiry, l.code")                           \
    X(R_STOCK_LOSSES, "SELECT i.code, l.code, m.reason, SUM(m.qty) FROM movements m"              \
                      " JOIN locations t ON t.id = m.to_id JOIN items i ON i.id = m.item_id"     \
                      " JOIN lots l ON l.id = m.lot_id WHERE m.from_id = ?1 AND t.kind = 'loss'" \
                      " AND m.at >= ?2 AND m.at < ?3 GROUP BY m.item_id, m.lot_id, m.reason"     \
                      " ORDER BY i.code, l.code, m.reason")

/* The ledger checks of store_verify.c: each row is one problem. */
#define CORE_VERIFY_STATEMENTS(X)                                                                 \
    X(V_BALANCES, "WITH flows AS (SELECT to_id AS loc, item_id, lot_id, qty AS q FROM movements"  \
                  " UNION ALL SELECT from_id, item_id, lot_id, -qty FROM movements"              \
                  " WHERE from_id IS NOT NULL),"                                                 \
                  " sums AS (SELECT loc, item_id, lot_id, SUM(q) AS q FROM flows"                \
                  " GROUP BY loc, item_id, lot_id),"                                             \
                  " diff AS (SELECT s.loc, s.item_id, s.lot_id, COALESCE(b.qty, 0) AS bal,"      \
                  " s.q AS mov FROM sums s LEFT JOIN balances b ON b.location_id = s.loc"        \
                  " AND b.item_id = s.item_id AND b.lot_id = s.lot_id"                           \
                  " WHERE COALESCE(b.qty, 0) <> s.q"                                             \
                  " UNION ALL SELECT b.location_id, b.item_id, b.lot_id, b.qty, 0 FROM balances b" \
                  " WHERE b.qty <> 0 AND NOT EXISTS (SELECT 1 FROM sums s"                       \
                  " WHERE s.loc = b.location_id AND s.item_id = b.item_id"                       \
                  " AND s.lot_id = b.lot_id))"                                                   \
                  " SELECT loc.code, i.code, l.code, diff.bal, diff.mov FROM diff"               \
                  " JOIN locations loc ON loc.id = diff.loc JOIN items i ON i.id = diff.item_id" \
                  " JOIN lots l ON l.id = diff.lot_id")                                          \
    X(V_NEGATIVE, "SELECT loc.code, i.code, l.code, b.qty FROM balances b"                        \
                  " JOIN locations loc ON loc.id = b.location_id JOIN items i ON i.id = b.item_id" \
                  " JOIN lots l ON l.id = b.lot_id WHERE b.qty < 0")                             \
    X(V_UNIT_COUNTS, "WITH u AS (SELECT location_id, item_id, lot_id, COUNT(*) AS c FROM units"   \
                     " GROUP BY location_id, item_id, lot_id),"                                  \
                     " b AS (SELECT b.* FROM balances b JOIN items i ON i.id = b.item_id"        \
                     " WHERE i.tracking = 'serial'),"                                            \
                     " diff AS (SELECT b.location_id AS loc, b.item_id, b.lot_id, b.qty AS bal,"  \
                     " COALESCE(u.c, 0) AS units FROM b LEFT JOIN u USING (location_id, item_id," \
                     " lot_id) WHERE b.qty <> COALESCE(u.c, 0)"                                  \
                     " UNION ALL SELECT u.location_id, u.item_id, u.lot_id, 0, u.c FROM u"       \
                     " WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.location_id = u.location_id"    \
                     " AND b.item_id = u.item_id AND b.lot_id = u.lot_id))"                      \
                     " SELECT loc.code, i.code, l.code, diff.bal, diff.units FROM diff"          \
                     " JOIN locations loc ON loc.id = diff.loc"                                  \
                     " JOIN items i ON i.id = diff.item_id JOIN lots l ON l.id = diff.lot_id")   \
    /* Both serial checks read each unit's movements in one pass (a window, a GROUP BY):   \
     * movements has no index on unit_id, and a lookup per movement made verify quadratic  \
     * (half a second at 5,000 movements, hours at a million). */                           \
    X(V_UNIT_PLACE, "SELECT i.code, u.serial, loc.code, COALESCE(last.code, '(none)')"            \
                    " FROM units u JOIN items i ON i.id = u.item_id"                             \
                    " JOIN locations loc ON loc.id = u.location_id"                              \
                    " LEFT JOIN (SELECT unit_id, MAX(id) AS id FROM movements"                   \
                    " WHERE unit_id IS NOT NULL GROUP BY unit_id) lm ON lm.unit_id = u.id"       \
                    " LEFT JOIN movements m ON m.id = lm.id"                                     \
                    " LEFT JOIN locations last ON last.id = m.to_id"                             \
                    " WHERE last.id IS NULL OR last.id <> u.location_id")                        \
    X(V_UNIT_CHAIN, "SELECT m.id, i.code, u.serial FROM (SELECT id, unit_id, item_id, from_id,"   \
                    " LAG(to_id) OVER (PARTITION BY unit_id ORDER BY id) AS prev_to"             \
                    " FROM movements WHERE unit_id IS NOT NULL) m"                               \
                    " JOIN units u ON u.id = m.unit_id JOIN items i ON i.id = m.item_id"         \
                    " WHERE m.from_id IS NOT m.prev_to")                                         \
    X(V_TRANSIT, "SELECT s.code, s.state, SUM(b.qty) FROM shipments s JOIN balances b"            \
                 " ON b.location_id = s.transit_id WHERE s.state IN ('draft', 'delivered',"      \
                 " 'cancelled') GROUP BY s.id HAVING SUM(b.qty) > 0")                            \
    X(V_QUICK_CHECK, "PRAGMA quick_check")                                                        \
    X(V_EVENTS, "SELECT seq, body, hash FROM events ORDER BY seq")                                \
    X(V_COUNTS, "SELECT (SELECT COUNT(*) FROM movements), (SELECT COUNT(*) FROM balances),"       \
                " (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM events),"                   \
                " (SELECT COUNT(*) FROM deliveries)")

enum core_stmt {
#define CORE_STMT_ENUM_(name, sql) ST_##name,
    CORE_STATEMENTS(CORE_STMT_ENUM_)
#undef CORE_STMT_ENUM_
    ST__COUNT
};

struct core_store {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST__COUNT];
    char errmsg[1024]; /* room for a long message in Spanish, longer than in English */
    json_t *errdetails;
    char actor[64];
    time_t now;     /* 0: the real clock */
    int tx_depth;   /* savepoints opened by store actions inside a transaction */
    bool tx_own;    /* the outermost transaction was opened by core_store_begin */
    int tx_lost;    /* not 0: the error that made SQLite roll back that whole transaction */
    struct core__checkpointer *checkpointer; /* NULL: SQLite checkpoints in the commit */
};

/* Stop the checkpoint thread, if any (store_checkpoint.c). */
void core__checkpointer_stop(core_store_t *s);

/* Records that an item, location or donor row gives the code that asked for it. */
struct core__item {
    int64_t id;
    char code[41];
    char unit[41];
    bool serial;
    bool perishable;
    long low;
};

struct core__place {
    int64_t id;
    char code[41];
    char kind[16];
};

struct core__shipment {
    int64_t id;
    char code[41];
    int64_t from, to, transit;
    char state[16];
    int packages;
    char dispatched_at[21]; /* "" while a draft */
};

/* One piece of stock taken by a movement: qty of a lot, or one serial unit. */
struct core__pick {
    int64_t lot_id;
    int64_t unit_id; /* 0: none */
    long qty;
};

struct core__picks {
    struct core__pick *v;
    size_t n, cap;
};

/* What a movement belongs to, beyond its places and stock. */
struct core__move_ctx {
    const char *kind;
    int64_t shipment_id, receipt_id, delivery_id;
    const char *reason;
    const char *note;
};

/* ---- errors ---- */
/* Set the store's error (details: a new reference or NULL, stolen) and return code.  fmt
 * is an English message, translated here; a fmt chosen with ?: marks its second branch
 * with N_(), for xgettext takes only the first. */
int core__fail(core_store_t *s, int code, json_t *details, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Turn a SQLite result code into an Ayni error, naming what was being done: doing is an
 * English infinitive marked with N_() ("read the ledger"), translated here. */
int core__dberr(core_store_t *s, int rc, const char *doing);
/* What SQLite says of rc, in the language of the message (borrowed). */
const char *core__sqlite_text(core_store_t *s, int rc);
void core__clear_error(core_store_t *s);
/* SQLite's result code rc as one of ours (AYNI_EFULL, AYNI_EBUSY, ...). */
int core__map_rc(int rc);

/* ---- statements ----
 * fmt gives one character per parameter: 't' const char * (NULL binds NULL),
 * 'i' int, 'l' long, 'I' int64_t (0 binds NULL for 'N'), 'N' int64_t with 0 as NULL,
 * 'b' a blob: const void * and its size_t length (copied). */
sqlite3_stmt *core__query(core_store_t *s, enum core_stmt id, const char *fmt, ...);
/* Step: 1 for a row, 0 when done (the statement is reset), or a negative error. */
int core__step(core_store_t *s, sqlite3_stmt *st);
/* Bind and step a statement that returns no row; a constraint failure is AYNI_ECONFLICT. */
int core__run(core_store_t *s, enum core_stmt id, const char *fmt, ...);
/* Bind and read the first column of the single row as int64; 0 if there is no row. */
int core__scalar(core_store_t *s, int64_t *out, enum core_stmt id, const char *fmt, ...);
void core__reset(sqlite3_stmt *st);
/* Step st to the end, one JSON value per row made by row; 0 and *result (an array), or
 * the error (nothing is left in *result). */
int core__rows(core_store_t *s, sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st),
               json_t **result);
/* A column as a new JSON string, or JSON null. */
json_t *core__jstr(sqlite3_stmt *st, int col);

/* ---- transactions: one store action = BEGIN IMMEDIATE .. COMMIT, or one savepoint ---- */
int core__tx_begin(core_store_t *s);
/* Commit (rc == 0) or roll back (rc != 0); returns rc, or the commit's error. */
int core__tx_end(core_store_t *s, int rc);
/* End the action's transaction; on success hand res to *result, else free it. */
int core__finish(core_store_t *s, int rc, json_t *res, json_t **result);

/* ---- checks and lookups (each sets the error, naming field) ---- */
int core__check_code(core_store_t *s, const char *field, const char *code);
int core__check_text(core_store_t *s, const char *field, const char *text, bool required, size_t max);
/* Lot codes, serial numbers, device names: 1..64 of [A-Za-z0-9._/-] and the Spanish
 * letters á é í ó ú ü ñ (and capitals). */
int core__check_lot_code(core_store_t *s, const char *field, const char *code);
int core__check_serials(core_store_t *s, const char *const *serials, size_t n);
/* 1 .. 1,000,000,000 */
int core__check_qty(core_store_t *s, const char *field, long qty);
int core__check_date(core_store_t *s, const char *field, const char *date);
/* The local days from .. to (both included, checked: fields "from" and "to") as UTC ISO
 * times [lo, hi): the start of from and of the day after to (store_report.c). */
int core__period(core_store_t *s, const char *from, const char *to, char lo[21], char hi[21]);
/* The local day n days after day (n may be negative), as YYYY-MM-DD in out. */
void core__day_add(const char *day, int n, char out[11]);
int core__item(core_store_t *s, const char *field, const char *code, struct core__item *out);
/* kind NULL: any kind (but not transit). */
int core__place(core_store_t *s, const char *field, const char *code, const char *kind,
                struct core__place *out);
int core__place_by_id(core_store_t *s, int64_t id, struct core__place *out);
int core__shipment(core_store_t *s, const char *code, struct core__shipment *out);
int core__donor(core_store_t *s, const char *field, const char *code, int64_t *id);
/* {"code","kind","name","region","district"} of the location with that id (new reference). */
json_t *core__place_json(core_store_t *s, int64_t id);
/* The nearest of the codes SQL statement id returns, for a typo; NULL if none is near. */
char *core__suggest(core_store_t *s, enum core_stmt id, const char *kind, const char *code);
/* Up to max of those codes near enough to code, nearest first (a new array, maybe empty). */
json_t *core__near(core_store_t *s, enum core_stmt id, const char *kind, const char *code,
                   size_t max);
void core__now_iso(core_store_t *s, char out[21]);

/* ---- stock ---- */
/* Choose what to take of item at place: named serials, a named lot, or lots
 * first-expiry-first-out.  Expired lots are never chosen.  reserve: count what draft
 * shipments from this place have picked as unavailable. */
int core__pick(core_store_t *s, const struct core__place *at, const struct core__item *item,
               const struct core_take *take, bool reserve, bool allow_expired,
               struct core__picks *out);
void core__picks_free(struct core__picks *p);
void core__picks_push(struct core__picks *p, int64_t lot_id, int64_t unit_id, long qty);
/* Move one pick from one place to another (from 0: entering Ayni), with its movement. */
int core__move(core_store_t *s, const struct core__move_ctx *ctx, int64_t from, int64_t to,
               int64_t item_id, const struct core__pick *pick);
/* Emit stock.low if item's total at place went from >= threshold to below it. */
int core__check_low(core_store_t *s, const struct core__place *at, const struct core__item *item,
                    long moved_out);
/* [{"lot","expiry","donor","qty"[,"serial"]}] for picks. */
json_t *core__picks_json(core_store_t *s, const struct core__picks *p);

/* ---- photos ---- */
/* 0 if sha256 names a stored photo; else invalid_argument (not 64 lower-case hex) or
 * not_found, naming the field photo. */
int core__photo_known(core_store_t *s, const char *sha256);

/* ---- events ---- */
/* Append an event of type with body (stolen) to the outbox; adds seq, type, at, actor. */
int core__event(core_store_t *s, const char *type, json_t *body);
/* Check the chain over every event: seq without gaps from 1, each hash recomputed.
 * Appends one problem per broken link to problems; sets *n to the events seen. */
int core__verify_chain(core_store_t *s, json_t *problems, int64_t *n);

#endif
