/* store_pick.c: choosing stock and moving it; the one way balances change.
 *
 * core__pick decides what a movement takes (named serial units, a named lot, or lots
 * first-expiry-first-out) and refuses what the rules forbid (expired lots, stock that
 * is not there or is packed in a draft shipment).  core__move writes one movement and
 * keeps balances and serial units in step with it.  Callers run inside a transaction.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "store_int.h"

#define S_QTY_MAX 1000000000L
#define S_SERIALS_MAX 10000

void
core__picks_push(struct core__picks *p, int64_t lot_id, int64_t unit_id, long qty)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = (struct core__pick){lot_id, unit_id, qty};
}

void
core__picks_free(struct core__picks *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

int
core__check_serials(core_store_t *s, const char *const *serials, size_t n)
{
    if (n == 0 || n > S_SERIALS_MAX)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "serials"),
                          "give between 1 and %d serial numbers", S_SERIALS_MAX);
    for (size_t i = 0; i < n; i++) {
        int rc = core__check_lot_code(s, "serials", serials[i]);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(serials[i], serials[j]) == 0)
                return core__fail(s, AYNI_EINVAL, json_pack("{ssss}", "field", "serials",
                                                            "serial", serials[i]),
                                  "serial '%s' is given twice", serials[i]);
    }
    return 0;
}

int
core__check_qty(core_store_t *s, const char *field, long qty)
{
    if (qty >= 1 && qty <= S_QTY_MAX)
        return 0;
    return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                      "%s must be a whole number from 1 to %ld, not %ld", field, S_QTY_MAX, qty);
}

/* |qty|, except that a qty below -S_QTY_MAX stays as it is: labs(LONG_MIN) overflows, and
 * such a qty is refused anyway (a request can carry any 64-bit integer). */
static long
s_magnitude(long qty)
{
    return qty < -S_QTY_MAX ? qty : labs(qty);
}

static int
s_pick_serials(core_store_t *s, const struct core__place *at, const struct core__item *item,
               const struct core_take *take, bool reserve, struct core__picks *out)
{
    int rc = core__check_serials(s, take->serials, take->nserials);
    if (rc)
        return rc;
    if (take->lot)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "lot"),
                          "'%s' is tracked by serial number: give the serials, not a lot",
                          item->code);
    if (take->qty && (size_t)s_magnitude(take->qty) != take->nserials)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "qty"),
                          "quantity %ld does not match the %zu serial numbers given", take->qty,
                          take->nserials);
    for (size_t i = 0; i < take->nserials; i++) {
        const char *serial = take->serials[i];
        sqlite3_stmt *st = core__query(s, ST_UNIT_BY_SERIAL, "It", item->id, serial);
        if ((rc = core__step(s, st)) < 0)
            return rc;
        if (rc == 0)
            return core__fail(s, AYNI_ENOTFOUND,
                              json_pack("{ssssss}", "field", "serials", "item", item->code,
                                        "serial", serial),
                              "unknown serial '%s' of '%s': check the number on the unit",
                              serial, item->code);
        int64_t unit_id = sqlite3_column_int64(st, 0), lot_id = sqlite3_column_int64(st, 1);
        int64_t where = sqlite3_column_int64(st, 2);
        char place[41];
        snprintf(place, sizeof place, "%s", sqlite3_column_text(st, 4));
        core__reset(st);
        if (where != at->id)
            return core__fail(s, AYNI_ESTOCK,
                              json_pack("{ssssssss}", "item", item->code, "serial", serial,
                                        "location", at->code, "found_at", place),
                              "'%s' serial '%s' is at '%s', not at '%s'", item->code, serial,
                              place, at->code);
        if (reserve) {
            st = core__query(s, ST_UNIT_RESERVED, "I", unit_id);
            if ((rc = core__step(s, st)) < 0)
                return rc;
            if (rc == 1) {
                rc = core__fail(s, AYNI_ESTOCK,
                                json_pack("{ssssss}", "item", item->code, "serial", serial,
                                          "shipment", sqlite3_column_text(st, 0)),
                                "'%s' serial '%s' is already packed in draft shipment '%s'",
                                item->code, serial, sqlite3_column_text(st, 0));
                core__reset(st);
                return rc;
            }
        }
        core__picks_push(out, lot_id, unit_id, 1);
    }
    return 0;
}

/* The named lot must exist for the item. */
static int
s_known_lot(core_store_t *s, const struct core__item *item, const char *lot)
{
    int rc = core__check_lot_code(s, "lot", lot);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_LOT_BY_CODE, "It", item->id, lot);
    if ((rc = core__step(s, st)) < 0)
        return rc;
    if (rc == 0)
        return core__fail(s, AYNI_ENOTFOUND,
                          json_pack("{ssssss}", "field", "lot", "item", item->code, "lot", lot),
                          "unknown lot '%s' of '%s': see the lots in stock with 'stock --item %s'",
                          lot, item->code, item->code);
    core__reset(st);
    return 0;
}

static int
s_short(core_store_t *s, const struct core__place *at, const struct core__item *item,
        const struct core_take *take, long avail, long expired)
{
    json_t *d = json_pack("{ss ss sI sI sI}", "item", item->code, "location", at->code,
                          "requested", (json_int_t)take->qty, "available", (json_int_t)avail,
                          "expired", (json_int_t)expired);
    if (take->lot)
        json_object_set_new(d, "lot", json_string(take->lot));
    char more[240] = "";
    if (expired)
        snprintf(more, sizeof more,
                 ayni_ntr(" (%ld more is expired: adjust it to loss)",
                          " (%ld more are expired: adjust them to loss)", (unsigned long)expired),
                 expired);
    if (take->lot)
        return core__fail(s, AYNI_ESTOCK, d,
                          "insufficient stock of '%s' lot %s at '%s': %ld requested, "
                          "%ld available%s",
                          item->code, take->lot, at->code, take->qty, avail, more);
    return core__fail(s, AYNI_ESTOCK, d,
                      "insufficient stock of '%s' at '%s': %ld requested, %ld available%s",
                      item->code, at->code, take->qty, avail, more);
}

static int
s_pick_lots(core_store_t *s, const struct core__place *at, const struct core__item *item,
            const struct core_take *take, bool reserve, bool allow_expired,
            struct core__picks *out)
{
    int rc;
    if (take->nserials)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "serials"),
                          "'%s' is counted by lot: give a quantity, not serial numbers",
                          item->code);
    if ((rc = core__check_qty(s, "qty", s_magnitude(take->qty))))
        return rc;
    if (take->lot && (rc = s_known_lot(s, item, take->lot)))
        return rc;
    char today[11];
    core_store_today(s, today);
    long want = labs(take->qty), avail = 0, expired = 0;
    sqlite3_stmt *st = core__query(s, ST_PICK_CANDIDATES, "IIti", at->id, item->id, take->lot,
                                   reserve ? 1 : 0);
    while ((rc = core__step(s, st)) == 1) {
        long free_qty = (long)sqlite3_column_int64(st, 3);
        const char *expiry = (const char *)sqlite3_column_text(st, 2);
        if (free_qty <= 0)
            continue;
        if (expiry && strcmp(expiry, today) < 0 && !allow_expired) {
            expired += free_qty;
            if (take->lot) {
                rc = core__fail(s, AYNI_EEXPIRED,
                                json_pack("{ssssss}", "item", item->code, "lot", take->lot,
                                          "expiry", expiry),
                                "lot '%s' of '%s' expired on %s: it cannot be dispatched or "
                                "transferred; adjust it to loss with reason 'expired'",
                                take->lot, item->code, expiry);
                core__reset(st);
                return rc;
            }
            continue;
        }
        long n = free_qty < want - avail ? free_qty : want - avail;
        if (n > 0)
            core__picks_push(out, sqlite3_column_int64(st, 0), 0, n);
        avail += free_qty;
    }
    if (rc < 0)
        return rc;
    if (avail < want)
        return s_short(s, at, item, &(struct core_take){.item = take->item, .lot = take->lot,
                                                        .qty = want},
                       avail, expired);
    return 0;
}

int
core__pick(core_store_t *s, const struct core__place *at, const struct core__item *item,
           const struct core_take *take, bool reserve, bool allow_expired,
           struct core__picks *out)
{
    if (item->serial)
        return s_pick_serials(s, at, item, take, reserve, out);
    return s_pick_lots(s, at, item, take, reserve, allow_expired, out);
}

int
core__move(core_store_t *s, const struct core__move_ctx *ctx, int64_t from, int64_t to,
           int64_t item_id, const struct core__pick *p)
{
    int rc;
    char now[21];
    core__now_iso(s, now);
    if (from) {
        rc = core__run(s, ST_BAL_SUB, "IIIl", from, item_id, p->lot_id, p->qty);
        if (rc == AYNI_ECONFLICT || (rc == 0 && sqlite3_changes(s->db) != 1))
            return core__fail(s, AYNI_ESTOCK, NULL,
                              "the move would take the balance below zero: nothing was moved");
        if (rc)
            return rc;
    }
    if ((rc = core__run(s, ST_BAL_ADD, "IIIl", to, item_id, p->lot_id, p->qty)))
        return rc;
    if (p->unit_id && from) {
        rc = core__run(s, ST_UNIT_MOVE, "III", p->unit_id, from, to);
        if (rc == 0 && sqlite3_changes(s->db) != 1)
            return core__fail(s, AYNI_ESTOCK, NULL, "a serial unit is not where the move says");
        if (rc)
            return rc;
    }
    return core__run(s, ST_MOVE_INSERT, "ttNIIINlNNNttt", now, ctx->kind, from, to, item_id,
                     p->lot_id, p->unit_id, p->qty, ctx->shipment_id, ctx->receipt_id,
                     ctx->delivery_id, s->actor, ctx->reason, ctx->note);
}

int
core__check_low(core_store_t *s, const struct core__place *at, const struct core__item *item,
                long moved_out)
{
    if (item->low <= 0 || strcmp(at->kind, "warehouse") != 0 || moved_out <= 0)
        return 0;
    int64_t after;
    int rc = core__scalar(s, &after, ST_BAL_ITEM_TOTAL, "II", at->id, item->id);
    if (rc)
        return rc;
    if (after + moved_out < item->low || after >= item->low)
        return 0;
    return core__event(s, "stock.low",
                       json_pack("{ss ss sI sI ss}", "location", at->code, "item", item->code,
                                 "qty", (json_int_t)after, "threshold", (json_int_t)item->low,
                                 "unit", item->unit));
}

/* Append serial to the last group if it is of the same lot, else start a group. */
static json_t *
s_group(json_t *list, sqlite3_stmt *lot, const struct core__pick *p, int64_t *last_lot)
{
    json_t *g = json_array_get(list, json_array_size(list) - 1);
    if (!g || *last_lot != p->lot_id) {
        g = json_pack("{s:o s:o s:o sI}", "lot", core__jstr(lot, 0), "expiry", core__jstr(lot, 1),
                      "donor", core__jstr(lot, 2), "qty", (json_int_t)0);
        json_array_append_new(list, g);
        *last_lot = p->lot_id;
    }
    json_object_set_new(g, "qty",
                        json_integer(json_integer_value(json_object_get(g, "qty")) + p->qty));
    return g;
}

json_t *
core__picks_json(core_store_t *s, const struct core__picks *picks)
{
    json_t *list = json_array();
    int64_t last_lot = 0;
    for (size_t i = 0; i < picks->n; i++) {
        const struct core__pick *p = &picks->v[i];
        sqlite3_stmt *lot = core__query(s, ST_LOT_BY_ID, "I", p->lot_id);
        if (core__step(s, lot) != 1)
            continue;
        json_t *g = s_group(list, lot, p, &last_lot);
        core__reset(lot);
        if (!p->unit_id)
            continue;
        sqlite3_stmt *u = core__query(s, ST_UNIT_SERIAL, "I", p->unit_id);
        if (core__step(s, u) != 1)
            continue;
        json_t *serials = json_object_get(g, "serials");
        if (!serials) {
            serials = json_array();
            json_object_set_new(g, "serials", serials);
        }
        json_array_append_new(serials, core__jstr(u, 0));
        core__reset(u);
    }
    return list;
}
