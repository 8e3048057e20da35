/* bench_aynid.c: starting and stopping aynid for a benchmark, reading a process's
 * memory, running a program and timing it.  Benchmark-only: no part of Ayni uses it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_aynid.h"
#include "bench_util.h"

static void
s_write_all(int fd, const char *p, size_t n)
{
    while (fd >= 0 && n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Read aynid's standard error until its ready line, or the deadline. */
static int
s_wait_ready(struct bench_aynid *a, double deadline)
{
    char buf[8192];
    size_t have = 0;
    for (;;) {
        int left = (int)((deadline - bench_now()) * 1000);
        if (left <= 0)
            return -1;
        struct pollfd p = {a->err_fd, POLLIN, 0};
        if (poll(&p, 1, left) <= 0)
            continue;
        ssize_t n = read(a->err_fd, buf + have, sizeof buf - 1 - have);
        if (n <= 0)
            return -1; /* aynid exited */
        s_write_all(a->log_fd, buf + have, (size_t)n);
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, "aynid ready"))
            return 0;
        if (have == sizeof buf - 1) { /* keep the last line only */
            char *nl = strrchr(buf, '\n');
            size_t keep = nl ? strlen(nl + 1) : 0;
            memmove(buf, buf + have - keep, keep);
            have = keep;
        }
    }
}

int
bench_aynid_start(struct bench_aynid *a, const char *aynid, const char *db, const char *keys,
                  const char *dir, double timeout_s)
{
    char log[300];
    int fds[2];
    memset(a, 0, sizeof *a);
    a->pid = -1;
    a->err_fd = -1;
    snprintf(a->api, sizeof a->api, "ipc://%s/api", dir);
    snprintf(a->events, sizeof a->events, "ipc://%s/events", dir);
    snprintf(log, sizeof log, "%s/aynid.log", dir);
    if ((a->log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0 ||
        pipe(fds) != 0) {
        fprintf(stderr, "bench: cannot open '%s' or a pipe: %s\n", log, strerror(errno));
        bench_aynid_stop(a);
        return -1;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    double t0 = bench_now();
    a->pid = fork();
    if (a->pid == 0) {
        dup2(fds[1], 2);
        execl(aynid, aynid, "--insecure", "--db", db, "--keys", keys, "--api", a->api,
              "--events", a->events, (char *)NULL);
        fprintf(stderr, "bench: cannot run '%s': %s\n", aynid, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    a->err_fd = fds[0];
    if (a->pid < 0 || s_wait_ready(a, t0 + timeout_s) != 0) {
        fprintf(stderr, "bench: aynid did not get ready in %.0f s: see '%s'\n", timeout_s, log);
        bench_aynid_stop(a);
        return -1;
    }
    a->ready_ms = (bench_now() - t0) * 1000;
    return 0;
}

void
bench_aynid_drain(struct bench_aynid *a)
{
    char buf[8192];
    struct pollfd p = {a->err_fd, POLLIN, 0};
    while (a->err_fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
        ssize_t n = read(a->err_fd, buf, sizeof buf);
        if (n <= 0)
            break;
        s_write_all(a->log_fd, buf, (size_t)n);
    }
}

int
bench_aynid_stop(struct bench_aynid *a)
{
    int status = -1;
    if (a->pid > 0) {
        kill(a->pid, SIGTERM);
        double deadline = bench_now() + 10;
        pid_t r;
        while ((r = waitpid(a->pid, &status, WNOHANG)) == 0 && bench_now() < deadline) {
            bench_aynid_drain(a);
            usleep(2000);
        }
        if (r == 0) {
            kill(a->pid, SIGKILL);
            waitpid(a->pid, &status, 0);
        }
        status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    bench_aynid_drain(a);
    if (a->err_fd >= 0)
        close(a->err_fd);
    if (a->log_fd >= 0)
        close(a->log_fd);
    a->err_fd = a->log_fd = -1;
    a->pid = -1;
    return status;
}

int
bench_proc_memory(pid_t pid, double *rss_mib, double *hwm_mib)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long rss = -1, hwm = -1;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "VmRSS: %ld kB", &rss);
        sscanf(line, "VmHWM: %ld kB", &hwm);
    }
    fclose(f);
    *rss_mib = (double)rss / 1024.0;
    *hwm_mib = (double)hwm / 1024.0;
    return rss < 0 || hwm < 0 ? -1 : 0;
}

int
bench_run(char *const argv[], bool show, double *secs)
{
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid == 0) {
        if (!show) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
        }
        execv(argv[0], argv);
        fprintf(stderr, "bench: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    *secs = bench_now() - t0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- options ---- */

static void
s_date(time_t t, char out[11])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void
bench_ledger_parse(int argc, char **argv, struct bench_ledger_options *o,
                   void (*usage)(FILE *out))
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},    {"keys", required_argument, NULL, 'k'},
        {"build", required_argument, NULL, 'b'}, {"out", required_argument, NULL, 'o'},
        {"donor", required_argument, NULL, 'D'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},    {"runs", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    *o = (struct bench_ledger_options){.donor = "CARE-PE", .runs = 5};
    s_date(time(NULL) - 365 * 86400L, o->from);
    s_date(time(NULL), o->to);
    int c;
    char *end;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'k': o->keys = optarg; break;
        case 'b': o->build = optarg; break;
        case 'o': o->out = optarg; break;
        case 'D': o->donor = optarg; break;
        case 'f': snprintf(o->from, sizeof o->from, "%s", optarg); break;
        case 't': snprintf(o->to, sizeof o->to, "%s", optarg); break;
        case 'r':
            o->runs = (int)strtol(optarg, &end, 10);
            if (*end || o->runs < 1 || o->runs > BENCH_RUNS_MAX)
                bench_exit(2, "--runs needs a number from 1 to %d, not '%s'", BENCH_RUNS_MAX,
                              optarg);
            break;
        case 'h': usage(stdout); exit(0);
        default:
            usage(stderr);
            bench_exit(2, "unknown or incomplete option '%s': see the usage above",
                          argv[optind - 1]);
        }
    }
    if (optind < argc)
        bench_exit(2, "unexpected argument '%s': every value follows its flag", argv[optind]);
    if (!o->db || !o->keys || !o->build || !o->out)
        bench_exit(2, "%s is required (see --help)",
                      !o->db ? "--db" : !o->keys ? "--keys" : !o->build ? "--build" : "--out");
    struct stat st;
    if (stat(o->db, &st) != 0)
        bench_exit(1, "cannot read '%s': %s: make it with ayni-bench-gen", o->db, strerror(errno));
}
