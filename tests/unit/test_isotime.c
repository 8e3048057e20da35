/* test_isotime.c: ISO 8601 times from a scanner's clock, checked and made UTC
 * (core/lib/isotime.c): what delivery.confirm's device_time accepts and stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "isotime.h"
#include "zone.h"

/* text must be accepted, as want in UTC. */
static void
s_utc(const char *text, const char *want)
{
    char utc[21] = "";
    if (!ayni_isotime_utc(text, utc, NULL))
        fail_msg("'%s' was refused", text);
    assert_string_equal(utc, want);
}

static void
test_accepts_utc_offsets_and_fractions(void **state)
{
    (void)state;
    s_utc("2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z");
    s_utc("2026-11-22T10:00:00-05:00", "2026-11-22T15:00:00Z"); /* what ayni-scan sends */
    s_utc("2026-11-22T10:00:00+05:30", "2026-11-22T04:30:00Z");
    s_utc("2026-11-22T10:00:00.123Z", "2026-11-22T10:00:00Z");
    s_utc("2026-11-22T10:00:00.5-05:00", "2026-11-22T15:00:00Z");
    s_utc("2026-11-22T10:00:00+00:00", "2026-11-22T10:00:00Z");
    /* an offset that crosses midnight, a month, a year, a leap day */
    s_utc("2026-11-22T21:30:00-05:00", "2026-11-23T02:30:00Z");
    s_utc("2026-12-31T23:00:00-05:00", "2027-01-01T04:00:00Z");
    s_utc("2027-01-01T01:00:00+05:00", "2026-12-31T20:00:00Z");
    s_utc("2028-02-29T12:00:00Z", "2028-02-29T12:00:00Z");
    s_utc("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z");
    s_utc("2028-02-28T22:00:00-05:00", "2028-02-29T03:00:00Z");
    s_utc("2028-03-01T01:00:00+02:00", "2028-02-29T23:00:00Z");
    s_utc("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z");
    time_t t = 0;
    char utc[21];
    assert_true(ayni_isotime_utc("2026-11-22T07:00:00-05:00", utc, &t));
    assert_int_equal((long long)t, 1795348800LL); /* 2026-11-22T12:00:00Z */
}

static void
test_refuses_anything_else(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "yesterday, honest", "", "2026-11-22", "2026-11-22 10:00:00Z", "2026-11-22T10:00Z",
        "2026-11-22T10:00:00", /* no offset: whose clock? */
        "2026-11-22T10:00:00z", "2026-11-22T10:00:00-0500", "2026-11-22T10:00:00-05",
        "2026-11-22T10:00:00+5:00", "2026-11-22T10:00:00 Z", "2026-11-22T10:00:00Z ",
        "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00.1234567890Z", "2026-11-22T10:00:00,5Z",
        "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
        "2026-11-31T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z",
        "2026-11-22T10:00:60Z", "2026-11-22T10:00:00+18:01", "2026-11-22T10:00:00+05:60",
        "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00",
        "2026-1-22T10:00:00Z", "2026-11-22T1:00:00Z", "+2026-11-22T10:00:00Z",
        "2026-11-22T10:00:00Z\n", "2026-11-22t10:00:00Z", "2026-11-22T10:00:00ZZ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char utc[21] = "untouched";
        if (ayni_isotime_utc(bad[i], utc, NULL))
            fail_msg("'%s' was accepted as %s", bad[i], utc);
        assert_string_equal(utc, "untouched");
    }
    char utc[21];
    assert_false(ayni_isotime_utc(NULL, utc, NULL));
}

/* A time people read in a log: local, to the second, with its offset (which the zone's
 * rules give, half hours and quarters too); anything that is no time comes back as it is. */
static void
test_when_iso_local(void **state)
{
    (void)state;
    char out[48], err[256];
    assert_int_equal(ayni_zone_use("America/Lima", err, sizeof err), 0);
    assert_string_equal(ayni_when_iso("2026-11-22T12:50:12Z", out, sizeof out),
                        "2026-11-22T07:50:12-05:00");
    assert_string_equal(ayni_when_iso("2026-11-22T02:00:00Z", out, sizeof out),
                        "2026-11-21T21:00:00-05:00"); /* the local day before */
    assert_int_equal(ayni_zone_use("Asia/Kathmandu", err, sizeof err), 0);
    assert_string_equal(ayni_when_iso("2026-11-22T12:50:12Z", out, sizeof out),
                        "2026-11-22T18:35:12+05:45");
    assert_int_equal(ayni_zone_use("UTC", err, sizeof err), 0);
    assert_string_equal(ayni_when_iso("2026-11-22T12:50:12Z", out, sizeof out),
                        "2026-11-22T12:50:12+00:00");
    assert_string_equal(ayni_when_iso("ayer", out, sizeof out), "ayer");
    assert_string_equal(ayni_when_iso(NULL, out, sizeof out), "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_utc_offsets_and_fractions),
        cmocka_unit_test(test_refuses_anything_else),
        cmocka_unit_test(test_when_iso_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
