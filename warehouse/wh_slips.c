/* wh_slips.c: `slip` and `slips --dispatched`: each shipment fetched from the core
 * (shipment.get), turned into the printer's struct and rendered to PDF here.
 *
 * `slips` fetches the shipments in the main thread, one request after another, into a
 * short queue that --jobs worker threads (one per CPU by default) render from: the
 * workers never wait for aynid, libharu documents share nothing, and libqrencode is
 * thread-safe.  Its files are written without an fsync each and synced together
 * (syncfs) once all are written: a thousand fsyncs took longer than the rendering
 * (docs/BENCHMARKS.md).  Only the first failure is reported, after every worker has
 * stopped with the shipment in hand.  The JSON becomes the printer's struct in
 * printer/prn_json.c, which ayni-web's downloads share.
 */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "prn_json.h"
#include "term.h"
#include "wh.h"

#define S_MAX_JOBS 64

static int
s_layout(json_t *args, enum prn_label_layout *out)
{
    const char *v = json_string_value(json_object_get(args, "labels"));
    *out = PRN_LABELS_A6;
    if (!v || !strcmp(v, "a6"))
        return WH_OK;
    if (!strcmp(v, "a4")) {
        *out = PRN_LABELS_A4;
        return WH_OK;
    }
    wh_error("--labels must be a6 (one label a page) or a4 (four a page), not '%s'", v);
    return WH_USAGE;
}

/* Fetch shipment code into *sh.  An error of the core is reported by wh_call (or left in
 * w->err if w->quiet); a shipment that has no slip is refused with msg set, which stays
 * "" otherwise. */
static int
s_fetch(struct wh *w, const char *code, json_t **sh, char *msg, size_t msglen)
{
    msg[0] = '\0';
    int rc = wh_call(w, "shipment.get", json_pack("{ss}", "shipment", code), sh);
    if (rc)
        return rc;
    const char *state = wh_s(*sh, "state");
    if (!strcmp(state, "draft") || !strcmp(state, "cancelled")) {
        snprintf(msg, msglen, _("shipment '%s' is %s: slips are printed for dispatched "
                                "shipments (dispatch it with 'shipment dispatch %s')"),
                 code, wh_state_name(state), code);
        json_decref(*sh);
        *sh = NULL;
        return WH_REFUSED;
    }
    return WH_OK;
}

/* Write the slip and labels of shipment sh to path (fsync'ed if sync); msg says why not. */
static int
s_render(json_t *sh, enum prn_label_layout layout, const char *path, bool sync, char *msg,
         size_t msglen)
{
    char err[512];
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = prn_json_shipment_render(sh, layout, &pdf, &len, err, sizeof err);
    if (rc == 0)
        rc = prn_file_write(pdf, len, path, sync, err, sizeof err);
    free(pdf);
    if (rc) {
        snprintf(msg, msglen, _("cannot print the slip of '%s': %s"), wh_s(sh, "code"), err);
        return rc == AYNI_EIO ? WH_USAGE : WH_REFUSED;
    }
    return WH_OK;
}

int
wh_run_slip(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    enum prn_label_layout layout;
    const char *code = wh_s(args, "shipment"), *out = wh_s(args, "output");
    char msg[640] = "";
    json_t *sh = NULL;
    wh_zone(w); /* the dispatch day printed is the core's, before any thread starts */
    int rc = s_layout(args, &layout);
    if (rc == WH_OK)
        rc = wh_mkdirs_for(out);
    if (rc == WH_OK && (rc = s_fetch(w, code, &sh, msg, sizeof msg)) == WH_OK)
        rc = s_render(sh, layout, out, true, msg, sizeof msg);
    if (rc && msg[0])
        wh_error("%s", msg);
    if (rc == WH_OK) {
        if (w->json) {
            json_t *r = json_pack("{ssss}", "shipment", code, "file", out);
            wh_print_json(r);
            json_decref(r);
        } else {
            printf(_("slip and labels of %s: %s\n"), code, out);
        }
    }
    json_decref(sh);
    json_decref(args);
    return rc;
}

/* ---- every dispatched shipment: one thread fetches, --jobs threads render ---- */

#define S_QUEUE 16 /* shipments fetched and not yet taken */

struct s_batch {
    enum prn_label_layout layout;
    const char **codes;
    char **paths;
    size_t n;
    pthread_mutex_t lock; /* guards what follows */
    pthread_cond_t ready; /* a shipment was queued, the queue closed, or the batch failed */
    pthread_cond_t moved; /* one was taken or written, a worker ended, or the batch failed */
    json_t *queue[S_QUEUE];
    size_t qidx[S_QUEUE], head, count;
    bool closed;          /* nothing more will be queued */
    size_t done, last;    /* how many are written; the last written */
    int running;          /* workers still at work */
    int rc;               /* the first failure's exit code, and its message: */
    bool from_core;       /* the core's (in the fetching struct wh) or ours (msg) */
    char msg[640];
};

/* Record a failure, if it is the first, and stop everyone (called with the lock held). */
static void
s_batch_fail(struct s_batch *b, int rc, const char *msg)
{
    if (!b->rc) {
        b->rc = rc;
        b->from_core = !msg[0];
        snprintf(b->msg, sizeof b->msg, "%s", msg);
    }
    pthread_cond_broadcast(&b->ready);
    pthread_cond_broadcast(&b->moved);
}

static void *
s_worker(void *arg)
{
    struct s_batch *b = arg;
    char msg[640];
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (b->count == 0 && !b->closed && !b->rc)
            pthread_cond_wait(&b->ready, &b->lock);
        if (b->rc || b->count == 0)
            break;
        json_t *sh = b->queue[b->head];
        size_t i = b->qidx[b->head];
        b->head = (b->head + 1) % S_QUEUE, b->count--;
        pthread_cond_signal(&b->moved);
        pthread_mutex_unlock(&b->lock);
        int rc = s_render(sh, b->layout, b->paths[i], false, msg, sizeof msg);
        json_decref(sh);
        pthread_mutex_lock(&b->lock);
        if (rc)
            s_batch_fail(b, rc, msg);
        else
            b->done++, b->last = i, pthread_cond_signal(&b->moved);
    }
    b->running--;
    pthread_cond_signal(&b->moved);
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void
s_progress(bool tty, size_t done, size_t total, const char *code)
{
    if (!tty)
        return;
    const char *label = done == total ? "listo" : code;
    char count[48];
    int n = snprintf(count, sizeof count, "%zu/%zu", done, total);
    /* "[bar] count label" within the terminal, one column spare so that it never wraps:
     * the bar narrows first, then the code goes. */
    size_t limit = ayni_term_width(STDERR_FILENO), tail = 3 + (size_t)n + 1 + wh_width(label);
    int width = 30;
    if (limit && limit < 1 + tail + 10 + 1) {
        label = "";
        tail = 3 + (size_t)n;
    }
    if (limit && (size_t)width + tail + 1 > limit)
        width = limit > tail + 1 + 5 ? (int)(limit - tail - 1) : 5;
    int fill = total ? (int)(done * (size_t)width / total) : width;
    /* \033[K clears what a longer line before left on the right ("listo" after a code). */
    fprintf(stderr, "\r[%.*s%*s] %s%s%s\033[K%s", fill, "##############################",
            width - fill, "", count, *label ? " " : "", label, done == total ? "\n" : "");
    fflush(stderr);
}

/* With the lock held: the progress, if it moved since *shown. */
static void
s_batch_progress(struct s_batch *b, bool tty, size_t *shown)
{
    if (!tty || b->done == *shown || b->done == b->n)
        return;
    *shown = b->done;
    s_progress(tty, b->done, b->n, b->codes[b->last]);
}

/* Queue shipment i, waiting for room; false if the batch failed meanwhile. */
static bool
s_batch_put(struct s_batch *b, json_t *sh, size_t i, bool tty, size_t *shown)
{
    pthread_mutex_lock(&b->lock);
    while (b->count == S_QUEUE && !b->rc) {
        s_batch_progress(b, tty, shown);
        pthread_cond_wait(&b->moved, &b->lock);
    }
    bool ok = !b->rc;
    if (ok) {
        size_t at = (b->head + b->count++) % S_QUEUE;
        b->queue[at] = sh, b->qidx[at] = i;
        pthread_cond_signal(&b->ready);
    }
    s_batch_progress(b, tty, shown);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

/* Fetch the shipments here, one after another, for jobs workers that render them; show
 * progress on a terminal until they end.  Core errors stay in w->err (w is quiet). */
static void
s_batch_run(struct wh *w, struct s_batch *b, int jobs)
{
    pthread_t tid[S_MAX_JOBS];
    bool tty = isatty(STDERR_FILENO);
    size_t shown = 0;
    int started = 0;
    char msg[640];
    while (started < jobs && pthread_create(&tid[started], NULL, s_worker, b) == 0)
        started++;
    pthread_mutex_lock(&b->lock); /* no worker ends before the queue closes */
    b->running = started;
    pthread_mutex_unlock(&b->lock);
    s_progress(tty, 0, b->n, b->codes[0]);
    for (size_t i = 0; i < b->n; i++) {
        json_t *sh = NULL;
        int rc = s_fetch(w, b->codes[i], &sh, msg, sizeof msg);
        if (rc == WH_OK && started == 0) { /* no thread to be had: render here */
            rc = s_render(sh, b->layout, b->paths[i], false, msg, sizeof msg);
            json_decref(sh);
            sh = NULL;
            if (rc == WH_OK)
                b->done++, b->last = i, s_batch_progress(b, tty, &shown);
        }
        if (rc) {
            pthread_mutex_lock(&b->lock);
            s_batch_fail(b, rc, msg);
            pthread_mutex_unlock(&b->lock);
        }
        if (rc || (sh && !s_batch_put(b, sh, i, tty, &shown))) {
            json_decref(sh);
            break;
        }
    }
    pthread_mutex_lock(&b->lock);
    b->closed = true;
    pthread_cond_broadcast(&b->ready);
    while (b->running > 0) {
        s_batch_progress(b, tty, &shown);
        pthread_cond_wait(&b->moved, &b->lock);
    }
    for (; b->count > 0; b->head = (b->head + 1) % S_QUEUE, b->count--)
        json_decref(b->queue[b->head]); /* left by a failure */
    pthread_mutex_unlock(&b->lock);
    for (int k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
}

/* Put the files written in dir on disk, with one sync of its file system. */
static int
s_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || syncfs(fd) != 0) {
        wh_error("cannot write to '%s': %s", dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return WH_USAGE;
    }
    close(fd);
    return WH_OK;
}

/* --jobs, or one per CPU up to 8. */
static int
s_jobs(json_t *args, int *jobs)
{
    json_t *v = json_object_get(args, "jobs");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    long long j = v ? json_integer_value(v) : cpus < 1 ? 1 : cpus > 8 ? 8 : cpus;
    if (j < 1 || j > S_MAX_JOBS) {
        wh_error("--jobs must be a number from 1 to %d, not '%lld'", S_MAX_JOBS, j);
        return WH_USAGE;
    }
    *jobs = (int)j;
    return WH_OK;
}

/* Write the slips of the n shipments of list into dir. */
static int
s_slips(struct wh *w, json_t *list, const char *dir, enum prn_label_layout layout, int jobs)
{
    struct s_batch b = {.layout = layout, .n = json_array_size(list)};
    b.codes = xcalloc(b.n + 1, sizeof *b.codes);
    b.paths = xcalloc(b.n + 1, sizeof *b.paths);
    for (size_t i = 0; i < b.n; i++) {
        b.codes[i] = wh_s(json_array_get(list, i), "code");
        b.paths[i] = xasprintf("%s/%s.pdf", dir, b.codes[i]);
    }
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.ready, NULL);
    pthread_cond_init(&b.moved, NULL);
    bool json = w->json, quiet = w->quiet;
    w->json = false, w->quiet = true; /* one failure is reported, after the workers stop */
    if (b.n > 0)
        s_batch_run(w, &b, (size_t)jobs < b.n ? jobs : (int)b.n);
    w->json = json, w->quiet = quiet;
    int rc = b.rc;
    if (rc && b.from_core)
        rc = wh_report(w);
    else if (rc)
        wh_error("%s", b.msg);
    if (rc == WH_OK && b.n > 0)
        rc = s_sync_dir(dir);
    if (rc == WH_OK) {
        s_progress(isatty(STDERR_FILENO), b.n, b.n, "");
        json_t *printed = json_array();
        for (size_t i = 0; i < b.n; i++)
            json_array_append_new(printed, json_string(b.paths[i]));
        if (w->json)
            wh_print_json(printed);
        else
            printf(ayni_ntr("%zu slip with labels in %s%s\n", "%zu slips with labels in %s%s\n",
                            (unsigned long)b.n),
                   b.n, dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
        json_decref(printed);
    }
    for (size_t i = 0; i < b.n; i++)
        free(b.paths[i]);
    free(b.paths);
    free(b.codes);
    pthread_cond_destroy(&b.moved);
    pthread_cond_destroy(&b.ready);
    pthread_mutex_destroy(&b.lock);
    return rc;
}

int
wh_run_slips(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    enum prn_label_layout layout;
    const char *dir = wh_s(args, "output");
    json_t *list = NULL;
    int jobs = 1;
    wh_zone(w); /* the dispatch day printed is the core's, before any thread starts */
    int rc = s_layout(args, &layout);
    if (rc == WH_OK)
        rc = s_jobs(args, &jobs);
    if (rc == WH_OK)
        rc = wh_mkdirs(dir);
    if (rc == WH_OK)
        rc = wh_call(w, "shipment.list", json_pack("{ss}", "state", "dispatched"), &list);
    if (rc == WH_OK)
        rc = s_slips(w, list, dir, layout, jobs);
    json_decref(list);
    json_decref(args);
    return rc;
}
