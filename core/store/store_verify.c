/* store_verify.c: `ledger verify`: does the database still tell one consistent story?
 *
 * Balances equal the sum of movements; no balance is negative; every serial unit is in
 * exactly one place, the place its last movement took it, and each of its movements
 * starts where the previous one ended; nothing is left in transit for a shipment that
 * is closed; the event hash chain is intact.  Reads only.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

typedef json_t *(*s_problem_fn)(sqlite3_stmt *st);

static json_t *
s_balance(sqlite3_stmt *st)
{
    return json_pack("{ss s:o s:o s:o sI sI ss}", "check", "balance", "location",
                     core__jstr(st, 0), "item", core__jstr(st, 1), "lot", core__jstr(st, 2),
                     "balance", (json_int_t)sqlite3_column_int64(st, 3), "movements",
                     (json_int_t)sqlite3_column_int64(st, 4), "message",
                     _("balance differs from the sum of movements"));
}

static json_t *
s_negative(sqlite3_stmt *st)
{
    return json_pack("{ss s:o s:o s:o sI ss}", "check", "negative", "location", core__jstr(st, 0),
                     "item", core__jstr(st, 1), "lot", core__jstr(st, 2), "balance",
                     (json_int_t)sqlite3_column_int64(st, 3), "message", _("balance is negative"));
}

static json_t *
s_unit_count(sqlite3_stmt *st)
{
    return json_pack("{ss s:o s:o s:o sI sI ss}", "check", "serial_count", "location",
                     core__jstr(st, 0), "item", core__jstr(st, 1), "lot", core__jstr(st, 2),
                     "balance", (json_int_t)sqlite3_column_int64(st, 3), "units",
                     (json_int_t)sqlite3_column_int64(st, 4), "message",
                     _("balance differs from the serial units recorded there"));
}

static json_t *
s_unit_place(sqlite3_stmt *st)
{
    return json_pack("{ss s:o s:o s:o s:o ss}", "check", "serial_place", "item",
                     core__jstr(st, 0), "serial", core__jstr(st, 1), "location",
                     core__jstr(st, 2), "last_movement_to", core__jstr(st, 3), "message",
                     _("serial unit is not where its last movement took it"));
}

static json_t *
s_unit_chain(sqlite3_stmt *st)
{
    return json_pack("{ss sI s:o s:o ss}", "check", "serial_chain", "movement",
                     (json_int_t)sqlite3_column_int64(st, 0), "item", core__jstr(st, 1), "serial",
                     core__jstr(st, 2), "message",
                     _("movement of a serial unit does not start where the previous one ended"));
}

static json_t *
s_transit(sqlite3_stmt *st)
{
    return json_pack("{ss s:o s:o sI ss}", "check", "transit", "shipment", core__jstr(st, 0),
                     "state", core__jstr(st, 1), "qty", (json_int_t)sqlite3_column_int64(st, 2),
                     "message",
                     _("stock is left in transit for a shipment that is not on its way"));
}

/* SQLite's own check of the file's pages and indexes. */
static int
s_quick_check(core_store_t *s, json_t *problems)
{
    sqlite3_stmt *st = core__query(s, ST_V_QUICK_CHECK, "");
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        const char *msg = (const char *)sqlite3_column_text(st, 0);
        if (msg && strcmp(msg, "ok") != 0)
            json_array_append_new(problems, json_pack("{ss ss}", "check", "file", "message", msg));
    }
    return rc;
}

static int
s_collect(core_store_t *s, enum core_stmt id, s_problem_fn fn, json_t *problems)
{
    sqlite3_stmt *st = core__query(s, id, "");
    int rc;
    while ((rc = core__step(s, st)) == 1)
        json_array_append_new(problems, fn(st));
    return rc;
}

static int
s_counts(core_store_t *s, json_t **checked)
{
    sqlite3_stmt *st = core__query(s, ST_V_COUNTS, "");
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : core__fail(s, AYNI_EINTERNAL, NULL, "cannot count the ledger");
    *checked = json_pack("{sI sI sI sI sI}", "movements", (json_int_t)sqlite3_column_int64(st, 0),
                         "balances", (json_int_t)sqlite3_column_int64(st, 1), "units",
                         (json_int_t)sqlite3_column_int64(st, 2), "events",
                         (json_int_t)sqlite3_column_int64(st, 3), "deliveries",
                         (json_int_t)sqlite3_column_int64(st, 4));
    core__reset(st);
    return 0;
}

int
core_ledger_verify(core_store_t *s, json_t **result)
{
    static const struct {
        enum core_stmt id;
        s_problem_fn fn;
    } checks[] = {
        {ST_V_BALANCES, s_balance},     {ST_V_NEGATIVE, s_negative},
        {ST_V_UNIT_COUNTS, s_unit_count}, {ST_V_UNIT_PLACE, s_unit_place},
        {ST_V_UNIT_CHAIN, s_unit_chain}, {ST_V_TRANSIT, s_transit},
    };
    core__clear_error(s);
    json_t *problems = json_array(), *checked = NULL;
    int64_t events, head_seq;
    char head[65];
    /* One read transaction (deferred: verify never blocks writers), so that every check
     * sees the same ledger. */
    bool own = sqlite3_get_autocommit(s->db);
    int rc = own ? sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) : SQLITE_OK;
    rc = rc == SQLITE_OK ? s_quick_check(s, problems) : core__dberr(s, rc, N_("start reading"));
    for (size_t i = 0; rc == 0 && i < sizeof checks / sizeof checks[0]; i++)
        rc = s_collect(s, checks[i].id, checks[i].fn, problems);
    if (rc == 0)
        rc = core__verify_chain(s, problems, &events);
    if (rc == 0)
        rc = core_events_head(s, &head_seq, head);
    if (rc == 0)
        rc = s_counts(s, &checked);
    if (own)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL); /* read only */
    if (rc) {
        json_decref(problems);
        json_decref(checked);
        return rc;
    }
    *result = json_pack("{sb so so s{sI ss}}", "ok", json_array_size(problems) == 0, "problems",
                        problems, "checked", checked, "head", "seq", (json_int_t)head_seq, "hash",
                        head);
    return 0;
}
