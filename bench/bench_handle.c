/* bench_handle.c: aynid's handling of delivery confirmations in one process, without
 * ZeroMQ: the request parsed, the token checked, the store's work, the reply built, in
 * groups as aynid commits them.  What is left of a confirmation's cost when the network
 * is gone; the program to run under perf or callgrind to see where that cost goes.
 *
 *   ayni-bench-handle --db LEDGER --keys DIR --tokens FILE [--count N] [--group G]
 *
 * Results: handle.gG (confirmations/s), handle.gG.us (µs of handling a confirmation,
 * without the commit), handle.gG.commit_ms (ms per group commit).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "bench_util.h"
#include "error.h"
#include "signkey.h"
#include "store.h"

int
main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},    {"keys", required_argument, NULL, 'k'},
        {"tokens", required_argument, NULL, 't'}, {"count", required_argument, NULL, 'n'},
        {"group", required_argument, NULL, 'g'}, {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *keys = NULL, *tokens = NULL;
    long count = 5000, group = 32;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'k': keys = optarg; break;
        case 't': tokens = optarg; break;
        case 'n': count = strtol(optarg, NULL, 10); break;
        case 'g': group = strtol(optarg, NULL, 10); break;
        default: return 2;
        }
    }
    if (!db || !keys || !tokens || count < 1 || group < 1) {
        fprintf(stderr, "usage: ayni-bench-handle --db LEDGER --keys DIR --tokens FILE "
                        "[--count N] [--group G]\n");
        return 2;
    }
    struct api a = {0};
    char err[512];
    if (core_store_open(&a.store, db, err, sizeof err) ||
        core_signkey_load(keys, a.pk, a.sk, err, sizeof err) ||
        (core_store_checkpoint_in_background(a.store) &&
         snprintf(err, sizeof err, "%s", core_store_errmsg(a.store)))) {
        fprintf(stderr, "bench-handle: %s\n", err);
        return 1;
    }
    FILE *f = fopen(tokens, "r");
    if (!f) {
        fprintf(stderr, "bench-handle: cannot read '%s'\n", tokens);
        return 1;
    }
    char line[512];
    double handling = 0, committing = 0, t0 = bench_now();
    long done = 0, failed = 0;
    while (done < count) {
        double g0 = bench_now();
        if (api_group_begin(&a) != 0) {
            fprintf(stderr, "bench-handle: %s\n", core_store_errmsg(a.store));
            return 1;
        }
        for (long i = 0; i < group && done < count && fgets(line, sizeof line, f); i++, done++) {
            line[strcspn(line, "\r\n")] = 0;
            char frame[768];
            int len = snprintf(frame, sizeof frame,
                               "{\"v\":1,\"id\":%ld,\"op\":\"delivery.confirm\",\"args\":"
                               "{\"token\":\"%s\",\"scan_id\":\"handle-%ld\",\"team\":"
                               "\"Brigada de prueba\",\"device\":\"bench\"}}",
                               done, line, done);
            struct api_outcome out;
            json_t *reply = api_handle(&a, frame, (size_t)len, "bench", NULL, &out);
            char *text = json_dumps(reply, JSON_COMPACT);
            free(text);
            json_decref(reply);
            failed += out.code != 0;
        }
        double g1 = bench_now();
        if (api_group_commit(&a) != 0) {
            fprintf(stderr, "bench-handle: commit: %s\n", core_store_errmsg(a.store));
            return 1;
        }
        handling += g1 - g0;
        committing += bench_now() - g1;
        if (feof(f))
            break;
    }
    double t = bench_now() - t0;
    fclose(f);
    char key[64];
    snprintf(key, sizeof key, "handle.g%ld", group);
    bench_result(key, (double)done / t, "/s");
    snprintf(key, sizeof key, "handle.g%ld.us", group);
    bench_result(key, handling / (double)done * 1e6, "us");
    snprintf(key, sizeof key, "handle.g%ld.commit_ms", group);
    bench_result(key, committing / ((double)done / (double)group) * 1e3, "ms");
    if (failed)
        fprintf(stderr, "bench-handle: %ld of %ld confirmations failed\n", failed, done);
    core_store_destroy(&a.store);
    proto_error_clear(&a.err);
    return failed ? 1 : 0;
}
