/* bench_confirm.c: durable delivery confirmations per second, end to end, and how soon a
 * subscriber hears of each.
 *
 * N client threads, each with its own connection (proto_client, as ayni-scan uses),
 * confirm packages one request at a time with `delivery.confirm`, taking the tokens of
 * a file (ayni-bench-gen --tokens) in turn.  A subscriber on the event socket notes when
 * each `delivery.confirmed` event arrives.  Every reply must be ok: a benchmark that
 * counted errors as confirmations would measure nothing.
 *
 * Results: confirm.cN (confirmations/s), confirm.cN.p50 and .p99 (ms from sending the
 * request to its reply), events.cN.rate (events/s at the subscriber), events.cN.p99 (ms
 * from sending the request to its event: an upper bound of commit to subscriber, which
 * includes the wait for the commit) and events.cN.reply_p99 (ms from the client having
 * its reply, which aynid sends right after the commit, to the subscriber having the
 * event).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zmq.h>

#include "bench_util.h"
#include "error.h"
#include "mem.h"
#include "proto.h"
#include "provision.h"

struct s_run {
    const char *api, *events;
    int clients;
    size_t count;
    char **tokens;
    char tag[32];           /* makes this run's scan ids unique */
    struct proto_curve *curve;
    double *sent, *replied, *heard;
    pthread_barrier_t start;
    volatile int failed;
    volatile int sub_ready, sub_stop;
    size_t heard_n;
};

struct s_client {
    struct s_run *run;
    int index;
};

static void *
s_client(void *arg)
{
    struct s_client *c = arg;
    struct s_run *r = c->run;
    struct proto_error err = {0};
    proto_client_t *pc = proto_client_new(r->api, 30000, r->curve, &err);
    if (!pc) {
        fprintf(stderr, "bench-confirm: %s\n", err.message);
        r->failed = 1;
    }
    pthread_barrier_wait(&r->start);
    for (size_t i = (size_t)c->index; pc && i < r->count && !r->failed; i += (size_t)r->clients) {
        char scan_id[64];
        snprintf(scan_id, sizeof scan_id, "%s-%zu", r->tag, i);
        json_t *args = json_pack("{ss ss ss ss}", "token", r->tokens[i], "scan_id", scan_id,
                                 "team", "Brigada de prueba", "device", "bench");
        json_t *result = NULL;
        r->sent[i] = bench_now();
        int rc = proto_client_call(pc, "delivery.confirm", args, NULL, &result, &err);
        r->replied[i] = bench_now();
        json_decref(result);
        if (rc) {
            fprintf(stderr, "bench-confirm: confirmation %zu failed: %s: %s\n", i,
                    ayni_err_code(rc), err.message);
            r->failed = 1;
        }
        proto_error_clear(&err);
    }
    proto_client_destroy(&pc);
    return NULL;
}

/* The subscriber: notes when each of this run's delivery.confirmed events arrives. */
static void *
s_subscriber(void *arg)
{
    struct s_run *r = arg;
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    int timeout = 100;
    zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "delivery.confirmed", strlen("delivery.confirmed"));
    if (r->curve)
        proto_curve_apply(sub, r->curve);
    zmq_connect(sub, r->events);
    usleep(300 * 1000); /* a SUB socket hears nothing until its subscription arrived */
    r->sub_ready = 1;
    size_t taglen = strlen(r->tag);
    while (!r->sub_stop && r->heard_n < r->count) {
        zmq_msg_t topic, body;
        zmq_msg_init(&topic);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&topic, sub, 0) >= 0 && zmq_msg_more(&topic) &&
            zmq_msg_recv(&body, sub, 0) >= 0) {
            double t = bench_now();
            json_t *e = json_loadb(zmq_msg_data(&body), zmq_msg_size(&body), 0, NULL);
            const char *id = json_string_value(json_object_get(e, "scan_id"));
            if (id && !strncmp(id, r->tag, taglen) && id[taglen] == '-') {
                size_t i = strtoul(id + taglen + 1, NULL, 10);
                if (i < r->count && r->heard[i] == 0) {
                    r->heard[i] = t;
                    r->heard_n++;
                }
            }
            json_decref(e);
        }
        zmq_msg_close(&topic);
        zmq_msg_close(&body);
    }
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return NULL;
}

static char **
s_read_tokens(const char *path, size_t want)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench-confirm: cannot read the tokens file '%s': %s (make it with "
                "ayni-bench-gen --tokens)\n", path, strerror(errno));
        return NULL;
    }
    char **tokens = xcalloc(want, sizeof *tokens), line[512];
    size_t n = 0;
    while (n < want && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (*line)
            tokens[n++] = xstrdup(line);
    }
    fclose(f);
    if (n < want) {
        fprintf(stderr, "bench-confirm: '%s' has %zu tokens, and %zu are needed: generate "
                "more open packages\n", path, n, want);
        for (size_t i = 0; i < n; i++)
            free(tokens[i]);
        free(tokens);
        return NULL;
    }
    return tokens;
}

static void
s_usage(FILE *out)
{
    fprintf(out, "usage: ayni-bench-confirm --api ENDPOINT --events ENDPOINT --tokens FILE\n"
                 "                          --clients N --count M [--skip K] [--provision FILE]\n"
                 "Confirms M packages with N concurrent clients, using the tokens from line\n"
                 "K+1 of FILE on (each token once: give each run its own --skip).\n");
}

int
main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"api", required_argument, NULL, 'a'},     {"events", required_argument, NULL, 'e'},
        {"tokens", required_argument, NULL, 't'},  {"clients", required_argument, NULL, 'c'},
        {"count", required_argument, NULL, 'n'},   {"skip", required_argument, NULL, 's'},
        {"provision", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct s_run r = {0};
    const char *tokens_path = NULL, *provision = NULL;
    long skip = 0, clients = 0, count = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'a': r.api = optarg; break;
        case 'e': r.events = optarg; break;
        case 't': tokens_path = optarg; break;
        case 'c': clients = strtol(optarg, NULL, 10); break;
        case 'n': count = strtol(optarg, NULL, 10); break;
        case 's': skip = strtol(optarg, NULL, 10); break;
        case 'p': provision = optarg; break;
        case 'h': s_usage(stdout); return 0;
        default: s_usage(stderr); return 2;
        }
    }
    if (!r.api || !r.events || !tokens_path || clients < 1 || clients > 1024 || count < 1 ||
        skip < 0) {
        fprintf(stderr, "bench-confirm: give --api, --events, --tokens, --clients 1..1024 "
                "and --count of at least 1\n");
        s_usage(stderr);
        return 2;
    }
    struct proto_provision prov;
    struct proto_curve curve;
    if (provision) {
        char err[512];
        if (proto_provision_load(provision, &prov, err, sizeof err) != 0) {
            fprintf(stderr, "bench-confirm: %s\n", err);
            return 1;
        }
        memcpy(curve.server_key, prov.server_key, 32);
        memcpy(curve.public_key, prov.public_key, 32);
        memcpy(curve.secret_key, prov.secret_key, 32);
        r.curve = &curve;
    }
    char **all = s_read_tokens(tokens_path, (size_t)(skip + count));
    if (!all)
        return 1;
    r.clients = (int)clients;
    r.count = (size_t)count;
    r.tokens = all + skip;
    snprintf(r.tag, sizeof r.tag, "bench-%ld-%d", (long)getpid(), (int)skip);
    r.sent = xcalloc(r.count, sizeof *r.sent);
    r.replied = xcalloc(r.count, sizeof *r.replied);
    r.heard = xcalloc(r.count, sizeof *r.heard);
    pthread_barrier_init(&r.start, NULL, (unsigned)clients + 1);

    pthread_t sub, *threads = xcalloc((size_t)clients, sizeof *threads);
    struct s_client *cs = xcalloc((size_t)clients, sizeof *cs);
    pthread_create(&sub, NULL, s_subscriber, &r);
    while (!r.sub_ready)
        usleep(10 * 1000);
    for (int i = 0; i < r.clients; i++) {
        cs[i] = (struct s_client){&r, i};
        pthread_create(&threads[i], NULL, s_client, &cs[i]);
    }
    pthread_barrier_wait(&r.start);
    double t0 = bench_now();
    for (int i = 0; i < r.clients; i++)
        pthread_join(threads[i], NULL);
    double t1 = bench_now();
    for (int waited = 0; r.heard_n < r.count && waited < 100; waited++)
        usleep(100 * 1000); /* events still on their way */
    r.sub_stop = 1;
    pthread_join(sub, NULL);

    int rc = r.failed ? 1 : 0;
    if (!r.failed) {
        double *lat = xcalloc(r.count, sizeof *lat), *ev = xcalloc(r.count, sizeof *ev);
        double *after = xcalloc(r.count, sizeof *after);
        double first = 0, last = 0;
        size_t nev = 0;
        for (size_t i = 0; i < r.count; i++) {
            lat[i] = (r.replied[i] - r.sent[i]) * 1e3;
            if (r.heard[i] > 0) {
                after[nev] = (r.heard[i] - r.replied[i]) * 1e3;
                ev[nev++] = (r.heard[i] - r.sent[i]) * 1e3;
                first = first == 0 || r.heard[i] < first ? r.heard[i] : first;
                last = r.heard[i] > last ? r.heard[i] : last;
            }
        }
        char key[64];
        snprintf(key, sizeof key, "confirm.c%d", r.clients);
        bench_result(key, (double)r.count / (t1 - t0), "/s");
        snprintf(key, sizeof key, "confirm.c%d.p50", r.clients);
        bench_result(key, bench_percentile(lat, r.count, 50), "ms");
        snprintf(key, sizeof key, "confirm.c%d.p99", r.clients);
        bench_result(key, bench_percentile(lat, r.count, 99), "ms");
        snprintf(key, sizeof key, "events.c%d.rate", r.clients);
        bench_result(key, nev > 1 ? (double)(nev - 1) / (last - first) : 0, "/s");
        snprintf(key, sizeof key, "events.c%d.p99", r.clients);
        bench_result(key, bench_percentile(ev, nev, 99), "ms");
        snprintf(key, sizeof key, "events.c%d.reply_p99", r.clients);
        bench_result(key, bench_percentile(after, nev, 99), "ms");
        if (nev < r.count) {
            fprintf(stderr, "bench-confirm: the subscriber heard %zu of %zu events\n", nev,
                    r.count);
            rc = 1;
        }
        free(lat);
        free(ev);
        free(after);
    }
    for (size_t i = 0; i < (size_t)(skip + count); i++)
        free(all[i]);
    free(all);
    free(r.sent);
    free(r.replied);
    free(r.heard);
    free(threads);
    free(cs);
    pthread_barrier_destroy(&r.start);
    return rc;
}
