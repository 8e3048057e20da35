/* aynid.c: the core service: the one process that writes the ledger.
 *
 * One thread, one zmq_poll loop over the request socket (ROUTER).  The requests waiting
 * are served as one group: one transaction and one commit for all of them, each in its
 * own savepoint, and then their replies (group commit).  After every group and on every
 * poll time-out it publishes, on the event socket (PUB), the events that were committed
 * and not yet published, oldest first.  SIGINT and SIGTERM finish the
 * request in hand, publish what is committed, close cleanly and exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "api.h"
#include "error.h"
#include "lang.h"
#include "mem.h"
#include "provision.h"
#include "signkey.h"
#include "store.h"
#include "zap.h"
#include "zone.h"

#define S_POLL_MS 200
/* A request that replies more than S_TRIM_REPLY bytes or takes more than S_TRIM_MS gets
 * the heap trimmed once aynid is idle again (s_loop). */
#define S_TRIM_REPLY (1024 * 1024)
#define S_TRIM_MS 100
#define S_MMAP_THRESHOLD (256 * 1024)
#define S_PUBLISH_BATCH 1000
#define S_GROUP_MAX 64 /* requests in one group commit */
/* The request bodies one group may hold at once: with at most PROTO_MAX_REQUEST each,
 * a group stops taking requests past this, so that it holds a few MiB, not 64 bodies. */
#define S_GROUP_BYTES (4 * 1024 * 1024)
/* ZeroMQ queue limits, per connection (docs/RELIABILITY.md).  A client's unread replies
 * are held up to S_REPLY_HWM, then dropped (it times out and resends): a client that
 * never reads costs aynid at most that many replies, not everything it asked for.  Its
 * requests wait up to S_REQUEST_HWM deep, then ZeroMQ stops reading its connection
 * (nothing is dropped: the client is slowed down).  A subscriber is sent up to
 * S_EVENT_HWM events ahead of what it read, then misses events (docs/PROTOCOL.md 7.3). */
#define S_REPLY_HWM 100
#define S_REQUEST_HWM 100
#define S_EVENT_HWM 100000
/* Signed checkpoints of the event chain (docs/PROOF.md): one after this many events, or
 * after this many hours with any event, whichever comes first, and one on shutdown. */
#define S_CHECKPOINT_EVERY 1000
#define S_CHECKPOINT_HOURS 1.0
#define S_CHECKPOINT_RETRY_S 60 /* after a checkpoint that could not be written */

enum s_level { S_ERROR, S_WARN, S_INFO, S_DEBUG };

struct s_options {
    const char *db, *api, *events, *keys;
    const char *tz;         /* the zone people read times in (zone.h) */
    enum s_level level;
    bool insecure;          /* no CURVE: only on loopback and ipc:// */
    const char *init_admin; /* write the first admin's provisioning file and exit */
    const char *recover_admin; /* register a new admin, write its file and exit */
    const char *name;          /* the recovered admin's name */
    long checkpoint_every;     /* events between signed checkpoints */
    double checkpoint_hours;   /* at most this long between them, if anything happened */
};

static volatile sig_atomic_t s_stop;
static bool s_trim_due; /* a big request was served: trim the heap when idle */
static enum s_level s_log_level = S_INFO;

static void
s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static void __attribute__((format(printf, 2, 3)))
s_log(enum s_level level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    if (level > s_log_level)
        return;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s aynid %s: ", when, names[level]);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void
s_usage(FILE *out)
{
    fprintf(out,
            _("usage: aynid [--db PATH] [--api ENDPOINT] [--events ENDPOINT] [--keys DIR]\n"
              "             [--log-level error|warn|info|debug] [--insecure] [--tz ZONE]\n"
              "             [--checkpoint-every N] [--checkpoint-hours H]\n"
              "       aynid --init-admin FILE [--db PATH] [--api ENDPOINT] [--events ENDPOINT] [--keys DIR]\n"
              "       aynid --recover-admin FILE [--name NAME] [--db PATH] [--api ENDPOINT]\n"
              "             [--events ENDPOINT] [--keys DIR]\n"
              "\n"
              "The Ayni core service: the stock ledger (SQLite), its request API and its\n"
              "event stream (ZeroMQ).\n"
              "\n"
              "  --db PATH          the ledger database (env AYNI_DB; default ./ayni.db)\n"
              "  --api ENDPOINT     request socket (env AYNI_API; default tcp://127.0.0.1:5570)\n"
              "  --events ENDPOINT  event socket (env AYNI_EVENTS; default tcp://127.0.0.1:5571)\n"
              "  --keys DIR         the QR signing key folder (env AYNI_KEYS; default ./keys)\n"
              "  --log-level LEVEL  error, warn, info (one line per request) or debug\n"
              "  --tz ZONE          the time zone people read times in, served in server.info as\n"
              "                     time_zone: a zone of /usr/share/zoneinfo (env AYNI_TZ;\n"
              "                     default %s); stored times stay UTC\n"
              "  --checkpoint-every N  sign the head of the event chain after every N events\n"
              "                     (env AYNI_CHECKPOINT_EVERY; default %d), and on stopping\n"
              "  --checkpoint-hours H  and at least every H hours if anything happened, H may\n"
              "                     have decimals (env AYNI_CHECKPOINT_HOURS; default %g); see\n"
              "                     'ayni-warehouse ledger checkpoints' and docs/PROOF.md\n"
              "  --insecure         no encryption and no device keys: allowed only when every\n"
              "                     endpoint is loopback or ipc:// (demos and tests)\n"
              "  --init-admin FILE  create the CURVE keys and the first admin device, write its\n"
              "                     provisioning file to FILE (mode 0600), and exit\n"
              "  --recover-admin FILE  with aynid stopped, on the server: register a new admin\n"
              "                     device (--name, default admin-recovery) for a ledger whose\n"
              "                     admins are disabled or whose files are lost, write its\n"
              "                     provisioning file to FILE, and exit\n"
              "  --name NAME        the recovered admin's name (with --recover-admin)\n"
              "  --help, --version\n"
              "\n"
              "Endpoints may be tcp://HOST:PORT or ipc:///path.  aynid is secure by default:\n"
              "clients connect with ZeroMQ CURVE as registered devices (see docs/SECURITY.md).\n"
              "When it listens, aynid prints 'aynid ready api=ENDPOINT events=ENDPOINT' on\n"
              "standard error.\n"),
            AYNI_ZONE_DEFAULT, S_CHECKPOINT_EVERY, S_CHECKPOINT_HOURS);
}

static const char *
s_env(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* --checkpoint-every and --checkpoint-hours (or their env, NULL if neither was given)
 * into o; 0, or -1 with the error printed. */
static int
s_checkpoint_options(struct s_options *o, const char *every, const char *hours)
{
    char *end = NULL;
    o->checkpoint_every = S_CHECKPOINT_EVERY;
    o->checkpoint_hours = S_CHECKPOINT_HOURS;
    if (every) {
        errno = 0;
        o->checkpoint_every = strtol(every, &end, 10);
        if (errno || end == every || *end || o->checkpoint_every < 1 ||
            o->checkpoint_every > 1000000) {
            fprintf(stderr, _("aynid: --checkpoint-every (or AYNI_CHECKPOINT_EVERY) '%s' is not a "
                              "number of events from 1 to 1000000\n"), every);
            return -1;
        }
    }
    if (hours) {
        errno = 0;
        o->checkpoint_hours = strtod(hours, &end);
        /* written with a point in any language: the C locale reads it */
        if (errno || end == hours || *end || !(o->checkpoint_hours > 0) ||
            o->checkpoint_hours > 8760) {
            fprintf(stderr, _("aynid: --checkpoint-hours (or AYNI_CHECKPOINT_HOURS) '%s' is not a "
                              "number of hours above 0 and at most 8760 (a year), such as 1 "
                              "or 0.5\n"), hours);
            return -1;
        }
    }
    return 0;
}

/* 0 to run, 1 to exit 0 (help, version), 2 for wrong usage. */
static int
s_parse(int argc, char **argv, struct s_options *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},     {"api", required_argument, NULL, 'a'},
        {"events", required_argument, NULL, 'e'}, {"keys", required_argument, NULL, 'k'},
        {"log-level", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {"insecure", no_argument, NULL, 'i'},
        {"init-admin", required_argument, NULL, 'I'},
        {"recover-admin", required_argument, NULL, 'R'}, {"name", required_argument, NULL, 'n'},
        {"tz", required_argument, NULL, 'z'},
        {"checkpoint-every", required_argument, NULL, 'c'},
        {"checkpoint-hours", required_argument, NULL, 'H'},      {NULL, 0, NULL, 0},
    };
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    *o = (struct s_options){0};
    o->db = s_env("AYNI_DB", "./ayni.db");
    o->api = s_env("AYNI_API", "tcp://127.0.0.1:5570");
    o->events = s_env("AYNI_EVENTS", "tcp://127.0.0.1:5571");
    o->keys = s_env("AYNI_KEYS", "./keys");
    o->tz = s_env("AYNI_TZ", AYNI_ZONE_DEFAULT);
    o->level = S_INFO;
    const char *every = s_env("AYNI_CHECKPOINT_EVERY", NULL);
    const char *hours = s_env("AYNI_CHECKPOINT_HOURS", NULL);
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'a': o->api = optarg; break;
        case 'e': o->events = optarg; break;
        case 'k': o->keys = optarg; break;
        case 'l': {
            int i = 0;
            while (i < 4 && strcmp(levels[i], optarg))
                i++;
            if (i == 4) {
                fprintf(stderr,
                        _("aynid: unknown log level '%s': use error, warn, info or debug\n"),
                        optarg);
                return 2;
            }
            o->level = (enum s_level)i;
            break;
        }
        case 'i': o->insecure = true; break;
        case 'I': o->init_admin = optarg; break;
        case 'R': o->recover_admin = optarg; break;
        case 'n': o->name = optarg; break;
        case 'z': o->tz = optarg; break;
        case 'c': every = optarg; break;
        case 'H': hours = optarg; break;
        case 'h': s_usage(stdout); return 1;
        case 'V': printf("aynid %s\n", AYNI_VERSION); return 1;
        default:
            fprintf(stderr, _("aynid: unknown or incomplete option '%s'\n"), argv[optind - 1]);
            s_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("aynid: unexpected argument '%s'\n"), argv[optind]);
        s_usage(stderr);
        return 2;
    }
    if (o->init_admin && o->recover_admin) {
        fprintf(stderr, _("aynid: --init-admin and --recover-admin go one at a time: "
                          "--init-admin for a new ledger, --recover-admin for one whose "
                          "admins are lost\n"));
        return 2;
    }
    if (o->name && !o->recover_admin) {
        fprintf(stderr,
                _("aynid: --name goes with --recover-admin (the recovered admin's name)\n"));
        return 2;
    }
    if (s_checkpoint_options(o, every, hours) != 0)
        return 2;
    char err[512];
    if (ayni_zone_use(o->tz, err, sizeof err) != 0) {
        fprintf(stderr, _("aynid: --tz: %s\n"), err);
        return 2;
    }
    return 0;
}

/* ---- sockets and locks ---- */

static unsigned char s_curve_sk[32]; /* the core's CURVE secret key, when secure */

/* The host and port of tcp://HOST:PORT (HOST may be [IPv6]); false if it is not that. */
static bool
s_tcp_parts(const char *endpoint, char host[64], unsigned *port)
{
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return false;
    const char *h = endpoint + 6, *colon;
    size_t hlen;
    if (*h == '[') {
        const char *close = strchr(h, ']');
        if (!close || close[1] != ':')
            return false;
        hlen = (size_t)(close - h - 1);
        h++;
        colon = close + 1;
    } else {
        colon = strrchr(h, ':');
        if (!colon)
            return false;
        hlen = (size_t)(colon - h);
    }
    const char *p = colon + 1;
    if (hlen == 0 || hlen >= 64 || !*p || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p))
        return false;
    *port = (unsigned)strtoul(p, NULL, 10);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    return *port >= 1 && *port <= 65535;
}

/* True for an endpoint only this machine can reach: ipc://PATH, or tcp:// on a loopback
 * address (127.0.0.0/8, [::1], localhost) and one port.  Parsed, not matched by prefix:
 * 'tcp://127.evil:1' and lists such as 'tcp://127.0.0.1:1;tcp://0.0.0.0:2' are not. */
static bool
s_local(const char *endpoint)
{
    if (!strncmp(endpoint, "ipc://", 6))
        return endpoint[6] != '\0' && !strchr(endpoint, ';');
    char host[64];
    unsigned port;
    struct in_addr v4;
    struct in6_addr v6;
    if (!s_tcp_parts(endpoint, host, &port))
        return false;
    if (!strcmp(host, "localhost"))
        return true;
    if (strchr(host, ':')) /* written [IPv6] */
        return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
    return inet_pton(AF_INET, host, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

/* The addresses to bind for an endpoint: itself, or for tcp://localhost:PORT both
 * loopback addresses, since ZeroMQ binds to addresses, not host names, and a client
 * may resolve localhost to either. */
static int
s_addresses(const char *endpoint, char out[2][300])
{
    char host[64];
    unsigned port;
    if (s_tcp_parts(endpoint, host, &port) && !strcmp(host, "localhost")) {
        snprintf(out[0], 300, "tcp://127.0.0.1:%u", port);
        snprintf(out[1], 300, "tcp://[::1]:%u", port);
        return 2;
    }
    snprintf(out[0], 300, "%s", endpoint);
    return 1;
}

/* ZeroMQ replaces an ipc:// socket file that is in use; refuse instead, so that a second
 * aynid never steals the first one's clients. */
static bool
s_ipc_in_use(const char *endpoint)
{
    if (strncmp(endpoint, "ipc://", 6) != 0)
        return false;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(endpoint + 6) >= sizeof sa.sun_path)
        return false;
    strcpy(sa.sun_path, endpoint + 6);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    bool used = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return used;
}

/* One aynid per ledger: an exclusive flock on the database file, held until exit.  (It
 * does not meddle with SQLite's own POSIX locks; the descriptor stays open.) */
static int
s_lock_db(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        s_log(S_ERROR, _("cannot open '%s': %s"), path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        s_log(S_ERROR, _("database '%s' is in use by another aynid: stop it first, or give this "
                         "one its own --db"), path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Bind sock to every address of endpoint (s_addresses), retrying for up to tries × 10 ms
 * while the port is still busy (right after an unbind); 0 or the errno.  The IPv6 half
 * of localhost may fail on a machine without IPv6: the IPv4 one is enough. */
static int
s_bind_all(void *sock, const char *endpoint, int tries)
{
    char addr[2][300];
    int n = s_addresses(endpoint, addr);
    for (int i = 0; i < n; i++) {
        int rc, t = 0;
        while ((rc = zmq_bind(sock, addr[i])) != 0 && errno == EADDRINUSE && ++t < tries) {
            struct timespec nap = {0, 10 * 1000 * 1000};
            nanosleep(&nap, NULL);
        }
        if (rc != 0 && !(i == 1 && (errno == EADDRNOTAVAIL || errno == ENODEV))) {
            int e = errno;
            for (int j = 0; j < i; j++)
                zmq_unbind(sock, addr[j]);
            return e;
        }
    }
    return 0;
}

static void *
s_bind(void *ctx, int type, const char *endpoint, const struct api *a)
{
    const char *what = type == ZMQ_ROUTER ? C_("listen for", "requests")
                                          : C_("listen for", "events");
    if (s_ipc_in_use(endpoint)) {
        s_log(S_ERROR, _("cannot listen for %s on '%s': another process is listening there (is "
                         "another aynid running? stop it, or choose another endpoint)"),
              what, endpoint);
        return NULL;
    }
    void *sock = zmq_socket(ctx, type);
    int linger = 1000, sndhwm = type == ZMQ_ROUTER ? S_REPLY_HWM : S_EVENT_HWM;
    int rcvhwm = S_REQUEST_HWM;
    int64_t max = PROTO_MAX_REQUEST_FRAME;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm);
    if (type == ZMQ_ROUTER) {
        zmq_setsockopt(sock, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
        zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    }
    if (a->secure) {
        int server = 1;
        const char *domain = type == ZMQ_ROUTER ? CORE_ZAP_DOMAIN_API : CORE_ZAP_DOMAIN_EVENTS;
        zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &server, sizeof server);
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, s_curve_sk, 32);
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, domain, strlen(domain));
    }
    int ipv6 = 1; /* for tcp://[::1]:PORT and other IPv6 addresses */
    zmq_setsockopt(sock, ZMQ_IPV6, &ipv6, sizeof ipv6);
    int e = s_bind_all(sock, endpoint, 1);
    if (e == 0)
        return sock;
    if (e == EADDRINUSE)
        s_log(S_ERROR, _("cannot listen for %s on '%s': %s (is another aynid running? stop it, "
                         "or choose another endpoint)"),
              what, endpoint, zmq_strerror(e));
    else
        s_log(S_ERROR, _("cannot listen for %s on '%s': %s (write endpoints as tcp://HOST:PORT "
                         "or ipc:///path)"),
              what, endpoint, zmq_strerror(e));
    zmq_close(sock);
    return NULL;
}

/* ---- the event stream ---- */

struct s_publisher {
    void *sock;
    const char *endpoint;
    int64_t published; /* the last seq sent */
    int64_t sent;      /* events sent since start */
};

/* Drop every subscriber: unbind the event socket (which closes the connections made
 * through it) and bind it again.  Each subscriber reconnects by itself and passes the
 * device check (ZAP) again, so a device disabled since it connected is refused; the
 * others see a gap in seq and catch up with events.since (docs/PROTOCOL.md 7.3).  The
 * port may stay busy for a moment after the unbind: retry for up to a second. */
static void
s_rebind(struct s_publisher *p)
{
    char addr[2][300];
    int n = s_addresses(p->endpoint, addr);
    for (int i = 0; i < n; i++)
        zmq_unbind(p->sock, addr[i]); /* the IPv6 half of localhost may not be bound */
    int e = s_bind_all(p->sock, p->endpoint, 100);
    if (e == 0)
        s_log(S_INFO, "a device was disabled: every event subscriber must connect again");
    else
        s_log(S_ERROR, _("cannot listen for events on '%s' again: %s (restart aynid)"),
              p->endpoint, zmq_strerror(e));
}

static int
s_send_event(void *arg, int64_t seq, const char *type, const char *text, size_t len)
{
    struct s_publisher *p = arg;
    zmq_send(p->sock, type, strlen(type), ZMQ_SNDMORE);
    zmq_send(p->sock, text, len, 0);
    p->published = seq;
    p->sent++;
    return 0;
}

/* Send every committed event after p->published, in order. */
static void
s_publish(struct api *a, struct s_publisher *p)
{
    for (;;) {
        int64_t before = p->sent;
        if (core_events_each(a->store, p->published, S_PUBLISH_BATCH, s_send_event, p) != 0) {
            s_log(S_ERROR, _("cannot read the outbox: %s"), core_store_errmsg(a->store));
            return;
        }
        if (p->sent - before < S_PUBLISH_BATCH)
            return;
    }
}

/* ---- signed checkpoints of the chain (docs/PROOF.md) ---- */

struct s_checkpointer {
    long every;      /* events */
    double hours;
    double last;     /* monotonic seconds of the last one made (or of the start) */
    double retry;    /* no new try before then, after one that failed */
    double looked;   /* when the ledger was last asked whether one is due */
};

static double
s_mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Sign the chain's head if a checkpoint is due: c->every events since the last one, or
 * c->hours with any event, or (stopping) any event at all; served: a group of requests
 * was just served.  A failure is logged and tried
 * again a minute later: requests go on being served. */
static void
s_checkpoint(struct api *a, struct s_checkpointer *c, bool served, bool stopping)
{
    double now = s_mono_s();
    int64_t pending;
    if (!stopping && now < c->retry)
        return;
    /* Only a group of requests makes events: an idle loop (every 200 ms) asks the ledger
     * at most once a second, for the hourly one. */
    if (!stopping && !served && now - c->looked < 1.0)
        return;
    c->looked = now;
    int rc = core_chain_pending(a->store, &pending);
    if (rc == 0 && !(pending >= c->every ||
                     (pending > 0 && (stopping || now - c->last >= c->hours * 3600))))
        return;
    json_t *r = NULL;
    core_store_set_actor(a->store, "aynid");
    if (rc == 0)
        rc = core_chain_checkpoint(a->store, a->sk, &r);
    if (rc) {
        s_log(S_ERROR, _("cannot sign a checkpoint of the event chain: %s (trying again in a "
                         "minute)"), core_store_errmsg(a->store));
        c->retry = now + S_CHECKPOINT_RETRY_S;
        return;
    }
    c->last = now;
    if (r)
        s_log(S_INFO, "checkpoint: the event chain signed at seq %lld",
              (long long)json_integer_value(json_object_get(r, "seq")));
    json_decref(r);
}

/* ---- requests ---- */

static double
s_ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* One request, from its arrival to its reply.  Only what a request may hold is kept:
 * the routing id ROUTER puts first, the empty delimiter a REQ socket sends, and the body
 * (freed at once if it is over PROTO_MAX_REQUEST: its size is all the too_large answer
 * needs).  Every other frame is closed as it arrives, so that no envelope costs memory. */
struct s_request {
    zmq_msg_t id, body;
    bool delimiter; /* a REQ socket's empty frame came before the body: send it back */
    bool has_body;  /* body holds the frame (not over the limit, not a bad envelope) */
    int frames;     /* how many frames the message had */
    size_t size;    /* the body's size */
    char device[101], role[16];
    struct timespec t0;
    json_t *reply;
    struct api_outcome out;
};

/* True for the frames of one legitimate request: [id, body] from a DEALER, or
 * [id, empty, body] from a REQ. */
static bool
s_envelope_ok(const struct s_request *r)
{
    return r->frames == 2 || (r->frames == 3 && r->delimiter);
}

/* Read one whole message into r (see struct s_request); false if there was none.  In
 * secure mode the device's name (ZAP put it on every frame the client sent) is copied
 * into r->device. */
static bool
s_recv(void *sock, struct s_request *r, bool secure)
{
    int more = 1;
    zmq_msg_t f;
    r->frames = 0;
    r->delimiter = r->has_body = false;
    r->size = 0;
    snprintf(r->device, sizeof r->device, "%s", secure ? "" : "local");
    zmq_msg_init(&r->id);
    zmq_msg_init(&r->body);
    while (more) {
        zmq_msg_init(&f);
        if (zmq_msg_recv(&f, sock, 0) < 0) {
            zmq_msg_close(&f);
            break;
        }
        more = zmq_msg_more(&f);
        int i = r->frames++;
        if (i == 0) {
            zmq_msg_move(&r->id, &f);
            continue;
        }
        const char *user = secure && i == 1 ? zmq_msg_gets(&f, "User-Id") : NULL;
        if (user)
            snprintf(r->device, sizeof r->device, "%s", user);
        if (i == 1 && more && zmq_msg_size(&f) == 0)
            r->delimiter = true;
        if (!more) {
            r->size = zmq_msg_size(&f);
            r->has_body = s_envelope_ok(r) && r->size <= PROTO_MAX_REQUEST;
            if (r->has_body)
                zmq_msg_move(&r->body, &f);
        }
        zmq_msg_close(&f);
    }
    if (r->frames > 0 && !more)
        return true;
    zmq_msg_close(&r->id);
    zmq_msg_close(&r->body);
    return false;
}

/* The role now of the device a request came from: a device disabled since it
 * connected gets none, and every op refuses it. */
static void
s_caller(struct api *a, struct s_request *r)
{
    bool enabled = false;
    if (!*r->device || core_device_by_name(a->store, r->device, r->role, &enabled) != 0 ||
        !enabled)
        snprintf(r->role, sizeof r->role, "disabled");
    if (!*r->device)
        snprintf(r->device, sizeof r->device, "unknown");
}

/* Receive the next request; false if there was no message. */
static bool
s_take(struct api *a, void *router, struct s_request *r)
{
    if (!s_recv(router, r, a->secure))
        return false;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->reply = NULL;
    if (a->secure)
        s_caller(a, r);
    return true;
}

static void
s_handle(struct api *a, struct s_request *r)
{
    json_decref(r->reply);
    r->reply = NULL;
    if (!s_envelope_ok(r)) {
        char msg[256];
        snprintf(msg, sizeof msg, "a request is one frame from a DEALER socket (or an empty "
                 "frame and one from REQ), and this message had %d: send the JSON request "
                 "alone", r->frames - 1);
        r->reply = proto_reply_error(json_null(), AYNI_EBADREQ, msg,
                                     json_pack("{si}", "frames", r->frames - 1));
        snprintf(r->out.op, sizeof r->out.op, "?");
        r->out.code = AYNI_EBADREQ;
        return;
    }
    /* Over PROTO_MAX_REQUEST the body was not kept: its size alone gets too_large. */
    static const char none[1];
    r->reply = api_handle(a, r->has_body ? zmq_msg_data(&r->body) : none, r->size, r->device,
                          a->secure ? r->role : NULL, &r->out);
}

/* The reply, to the routing id alone (and the delimiter a REQ socket waits for): never
 * an echo of frames the client made up. */
static void
s_reply(void *router, struct s_request *r)
{
    char *text = proto_dump(r->reply);
    size_t len = strlen(text);
    if (len > PROTO_MAX_FRAME) {
        /* Clients drop a bigger message unread (ZMQ_MAXMSGSIZE): say so instead. */
        char msg[256];
        snprintf(msg, sizeof msg, "the answer is %.1f MiB, more than the %d MiB a message may "
                 "carry: ask for less (a shorter period, say)", (double)len / 1048576.0,
                 PROTO_MAX_FRAME / 1048576);
        json_t *e = proto_reply_error(json_object_get(r->reply, "id"), AYNI_ETOOBIG, msg,
                                      json_pack("{sIsi}", "size", (json_int_t)len, "limit",
                                                PROTO_MAX_FRAME));
        free(text);
        text = proto_dump(e);
        len = strlen(text);
        json_decref(e);
        r->out.code = AYNI_ETOOBIG;
        s_trim_due = true;
    }
    json_decref(r->reply);
    zmq_msg_send(&r->id, router, ZMQ_SNDMORE);
    if (r->delimiter && s_envelope_ok(r))
        zmq_send(router, "", 0, ZMQ_SNDMORE);
    zmq_send(router, text, len, 0);
    free(text);
    zmq_msg_close(&r->id);
    zmq_msg_close(&r->body);
    s_log(r->out.code ? S_WARN : S_INFO, "op=%s device=%s result=%s ms=%.2f", r->out.op,
          r->device, r->out.code ? ayni_err_code(r->out.code) : "ok", s_ms_since(&r->t0));
    if (len > S_TRIM_REPLY || s_ms_since(&r->t0) > S_TRIM_MS)
        s_trim_due = true;
}

static bool
s_readable(void *router)
{
    int events = 0;
    size_t len = sizeof events;
    zmq_getsockopt(router, ZMQ_EVENTS, &events, &len);
    return events & ZMQ_POLLIN;
}

/* Group commit: every request waiting (up to S_GROUP_MAX) is handled in one transaction,
 * each in its own savepoint, and one commit (one fsync) makes them all durable before any
 * reply goes out.  If the group cannot commit, nothing of it was kept: each request is
 * handled again in its own transaction, so that one request's failure is its own.
 * True if a device was disabled: its subscription must be cut (s_rebind). */
static bool
s_serve_group(struct api *a, void *router)
{
    static struct s_request group[S_GROUP_MAX];
    int n = 0;
    size_t bytes = 0;
    do {
        if (!s_take(a, router, &group[n]))
            continue;
        bytes += group[n].has_body ? group[n].size : 0;
        n++;
    } while (n < S_GROUP_MAX && bytes < S_GROUP_BYTES && !s_stop && s_readable(router));
    if (n == 0)
        return false;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool grouped = api_group_begin(a) == 0;
    for (int i = 0; i < n; i++)
        s_handle(a, &group[i]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int rc = grouped ? api_group_commit(a) : 0;
    s_log(S_DEBUG, "group of %d: handled in %.2f ms, committed in %.2f ms", n,
          s_ms_since(&t0) - s_ms_since(&t1), s_ms_since(&t1));
    if (rc != 0) {
        s_log(S_WARN, "a group of %d requests did not commit (%s): handling each alone", n,
              core_store_errmsg(a->store));
        for (int i = 0; i < n; i++)
            s_handle(a, &group[i]);
    }
    bool disabled = false;
    for (int i = 0; i < n; i++) {
        disabled |= group[i].out.code == 0 && !strcmp(group[i].out.op, "device.disable");
        s_reply(router, &group[i]);
    }
    return disabled;
}

static void
s_loop(struct api *a, void *router, void *zap, struct s_publisher *pub,
       struct s_checkpointer *cp)
{
    while (!s_stop) {
        zmq_pollitem_t items[2] = {{router, 0, ZMQ_POLLIN, 0}, {zap, 0, ZMQ_POLLIN, 0}};
        int rc = zmq_poll(items, zap ? 2 : 1, S_POLL_MS);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            s_log(S_ERROR, _("poll failed: %s"), zmq_strerror(errno));
            break;
        }
        /* A big request (a year's donor report, ledger verify) leaves tens of MiB free in
         * the heap: give them back once idle, or aynid stays that big until it restarts. */
        if (rc == 0 && s_trim_due) {
            malloc_trim(0);
            s_trim_due = false;
        }
        if (zap && (items[1].revents & ZMQ_POLLIN)) {
            char why[64];
            core_zap_answer(zap, a->store, why, sizeof why);
            if (*why)
                s_log(S_WARN, "connection refused: %s", why);
        }
        bool served = rc > 0 && (items[0].revents & ZMQ_POLLIN);
        bool disabled = served && s_serve_group(a, router);
        s_checkpoint(a, cp, served, false);
        s_publish(a, pub); /* right after the replies: subscribers hear within a group */
        if (disabled) /* after the group's own events, device.disabled among them */
            s_rebind(pub);
    }
}

/* ---- start and stop ---- */

static int
s_open_store(struct api *a, const struct s_options *o)
{
    char err[1024];
    int rc = core_store_open(&a->store, o->db, err, sizeof err);
    if (rc) {
        s_log(S_ERROR, "%s", err);
        return rc;
    }
    if ((rc = core_store_checkpoint_in_background(a->store))) {
        s_log(S_ERROR, "%s", core_store_errmsg(a->store));
        core_store_destroy(&a->store);
        return rc;
    }
    if ((rc = core_signkey_load(o->keys, a->pk, a->sk, err, sizeof err)) == 0 && a->secure &&
        (rc = core_curvekey_load(o->keys, false, a->curve_pk, s_curve_sk, err, sizeof err)) ==
            AYNI_ENOTFOUND)
        snprintf(err, sizeof err,
                 _("aynid runs secure by default and has no CURVE key in '%s': run 'aynid "
                   "--init-admin admin.json' once to make the keys and the first admin's "
                   "provisioning file (or, on loopback only, run with --insecure)"),
                 o->keys);
    if (rc) {
        s_log(S_ERROR, "%s", err);
        core_store_destroy(&a->store);
    }
    return rc;
}

/* Make the admin device name: its key pair, and its provisioning file at path, written
 * before the device is registered (and removed if that fails), so that no admin exists
 * without its file.  a's store is open and s_curve_sk holds the core's CURVE key. */
static int
s_make_admin(struct api *a, const struct s_options *o, const char *name, const char *path)
{
    struct proto_provision p = {0};
    char err[1024], hex[65];
    json_t *r = NULL;
    snprintf(p.device, sizeof p.device, "%s", name);
    snprintf(p.role, sizeof p.role, "admin");
    snprintf(p.api, sizeof p.api, "%s", o->api);
    snprintf(p.events, sizeof p.events, "%s", o->events);
    memcpy(p.server_key, a->curve_pk, 32);
    proto_provision_keypair(&p);
    sodium_bin2hex(hex, sizeof hex, p.public_key, 32);
    int rc = proto_provision_write(path, &p, err, sizeof err);
    sodium_memzero(&p, sizeof p);
    if (rc) {
        s_log(S_ERROR, "%s", err);
        return rc;
    }
    if ((rc = core_device_add(a->store, name, "admin", hex, &r))) {
        s_log(S_ERROR, "%s", core_store_errmsg(a->store));
        unlink(path);
        return rc;
    }
    json_decref(r);
    fprintf(stderr, _("aynid: admin device '%s' registered; its provisioning file is '%s' "
                      "(mode 0600): keep it safe, it holds the admin's secret key\n"), name, path);
    return 0;
}

/* --init-admin FILE: the first admin device.  a's store is open, its CURVE key loaded. */
static int
s_init_admin(struct api *a, const struct s_options *o)
{
    int64_t admins = 0;
    int rc = core_device_admins(a->store, &admins);
    if (rc) {
        s_log(S_ERROR, "%s", core_store_errmsg(a->store));
        return rc;
    }
    if (admins > 0) {
        s_log(S_ERROR, _("this ledger already has an admin device: add more devices with "
                         "'ayni-warehouse --provision ADMIN-FILE device add NAME --role admin "
                         "-o FILE' (or, if no admin file is usable any more, 'aynid "
                         "--recover-admin FILE')"));
        return 1;
    }
    return s_make_admin(a, o, "admin", o->init_admin);
}

/* --recover-admin FILE: a new admin device for an operator who has the ledger and the
 * keys folder but no usable admin (all disabled, or their files lost), in the ledger as
 * any device.add is, its event's actor saying how.  a as for s_init_admin. */
static int
s_recover_admin(struct api *a, const struct s_options *o)
{
    char name[101], role[16];
    bool enabled;
    int rc;
    /* The name asked for, else the first free admin-recovery[-N]. */
    snprintf(name, sizeof name, "%s", o->name ? o->name : "admin-recovery");
    for (int i = 2; (rc = core_device_by_name(a->store, name, role, &enabled)) == 0; i++) {
        if (o->name) {
            s_log(S_ERROR, _("a device named '%s' exists already: choose another --name"), name);
            return 1;
        }
        snprintf(name, sizeof name, "admin-recovery-%d", i);
    }
    if (rc != AYNI_ENOTFOUND) {
        s_log(S_ERROR, "%s", core_store_errmsg(a->store));
        return rc;
    }
    core_store_set_actor(a->store, "aynid --recover-admin");
    if ((rc = s_make_admin(a, o, name, o->recover_admin)) == 0)
        fprintf(stderr, _("aynid: recovered: start aynid, then with this file list the devices "
                          "('ayni-warehouse --provision %s device list') and disable any admin "
                          "whose file was lost\n"),
                o->recover_admin);
    return rc;
}

/* Run fn (s_init_admin, s_recover_admin) on the ledger with aynid stopped (its lock) and
 * the core's CURVE key: made if missing for --init-admin, never for --recover-admin, which
 * must keep the key the devices already trust.  The exit status. */
static int
s_offline(const struct s_options *o, int (*fn)(struct api *, const struct s_options *))
{
    struct api a = {.db_path = o->db}; /* opened as insecure: the CURVE key comes below */
    char err[1024];
    bool create = fn == s_init_admin;
    int lock = s_lock_db(o->db), rc = 1;
    if (lock < 0 || s_open_store(&a, o) != 0)
        goto out;
    rc = core_curvekey_load(o->keys, create, a.curve_pk, s_curve_sk, err, sizeof err);
    if (rc == AYNI_ENOTFOUND && !create)
        s_log(S_ERROR, _("no CURVE key in '%s': this ledger was never made secure, so there is "
                         "no admin to recover: run 'aynid --init-admin FILE' (or give the right "
                         "--keys folder)"),
              o->keys);
    else if (rc)
        s_log(S_ERROR, "%s", err);
    else
        rc = fn(&a, o);
out:
    sodium_memzero(s_curve_sk, sizeof s_curve_sk);
    core_store_destroy(&a.store);
    if (lock >= 0)
        close(lock);
    return rc ? 1 : 0;
}

int
main(int argc, char **argv)
{
    struct s_options o;
    ayni_lang_start("aynid");
    int rc = s_parse(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;
    s_log_level = o.level;
    /* Big buffers (request frames of megabytes, a year's report) straight from and back
     * to the system: glibc would otherwise raise its mmap threshold after the first big
     * free and keep later ones in the heap, resident long after they were freed. */
    mallopt(M_MMAP_THRESHOLD, S_MMAP_THRESHOLD);
    if (o.init_admin || o.recover_admin)
        return s_offline(&o, o.init_admin ? s_init_admin : s_recover_admin);
    if (o.insecure && (!s_local(o.api) || !s_local(o.events))) {
        s_log(S_ERROR, _("--insecure is allowed only when every endpoint is loopback or ipc://, "
                         "and '%s' is not: run secure (see docs/SECURITY.md)"),
              s_local(o.api) ? o.events : o.api);
        return 2;
    }
    struct api a = {.db_path = o.db, .started = time(NULL), .secure = !o.insecure};
    int lock = s_lock_db(o.db);
    if (lock < 0)
        return 1;
    if (s_open_store(&a, &o)) {
        close(lock);
        return 1;
    }
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    void *ctx = zmq_ctx_new();
    void *zap = a.secure ? zmq_socket(ctx, ZMQ_REP) : NULL;
    if (zap && zmq_bind(zap, CORE_ZAP_ENDPOINT) != 0) {
        s_log(S_ERROR, _("cannot start the device check (ZAP): %s"), zmq_strerror(errno));
        zmq_close(zap);
        zap = NULL;
    }
    void *router = (!a.secure || zap) ? s_bind(ctx, ZMQ_ROUTER, o.api, &a) : NULL;
    struct s_publisher pub = {router ? s_bind(ctx, ZMQ_PUB, o.events, &a) : NULL,
                              o.events, 0, 0};
    char head[65];
    rc = 1;
    if (!router || !pub.sock || core_events_head(a.store, &pub.published, head) != 0)
        goto out;
    fprintf(stderr, "aynid ready api=%s events=%s\n", o.api, o.events);
    s_log(S_INFO, "ledger '%s' (schema %d), %lld events", o.db, core_store_schema_version(),
          (long long)pub.published);
    s_log(S_INFO, "%s", a.secure ? "secure: clients connect with CURVE as registered devices"
                                 : "INSECURE: no encryption, no device keys (loopback only)");
    struct s_checkpointer cp = {o.checkpoint_every, o.checkpoint_hours, s_mono_s(), 0, 0};
    s_loop(&a, router, zap, &pub, &cp);
    s_checkpoint(&a, &cp, false, true);
    s_publish(&a, &pub);
    s_log(S_INFO, "stopping: every committed event is published (seq %lld)",
          (long long)pub.published);
    rc = 0;
out:
    if (router)
        zmq_close(router);
    if (zap)
        zmq_close(zap);
    if (pub.sock)
        zmq_close(pub.sock);
    zmq_ctx_term(ctx);
    core_store_destroy(&a.store);
    proto_error_clear(&a.err);
    sodium_memzero(a.sk, sizeof a.sk);
    sodium_memzero(s_curve_sk, sizeof s_curve_sk);
    close(lock);
    return rc;
}
