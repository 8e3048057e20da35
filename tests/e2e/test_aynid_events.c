/* test_aynid_events.c: the event stream as a client sees it: two frames, prefix
 * subscriptions, every event type, the hash chain recomputed from what is published, and
 * the catch-up protocol of docs/PROTOCOL.md section 7.3 (subscribe, ask events.since, drop
 * duplicates, fill gaps) for a subscriber that starts late or is away for a while.
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
#include <zmq.h>

#include "harness.h"
#include "mem.h"

static long long
s_seq(json_t *ev)
{
    return json_integer_value(json_object_get(ev, "seq"));
}

/* A day's work that emits every event type: catalog, receipts, a transfer, a loss that
 * crosses the low-stock threshold, a shipment delivered with a shortfall, and a cancelled
 * one. */
static void
s_day(struct e2e *e)
{
    e2e_seed(e); /* FOOD-KIT low threshold 30; 100 at ALM-LIMA */
    json_decref(e2e_ok(e, "stock.transfer",
                       e2e_pack("{ss ss ss si}", "from", "ALM-LIMA", "to", "ALM-CUSCO", "item",
                                "FOOD-KIT", "qty", 50)));
    json_decref(e2e_ok(e, "stock.adjust",
                       e2e_pack("{ss ss si ss}", "at", "ALM-LIMA", "item", "FOOD-KIT", "qty", -25,
                                "reason", "damaged")));
    json_t *d = e2e_dispatch_sample(e);
    json_t *p1 = json_array_get(json_object_get(d, "packages"), 0);
    json_decref(e2e_ok(e, "delivery.confirm",
                       e2e_pack("{sO ss s[{si si ss}]}", "token", json_object_get(p1, "token"),
                                "scan_id", "scan-1", "lines", "line", 1, "received", 4, "reason",
                                "missing")));
    json_decref(e2e_ok(e, "delivery.confirm",
                       e2e_pack("{sO ss}", "token", json_object_get(d, "token"), "scan_id",
                                "scan-2")));
    json_decref(d);
    json_t *s = e2e_ok(e, "shipment.create", e2e_pack("{ss ss}", "from", "ALM-CUSCO", "to",
                                                      "COM-0042"));
    json_decref(e2e_ok(e, "shipment.cancel",
                       e2e_pack("{sO ss}", "shipment", json_object_get(s, "code"), "reason",
                                "road closed")));
    json_decref(s);
}

/* Every event from events.since, paging with limit. */
static json_t *
s_all_since(struct e2e *e, long long since, int limit)
{
    json_t *all = json_array();
    for (;;) {
        json_t *r = e2e_ok(e, "events.since",
                           e2e_pack("{sI si}", "since", (json_int_t)since, "limit", limit));
        json_t *page = json_object_get(r, "events");
        size_t n = json_array_size(page);
        json_array_extend(all, page);
        if (n)
            since = s_seq(json_array_get(page, n - 1));
        long long head = json_integer_value(json_object_get(r, "head"));
        json_decref(r);
        if ((int)n < limit || since == head)
            return all;
    }
}

/* Recompute the chain over events (bodies as published): SHA-256(prev || stored body),
 * the stored body being the event without "hash", sorted, compact, ASCII.  Returns the
 * last hash in out. */
static void
s_check_chain(json_t *events, char out[65])
{
    unsigned char prev[32] = {0}, digest[32];
    json_t *ev;
    size_t i;
    json_array_foreach(events, i, ev) {
        json_t *body = json_deep_copy(ev);
        json_object_del(body, "hash");
        char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, prev, sizeof prev);
        crypto_hash_sha256_update(&st, (const unsigned char *)text, strlen(text));
        crypto_hash_sha256_final(&st, digest);
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
        const char *want = json_string_value(json_object_get(ev, "hash"));
        if (!want || strcmp(hex, want) != 0)
            fail_msg("event %lld: hash %s, recomputed %s over %s", s_seq(ev), want, hex, text);
        memcpy(prev, digest, sizeof prev);
        free(text);
        json_decref(body);
        snprintf(out, 65, "%s", hex);
    }
}

/* ---- a subscriber that follows the protocol ---- */

struct s_follower {
    void *sub;
    long long last;  /* the last seq processed */
    json_t *seen;    /* every event processed, in order */
    int duplicates, gaps;
};

static void
s_process(struct s_follower *f, json_t *ev)
{
    assert_int_equal(s_seq(ev), f->last + 1);
    json_array_append(f->seen, ev);
    f->last = s_seq(ev);
}

static void
s_catch_up(struct e2e *e, struct s_follower *f)
{
    json_t *page = s_all_since(e, f->last, 7); /* small pages: paging is exercised */
    json_t *ev;
    size_t i;
    json_array_foreach(page, i, ev)
        s_process(f, ev);
    json_decref(page);
}

/* Handle one live event: drop a duplicate, fill a gap first. */
static void
s_live(struct e2e *e, struct s_follower *f, json_t *ev)
{
    if (s_seq(ev) <= f->last) {
        f->duplicates++;
    } else {
        if (s_seq(ev) > f->last + 1) {
            f->gaps++;
            s_catch_up(e, f);
        }
        if (s_seq(ev) == f->last + 1)
            s_process(f, ev);
        else
            f->duplicates++; /* the catch-up already had it */
    }
    json_decref(ev);
}

/* Read live events until the follower has reached seq head. */
static void
s_follow_to(struct e2e *e, struct s_follower *f, long long head)
{
    while (f->last < head) {
        json_t *ev = e2e_sub_next(f->sub, E2E_WAIT_MS);
        if (!ev)
            fail_msg("no event after seq %lld (head %lld)", f->last, head);
        s_live(e, f, ev);
    }
}

/* ---- tests ---- */

/* Two frames, the topic equal to the body's type, every type, the documented keys, and
 * the chain recomputed from the published bodies matches the ledger's head. */
static void
test_every_type_and_the_chain(void **state)
{
    struct e2e *e = *state;
    void *sub = e2e_sub(e, "");
    long long first = e2e_sub_ready(e, sub);
    s_day(e);
    json_decref(e2e_ok(e, "device.add",
                       e2e_pack("{ss ss ss ss}", "name", "tablet-1", "role", "scanner",
                                "public_key",
                                "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
                                "team", "Equipo Norte")));
    json_decref(e2e_ok(e, "device.disable", e2e_pack("{ss}", "name", "tablet-1")));
    long long head = e2e_head(e);
    json_t *live = json_array();
    while (json_array_size(live) < (size_t)(head - first)) {
        /* checks frames and topic; a quiet second after device.disable is its cut */
        json_t *ev = e2e_sub_next(sub, json_array_size(live) + 1 == (size_t)(head - first)
                                            ? 1000 : E2E_WAIT_MS);
        if (!ev)
            break;
        json_array_append_new(live, ev);
    }
    /* device.disable cuts every subscription (docs/PROTOCOL.md 6.27): its own event is sent
     * just before, and may be lost with the connection; a subscriber then takes it from
     * events.since.  Nothing else may be missing. */
    if (json_array_size(live) + 1 == (size_t)(head - first)) {
        json_t *rest = s_all_since(e, head - 1, 10);
        assert_int_equal(json_array_size(rest), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(rest, 0), "type")),
                            "device.disabled");
        json_array_extend(live, rest);
        json_decref(rest);
    }
    assert_int_equal(json_array_size(live), (size_t)(head - first));
    static const char *const types[] = {
        "item.added",         "location.added",       "donor.added",        "stock.received",
        "stock.transferred",  "stock.adjusted",       "stock.low",          "shipment.created",
        "shipment.line_added", "shipment.dispatched", "shipment.cancelled", "delivery.confirmed",
        "delivery.discrepancy", "shipment.delivered", "device.added", "device.disabled",
    };
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        json_t *ev;
        size_t i;
        bool found = false;
        json_array_foreach(live, i, ev) {
            if (strcmp(json_string_value(json_object_get(ev, "type")), types[t]) != 0)
                continue;
            found = true;
            assert_true(json_is_integer(json_object_get(ev, "seq")));
            assert_true(json_is_string(json_object_get(ev, "at")));
            assert_string_equal(json_string_value(json_object_get(ev, "actor")), "local");
            assert_int_equal(strlen(json_string_value(json_object_get(ev, "hash"))), 64);
        }
        if (!found)
            fail_msg("no '%s' event was published", types[t]);
    }

    /* What was published is what events.since returns, and the chain holds. */
    json_t *all = s_all_since(e, 0, 1000);
    assert_int_equal(json_array_size(all), head);
    json_t *ev;
    size_t i;
    json_array_foreach(live, i, ev)
        assert_true(json_equal(ev, json_array_get(all, (size_t)(s_seq(ev) - 1))));
    char last[65];
    s_check_chain(all, last);
    json_t *info = e2e_ok(e, "server.info", NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(info, "events"),
                                                          "hash")),
                        last);
    json_decref(info);
    json_decref(all);
    json_decref(live);
    e2e_close(e, &sub);
}

/* A subscription to prefixes gets those topics and no other. */
static void
test_prefix_subscription(void **state)
{
    struct e2e *e = *state;
    void *sub = e2e_sub(e, "donor."); /* for e2e_sub_ready */
    assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "stock.", 6), 0);
    assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "delivery.", 9), 0);
    e2e_sub_ready(e, sub);
    s_day(e);
    /* The last event of the day is shipment.cancelled: end with a known stock event. */
    json_decref(e2e_ok(e, "stock.adjust",
                       e2e_pack("{ss ss si ss}", "at", "ALM-CUSCO", "item", "FOOD-KIT", "qty",
                                -1, "reason", "lost")));
    long long head = e2e_head(e);
    int stock = 0, delivery = 0;
    bool low = false, discrepancy = false;
    for (;;) {
        json_t *ev = e2e_sub_next(sub, E2E_WAIT_MS);
        assert_non_null(ev);
        const char *type = json_string_value(json_object_get(ev, "type"));
        if (!strncmp(type, "stock.", 6))
            stock++;
        else if (!strncmp(type, "delivery.", 9))
            delivery++;
        else if (strncmp(type, "donor.", 6))
            fail_msg("a '%s' event reached a subscriber of stock., delivery., donor.", type);
        low |= !strcmp(type, "stock.low");
        discrepancy |= !strcmp(type, "delivery.discrepancy");
        long long seq = s_seq(ev);
        json_decref(ev);
        if (seq == head)
            break;
    }
    assert_true(low);
    assert_true(discrepancy);
    assert_int_equal(delivery, 3); /* two confirmations, one discrepancy */
    assert_int_equal(stock, 6);    /* 2 received, transferred, adjusted, low, adjusted */
    e2e_close(e, &sub);
}

/* A subscriber that starts after many events: subscribe, catch up, follow; it sees every
 * event once, in order, with no gap. */
static void
test_late_subscriber_catches_up(void **state)
{
    struct e2e *e = *state;
    s_day(e); /* nobody listening */
    struct s_follower f = {.seen = json_array()};
    f.sub = e2e_sub(e, "");
    s_catch_up(e, &f);
    assert_int_equal(f.last, e2e_head(e));
    /* More work while it follows: donors (two events each round: one per request). */
    for (int i = 0; i < 30; i++) {
        char code[16];
        snprintf(code, sizeof code, "LATE-%d", i);
        json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", code, "name", "d")));
        if (i % 10 == 9)
            s_follow_to(e, &f, e2e_head(e));
    }
    long long head = e2e_head(e);
    s_follow_to(e, &f, head);
    assert_int_equal(json_array_size(f.seen), head);
    char last[65];
    s_check_chain(f.seen, last);
    e2e_close(e, &f.sub);
    json_decref(f.seen);
}

/* A subscriber that disconnects misses events; when it is back, the first live event it
 * gets shows a gap, and events.since fills it. */
static void
test_missed_events_are_filled(void **state)
{
    struct e2e *e = *state;
    struct s_follower f = {.seen = json_array()};
    f.sub = e2e_sub(e, "");
    e2e_sub_ready(e, f.sub);
    s_catch_up(e, &f);
    e2e_seed(e);
    s_follow_to(e, &f, e2e_head(e));

    e2e_close(e, &f.sub); /* away */
    json_t *d = e2e_dispatch_sample(e);
    json_decref(d);
    long long missed_to = e2e_head(e);

    f.sub = e2e_sub(e, ""); /* back: the probe events show the gap */
    e2e_sub_ready(e, f.sub);
    json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", "BACK", "name", "d")));
    long long head = e2e_head(e);
    s_follow_to(e, &f, head);
    assert_true(f.last > missed_to);
    assert_true(f.gaps >= 1);
    assert_int_equal(json_array_size(f.seen), head);
    char last[65];
    s_check_chain(f.seen, last);
    e2e_close(e, &f.sub);
    json_decref(f.seen);
}

/* events.since at the edges. */
static void
test_events_since_limits(void **state)
{
    struct e2e *e = *state;
    e2e_seed(e);
    long long head = e2e_head(e);
    json_t *r = e2e_ok(e, "events.since", e2e_pack("{sI}", "since", (json_int_t)head));
    assert_int_equal(json_array_size(json_object_get(r, "events")), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "head")), head);
    json_decref(r);
    r = e2e_ok(e, "events.since", e2e_pack("{sI}", "since", (json_int_t)head + 100));
    assert_int_equal(json_array_size(json_object_get(r, "events")), 0);
    json_decref(r);
    r = e2e_ok(e, "events.since", e2e_pack("{si si}", "since", 2, "limit", 3));
    assert_int_equal(json_array_size(json_object_get(r, "events")), 3);
    assert_int_equal(s_seq(json_array_get(json_object_get(r, "events"), 0)), 3);
    json_decref(r);
    r = e2e_ok(e, "events.since", e2e_pack("{si si}", "since", 0, "limit", 10000));
    assert_int_equal(json_array_size(json_object_get(r, "events")), head);
    json_decref(r);
    assert_string_equal(e2e_fail(e, "events.since", e2e_pack("{si}", "since", -1)),
                        "invalid_argument");
    assert_string_equal(e2e_fail(e, "events.since", e2e_pack("{si si}", "since", 0, "limit", 0)),
                        "invalid_argument");
    assert_string_equal(e2e_fail(e, "events.since",
                                 e2e_pack("{si si}", "since", 0, "limit", 10001)),
                        "invalid_argument");
    assert_string_equal(e2e_fail(e, "events.since", NULL), "bad_request");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_type_and_the_chain, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_prefix_subscription, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_late_subscriber_catches_up, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_missed_events_are_filled, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_events_since_limits, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
