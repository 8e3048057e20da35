/* bench_footprint.c: ayni-bench-footprint, aynid's start-up time and memory on a big
 * ledger (docs/BENCHMARKS.md).
 *
 * Starts `aynid --insecure` --runs times and times each from exec to its 'aynid ready'
 * line (median), with its resident memory once ready; then, in the last run, asks it
 * for a donor report and a ledger check (the two biggest requests there are) and reads
 * its memory again.  The ledger is only read.  Prints RESULT lines (bench_util.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_aynid.h"
#include "bench_util.h"
#include "proto.h"

/* Memory is read once aynid is idle again: two of its 200 ms poll time-outs. */
#define S_SETTLE_US 400000

static void
s_usage(FILE *out)
{
    fprintf(out,
            "usage: ayni-bench-footprint --db PATH --keys DIR --build DIR --out DIR\n"
            "                            [--donor CODE] [--from DATE --to DATE] [--runs N]\n"
            "\n"
            "Time aynid's start on a big ledger and read its memory: once ready, and after\n"
            "a donor report and a ledger check.\n"
            "\n"
            "  --db PATH     the ledger (from ayni-bench-gen; only read)\n"
            "  --keys DIR    its key folder\n"
            "  --build DIR   the build folder with core/service/aynid\n"
            "  --out DIR     where aynid's sockets and log go\n"
            "  --donor CODE  the donor of the report (default CARE-PE)\n"
            "  --from DATE   its period, YYYY-MM-DD (default: 365 days before today, UTC)\n"
            "  --to DATE     (default: today, UTC)\n"
            "  --runs N      starts, 1 to 50 (default 5); the median is reported\n");
}

/* One request to aynid, waiting as long as a big ledger needs. */
static void
s_call(proto_client_t *c, const char *op, json_t *args)
{
    struct proto_error err = {0};
    json_t *r = NULL;
    double t0 = bench_now();
    if (proto_client_call(c, op, args, NULL, &r, &err) != 0)
        bench_exit(1, "%s failed: %s", op, err.message);
    if (!strcmp(op, "ledger.verify") && !json_is_true(json_object_get(r, "ok")))
        fprintf(stderr, "ayni-bench-footprint: warning: ledger.verify found problems\n");
    fprintf(stderr, "ayni-bench-footprint: %s answered in %.2f s\n", op, bench_now() - t0);
    json_decref(r);
    proto_error_clear(&err);
}

static void
s_after_requests(const struct bench_ledger_options *o, struct bench_aynid *a)
{
    struct proto_error err = {0};
    proto_client_t *c = proto_client_new(a->api, 600000, NULL, &err);
    if (!c)
        bench_exit(1, "%s", err.message);
    double rss, hwm;
    s_call(c, "report.donor", json_pack("{ssssss}", "donor", o->donor, "from", o->from, "to", o->to));
    usleep(S_SETTLE_US);
    bench_aynid_drain(a);
    if (bench_proc_memory(a->pid, &rss, &hwm) != 0)
        bench_exit(1, "cannot read the memory of aynid (pid %d)", (int)a->pid);
    bench_result("aynid.rss_after_report", rss, "MiB");
    s_call(c, "ledger.verify", json_object());
    usleep(S_SETTLE_US);
    bench_aynid_drain(a);
    if (bench_proc_memory(a->pid, &rss, &hwm) != 0)
        bench_exit(1, "cannot read the memory of aynid (pid %d)", (int)a->pid);
    bench_result("aynid.rss_after_verify", rss, "MiB");
    bench_result("aynid.hwm", hwm, "MiB");
    proto_client_destroy(&c);
}

int
main(int argc, char **argv)
{
    bench_prog = "ayni-bench-footprint";
    struct bench_ledger_options o;
    bench_ledger_parse(argc, argv, &o, s_usage);
    if (mkdir(o.out, 0755) != 0 && errno != EEXIST)
        bench_exit(1, "cannot make '%s': %s", o.out, strerror(errno));
    char aynid[400];
    snprintf(aynid, sizeof aynid, "%s/core/service/aynid", o.build);
    double ready[BENCH_RUNS_MAX], rss[BENCH_RUNS_MAX], hwm[BENCH_RUNS_MAX];
    for (int i = 0; i < o.runs; i++) {
        struct bench_aynid a;
        if (bench_aynid_start(&a, aynid, o.db, o.keys, o.out, 30) != 0)
            exit(1);
        ready[i] = a.ready_ms;
        usleep(S_SETTLE_US); /* its steady state, once the start-up log lines are out */
        if (bench_proc_memory(a.pid, &rss[i], &hwm[i]) != 0)
            bench_exit(1, "cannot read the memory of aynid (pid %d)", (int)a.pid);
        if (i == o.runs - 1)
            s_after_requests(&o, &a);
        if (bench_aynid_stop(&a) != 0)
            bench_exit(1, "aynid did not stop cleanly: see %s/aynid.log", o.out);
    }
    bench_result("aynid.ready", bench_median(ready, (size_t)o.runs), "ms");
    bench_result("aynid.rss", bench_median(rss, (size_t)o.runs), "MiB");
    bench_result("aynid.hwm_ready", bench_median(hwm, (size_t)o.runs), "MiB");
    return 0;
}
