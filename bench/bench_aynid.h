/* bench_aynid.h: what the report and footprint benchmarks need of processes: an aynid
 * started on a ledger and timed to its ready line, its memory as the kernel counts it,
 * and another program run to completion and timed.
 */
#ifndef AYNI_BENCH_AYNID_H
#define AYNI_BENCH_AYNID_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_RUNS_MAX 50

/* The options of the benchmarks on a big ledger: --db --keys --build --out (required),
 * --donor (CARE-PE), --from and --to (the last 365 days, UTC), --runs (5, 1..50), --help. */
struct bench_ledger_options {
    const char *db, *keys, *build, *out, *donor;
    char from[11], to[11];
    int runs;
};
/* Parse them, or exit 2 with a message (usage prints the program's help). */
void bench_ledger_parse(int argc, char **argv, struct bench_ledger_options *o,
                        void (*usage)(FILE *out));

struct bench_aynid {
    pid_t pid;
    int err_fd;          /* aynid's standard error (a pipe), drained to log */
    int log_fd;          /* its copy, in DIR/aynid.log */
    double ready_ms;     /* from just before exec to the 'aynid ready' line */
    char api[300], events[300];
};

/* Start `aynid --insecure` on db with keys, listening on ipc:// sockets in dir, and wait
 * up to timeout_s for its ready line.  0, or -1 with a message on stderr (aynid is then
 * stopped, and its log is in dir/aynid.log). */
int bench_aynid_start(struct bench_aynid *a, const char *aynid, const char *db,
                      const char *keys, const char *dir, double timeout_s);
/* SIGTERM, wait for the exit (SIGKILL after 10 s); returns its exit status or -1. */
int bench_aynid_stop(struct bench_aynid *a);
/* Copy what aynid has written to its standard error since the last call into its log. */
void bench_aynid_drain(struct bench_aynid *a);

/* VmRSS and VmHWM of pid, in MiB.  0, or -1 if /proc/PID/status cannot be read. */
int bench_proc_memory(pid_t pid, double *rss_mib, double *hwm_mib);

/* Run argv[0] (a path) with argv, its standard output to /dev/null unless show; wait.
 * Its exit status (0 is success), or -1 if it could not run; *secs the wall time. */
int bench_run(char *const argv[], bool show, double *secs);

#endif
