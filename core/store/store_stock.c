/* store_stock.c: receiving donations, transfers between warehouses, adjustments, and
 * reading stock levels.  Each action is one transaction with its movements and event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "store_int.h"

#define S_NOTE_MAX 500

static bool
s_one_of(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (!strcmp(v, *set))
            return true;
    return false;
}

/* ---- receive ---- */

static int
s_receive_check(core_store_t *s, const struct core_receive *r, const struct core__item *item)
{
    int rc;
    char today[11];
    if ((rc = core__check_text(s, "note", r->note, false, S_NOTE_MAX)))
        return rc;
    if (item->serial) {
        if ((rc = core__check_serials(s, r->serials, r->nserials)))
            return rc;
        if (r->qty && (size_t)r->qty != r->nserials)
            return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "qty"),
                              "quantity %ld does not match the %zu serial numbers given", r->qty,
                              r->nserials);
        if (r->lot && (rc = core__check_lot_code(s, "lot", r->lot)))
            return rc;
    } else {
        if (r->nserials)
            return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "serials"),
                              "'%s' is counted by lot: give a quantity and a lot, not serial "
                              "numbers", item->code);
        if ((rc = core__check_lot_code(s, "lot", r->lot)) || (rc = core__check_qty(s, "qty", r->qty)))
            return rc;
    }
    if (item->perishable && !r->expiry)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "expiry"),
                          "'%s' is perishable: give the lot's expiry date (YYYY-MM-DD)",
                          item->code);
    if (!r->expiry)
        return 0;
    if ((rc = core__check_date(s, "expiry", r->expiry)))
        return rc;
    core_store_today(s, today);
    if (strcmp(r->expiry, today) < 0)
        return core__fail(s, AYNI_EEXPIRED, json_pack("{ssss}", "field", "expiry", "expiry",
                                                      r->expiry),
                          "lot '%s' expired on %s: expired goods are not received into stock",
                          r->lot ? r->lot : "", r->expiry);
    return 0;
}

/* Find the lot, or make it; a lot keeps one donor and one expiry. */
static int
s_receive_lot(core_store_t *s, const struct core__item *item, const char *code,
              const char *expiry, int64_t donor_id, int64_t *lot_id)
{
    sqlite3_stmt *st = core__query(s, ST_LOT_BY_CODE, "It", item->id, code);
    int rc = core__step(s, st);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        const char *have = (const char *)sqlite3_column_text(st, 1);
        bool same_expiry = (!have && !expiry) || (have && expiry && !strcmp(have, expiry));
        bool same_donor = sqlite3_column_int64(st, 2) == donor_id;
        *lot_id = sqlite3_column_int64(st, 0);
        if (!same_expiry || !same_donor) {
            rc = core__fail(s, AYNI_ECONFLICT,
                            json_pack("{ss ss s:o s:o}", "item", item->code, "lot", code,
                                      "expiry", core__jstr(st, 1), "donor", core__jstr(st, 3)),
                            same_donor ? "lot '%s' of '%s' is already recorded with expiry %s: "
                                         "give this donation its own lot code"
                                       : N_("lot '%s' of '%s' is already recorded with donor "
                                            "%s: give this donation its own lot code"),
                            code, item->code,
                            same_donor ? (have ? have : _("(none)"))
                                       : (const char *)sqlite3_column_text(st, 3));
            core__reset(st);
            return rc;
        }
        core__reset(st);
        return 0;
    }
    char now[21];
    core__now_iso(s, now);
    if ((rc = core__run(s, ST_LOT_INSERT, "IttIt", item->id, code, expiry, donor_id, now)))
        return rc;
    *lot_id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

static int
s_receive_units(core_store_t *s, const struct core_receive *r, const struct core__item *item,
                const struct core__place *at, int64_t lot_id, const struct core__move_ctx *ctx)
{
    for (size_t i = 0; i < r->nserials; i++) {
        int rc = core__run(s, ST_UNIT_INSERT, "ItII", item->id, r->serials[i], lot_id, at->id);
        if (rc == AYNI_ECONFLICT)
            return core__fail(s, AYNI_EEXISTS,
                              json_pack("{ssss}", "item", item->code, "serial", r->serials[i]),
                              "'%s' serial '%s' is already recorded: a unit is received once",
                              item->code, r->serials[i]);
        if (rc)
            return rc;
        struct core__pick p = {lot_id, sqlite3_last_insert_rowid(s->db), 1};
        if ((rc = core__move(s, ctx, 0, at->id, item->id, &p)))
            return rc;
    }
    return 0;
}

static int
s_receive(core_store_t *s, const struct core_receive *r, const struct core__item *item,
          const struct core__place *at, int64_t donor_id, json_t **result)
{
    int64_t next, lot_id;
    char code[32], now[21];
    int rc = core__scalar(s, &next, ST_RECEIPT_NEXT, "");
    if (rc)
        return rc;
    time_t t = core_store_now(s);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(code, sizeof code, "REC-%04d-%06lld", tm.tm_year + 1900, (long long)next);
    const char *lot = r->lot ? r->lot : code;
    long qty = item->serial ? (long)r->nserials : r->qty;
    if ((rc = s_receive_lot(s, item, lot, r->expiry, donor_id, &lot_id)))
        return rc;
    core__now_iso(s, now);
    if ((rc = core__run(s, ST_RECEIPT_INSERT, "tIIIIltt", code, at->id, donor_id, item->id, lot_id,
                        qty, s->actor, now)))
        return rc;
    struct core__move_ctx ctx = {.kind = "receive", .receipt_id = sqlite3_last_insert_rowid(s->db),
                                 .note = r->note};
    if (item->serial)
        rc = s_receive_units(s, r, item, at, lot_id, &ctx);
    else
        rc = core__move(s, &ctx, 0, at->id, item->id, &(struct core__pick){lot_id, 0, qty});
    if (rc)
        return rc;
    json_t *res = json_pack("{ss ss ss ss s:o ss sI ss}", "receipt", code, "location", at->code,
                            "item", item->code, "lot", lot, "expiry",
                            r->expiry ? json_string(r->expiry) : json_null(), "donor", r->donor,
                            "qty", (json_int_t)qty, "unit", item->unit);
    if (item->serial) {
        json_t *serials = json_array();
        for (size_t i = 0; i < r->nserials; i++)
            json_array_append_new(serials, json_string(r->serials[i]));
        json_object_set_new(res, "serials", serials);
    }
    if (r->note)
        json_object_set_new(res, "note", json_string(r->note));
    if ((rc = core__event(s, "stock.received", json_deep_copy(res)))) {
        json_decref(res);
        return rc;
    }
    *result = res;
    return 0;
}

int
core_stock_receive(core_store_t *s, const struct core_receive *r, json_t **result)
{
    core__clear_error(s);
    struct core__item item;
    struct core__place at;
    int64_t donor_id;
    int rc;
    if ((rc = core__place(s, "at", r->at, "warehouse", &at)) ||
        (rc = core__donor(s, "donor", r->donor, &donor_id)) ||
        (rc = core__item(s, "item", r->item, &item)) || (rc = s_receive_check(s, r, &item)))
        return rc;
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_receive(s, r, &item, &at, donor_id, &res);
    return core__finish(s, rc, res, result);
}

/* ---- transfer and adjust ---- */

/* Move every pick from one place to another, and describe what moved. */
static int
s_move_all(core_store_t *s, const struct core__move_ctx *ctx, int64_t from, int64_t to,
           const struct core__item *item, const struct core__picks *picks, long *moved)
{
    *moved = 0;
    for (size_t i = 0; i < picks->n; i++) {
        int rc = core__move(s, ctx, from, to, item->id, &picks->v[i]);
        if (rc)
            return rc;
        *moved += picks->v[i].qty;
    }
    return 0;
}

static int
s_transfer(core_store_t *s, const struct core__place *from, const struct core__place *to,
           const struct core__item *item, const struct core_take *take, const char *note,
           json_t **res)
{
    struct core__picks picks = {0};
    struct core__move_ctx ctx = {.kind = "transfer", .note = note};
    long moved;
    int rc = core__pick(s, from, item, take, true, false, &picks);
    if (rc == 0)
        rc = s_move_all(s, &ctx, from->id, to->id, item, &picks, &moved);
    if (rc == 0) {
        *res = json_pack("{ss ss ss sI ss s:o}", "from", from->code, "to", to->code, "item",
                         item->code, "qty", (json_int_t)moved, "unit", item->unit, "lots",
                         core__picks_json(s, &picks));
        if (note)
            json_object_set_new(*res, "note", json_string(note));
        rc = core__event(s, "stock.transferred", json_deep_copy(*res));
    }
    if (rc == 0)
        rc = core__check_low(s, from, item, moved);
    core__picks_free(&picks);
    return rc;
}

int
core_stock_transfer(core_store_t *s, const char *from, const char *to,
                    const struct core_take *take, const char *note, json_t **result)
{
    core__clear_error(s);
    struct core__place pfrom, pto;
    struct core__item item;
    int rc;
    if ((rc = core__place(s, "from", from, "warehouse", &pfrom)) ||
        (rc = core__place(s, "to", to, "warehouse", &pto)) ||
        (rc = core__item(s, "item", take->item, &item)) ||
        (rc = core__check_text(s, "note", note, false, S_NOTE_MAX)))
        return rc;
    if (take->qty < 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "qty"),
                          "a transfer moves a positive quantity, not %ld", take->qty);
    if (pfrom.id == pto.id)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "to"),
                          "a transfer goes to another warehouse: 'from' and 'to' are both '%s'",
                          from);
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_transfer(s, &pfrom, &pto, &item, take, note, &res);
    return core__finish(s, rc, res, result);
}

/* Stock found in a count: a named lot's quantity enters, or serial units come back
 * from loss. */
static int
s_found(core_store_t *s, const struct core__place *at, const struct core__place *loss,
        const struct core__item *item, const struct core_take *take, struct core__picks *picks,
        int64_t *from)
{
    if (item->serial) {
        *from = loss->id;
        return core__pick(s, loss, item, take, false, true, picks);
    }
    int rc = core__check_lot_code(s, "lot", take->lot);
    if (rc)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "lot"),
                          "name the lot of the '%s' found in the count", item->code);
    if ((rc = core__check_qty(s, "qty", take->qty)))
        return rc;
    sqlite3_stmt *st = core__query(s, ST_LOT_BY_CODE, "It", item->id, take->lot);
    if ((rc = core__step(s, st)) < 0)
        return rc;
    if (rc == 0)
        return core__fail(s, AYNI_ENOTFOUND, json_pack("{ssss}", "field", "lot", "lot", take->lot),
                          "unknown lot '%s' of '%s': stock of a new lot is received, not "
                          "adjusted", take->lot, item->code);
    core__picks_push(picks, sqlite3_column_int64(st, 0), 0, take->qty);
    core__reset(st);
    *from = 0;
    (void)at;
    return 0;
}

static int
s_adjust(core_store_t *s, const struct core__place *at, const struct core__item *item,
         const struct core_take *take, const char *reason, const char *note, json_t **res)
{
    struct core__place loss;
    struct core__picks picks = {0};
    struct core__move_ctx ctx = {.kind = "adjust", .reason = reason, .note = note};
    int64_t from = at->id, to;
    long moved = 0;
    int rc = core__place(s, "loss", "LOSS", "loss", &loss);
    if (rc)
        return rc;
    if (take->qty > 0) {
        to = at->id;
        rc = s_found(s, at, &loss, item, take, &picks, &from);
    } else {
        to = loss.id;
        rc = core__pick(s, at, item, take, false, true, &picks);
    }
    if (rc == 0)
        rc = s_move_all(s, &ctx, from, to, item, &picks, &moved);
    if (rc == 0) {
        long signed_qty = take->qty > 0 ? moved : -moved;
        *res = json_pack("{ss ss sI ss ss s:o}", "location", at->code, "item", item->code, "qty",
                         (json_int_t)signed_qty, "unit", item->unit, "reason", reason, "lots",
                         core__picks_json(s, &picks));
        if (note)
            json_object_set_new(*res, "note", json_string(note));
        rc = core__event(s, "stock.adjusted", json_deep_copy(*res));
    }
    if (rc == 0 && take->qty < 0)
        rc = core__check_low(s, at, item, moved);
    core__picks_free(&picks);
    return rc;
}

int
core_stock_adjust(core_store_t *s, const char *at, const struct core_take *take,
                  const char *reason, const char *note, json_t **result)
{
    static const char *const reasons[] = {"damaged", "expired", "lost", "count", NULL};
    core__clear_error(s);
    struct core__place place;
    struct core__item item;
    int rc;
    if ((rc = core__place(s, "at", at, "warehouse", &place)) ||
        (rc = core__item(s, "item", take->item, &item)) ||
        (rc = core__check_text(s, "note", note, false, S_NOTE_MAX)))
        return rc;
    if (!s_one_of(reason, reasons))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "reason"),
                          "reason must be damaged, expired, lost or count");
    if (take->qty == 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "qty"),
                          "give a quantity: negative for stock lost (e.g. -5), positive for "
                          "stock found in a count");
    if (take->qty > 0 && strcmp(reason, "count") != 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "qty"),
                          "only a count (reason 'count') can add stock; for '%s' give a negative "
                          "quantity", reason);
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_adjust(s, &place, &item, take, reason, note, &res);
    return core__finish(s, rc, res, result);
}

/* ---- levels ---- */

static void
s_date_plus(const char today[11], int days, char out[11])
{
    struct tm tm = {0};
    sscanf(today, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_mday += days;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    mktime(&tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static json_t *
s_level_row(core_store_t *s, sqlite3_stmt *st, const char *today)
{
    const char *expiry = (const char *)sqlite3_column_text(st, 8);
    json_t *row = json_pack(
        "{s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:I s:b}", "location", core__jstr(st, 0),
        "location_kind", core__jstr(st, 1), "location_name", core__jstr(st, 2), "item",
        core__jstr(st, 3), "item_name", core__jstr(st, 4), "unit", core__jstr(st, 5), "tracking",
        core__jstr(st, 6), "lot", core__jstr(st, 7), "expiry", core__jstr(st, 8), "donor",
        core__jstr(st, 9), "qty", (json_int_t)sqlite3_column_int64(st, 10), "expired",
        expiry && strcmp(expiry, today) < 0);
    if (strcmp((const char *)sqlite3_column_text(st, 6), "serial") == 0) {
        json_t *serials = json_array();
        sqlite3_stmt *u = core__query(s, ST_UNITS_AT, "II", sqlite3_column_int64(st, 11),
                                      sqlite3_column_int64(st, 12));
        while (core__step(s, u) == 1)
            json_array_append_new(serials, core__jstr(u, 0));
        json_object_set_new(row, "serials", serials);
    }
    return row;
}

static int
s_levels_check(core_store_t *s, const struct core_stock_query *q)
{
    struct core__place place;
    struct core__item item;
    int rc;
    if (q->at && (rc = core__place(s, "at", q->at, NULL, &place)))
        return rc;
    if (q->item && (rc = core__item(s, "item", q->item, &item)))
        return rc;
    if (q->lot && (rc = core__check_lot_code(s, "lot", q->lot)))
        return rc;
    if (q->expiring_days > 3650)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "expiring"),
                          "expiring must be a number of days from 0 to 3650");
    return 0;
}

int
core_stock_levels(core_store_t *s, const struct core_stock_query *q, json_t **result)
{
    core__clear_error(s);
    int rc = s_levels_check(s, q);
    if (rc)
        return rc;
    char today[11], limit[11];
    core_store_today(s, today);
    json_t *list = json_array();
    sqlite3_stmt *st;
    if (q->low) {
        st = core__query(s, ST_LEVELS_LOW, "tt", q->at, q->item);
        while ((rc = core__step(s, st)) == 1)
            json_array_append_new(
                list, json_pack("{s:o s:o s:o s:o s:o s:I s:I}", "location", core__jstr(st, 0),
                                "location_name", core__jstr(st, 1), "item", core__jstr(st, 2),
                                "item_name", core__jstr(st, 3), "unit", core__jstr(st, 4),
                                "threshold", (json_int_t)sqlite3_column_int64(st, 5), "qty",
                                (json_int_t)sqlite3_column_int64(st, 6)));
    } else {
        if (q->expiring_days >= 0)
            s_date_plus(today, q->expiring_days, limit);
        st = core__query(s, ST_LEVELS, "tttt", q->at, q->item, q->lot,
                         q->expiring_days >= 0 ? limit : NULL);
        while ((rc = core__step(s, st)) == 1)
            json_array_append_new(list, s_level_row(s, st, today));
    }
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *result = list;
    return 0;
}
