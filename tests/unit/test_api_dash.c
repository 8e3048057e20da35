/* test_api_dash.c: the dashboard's figures (dashboard.panorama, dashboard.regions) through
 * the request API, on a ledger made with the real ops at chosen times of the store's
 * clock.  The fixture's clock is 2026-11-22 12:00 UTC: Sunday 07:00 in Lima (UTC-5), so
 * today is the 22nd from 05:00Z, the week began on Monday the 16th at 05:00Z, the month on
 * the 1st at 05:00Z, and the 30 days are 24 October to 22 November.  Each delivery below
 * sits one second on either side of one of those lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "api.h"
#include "apifix.h"
#include "error.h"
#include "isotime.h"
#include "storefix.h"
#include "testutil.h"
#include "zone.h"

#define FIX(state) ((struct storefix *)*(state))
#define SJL "ALM-LIMA-SJL"
#define PTO "ALM-PTO-MALDONADO"
#define ROSA "COM-SANTA-ROSA"
#define CAJ "COM-CAJAMARCA-82015"
#define NOW 1795348800 /* 2026-11-22T12:00:00Z, the fixture's clock */

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t
s_int(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return json_integer_value(v);
}

static time_t
s_at(const char *iso)
{
    char utc[21];
    time_t t;
    assert_true(ayni_isotime_utc(iso, utc, &t));
    return t;
}

static int
s_setup(void **state)
{
    char err[128];
    assert_int_equal(ayni_zone_use("America/Lima", err, sizeof err), 0);
    return sf_setup(state);
}

static int
s_teardown(void **state)
{
    core_store_set_now(FIX(state)->store, NOW);
    return sf_teardown(state);
}

/* A shipment SJL -> to of qty hygiene kits in packages, dispatched an hour before at (a
 * UTC ISO time); its dispatch result (with tokens). */
static json_t *
s_dispatched(struct api *a, const char *to, int qty, int packages, const char *at)
{
    core_store_set_now(a->store, s_at(at) - 3600);
    json_t *s = af_ok(a, "admin", "admin", "shipment.create",
                      json_pack("{ss ss ss}", "from", SJL, "to", to, "team", "Equipo Huánuco"));
    json_decref(af_ok(a, "admin", "admin", "shipment.add_line",
                      json_pack("{ss ss si si}", "shipment", s_str(s, "code"), "item",
                                "HYGIENE-KIT", "qty", qty, "packages", packages)));
    json_t *d = af_ok(a, "admin", "admin", "shipment.dispatch",
                      json_pack("{ss}", "shipment", s_str(s, "code")));
    json_decref(s);
    return d;
}

/* Confirm with token (package n of d, 0: the slip) received at at: scanned (with a device
 * time) or from the slip (none); received < 0: all of it, else line 1's count, short for
 * reason. */
static void
s_confirm(struct api *a, json_t *d, size_t n, const char *at, bool scanned, int received,
          const char *reason)
{
    static int scans;
    char scan_id[32];
    snprintf(scan_id, sizeof scan_id, "scan-%d", ++scans);
    const char *token = n ? s_str(json_array_get(json_object_get(d, "packages"), n - 1), "token")
                          : s_str(d, "token");
    json_t *args = json_pack("{ss ss}", "token", token, "scan_id", scan_id);
    if (scanned)
        json_object_set_new(args, "device_time", json_string(at));
    if (received >= 0)
        json_object_set_new(args, "lines",
                            json_pack("[{si si ss}]", "line", 1, "received", received, "reason",
                                      reason));
    core_store_set_now(a->store, s_at(at));
    json_decref(af_ok(a, "admin", "admin", "delivery.confirm", args));
}

/* The ledger every test reads; the codes of the shipments still on the road in road[2]
 * (oldest first), and of B, the one with a shortfall, in short_code. */
static struct api
s_ledger(void **state, char road[2][41], char short_code[41])
{
    struct api a = {.store = FIX(state)->store};
    crypto_sign_keypair(a.pk, a.sk);
    core_store_t *s = a.store;
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H-1", NULL, 100);
    sf_receive(s, PTO, "CARE-PE", "HYGIENE-KIT", "H-2", NULL, 5); /* under its threshold 10 */
    sf_receive(s, SJL, "AECID", "FOOD-KIT", "F-1", "2026-12-02", 5);  /* within 30 days */
    sf_receive(s, SJL, "AECID", "FOOD-KIT", "F-2", "2027-01-21", 7);  /* within 90 */
    sf_receive(s, SJL, "AECID", "FOOD-KIT", "F-3", "2027-06-01", 11); /* beyond */
    json_decref(af_ok(&a, "admin", "admin", "location.add",
                      json_pack("{ss ss ss ss ss}", "code", "COM-HUANUCO-1", "kind", "community",
                                "name", "Comunidad Huánuco 1", "region", "Huánuco", "district",
                                "Huánuco")));
    struct {
        const char *to, *at;
        int qty, packages;
        bool scanned;
        int received;
        const char *reason;
    } v[] = {
        {ROSA, "2026-11-22T05:00:00Z", 10, 1, true, -1, NULL},  /* A: today, 00:00 local */
        {CAJ, "2026-11-22T04:59:59Z", 20, 2, false, 18, "damaged"}, /* B: Saturday */
        {ROSA, "2026-11-16T05:00:00Z", 5, 1, false, -1, NULL},  /* C: Monday, 00:00 */
        {ROSA, "2026-11-16T04:59:59Z", 3, 1, false, -1, NULL},  /* D: last week's Sunday */
        {ROSA, "2026-11-01T04:59:59Z", 7, 1, false, -1, NULL},  /* E: 31 October */
        {ROSA, "2026-10-24T04:59:59Z", 1, 1, false, 0, "missing"}, /* F: before the 30 days */
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        json_t *d = s_dispatched(&a, v[i].to, v[i].qty, v[i].packages, v[i].at);
        s_confirm(&a, d, 0, v[i].at, v[i].scanned, v[i].received, v[i].reason);
        if (i == 1)
            snprintf(short_code, 41, "%s", s_str(d, "code"));
        json_decref(d);
    }
    /* H: on the road since the 20th; G: since the 21st, one package of two delivered */
    json_t *h = s_dispatched(&a, CAJ, 6, 1, "2026-11-20T13:00:00Z");
    json_t *g = s_dispatched(&a, ROSA, 4, 2, "2026-11-21T13:00:00Z");
    s_confirm(&a, g, 1, "2026-11-21T15:00:00Z", false, -1, NULL);
    snprintf(road[0], 41, "%s", s_str(h, "code"));
    snprintf(road[1], 41, "%s", s_str(g, "code"));
    json_decref(h);
    json_decref(g);
    core_store_set_now(s, NOW);
    return a;
}

static json_t *
s_stock_row(json_t *p, const char *at, const char *item)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(p, "stock"), i, e)
        if (!strcmp(s_str(e, "location"), at) && !strcmp(s_str(e, "item"), item))
            return e;
    fail_msg("no stock row for %s at %s", item, at);
    return NULL;
}

static void
s_tally_is(json_t *p, const char *period, json_int_t packages, json_int_t qty,
           json_int_t shipments, json_int_t communities)
{
    json_t *t = json_object_get(json_object_get(p, "deliveries"), period);
    assert_int_equal(s_int(t, "packages"), packages);
    assert_int_equal(s_int(t, "qty"), qty);
    assert_int_equal(s_int(t, "shipments"), shipments);
    assert_int_equal(s_int(t, "communities"), communities);
}

static void
test_panorama_days_and_week(void **state)
{
    char road[2][41], b[41];
    struct api a = s_ledger(state, road, b);
    json_t *p = af_ok(&a, "lector", "reader", "dashboard.panorama", NULL);
    assert_string_equal(s_str(p, "today"), "2026-11-22");
    assert_string_equal(s_str(p, "time_zone"), "America/Lima");
    assert_string_equal(s_str(p, "at"), "2026-11-22T12:00:00Z");
    json_t *info = af_ok(&a, "lector", "reader", "server.info", NULL);
    assert_int_equal(s_int(p, "seq"), s_int(json_object_get(info, "events"), "head"));
    json_decref(info);
    /* today: A alone (B is one second before midnight); the week: A, B, C, G's package;
     * the month adds D; E is October's */
    s_tally_is(p, "today", 1, 10, 1, 1);
    s_tally_is(p, "week", 5, 35, 4, 2);
    s_tally_is(p, "month", 6, 38, 5, 2);
    /* only A was scanned with a device time: 10 of the month's 38 */
    json_t *share = json_object_get(json_object_get(p, "scanned_share"), "month");
    assert_true(json_is_real(share));
    assert_true(json_real_value(share) > 10.0 / 38 - 1e-9);
    assert_true(json_real_value(share) < 10.0 / 38 + 1e-9);
    json_decref(p);
    sf_verify_ok(a.store);
}

static void
test_panorama_daily_series(void **state)
{
    char road[2][41], b[41];
    struct api a = s_ledger(state, road, b);
    json_t *p = af_ok(&a, "lector", "reader", "dashboard.panorama", NULL);
    json_t *daily = json_object_get(p, "daily");
    assert_int_equal(json_array_size(daily), 30);
    assert_string_equal(s_str(json_array_get(daily, 0), "day"), "2026-10-24");
    assert_string_equal(s_str(json_array_get(daily, 29), "day"), "2026-11-22");
    json_int_t packages = 0, zeros = 0;
    size_t i;
    json_t *e;
    json_array_foreach(daily, i, e) {
        packages += s_int(e, "packages");
        zeros += s_int(e, "packages") == 0 && s_int(e, "qty") == 0;
        const char *day = s_str(e, "day");
        json_int_t want_pk = !strcmp(day, "2026-11-22") ? 1 : !strcmp(day, "2026-11-21") ? 3
                           : !strcmp(day, "2026-11-16") || !strcmp(day, "2026-11-15") ||
                                     !strcmp(day, "2026-10-31") ? 1 : 0;
        json_int_t want_qty = !strcmp(day, "2026-11-22") ? 10 : !strcmp(day, "2026-11-21") ? 20
                            : !strcmp(day, "2026-11-16") ? 5 : !strcmp(day, "2026-11-15") ? 3
                            : !strcmp(day, "2026-10-31") ? 7 : 0;
        assert_int_equal(s_int(e, "packages"), want_pk);
        assert_int_equal(s_int(e, "qty"), want_qty);
    }
    assert_int_equal(packages, 7); /* F, on 23 October, is not in the 30 days */
    assert_int_equal(zeros, 25);
    json_decref(p);
}

static void
test_panorama_stock_road_discrepancies(void **state)
{
    char road[2][41], b[41];
    struct api a = s_ledger(state, road, b);
    json_t *p = af_ok(&a, "lector", "reader", "dashboard.panorama", NULL);
    json_t *food = s_stock_row(p, SJL, "FOOD-KIT");
    assert_int_equal(s_int(food, "qty"), 23);
    assert_int_equal(s_int(food, "lots"), 3);
    assert_int_equal(s_int(food, "expiring_30"), 5);
    assert_int_equal(s_int(food, "expiring_90"), 12);
    assert_int_equal(s_int(food, "expired"), 0);
    assert_true(json_is_null(json_object_get(food, "threshold")));
    assert_false(json_is_true(json_object_get(food, "low")));
    json_t *kits = s_stock_row(p, SJL, "HYGIENE-KIT");
    assert_int_equal(s_int(kits, "qty"), 100 - 10 - 20 - 5 - 3 - 7 - 1 - 6 - 4);
    assert_int_equal(s_int(kits, "threshold"), 10);
    assert_false(json_is_true(json_object_get(kits, "low")));
    json_t *pto = s_stock_row(p, PTO, "HYGIENE-KIT");
    assert_int_equal(s_int(pto, "qty"), 5);
    assert_true(json_is_true(json_object_get(pto, "low")));
    /* on the road: H since the 20th, then G, partial, one package of two */
    json_t *on = json_object_get(p, "on_road");
    assert_int_equal(json_array_size(on), 2);
    json_t *h = json_array_get(on, 0), *g = json_array_get(on, 1);
    assert_string_equal(s_str(h, "code"), road[0]);
    assert_string_equal(s_str(h, "state"), "dispatched");
    assert_int_equal(s_int(h, "age_s"), NOW - s_at("2026-11-20T12:00:00Z"));
    assert_string_equal(s_str(json_object_get(h, "to"), "region"), "Cajamarca");
    assert_string_equal(s_str(g, "code"), road[1]);
    assert_string_equal(s_str(g, "state"), "partial");
    assert_int_equal(s_int(g, "age_s"), 86400);
    assert_int_equal(s_int(g, "package_count"), 2);
    assert_int_equal(s_int(g, "packages_delivered"), 1);
    /* B's 2 damaged kits are open; F's missing one is older than the 30 days */
    json_t *disc = json_object_get(p, "discrepancies");
    assert_int_equal(s_int(disc, "open"), 1);
    assert_int_equal(s_int(disc, "qty"), 2);
    json_t *r0 = json_array_get(json_object_get(disc, "recent"), 0);
    assert_string_equal(s_str(r0, "shipment"), b);
    assert_string_equal(s_str(r0, "community"), CAJ);
    assert_string_equal(s_str(r0, "reason"), "damaged");
    assert_string_equal(s_str(r0, "date"), "2026-11-22T04:59:59Z");
    json_decref(p);
    /* thirteen days on, F-1 has expired and F-2 is no longer within 30 days */
    core_store_set_now(a.store, NOW + 13 * 86400);
    p = af_ok(&a, "lector", "reader", "dashboard.panorama", NULL);
    food = s_stock_row(p, SJL, "FOOD-KIT");
    assert_int_equal(s_int(food, "expired"), 5);
    assert_int_equal(s_int(food, "expiring_30"), 0);
    assert_int_equal(s_int(food, "expiring_90"), 7);
    assert_int_equal(s_int(json_array_get(json_object_get(p, "on_road"), 0), "age_s"),
                     NOW + 13 * 86400 - s_at("2026-11-20T12:00:00Z"));
    /* the month is December now: nothing delivered yet, so no share */
    assert_true(json_is_null(json_object_get(json_object_get(p, "scanned_share"), "month")));
    json_decref(p);
    /* Puerto Maldonado's five kits lost: a stock-out is still listed, and low */
    json_decref(af_ok(&a, "admin", "admin", "stock.adjust",
                      json_pack("{ss ss ss si ss}", "at", PTO, "item", "HYGIENE-KIT", "lot", "H-2",
                                "qty", -5, "reason", "damaged")));
    p = af_ok(&a, "lector", "reader", "dashboard.panorama", NULL);
    pto = s_stock_row(p, PTO, "HYGIENE-KIT");
    assert_int_equal(s_int(pto, "qty"), 0);
    assert_int_equal(s_int(pto, "lots"), 0);
    assert_true(json_is_true(json_object_get(pto, "low")));
    json_decref(p);
}

/* The shipment page shows what arrived short, with the reason, per confirmation. */
static void
test_shipment_shortfalls(void **state)
{
    char road[2][41], b[41];
    struct api a = s_ledger(state, road, b);
    json_t *r = af_ok(&a, "lector", "reader", "shipment.get", json_pack("{ss}", "shipment", b));
    json_t *sf = json_object_get(r, "shortfalls");
    assert_int_equal(json_array_size(sf), 1);
    json_t *one = json_array_get(sf, 0);
    assert_string_equal(s_str(one, "item"), "HYGIENE-KIT");
    assert_int_equal(s_int(one, "qty"), 2);
    assert_string_equal(s_str(one, "reason"), "damaged");
    assert_string_equal(s_str(one, "delivered_at"), "2026-11-22T04:59:59Z");
    json_t *p1 = json_array_get(json_object_get(r, "packages"), 0);
    assert_string_equal(s_str(one, "scan_id"), s_str(p1, "scan_id"));
    json_decref(r);
    r = af_ok(&a, "lector", "reader", "shipment.get", json_pack("{ss}", "shipment", road[1]));
    assert_int_equal(json_array_size(json_object_get(r, "shortfalls")), 0);
    json_decref(r);
}

static json_t *
s_area(json_t *list, const char *key, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
        if (s_str(e, key) && !strcmp(s_str(e, key), name))
            return e;
    fail_msg("no %s %s", key, name);
    return NULL;
}

static void
s_area_is(json_t *e, json_int_t communities, json_int_t reached, json_int_t packages,
          json_int_t qty, json_int_t shortfall)
{
    assert_int_equal(s_int(e, "communities"), communities);
    assert_int_equal(s_int(e, "reached"), reached);
    assert_int_equal(s_int(e, "packages"), packages);
    assert_int_equal(s_int(e, "qty"), qty);
    assert_int_equal(s_int(e, "shortfall_qty"), shortfall);
}

static void
test_regions(void **state)
{
    char road[2][41], b[41];
    struct api a = s_ledger(state, road, b);
    json_t *r = af_ok(&a, "lector", "reader", "dashboard.regions", NULL);
    assert_string_equal(s_str(r, "from"), "2026-11-01");
    assert_string_equal(s_str(r, "to"), "2026-11-30");
    json_t *regions = json_object_get(r, "regions");
    assert_int_equal(json_array_size(regions), 2);
    assert_string_equal(s_str(json_array_get(regions, 0), "region"), "Cajamarca");
    json_t *hu = s_area(regions, "region", "Huánuco");
    /* Santa Rosa got A, C, D and G's first package; Huánuco 1 nothing */
    s_area_is(hu, 2, 1, 4, 20, 0);
    json_t *districts = json_object_get(hu, "districts");
    assert_int_equal(json_array_size(districts), 2);
    s_area_is(s_area(districts, "district", "Amarilis"), 1, 1, 4, 20, 0);
    s_area_is(s_area(districts, "district", "Huánuco"), 1, 0, 0, 0, 0);
    /* behind Amarilis's figures: A, C, D and G (E is October's), by code */
    json_t *ships = json_object_get(s_area(districts, "district", "Amarilis"), "shipments");
    assert_int_equal(json_array_size(ships), 4);
    assert_string_equal(json_string_value(json_array_get(ships, 3)), road[1]);
    assert_int_equal(json_array_size(json_object_get(s_area(districts, "district", "Huánuco"),
                                                     "shipments")), 0);
    s_area_is(s_area(regions, "region", "Cajamarca"), 1, 1, 2, 18, 2);
    json_decref(r);
    /* one day: 31 October local, E alone */
    r = af_ok(&a, "lector", "reader", "dashboard.regions",
              json_pack("{ss ss}", "from", "2026-10-31", "to", "2026-10-31"));
    s_area_is(s_area(json_object_get(r, "regions"), "region", "Huánuco"), 2, 1, 1, 7, 0);
    s_area_is(s_area(json_object_get(r, "regions"), "region", "Cajamarca"), 1, 0, 0, 0, 0);
    json_decref(r);
    json_t *err = NULL;
    assert_int_equal(af_req(&a, "lector", "reader", "dashboard.regions",
                            json_pack("{ss}", "from", "2026-11-01"), &err),
                     AYNI_EINVAL);
    json_decref(err);
    assert_int_equal(af_req(&a, "lector", "reader", "dashboard.regions",
                            json_pack("{ss ss}", "from", "2026-11-30", "to", "2026-11-01"), &err),
                     AYNI_EINVAL);
    json_decref(err);
    proto_error_clear(&a.err); /* the last refusal's details */
}

/* Whoever reads stock reads the dashboard; a scanner does not, nor may anyone name "now". */
static void
test_roles_and_arguments(void **state)
{
    struct api a = {.store = FIX(state)->store, .secure = true};
    crypto_sign_keypair(a.pk, a.sk);
    const char *ok[] = {"reader", "warehouse", "admin"};
    for (size_t i = 0; i < 3; i++) {
        json_t *p = af_ok(&a, "d", ok[i], "dashboard.panorama", NULL);
        assert_int_equal(json_array_size(json_object_get(p, "daily")), 30);
        s_tally_is(p, "today", 0, 0, 0, 0);
        assert_true(json_is_null(json_object_get(json_object_get(p, "scanned_share"), "month")));
        json_decref(p);
    }
    json_t *err = NULL;
    assert_int_equal(af_req(&a, "escaner", "scanner", "dashboard.panorama", NULL, &err),
                     AYNI_EDENIED);
    json_decref(err);
    assert_int_equal(af_req(&a, "escaner", "scanner", "dashboard.regions", NULL, &err),
                     AYNI_EDENIED);
    json_decref(err);
    assert_int_equal(af_req(&a, "lector", "reader", "dashboard.panorama",
                            json_pack("{ss}", "now", "2026-11-01T00:00:00Z"), &err),
                     AYNI_EBADREQ);
    json_decref(err);
    proto_error_clear(&a.err); /* the last refusal's details */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_panorama_days_and_week, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_panorama_daily_series, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_panorama_stock_road_discrepancies, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_shipment_shortfalls, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_regions, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_roles_and_arguments, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
