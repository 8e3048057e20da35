/* bench_draw.c: ayni-bench-draw, the floor of the slip benchmark (docs/BENCHMARKS.md).
 *
 * It draws, with libharu and libqrencode and nothing else (bench_draw_pages.c), the pages
 * `ayni-warehouse slips` writes for each shipment: the A4 delivery slip and one A6 label
 * per package, same content and QR sizes, one PDF a shipment, compressed the same way
 * (prn__deflate_pages: zlib level 1, where libharu alone would use level 6).
 * Shipments come from a file written by bench/peer/fetch.py, read before the clock
 * starts.  The clock covers drawing, saving to files, and one syncfs at the end, as
 * `slips` does; --jobs threads share the shipments, as `slips --jobs` does.  Prints
 * RESULT lines (bench_util.h).
 */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_draw.h"
#include "bench_util.h"
#include "prn_int.h" /* prn__deflate_pages */

#define S_MAX_JOBS 16

struct s_run {
    json_t *list;
    const char *dir;
    pthread_mutex_t lock;
    size_t next, n;
    int failed;
};

static int
s_shipment(json_t *sh, const char *dir)
{
    struct draw_doc d = {.pdf = HPDF_New(NULL, NULL)};
    char path[1024], title[200];
    if (!d.pdf)
        return -1;
    HPDF_SetCompressionMode(d.pdf, HPDF_COMP_ALL);
    const char *code = json_string_value(json_object_get(sh, "code"));
    snprintf(title, sizeof title, "Guía y etiquetas %s", code ? code : "");
    /* Latin-1 is PDFDocEncoding there, and CP1252 is Latin-1 for Spanish */
    HPDF_SetInfoAttr(d.pdf, HPDF_INFO_TITLE, draw_cp1252(&d, title));
    HPDF_SetInfoAttr(d.pdf, HPDF_INFO_CREATOR, "Ayni");
    d.f[0] = HPDF_GetFont(d.pdf, "Helvetica", "WinAnsiEncoding");
    d.f[1] = HPDF_GetFont(d.pdf, "Helvetica-Bold", "WinAnsiEncoding");
    if (!d.f[0] || !d.f[1] || !code) {
        HPDF_Free(d.pdf);
        return -1;
    }
    d.pages = calloc(1 + json_array_size(json_object_get(sh, "packages")), sizeof *d.pages);
    if (!d.pages) {
        HPDF_Free(d.pdf);
        return -1;
    }
    draw_shipment(&d, sh);
    snprintf(path, sizeof path, "%s/%s.pdf", dir, code);
    /* compressed as the printer compresses (prn_doc.c), not at libharu's level 6 */
    int rc = prn__deflate_pages(d.pages, d.npages) == 0 &&
                     HPDF_SaveToFile(d.pdf, path) == HPDF_OK ? 0 : -1;
    free(d.pages);
    HPDF_Free(d.pdf);
    return rc;
}

static void *
s_worker(void *arg)
{
    struct s_run *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        size_t i = r->failed ? r->n : r->next++;
        pthread_mutex_unlock(&r->lock);
        if (i >= r->n)
            return NULL;
        if (s_shipment(json_array_get(r->list, i), r->dir) != 0) {
            fprintf(stderr, "ayni-bench-draw: cannot write shipment %zu in '%s'\n", i, r->dir);
            pthread_mutex_lock(&r->lock);
            r->failed = 1;
            pthread_mutex_unlock(&r->lock);
        }
    }
}

/* Draw every shipment of list into dir with jobs threads, then sync; seconds, or -1. */
static double
s_batch(json_t *list, const char *dir, int jobs)
{
    struct s_run r = {.list = list, .dir = dir, .n = json_array_size(list)};
    pthread_t tid[S_MAX_JOBS];
    pthread_mutex_init(&r.lock, NULL);
    int started = 0;
    double t0 = bench_now();
    while (started < jobs && pthread_create(&tid[started], NULL, s_worker, &r) == 0)
        started++;
    if (started < jobs) { /* fewer threads than asked would not measure what was asked */
        pthread_mutex_lock(&r.lock);
        r.failed = 1;
        pthread_mutex_unlock(&r.lock);
    }
    for (int k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || syncfs(fd) != 0)
        r.failed = 1;
    if (fd >= 0)
        close(fd);
    double t = bench_now() - t0;
    pthread_mutex_destroy(&r.lock);
    return r.failed ? -1 : t;
}

static void
s_usage(FILE *out)
{
    fprintf(out,
            "usage: ayni-bench-draw --input SHIPMENTS.json --out DIR [--jobs N] [--runs N]\n"
            "\n"
            "Draw each shipment's slip and labels with libharu and libqrencode alone, one PDF\n"
            "a shipment in DIR/runK/, and print the median time of --runs batches (default 3)\n"
            "as RESULT slips.draw.batchN (seconds) and slips.draw (slips per second).\n"
            "SHIPMENTS.json is what bench/peer/fetch.py writes; --jobs threads (default 2).\n");
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {{"input", 1, NULL, 'i'}, {"out", 1, NULL, 'o'},
                                         {"jobs", 1, NULL, 'j'},  {"runs", 1, NULL, 'r'},
                                         {"help", 0, NULL, 'h'},  {NULL, 0, NULL, 0}};
    const char *input = NULL, *out = NULL;
    int jobs = 2, runs = 3, c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'i')
            input = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'j')
            jobs = atoi(optarg);
        else if (c == 'r')
            runs = atoi(optarg);
        else {
            s_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (!input || !out || jobs < 1 || jobs > S_MAX_JOBS || runs < 1 || runs > 20) {
        s_usage(stderr);
        return 2;
    }
    json_error_t jerr;
    json_t *list = json_load_file(input, 0, &jerr);
    if (!json_is_array(list) || json_array_size(list) == 0) {
        fprintf(stderr, "ayni-bench-draw: cannot read shipments from '%s': %s\n", input,
                list ? "not a non-empty array" : jerr.text);
        return 1;
    }
    double t[20];
    for (int k = 0; k < runs; k++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/run%d", out, k + 1);
        if ((mkdir(out, 0755) != 0 && errno != EEXIST) || mkdir(dir, 0755) != 0 ||
            (t[k] = s_batch(list, dir, jobs)) < 0) {
            fprintf(stderr, "ayni-bench-draw: cannot draw into '%s' (it must not exist yet)\n",
                    dir);
            json_decref(list);
            return 1;
        }
    }
    size_t n = json_array_size(list);
    double med = bench_median(t, (size_t)runs);
    char key[64];
    snprintf(key, sizeof key, "slips.draw.batch%zu", n);
    bench_result(key, med, "s");
    bench_result("slips.draw", (double)n / med, "slips/s");
    json_decref(list);
    return 0;
}
