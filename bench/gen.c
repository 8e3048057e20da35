/* gen.c: ayni-bench-gen, which builds a big, realistic ledger for the benchmarks.
 *
 * Everything goes through the store API (core/store/store.h), so the ledger is exactly what
 * aynid would have written: balances, serial units, events and their hash chain.  Speed
 * comes from grouping a few thousand actions in one transaction (core_store_begin).
 * A year of history: donations, transfers, adjustments, shipments dispatched and
 * confirmed (some short); then, optionally, shipments still on the road, whose package
 * tokens it writes for the confirmation benchmark.  It never writes SQL of its own; a
 * second, read-only connection only counts the committed movements.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "error.h"
#include "gen.h"
#include "mem.h"
#include "signkey.h"
#include "token.h"

#define S_GROUP 4000          /* store actions per transaction */
#define S_IN_TRANSIT 200      /* shipments on the road before the oldest is confirmed */
#define S_DAY 86400L
#define S_CACHE_KIB 262144    /* the generator's page cache (aynid keeps SQLite's default) */

struct s_options {
    const char *db, *keys, *tokens;
    long movements, deliveries, open, packages;
    uint64_t seed;
    bool verify;
};

/* ---- errors, randomness, transactions ---- */

void
gen_die_store(struct gen *g, int rc, const char *what)
{
    bench_exit(1, "cannot %s: %s (%s)", what, core_store_errmsg(g->store), ayni_err_code(rc));
}

uint64_t
gen_rand(struct gen *g, uint64_t n)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return n ? z % n : 0;
}

long
gen_range(struct gen *g, long lo, long hi)
{
    return lo + (long)gen_rand(g, (uint64_t)(hi - lo + 1));
}

size_t
gen_pick(struct gen *g, const int *weights, size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    int r = (int)gen_rand(g, (uint64_t)total);
    for (size_t i = 0; i < n; i++)
        if ((r -= weights[i]) < 0)
            return i;
    return n - 1;
}

/* Commit the group, learn how many movements are really there, and begin again. */
static void
s_commit(struct gen *g, bool again)
{
    int rc = core_store_commit(g->store);
    if (rc)
        gen_die_store(g, rc, "commit");
    if (sqlite3_step(g->count_moves) == SQLITE_ROW)
        g->movements = (long)sqlite3_column_int64(g->count_moves, 0);
    sqlite3_reset(g->count_moves);
    g->group = 0;
    if (again && (rc = core_store_begin(g->store)))
        gen_die_store(g, rc, "begin a transaction");
}

void
gen_tick(struct gen *g)
{
    g->actions++;
    if (++g->group >= S_GROUP)
        s_commit(g, true);
}

/* ---- the clock ---- */

static double
s_frac(long done, long target)
{
    return target > 0 ? (double)done / (double)target : 1.0;
}

/* Move the clock to the share of the history done: working hours in Lima (13:00 to
 * 23:00 UTC), day after day, and never backwards. */
static void
s_clock(struct gen *g)
{
    double p = s_frac(g->movements, g->mov_target);
    double q = s_frac(g->planned, g->del_target);
    p = p < q ? p : q;
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    double days = p * (double)(g->t1 - g->t0) / S_DAY;
    long day = (long)days;
    time_t t = g->t0 + day * S_DAY + 13 * 3600 + (time_t)((days - (double)day) * 10 * 3600);
    g->now = t > g->now ? t : g->now + gen_range(g, 1, 20);
    core_store_set_now(g->store, g->now);
}

/* ---- what keeps the movements coming between shipments ---- */

/* From the warehouse that holds the most of an item to the one that holds the least, as
 * regional warehouses are restocked: stock moves about without piling up anywhere. */
static void
s_transfer(struct gen *g)
{
    static const int item_weights[GEN_ITEMS] = {20, 20, 10, 30, 20};
    int item = (int)gen_pick(g, item_weights, GEN_ITEMS), from = 0, to = 1;
    const struct gen_item *it = &gen_items[item];
    for (int w = 0; w < GEN_WAREHOUSES; w++) {
        if (gen_stock_on_hand(g, w, item) > gen_stock_on_hand(g, from, item))
            from = w;
        if (gen_stock_on_hand(g, w, item) < gen_stock_on_hand(g, to, item))
            to = w;
    }
    if (from == to)
        to = (from + 1) % GEN_WAREHOUSES;
    long qty = it->serial ? gen_range(g, 30, 120) : gen_range(g, 5, 40) * 10;
    gen_stock_ensure(g, from, item, qty);
    char **serials = it->serial ? gen_stock_take_serials(g, from, item, (size_t)qty) : NULL;
    struct core_take take = {it->code, NULL, qty, (const char *const *)serials,
                             it->serial ? (size_t)qty : 0};
    json_t *r = NULL;
    int rc = core_stock_transfer(g->store, gen_warehouse_codes[from], gen_warehouse_codes[to],
                                 &take, "Reposición de almacén regional", &r);
    if (rc)
        gen_die_store(g, rc, "transfer stock");
    g->movements += it->serial ? qty : (long)json_array_size(json_object_get(r, "lots"));
    json_decref(r);
    if (it->serial) {
        gen_stock_put_serials(g, to, item, serials, (size_t)qty);
        gen_serials_free(serials, (size_t)qty);
    } else {
        gen_stock_take(g, from, item, qty);
        gen_stock_put(g, to, item, qty);
    }
    g->transfers++;
    gen_tick(g);
}

static void
s_adjust(struct gen *g)
{
    static const char *const notes[] = {"Conteo mensual", "Caja mojada por lluvia",
                                        "Dañado en la descarga", "No encontrado en inventario"};
    int wh = (int)gen_rand(g, GEN_WAREHOUSES), item = (int)gen_rand(g, GEN_ITEMS), n = 0;
    const struct gen_item *it = &gen_items[item];
    long qty = it->serial ? 1 : gen_range(g, 1, 8);
    gen_stock_ensure(g, wh, item, qty);
    char **serials = it->serial ? gen_stock_take_serials(g, wh, item, 1) : NULL;
    struct core_take take = {it->code, NULL, -qty, (const char *const *)serials,
                             it->serial ? 1 : 0};
    int k = (int)gen_rand(g, 4);
    json_t *r = NULL;
    int rc = core_stock_adjust(g->store, gen_warehouse_codes[wh], &take,
                               k == 3 ? "lost" : "damaged", notes[k], &r);
    if (rc)
        gen_die_store(g, rc, "adjust stock");
    n = (int)json_array_size(json_object_get(r, "lots"));
    g->movements += it->serial ? 1 : n;
    json_decref(r);
    if (!it->serial)
        gen_stock_take(g, wh, item, qty);
    gen_serials_free(serials, it->serial ? 1 : 0);
    g->adjustments++;
    gen_tick(g);
}

/* Donations arrive when a warehouse runs short (gen_stock_ensure), not here: stock on hand
 * stays what a programme holds, a few lots of each item per warehouse. */
static void
s_filler(struct gen *g)
{
    if (gen_rand(g, 100) < 70)
        s_transfer(g);
    else
        s_adjust(g);
}

/* ---- the year of history ---- */

struct s_queue {
    struct gen_ship *v[S_IN_TRANSIT + 1];
    size_t head, n;
};

static void
s_deliver_oldest(struct gen *g, struct s_queue *q)
{
    struct gen_ship *sh = q->v[q->head];
    q->head = (q->head + 1) % (S_IN_TRANSIT + 1);
    q->n--;
    s_clock(g);
    gen_ship_deliver(g, sh);
    gen_ship_free(&sh);
}

static void
s_history(struct gen *g)
{
    struct s_queue q = {{0}, 0, 0};
    for (;;) {
        bool want_del = g->planned < g->del_target, want_mov = g->movements < g->mov_target;
        if (!want_del && !want_mov)
            break;
        s_clock(g);
        if (!want_del || (want_mov && s_frac(g->movements, g->mov_target) <
                                          s_frac(g->planned, g->del_target))) {
            s_filler(g);
            continue;
        }
        /* No plan packs more than 16 packages (3 lines of at most 6): near the end, the
         * last shipment gets exactly the deliveries still wanted. */
        long left = g->del_target - g->planned;
        struct gen_ship *sh = gen_ship_dispatch(g, left <= 16 ? (int)left : 0);
        sh->whole = left > 16 && gen_rand(g, 100) < 8;
        g->planned += sh->whole ? 1 : sh->npackages;
        q.v[(q.head + q.n++) % (S_IN_TRANSIT + 1)] = sh;
        if (q.n > S_IN_TRANSIT - 1)
            s_deliver_oldest(g, &q);
    }
    while (q.n)
        s_deliver_oldest(g, &q);
    s_commit(g, true); /* exact count: top up if the estimate was high */
    while (g->movements < g->mov_target) {
        for (long i = 0; i < 200; i++)
            s_filler(g);
        s_commit(g, true);
    }
}

/* ---- shipments still on the road, and their package tokens ---- */

static void
s_open_shipments(struct gen *g, const struct s_options *o, char ***tokens, size_t *ntokens)
{
    time_t start = (time(NULL) / S_DAY - 1) * S_DAY + 13 * 3600; /* yesterday, working hours */
    for (long i = 0; i < o->open; i++) {
        time_t t = start + (time_t)((double)i / (double)o->open * 10 * 3600);
        g->now = t > g->now ? t : g->now + 1;
        core_store_set_now(g->store, g->now);
        struct gen_ship *sh = gen_ship_dispatch(g, (int)o->packages);
        for (int k = 1; o->tokens && k <= sh->npackages; k++) {
            struct core_token tk = {.version = CORE_TOKEN_VERSION, .package = (unsigned)k,
                                    .count = (unsigned)sh->npackages};
            snprintf(tk.shipment, sizeof tk.shipment, "%s", sh->code);
            snprintf(tk.dest, sizeof tk.dest, "%s", sh->dest);
            char *text = NULL;
            if (core_token_issue(&tk, g->sk, &text) != 0)
                bench_exit(1, "cannot sign the token of package %d of '%s'", k, sh->code);
            *tokens = xrealloc(*tokens, (*ntokens + 1) * sizeof **tokens);
            (*tokens)[(*ntokens)++] = text;
        }
        gen_ship_free(&sh);
    }
}

static void
s_write_tokens(struct gen *g, const char *path, char **tokens, size_t n)
{
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates, with the seeded generator */
        size_t j = (size_t)gen_rand(g, i);
        char *t = tokens[i - 1];
        tokens[i - 1] = tokens[j];
        tokens[j] = t;
    }
    FILE *f = fopen(path, "w");
    if (!f)
        bench_exit(1, "cannot write '%s': %s", path, strerror(errno));
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", tokens[i]);
    if (fclose(f) != 0)
        bench_exit(1, "cannot write '%s': %s", path, strerror(errno));
}

/* ---- options ---- */

static void
s_usage(FILE *out)
{
    fprintf(out,
            "usage: ayni-bench-gen --db PATH --keys DIR [--movements N] [--deliveries N]\n"
            "                      [--open-shipments N] [--packages P] [--tokens FILE]\n"
            "                      [--seed S] [--verify]\n"
            "\n"
            "Build a realistic Ayni ledger through the store API, for the benchmarks.\n"
            "\n"
            "  --db PATH            the ledger to create (must not exist yet)\n"
            "  --keys DIR           the QR signing key folder (created if missing, as aynid does)\n"
            "  --movements N        at least N stock movements over the last year (default 0)\n"
            "  --deliveries N       exactly N confirmed deliveries among them (default 0)\n"
            "  --open-shipments N   then N shipments dispatched, not yet delivered (default 0)\n"
            "  --packages P         packages in each open shipment, 1 to 1000 (default 3)\n"
            "  --tokens FILE        write each open package's QR token, one a line, shuffled\n"
            "  --seed S             the random seed (default 1): same seed, same ledger\n"
            "  --verify             check the ledger afterwards; exit 1 if it finds problems\n");
}

static long
s_number(const char *flag, const char *v, long max)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > max)
        bench_exit(2, "%s needs a whole number from 0 to %ld, not '%s'", flag, max, v);
    return n;
}

static void
s_parse(int argc, char **argv, struct s_options *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},        {"keys", required_argument, NULL, 'k'},
        {"movements", required_argument, NULL, 'm'}, {"deliveries", required_argument, NULL, 'D'},
        {"open-shipments", required_argument, NULL, 'o'},
        {"packages", required_argument, NULL, 'p'},  {"tokens", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},      {"verify", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    *o = (struct s_options){.packages = 3, .seed = 1};
    bool packages = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'k': o->keys = optarg; break;
        case 'm': o->movements = s_number("--movements", optarg, 1000000000L); break;
        case 'D': o->deliveries = s_number("--deliveries", optarg, 100000000L); break;
        case 'o': o->open = s_number("--open-shipments", optarg, 999999L); break;
        case 'p': o->packages = s_number("--packages", optarg, 1000); packages = true; break;
        case 't': o->tokens = optarg; break;
        case 's': o->seed = (uint64_t)s_number("--seed", optarg, 2147483647L); break;
        case 'v': o->verify = true; break;
        case 'h': s_usage(stdout); exit(0);
        default:
            s_usage(stderr);
            bench_exit(2, "unknown or incomplete option '%s': see the usage above",
                          argv[optind - 1]);
        }
    }
    if (optind < argc)
        bench_exit(2, "unexpected argument '%s': every value follows its flag", argv[optind]);
    if (!o->db || !o->keys)
        bench_exit(2, "%s is required: give the ledger file to create and the key folder",
                      o->db ? "--keys" : "--db");
    if (packages && o->packages < 1)
        bench_exit(2, "--packages must be from 1 to 1000");
    if (o->tokens && o->open == 0)
        bench_exit(2, "--tokens writes the tokens of open shipments' packages: give "
                      "--open-shipments N too");
    struct stat st;
    if (stat(o->db, &st) == 0)
        bench_exit(2, "'%s' already exists: remove it (and its -wal and -shm files) or give a "
                      "new --db", o->db);
}

/* The generator's connections get a big page cache: the indexes of a million movements
 * do not fit SQLite's default 2 MiB, and every insert would wait on the disk. */
static int
s_tune(sqlite3 *db, char **err, const struct sqlite3_api_routines *api)
{
    (void)err, (void)api;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", S_CACHE_KIB);
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void
s_open(struct gen *g, const struct s_options *o)
{
    char err[512];
    sqlite3_auto_extension((void (*)(void))s_tune);
    if (core_signkey_load(o->keys, g->pk, g->sk, err, sizeof err) != 0)
        bench_exit(1, "%s", err);
    if (core_store_open(&g->store, o->db, err, sizeof err) != 0)
        bench_exit(1, "%s", err);
    if (sqlite3_open_v2(o->db, &g->reader, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(g->reader, "SELECT COALESCE(MAX(id), 0) FROM movements", -1,
                           &g->count_moves, NULL) != SQLITE_OK)
        bench_exit(1, "cannot read '%s': %s", o->db, sqlite3_errmsg(g->reader));
    core_store_set_actor(g->store, "almacen-central");
}

static void
s_verify(struct gen *g)
{
    json_t *r = NULL;
    double t = bench_now();
    int rc = core_ledger_verify(g->store, &r);
    if (rc)
        gen_die_store(g, rc, "verify the ledger");
    bool ok = json_is_true(json_object_get(r, "ok"));
    char *checked = json_dumps(json_object_get(r, "checked"), JSON_COMPACT);
    fprintf(stderr, "ayni-bench-gen: ledger verify: %s, %zu problems, %s (%.1f s)\n",
            ok ? "ok" : "PROBLEMS", json_array_size(json_object_get(r, "problems")),
            checked ? checked : "", bench_now() - t);
    free(checked);
    json_decref(r);
    if (!ok)
        exit(1);
}

int
main(int argc, char **argv)
{
    bench_prog = "ayni-bench-gen";
    struct s_options o;
    s_parse(argc, argv, &o);
    struct gen g = {.mov_target = o.movements, .del_target = o.deliveries, .rng = o.seed};
    double t = bench_now();
    s_open(&g, &o);
    time_t today = time(NULL) / S_DAY * S_DAY;
    g.t0 = today - 365 * S_DAY;
    g.t1 = today - 2 * S_DAY;
    g.now = g.t0 + 12 * 3600;
    core_store_set_now(g.store, g.now);
    int rc = core_store_begin(g.store);
    if (rc)
        gen_die_store(&g, rc, "begin a transaction");
    gen_world_load(&g);
    s_history(&g);
    char **tokens = NULL;
    size_t ntokens = 0;
    s_open_shipments(&g, &o, &tokens, &ntokens);
    s_commit(&g, false);
    if (o.tokens)
        s_write_tokens(&g, o.tokens, tokens, ntokens);
    double secs = bench_now() - t;
    fprintf(stderr,
            "ayni-bench-gen: %ld movements, %ld deliveries (%ld short), %ld open packages; "
            "%ld shipments, %ld receipts, %ld transfers, %ld adjustments; %ld actions in "
            "%.1f s\n",
            g.movements, g.deliveries, g.shortfalls, o.open * o.packages, g.shipments,
            g.receipts, g.transfers, g.adjustments, g.actions, secs);
    if (o.verify)
        s_verify(&g);
    for (size_t i = 0; i < ntokens; i++)
        free(tokens[i]);
    free(tokens);
    sqlite3_finalize(g.count_moves);
    sqlite3_close(g.reader);
    core_store_destroy(&g.store);
    gen_stock_free(&g);
    gen_world_free(&g);
    sqlite3_reset_auto_extension();
    return 0;
}
