/* test_scan_times.c: the same delivery shows the same local time everywhere, end to end.
 *
 * aynid runs with --tz America/Lima; ayni-scan init keeps that zone; a package is scanned
 * and synced; `ayni-scan status` and `ayni-warehouse shipment show` both print its scan
 * time in Lima as "DD/MM/YYYY HH:MM".  aynid restarted with --tz Asia/Tokyo and the
 * scanner initialised again: both print Tokyo's time instead.  "Today" (expiry) is the
 * zone's day.  An unknown zone stops aynid at start with exit 2 and a message.
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

#include "mem.h"
#include "scan_cli.h"
#include "zone.h"

struct fx {
    struct e2e *e;
    char *queue;
    json_t *ship;
};

static int
s_setup(void **state)
{
    unsetenv("AYNI_API");
    unsetenv("AYNI_SCAN_QUEUE");
    unsetenv("AYNI_TZ");
    struct fx *f = xcalloc(1, sizeof *f);
    f->e = e2e_new();
    const char *const tz[] = {"--tz", "America/Lima", NULL};
    assert_int_equal(e2e_start_args(f->e, tz), 0);
    e2e_seed(f->e);
    f->ship = scan_dispatch(f->e, "Equipo Q'ero", 10, 1, NULL);
    f->queue = xasprintf("%s/team/scan.db", f->e->dir);
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    json_decref(f->ship);
    free(f->queue);
    e2e_destroy(&f->e);
    free(f);
    return 0;
}

static void
s_init(struct fx *f, const char *zone)
{
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Q'ero",
                 "--device", "tableta-1", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    char *want = xasprintf("horas en la zona del núcleo: %s", zone);
    assert_non_null(strstr(o.out, want));
    free(want);
    scan_cli_clear(&o);
}

/* ayni-warehouse shipment show, its standard output (a new string). */
static char *
s_shipment_show(struct fx *f)
{
    const char *wh = getenv("AYNI_WAREHOUSE");
    char *cmd = xasprintf("AYNI_LANG=es AYNI_API='%s' AYNI_EVENTS='%s' '%s' shipment show %s",
                          f->e->api, f->e->events, wh,
                          json_string_value(json_object_get(f->ship, "code")));
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *out = e2e_read_all(p);
    assert_int_equal(pclose(p), 0);
    free(cmd);
    return out;
}

/* The scan time of the delivery as zone shows it. */
static char *
s_local(const char *scanned_at, const char *zone)
{
    char err[256], when[AYNI_WHEN_MAX];
    assert_int_equal(ayni_zone_use(zone, err, sizeof err), 0);
    return xstrdup(ayni_when(scanned_at, when, sizeof when));
}

/* Both tools print want for the delivery. */
static void
s_both_show(struct fx *f, const char *want)
{
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "status", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    char *line = xasprintf("escaneado el %s", want);
    if (!strstr(o.out, line))
        fail_msg("ayni-scan status does not show '%s':\n%s", line, o.out);
    free(line);
    scan_cli_clear(&o);
    char *show = s_shipment_show(f);
    if (!strstr(show, want))
        fail_msg("ayni-warehouse shipment show does not show '%s':\n%s", want, show);
    free(show);
}

static void
test_same_local_time_in_both_tools(void **state)
{
    struct fx *f = *state;
    if (!getenv("AYNI_WAREHOUSE") || !*getenv("AYNI_WAREHOUSE"))
        skip();
    s_init(f, "America/Lima");
    struct scan_cli_out o;
    char *input = xasprintf("%s\n", scan_token(f->ship, 1));
    scan_cli_run(&o, f->e->dir, input, "--queue", f->queue, NULL);
    free(input);
    assert_int_equal(o.status, 0);
    scan_cli_clear(&o);
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    scan_cli_clear(&o);
    json_t *ev = scan_events(f->e, "delivery.confirmed");
    assert_int_equal(json_array_size(ev), 1);
    const char *scanned = json_string_value(json_object_get(json_array_get(ev, 0), "scanned_at"));
    assert_non_null(scanned);
    json_t *sh = e2e_ok(f->e, "shipment.get",
                        e2e_pack("{sO}", "shipment", json_object_get(f->ship, "code")));
    json_t *p1 = json_array_get(json_object_get(sh, "packages"), 0);
    assert_string_equal(json_string_value(json_object_get(p1, "delivered_at")), scanned);
    assert_string_equal(json_string_value(json_object_get(p1, "scanned_at")), scanned);
    json_decref(sh);
    char *lima = s_local(scanned, "America/Lima"), *tokyo = s_local(scanned, "Asia/Tokyo");
    assert_string_not_equal(lima, tokyo);
    s_both_show(f, lima);

    assert_int_equal(e2e_stop(f->e), 0);
    const char *tz[] = {"--tz", "Asia/Tokyo", NULL};
    assert_int_equal(e2e_start_args(f->e, tz), 0);
    json_t *info = e2e_ok(f->e, "server.info", NULL);
    assert_string_equal(json_string_value(json_object_get(info, "time_zone")), "Asia/Tokyo");
    json_decref(info);
    s_init(f, "Asia/Tokyo");
    s_both_show(f, tokyo);
    free(lima);
    free(tokyo);
    json_decref(ev);
}

/* A time "n" minutes from now, ISO 8601 in UTC. */
static char *
s_minutes(int n)
{
    time_t t = time(NULL) + n * 60;
    struct tm tm;
    char out[21];
    gmtime_r(&t, &tm);
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xstrdup(out);
}

/* shipment show: a scan by a clock four minutes fast (believed: within the tolerance) is
 * entregado then, recibido now; a device clock a day ahead is not believed, and said so.
 * (A scan before the dispatch, seconds fast, would be another wrong clock.) */
static void
test_show_says_scanned_and_received(void **state)
{
    struct fx *f = *state;
    if (!getenv("AYNI_WAREHOUSE") || !*getenv("AYNI_WAREHOUSE"))
        skip();
    json_decref(f->ship);
    f->ship = scan_dispatch(f->e, "Equipo Q'ero", 10, 2, NULL);
    char *fast = s_minutes(4), *ahead = s_minutes(24 * 60);
    json_t *r = e2e_ok(f->e, "delivery.confirm",
                       e2e_pack("{ss ss ss}", "token", scan_token(f->ship, 1), "scan_id", "t-1",
                                "device_time", fast));
    assert_false(json_is_true(json_object_get(r, "clock_suspect")));
    assert_string_equal(json_string_value(json_object_get(r, "delivered_at")), fast);
    json_decref(r);
    r = e2e_ok(f->e, "delivery.confirm",
               e2e_pack("{ss ss ss}", "token", scan_token(f->ship, 2), "scan_id", "t-2",
                        "device_time", ahead));
    assert_true(json_is_true(json_object_get(r, "clock_suspect")));
    assert_string_equal(json_string_value(json_object_get(r, "clock_problem")), "ahead");
    json_decref(r);
    char *show = s_shipment_show(f), *when = s_local(fast, "America/Lima");
    char *want = xasprintf("%s (recibido ", when);
    if (!strstr(show, want) || !strstr(show, "reloj del dispositivo dudoso"))
        fail_msg("shipment show does not say when it was scanned and received:\n%s", show);
    free(want);
    free(when);
    free(show);
    free(fast);
    free(ahead);
}

/* "Today", for expiry, is the core's local day.  UTC-12 and UTC+14 are 26 hours apart, so
 * today in UTC-12 is always before today in UTC+14: a lot expiring then is fine for an
 * aynid in UTC-12 and already expired for one in UTC+14. */
static void
test_today_is_the_zones_day(void **state)
{
    struct fx *f = *state;
    char err[256], day[11], now[21];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    assert_int_equal(ayni_zone_use("Etc/GMT+12", err, sizeof err), 0); /* UTC-12 */
    ayni_local_day(now, day);
    const char *west[] = {"--tz", "Etc/GMT+12", NULL}, *east[] = {"--tz", "Etc/GMT-14", NULL};
    assert_int_equal(e2e_stop(f->e), 0);
    assert_int_equal(e2e_start_args(f->e, west), 0);
    json_decref(e2e_ok(f->e, "stock.receive",
                       e2e_pack("{ss ss ss ss ss si}", "at", "ALM-LIMA", "donor", "UNICEF",
                                "item", "FOOD-KIT", "lot", "L-WEST", "expiry", day, "qty", 5)));
    assert_int_equal(e2e_stop(f->e), 0);
    assert_int_equal(e2e_start_args(f->e, east), 0);
    assert_string_equal(e2e_fail(f->e, "stock.receive",
                                 e2e_pack("{ss ss ss ss ss si}", "at", "ALM-LIMA", "donor",
                                          "UNICEF", "item", "FOOD-KIT", "lot", "L-EAST",
                                          "expiry", day, "qty", 5)),
                        "lot_expired");
}

static void
test_unknown_zone_stops_aynid(void **state)
{
    struct fx *f = *state;
    assert_int_equal(e2e_stop(f->e), 0);
    const char *tz[] = {"--tz", "America/Atlantis", NULL};
    assert_int_equal(e2e_start_args(f->e, tz), 2);
    assert_true(e2e_log_has(f->e, "unknown time zone 'America/Atlantis'"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_local_time_in_both_tools, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_show_says_scanned_and_received, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_today_is_the_zones_day, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_zone_stops_aynid, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
