/* store_shipment.c: shipments from a warehouse to a community.
 *
 * draft (lines added, stock picked and reserved) -> dispatched (everything moves to the
 * shipment's own transit location in one transaction, packages numbered) -> partial /
 * delivered (store_delivery.c), or cancelled (what is in transit goes back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "store_int.h"
#include "words.h"

#define S_PACKAGES_MAX 9999

/* A shipment's state as said after "shipment 'X' is", in the message's language. */
static const char *
s_state_words(const char *state)
{
    if (!strcmp(state, "draft"))
        return C_("shipment 'X' is", "draft");
    if (!strcmp(state, "dispatched"))
        return C_("shipment 'X' is", "dispatched");
    if (!strcmp(state, "partial"))
        return C_("shipment 'X' is", "partial");
    if (!strcmp(state, "delivered"))
        return C_("shipment 'X' is", "delivered");
    if (!strcmp(state, "cancelled"))
        return C_("shipment 'X' is", "cancelled");
    return state;
}

/* doing: why not, marked with N_() (translated here). */
static int
s_wrong_state(core_store_t *s, const struct core__shipment *sh, const char *doing)
{
    return core__fail(s, AYNI_ESTATE,
                      json_pack("{ssss}", "shipment", sh->code, "state", sh->state),
                      "shipment '%s' is %s: %s", sh->code, s_state_words(sh->state), _(doing));
}

/* ---- create ---- */

static int
s_create(core_store_t *s, const struct core_shipment_new *n, const struct core__place *from,
         const struct core__place *to, json_t **res)
{
    int64_t next;
    char code[32], transit[48], name[64], now[21];
    int rc = core__scalar(s, &next, ST_SHIP_NEXT, "");
    if (rc)
        return rc;
    time_t t = core_store_now(s);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(code, sizeof code, "ENV-%04d-%06lld", tm.tm_year + 1900, (long long)next);
    snprintf(transit, sizeof transit, "TRANSIT-%s", code);
    snprintf(name, sizeof name, "En tránsito %s", code);
    core__now_iso(s, now);
    if ((rc = core__run(s, ST_LOC_INSERT_TRANSIT, "ttt", transit, name, now)))
        return rc;
    int64_t transit_id = sqlite3_last_insert_rowid(s->db);
    if ((rc = core__run(s, ST_SHIP_INSERT, "tIIItttt", code, from->id, to->id, transit_id, n->team,
                        n->vehicle, now, s->actor)))
        return rc;
    *res = json_pack("{ss ss ss s:o s:o s:o ss}", "code", code, "state", "draft", "from",
                     from->code, "to", core__place_json(s, to->id), "team",
                     n->team ? json_string(n->team) : json_null(), "vehicle",
                     n->vehicle ? json_string(n->vehicle) : json_null(), "created_at", now);
    return core__event(s, "shipment.created", json_pack("{sssO}", "shipment", code, "detail", *res));
}

int
core_shipment_create(core_store_t *s, const struct core_shipment_new *n, json_t **result)
{
    core__clear_error(s);
    struct core__place from, to;
    int rc;
    if ((rc = core__place(s, "from", n->from, "warehouse", &from)) ||
        (rc = core__place(s, "to", n->to, "community", &to)) ||
        (rc = core__check_text(s, "team", n->team, false, 100)) ||
        (rc = core__check_text(s, "vehicle", n->vehicle, false, 100)))
        return rc;
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_create(s, n, &from, &to, &res);
    return core__finish(s, rc, res, result);
}

/* ---- lines ---- */

static int
s_insert_line(core_store_t *s, const struct core__shipment *sh, const struct core__item *item,
              const struct core__picks *picks, long qty, int packages, int64_t *line_no)
{
    sqlite3_stmt *st = core__query(s, ST_LINE_NEXT, "I", sh->id);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : core__fail(s, AYNI_EINTERNAL, NULL, "cannot number the line");
    *line_no = sqlite3_column_int64(st, 0);
    int64_t first = sqlite3_column_int64(st, 1);
    core__reset(st);
    if (first - 1 + packages > S_PACKAGES_MAX)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "packages"),
                          "a shipment holds at most %d packages", S_PACKAGES_MAX);
    if ((rc = core__run(s, ST_LINE_INSERT, "IIIlii", sh->id, *line_no, item->id, qty, packages,
                        (int)first)))
        return rc;
    int64_t line_id = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; rc == 0 && i < picks->n; i++)
        rc = core__run(s, ST_PICK_INSERT, "IINl", line_id, picks->v[i].lot_id,
                       picks->v[i].unit_id, picks->v[i].qty);
    return rc;
}

static int
s_add_line(core_store_t *s, const struct core__shipment *sh, const struct core__item *item,
           const struct core_take *take, int packages, json_t **res)
{
    struct core__place from;
    struct core__picks picks = {0};
    int64_t line_no = 0;
    long qty = 0;
    char amount[80];
    int rc = core__place_by_id(s, sh->from, &from);
    if (rc == 0)
        rc = core__pick(s, &from, item, take, true, false, &picks);
    for (size_t i = 0; i < picks.n; i++)
        qty += picks.v[i].qty;
    if (rc == 0 && packages > qty)
        rc = core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "packages"),
                        "%d packages for %s: a package holds at least one", packages,
                        ayni_quantity(qty, item->unit, amount, sizeof amount));
    if (rc == 0)
        rc = s_insert_line(s, sh, item, &picks, qty, packages, &line_no);
    if (rc == 0) {
        *res = json_pack("{ss sI ss sI ss si s:o}", "shipment", sh->code, "line",
                         (json_int_t)line_no, "item", item->code, "qty", (json_int_t)qty, "unit",
                         item->unit, "packages", packages, "lots", core__picks_json(s, &picks));
        rc = core__event(s, "shipment.line_added", json_deep_copy(*res));
    }
    core__picks_free(&picks);
    return rc;
}

int
core_shipment_add_line(core_store_t *s, const char *code, const struct core_take *take,
                       int packages, json_t **result)
{
    core__clear_error(s);
    struct core__shipment sh;
    struct core__item item;
    int rc;
    if ((rc = core__shipment(s, code, &sh)) || (rc = core__item(s, "item", take->item, &item)))
        return rc;
    if (strcmp(sh.state, "draft") != 0)
        return s_wrong_state(s, &sh, N_("lines are added only to a draft shipment"));
    if (take->qty < 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "qty"),
                          "a shipment line holds a positive quantity, not %ld", take->qty);
    if (packages < 1 || packages > S_PACKAGES_MAX)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "packages"),
                          "packages must be from 1 to %d", S_PACKAGES_MAX);
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_add_line(s, &sh, &item, take, packages, &res);
    return core__finish(s, rc, res, result);
}

/* ---- dispatch ---- */

static int
s_dispatch_moves(core_store_t *s, const struct core__shipment *sh, long *total)
{
    char today[11];
    core_store_today(s, today);
    struct core__move_ctx ctx = {.kind = "dispatch", .shipment_id = sh->id};
    sqlite3_stmt *st = core__query(s, ST_SHIP_PICKS, "I", sh->id);
    int rc;
    *total = 0;
    while ((rc = core__step(s, st)) == 1) {
        int line = sqlite3_column_int(st, 0);
        int64_t item_id = sqlite3_column_int64(st, 1);
        struct core__pick p = {sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                               (long)sqlite3_column_int64(st, 4)};
        const char *expiry = (const char *)sqlite3_column_text(st, 5);
        char lot[65], item[41];
        snprintf(lot, sizeof lot, "%s", sqlite3_column_text(st, 6));
        snprintf(item, sizeof item, "%s", sqlite3_column_text(st, 7));
        if (expiry && strcmp(expiry, today) < 0) {
            rc = core__fail(s, AYNI_EEXPIRED,
                            json_pack("{sisssssss}", "line", line, "item", item, "lot", lot,
                                      "expiry", expiry, "shipment", sh->code),
                            "line %d: lot '%s' of '%s' expired on %s and cannot be dispatched: "
                            "cancel this shipment and pack it again",
                            line, lot, item, expiry);
            core__reset(st);
            return rc;
        }
        /* Reading SHIP_PICKS while moving: each move touches other tables only. */
        if ((rc = core__move(s, &ctx, sh->from, sh->transit, item_id, &p))) {
            core__reset(st);
            if (rc == AYNI_ESTOCK)
                rc = core__fail(s, AYNI_ESTOCK,
                                json_pack("{sissss}", "line", line, "item", item, "lot", lot),
                                "line %d: '%s' lot '%s' is no longer in the warehouse in the "
                                "quantity packed: cancel this shipment and pack it again",
                                line, item, lot);
            return rc;
        }
        *total += p.qty;
    }
    return rc;
}

/* Number the packages: each line's quantity is split as evenly as it goes. */
static int
s_number_packages(core_store_t *s, const struct core__shipment *sh, int *count)
{
    sqlite3_stmt *st = core__query(s, ST_SHIP_LINES, "I", sh->id);
    int rc;
    *count = 0;
    while ((rc = core__step(s, st)) == 1) {
        int64_t line_id = sqlite3_column_int64(st, 0);
        long qty = (long)sqlite3_column_int64(st, 7);
        int packages = sqlite3_column_int(st, 8), first = sqlite3_column_int(st, 9);
        for (int k = 0; k < packages; k++) {
            long q = qty / packages + (k < qty % packages);
            if ((rc = core__run(s, ST_PKG_INSERT, "IiIl", sh->id, first + k, line_id, q))) {
                core__reset(st);
                return rc;
            }
        }
        *count += packages;
    }
    return rc;
}

/* stock.low for every item of the shipment that fell below its threshold. */
static int
s_dispatch_low(core_store_t *s, const struct core__shipment *sh)
{
    struct core__place from;
    json_t *lines;
    int rc = core__place_by_id(s, sh->from, &from);
    if (rc || (rc = core_shipment_get(s, sh->code, &lines)))
        return rc;
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(lines, "lines"), i, line) {
        struct core__item item;
        const char *code = json_string_value(json_object_get(line, "item"));
        if ((rc = core__item(s, "item", code, &item)) ||
            (rc = core__check_low(s, &from, &item,
                                  (long)json_integer_value(json_object_get(line, "qty")))))
            break;
    }
    json_decref(lines);
    return rc;
}

static int
s_dispatch(core_store_t *s, const struct core__shipment *sh, json_t **res)
{
    char now[21];
    long total;
    int count;
    int rc = s_dispatch_moves(s, sh, &total);
    if (rc == 0 && total == 0)
        rc = core__fail(s, AYNI_EINVAL, json_pack("{ss}", "shipment", sh->code),
                        "shipment '%s' has no lines: add them with 'shipment add'", sh->code);
    if (rc || (rc = s_number_packages(s, sh, &count)))
        return rc;
    core__now_iso(s, now);
    if ((rc = core__run(s, ST_SHIP_SET_STATE, "Itittt", sh->id, "dispatched", count, now, NULL,
                        NULL)) ||
        (rc = core_shipment_get(s, sh->code, res)))
        return rc;
    if ((rc = core__event(s, "shipment.dispatched",
                          json_pack("{ss sO}", "shipment", sh->code, "detail", *res))))
        return rc;
    return s_dispatch_low(s, sh);
}

int
core_shipment_dispatch(core_store_t *s, const char *code, json_t **result)
{
    core__clear_error(s);
    struct core__shipment sh;
    int rc = core__shipment(s, code, &sh);
    if (rc)
        return rc;
    if (strcmp(sh.state, "draft") != 0)
        return s_wrong_state(s, &sh, N_("only a draft shipment can be dispatched"));
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_dispatch(s, &sh, &res);
    return core__finish(s, rc, res, result);
}

/* ---- cancel ---- */

/* One piece of stock in transit: a pick and the item it is of. */
struct s_held {
    int64_t item;
    struct core__pick pick;
};

static void
s_hold(struct s_held **v, size_t *n, int64_t item, int64_t lot, int64_t unit, long qty)
{
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = (struct s_held){item, {lot, unit, qty}};
}

/* Everything in the shipment's transit place: lots by quantity, serial units one by one.
 * Collected first, because moving it changes the rows being read. */
static int
s_in_transit(core_store_t *s, const struct core__shipment *sh, struct s_held **v, size_t *n)
{
    sqlite3_stmt *st = core__query(s, ST_TRANSIT_LOTS, "I", sh->transit);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        int64_t item = sqlite3_column_int64(st, 0), lot = sqlite3_column_int64(st, 1);
        if (strcmp((const char *)sqlite3_column_text(st, 3), "serial") != 0) {
            s_hold(v, n, item, lot, 0, (long)sqlite3_column_int64(st, 2));
            continue;
        }
        sqlite3_stmt *u = core__query(s, ST_TRANSIT_UNITS, "II", sh->transit, lot);
        while ((rc = core__step(s, u)) == 1)
            s_hold(v, n, item, lot, sqlite3_column_int64(u, 0), 1);
        if (rc < 0) {
            core__reset(st);
            return rc;
        }
    }
    return rc;
}

/* Send back to the origin warehouse everything still in the shipment's transit place. */
static int
s_return_transit(core_store_t *s, const struct core__shipment *sh, long *returned)
{
    struct core__move_ctx ctx = {.kind = "cancel", .shipment_id = sh->id, .reason = "cancelled"};
    struct s_held *held = NULL;
    size_t n = 0;
    int rc = s_in_transit(s, sh, &held, &n);
    *returned = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = core__move(s, &ctx, sh->transit, sh->from, held[i].item, &held[i].pick);
        *returned += held[i].pick.qty;
    }
    free(held);
    return rc;
}

static int
s_cancel(core_store_t *s, const struct core__shipment *sh, const char *reason, json_t **res)
{
    char now[21];
    long returned = 0;
    int rc = 0;
    if (strcmp(sh->state, "draft") != 0)
        rc = s_return_transit(s, sh, &returned);
    core__now_iso(s, now);
    if (rc || (rc = core__run(s, ST_SHIP_SET_STATE, "ItNttt", sh->id, "cancelled", (int64_t)0,
                              NULL, now, reason)))
        return rc;
    *res = json_pack("{ss ss ss sI}", "shipment", sh->code, "state", "cancelled", "reason", reason,
                     "returned", (json_int_t)returned);
    return core__event(s, "shipment.cancelled", json_deep_copy(*res));
}

int
core_shipment_cancel(core_store_t *s, const char *code, const char *reason, json_t **result)
{
    core__clear_error(s);
    struct core__shipment sh;
    int rc;
    if ((rc = core__shipment(s, code, &sh)) ||
        (rc = core__check_text(s, "reason", reason, true, 500)))
        return rc;
    if (!strcmp(sh.state, "delivered") || !strcmp(sh.state, "cancelled"))
        return s_wrong_state(s, &sh, N_("it can no longer be cancelled"));
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_cancel(s, &sh, reason, &res);
    return core__finish(s, rc, res, result);
}
