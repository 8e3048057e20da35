/* bench_events.c: how fast aynid's event stream can go, not just as fast as confirmations
 * come.  One client sends stock.receive_batch requests of B rows (each row a new lot, so
 * one stock.received event each) one after another; a subscriber counts the events.
 *
 *   ayni-bench-events --api EP --events EP --at WAREHOUSE --donor CODE --item CODE
 *                     [--requests R] [--rows B]
 *
 * Results: events.burst.rate (events/s the subscriber received, first to last) and
 * events.burst.requests (the same rate as the client put them in, for comparison).
 */
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
#include "proto.h"

struct s_sub {
    const char *endpoint;
    long want;
    volatile int ready, stop;
    long heard;
    double first, last;
};

static void *
s_subscriber(void *arg)
{
    struct s_sub *s = arg;
    void *ctx = zmq_ctx_new(), *sub = zmq_socket(ctx, ZMQ_SUB);
    int timeout = 100, hwm = 0;
    zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "stock.received", strlen("stock.received"));
    zmq_connect(sub, s->endpoint);
    usleep(300 * 1000); /* a SUB socket hears nothing until its subscription arrived */
    s->ready = 1;
    while (!s->stop && s->heard < s->want) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sub, 0) >= 0 && !zmq_msg_more(&m)) { /* a body */
            s->last = bench_now();
            if (s->heard++ == 0)
                s->first = s->last;
        }
        zmq_msg_close(&m);
    }
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return NULL;
}

int
main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"api", required_argument, NULL, 'a'},  {"events", required_argument, NULL, 'e'},
        {"at", required_argument, NULL, 'w'},   {"donor", required_argument, NULL, 'd'},
        {"item", required_argument, NULL, 'i'}, {"requests", required_argument, NULL, 'r'},
        {"rows", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0},
    };
    const char *api = NULL, *at = NULL, *donor = NULL, *item = NULL;
    struct s_sub sub = {0};
    long requests = 40, rows = 500;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'a': api = optarg; break;
        case 'e': sub.endpoint = optarg; break;
        case 'w': at = optarg; break;
        case 'd': donor = optarg; break;
        case 'i': item = optarg; break;
        case 'r': requests = strtol(optarg, NULL, 10); break;
        case 'b': rows = strtol(optarg, NULL, 10); break;
        default: return 2;
        }
    }
    if (!api || !sub.endpoint || !at || !donor || !item || requests < 1 || rows < 1 ||
        rows > 10000) {
        fprintf(stderr, "usage: ayni-bench-events --api EP --events EP --at WAREHOUSE --donor "
                        "CODE --item CODE [--requests R] [--rows 1..10000]\n");
        return 2;
    }
    struct proto_error err = {0};
    proto_client_t *pc = proto_client_new(api, 60000, NULL, &err);
    if (!pc) {
        fprintf(stderr, "bench-events: %s\n", err.message);
        return 1;
    }
    sub.want = requests * rows;
    pthread_t t;
    pthread_create(&t, NULL, s_subscriber, &sub);
    while (!sub.ready)
        usleep(10 * 1000);
    int rc = 0;
    double t0 = bench_now(), t1 = t0;
    for (long r = 0; r < requests && rc == 0; r++) {
        json_t *list = json_array();
        for (long i = 0; i < rows; i++) {
            char lot[64];
            snprintf(lot, sizeof lot, "EV-%ld-%ld-%ld", (long)getpid(), r, i);
            json_array_append_new(list, json_pack("{ss ss ss ss si}", "at", at, "donor", donor,
                                                  "item", item, "lot", lot, "qty", 1));
        }
        json_t *result = NULL;
        rc = proto_client_call(pc, "stock.receive_batch", json_pack("{so}", "rows", list), NULL,
                               &result, &err);
        json_decref(result);
        if (rc)
            fprintf(stderr, "bench-events: request %ld: %s: %s\n", r, ayni_err_code(rc),
                    err.message);
        t1 = bench_now();
    }
    for (int waited = 0; sub.heard < sub.want && waited < 100; waited++)
        usleep(100 * 1000);
    sub.stop = 1;
    pthread_join(t, NULL);
    proto_client_destroy(&pc);
    proto_error_clear(&err);
    if (rc)
        return 1;
    if (sub.heard < sub.want) {
        fprintf(stderr, "bench-events: the subscriber heard %ld of %ld events\n", sub.heard,
                sub.want);
        return 1;
    }
    bench_result("events.burst.rate", (double)(sub.heard - 1) / (sub.last - sub.first), "/s");
    bench_result("events.burst.requests", (double)sub.want / (t1 - t0), "/s");
    return 0;
}
