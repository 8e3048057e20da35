/* test_aynid_security.c: aynid secure by default: CURVE on both sockets, only registered
 * and enabled devices get in, each op checks the caller's role, and the ledger names the
 * device behind every change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <zmq.h>

#include "error.h"
#include "harness.h"
#include "mem.h"
#include "provision.h"
#include "secure.h"

static void
test_refuses_to_start_open_or_without_keys(void **state)
{
    (void)state;
    struct e2e *e = e2e_new();
    e->secure = true; /* no --insecure, and no keys made */
    assert_int_equal(e2e_start_args(e, NULL), 1);
    assert_true(e2e_log_has(e, "--init-admin"));
    e->secure = false; /* --insecure on an endpoint others can reach */
    const char *const tcp[] = {"--api", "tcp://0.0.0.0:5599", NULL};
    assert_int_equal(e2e_start_args(e, tcp), 2);
    assert_true(e2e_log_has(e, "only when every endpoint is loopback or ipc://"));
    e2e_destroy(&e);
}

/* A free TCP port on loopback, for a test's own endpoint. */
static unsigned
s_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/* The loopback rule of --insecure once checked a prefix ('tcp://127.evil:1' passed it, and
 * failed later at bind), and 'tcp://localhost:…' and 'tcp://[::1]:…', which SECURITY.md
 * lists, did not bind at all. */
static void
test_insecure_only_on_loopback(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "tcp://127.evil:5599", "tcp://127.0.0.1:5599;tcp://0.0.0.0:5598", "tcp://0.0.0.0:5599",
        "tcp://[::]:5599", "tcp://localhost.example.org:5599", "tcp://127.0.0.1:",
        "tcp://127.0.0.1:99999", "tcp://[::1]5599", "tcp://128.0.0.1:5599", "ipc://",
    };
    struct e2e *e = e2e_new();
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        const char *const args[] = {"--api", refused[i], NULL};
        if (e2e_start_args(e, args) != 2 ||
            !e2e_log_has(e, "only when every endpoint is loopback or ipc://"))
            fail_msg("--insecure accepted '%s'", refused[i]);
    }
    static const char *const hosts[] = {"localhost", "[::1]", "127.0.0.2"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        free(e->api);
        e->api = xasprintf("tcp://%s:%u", hosts[i], s_free_port());
        e2e_start(e);
        json_t *info = e2e_ok(e, "server.info", NULL);
        assert_false(json_is_true(json_object_get(info, "secure")));
        json_decref(info);
        assert_int_equal(e2e_stop(e), 0);
    }
    e2e_destroy(&e);
}

static void
test_only_registered_enabled_devices_get_answers(void **state)
{
    struct e2e_secure *s = *state;
    struct proto_curve admin = e2e_curve(&s->admin);
    assert_int_equal(e2e_call_as(s, &admin, "server.info", NULL, NULL, NULL, 0), 0);
    /* no key at all */
    assert_int_equal(e2e_call_as(s, NULL, "server.info", NULL, NULL, NULL, 0), AYNI_EUNAVAILABLE);
    /* a key nobody registered */
    struct proto_provision stranger = s->admin;
    proto_provision_keypair(&stranger);
    struct proto_curve k = e2e_curve(&stranger);
    assert_int_equal(e2e_call_as(s, &k, "server.info", NULL, NULL, NULL, 0), AYNI_EUNAVAILABLE);
    /* the admin's key, but the wrong server key */
    k = admin;
    k.server_key[0] ^= 1;
    assert_int_equal(e2e_call_as(s, &k, "server.info", NULL, NULL, NULL, 0), AYNI_EUNAVAILABLE);
    /* a device that worked, then was disabled */
    struct proto_provision tablet = e2e_device(s, "tablet-07", "scanner", "Equipo Huánuco");
    k = e2e_curve(&tablet);
    assert_int_equal(e2e_call_as(s, &k, "keys.public", NULL, NULL, NULL, 0), 0);
    assert_int_equal(e2e_call_as(s, &admin, "device.disable", e2e_pack("{ss}", "name", "tablet-07"),
                               NULL, NULL, 0),
                     0);
    assert_int_equal(e2e_call_as(s, &k, "keys.public", NULL, NULL, NULL, 0), AYNI_EUNAVAILABLE);
    e2e_assert_running(s->e);
    assert_true(e2e_log_has(s->e, "connection refused: device disabled"));
    assert_true(e2e_log_has(s->e, "connection refused: unknown device key"));
}

/* Subscribe with keys (NULL: none) and report whether any event arrives. */
static bool
s_events_reach(struct e2e_secure *s, const struct proto_curve *k)
{
    void *sub = e2e_socket(s->e, ZMQ_SUB, NULL);
    if (k)
        proto_curve_apply(sub, k);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
    assert_int_equal(zmq_connect(sub, s->e->events), 0);
    struct proto_curve admin = e2e_curve(&s->admin);
    bool got = false;
    for (int i = 0; i < 10 && !got; i++) {
        char code[32];
        snprintf(code, sizeof code, "D-%d-%u", i, randombytes_random() % 100000);
        assert_int_equal(e2e_call_as(s, &admin, "donor.add",
                                   e2e_pack("{ssss}", "code", code, "name", "Donante"), NULL,
                                   NULL, 0),
                         0);
        json_t *ev = e2e_sub_next(sub, 100);
        got = ev != NULL;
        json_decref(ev);
    }
    e2e_close(s->e, &sub);
    return got;
}

static void
test_events_only_for_devices_that_may_read(void **state)
{
    struct e2e_secure *s = *state;
    struct proto_curve admin = e2e_curve(&s->admin);
    struct proto_provision reader = e2e_device(s, "lector-1", "reader", NULL);
    struct proto_provision scanner = e2e_device(s, "tablet-08", "scanner", "Equipo Huánuco");
    struct proto_curve r = e2e_curve(&reader), sc = e2e_curve(&scanner);
    assert_true(s_events_reach(s, &admin));
    assert_true(s_events_reach(s, &r));
    assert_false(s_events_reach(s, NULL));
    assert_false(s_events_reach(s, &sc));
    assert_int_equal(e2e_call_as(s, &admin, "device.disable", e2e_pack("{ss}", "name", "lector-1"),
                               NULL, NULL, 0),
                     0);
    assert_false(s_events_reach(s, &r));
}

static void
test_roles_and_the_device_in_the_ledger(void **state)
{
    struct e2e_secure *s = *state;
    struct proto_curve admin = e2e_curve(&s->admin);
    char msg[512];
    json_t *r = NULL;
    struct proto_provision wh = e2e_device(s, "almacen-sjl-1", "warehouse", NULL);
    struct proto_provision sc = e2e_device(s, "tablet-09", "scanner", "Equipo Huánuco");
    struct proto_provision rd = e2e_device(s, "lector-2", "reader", NULL);
    struct proto_curve kw = e2e_curve(&wh), ks = e2e_curve(&sc), kr = e2e_curve(&rd);
    assert_int_equal(e2e_call_as(s, &kw, "location.add",
                               e2e_pack("{ssssss}", "code", "ALM-LIMA", "kind", "warehouse", "name",
                                        "Almacén Lima"), NULL, NULL, 0), 0);
    assert_int_equal(e2e_call_as(s, &kw, "donor.add",
                               e2e_pack("{ssss}", "code", "CARE-PE", "name", "CARE Perú"), NULL,
                               NULL, 0), 0);
    assert_int_equal(e2e_call_as(s, &kw, "item.add",
                               e2e_pack("{ssssssss}", "code", "HYGIENE-KIT", "name_es",
                                        "Kit de higiene", "name_en", "Hygiene kit", "tracking",
                                        "lot"), NULL, NULL, 0), 0);
    json_t *receive = e2e_pack("{ss ss ss ss si}", "at", "ALM-LIMA", "donor", "CARE-PE", "item",
                               "HYGIENE-KIT", "lot", "H1", "qty", 10);
    /* a scanner may not receive stock; the refusal names the op and the role */
    assert_int_equal(e2e_call_as(s, &ks, "stock.receive", json_deep_copy(receive), NULL, msg,
                               sizeof msg), AYNI_EDENIED);
    assert_non_null(strstr(msg, "stock.receive"));
    assert_non_null(strstr(msg, "role scanner"));
    /* a reader reads, but may not move anything or manage devices */
    assert_int_equal(e2e_call_as(s, &kr, "stock.levels", NULL, NULL, NULL, 0), 0);
    assert_int_equal(e2e_call_as(s, &kr, "shipment.dispatch",
                               e2e_pack("{ss}", "shipment", "ENV-2026-000001"), NULL, msg,
                               sizeof msg), AYNI_EDENIED);
    assert_non_null(strstr(msg, "role reader"));
    assert_int_equal(e2e_call_as(s, &kw, "device.list", NULL, NULL, NULL, 0), AYNI_EDENIED);
    assert_int_equal(e2e_call_as(s, &admin, "device.list", NULL, &r, NULL, 0), 0);
    assert_true(json_array_size(r) >= 4);
    json_decref(r);
    /* the warehouse device receives: the movement and the event name it */
    assert_int_equal(e2e_call_as(s, &kw, "stock.receive", receive, NULL, NULL, 0), 0);
    assert_int_equal(e2e_call_as(s, &admin, "events.since",
                               e2e_pack("{sIsi}", "since", (json_int_t)0, "limit", 1000), &r,
                               NULL, 0), 0);
    json_t *events = json_object_get(r, "events"), *ev, *received = NULL;
    size_t i;
    json_array_foreach(events, i, ev) if (!strcmp(json_string_value(json_object_get(ev, "type")),
                                                  "stock.received")) received = ev;
    assert_non_null(received);
    assert_string_equal(json_string_value(json_object_get(received, "actor")), "almacen-sjl-1");
    json_decref(r);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(s->e->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT actor FROM movements WHERE kind = 'receive'",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "almacen-sjl-1");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A disabled device once kept its open event subscription, and heard every new event
 * until aynid restarted.  Disabling a device now drops every subscriber: each comes back
 * through the device check, and the disabled one is refused; the others catch up. */
static void
test_disabled_device_loses_its_subscription(void **state)
{
    struct e2e_secure *s = *state;
    struct proto_curve admin = e2e_curve(&s->admin);
    struct proto_provision reader = e2e_device(s, "lector-9", "reader", NULL);
    struct proto_curve kr = e2e_curve(&reader);
    void *subs[2];
    const struct proto_curve *keys[2] = {&kr, &admin};
    for (int i = 0; i < 2; i++) {
        subs[i] = e2e_socket(s->e, ZMQ_SUB, NULL);
        proto_curve_apply(subs[i], keys[i]);
        zmq_setsockopt(subs[i], ZMQ_SUBSCRIBE, "donor.added", 11);
        assert_int_equal(zmq_connect(subs[i], s->e->events), 0);
    }
    /* both subscriptions are up: each hears a new donor */
    for (int i = 0; i < 2; i++) {
        json_t *ev = NULL;
        for (int tries = 0; tries < 50 && !ev; tries++) {
            char code[32];
            snprintf(code, sizeof code, "ANTES-%d-%d", i, tries);
            assert_int_equal(e2e_call_as(s, &admin, "donor.add",
                                       e2e_pack("{ssss}", "code", code, "name", "Donante"),
                                       NULL, NULL, 0), 0);
            ev = e2e_sub_next(subs[i], 100);
        }
        assert_non_null(ev);
        json_decref(ev);
    }
    assert_int_equal(e2e_call_as(s, &admin, "device.disable", e2e_pack("{ss}", "name", "lector-9"),
                               NULL, NULL, 0), 0);
    /* for two seconds, new donors: the admin hears them again, the disabled reader never */
    bool admin_heard = false;
    long t0 = e2e_now_ms();
    for (int i = 0; e2e_now_ms() - t0 < 2000; i++) {
        char code[32];
        snprintf(code, sizeof code, "DESPUES-%d", i);
        assert_int_equal(e2e_call_as(s, &admin, "donor.add",
                                   e2e_pack("{ssss}", "code", code, "name", "Donante"), NULL,
                                   NULL, 0), 0);
        json_t *ev;
        while ((ev = e2e_sub_next(subs[0], 20))) {
            const char *got = json_string_value(
                json_object_get(json_object_get(ev, "donor"), "code"));
            if (got && !strncmp(got, "DESPUES-", 8))
                fail_msg("disabled device 'lector-9' still hears events: %s", got);
            json_decref(ev);
        }
        while ((ev = e2e_sub_next(subs[1], 20))) {
            const char *got = json_string_value(
                json_object_get(json_object_get(ev, "donor"), "code"));
            admin_heard = admin_heard || (got && !strncmp(got, "DESPUES-", 8));
            json_decref(ev);
        }
    }
    assert_true(admin_heard);
    assert_true(e2e_log_has(s->e, "connection refused: device disabled"));
    for (int i = 0; i < 2; i++)
        e2e_close(s->e, &subs[i]);
    sodium_memzero(&reader, sizeof reader);
}

/* The last admin once could disable itself, and then nobody could add or disable a
 * device. */
static void
test_last_admin_stays(void **state)
{
    struct e2e_secure *s = *state;
    struct proto_curve admin = e2e_curve(&s->admin);
    char msg[512];
    assert_int_equal(e2e_call_as(s, &admin, "device.disable", e2e_pack("{ss}", "name", "admin"),
                               NULL, msg, sizeof msg),
                     AYNI_ESTATE);
    assert_non_null(strstr(msg, "last enabled admin"));
    struct proto_provision second = e2e_device(s, "admin-2", "admin", NULL);
    assert_int_equal(e2e_call_as(s, &admin, "device.disable", e2e_pack("{ss}", "name", "admin"),
                               NULL, NULL, 0),
                     0);
    struct proto_curve k2 = e2e_curve(&second);
    assert_int_equal(e2e_call_as(s, &k2, "device.disable", e2e_pack("{ss}", "name", "admin-2"),
                               NULL, NULL, 0),
                     AYNI_ESTATE);
    assert_int_equal(e2e_call_as(s, &k2, "device.list", NULL, NULL, NULL, 0), 0);
    sodium_memzero(&second, sizeof second);
}

/* Run aynid with args (a shell fragment) on the test's ledger; its exit status, and its
 * standard error in *out (a new string) if out is not NULL. */
static int
s_aynid_run(struct e2e_secure *s, const char *args, char **out)
{
    char *err = xasprintf("%s/run.err", s->e->dir);
    char *cmd = xasprintf("AYNI_LANG=en '%s' --db '%s' --keys '%s' --api '%s' --events '%s' %s "
                          "2>'%s'",
                          getenv("AYNID"), s->e->db, s->e->keys, s->e->api, s->e->events, args,
                          err);
    int st = system(cmd);
    if (out)
        *out = e2e_slurp(err);
    free(cmd);
    free(err);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* With every admin's file lost there was no way back but hand-written SQL: now an
 * operator with the ledger and the keys runs 'aynid --recover-admin FILE'. */
static void
test_recover_admin(void **state)
{
    struct e2e_secure *s = *state;
    char *out = NULL, *file = xasprintf("%s/recovered.json", s->e->dir);
    char *args = xasprintf("--recover-admin '%s'", file);
    /* not while aynid runs: it holds the ledger */
    assert_int_equal(s_aynid_run(s, args, &out), 1);
    assert_non_null(strstr(out, "in use by another aynid"));
    free(out);
    assert_int_equal(e2e_stop(s->e), 0);
    assert_int_equal(s_aynid_run(s, args, &out), 0);
    assert_non_null(strstr(out, "'admin-recovery' registered"));
    free(out);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a second one gets the next free name; a name taken is refused, not reused */
    char *file2 = xasprintf("%s/recovered-2.json", s->e->dir);
    char *args2 = xasprintf("--recover-admin '%s'", file2);
    assert_int_equal(s_aynid_run(s, args2, &out), 0);
    assert_non_null(strstr(out, "'admin-recovery-2' registered"));
    free(out);
    char *args3 = xasprintf("--recover-admin '%s/x.json' --name admin", s->e->dir);
    assert_int_equal(s_aynid_run(s, args3, &out), 1);
    assert_non_null(strstr(out, "exists already"));
    free(out);
    assert_int_equal(s_aynid_run(s, "--name x", NULL), 2);
    /* the recovered admin works, and the ledger says how it came to be */
    e2e_start(s->e);
    struct proto_provision p;
    char err[512];
    assert_int_equal(proto_provision_load(file, &p, err, sizeof err), 0);
    struct proto_curve k = e2e_curve(&p);
    json_t *r = NULL;
    assert_int_equal(e2e_call_as(s, &k, "device.list", NULL, &r, NULL, 0), 0);
    json_decref(r);
    assert_int_equal(e2e_call_as(s, &k, "device.disable", e2e_pack("{ss}", "name", "admin"), NULL,
                               NULL, 0), 0);
    assert_int_equal(e2e_call_as(s, &k, "events.since",
                               e2e_pack("{sIsi}", "since", (json_int_t)0, "limit", 1000), &r,
                               NULL, 0), 0);
    json_t *ev;
    size_t i;
    int recovered = 0;
    json_array_foreach(json_object_get(r, "events"), i, ev) {
        const char *actor = json_string_value(json_object_get(ev, "actor"));
        recovered += !strcmp(json_string_value(json_object_get(ev, "type")), "device.added") &&
                     actor && !strcmp(actor, "aynid --recover-admin");
    }
    assert_int_equal(recovered, 2);
    json_decref(r);
    sodium_memzero(&p, sizeof p);
    free(args3);
    free(args2);
    free(file2);
    free(args);
    free(file);
}

/* A ledger that was never made secure has no admin to recover. */
static void
test_recover_admin_needs_the_curve_key(void **state)
{
    (void)state;
    struct e2e *e = e2e_new();
    e2e_start(e);
    assert_int_equal(e2e_stop(e), 0);
    char *cmd = xasprintf("AYNI_LANG=en '%s' --db '%s' --keys '%s' --recover-admin '%s/r.json' "
                          "2>'%s/r.err'",
                          getenv("AYNID"), e->db, e->keys, e->dir, e->dir);
    int st = system(cmd);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    char *path = xasprintf("%s/r.err", e->dir), *out = e2e_slurp(path);
    assert_non_null(strstr(out, "never made secure"));
    free(out);
    free(path);
    free(cmd);
    e2e_destroy(&e);
}

/* server.info once showed every scanner where the ledger lives on the host. */
static void
test_server_info_db_path_for_admins_only(void **state)
{
    struct e2e_secure *s = *state;
    struct proto_curve admin = e2e_curve(&s->admin);
    struct proto_provision scanner = e2e_device(s, "phone-3", "scanner", "Equipo Huánuco");
    struct proto_curve sk = e2e_curve(&scanner);
    json_t *info = NULL;
    assert_int_equal(e2e_call_as(s, &sk, "server.info", NULL, &info, NULL, 0), 0);
    assert_null(json_object_get(info, "db"));
    assert_non_null(json_object_get(info, "events"));
    json_decref(info);
    assert_int_equal(e2e_call_as(s, &admin, "server.info", NULL, &info, NULL, 0), 0);
    assert_string_equal(json_string_value(json_object_get(info, "db")), s->e->db);
    json_decref(info);
    sodium_memzero(&scanner, sizeof scanner);
}

/* device.add once accepted the all-zero key and the core's own CURVE key. */
static void
test_device_add_refuses_keys_of_no_device(void **state)
{
    struct e2e_secure *s = *state;
    struct proto_curve admin = e2e_curve(&s->admin);
    char own[65], msg[512];
    sodium_bin2hex(own, sizeof own, s->admin.server_key, 32);
    const char *keys[] = {"0000000000000000000000000000000000000000000000000000000000000000", own};
    for (size_t i = 0; i < 2; i++) {
        json_t *r = NULL;
        assert_int_equal(e2e_call_as(s, &admin, "device.add",
                                   e2e_pack("{ssssss}", "name", "rogue", "role", "scanner",
                                            "public_key", keys[i]),
                                   &r, msg, sizeof msg),
                         AYNI_EINVAL);
        assert_non_null(strstr(msg, i == 0 ? "all zeros" : "the core's own CURVE key"));
        json_decref(r);
    }
    json_t *list = NULL;
    assert_int_equal(e2e_call_as(s, &admin, "device.list", NULL, &list, NULL, 0), 0);
    assert_int_equal(json_array_size(list), 1); /* the admin alone */
    json_decref(list);
}

static void
test_key_files_are_private(void **state)
{
    struct e2e_secure *s = *state;
    char *key = xasprintf("%s/curve.key", s->e->keys), err[512];
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
    assert_int_equal(e2e_stop(s->e), 0);
    chmod(key, 0644); /* aynid refuses a secret key others can read */
    assert_true(e2e_start_args(s->e, NULL) > 0);
    assert_true(e2e_log_has(s->e, "curve.key"));
    chmod(key, 0600);
    e2e_start(s->e);
    /* a provisioning file others can read is refused by the clients */
    chmod(s->admin_file, 0640);
    struct proto_provision p;
    assert_int_equal(proto_provision_load(s->admin_file, &p, err, sizeof err), AYNI_EIO);
    assert_non_null(strstr(err, "chmod 600"));
    chmod(s->admin_file, 0600);
    /* and the log never shows key material */
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, s->admin.secret_key, 32);
    char *log = e2e_log(s->e);
    assert_null(strstr(log, hex));
    free(log);
    free(key);
}

int
main(void)
{
    assert_true(sodium_init() >= 0);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses_to_start_open_or_without_keys),
        cmocka_unit_test(test_insecure_only_on_loopback),
        E2E_SECURE_TEST(test_only_registered_enabled_devices_get_answers),
        E2E_SECURE_TEST(test_events_only_for_devices_that_may_read),
        E2E_SECURE_TEST(test_roles_and_the_device_in_the_ledger),
        E2E_SECURE_TEST(test_disabled_device_loses_its_subscription),
        E2E_SECURE_TEST(test_last_admin_stays),
        E2E_SECURE_TEST(test_recover_admin),
        cmocka_unit_test(test_recover_admin_needs_the_curve_key),
        E2E_SECURE_TEST(test_server_info_db_path_for_admins_only),
        E2E_SECURE_TEST(test_device_add_refuses_keys_of_no_device),
        E2E_SECURE_TEST(test_key_files_are_private),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
