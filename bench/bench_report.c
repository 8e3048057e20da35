/* bench_report.c: ayni-bench-report, the donor report benchmark (docs/BENCHMARKS.md).
 *
 * On a ledger made by ayni-bench-gen it times, median of --runs:
 *   report.donor.store  core_report_donor for one donor over the period, in process;
 *   report.donor.pdf    `ayni-warehouse report donor ... -o FILE.pdf` end to end against a
 *                       running aynid: request, query, reply, PDF rendering, file written.
 * The ledger is only read.  Prints RESULT lines (bench_util.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench_aynid.h"
#include "bench_util.h"
#include "store.h"

static void
s_usage(FILE *out)
{
    fprintf(out,
            "usage: ayni-bench-report --db PATH --keys DIR --build DIR --out DIR\n"
            "                         [--donor CODE] [--from DATE --to DATE] [--runs N]\n"
            "\n"
            "Time a donor report on a ledger from ayni-bench-gen: in the store, then end to\n"
            "end with ayni-warehouse against an aynid started here (ipc sockets in --out).\n"
            "\n"
            "  --db PATH     the ledger (only read)\n"
            "  --keys DIR    its key folder (aynid's --keys)\n"
            "  --build DIR   the build folder with core/service/aynid and warehouse/ayni-warehouse\n"
            "  --out DIR     where the PDF, aynid's sockets and its log go\n"
            "  --donor CODE  the donor (default CARE-PE, the biggest in generated ledgers)\n"
            "  --from DATE   the period, YYYY-MM-DD (default: 365 days before today, UTC)\n"
            "  --to DATE     (default: today, UTC)\n"
            "  --runs N      timed runs of each, 1 to 50 (default 5); the median is reported\n");
}

/* (a) the store alone: the query and the JSON it builds. */
static void
s_store(const struct bench_ledger_options *o)
{
    core_store_t *s = NULL;
    char err[512];
    double t[BENCH_RUNS_MAX];
    json_t *r = NULL;
    if (core_store_open(&s, o->db, err, sizeof err) != 0)
        bench_exit(1, "%s", err);
    for (int i = 0; i < o->runs; i++) {
        json_decref(r);
        r = NULL;
        double t0 = bench_now();
        if (core_report_donor(s, o->donor, o->from, o->to, &r) != 0)
            bench_exit(1, "report of donor '%s': %s", o->donor, core_store_errmsg(s));
        t[i] = bench_now() - t0;
    }
    size_t rows = json_array_size(json_object_get(r, "deliveries"));
    size_t shorts = json_array_size(json_object_get(r, "discrepancies"));
    size_t held = json_array_size(json_object_get(r, "held"));
    char *text = json_dumps(r, JSON_COMPACT);
    fprintf(stderr, "ayni-bench-report: donor %s, %s to %s: %zu delivery rows, %zu "
            "discrepancies, %zu held; %.1f MiB of JSON\n", o->donor, o->from, o->to, rows,
            shorts, held, text ? (double)strlen(text) / 1048576.0 : 0.0);
    free(text);
    json_decref(r);
    core_store_destroy(&s);
    bench_result("report.donor.store", bench_median(t, (size_t)o->runs), "s");
    bench_result("report.donor.rows", (double)rows, "rows");
}

/* (b) end to end: ayni-warehouse asks a running aynid and renders the PDF. */
static void
s_end_to_end(const struct bench_ledger_options *o)
{
    char aynid[400], wh[400], pdf[400];
    double t[BENCH_RUNS_MAX];
    struct bench_aynid a;
    snprintf(aynid, sizeof aynid, "%s/core/service/aynid", o->build);
    snprintf(wh, sizeof wh, "%s/warehouse/ayni-warehouse", o->build);
    snprintf(pdf, sizeof pdf, "%s/donor-report.pdf", o->out);
    if (bench_aynid_start(&a, aynid, o->db, o->keys, o->out, 30) != 0)
        exit(1);
    char *argv[] = {wh,      "--api", a.api,       "--timeout", "600", "report",
                    "donor", (char *)o->donor,     "--from",    (char *)o->from,
                    "--to",  (char *)o->to,        "-o",        pdf,   NULL};
    for (int i = 0; i < o->runs; i++) {
        int rc = bench_run(argv, false, &t[i]);
        bench_aynid_drain(&a);
        if (rc != 0) {
            bench_aynid_stop(&a);
            bench_exit(1, "'%s report donor' failed (exit %d): see above and %s/aynid.log", wh, rc,
                  o->out);
        }
    }
    bench_aynid_stop(&a);
    struct stat st;
    double mib = stat(pdf, &st) == 0 ? (double)st.st_size / 1048576.0 : 0;
    bench_result("report.donor.pdf", bench_median(t, (size_t)o->runs), "s");
    bench_result("report.donor.pdf_size", mib, "MiB");
}

int
main(int argc, char **argv)
{
    bench_prog = "ayni-bench-report";
    struct bench_ledger_options o;
    bench_ledger_parse(argc, argv, &o, s_usage);
    if (mkdir(o.out, 0755) != 0 && errno != EEXIST)
        bench_exit(1, "cannot make '%s': %s", o.out, strerror(errno));
    s_store(&o);
    s_end_to_end(&o);
    return 0;
}
