/* storefix.c: the store tests' fixture (see storefix.h).  Test-only code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define SF_NOW 1795348800 /* 2026-11-22T12:00:00Z */

static void
s_ok(core_store_t *s, int rc, json_t *res)
{
    if (rc != 0)
        fail_msg("store action failed: %s: %s", ayni_err_code(rc), core_store_errmsg(s));
    json_decref(res);
}

int
sf_setup_empty(void **state)
{
    struct storefix *f = xcalloc(1, sizeof *f);
    char err[256];
    f->dir = tu_tmpdir();
    f->path = tu_path(f->dir, "ayni.db");
    if (core_store_open(&f->store, f->path, err, sizeof err) != 0)
        fail_msg("cannot open store: %s", err);
    core_store_set_now(f->store, SF_NOW);
    *state = f;
    return 0;
}

int
sf_setup(void **state)
{
    sf_setup_empty(state);
    core_store_t *s = ((struct storefix *)*state)->store;
    json_t *r = NULL;
    struct core_location locs[] = {
        {"ALM-LIMA-SJL", "warehouse", "Almacén San Juan de Lurigancho", "Lima", "San Juan de Lurigancho"},
        {"ALM-PTO-MALDONADO", "warehouse", "Almacén Puerto Maldonado", "Madre de Dios", "Tambopata"},
        {"COM-SANTA-ROSA", "community", "Comunidad Santa Rosa", "Huánuco", "Amarilis"},
        {"COM-CAJAMARCA-82015", "community", "I.E. Nº 82015 Las Niñas", "Cajamarca", "Cajamarca"},
    };
    for (size_t i = 0; i < sizeof locs / sizeof locs[0]; i++, r = NULL) {
        int rc = core_location_add(s, &locs[i], &r); /* r is set before s_ok reads it */
        s_ok(s, rc, r);
    }
    struct core_donor donors[] = {{"CARE-PE", "CARE Perú"}, {"AECID", "AECID"}};
    for (size_t i = 0; i < 2; i++, r = NULL) {
        int rc = core_donor_add(s, &donors[i], &r);
        s_ok(s, rc, r);
    }
    struct core_item items[] = {
        {"HYGIENE-KIT", "Kit de higiene", "Hygiene kit", "kit", "lot", false, 10},
        {"FOOD-KIT", "Kit de alimentos", "Food kit", "kit", "lot", true, 0},
        {"TABLET", "Tableta", "Tablet", "unidad", "serial", false, 0},
    };
    for (size_t i = 0; i < 3; i++, r = NULL) {
        int rc = core_item_add(s, &items[i], &r);
        s_ok(s, rc, r);
    }
    return 0;
}

int
sf_teardown(void **state)
{
    struct storefix *f = *state;
    core_store_destroy(&f->store);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
    return 0;
}

void
sf_receive(core_store_t *s, const char *at, const char *donor, const char *item, const char *lot,
           const char *expiry, long qty)
{
    json_t *r = NULL;
    struct core_receive rcv = {.at = at, .donor = donor, .item = item, .lot = lot,
                               .expiry = expiry, .qty = qty};
    int rc = core_stock_receive(s, &rcv, &r);
    s_ok(s, rc, r);
}

void
sf_receive_serials(core_store_t *s, const char *at, const char *item, const char *prefix, int n)
{
    char **serials = xcalloc((size_t)n, sizeof *serials);
    for (int i = 0; i < n; i++)
        serials[i] = xasprintf("%s-%04d", prefix, i + 1);
    json_t *r = NULL;
    struct core_receive rcv = {.at = at, .donor = "AECID", .item = item,
                               .serials = (const char *const *)serials, .nserials = (size_t)n};
    int rc = core_stock_receive(s, &rcv, &r);
    s_ok(s, rc, r);
    for (int i = 0; i < n; i++)
        free(serials[i]);
    free(serials);
}

long
sf_qty(core_store_t *s, const char *at, const char *item, const char *lot)
{
    json_t *rows = NULL;
    struct core_stock_query q = {.at = at, .item = item, .lot = lot, .expiring_days = -1};
    int rc = core_stock_levels(s, &q, &rows);
    if (rc)
        fail_msg("stock levels: %s", core_store_errmsg(s));
    long total = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) total += (long)json_integer_value(json_object_get(row, "qty"));
    json_decref(rows);
    return total;
}

void
sf_verify_ok(core_store_t *s)
{
    json_t *r = NULL;
    int rc = core_ledger_verify(s, &r);
    if (rc)
        fail_msg("ledger verify could not run: %s", core_store_errmsg(s));
    if (!json_is_true(json_object_get(r, "ok"))) {
        char *text = json_dumps(json_object_get(r, "problems"), JSON_INDENT(1));
        fail_msg("ledger verify found problems: %s", text);
    }
    json_decref(r);
}

long
sf_events(core_store_t *s)
{
    int64_t seq;
    char hash[65];
    assert_int_equal(core_events_head(s, &seq, hash), 0);
    return (long)seq;
}

char *
sf_shipment(core_store_t *s, const char *to)
{
    json_t *r = NULL;
    struct core_shipment_new n = {.from = "ALM-LIMA-SJL", .to = to, .team = "Equipo 1",
                                  .vehicle = "ABC-123"};
    int rc = core_shipment_create(s, &n, &r);
    if (rc)
        fail_msg("shipment create: %s", core_store_errmsg(s));
    char *code = xstrdup(json_string_value(json_object_get(r, "code")));
    json_decref(r);
    return code;
}
