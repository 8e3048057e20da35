/* test_store_random.c: thousands of random store actions, checked against a model.
 *
 * A seeded generator (env AYNI_SEED, printed; AYNI_RANDOM_OPS scales the run) drives
 * receipts, transfers, adjustments, shipments from draft to delivered or cancelled,
 * delivery scans (whole shipments and single packages, shortfalls, repeated scan ids,
 * second scans), clock changes that make lots expire, and groups of actions in one
 * transaction that is committed or rolled back.  The test keeps its own model of the
 * ledger (every balance per location and lot, every serial unit's place, shipments,
 * lines, picks, packages and scans) and predicts each action's outcome: the exact
 * error code, or exactly what moves.  It checks that a failed action (and a repeated
 * scan) changed nothing, and after every batch that the ledger verifies, that the
 * store's stock levels, serial places and shipment states equal the model, that no
 * balance is negative, and that the event seq has no gap.
 *
 * The model follows the store's documented rules, not its code; where the two disagree
 * the test prints the seed, the operation and what each side said.  AYNI_RANDOM_TRACE=1
 * prints every action and its outcome; AYNI_RANDOM_KEEP=path keeps a copy of the database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "error.h"
#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define S_DEFAULT_SEED 20261122ULL
#define S_DEFAULT_OPS 6000
#define S_BATCH 100
#define S_QTY_MAX 1000000000L

/* ---- the catalog: the fixture's, plus MEDICAL-KIT and LAPTOP ---- */

enum { W1, W2, C1, C2, LOSS, NFIXED }; /* transit of shipment k: NFIXED + k */
static const char *const s_fixed[NFIXED] = {"ALM-LIMA-SJL", "ALM-PTO-MALDONADO", "COM-SANTA-ROSA",
                                            "COM-CAJAMARCA-82015", "LOSS"};

static const struct {
    const char *code;
    bool serial, perishable;
    const char *prefix;
} s_items[] = {
    {"HYGIENE-KIT", false, false, "H"}, {"FOOD-KIT", false, true, "F"},
    {"TABLET", true, false, "TAB"},     {"MEDICAL-KIT", false, true, "M"},
    {"LAPTOP", true, false, "LAP"},
};
#define NITEMS ((int)(sizeof s_items / sizeof s_items[0]))
static const char *const s_donors[] = {"CARE-PE", "AECID"};
static const char *const s_short_reasons[] = {"damaged", "missing", "expired", "refused"};

enum { DRAFT, DISPATCHED, PARTIAL, DELIVERED, CANCELLED };
static const char *const s_states[] = {"draft", "dispatched", "partial", "delivered", "cancelled"};

/* ---- the model ---- */

struct m_lot {
    int item, donor;
    char code[48];
    char expiry[11]; /* "" for none */
};
struct m_unit {
    int item, lot, loc;
    char serial[32];
};
struct m_ship {
    int from, to, state, packages;
    char code[32];
};
struct m_line {
    int ship, no, item, packages, first, pick0, npicks;
    long qty;
};
struct m_pick {
    int lot, unit; /* unit -1: none */
    long qty;
};
struct m_pkg {
    int ship, no, line, scan; /* scan -1: outstanding */
    long qty;
};
struct m_scan {
    int ship, package;
    char id[32];
};
struct m_bal {
    int loc, lot; /* loc -1: an empty slot */
    long qty;
};

struct m_counts {
    int lots, units, ships, lines, picks, pkgs, scans, receipts;
    size_t bal;
};

struct model {
    struct m_lot *lots;
    struct m_unit *units;
    struct m_ship *ships;
    struct m_line *lines;
    struct m_pick *picks;
    struct m_pkg *pkgs;
    struct m_scan *scans;
    struct m_bal *bal;
    struct m_counts n, cap;
};

static void
m_init(struct model *m, const struct m_counts *cap)
{
    memset(m, 0, sizeof *m);
    m->cap = *cap;
    m->lots = xcalloc((size_t)cap->lots, sizeof *m->lots);
    m->units = xcalloc((size_t)cap->units, sizeof *m->units);
    m->ships = xcalloc((size_t)cap->ships, sizeof *m->ships);
    m->lines = xcalloc((size_t)cap->lines, sizeof *m->lines);
    m->picks = xcalloc((size_t)cap->picks, sizeof *m->picks);
    m->pkgs = xcalloc((size_t)cap->pkgs, sizeof *m->pkgs);
    m->scans = xcalloc((size_t)cap->scans, sizeof *m->scans);
    m->bal = xcalloc(cap->bal, sizeof *m->bal);
    for (size_t i = 0; i < cap->bal; i++)
        m->bal[i].loc = -1;
}

static void
m_free(struct model *m)
{
    free(m->lots);
    free(m->units);
    free(m->ships);
    free(m->lines);
    free(m->picks);
    free(m->pkgs);
    free(m->scans);
    free(m->bal);
}

static void
m_copy(struct model *dst, const struct model *src)
{
#define M_COPY_(f) memcpy(dst->f, src->f, (size_t)src->n.f * sizeof *src->f)
    M_COPY_(lots);
    M_COPY_(units);
    M_COPY_(ships);
    M_COPY_(lines);
    M_COPY_(picks);
    M_COPY_(pkgs);
    M_COPY_(scans);
#undef M_COPY_
    memcpy(dst->bal, src->bal, src->cap.bal * sizeof *src->bal);
    dst->n = src->n;
}

static void *
m_push(void *array, int *count, int cap, size_t size, const char *what)
{
    if (*count >= cap)
        fail_msg("the model holds at most %d %s: raise its capacity", cap, what);
    void *slot = (char *)array + (size_t)(*count)++ * size;
    memset(slot, 0, size);
    return slot;
}
#define M_PUSH(m, f) m_push((m)->f, &(m)->n.f, (m)->cap.f, sizeof *(m)->f, #f)

static size_t
m_slot(const struct model *m, int loc, int lot)
{
    uint64_t h = (uint64_t)(uint32_t)loc * 0x9E3779B97F4A7C15ULL ^
                 (uint64_t)(uint32_t)lot * 0xC2B2AE3D27D4EB4FULL;
    size_t i = (size_t)(h >> 17) & (m->cap.bal - 1);
    while (m->bal[i].loc >= 0 && !(m->bal[i].loc == loc && m->bal[i].lot == lot))
        i = (i + 1) & (m->cap.bal - 1);
    return i;
}

static long
m_bal(const struct model *m, int loc, int lot)
{
    const struct m_bal *b = &m->bal[m_slot(m, loc, lot)];
    return b->loc >= 0 ? b->qty : 0;
}

static void
m_bal_add(struct model *m, int loc, int lot, long delta)
{
    struct m_bal *b = &m->bal[m_slot(m, loc, lot)];
    if (b->loc < 0) {
        if (++m->n.bal * 10 > m->cap.bal * 7)
            fail_msg("the model's balance table is full: raise its capacity");
        *b = (struct m_bal){loc, lot, 0};
    }
    b->qty += delta;
    if (b->qty < 0)
        fail_msg("the model took lot %d at location %d below zero: the test is wrong", lot, loc);
}

/* One movement: from -1 means stock entering Ayni. */
static void
m_move(struct model *m, int from, int to, const struct m_pick *p)
{
    if (from >= 0)
        m_bal_add(m, from, p->lot, -p->qty);
    m_bal_add(m, to, p->lot, p->qty);
    if (p->unit >= 0)
        m->units[p->unit].loc = to;
}

static int
m_lot_find(const struct model *m, int item, const char *code)
{
    for (int i = 0; i < m->n.lots; i++)
        if (m->lots[i].item == item && !strcmp(m->lots[i].code, code))
            return i;
    return -1;
}

static int
m_unit_find(const struct model *m, int item, const char *serial)
{
    for (int i = 0; i < m->n.units; i++)
        if (m->units[i].item == item && !strcmp(m->units[i].serial, serial))
            return i;
    return -1;
}

static bool
m_expired(const struct model *m, int lot, const char *today)
{
    return m->lots[lot].expiry[0] && strcmp(m->lots[lot].expiry, today) < 0;
}

/* Is unit packed in a draft shipment? */
static bool
m_unit_reserved(const struct model *m, int unit)
{
    for (int l = 0; l < m->n.lines; l++) {
        const struct m_line *ln = &m->lines[l];
        if (m->ships[ln->ship].state != DRAFT)
            continue;
        for (int i = 0; i < ln->npicks; i++)
            if (m->picks[ln->pick0 + i].unit == unit)
                return true;
    }
    return false;
}

/* How much of each lot draft shipments from loc have picked, into reserved[lot]. */
static void
m_reserved(const struct model *m, int loc, long *reserved)
{
    memset(reserved, 0, (size_t)m->n.lots * sizeof *reserved);
    for (int l = 0; l < m->n.lines; l++) {
        const struct m_line *ln = &m->lines[l];
        const struct m_ship *sh = &m->ships[ln->ship];
        if (sh->state != DRAFT || sh->from != loc)
            continue;
        for (int i = 0; i < ln->npicks; i++)
            reserved[m->picks[ln->pick0 + i].lot] += m->picks[ln->pick0 + i].qty;
    }
}

static int
m_line_count(const struct model *m, int ship, int *packages)
{
    int n = 0;
    *packages = 0;
    for (int l = 0; l < m->n.lines; l++)
        if (m->lines[l].ship == ship) {
            n++;
            *packages += m->lines[l].packages;
        }
    return n;
}

/* ---- the run ---- */

enum {
    OP_RECV_LOT,
    OP_RECV_SERIAL,
    OP_TRANSFER,
    OP_ADJUST,
    OP_CREATE,
    OP_ADD_LINE,
    OP_DISPATCH,
    OP_CANCEL,
    OP_DELIVER,
    OP_REPEAT,
    OP_CLOCK,
    OP_GROUP,
    OP_COUNT
};
static const char *const s_op_names[OP_COUNT] = {
    "receive lot", "receive serials", "transfer", "adjust", "shipment create", "add line",
    "dispatch",    "cancel",          "deliver",  "repeat scan", "clock", "group"};

struct rnd {
    core_store_t *s;
    sqlite3 *raw; /* a second, read-only connection for independent checks */
    struct model m, saved;
    bool in_group;
    uint64_t rng;
    unsigned long long seed;
    long op, nops;
    time_t now;
    char today[11];
    char desc[600];
    char why[200];
    int64_t seen_seq;
    json_t **scan_res; /* the first answer to scan k */
    int next_serial, next_scan;
    int *tmp;           /* scratch: lot or unit indices */
    long *reserved;     /* scratch: per lot */
    long *taken;        /* scratch: per lot */
    struct m_pick *pk;  /* scratch: what an action is predicted to take */
    int *cov;           /* scratch: packages a scan covers */
    long *recv;         /* scratch: received per covered package */
    long ok[OP_COUNT], failed[OP_COUNT], codes[32], checks;
    bool trace; /* env AYNI_RANDOM_TRACE: print every action and its outcome */
};

/* splitmix64: small, and the same on every platform. */
static uint64_t
s_next(struct rnd *r)
{
    uint64_t z = (r->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* 0 .. n-1 */
static long
s_rand(struct rnd *r, long n)
{
    return n > 0 ? (long)(s_next(r) % (uint64_t)n) : 0;
}

static long
s_range(struct rnd *r, long lo, long hi)
{
    return hi < lo ? lo : lo + s_rand(r, hi - lo + 1);
}

static bool
s_chance(struct rnd *r, int percent)
{
    return s_rand(r, 100) < percent;
}

static int
s_want(struct rnd *r, int code, const char *why)
{
    snprintf(r->why, sizeof r->why, "%s", why);
    return code;
}

static void
s_date(const struct rnd *r, long days, char out[11])
{
    time_t t = r->now + (time_t)days * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
s_year(const struct rnd *r)
{
    struct tm tm;
    gmtime_r(&r->now, &tm);
    return tm.tm_year + 1900;
}

static const char *
s_loc(const struct rnd *r, int loc, char buf[64])
{
    if (loc < NFIXED)
        return s_fixed[loc];
    snprintf(buf, 64, "TRANSIT-%s", r->m.ships[loc - NFIXED].code);
    return buf;
}

static int
s_loc_of(const struct rnd *r, const char *code)
{
    for (int i = 0; i < NFIXED; i++)
        if (!strcmp(code, s_fixed[i]))
            return i;
    const char *dash = strrchr(code, '-');
    if (strncmp(code, "TRANSIT-", 8) != 0 || !dash)
        return -1;
    long k = strtol(dash + 1, NULL, 10) - 1;
    if (k < 0 || k >= r->m.n.ships || strcmp(code + 8, r->m.ships[k].code) != 0)
        return -1;
    return NFIXED + (int)k;
}

static int
s_item_of(const char *code)
{
    for (int i = 0; i < NITEMS; i++)
        if (code && !strcmp(code, s_items[i].code))
            return i;
    return -1;
}

/* Lot codes and serials: 1..64 of [A-Za-z0-9._/-] (the store's rule). */
static bool
s_valid_code(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./",
                    code[i]))
            return false;
    return true;
}

/* ---- fingerprints: did an action change anything? ----
 *
 * Outside a group, a second connection digests every table (counts, the newest row of the
 * append-only ones, weighted sums of the mutable ones) and the store must have no
 * transaction left open.  Inside a group only the store's own connection sees the group's
 * work, so the digest is of its stock levels and shipment list. */

struct fp {
    int64_t seq;
    char hash[65];
    char digest[600];
};

static const char s_digest_sql[] =
    "SELECT (SELECT COUNT(*) || ':' || TOTAL(qty) || ':' || TOTAL(qty * ((location_id * 1000003"
    " + lot_id * 7919 + item_id) % 2147483647)) FROM balances)"
    " || '|' || (SELECT COUNT(*) || ':' || TOTAL(id * location_id) FROM units)"
    " || '|' || (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM movements)"
    " || '|' || (SELECT COUNT(*) || ':' || COALESCE(MAX(seq), 0) FROM events)"
    " || '|' || (SELECT COUNT(*) || ':' || TOTAL(id * instr('draft dispatched partial delivered"
    " cancelled', state)) || ':' || TOTAL(id * packages) FROM shipments)"
    " || '|' || (SELECT COUNT(*) || ':' || TOTAL(number * COALESCE(delivery_id, 0)) FROM packages)"
    " || '|' || (SELECT COUNT(*) FROM deliveries) || '|' || (SELECT COUNT(*) FROM lots)"
    " || '|' || (SELECT COUNT(*) FROM receipts) || '|' || (SELECT COUNT(*) FROM shipment_lines)"
    " || '|' || (SELECT COUNT(*) FROM picks) || '|' || (SELECT COUNT(*) FROM locations)"
    " || '|' || (SELECT COUNT(*) FROM idempotency)";

static void
s_raw_digest(struct rnd *r, char *out, size_t size)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->raw, s_digest_sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        fail_msg("cannot digest the database: %s", sqlite3_errmsg(r->raw));
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static uint64_t
s_fnv(uint64_t h, const char *p)
{
    for (; p && *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return (h ^ '|') * 0x100000001b3ULL;
}

/* A digest of rows of stock levels or shipments: the fields that say where things are. */
static uint64_t
s_rows_digest(uint64_t h, json_t *rows, const char *const *keys)
{
    size_t i, j;
    json_t *row, *v, *el;
    json_array_foreach(rows, i, row) {
        for (const char *const *k = keys; *k; k++) {
            char num[32];
            v = json_object_get(row, *k);
            if (json_is_integer(v)) {
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
                h = s_fnv(h, num);
            } else if (json_is_array(v)) {
                json_array_foreach(v, j, el) h = s_fnv(h, json_string_value(el));
            } else {
                h = s_fnv(h, json_string_value(v));
            }
        }
    }
    json_decref(rows);
    return h;
}

static void
s_api_digest(struct rnd *r, char *out, size_t size)
{
    static const char *const stock_keys[] = {"location", "item", "lot", "qty", "serials", NULL};
    static const char *const ship_keys[] = {"code", "state", "package_count", "lines", "qty",
                                            "packages_delivered", NULL};
    json_t *a = NULL, *b = NULL, *c = NULL;
    struct core_stock_query q = {.expiring_days = -1};
    if (core_stock_levels(r->s, &q, &a))
        fail_msg("cannot read the store: %s", core_store_errmsg(r->s));
    q.at = "LOSS";
    if (core_stock_levels(r->s, &q, &b) || core_shipment_list(r->s, NULL, &c))
        fail_msg("cannot read the store: %s", core_store_errmsg(r->s));
    uint64_t stock = s_rows_digest(s_rows_digest(0xcbf29ce484222325ULL, a, stock_keys), b,
                                   stock_keys);
    uint64_t ships = s_rows_digest(0xcbf29ce484222325ULL, c, ship_keys);
    snprintf(out, size, "stock %016llx shipments %016llx", (unsigned long long)stock,
             (unsigned long long)ships);
}

static void
s_fingerprint(struct rnd *r, struct fp *fp)
{
    if (core_events_head(r->s, &fp->seq, fp->hash))
        fail_msg("cannot read the event head: %s", core_store_errmsg(r->s));
    if (r->in_group)
        s_api_digest(r, fp->digest, sizeof fp->digest);
    else
        s_raw_digest(r, fp->digest, sizeof fp->digest);
}

static void
s_same(struct rnd *r, const struct fp *before, const char *what)
{
    struct fp after;
    s_fingerprint(r, &after);
    if (after.seq != before->seq || strcmp(after.hash, before->hash) != 0)
        fail_msg("seed %llu, operation %ld: %s: %s, yet the event head moved from %lld to %lld",
                 r->seed, r->op, r->desc, what, (long long)before->seq, (long long)after.seq);
    if (strcmp(after.digest, before->digest) != 0)
        fail_msg("seed %llu, operation %ld: %s: %s, yet the database changed: %s became %s",
                 r->seed, r->op, r->desc, what, before->digest, after.digest);
    if (!r->in_group) {
        /* and no transaction was left open: begin works */
        if (core_store_begin(r->s) != 0)
            fail_msg("seed %llu, operation %ld: %s: %s and left a transaction open: %s",
                     r->seed, r->op, r->desc, what, core_store_errmsg(r->s));
        core_store_rollback(r->s);
    }
}

/* Compare the store's answer with the prediction.  True if the action worked (and the
 * caller applies it to the model); on a failure, checks that nothing changed. */
static bool
s_outcome(struct rnd *r, int kind, int want, int rc, json_t *res, const struct fp *before)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s", core_store_errmsg(r->s));
    if (r->trace)
        fprintf(stderr, "%ld %s: %s%s%s\n", r->op, r->desc, rc ? ayni_err_code(rc) : "ok",
                rc ? ": " : "", rc ? msg : "");
    if (rc != want)
        fail_msg("seed %llu, operation %ld: %s: expected %s%s%s, the store returned %s%s%s",
                 r->seed, r->op, r->desc, want ? ayni_err_code(want) : "success",
                 want ? " because " : "", want ? r->why : "", rc ? ayni_err_code(rc) : "success",
                 rc ? ": " : "", rc ? msg : "");
    if (rc == 0) {
        if (!res)
            fail_msg("seed %llu, operation %ld: %s: success without a result", r->seed, r->op,
                     r->desc);
        r->ok[kind]++;
        return true;
    }
    r->failed[kind]++;
    r->codes[(rc - AYNI_EINVAL) & 31]++;
    if (res)
        fail_msg("seed %llu, operation %ld: %s: a result was set on failure", r->seed, r->op,
                 r->desc);
    if (!msg[0] || !strcmp(msg, "no error"))
        fail_msg("seed %llu, operation %ld: %s: failed with no message", r->seed, r->op, r->desc);
    s_same(r, before, "the action failed");
    return false;
}

static void
s_expect_int(struct rnd *r, json_t *res, const char *key, long want)
{
    json_t *v = json_object_get(res, key);
    if (!json_is_integer(v) || json_integer_value(v) != want)
        fail_msg("seed %llu, operation %ld: %s: result '%s' is %lld, the model says %ld", r->seed,
                 r->op, r->desc, key, (long long)json_integer_value(v), want);
}

static void
s_expect_str(struct rnd *r, json_t *res, const char *key, const char *want)
{
    const char *v = json_string_value(json_object_get(res, key));
    if (!v || strcmp(v, want) != 0)
        fail_msg("seed %llu, operation %ld: %s: result '%s' is '%s', the model says '%s'",
                 r->seed, r->op, r->desc, key, v ? v : "(none)", want);
}

/* ---- what an action takes ---- */

struct r_take {
    int item;
    const char *lot;
    char lotbuf[48];
    long qty;
    size_t n;
    const char *serials[6];
    char sbuf[6][40];
};

static void
s_take_lot(struct r_take *t, const char *code)
{
    snprintf(t->lotbuf, sizeof t->lotbuf, "%s", code);
    t->lot = t->lotbuf;
}

static void
s_take_serial(struct r_take *t, size_t i, const char *serial)
{
    char copy[40];
    snprintf(copy, sizeof copy, "%s", serial); /* serial may be another of t's own */
    memcpy(t->sbuf[i], copy, sizeof copy);
    t->serials[i] = t->sbuf[i];
}

static struct core_take
s_core_take(const struct r_take *t)
{
    return (struct core_take){.item = s_items[t->item].code, .lot = t->lot, .qty = t->qty,
                              .serials = t->n ? t->serials : NULL, .nserials = t->n};
}

static void
s_take_desc(const struct r_take *t, char *out, size_t size)
{
    int n = snprintf(out, size, "%ld %s%s%s", t->qty, s_items[t->item].code,
                     t->lot ? " lot " : "", t->lot ? t->lot : "");
    for (size_t i = 0; i < t->n && n > 0 && (size_t)n < size; i++)
        n += snprintf(out + n, size - (size_t)n, "%s%s", i ? "," : " serials ", t->serials[i]);
}

static bool
s_serials_bad(const struct r_take *t)
{
    if (t->n == 0)
        return true;
    for (size_t i = 0; i < t->n; i++) {
        if (!s_valid_code(t->serials[i]))
            return true;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(t->serials[i], t->serials[j]))
                return true;
    }
    return false;
}

static int
s_pick_serials(struct rnd *r, int loc, const struct r_take *t, bool reserve, int *np)
{
    const struct model *m = &r->m;
    if (s_serials_bad(t))
        return s_want(r, AYNI_EINVAL, "the serials are missing, not valid or repeated");
    if (t->lot)
        return s_want(r, AYNI_EINVAL, "a serial item takes no lot");
    if (t->qty && (size_t)labs(t->qty) != t->n)
        return s_want(r, AYNI_EINVAL, "the quantity does not match the serials");
    for (size_t i = 0; i < t->n; i++) {
        int u = m_unit_find(m, t->item, t->serials[i]);
        if (u < 0)
            return s_want(r, AYNI_ENOTFOUND, "a serial is unknown");
        if (m->units[u].loc != loc)
            return s_want(r, AYNI_ESTOCK, "a serial is elsewhere");
        if (reserve && m_unit_reserved(m, u))
            return s_want(r, AYNI_ESTOCK, "a serial is packed in a draft shipment");
        r->pk[(*np)++] = (struct m_pick){m->units[u].lot, u, 1};
    }
    return 0;
}

static bool
s_fefo_before(const struct model *m, int a, int b)
{
    const char *ea = m->lots[a].expiry, *eb = m->lots[b].expiry;
    if (!*ea != !*eb)
        return *ea != 0; /* lots with no expiry go last */
    int c = strcmp(ea, eb);
    return c < 0 || (c == 0 && a < b);
}

/* The lots of item with stock at loc, first-expiry-first-out; returns how many. */
static int
s_candidates(struct rnd *r, int loc, int item, int named, int *out)
{
    const struct model *m = &r->m;
    int n = 0;
    for (int i = 0; i < m->n.lots; i++) {
        if (m->lots[i].item != item || (named >= 0 && i != named) || m_bal(m, loc, i) <= 0)
            continue;
        int j = n++;
        for (; j > 0 && s_fefo_before(m, i, out[j - 1]); j--)
            out[j] = out[j - 1];
        out[j] = i;
    }
    return n;
}

static int
s_pick_lots(struct rnd *r, int loc, const struct r_take *t, bool reserve, bool allow_expired,
            int *np)
{
    const struct model *m = &r->m;
    int named = -1;
    if (t->n)
        return s_want(r, AYNI_EINVAL, "a lot item takes no serials");
    long want = labs(t->qty), avail = 0;
    if (want < 1 || want > S_QTY_MAX)
        return s_want(r, AYNI_EINVAL, "the quantity is out of range");
    if (t->lot && !s_valid_code(t->lot))
        return s_want(r, AYNI_EINVAL, "the lot code is not valid");
    if (t->lot && (named = m_lot_find(m, t->item, t->lot)) < 0)
        return s_want(r, AYNI_ENOTFOUND, "the lot is unknown");
    if (reserve)
        m_reserved(m, loc, r->reserved);
    int n = s_candidates(r, loc, t->item, t->lot ? named : -1, r->tmp);
    for (int i = 0; i < n; i++) {
        int lot = r->tmp[i];
        long free_qty = m_bal(m, loc, lot) - (reserve ? r->reserved[lot] : 0);
        if (free_qty <= 0)
            continue;
        if (!allow_expired && m_expired(m, lot, r->today)) {
            if (t->lot)
                return s_want(r, AYNI_EEXPIRED, "the named lot has expired");
            continue;
        }
        long take = free_qty < want - avail ? free_qty : want - avail;
        if (take > 0)
            r->pk[(*np)++] = (struct m_pick){lot, -1, take};
        avail += free_qty;
    }
    if (avail < want)
        return s_want(r, AYNI_ESTOCK, "not enough unexpired, unreserved stock");
    return 0;
}

/* Predict what taking t at loc picks (into r->pk, *np of them), or the error. */
static int
s_pick(struct rnd *r, int loc, const struct r_take *t, bool reserve, bool allow_expired, int *np)
{
    *np = 0;
    if (s_items[t->item].serial)
        return s_pick_serials(r, loc, t, reserve, np);
    return s_pick_lots(r, loc, t, reserve, allow_expired, np);
}

static long
s_picked(const struct rnd *r, int np)
{
    long sum = 0;
    for (int i = 0; i < np; i++)
        sum += r->pk[i].qty;
    return sum;
}

/* ---- generating takes ---- */

static int
s_any_lot(struct rnd *r, int item)
{
    const struct model *m = &r->m;
    int n = 0, found = -1;
    for (int i = 0; i < m->n.lots; i++)
        if (m->lots[i].item == item && s_rand(r, ++n) == 0)
            found = i;
    return found;
}

static int
s_any_unit(struct rnd *r, int item, int loc)
{
    const struct model *m = &r->m;
    int n = 0, found = -1;
    for (int i = 0; i < m->n.units; i++)
        if (m->units[i].item == item && (loc < 0 || m->units[i].loc == loc) &&
            s_rand(r, ++n) == 0)
            found = i;
    return found;
}

static void
s_gen_lots(struct rnd *r, int loc, int item, struct r_take *t)
{
    const struct model *m = &r->m;
    long total = 0;
    int n = s_candidates(r, loc, item, -1, r->tmp);
    for (int i = 0; i < n; i++)
        total += m_bal(m, loc, r->tmp[i]);
    if (s_chance(r, 25)) {
        int lot = n && s_chance(r, 85) ? r->tmp[s_rand(r, n)] : s_any_lot(r, item);
        if (lot < 0 || s_chance(r, 4)) {
            s_take_lot(t, s_chance(r, 60) ? "NO-SUCH-LOT" : "bad lot!");
        } else {
            long b = m_bal(m, loc, lot);
            s_take_lot(t, m->lots[lot].code);
            t->qty = b > 0 && s_chance(r, 80) ? s_range(r, 1, b) : s_range(r, 1, b + 20);
        }
    }
    if (!t->qty)
        t->qty = total > 0 && s_chance(r, 75) ? s_range(r, 1, total) : s_range(r, 1, total + 40);
    if (s_chance(r, 2))
        t->qty = 0;
    if (s_chance(r, 2)) {
        s_take_serial(t, 0, "TAB-00001");
        t->n = 1;
    }
}

static void
s_gen_serials(struct rnd *r, int loc, int item, struct r_take *t)
{
    const struct model *m = &r->m;
    int n = 0;
    for (int i = 0; i < m->n.units; i++)
        if (m->units[i].item == item && m->units[i].loc == loc)
            r->tmp[n++] = i;
    size_t want = (size_t)s_range(r, 1, 3);
    for (size_t i = 0; i < want; i++) {
        int u = -1;
        if (n > 0 && s_chance(r, 88)) {
            int j = (int)s_rand(r, n);
            u = r->tmp[j];
            r->tmp[j] = r->tmp[--n];
        } else if (s_chance(r, 80)) {
            u = s_any_unit(r, item, -1);
        }
        s_take_serial(t, i, u >= 0 ? m->units[u].serial : "NO-SUCH-SERIAL");
    }
    t->n = want;
    if (want >= 2 && s_chance(r, 2))
        s_take_serial(t, 1, t->serials[0]);
    if (s_chance(r, 1))
        s_take_serial(t, 0, "bad serial!");
    t->qty = s_chance(r, 65) ? 0 : s_chance(r, 90) ? (long)want : (long)want + 1;
    if (s_chance(r, 2))
        s_take_lot(t, "SOME-LOT");
}

/* A take of item at loc: mostly what is there, sometimes more, sometimes nonsense. */
static void
s_gen_take(struct rnd *r, int loc, int item, struct r_take *t)
{
    memset(t, 0, sizeof *t);
    t->item = item;
    if (s_items[item].serial)
        s_gen_serials(r, loc, item, t);
    else
        s_gen_lots(r, loc, item, t);
}

/* A random shipment in one of the states of mask, or -1. */
static int
s_ship_in(struct rnd *r, unsigned mask)
{
    int n = 0, found = -1;
    for (int i = 0; i < r->m.n.ships; i++)
        if ((mask & (1u << r->m.ships[i].state)) && s_rand(r, ++n) == 0)
            found = i;
    return found;
}

/* A random draft with at least one line, or -1. */
static int
s_draft_with_lines(struct rnd *r)
{
    const struct model *m = &r->m;
    int n = 0, found = -1;
    for (int i = 0; i < m->n.ships; i++) {
        int used;
        if (m->ships[i].state == DRAFT && m_line_count(m, i, &used) && s_rand(r, ++n) == 0)
            found = i;
    }
    return found;
}

/* Mostly a shipment in mask, sometimes any, rarely none (-1). */
static int
s_choose_ship(struct rnd *r, unsigned mask, int percent)
{
    int k = s_chance(r, percent) ? s_ship_in(r, mask) : -1;
    if (k < 0 && r->m.n.ships && s_chance(r, 95))
        k = (int)s_rand(r, r->m.n.ships);
    return k;
}

/* ---- receiving ---- */

static void
s_receipt_code(const struct rnd *r, char out[32])
{
    snprintf(out, 32, "REC-%04d-%06d", s_year(r), r->m.n.receipts + 1);
}

static void
op_receive_lot(struct rnd *r)
{
    static const int lot_items[] = {0, 1, 3};
    struct model *m = &r->m;
    int item = lot_items[s_rand(r, 3)];
    bool perishable = s_items[item].perishable;
    int at = s_chance(r, 98) ? (int)s_rand(r, 2) : C1;
    int donor = (int)s_rand(r, 2);
    char code[48], expiry[11] = "";
    int lot = s_chance(r, 45) ? s_any_lot(r, item) : -1;
    if (lot >= 0)
        snprintf(code, sizeof code, "%s", m->lots[lot].code);
    else
        snprintf(code, sizeof code, "%s-%ld", s_items[item].prefix, s_range(r, 1, 300));
    lot = m_lot_find(m, item, code);
    if (lot >= 0 && s_chance(r, 88)) {
        donor = m->lots[lot].donor;
        memcpy(expiry, m->lots[lot].expiry, sizeof expiry);
    } else if (perishable ? s_chance(r, 96) : s_chance(r, 30)) {
        s_date(r, perishable ? s_range(r, -3, 80) : s_range(r, 30, 700), expiry);
    }
    if (s_chance(r, 1))
        snprintf(code, sizeof code, "bad lot!");
    long qty = s_chance(r, 97) ? s_range(r, 1, 150) : s_range(r, -2, 0);
    snprintf(r->desc, sizeof r->desc, "receive %ld %s lot %s expiry %s donor %s at %s", qty,
             s_items[item].code, code, expiry[0] ? expiry : "-", s_donors[donor], s_fixed[at]);

    int want = 0;
    if (at == C1)
        want = s_want(r, AYNI_EINVAL, "stock is received at a warehouse");
    else if (!s_valid_code(code) || qty < 1)
        want = s_want(r, AYNI_EINVAL, "the lot code or quantity is not valid");
    else if (perishable && !expiry[0])
        want = s_want(r, AYNI_EINVAL, "a perishable lot needs an expiry");
    else if (expiry[0] && strcmp(expiry, r->today) < 0)
        want = s_want(r, AYNI_EEXPIRED, "the lot has expired");
    else if (lot >= 0 && (strcmp(m->lots[lot].expiry, expiry) || m->lots[lot].donor != donor))
        want = s_want(r, AYNI_ECONFLICT, "the lot is recorded with another expiry or donor");

    struct core_receive rcv = {.at = s_fixed[at], .donor = s_donors[donor],
                               .item = s_items[item].code, .lot = code,
                               .expiry = expiry[0] ? expiry : NULL, .qty = qty};
    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_stock_receive(r->s, &rcv, &res);
    if (s_outcome(r, OP_RECV_LOT, want, rc, res, &before)) {
        char receipt[32];
        s_receipt_code(r, receipt);
        s_expect_str(r, res, "receipt", receipt);
        s_expect_int(r, res, "qty", qty);
        if (lot < 0) {
            struct m_lot *l = M_PUSH(m, lots);
            *l = (struct m_lot){.item = item, .donor = donor};
            snprintf(l->code, sizeof l->code, "%s", code);
            memcpy(l->expiry, expiry, sizeof expiry);
            lot = m->n.lots - 1;
        }
        m->n.receipts++;
        m_move(m, -1, at, &(struct m_pick){lot, -1, qty});
    }
    json_decref(res);
}

static void
op_receive_serials(struct rnd *r)
{
    struct model *m = &r->m;
    int item = s_chance(r, 60) ? 2 : 4;
    int at = s_chance(r, 98) ? (int)s_rand(r, 2) : C2;
    int donor = (int)s_rand(r, 2);
    struct r_take t = {.item = item};
    size_t n = (size_t)s_range(r, 1, 4);
    for (size_t i = 0; i < n; i++) {
        char serial[40];
        snprintf(serial, sizeof serial, "%s-%05d", s_items[item].prefix, ++r->next_serial);
        s_take_serial(&t, i, serial);
    }
    t.n = n;
    int old = n >= 3 && s_chance(r, 12) ? s_any_unit(r, item, -1) : -1;
    if (old >= 0)
        s_take_serial(&t, 2, m->units[old].serial); /* the 3rd is already recorded */
    if (n >= 2 && s_chance(r, 2))
        s_take_serial(&t, n - 1, t.serials[0]);
    if (s_chance(r, 1))
        s_take_serial(&t, 0, "bad serial!");
    char named[48] = "", receipt[32];
    if (s_chance(r, 15))
        snprintf(named, sizeof named, "%sL-%ld", s_items[item].prefix, s_range(r, 1, 6));
    long qty = s_chance(r, 70) ? 0 : s_chance(r, 85) ? (long)n : (long)n + 2;
    s_receipt_code(r, receipt);
    const char *code = named[0] ? named : receipt;
    int lot = m_lot_find(m, item, code);
    char what[400];
    s_take_desc(&t, what, sizeof what);
    snprintf(r->desc, sizeof r->desc, "receive %ld %s lot %s donor %s at %s", qty, what,
             named[0] ? named : "-", s_donors[donor], s_fixed[at]);

    int want = 0;
    if (at == C2)
        want = s_want(r, AYNI_EINVAL, "stock is received at a warehouse");
    else if (s_serials_bad(&t))
        want = s_want(r, AYNI_EINVAL, "the serials are not valid or repeated");
    else if (qty && qty != (long)n)
        want = s_want(r, AYNI_EINVAL, "the quantity does not match the serials");
    else if (lot >= 0 && (m->lots[lot].donor != donor || m->lots[lot].expiry[0]))
        want = s_want(r, AYNI_ECONFLICT, "the lot is recorded with another donor");
    for (size_t i = 0; !want && i < n; i++)
        if (m_unit_find(m, item, t.serials[i]) >= 0)
            want = s_want(r, AYNI_EEXISTS, "a serial is already recorded");

    struct core_receive rcv = {.at = s_fixed[at], .donor = s_donors[donor],
                               .item = s_items[item].code, .lot = named[0] ? named : NULL,
                               .qty = qty, .serials = t.serials, .nserials = n};
    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_stock_receive(r->s, &rcv, &res);
    if (s_outcome(r, OP_RECV_SERIAL, want, rc, res, &before)) {
        s_expect_str(r, res, "receipt", receipt);
        s_expect_str(r, res, "lot", code);
        if (lot < 0) {
            struct m_lot *l = M_PUSH(m, lots);
            *l = (struct m_lot){.item = item, .donor = donor};
            snprintf(l->code, sizeof l->code, "%s", code);
            lot = m->n.lots - 1;
        }
        m->n.receipts++;
        for (size_t i = 0; i < n; i++) {
            struct m_unit *u = M_PUSH(m, units);
            *u = (struct m_unit){.item = item, .lot = lot, .loc = -1};
            snprintf(u->serial, sizeof u->serial, "%s", t.serials[i]);
            m_move(m, -1, at, &(struct m_pick){lot, m->n.units - 1, 1});
        }
    }
    json_decref(res);
}

/* ---- transfers and adjustments ---- */

static void
op_transfer(struct rnd *r)
{
    int from = (int)s_rand(r, 2), to = 1 - from, np = 0;
    if (s_chance(r, 3))
        to = from;
    else if (s_chance(r, 2))
        to = C2;
    struct r_take t;
    s_gen_take(r, from, (int)s_rand(r, NITEMS), &t);
    const char *note = s_chance(r, 20) ? "traslado por campaña de invierno" : NULL;
    if (s_chance(r, 1))
        note = "bad\x01note";
    char what[400];
    s_take_desc(&t, what, sizeof what);
    snprintf(r->desc, sizeof r->desc, "transfer %s from %s to %s", what, s_fixed[from],
             s_fixed[to]);

    int want;
    if (to == from || to == C2 || (note && note[3] == '\x01'))
        want = s_want(r, AYNI_EINVAL, "not another warehouse, or a bad note");
    else
        want = s_pick(r, from, &t, true, false, &np);

    struct core_take ct = s_core_take(&t);
    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_stock_transfer(r->s, s_fixed[from], s_fixed[to], &ct, note, &res);
    if (s_outcome(r, OP_TRANSFER, want, rc, res, &before)) {
        s_expect_int(r, res, "qty", s_picked(r, np));
        for (int i = 0; i < np; i++)
            m_move(&r->m, from, to, &r->pk[i]);
    }
    json_decref(res);
}

static int
s_predict_found(struct rnd *r, const struct r_take *t, int *np)
{
    if (s_items[t->item].serial)
        return s_pick(r, LOSS, t, false, true, np);
    int lot;
    *np = 0;
    if (!t->lot || !s_valid_code(t->lot))
        return s_want(r, AYNI_EINVAL, "stock found in a count names its lot");
    if (t->qty > S_QTY_MAX)
        return s_want(r, AYNI_EINVAL, "the quantity is out of range");
    if ((lot = m_lot_find(&r->m, t->item, t->lot)) < 0)
        return s_want(r, AYNI_ENOTFOUND, "the lot is unknown");
    r->pk[(*np)++] = (struct m_pick){lot, -1, t->qty};
    return 0;
}

static void
op_adjust(struct rnd *r)
{
    static const char *const reasons[] = {"damaged", "expired", "lost", "count"};
    const struct model *m = &r->m;
    int at = (int)s_rand(r, 2), item = (int)s_rand(r, NITEMS), np = 0;
    bool found = s_chance(r, 25), serial = s_items[item].serial;
    const char *reason = found && s_chance(r, 90) ? "count" : reasons[s_rand(r, 4)];
    if (s_chance(r, 2))
        reason = "stolen";
    struct r_take t;
    if (found && serial) {
        s_gen_take(r, LOSS, item, &t);
        t.qty = s_chance(r, 97) ? (long)t.n : (long)t.n + 1;
    } else if (found) {
        memset(&t, 0, sizeof t);
        t.item = item;
        int lot = s_any_lot(r, item);
        if (lot >= 0 && s_chance(r, 95))
            s_take_lot(&t, m->lots[lot].code);
        else if (s_chance(r, 50))
            s_take_lot(&t, "NO-SUCH-LOT");
        t.qty = s_range(r, 1, 30);
    } else {
        s_gen_take(r, at, item, &t);
        t.qty = serial ? -(long)t.n - (s_chance(r, 3) ? 1 : 0) : -labs(t.qty);
    }
    if (s_chance(r, 2))
        t.qty = 0;
    char what[400];
    s_take_desc(&t, what, sizeof what);
    snprintf(r->desc, sizeof r->desc, "adjust %s at %s reason %s", what, s_fixed[at], reason);

    int want, from = at, to = LOSS;
    if (!strcmp(reason, "stolen"))
        want = s_want(r, AYNI_EINVAL, "the reason is unknown");
    else if (t.qty == 0)
        want = s_want(r, AYNI_EINVAL, "an adjustment needs a quantity");
    else if (t.qty > 0 && strcmp(reason, "count") != 0)
        want = s_want(r, AYNI_EINVAL, "only a count adds stock");
    else if (t.qty > 0) {
        want = s_predict_found(r, &t, &np);
        from = serial ? LOSS : -1;
        to = at;
    } else {
        want = s_pick(r, at, &t, false, true, &np);
    }

    struct core_take ct = s_core_take(&t);
    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_stock_adjust(r->s, s_fixed[at], &ct, reason, NULL, &res);
    if (s_outcome(r, OP_ADJUST, want, rc, res, &before)) {
        s_expect_int(r, res, "qty", t.qty > 0 ? s_picked(r, np) : -s_picked(r, np));
        for (int i = 0; i < np; i++)
            m_move(&r->m, from, to, &r->pk[i]);
    }
    json_decref(res);
}

/* ---- shipments ---- */

static void
op_create(struct rnd *r)
{
    struct model *m = &r->m;
    int from = s_chance(r, 65) ? W1 : W2, to = s_chance(r, 50) ? C1 : C2;
    if (s_chance(r, 1))
        from = C1;
    if (s_chance(r, 3))
        to = W2;
    const char *team = s_chance(r, 80) ? "Equipo Huánuco 2" : NULL;
    if (s_chance(r, 1))
        team = "bad\x02team";
    char code[32];
    snprintf(code, sizeof code, "ENV-%04d-%06d", s_year(r), m->n.ships + 1);
    snprintf(r->desc, sizeof r->desc, "create a shipment from %s to %s", s_fixed[from],
             s_fixed[to]);
    int want = 0;
    if (from == C1 || to == W2 || (team && team[3] == '\x02'))
        want = s_want(r, AYNI_EINVAL, "wrong kind of place, or a bad team");

    struct core_shipment_new n = {.from = s_fixed[from], .to = s_fixed[to], .team = team,
                                  .vehicle = s_chance(r, 50) ? "ABC-123" : NULL};
    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_shipment_create(r->s, &n, &res);
    if (s_outcome(r, OP_CREATE, want, rc, res, &before)) {
        s_expect_str(r, res, "code", code);
        struct m_ship *sh = M_PUSH(m, ships);
        *sh = (struct m_ship){.from = from, .to = to, .state = DRAFT};
        memcpy(sh->code, code, sizeof code);
    }
    json_decref(res);
}

static void op_create(struct rnd *r);
static void op_add_line(struct rnd *r);
static void op_dispatch(struct rnd *r);
static void s_cancel(struct rnd *r, int k);

static void
op_add_line(struct rnd *r)
{
    struct model *m = &r->m;
    if (s_ship_in(r, 1u << DRAFT) < 0 && s_chance(r, 90)) {
        op_create(r); /* keep the flow of goods going */
        return;
    }
    int k = s_choose_ship(r, 1u << DRAFT, 90), np = 0;
    int from = k >= 0 ? m->ships[k].from : W1;
    struct r_take t;
    s_gen_take(r, from, (int)s_rand(r, NITEMS), &t);
    int packages = s_chance(r, 90) ? (int)s_range(r, 1, 4)
                                   : s_chance(r, 50) ? 0 : (int)s_range(r, 5, 12);
    if (t.n && packages > (int)t.n && s_chance(r, 85))
        packages = (int)s_range(r, 1, (long)t.n);
    const char *code = k >= 0 ? m->ships[k].code : "ENV-1999-999999";
    char what[400];
    s_take_desc(&t, what, sizeof what);
    snprintf(r->desc, sizeof r->desc, "add %s in %d packages to %s (%s)", what, packages, code,
             k >= 0 ? s_states[m->ships[k].state] : "unknown");

    int want;
    if (k < 0)
        want = s_want(r, AYNI_ENOTFOUND, "no such shipment");
    else if (m->ships[k].state != DRAFT)
        want = s_want(r, AYNI_ESTATE, "the shipment is not a draft");
    else if (packages < 1)
        want = s_want(r, AYNI_EINVAL, "packages must be 1 or more");
    else if (!(want = s_pick(r, from, &t, true, false, &np)) && packages > s_picked(r, np))
        want = s_want(r, AYNI_EINVAL, "more packages than units");

    struct core_take ct = s_core_take(&t);
    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_shipment_add_line(r->s, code, &ct, packages, &res);
    if (s_outcome(r, OP_ADD_LINE, want, rc, res, &before)) {
        int used;
        int no = m_line_count(m, k, &used) + 1;
        s_expect_int(r, res, "line", no);
        s_expect_int(r, res, "qty", s_picked(r, np));
        struct m_line *ln = M_PUSH(m, lines);
        *ln = (struct m_line){.ship = k, .no = no, .item = t.item, .packages = packages,
                              .first = used + 1, .pick0 = m->n.picks, .npicks = np,
                              .qty = s_picked(r, np)};
        for (int i = 0; i < np; i++) {
            struct m_pick *p = M_PUSH(m, picks);
            *p = r->pk[i];
        }
    }
    json_decref(res);
}

/* Would dispatching shipment k work?  Every pick, in line order: not expired, still there. */
static int
s_predict_dispatch(struct rnd *r, int k)
{
    const struct model *m = &r->m;
    const struct m_ship *sh = &m->ships[k];
    long total = 0;
    int want = 0;
    memset(r->taken, 0, (size_t)m->n.lots * sizeof *r->taken);
    for (int l = 0; !want && l < m->n.lines; l++) {
        const struct m_line *ln = &m->lines[l];
        for (int i = 0; ln->ship == k && !want && i < ln->npicks; i++) {
            const struct m_pick *p = &m->picks[ln->pick0 + i];
            if (m_expired(m, p->lot, r->today))
                want = s_want(r, AYNI_EEXPIRED, "a packed lot has expired");
            else if (p->unit >= 0 && m->units[p->unit].loc != sh->from)
                want = s_want(r, AYNI_ESTOCK, "a packed unit has left the warehouse");
            else if (m_bal(m, sh->from, p->lot) - r->taken[p->lot] < p->qty)
                want = s_want(r, AYNI_ESTOCK, "a packed lot is no longer there");
            r->taken[p->lot] += p->qty;
            total += p->qty;
        }
    }
    if (!want && total == 0)
        want = s_want(r, AYNI_EINVAL, "the shipment has no lines");
    return want;
}

static void
s_apply_dispatch(struct rnd *r, int k)
{
    struct model *m = &r->m;
    struct m_ship *sh = &m->ships[k];
    int count = 0;
    for (int l = 0; l < m->n.lines; l++) {
        const struct m_line *ln = &m->lines[l];
        if (ln->ship != k)
            continue;
        for (int i = 0; i < ln->npicks; i++)
            m_move(m, sh->from, NFIXED + k, &m->picks[ln->pick0 + i]);
        for (int j = 0; j < ln->packages; j++) {
            struct m_pkg *p = M_PUSH(m, pkgs);
            *p = (struct m_pkg){.ship = k, .no = ln->first + j, .line = l, .scan = -1,
                                .qty = ln->qty / ln->packages + (j < ln->qty % ln->packages)};
        }
        count += ln->packages;
    }
    sh->packages = count;
    sh->state = DISPATCHED;
}

static void
op_dispatch(struct rnd *r)
{
    int k = s_chance(r, 85) ? s_draft_with_lines(r) : -1;
    if (k < 0 && s_chance(r, 80)) {
        op_add_line(r);
        return;
    }
    if (k < 0)
        k = s_choose_ship(r, 1u << DRAFT, 50);
    const char *code = k >= 0 ? r->m.ships[k].code : "ENV-1999-999999";
    snprintf(r->desc, sizeof r->desc, "dispatch %s (%s)", code,
             k >= 0 ? s_states[r->m.ships[k].state] : "unknown");
    int want;
    if (k < 0)
        want = s_want(r, AYNI_ENOTFOUND, "no such shipment");
    else if (r->m.ships[k].state != DRAFT)
        want = s_want(r, AYNI_ESTATE, "only a draft is dispatched");
    else
        want = s_predict_dispatch(r, k);
    if (want && k >= 0 && r->m.ships[k].state == DRAFT && s_chance(r, 40)) {
        s_cancel(r, k); /* what the message says: cancel it and pack again */
        return;
    }

    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_shipment_dispatch(r->s, code, &res);
    if (s_outcome(r, OP_DISPATCH, want, rc, res, &before)) {
        s_apply_dispatch(r, k);
        s_expect_str(r, res, "state", "dispatched");
        s_expect_int(r, res, "package_count", r->m.ships[k].packages);
    }
    json_decref(res);
}

/* Everything in shipment k's transit place goes back to its warehouse. */
static long
s_apply_cancel(struct rnd *r, int k)
{
    struct model *m = &r->m;
    struct m_ship *sh = &m->ships[k];
    int transit = NFIXED + k;
    long returned = 0;
    for (int u = 0; sh->state != DRAFT && u < m->n.units; u++)
        if (m->units[u].loc == transit) {
            m_move(m, transit, sh->from, &(struct m_pick){m->units[u].lot, u, 1});
            returned++;
        }
    for (int lot = 0; sh->state != DRAFT && lot < m->n.lots; lot++) {
        long b = s_items[m->lots[lot].item].serial ? 0 : m_bal(m, transit, lot);
        if (b > 0) {
            m_move(m, transit, sh->from, &(struct m_pick){lot, -1, b});
            returned += b;
        }
    }
    sh->state = CANCELLED;
    return returned;
}

/* Cancel shipment k (-1: an unknown code). */
static void
s_cancel(struct rnd *r, int k)
{
    const char *code = k >= 0 ? r->m.ships[k].code : "ENV-1999-999999";
    const char *reason = s_chance(r, 97) ? "camión averiado en la carretera" : "";
    snprintf(r->desc, sizeof r->desc, "cancel %s (%s) because '%s'", code,
             k >= 0 ? s_states[r->m.ships[k].state] : "unknown", reason);
    int want = 0;
    if (k < 0)
        want = s_want(r, AYNI_ENOTFOUND, "no such shipment");
    else if (!reason[0])
        want = s_want(r, AYNI_EINVAL, "a cancellation needs a reason");
    else if (r->m.ships[k].state == DELIVERED || r->m.ships[k].state == CANCELLED)
        want = s_want(r, AYNI_ESTATE, "the shipment is closed");

    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_shipment_cancel(r->s, code, reason, &res);
    if (s_outcome(r, OP_CANCEL, want, rc, res, &before))
        s_expect_int(r, res, "returned", s_apply_cancel(r, k));
    json_decref(res);
}

static void
op_cancel(struct rnd *r)
{
    s_cancel(r, s_choose_ship(r, 1u << DRAFT | 1u << DISPATCHED | 1u << PARTIAL, 80));
}

/* ---- deliveries ---- */

struct d_req {
    int ship; /* -1: unknown */
    int package;
    struct core_delivery_line lines[8];
    size_t nlines;
    bool all; /* no lines: everything arrived */
};

/* The packages a scan of package (0: all outstanding) covers, into r->cov. */
static int
s_covered(struct rnd *r, int ship, int package, bool outstanding_only)
{
    const struct model *m = &r->m;
    int n = 0;
    for (int i = 0; i < m->n.pkgs; i++) {
        const struct m_pkg *p = &m->pkgs[i];
        if (p->ship == ship && (package ? p->no == package : (!outstanding_only || p->scan < 0)))
            r->cov[n++] = i;
    }
    /* pkgs of one shipment are pushed in number order */
    return n;
}

static void
s_gen_delivery_lines(struct rnd *r, struct d_req *q)
{
    const struct model *m = &r->m;
    int n = q->ship >= 0 ? s_covered(r, q->ship, q->package, true) : 0;
    q->all = s_chance(r, 45);
    for (int i = 0; !q->all && i < n && q->nlines < 6; i++) {
        const struct m_pkg *p = &m->pkgs[r->cov[i]];
        int no = m->lines[p->line].no;
        bool seen = false;
        for (size_t j = 0; j < q->nlines; j++)
            seen |= q->lines[j].line == no;
        if (seen || s_chance(r, 35))
            continue;
        long expected = 0;
        for (int j = 0; j < n; j++)
            if (m->lines[m->pkgs[r->cov[j]].line].no == no)
                expected += m->pkgs[r->cov[j]].qty;
        struct core_delivery_line *l = &q->lines[q->nlines++];
        l->line = no;
        l->received = s_chance(r, 60) ? expected : s_range(r, 0, expected - 1);
        l->reason = l->received < expected || s_chance(r, 5) ? s_short_reasons[s_rand(r, 4)]
                                                             : NULL;
        if (s_chance(r, 4))
            l->reason = NULL;
        if (s_chance(r, 2))
            l->received = expected + 1;
        if (s_chance(r, 1))
            l->received = -1;
        if (s_chance(r, 1))
            l->reason = "stolen";
    }
    if (s_chance(r, 3) && q->nlines < 8) {
        q->all = false;
        q->lines[q->nlines++] = (struct core_delivery_line){.line = 99, .received = 1,
                                                            .reason = "missing"};
    }
    if (q->nlines && q->nlines < 8 && s_chance(r, 1))
        q->lines[q->nlines++] = q->lines[0];
}

static int
s_predict_check(struct rnd *r, const struct d_req *q)
{
    if (q->package < 0 || q->package > 9999)
        return s_want(r, AYNI_EINVAL, "the package number is out of range");
    for (size_t i = 0; i < q->nlines; i++) {
        const struct core_delivery_line *l = &q->lines[i];
        bool known = !l->reason;
        for (int k = 0; k < 4 && l->reason; k++)
            known |= !strcmp(l->reason, s_short_reasons[k]);
        if (l->received < 0 || !known)
            return s_want(r, AYNI_EINVAL, "a line's count or reason is not valid");
        for (size_t j = 0; j < i; j++)
            if (q->lines[j].line == l->line)
                return s_want(r, AYNI_EINVAL, "a line is given twice");
    }
    return q->ship < 0 ? s_want(r, AYNI_ENOTFOUND, "no such shipment") : 0;
}

/* What each covered package receives (r->recv), or the error. */
static int
s_apportion(struct rnd *r, const struct d_req *q, int n)
{
    const struct model *m = &r->m;
    for (int i = 0; i < n; i++)
        r->recv[i] = m->pkgs[r->cov[i]].qty;
    for (size_t j = 0; j < q->nlines; j++) {
        const struct core_delivery_line *l = &q->lines[j];
        long expected = 0, left = l->received;
        for (int i = 0; i < n; i++)
            if (m->lines[m->pkgs[r->cov[i]].line].no == l->line)
                expected += m->pkgs[r->cov[i]].qty;
        if (expected == 0)
            return s_want(r, AYNI_EINVAL, "a line is not in the packages scanned");
        if (l->received > expected)
            return s_want(r, AYNI_EINVAL, "more received than sent");
        if (l->received < expected && !l->reason)
            return s_want(r, AYNI_EINVAL, "a shortfall without a reason");
        for (int i = 0; i < n; i++) {
            if (m->lines[m->pkgs[r->cov[i]].line].no != l->line)
                continue;
            long q_i = m->pkgs[r->cov[i]].qty;
            r->recv[i] = left < q_i ? left : q_i;
            left -= r->recv[i];
        }
    }
    return 0;
}

static int
s_predict_delivery(struct rnd *r, const struct d_req *q, int *ncov)
{
    const struct model *m = &r->m;
    int want = s_predict_check(r, q);
    *ncov = 0;
    if (want)
        return want;
    const struct m_ship *sh = &m->ships[q->ship];
    if (sh->state == DRAFT || sh->state == CANCELLED)
        return s_want(r, AYNI_ESTATE, "a draft or cancelled shipment is not delivered");
    if (q->package > sh->packages)
        return s_want(r, AYNI_EINVAL, "no such package");
    if (q->package && s_covered(r, q->ship, q->package, false) && m->pkgs[r->cov[0]].scan >= 0)
        return s_want(r, AYNI_EDELIVERED, "the package was already delivered");
    int n = s_covered(r, q->ship, q->package, true);
    if (n == 0)
        return s_want(r, AYNI_EDELIVERED, "every package was already delivered");
    *ncov = n;
    return s_apportion(r, q, n);
}

/* Package p's slice of its line's picks: the first `received` to the community, the rest to
 * loss. */
static void
s_apply_package(struct rnd *r, const struct m_pkg *p, long received)
{
    struct model *m = &r->m;
    const struct m_line *ln = &m->lines[p->line];
    const struct m_ship *sh = &m->ships[p->ship];
    long offset = 0;
    for (int i = 0; i < m->n.pkgs; i++)
        if (m->pkgs[i].line == p->line && m->pkgs[i].no < p->no)
            offset += m->pkgs[i].qty;
    long pos = 0, deliver_end = offset + received, end = offset + p->qty;
    for (int i = 0; i < ln->npicks; i++) {
        const struct m_pick *k = &m->picks[ln->pick0 + i];
        long a = pos > offset ? pos : offset, b = pos + k->qty < end ? pos + k->qty : end;
        pos += k->qty;
        if (a >= b)
            continue;
        long got = (b < deliver_end ? b : deliver_end) - a;
        if (got < 0)
            got = 0;
        if (got > 0)
            m_move(m, NFIXED + p->ship, sh->to, &(struct m_pick){k->lot, k->unit, got});
        if (b - a - got > 0)
            m_move(m, NFIXED + p->ship, LOSS, &(struct m_pick){k->lot, k->unit, b - a - got});
    }
}

static void
s_apply_delivery(struct rnd *r, const struct d_req *q, const char *scan_id, int n, json_t *res)
{
    struct model *m = &r->m;
    long expected = 0, received = 0;
    int scan = m->n.scans;
    struct m_scan *sc = M_PUSH(m, scans);
    *sc = (struct m_scan){.ship = q->ship, .package = q->package};
    snprintf(sc->id, sizeof sc->id, "%s", scan_id);
    json_decref(r->scan_res[scan]);
    r->scan_res[scan] = json_incref(res);
    for (int i = 0; i < n; i++) {
        struct m_pkg *p = &m->pkgs[r->cov[i]];
        s_apply_package(r, p, r->recv[i]);
        p->scan = scan;
        expected += p->qty;
        received += r->recv[i];
    }
    int outstanding = s_covered(r, q->ship, 0, true);
    m->ships[q->ship].state = outstanding ? PARTIAL : DELIVERED;
    s_expect_int(r, res, "qty_expected", expected);
    s_expect_int(r, res, "qty_received", received);
    s_expect_str(r, res, "shipment_state", s_states[m->ships[q->ship].state]);
}

static void
op_deliver(struct rnd *r)
{
    struct model *m = &r->m;
    if (s_ship_in(r, 1u << DISPATCHED | 1u << PARTIAL) < 0 && s_chance(r, 85)) {
        op_dispatch(r);
        return;
    }
    struct d_req q = {.ship = s_choose_ship(r, 1u << DISPATCHED | 1u << PARTIAL, 88)};
    int packages = q.ship >= 0 ? m->ships[q.ship].packages : 1;
    if (packages && s_chance(r, 65))
        q.package = (int)s_range(r, 1, packages);
    if (s_chance(r, 3))
        q.package = packages + 1;
    s_gen_delivery_lines(r, &q);
    char scan_id[32];
    snprintf(scan_id, sizeof scan_id, "SCAN-%06d", ++r->next_scan);
    const char *code = q.ship >= 0 ? m->ships[q.ship].code : "ENV-1999-999999";
    int n = snprintf(r->desc, sizeof r->desc, "deliver %s package %d of %s (%s)%s", scan_id,
                     q.package, code, q.ship >= 0 ? s_states[m->ships[q.ship].state] : "unknown",
                     q.all ? " all received" : "");
    for (size_t i = 0; i < q.nlines && n > 0 && (size_t)n < sizeof r->desc; i++)
        n += snprintf(r->desc + n, sizeof r->desc - (size_t)n, " line %d got %ld (%s)",
                      q.lines[i].line, q.lines[i].received,
                      q.lines[i].reason ? q.lines[i].reason : "-");
    int ncov = 0;
    int want = s_predict_delivery(r, &q, &ncov);

    struct core_delivery d = {.scan_id = scan_id, .shipment = code, .package = q.package,
                              .device = "ayni-scan-07", .team = "Equipo Amarilis",
                              .scanned_at = "2026-11-22T09:30:00-05:00",
                              .lines = q.all ? NULL : q.lines, .nlines = q.all ? 0 : q.nlines};
    struct fp before = {0};
    if (want)
        s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_delivery_confirm(r->s, &d, &res);
    if (s_outcome(r, OP_DELIVER, want, rc, res, &before))
        s_apply_delivery(r, &q, scan_id, ncov, res);
    json_decref(res);
}

/* The same scan id again: the first answer, and nothing changes; for another package, a
 * conflict. */
static void
op_repeat(struct rnd *r)
{
    const struct model *m = &r->m;
    if (m->n.scans == 0) {
        op_deliver(r);
        return;
    }
    int k = (int)s_rand(r, m->n.scans);
    const struct m_scan *sc = &m->scans[k];
    bool same = s_chance(r, 85);
    int package = same ? sc->package : sc->package ? 0 : 1;
    snprintf(r->desc, sizeof r->desc, "repeat %s for package %d of %s (first: package %d)",
             sc->id, package, m->ships[sc->ship].code, sc->package);
    int want = same ? 0 : s_want(r, AYNI_ECONFLICT, "the scan id was used for another package");
    struct core_delivery d = {.scan_id = sc->id, .shipment = m->ships[sc->ship].code,
                              .package = package, .device = "ayni-scan-09"};
    struct fp before;
    s_fingerprint(r, &before);
    json_t *res = NULL;
    int rc = core_delivery_confirm(r->s, &d, &res);
    if (s_outcome(r, OP_REPEAT, want, rc, res, &before)) {
        if (!json_is_true(json_object_get(res, "repeat")))
            fail_msg("seed %llu, operation %ld: %s: the answer is not marked as a repeat",
                     r->seed, r->op, r->desc);
        json_t *copy = json_deep_copy(res);
        json_object_del(copy, "repeat");
        if (!json_equal(copy, r->scan_res[k])) {
            char *a = json_dumps(copy, JSON_COMPACT), *b = json_dumps(r->scan_res[k], JSON_COMPACT);
            fail_msg("seed %llu, operation %ld: %s: the repeat answered %s, the first time %s",
                     r->seed, r->op, r->desc, a, b);
        }
        json_decref(copy);
        s_same(r, &before, "a repeated scan");
    }
    json_decref(res);
}

/* ---- the clock ---- */

/* The earliest expiry (today or later) of a lot packed in a draft, or "" if none. */
static void
s_first_packed_expiry(const struct rnd *r, char out[11])
{
    const struct model *m = &r->m;
    out[0] = '\0';
    for (int l = 0; l < m->n.lines; l++) {
        const struct m_line *ln = &m->lines[l];
        for (int i = 0; m->ships[ln->ship].state == DRAFT && i < ln->npicks; i++) {
            const char *e = m->lots[m->picks[ln->pick0 + i].lot].expiry;
            if (*e && strcmp(e, r->today) >= 0 && (!out[0] || strcmp(e, out) < 0))
                memcpy(out, e, 11);
        }
    }
}

/* Mostly a few days on; sometimes to the day after a packed lot expires, so that drafts
 * meet expired stock at dispatch. */
static void
op_clock(struct rnd *r)
{
    char target[11];
    s_first_packed_expiry(r, target);
    time_t next = r->now + (time_t)s_range(r, 1, 10) * 86400 + (time_t)s_rand(r, 3600);
    if (target[0] && s_chance(r, 25)) {
        struct tm tm = {.tm_hour = 12, .tm_isdst = -1};
        sscanf(target, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_mday += 1;
        time_t t = mktime(&tm);
        if (t > r->now)
            next = t;
    }
    r->now = next;
    core_store_set_now(r->s, r->now);
    core_store_today(r->s, r->today);
    snprintf(r->desc, sizeof r->desc, "the clock moves to %s", r->today);
    r->ok[OP_CLOCK]++;
}

/* ---- checks ---- */

static void
s_check_verify(struct rnd *r)
{
    json_t *res = NULL;
    if (core_ledger_verify(r->s, &res))
        fail_msg("seed %llu, operation %ld: ledger verify could not run: %s", r->seed, r->op,
                 core_store_errmsg(r->s));
    if (!json_is_true(json_object_get(res, "ok"))) {
        char *text = json_dumps(json_object_get(res, "problems"), JSON_COMPACT);
        fail_msg("seed %llu, operation %ld (last: %s): ledger verify found problems: %.2000s",
                 r->seed, r->op, r->desc, text);
    }
    json_decref(res);
}

static void
s_check_row(struct rnd *r, json_t *row)
{
    const struct model *m = &r->m;
    const char *loc_code = json_string_value(json_object_get(row, "location"));
    const char *lot_code = json_string_value(json_object_get(row, "lot"));
    int loc = s_loc_of(r, loc_code ? loc_code : "");
    int item = s_item_of(json_string_value(json_object_get(row, "item")));
    int lot = item >= 0 && lot_code ? m_lot_find(m, item, lot_code) : -1;
    long qty = (long)json_integer_value(json_object_get(row, "qty"));
    if (loc < 0 || lot < 0)
        fail_msg("seed %llu, operation %ld: the store holds %ld of lot '%s' at '%s', which the "
                 "model does not know", r->seed, r->op, qty, lot_code, loc_code);
    if (m_bal(m, loc, lot) != qty)
        fail_msg("seed %llu, operation %ld (last: %s): %s lot %s at %s: the store has %ld, the "
                 "model %ld", r->seed, r->op, r->desc, s_items[item].code, lot_code, loc_code,
                 qty, m_bal(m, loc, lot));
    const char *expiry = json_string_value(json_object_get(row, "expiry"));
    if (strcmp(expiry ? expiry : "", m->lots[lot].expiry) != 0 ||
        json_is_true(json_object_get(row, "expired")) != m_expired(m, lot, r->today) ||
        strcmp(json_string_value(json_object_get(row, "donor")), s_donors[m->lots[lot].donor]))
        fail_msg("seed %llu, operation %ld: lot '%s' at '%s': expiry, expired or donor differ",
                 r->seed, r->op, lot_code, loc_code);
    if (!s_items[item].serial)
        return;
    json_t *serials = json_object_get(row, "serials");
    size_t i;
    json_t *v;
    if ((long)json_array_size(serials) != qty)
        fail_msg("seed %llu, operation %ld: %s lot %s at %s: %ld units but %zu serials", r->seed,
                 r->op, s_items[item].code, lot_code, loc_code, qty, json_array_size(serials));
    json_array_foreach(serials, i, v) {
        int u = m_unit_find(m, item, json_string_value(v));
        if (u < 0 || m->units[u].loc != loc || m->units[u].lot != lot)
            fail_msg("seed %llu, operation %ld (last: %s): %s serial %s is at %s in the store, "
                     "the model has it elsewhere", r->seed, r->op, r->desc, s_items[item].code,
                     json_string_value(v), loc_code);
    }
}

/* The store's stock levels (every location, loss included) equal the model. */
static void
s_check_levels(struct rnd *r)
{
    const struct model *m = &r->m;
    json_t *rows = NULL, *loss = NULL;
    struct core_stock_query q = {.expiring_days = -1};
    if (core_stock_levels(r->s, &q, &rows))
        fail_msg("stock levels: %s", core_store_errmsg(r->s));
    q.at = "LOSS";
    if (core_stock_levels(r->s, &q, &loss))
        fail_msg("stock levels at loss: %s", core_store_errmsg(r->s));
    json_array_extend(rows, loss);
    json_decref(loss);
    size_t i, nonzero = 0;
    json_t *row;
    json_array_foreach(rows, i, row) s_check_row(r, row);
    for (size_t k = 0; k < m->cap.bal; k++)
        nonzero += m->bal[k].loc >= 0 && m->bal[k].qty > 0;
    if (nonzero != json_array_size(rows)) {
        for (size_t k = 0; k < m->cap.bal; k++) {
            char buf[64];
            if (m->bal[k].loc >= 0 && m->bal[k].qty > 0)
                fprintf(stderr, "model: %s %s %ld\n", s_loc(r, m->bal[k].loc, buf),
                        m->lots[m->bal[k].lot].code, m->bal[k].qty);
        }
        fail_msg("seed %llu, operation %ld (last: %s): the store has %zu stock rows, the model "
                 "%zu", r->seed, r->op, r->desc, json_array_size(rows), nonzero);
    }
    json_decref(rows);
}

static void
s_check_shipments(struct rnd *r)
{
    const struct model *m = &r->m;
    json_t *list = NULL;
    if (core_shipment_list(r->s, NULL, &list))
        fail_msg("shipment list: %s", core_store_errmsg(r->s));
    if ((int)json_array_size(list) != m->n.ships)
        fail_msg("seed %llu, operation %ld: the store has %zu shipments, the model %d", r->seed,
                 r->op, json_array_size(list), m->n.ships);
    for (int k = 0; k < m->n.ships; k++) {
        json_t *o = json_array_get(list, (size_t)k);
        int delivered = 0;
        for (int i = 0; i < m->n.pkgs; i++)
            delivered += m->pkgs[i].ship == k && m->pkgs[i].scan >= 0;
        const char *state = json_string_value(json_object_get(o, "state"));
        if (strcmp(json_string_value(json_object_get(o, "code")), m->ships[k].code) ||
            strcmp(state, s_states[m->ships[k].state]) ||
            json_integer_value(json_object_get(o, "package_count")) != m->ships[k].packages ||
            json_integer_value(json_object_get(o, "packages_delivered")) != delivered)
            fail_msg("seed %llu, operation %ld (last: %s): shipment %s is %s in the store, %s in "
                     "the model (or its packages differ)", r->seed, r->op, r->desc,
                     m->ships[k].code, state, s_states[m->ships[k].state]);
    }
    json_decref(list);
}

static int64_t
s_raw_int(struct rnd *r, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(r->raw, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("raw query '%s': %s", sql, sqlite3_errmsg(r->raw));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Outside a group: events since the last check come in seq order without a gap, and a
 * second connection sees no negative balance and events numbered 1..n. */
static void
s_check_events(struct rnd *r)
{
    for (;;) {
        json_t *list = NULL;
        size_t i;
        json_t *ev;
        if (core_events_since(r->s, r->seen_seq, 1000, &list))
            fail_msg("events since: %s", core_store_errmsg(r->s));
        if (json_array_size(list) == 0) {
            json_decref(list);
            break;
        }
        json_array_foreach(list, i, ev) {
            int64_t seq = (int64_t)json_integer_value(json_object_get(ev, "seq"));
            if (seq != r->seen_seq + 1 || !json_is_string(json_object_get(ev, "type")))
                fail_msg("seed %llu, operation %ld: event %lld follows %lld", r->seed, r->op,
                         (long long)seq, (long long)r->seen_seq);
            r->seen_seq = seq;
        }
        json_decref(list);
    }
    int64_t head;
    char hash[65];
    if (core_events_head(r->s, &head, hash) || head != r->seen_seq)
        fail_msg("seed %llu, operation %ld: the event head is not the last event seen", r->seed,
                 r->op);
    if (s_raw_int(r, "SELECT COUNT(*) FROM balances WHERE qty < 0") != 0)
        fail_msg("seed %llu, operation %ld: a balance is negative", r->seed, r->op);
    if (s_raw_int(r, "SELECT COUNT(*) FROM events") != head ||
        s_raw_int(r, "SELECT COALESCE(MIN(seq), 1) FROM events") != 1)
        fail_msg("seed %llu, operation %ld: event seq is not 1..%lld", r->seed, r->op,
                 (long long)head);
}

static void
s_check_all(struct rnd *r, bool events)
{
    s_check_verify(r);
    s_check_levels(r);
    s_check_shipments(r);
    if (events)
        s_check_events(r);
    r->checks++;
}

/* ---- groups ---- */

static void s_one(struct rnd *r, bool group_ok);

static void
op_group(struct rnd *r)
{
    snprintf(r->desc, sizeof r->desc, "begin a group");
    if (core_store_begin(r->s) != 0)
        fail_msg("seed %llu, operation %ld: begin: %s", r->seed, r->op, core_store_errmsg(r->s));
    m_copy(&r->saved, &r->m);
    r->in_group = true;
    long n = s_range(r, 2, 6);
    for (long i = 0; i < n && r->op < r->nops; i++) {
        s_one(r, false);
        if (s_chance(r, 5)) {
            snprintf(r->desc, sizeof r->desc, "begin inside a group");
            struct fp before;
            s_fingerprint(r, &before);
            if (core_store_begin(r->s) != AYNI_ESTATE)
                fail_msg("seed %llu, operation %ld: a second begin was not refused", r->seed,
                         r->op);
            s_same(r, &before, "a second begin was refused");
        }
    }
    if (s_chance(r, 25))
        s_check_all(r, false); /* the group's own, uncommitted view */
    r->in_group = false;
    if (s_chance(r, 75)) {
        snprintf(r->desc, sizeof r->desc, "commit a group of %ld", n);
        if (core_store_commit(r->s) != 0)
            fail_msg("seed %llu, operation %ld: commit: %s", r->seed, r->op,
                     core_store_errmsg(r->s));
        r->ok[OP_GROUP]++;
    } else {
        snprintf(r->desc, sizeof r->desc, "roll back a group of %ld", n);
        core_store_rollback(r->s);
        m_copy(&r->m, &r->saved);
        r->failed[OP_GROUP]++;
    }
}

static const struct {
    int weight;
    void (*fn)(struct rnd *r);
} s_ops[OP_COUNT] = {
    [OP_RECV_LOT] = {110, op_receive_lot},  [OP_RECV_SERIAL] = {45, op_receive_serials},
    [OP_TRANSFER] = {95, op_transfer},      [OP_ADJUST] = {65, op_adjust},
    [OP_CREATE] = {30, op_create},          [OP_ADD_LINE] = {170, op_add_line},
    [OP_DISPATCH] = {90, op_dispatch},      [OP_CANCEL] = {25, op_cancel},
    [OP_DELIVER] = {170, op_deliver},       [OP_REPEAT] = {30, op_repeat},
    [OP_CLOCK] = {12, op_clock},            [OP_GROUP] = {25, op_group},
};

static void
s_one(struct rnd *r, bool group_ok)
{
    int total = 0;
    for (int i = 0; i < OP_COUNT; i++)
        total += (i != OP_GROUP || group_ok) ? s_ops[i].weight : 0;
    long pick = s_rand(r, total);
    for (int i = 0; i < OP_COUNT; i++) {
        int w = (i != OP_GROUP || group_ok) ? s_ops[i].weight : 0;
        if (pick < w) {
            if (i != OP_GROUP)
                r->op++;
            s_ops[i].fn(r);
            return;
        }
        pick -= w;
    }
}

/* ---- the test ---- */

static unsigned long long
s_env(const char *name, unsigned long long dflt)
{
    const char *v = getenv(name);
    char *end;
    if (!v || !*v)
        return dflt;
    unsigned long long n = strtoull(v, &end, 0);
    if (*end)
        fail_msg("%s must be a whole number, not '%s'", name, v);
    return n;
}

static void
s_setup_run(struct rnd *r, struct storefix *f)
{
    r->s = f->store;
    r->seed = s_env("AYNI_SEED", S_DEFAULT_SEED);
    r->nops = (long)s_env("AYNI_RANDOM_OPS", S_DEFAULT_OPS);
    r->rng = r->seed;
    r->trace = s_env("AYNI_RANDOM_TRACE", 0) != 0;
    printf("[ seed     ] AYNI_SEED=%llu AYNI_RANDOM_OPS=%ld (set them to repeat or scale)\n",
           r->seed, r->nops);
    fflush(stdout);
    struct core_item more[] = {
        {"MEDICAL-KIT", "Botiquín", "Medical kit", "kit", "lot", true, 5},
        {"LAPTOP", "Laptop", "Laptop", "unidad", "serial", false, 0},
    };
    for (size_t i = 0; i < 2; i++) {
        json_t *res = NULL;
        if (core_item_add(r->s, &more[i], &res))
            fail_msg("item add: %s", core_store_errmsg(r->s));
        json_decref(res);
    }
    long ops = r->nops + 100;
    struct m_counts cap = {.lots = (int)ops + 64, .units = 4 * (int)ops + 64,
                           .ships = (int)ops + 64, .lines = (int)ops + 64,
                           .picks = 16 * (int)ops + 1024, .pkgs = 4 * (int)ops + 64,
                           .scans = (int)ops + 64, .bal = 1024};
    while (cap.bal < (size_t)ops * 16)
        cap.bal *= 2;
    m_init(&r->m, &cap);
    m_init(&r->saved, &cap);
    int big = cap.lots > cap.units ? cap.lots : cap.units;
    r->tmp = xcalloc((size_t)big, sizeof *r->tmp);
    r->reserved = xcalloc((size_t)cap.lots, sizeof *r->reserved);
    r->taken = xcalloc((size_t)cap.lots, sizeof *r->taken);
    r->pk = xcalloc((size_t)big, sizeof *r->pk);
    r->cov = xcalloc((size_t)cap.pkgs, sizeof *r->cov);
    r->recv = xcalloc((size_t)cap.pkgs, sizeof *r->recv);
    r->scan_res = xcalloc((size_t)cap.scans, sizeof *r->scan_res);
    r->now = core_store_now(r->s);
    core_store_today(r->s, r->today);
    if (sqlite3_open_v2(f->path, &r->raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("cannot open a second connection: %s", sqlite3_errmsg(r->raw));
    r->seen_seq = 0;
}

static void
s_teardown_run(struct rnd *r)
{
    const char *keep = getenv("AYNI_RANDOM_KEEP"); /* a copy of the database to look at */
    if (keep && *keep) {
        char *sql = sqlite3_mprintf("VACUUM INTO %Q", keep);
        if (sqlite3_exec(r->raw, sql, NULL, NULL, NULL) != SQLITE_OK)
            fprintf(stderr, "cannot keep the database as '%s': %s\n", keep,
                    sqlite3_errmsg(r->raw));
        sqlite3_free(sql);
    }
    for (int i = 0; i < r->m.cap.scans; i++)
        json_decref(r->scan_res[i]);
    free(r->scan_res);
    free(r->tmp);
    free(r->reserved);
    free(r->taken);
    free(r->pk);
    free(r->cov);
    free(r->recv);
    m_free(&r->m);
    m_free(&r->saved);
    sqlite3_close(r->raw);
}

static void
s_report(const struct rnd *r, double seconds)
{
    printf("[ random   ] %ld operations, %ld full checks, %.2f s; last event seq %lld\n", r->op,
           r->checks, seconds, (long long)r->seen_seq);
    for (int i = 0; i < OP_COUNT; i++)
        printf("[ random   ]   %-16s %6ld ok %6ld failed\n", s_op_names[i], r->ok[i],
               r->failed[i]);
    for (int c = 0; c < 32; c++)
        if (r->codes[c])
            printf("[ random   ]   error %-20s %6ld\n", ayni_err_code(AYNI_EINVAL + c),
                   r->codes[c]);
    printf("[ random   ] model: %d lots, %d units, %d shipments, %d packages, %d scans\n",
           r->m.n.lots, r->m.n.units, r->m.n.ships, r->m.n.pkgs, r->m.n.scans);
    fflush(stdout);
}

static void
test_random_operations(void **state)
{
    struct storefix *f = *state;
    struct rnd *r = xcalloc(1, sizeof *r);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    s_setup_run(r, f);
    for (int i = 0; i < 25 && r->op < r->nops; i++) { /* something to move around */
        r->op++;
        if (i % 3 == 2)
            op_receive_serials(r);
        else
            op_receive_lot(r);
    }
    long next_check = S_BATCH;
    while (r->op < r->nops) {
        s_one(r, true);
        if (r->op >= next_check && !r->in_group) {
            s_check_all(r, true);
            next_check = r->op + S_BATCH;
        }
    }
    s_check_all(r, true);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s_report(r, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    s_teardown_run(r);
    free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_operations, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
