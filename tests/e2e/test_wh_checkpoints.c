/* test_wh_checkpoints.c: signed checkpoints of the event chain, end to end (docs/PROOF.md).
 *
 * A real aynid makes them by count, by time and on stopping (and none while nothing
 * happens); `ayni-warehouse ledger checkpoints -o` exports them; then the ledger file is
 * tampered with by direct SQL, as someone who can write it would: a donor renamed after a
 * checkpoint with every later hash computed again (the chain alone stays consistent, and
 * plain `ledger verify` passes), and the newest events cut off.  `ledger verify
 * --checkpoints` must catch both and say where; an untouched ledger must pass; a file
 * edited, of another core, or not JSON Lines must be refused naming its line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "checkpoint.h"
#include "mem.h"
#include "wh_cli.h"

static void
s_sql(const char *db_path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* One integer from the ledger (aynid stopped or not: it only reads). */
static long long
s_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void
s_donors(struct e2e *e, int from, int to)
{
    for (int i = from; i <= to; i++) {
        char code[16], name[32];
        snprintf(code, sizeof code, "DON-%02d", i);
        snprintf(name, sizeof name, "Donante %02d", i);
        json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", code, "name", name)));
    }
}

static void
s_start(struct e2e *e, const char *every, const char *hours)
{
    const char *args[] = {"--checkpoint-every", every, "--checkpoint-hours", hours, NULL};
    assert_int_equal(e2e_start_args(e, args), 0);
}

/* Rename a donor in the ledger after the checkpoint at seq 4, as someone with the file
 * would do it to hide where goods went: the donors row and the donor.added event at seq 6,
 * with every hash from there on computed again (docs/PROTOCOL.md 7.2), and the
 * append-only trigger put back, so that nothing but the checkpoints can tell. */
static void
s_rewrite(const char *db_path)
{
    sqlite3 *db;
    sqlite3_stmt *st, *up;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN; DROP TRIGGER events_append_only_u;"
                                      "UPDATE donors SET name = 'Otro' WHERE code = 'DON-05'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, body FROM events ORDER BY seq", -1,
                                        &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE events SET body = ?2, hash = ?3 WHERE seq = ?1",
                                        -1, &up, NULL), SQLITE_OK);
    unsigned char prev[32] = {0};
    bool changed = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        long long seq = sqlite3_column_int64(st, 0);
        char *body = xasprintf("%s", (const char *)sqlite3_column_text(st, 1));
        char *at = strstr(body, "Donante 05");
        if (seq == 6) {
            assert_non_null(at); /* the event this test means */
            memcpy(at, "Otro\"", 5);
            memmove(at + 4, at + 10, strlen(at + 10) + 1);
            changed = true;
        }
        crypto_hash_sha256_state h;
        crypto_hash_sha256_init(&h);
        crypto_hash_sha256_update(&h, prev, 32);
        crypto_hash_sha256_update(&h, (const unsigned char *)body, strlen(body));
        crypto_hash_sha256_final(&h, prev);
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, prev, 32);
        sqlite3_bind_int64(up, 1, seq);
        sqlite3_bind_text(up, 2, body, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(up, 3, hex, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(up), SQLITE_DONE);
        sqlite3_reset(up);
        free(body);
    }
    assert_true(changed);
    sqlite3_finalize(st);
    sqlite3_finalize(up);
    assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events"
                                      " BEGIN SELECT RAISE(ABORT, 'the event log is append-only');"
                                      " END; COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The newest events cut off after seq 10 (the checkpoint of seq 9 is kept, that of 12
 * goes), with what they added, so that the rest is consistent. */
static void
s_cut(const char *db_path)
{
    s_sql(db_path, "BEGIN; DROP TRIGGER events_append_only_d;"
                   "DELETE FROM events WHERE seq > 10; DELETE FROM checkpoints WHERE seq > 10;"
                   "DELETE FROM donors WHERE code IN ('DON-09', 'DON-10');"
                   "CREATE TRIGGER events_append_only_d BEFORE DELETE ON events"
                   " BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END; COMMIT");
}

static void
s_restore(struct e2e *e, const char *copy)
{
    char *wal = xasprintf("%s-wal", e->db), *shm = xasprintf("%s-shm", e->db);
    unlink(wal);
    unlink(shm);
    int status;
    free(wh_sh(&status, "cp '%s' '%s'", copy, e->db));
    assert_int_equal(status, 0);
    free(wal);
    free(shm);
}

static json_t *
s_verify(struct e2e *e, int want, const char *file)
{
    json_t *r = wh_json(e, want, "ledger", "verify", "--checkpoints", file, NULL);
    json_t *c = json_object_get(r, "checkpoints");
    assert_non_null(c);
    json_incref(c);
    json_decref(r);
    return c;
}

static long long
s_at_seq(json_t *rep, const char *key)
{
    json_t *p = json_object_get(rep, key);
    assert_true(json_is_object(p));
    return (long long)json_integer_value(json_object_get(p, "seq"));
}

static void
test_rewrite_and_cut(void **state)
{
    (void)state;
    struct e2e *e = e2e_new();
    s_start(e, "4", "1");
    s_donors(e, 1, 10); /* events 1-4, checkpoint 5; 6-9, checkpoint 10; 11-12 */
    assert_int_equal(e2e_stop(e), 0); /* and one of 12 on stopping, event 13 */
    assert_int_equal(s_int(e->db, "SELECT COUNT(*) FROM checkpoints"), 3);
    assert_int_equal(s_int(e->db, "SELECT group_concat(seq) = '4,9,12' FROM"
                                  " (SELECT seq FROM checkpoints ORDER BY seq)"), 1);
    assert_int_equal(s_int(e->db, "SELECT group_concat(seq) = '5,10,13' FROM (SELECT seq FROM"
                                  " events WHERE type = 'ledger.checkpoint' ORDER BY seq)"), 1);
    /* Nothing happened since: stopping again signs nothing. */
    s_start(e, "4", "1");
    assert_int_equal(e2e_stop(e), 0);
    assert_int_equal(s_int(e->db, "SELECT COUNT(*) FROM checkpoints"), 3);

    s_start(e, "4", "1");
    char *file = xasprintf("%s/audit/checkpoints.jsonl", e->dir);
    char *out = wh_expect(e, 0, "ledger", "checkpoints", "-o", file, NULL);
    WH_HAS(out, "3");
    WH_HAS(out, file);
    free(out);
    int status;
    char *lines = wh_sh(&status, "wc -l < '%s'", file);
    assert_int_equal(atoi(lines), 3);
    free(lines);

    /* Untouched: it passes, and says so. */
    json_t *rep = s_verify(e, 0, file);
    assert_true(json_is_true(json_object_get(rep, "ok")));
    assert_int_equal(s_at_seq(rep, "agrees"), 12);
    assert_true(json_is_null(json_object_get(rep, "rewritten")));
    assert_true(json_is_null(json_object_get(rep, "cut")));
    json_decref(rep);
    out = wh_expect(e, 0, "ledger", "verify", "--checkpoints", file, NULL);
    WH_HAS(out, "checkpoints");
    free(out);

    assert_int_equal(e2e_stop(e), 0);
    char *copy = xasprintf("%s/copy.db", e->dir);
    char *vacuum = xasprintf("VACUUM INTO '%s'", copy);
    s_sql(e->db, vacuum);
    free(vacuum);

    /* Rewritten consistently after the checkpoint of seq 4: the chain alone passes. */
    s_rewrite(e->db);
    s_start(e, "4", "1");
    json_t *plain = wh_json(e, 0, "ledger", "verify", NULL);
    assert_true(json_is_true(json_object_get(plain, "ok")));
    json_decref(plain);
    rep = s_verify(e, 1, file);
    assert_false(json_is_true(json_object_get(rep, "ok")));
    assert_int_equal(s_at_seq(rep, "rewritten"), 9);
    assert_int_equal(s_at_seq(rep, "agrees"), 4);
    assert_true(json_is_null(json_object_get(rep, "cut")));
    json_decref(rep);
    out = wh_expect(e, 1, "ledger", "verify", "--checkpoints", file, NULL);
    WH_HAS(out, "seq 9");
    WH_HAS(out, "seq 4");
    free(out);
    assert_int_equal(e2e_stop(e), 0);

    /* The newest events cut off: what is left is consistent. */
    s_restore(e, copy);
    s_cut(e->db);
    s_start(e, "4", "1");
    plain = wh_json(e, 0, "ledger", "verify", NULL);
    assert_true(json_is_true(json_object_get(plain, "ok")));
    json_decref(plain);
    rep = s_verify(e, 1, file);
    assert_int_equal(s_at_seq(rep, "cut"), 12);
    assert_int_equal(json_integer_value(json_object_get(rep, "head")), 10);
    assert_int_equal(s_at_seq(rep, "agrees"), 9);
    assert_true(json_is_null(json_object_get(rep, "rewritten")));
    json_decref(rep);
    out = wh_expect(e, 1, "ledger", "verify", "--checkpoints", file, NULL);
    WH_HAS(out, "seq 10");
    WH_HAS(out, "seq 12");
    free(out);
    assert_int_equal(e2e_stop(e), 0);

    /* Put back, it passes again. */
    s_restore(e, copy);
    s_start(e, "4", "1");
    rep = s_verify(e, 0, file);
    assert_true(json_is_true(json_object_get(rep, "ok")));
    json_decref(rep);
    free(copy);
    free(file);
    e2e_destroy(&e);
}

/* A line of file, 1-based, as a new string (without its newline). */
static char *
s_line(const char *file, int n)
{
    int status;
    char *line = wh_sh(&status, "sed -n '%dp' '%s'", n, file);
    assert_int_equal(status, 0);
    line[strcspn(line, "\n")] = '\0';
    return line;
}

static void
test_bad_files(void **state)
{
    (void)state;
    struct e2e *e = e2e_new();
    s_start(e, "2", "1");
    s_donors(e, 1, 4); /* checkpoints of seq 2 and 5 */
    char *file = xasprintf("%s/cp.jsonl", e->dir);
    free(wh_expect(e, 0, "ledger", "checkpoints", "-o", file, NULL));
    char *first = s_line(file, 1), *second = s_line(file, 2);

    /* Edited: seq 5 made 4 on line 2. */
    char *edited = xasprintf("%s\n%s\n", first, second);
    char *seq = strstr(edited + strlen(first), "\"seq\":5");
    assert_non_null(seq);
    seq[6] = '4';
    char *path = wh_write(e->dir, "edited.jsonl", edited);
    char *err = wh_expect_err(e, 1, "ledger", "verify", "--checkpoints", path, NULL);
    WH_HAS(err, "2");
    WH_HAS(err, path);
    free(err);
    free(path);
    free(edited);

    /* Another core's: signed by another key. */
    unsigned char pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    struct core_checkpoint c = {.seq = 1};
    snprintf(c.hash, sizeof c.hash, "%064d", 0);
    snprintf(c.at, sizeof c.at, "2026-11-22T08:00:00Z");
    assert_int_equal(core_checkpoint_sign(&c, sk), 0);
    json_t *j = core_checkpoint_to_json(&c);
    char *foreign = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *text = xasprintf("%s\n%s\n", first, foreign);
    path = wh_write(e->dir, "foreign.jsonl", text);
    err = wh_expect_err(e, 1, "ledger", "verify", "--checkpoints", path, NULL);
    WH_HAS(err, "2");
    char id[9];
    sodium_bin2hex(id, sizeof id, c.key_id, 4);
    WH_HAS(err, id);
    free(err);
    free(path);
    free(text);
    free(foreign);

    /* Not JSON Lines: a JSON array, and a line cut short. */
    path = wh_write(e->dir, "array.json", "[{\"seq\":1}]\n");
    err = wh_expect_err(e, 2, "ledger", "verify", "--checkpoints", path, NULL);
    WH_HAS(err, "1");
    free(err);
    free(path);
    text = xasprintf("%s\n%.40s\n", first, second);
    path = wh_write(e->dir, "cut.jsonl", text);
    err = wh_expect_err(e, 2, "ledger", "verify", "--checkpoints", path, NULL);
    WH_HAS(err, "2");
    free(err);
    free(path);
    free(text);
    path = wh_write(e->dir, "empty.jsonl", "\n");
    free(wh_expect_err(e, 2, "ledger", "verify", "--checkpoints", path, NULL));
    free(path);
    free(wh_expect_err(e, 2, "ledger", "verify", "--checkpoints", "/nonexistent/cp.jsonl", NULL));

    free(first);
    free(second);
    free(file);
    assert_int_equal(e2e_stop(e), 0);
    e2e_destroy(&e);
}

/* With events and --checkpoint-hours of about a second, one comes by time alone.  (And
 * settings out of range are refused at start, naming the flag.) */
static void
test_by_time(void **state)
{
    (void)state;
    struct e2e *e = e2e_new();
    const char *bad[][3] = {{"--checkpoint-every", "0", "--checkpoint-every"},
                            {"--checkpoint-every", "12x", "--checkpoint-every"},
                            {"--checkpoint-hours", "0", "--checkpoint-hours"},
                            {"--checkpoint-hours", "9000", "--checkpoint-hours"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *args[] = {bad[i][0], bad[i][1], NULL};
        assert_int_equal(e2e_start_args(e, args), 2);
        assert_true(e2e_log_has(e, bad[i][2]));
    }
    s_start(e, "1000", "0.0003");
    s_donors(e, 1, 1);
    json_t *r = NULL;
    size_t n = 0;
    for (int i = 0; i < 100 && n == 0; i++) {
        struct timespec nap = {0, 100 * 1000 * 1000};
        nanosleep(&nap, NULL);
        json_decref(r);
        r = e2e_ok(e, "ledger.checkpoints", NULL);
        n = json_array_size(json_object_get(r, "checkpoints"));
    }
    assert_int_equal(n, 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(r, "checkpoints"), 0), "seq")), 1);
    json_decref(r);
    /* and no second one while nothing happens */
    struct timespec nap = {1, 500 * 1000 * 1000};
    nanosleep(&nap, NULL);
    r = e2e_ok(e, "ledger.checkpoints", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "checkpoints")), 1);
    json_decref(r);
    assert_int_equal(e2e_stop(e), 0);
    e2e_destroy(&e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrite_and_cut),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_by_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
