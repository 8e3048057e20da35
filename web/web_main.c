/* web_main.c: ayni-web, the HTTPS gateway for phones (docs/WEB.md).  JSON over HTTPS in,
 * aynid's ops out, as its own registered device (role gateway) speaking "as" each phone,
 * in the phone's language; the event stream (web_events.c) as each device; and the phone
 * app's files (web_static.c) from memory.  Replies are built in web_http.c.
 * It checks HTTP only (method, type, size, JSON form, the allow-list): every business
 * rule stays in aynid.  It must not keep any state of the ledger. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "proto.h"
#include "provision.h"
#include "url.h"
#include "web_api.h"
#include "web_events.h"
#include "web_http.h"
#include "web_pdf.h"
#include "web_static.h"
#include "web_tls.h"
#include "zone.h"

#define S_USAGE 2
#define S_NOCORE 3
#define S_PREFIX "/api/v1/"

struct s_opts {
    const char *listen, *cert, *key, *state, *api, *events, *provision, *app;
    int timeout_s, streams;
};

struct s_gateway {
    proto_client_t *core;
    web_static_t *app;
    web_events_t *events;     /* the event stream (web_events.c) */
    char api[256], sub[256];  /* aynid's request and event sockets */
    bool secure;
    unsigned streams;         /* --streams */
    struct proto_curve curve; /* the gateway's keys, for the event stream's sockets */
};

/* One HTTP request being read. */
struct s_req {
    const struct web_file *file; /* one of the app's files, or NULL for the API */
    char *body;
    size_t len;
    bool too_big;
    bool stream;      /* GET /api/v1/events */
    enum web_pdf pdf; /* GET of a document (web_pdf.h) */
};

static volatile sig_atomic_t s_stop;

static void
s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static void
s_usage(FILE *f)
{
    fputs(_("usage: ayni-web [options]\n"
            "The HTTPS gateway that lets phones confirm deliveries through aynid.\n"
            "  --listen URL      where to listen (default https://127.0.0.1:8443)\n"
            "  --cert FILE       the TLS certificate (PEM); with --key\n"
            "  --key FILE        its private key (PEM)\n"
            "  --state DIR       where the self-signed certificate is made and kept when no\n"
            "                    --cert is given (default $STATE_DIRECTORY, else ./ayni-web)\n"
            "  --api ENDPOINT    aynid's request socket (env AYNI_API; default tcp://127.0.0.1:5570)\n"
            "  --events ENDPOINT aynid's event socket (env AYNI_EVENTS; default the provisioning\n"
            "                    file's, else tcp://127.0.0.1:5571)\n"
            "  --provision FILE  the gateway's provisioning file, for a secure aynid (env AYNI_PROVISION)\n"
            "  --timeout S       seconds a slow HTTP client is given before it is cut (default 10)\n"
            "  --streams N       event streams open at once, 1 to 200 (default 64)\n"
            "  --app DIR         the phone app's files (env AYNI_WEB_APP; default the build's\n"
            "                    web/app, else the installed one)\n"
            "  --help            this help\n"),
          f);
}

/* A request outside the API, checked at once: 404 for anything not in the app's table
 * (a folder, "..", a name never there), 405 for a method that is not GET or HEAD; else
 * the file in *file, answered at the request's end (a reply queued before that makes
 * libmicrohttpd close the connection, and the phone would pay a TLS handshake a file). */
static enum MHD_Result
s_static_first(struct s_gateway *g, struct MHD_Connection *c, const char *url,
               const char *method, const struct web_file **file, bool *replied)
{
    *replied = true;
    const struct web_file *f = web_static_find(g->app, url);
    if (!f)
        return web_text(c, 404, _("nothing here: the app starts at /"), NULL);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return web_text(c, 405, _("the app's files are read with GET or HEAD"), "GET, HEAD");
    *file = f;
    *replied = false;
    return MHD_YES;
}

/* One of the app's files, from memory: 200 with its bytes (MHD leaves them out for a
 * HEAD), or 304 when If-None-Match names its ETag. */
static enum MHD_Result
s_file(struct MHD_Connection *c, const struct web_file *f)
{
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    bool fresh = inm && web_etag_matches(inm, f->etag);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        fresh ? 0 : f->len, fresh ? NULL : (void *)f->body, MHD_RESPMEM_PERSISTENT);
    if (!fresh)
        MHD_add_response_header(r, "Content-Type", f->type);
    MHD_add_response_header(r, "ETag", f->etag);
    MHD_add_response_header(r, "Cache-Control", f->cache);
    return web_send(c, fresh ? 304 : 200, r, NULL);
}

static bool
s_is_json_type(struct MHD_Connection *c)
{
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    size_t n = strlen("application/json");
    return t && !strncasecmp(t, "application/json", n) && (t[n] == '\0' || t[n] == ';');
}

/* The checks made before the body is read: a reply now, or MHD_YES to go on reading. */
static enum MHD_Result
s_first(struct MHD_Connection *c, const char *url, const char *method, bool *replied)
{
    *replied = true;
    const char *op = url + strlen(S_PREFIX);
    if (strcmp(op, "events.ticket") && !web_op_allowed(op)) {
        char names[256], msg[512];
        snprintf(msg, sizeof msg,
                 _("this gateway does not offer that operation: a phone may use %s; and "
                   "events.ticket, GET /api/v1/events for the event stream"),
                 web_op_names(names, sizeof names));
        return web_error(c, 404, AYNI_EUNKNOWNOP, json_pack("{ss}", "op", op), msg);
    }
    if (strcmp(method, "POST"))
        return web_error(c, 405, AYNI_EBADREQ, json_pack("{ss}", "method", method),
                       _("use POST with a JSON body"));
    if (!s_is_json_type(c))
        return web_error(c, 415, AYNI_EBADREQ, NULL,
                       _("the body must be JSON: send Content-Type: application/json"));
    const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (len && strtoull(len, NULL, 10) > WEB_BODY_MAX)
        return web_error(c, 413, AYNI_ETOOBIG, json_pack("{si}", "max", WEB_BODY_MAX),
                       _("the request is over 1 MiB: send less at a time"));
    *replied = false;
    return MHD_YES;
}

/* The device of a stream or a ticket checked with aynid (server.info as it): 0 and its
 * answer in *info, or the refusal already replied (*replied, and what to return). */
static int
s_check_device(struct s_gateway *g, struct MHD_Connection *c, const char *name,
               const char *secret, json_t **info, enum MHD_Result *replied)
{
    struct proto_error err = {0};
    int rc = proto_client_call_as(g->core, name, secret, "server.info", NULL, NULL, info, &err);
    if (rc)
        *replied = web_core_error(c, rc, &err);
    return rc;
}

/* POST /api/v1/events.ticket: for EventSource, which cannot send the secret in a header,
 * a ticket that opens the stream for WEB_TICKET_S seconds (web_events.h). */
static enum MHD_Result
s_ticket(struct s_gateway *g, struct MHD_Connection *c, const char *name, const char *secret)
{
    json_t *info = NULL;
    enum MHD_Result replied = MHD_NO;
    if (s_check_device(g, c, name, secret, &info, &replied))
        return replied;
    json_decref(info);
    char *ticket = web_ticket_make(g->events, name, secret, time(NULL));
    json_t *res = json_pack("{ss si}", "ticket", ticket, "expires_in", WEB_TICKET_S);
    sodium_memzero(ticket, strlen(ticket));
    free(ticket);
    return web_reply(c, 200, json_pack("{sb so}", "ok", 1, "result", res));
}

/* A non-negative seq in text (Last-Event-ID, ?since=): true and *seq, else false. */
static bool
s_seq(const char *text, long long *seq)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!*text || *end || v < 0 || errno)
        return false;
    *seq = v;
    return true;
}

/* The stream's device: "Authorization: Bearer NAME:SECRET", else ?ticket=; false with the
 * reply made (401) if neither is there or the ticket is not good. */
static bool
s_stream_who(struct s_gateway *g, struct MHD_Connection *c, char name[101], char secret[201],
             enum MHD_Result *replied)
{
    if (web_bearer(c, name, secret))
        return true;
    const char *ticket = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ticket");
    if (ticket && web_ticket_open(g->events, ticket, time(NULL), name, secret))
        return true;
    *replied = web_error(c, 401, AYNI_EDENIED, json_pack("{ss}", "field", ticket ? "ticket" : "as"),
                       ticket ? _("the ticket is unknown or expired: get a new one with POST "
                                  "/api/v1/events.ticket and open the stream again")
                              : _("no device secret: send Authorization: Bearer NAME:SECRET, "
                                  "or ?ticket= from POST /api/v1/events.ticket"));
    return false;
}

/* GET /api/v1/events: the device checked, then its stream (web_events.c), from
 * Last-Event-ID, else ?since=, else the head (live only). */
static enum MHD_Result
s_stream(struct s_gateway *g, struct MHD_Connection *c)
{
    char name[101] = "", secret[201] = "";
    enum MHD_Result replied = MHD_NO;
    if (!s_stream_who(g, c, name, secret, &replied))
        return replied;
    const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
    const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
    const char *topic = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "topic");
    long long from = -1;
    json_t *info = NULL;
    if ((last || since) && !s_seq(last ? last : since, &from))
        replied = web_error(c, 400, AYNI_EBADREQ,
                          json_pack("{ss}", "field", last ? "Last-Event-ID" : "since"),
                          _("Last-Event-ID and since must be an event's seq: 0 or more"));
    else if (topic && strlen(topic) > 100)
        replied = web_error(c, 400, AYNI_EBADREQ, json_pack("{ss}", "field", "topic"),
                          _("topic is a prefix of event types, such as delivery. (at most 100 "
                            "characters)"));
    else if (s_check_device(g, c, name, secret, &info, &replied) == 0) {
        long long head = (long long)json_integer_value(
            json_object_get(json_object_get(info, "events"), "head"));
        json_decref(info);
        struct web_stream_req q = {name, secret, web_phone_lang(c), topic,
                                   from < 0 || from > head ? head : from, head};
        struct MHD_Response *r = web_events_open(g->events, c, &q);
        replied = r ? web_send(c, 200, r, NULL)
                    : web_error(c, 503, AYNI_EBUSY, json_pack("{si}", "max", g->streams),
                              _("too many event streams are open: close a dashboard you do not "
                                "use, or try again in a minute"));
    }
    sodium_memzero(secret, sizeof secret);
    return replied;
}

/* GET of a document (web_pdf.h), as the device of "Authorization: Bearer". */
static enum MHD_Result
s_pdf(struct s_gateway *g, struct MHD_Connection *c, enum web_pdf pdf)
{
    char name[101] = "", secret[201] = "";
    if (!web_bearer(c, name, secret))
        return web_error(c, 401, AYNI_EDENIED, NULL,
                         _("no device secret: send Authorization: Bearer NAME:SECRET"));
    enum MHD_Result ok = web_pdf_serve(g->core, c, pdf, name, secret);
    sodium_memzero(secret, sizeof secret);
    return ok;
}

/* The body read: its JSON form checked, then the op sent to aynid as the phone. */
static enum MHD_Result
s_serve(struct s_gateway *g, struct MHD_Connection *c, const char *op, struct s_req *r)
{
    if (r->too_big)
        return web_error(c, 413, AYNI_ETOOBIG, json_pack("{si}", "max", WEB_BODY_MAX),
                       _("the request is over 1 MiB: send less at a time"));
    json_error_t jerr;
    json_t *body = r->len ? json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &jerr)
                          : json_object();
    json_t *args = json_object_get(body, "args"), *idem = json_object_get(body, "idem");
    if (!json_is_object(body) || (args && !json_is_object(args)) ||
        (idem && !json_is_string(idem) && !json_is_null(idem))) {
        json_decref(body);
        return web_error(c, 400, AYNI_EBADJSON, NULL,
                       _("the body must be a JSON object {\"args\":{...},\"idem\":\"...\"}"));
    }
    char name[101] = "", secret[201] = "";
    bool phone = web_bearer(c, name, secret);
    if (!phone && !web_op_open(op)) {
        json_decref(body);
        return web_error(c, 401, AYNI_EDENIED, NULL,
                       _("no device secret: send Authorization: Bearer NAME:SECRET, as the "
                         "phone got it at enrolment"));
    }
    if (!strcmp(op, "events.ticket")) {
        json_decref(body);
        enum MHD_Result ok = s_ticket(g, c, name, secret);
        sodium_memzero(secret, sizeof secret);
        return ok;
    }
    json_t *result = NULL;
    struct proto_error err = {0};
    int rc = proto_client_call_as(g->core, phone ? name : NULL, secret, op,
                                  args ? json_incref(args) : json_object(),
                                  json_string_value(idem), &result, &err);
    sodium_memzero(secret, sizeof secret);
    json_decref(body);
    if (rc == 0)
        return web_reply(c, 200, json_pack("{sb so}", "ok", 1, "result", result));
    return web_core_error(c, rc, &err);
}

static enum MHD_Result
s_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
         const char *version, const char *data, size_t *size, void **con_cls)
{
    (void)version;
    struct s_gateway *g = cls;
    ayni_lang_set(web_phone_lang(c)); /* this thread's, for this request alone */
    struct s_req *r = *con_cls;
    if (!r) {
        bool replied = false, stream = !strcmp(url, S_PREFIX "events");
        bool api = !strncmp(url, S_PREFIX, strlen(S_PREFIX));
        enum web_pdf pdf = api ? web_pdf_kind(url + strlen(S_PREFIX)) : WEB_PDF_NONE;
        const struct web_file *file = NULL;
        if (pdf && strcmp(method, "GET"))
            return web_reply_allow(c, 405, json_pack("{sb s{ss ss s{ss}}}", "ok", 0, "error",
                                                   "code", "bad_request", "message",
                                                   _("documents are downloaded with GET"),
                                                   "details", "method", method),
                                 "GET");
        if (stream && strcmp(method, "GET"))
            return web_reply_allow(c, 405, json_pack("{sb s{ss ss s{ss}}}", "ok", 0, "error",
                                                   "code", "bad_request", "message",
                                                   _("the event stream is read with GET"),
                                                   "details", "method", method),
                                 "GET");
        enum MHD_Result ok = stream || pdf ? MHD_YES
                             : !api  ? s_static_first(g, c, url, method, &file, &replied)
                                     : s_first(c, url, method, &replied);
        if (replied)
            return ok;
        *con_cls = r = xcalloc(1, sizeof *r);
        r->file = file;
        r->stream = stream;
        r->pdf = pdf;
        return MHD_YES;
    }
    if (*size) {
        if (!r->file && !r->stream && !r->pdf && !r->too_big && r->len + *size <= WEB_BODY_MAX) {
            r->body = xrealloc(r->body, r->len + *size + 1);
            memcpy(r->body + r->len, data, *size);
            r->len += *size;
        } else {
            r->too_big = true; /* read on and drop: the reply is 413 (a file's: ignored) */
        }
        *size = 0;
        return MHD_YES;
    }
    if (r->stream)
        return s_stream(g, c);
    if (r->pdf)
        return s_pdf(g, c, r->pdf);
    return r->file ? s_file(c, r->file) : s_serve(g, c, url + strlen(S_PREFIX), r);
}

/* The URL's %XX decoded as libmicrohttpd does, but a %00 empties it: a NUL would cut
 * "/app.js%00.png" to "/app.js", found as a name it is not. */
static size_t
s_unescape(void *cls, struct MHD_Connection *c, char *uri)
{
    (void)cls, (void)c;
    size_t n = MHD_http_unescape(uri);
    if (strlen(uri) != n)
        n = 0, uri[0] = '\0';
    return n;
}

static void
s_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)c, (void)t;
    struct s_req *r = *con_cls;
    if (r)
        free(r->body);
    free(r);
    *con_cls = NULL;
}

static int
s_flags(int argc, char **argv, struct s_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--listen") ? &o->listen : !strcmp(a, "--cert") ? &o->cert
                          : !strcmp(a, "--key") ? &o->key : !strcmp(a, "--state") ? &o->state
                          : !strcmp(a, "--api") ? &o->api : !strcmp(a, "--events") ? &o->events
                          : !strcmp(a, "--provision") ? &o->provision
                          : !strcmp(a, "--app") ? &o->app : NULL;
        if (!strcmp(a, "--help")) {
            s_usage(stdout);
            exit(0);
        }
        if (!strcmp(a, "--timeout") && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 3600) {
                fprintf(stderr, _("ayni-web: --timeout must be 1 to 3600 seconds, not '%s'\n"),
                        argv[i]);
                return S_USAGE;
            }
            o->timeout_s = (int)t;
            continue;
        }
        if (!strcmp(a, "--streams") && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 200) {
                fprintf(stderr, _("ayni-web: --streams must be 1 to 200, not '%s'\n"), argv[i]);
                return S_USAGE;
            }
            o->streams = (int)n;
            continue;
        }
        if (!slot) {
            fprintf(stderr, _("ayni-web: unknown option '%s': see ayni-web --help\n"), a);
            return S_USAGE;
        }
        if (i + 1 >= argc || !*argv[i + 1]) {
            fprintf(stderr, _("ayni-web: '%s' needs a value: see ayni-web --help\n"), a);
            return S_USAGE;
        }
        *slot = argv[++i];
    }
    if (!o->cert != !o->key) {
        fputs(_("ayni-web: give --cert and --key together, or neither for a self-signed "
                "certificate\n"),
              stderr);
        return S_USAGE;
    }
    return 0;
}

/* The client of aynid, checked with server.info: 0, or S_USAGE / S_NOCORE said. */
static int
s_connect(struct s_gateway *g, const struct s_opts *o)
{
    struct proto_provision prov;
    struct proto_curve curve;
    char err[512];
    const char *api = o->api, *events = o->events;
    bool secure = o->provision && *o->provision;
    if (secure) {
        if (proto_provision_load(o->provision, &prov, err, sizeof err) != 0) {
            fprintf(stderr, "ayni-web: %s\n", err);
            return S_USAGE;
        }
        memcpy(curve.server_key, prov.server_key, 32);
        memcpy(curve.public_key, prov.public_key, 32);
        memcpy(curve.secret_key, prov.secret_key, 32);
        if (!api)
            api = prov.api;
        if (!events && *prov.events)
            events = prov.events;
    }
    /* The event stream's own sockets (web_events.c) need the same keys and places. */
    snprintf(g->api, sizeof g->api, "%s", api ? api : "tcp://127.0.0.1:5570");
    snprintf(g->sub, sizeof g->sub, "%s", events && *events ? events : "tcp://127.0.0.1:5571");
    g->secure = secure;
    if (secure)
        g->curve = curve;
    struct proto_error perr = {0};
    g->core = proto_client_new(g->api, 10000, secure ? &curve : NULL, &perr);
    sodium_memzero(&prov, sizeof prov);
    sodium_memzero(&curve, sizeof curve);
    if (!g->core) {
        fprintf(stderr, "ayni-web: %s\n", perr.message);
        proto_error_clear(&perr);
        return S_USAGE;
    }
    json_t *info = NULL;
    int rc = proto_client_call(g->core, "server.info", NULL, NULL, &info, &perr);
    if (rc) {
        fprintf(stderr, "ayni-web: %s\n", perr.message);
        proto_error_clear(&perr);
        return S_NOCORE;
    }
    json_t *dev = json_object_get(info, "device");
    const char *role = json_string_value(json_object_get(dev, "role"));
    if (json_is_true(json_object_get(info, "secure")) && (!role || strcmp(role, "gateway"))) {
        fprintf(stderr, _("ayni-web: this device is a %s, not a gateway: register the gateway "
                          "with 'device add NAME --role gateway' and give its file with "
                          "--provision\n"),
                role ? role : "?");
        json_decref(info);
        return S_USAGE;
    }
    /* The documents it draws (web_pdf.c) show days in the organisation's zone; set once,
     * here, before any thread reads the time zone. */
    const char *zone = json_string_value(json_object_get(info, "time_zone"));
    if (ayni_zone_use(zone ? zone : AYNI_ZONE_DEFAULT, err, sizeof err) != 0) {
        fprintf(stderr, _("ayni-web: warning: %s; documents show days in UTC\n"), err);
        ayni_zone_use("UTC", err, sizeof err);
    }
    json_decref(info);
    return 0;
}

/* The app folder when neither --app nor AYNI_WEB_APP names one: the build's, while it is
 * there (a developer's run), else the installed one. */
static const char *
s_app_default(void)
{
    struct stat st;
    if (stat(AYNI_WEB_APP_BUILD "/index.html", &st) == 0)
        return AYNI_WEB_APP_BUILD;
    return AYNI_WEB_APP_INSTALL;
}

/* The app's files into g->app: 0, or S_USAGE said. */
static int
s_load_app(struct s_gateway *g, const char *dir)
{
    char err[1024];
    g->app = web_static_load(dir, err, sizeof err);
    if (!g->app) {
        fprintf(stderr, "ayni-web: %s\n", err);
        return S_USAGE;
    }
    fprintf(stderr, _("ayni-web: serving the app from '%s': %zu files, %zu KiB\n"), dir,
            web_static_files(g->app), (web_static_bytes(g->app) + 1023) / 1024);
    return 0;
}

int
main(int argc, char **argv)
{
    ayni_lang_start("ayni-web");
    const char *statedir = getenv("STATE_DIRECTORY"), *app = getenv("AYNI_WEB_APP");
    struct s_opts o = {.listen = "https://127.0.0.1:8443", .api = getenv("AYNI_API"),
                       .events = getenv("AYNI_EVENTS"),
                       .provision = getenv("AYNI_PROVISION"),
                       .app = app && *app ? app : s_app_default(),
                       .state = statedir && *statedir ? statedir : "ayni-web", .timeout_s = 10, .streams = WEB_STREAMS_MAX};
    int rc = s_flags(argc, argv, &o);
    char host[256];
    unsigned port = 0;
    if (rc == 0 && !ayni_https_url(o.listen, host, &port)) {
        fprintf(stderr, _("ayni-web: --listen must be https://HOST:PORT, not '%s'\n"), o.listen);
        rc = S_USAGE;
    }
    if (rc)
        return rc;
    if (sodium_init() < 0)
        return 1;
    struct s_gateway g = {0};
    struct web_tls tls = {0};
    char err[640];
    if ((rc = s_load_app(&g, o.app)) != 0)
        goto out;
    if ((o.cert ? web_tls_load(&tls, o.cert, o.key, err, sizeof err)
                : web_tls_selfsigned(&tls, o.state, host, err, sizeof err)) != 0) {
        fprintf(stderr, "ayni-web: %s\n", err);
        rc = S_USAGE;
        goto out;
    }
    if (*tls.made)
        fprintf(stderr, _("ayni-web: made a self-signed certificate '%s'\n"), tls.made);
    g.streams = (unsigned)o.streams;
    if ((rc = s_connect(&g, &o)) != 0)
        goto out;
    g.events = web_events_new(g.api, g.sub, g.secure ? &g.curve : NULL, (unsigned)o.streams, err,
                              sizeof err);
    sodium_memzero(&g.curve, sizeof g.curve);
    if (!g.events) {
        fprintf(stderr, "ayni-web: %s\n", err);
        rc = S_USAGE;
        goto out;
    }
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    struct sockaddr_in *in4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
    const char *bare = host; /* an IPv6 address comes without its brackets */
    if (inet_pton(AF_INET, !strcmp(bare, "localhost") ? "127.0.0.1" : bare, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, bare, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
    } else {
        fprintf(stderr, _("ayni-web: --listen needs an IP address (or localhost), not '%s'\n"),
                host);
        rc = S_USAGE;
        goto out;
    }
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Suspend and resume: an event stream waits suspended, not polled, until it has more. */
    unsigned flags = MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME |
                     (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, s_handle, &g, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_HTTPS_MEM_CERT, tls.cert_pem, MHD_OPTION_HTTPS_MEM_KEY, tls.key_pem,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o.timeout_s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)256, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
        MHD_OPTION_NOTIFY_COMPLETED, s_done, NULL, MHD_OPTION_UNESCAPE_CALLBACK, s_unescape,
        NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, _("ayni-web: cannot listen on %s: %s\n"), o.listen, strerror(errno));
        rc = 1;
        goto out;
    }
    fprintf(stderr, "ayni-web ready %s sha256=%s\n", o.listen, tls.fingerprint);
    sigset_t none;
    sigemptyset(&none);
    while (!s_stop)
        sigsuspend(&none);
    web_events_stop(g.events); /* libmicrohttpd must stop with no stream suspended */
    MHD_stop_daemon(d);
    fputs(_("ayni-web: stopped\n"), stderr);
out:
    web_events_destroy(&g.events);
    proto_client_destroy(&g.core);
    web_static_destroy(&g.app);
    web_tls_clear(&tls);
    return rc;
}
