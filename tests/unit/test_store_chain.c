/* test_store_chain.c: signed checkpoints of the event chain in the store
 * (core/store/store_chain.c).
 *
 * A checkpoint signs the head as it was, its own event is the next link (and verifies
 * with the rest of the chain), nothing is signed twice while nothing happens, and the
 * list pages and refuses bad arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "checkpoint.h"
#include "error.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))

static unsigned char s_pk[32], s_sk[64];

static int
s_setup(void **state)
{
    if (sodium_init() < 0)
        return -1;
    crypto_sign_keypair(s_pk, s_sk);
    return sf_setup(state);
}

static void
s_sign(core_store_t *s, int64_t want_seq)
{
    int64_t head;
    char hash[65];
    assert_int_equal(core_events_head(s, &head, hash), 0);
    json_t *r = NULL;
    assert_int_equal(core_chain_checkpoint(s, s_sk, &r), 0);
    assert_non_null(r);
    assert_int_equal(json_integer_value(json_object_get(r, "seq")), want_seq);
    assert_int_equal(head, want_seq);
    assert_string_equal(json_string_value(json_object_get(r, "hash")), hash);
    struct core_checkpoint c;
    assert_int_equal(core_checkpoint_from_json(r, &c, NULL, 0), 0);
    assert_int_equal(core_checkpoint_verify(&c, s_pk), CORE_CHECKPOINT_GENUINE);
    json_decref(r);
}

static void
test_signs_the_head(void **state)
{
    core_store_t *s = FIX(state)->store;
    int64_t n, head;
    char hash[65];
    assert_int_equal(core_events_head(s, &head, hash), 0);
    assert_true(head > 0); /* the catalog's events */
    assert_int_equal(core_chain_pending(s, &n), 0);
    assert_int_equal(n, head);
    s_sign(s, head);

    /* Its event is the next link: seq + 1, in the chain, holding the checkpoint. */
    json_t *ev = NULL;
    assert_int_equal(core_events_since(s, head, 10, &ev), 0);
    assert_int_equal(json_array_size(ev), 1);
    json_t *e = json_array_get(ev, 0);
    assert_string_equal(json_string_value(json_object_get(e, "type")), "ledger.checkpoint");
    assert_int_equal(json_integer_value(json_object_get(e, "seq")), head + 1);
    json_t *cp = json_object_get(e, "checkpoint");
    assert_int_equal(json_integer_value(json_object_get(cp, "seq")), head);
    assert_string_equal(json_string_value(json_object_get(cp, "hash")), hash);
    json_decref(ev);
    sf_verify_ok(s);

    /* Nothing happened since: nothing to sign, and nothing written. */
    assert_int_equal(core_chain_pending(s, &n), 0);
    assert_int_equal(n, 0);
    json_t *r = (json_t *)1;
    assert_int_equal(core_chain_checkpoint(s, s_sk, &r), 0);
    assert_null(r);
    assert_int_equal(sf_events(s), head + 1);

    /* Two events later, the next one signs them. */
    sf_receive(s, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "L-1", NULL, 30);
    assert_int_equal(core_chain_pending(s, &n), 0);
    assert_true(n >= 1);
    s_sign(s, head + 1 + n);
    sf_verify_ok(s);

    json_t *list = NULL;
    assert_int_equal(core_chain_checkpoints(s, 0, 10, &list), 0);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    assert_int_equal(core_chain_checkpoints(s, head, 10, &list), 0);
    assert_int_equal(json_array_size(list), 1); /* only the one of a seq above head */
    json_decref(list);
    assert_int_equal(core_chain_checkpoints(s, 0, 1, &list), 0);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
}

static void
test_empty_and_bad_arguments(void **state)
{
    core_store_t *s = FIX(state)->store;
    json_t *r = (json_t *)1, *list = NULL;
    assert_int_equal(core_chain_checkpoint(s, s_sk, &r), 0);
    assert_null(r); /* an empty ledger has no head to sign */
    assert_int_equal(core_chain_checkpoints(s, 0, 10, &list), 0);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    assert_int_equal(core_chain_checkpoints(s, 0, 0, &list), AYNI_EINVAL);
    assert_int_equal(core_chain_checkpoints(s, 0, 10001, &list), AYNI_EINVAL);
    assert_int_equal(core_chain_checkpoints(s, -1, 10, &list), AYNI_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signs_the_head, s_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_bad_arguments, sf_setup_empty,
                                        sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
