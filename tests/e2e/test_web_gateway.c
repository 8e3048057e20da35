/* test_web_gateway.c: ayni-web end to end (docs/WEB.md): a real aynid and a real
 * ayni-web with its self-signed certificate, spoken to with curl pinned to that
 * certificate.  A phone is enrolled from its one-time code, reads its team's shipment
 * and confirms a package as itself; then hostile HTTP: no secret, a wrong one, a disabled
 * phone, a replayed or replaced code, an oversized body, bad JSON, a wrong method or type,
 * an unknown op, a slowloris client.  Each gets a clear error, nothing is recorded, and
 * the gateway stays up.  The app's files (a small tree made here, not the real app): their
 * types, the security headers, ETag and 304, HEAD, and no way out of the tree; and the
 * phone's Accept-Language choosing the messages.  Loopback only; every wait bounded. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "mem.h"
#include "web_cli.h"
#include "wh_cli.h"

extern char **environ;

/* The files of the small app tree each test serves: name, content, the Content-Type
 * expected.  Plus a folder "sub/" and a hidden file, neither of them served. */
static const struct {
    const char *name, *body, *type;
} s_files[] = {
    {"index.html", "<!doctype html><title>Ayni</title><script type=module src=app.js></script>",
     "text/html; charset=utf-8"},
    {"sw.js", "self.addEventListener('fetch', () => {});", "text/javascript; charset=utf-8"},
    {"app.js", "import './queue.mjs';", "text/javascript; charset=utf-8"},
    {"queue.mjs", "export const q = [];", "text/javascript; charset=utf-8"},
    {"app.css", "body { margin: 0 }", "text/css; charset=utf-8"},
    {"manifest.webmanifest", "{\"name\":\"Ayni\"}", "application/manifest+json; charset=utf-8"},
    {"es.json", "{\"hola\":\"hola\"}", "application/json; charset=utf-8"},
    {"icon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml; charset=utf-8"},
    {"icon-192.png", "\x89PNG\r\n\x1a\n", "image/png"},
    {"favicon.ico", "\x01\x02ico", "image/x-icon"},
    {"vendor/font.woff2", "wOF2", "font/woff2"},
    {"vendor/LICENSE.txt", "MIT", "text/plain; charset=utf-8"},
    {"sub/deep/data.bin", "\x01\x02", "application/octet-stream"},
};

static void
s_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write '%s'", path);
    fputs(text, f);
    fclose(f);
}

/* The app tree s_files in DIR/app (made once per test). */
static char *
s_app_tree(const char *dir)
{
    char *app = xasprintf("%s/app", dir);
    const char *dirs[] = {"", "/vendor", "/sub", "/sub/deep"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *d = xasprintf("%s%s", app, dirs[i]);
        mkdir(d, 0755);
        free(d);
    }
    for (size_t i = 0; i < sizeof s_files / sizeof s_files[0]; i++) {
        char *path = xasprintf("%s/%s", app, s_files[i].name);
        s_write_file(path, s_files[i].body);
        free(path);
    }
    char *hidden = xasprintf("%s/.secret", app);
    s_write_file(hidden, "not for phones");
    free(hidden);
    return app;
}

/* ayni-web serving the app tree s_files, with --timeout timeout. */
static void
s_web_start(struct web *w, const char *timeout)
{
    char *app = s_app_tree(w->e->dir);
    const char *extra[] = {"--timeout", timeout, NULL};
    web_start(w, app, extra);
    free(app);
}

/* A request for path (sent as it is: no "/../" squashed) with method ("HEAD" is curl -I,
 * whose body is "": curl reads none) and an extra header (NULL: none): the body (a new
 * string), the HTTP status in *status, the response's headers in *headers (a new string). */
static char *
s_fetch(struct web *w, const char *method, const char *path, const char *header, long *status,
        char **headers)
{
    char *hfile = xasprintf("%s/headers.txt", w->e->dir), *bfile = xasprintf("%s/got", w->e->dir);
    char *extra = header ? xasprintf("-H '%s'", header) : xstrdup("");
    bool head = !strcmp(method, "HEAD");
    char *how = head ? xstrdup("-I") : xasprintf("-X %s", method);
    char *cmd = xasprintf("curl -s --max-time 20 --path-as-is --cacert '%s' %s %s -D '%s' "
                          "-o '%s' -w '%%{http_code}' '%s%s'",
                          w->cert, how, extra, hfile, head ? "/dev/null" : bfile, w->url, path);
    unlink(bfile);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *code = e2e_read_all(p);
    pclose(p);
    *status = strtol(code, NULL, 10);
    *headers = e2e_slurp(hfile);
    char *body = e2e_slurp(bfile);
    free(code);
    free(cmd);
    free(how);
    free(extra);
    free(bfile);
    free(hfile);
    return body;
}

/* The value of header name in headers (a new string, "" if absent). */
static char *
s_header(const char *headers, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = headers; line && *line;) {
        if (!strncasecmp(line, name, n) && line[n] == ':') {
            const char *v = line + n + 1 + strspn(line + n + 1, " ");
            return xstrndup(v, strcspn(v, "\r\n"));
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return xstrdup("");
}

/* Require header name: value in headers. */
static void
s_expect_header(const char *headers, const char *name, const char *value, const char *what)
{
    char *got = s_header(headers, name);
    if (strcmp(got, value))
        fail_msg("%s: %s is '%s', not '%s'; all: %s", what, name, got, value, headers);
    free(got);
}

static const char *
s_err_code(json_t *reply)
{
    return json_string_value(json_object_get(json_object_get(reply, "error"), "code"));
}

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A shipment of team "Equipo Web" dispatched: its dispatch result (with tokens). */
static json_t *
s_team_shipment(struct e2e *e)
{
    e2e_seed(e);
    json_t *s = e2e_ok(e, "shipment.create", e2e_pack("{ss ss ss}", "from", "ALM-LIMA", "to",
                                                      "COM-0042", "team", "Equipo Web"));
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss si si}", "shipment", s_str(s, "code"), "item",
                                "FOOD-KIT", "qty", 10, "packages", 2)));
    json_t *d = e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", s_str(s, "code")));
    json_decref(s);
    return d;
}

/* Enrol phone name of "Equipo Web" through the gateway: "NAME:SECRET" (caller frees);
 * the same code again is refused. */
static char *
s_enrol(struct web *w, const char *name)
{
    char *code = NULL;
    char *auth = web_enrol(w, name, "scanner", "Equipo Web", &code);
    long status = 0;
    json_t *again = web_post(w, "device.enrol", NULL, e2e_pack("{ss}", "code", code), &status);
    assert_int_equal(status, 409);
    assert_string_equal(s_err_code(again), "invalid_state");
    json_decref(again);
    free(code);
    return auth;
}

static void
test_phone_confirms_through_the_gateway(void **state)
{
    struct web w = {.e = *state};
    json_t *d = s_team_shipment(w.e);
    s_web_start(&w, "10");
    char *auth = s_enrol(&w, "phone-1");
    long status = 0;
    json_t *r = web_post(&w, "shipment.get", auth, e2e_pack("{ss}", "shipment", s_str(d, "code")),
                         &status);
    assert_int_equal(status, 200);
    assert_string_equal(s_str(json_object_get(r, "result"), "code"), s_str(d, "code"));
    json_decref(r);
    const char *token = s_str(json_array_get(json_object_get(d, "packages"), 0), "token");
    r = web_post(&w, "delivery.confirm", auth,
                 e2e_pack("{ss ss ss}", "token", token, "scan_id", "web-scan-1", "device_time",
                          "2026-11-22T11:00:00Z"),
                 &status);
    assert_int_equal(status, 200);
    json_decref(r);
    /* the core names the phone, not the gateway */
    json_t *s = e2e_ok(w.e, "shipment.get", e2e_pack("{ss}", "shipment", s_str(d, "code")));
    json_t *p = json_array_get(json_object_get(s, "packages"), 0);
    assert_string_equal(s_str(p, "device"), "phone-1");
    assert_string_equal(s_str(p, "team"), "Equipo Web");
    json_decref(s);
    web_stop(&w);
    free(auth);
    json_decref(d);
}

static void
test_hostile_http(void **state)
{
    struct web w = {.e = *state};
    json_t *d = s_team_shipment(w.e);
    s_web_start(&w, "2");
    char *auth = s_enrol(&w, "phone-2");
    long head = e2e_head(w.e), status = 0;
    const char *token = s_str(json_array_get(json_object_get(d, "packages"), 0), "token");
    json_t *confirm = e2e_pack("{ss ss}", "token", token, "scan_id", "hostile-1");
    char *wrong = xstrdup(auth);
    wrong[strlen(wrong) - 1] = wrong[strlen(wrong) - 1] == 'A' ? 'B' : 'A';
    struct {
        const char *method, *op, *type, *auth, *body;
        long status;
        const char *code;
    } cases[] = {
        {NULL, "delivery.confirm", "application/json", NULL, NULL, 401, "forbidden"},
        {NULL, "delivery.confirm", "application/json", wrong, NULL, 401, "forbidden"},
        {NULL, "delivery.confirm", "application/json", "phone-9:AAAA", NULL, 401, "forbidden"},
        {NULL, "delivery.confirm", "application/json", auth, "{\"args\":", 400, "bad_json"},
        {NULL, "delivery.confirm", "application/json", auth, "[1]", 400, "bad_json"},
        {NULL, "delivery.confirm", "text/plain", auth, "{}", 415, "bad_request"},
        {"GET", "delivery.confirm", NULL, auth, NULL, 405, "bad_request"},
        {NULL, "device.disable", "application/json", auth, "{}", 404, "unknown_op"},
        {NULL, "ledger.verify", "application/json", auth, "{}", 404, "unknown_op"},
        /* the dashboard's ops pass the gateway; aynid refuses them to a scanner */
        {NULL, "dashboard.panorama", "application/json", auth, "{}", 403, "forbidden"},
        {NULL, "device.enrol", "application/json", NULL, "{\"args\":{\"code\":\"NOPE\"}}", 404,
         "not_found"},
    };
    char *body = NULL;
    {
        json_t *b = json_pack("{sO}", "args", confirm);
        body = json_dumps(b, JSON_COMPACT);
        json_decref(b);
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = web_http(&w, cases[i].method, cases[i].op, cases[i].type, cases[i].auth,
                             cases[i].body ? cases[i].body : body, &status);
        if (status != cases[i].status)
            fail_msg("case %zu (%s): HTTP %ld, not %ld: %s", i, cases[i].op, status,
                     cases[i].status, json_dumps(r, 0));
        assert_string_equal(s_err_code(r), cases[i].code);
        assert_non_null(s_str(json_object_get(r, "error"), "message"));
        json_decref(r);
    }
    /* over 1 MiB */
    size_t big = 1024 * 1024 + 10;
    char *huge = xmalloc(big + 1);
    memset(huge, ' ', big);
    huge[0] = '{', huge[big - 1] = '}', huge[big] = '\0';
    json_t *r = web_http(&w, NULL, "delivery.confirm", "application/json", auth, huge, &status);
    assert_int_equal(status, 413);
    assert_string_equal(s_err_code(r), "too_large");
    json_decref(r);
    free(huge);
    /* a slowloris client: a request's headers begun and never ended, cut after the idle
     * timeout (2 s here) while the gateway serves others */
    char *py = xasprintf(
        "import socket,ssl,time,sys\n"
        "ctx=ssl.create_default_context(cafile='%s')\n"
        "s=ctx.wrap_socket(socket.create_connection(('127.0.0.1',%s),timeout=10),"
        "server_hostname='127.0.0.1')\n"
        "s.send(b'POST /api/v1/server.info HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: a')\n"
        "t=time.time()\n"
        "try:\n"
        "  got=s.recv(1)\n"
        "except (OSError, ssl.SSLError):\n"
        "  got=b''\n"
        "d=time.time()-t\n"
        "print('cut after %%.1f s: %%r' %% (d, got))\n"
        "sys.exit(0 if got==b'' and 1.0 < d < 9 else 1)\n",
        w.cert, strrchr(w.url, ':') + 1);
    char *pyfile = xasprintf("%s/slow.py", w.e->dir), *pyout = xasprintf("%s/slow.out", w.e->dir);
    FILE *f = fopen(pyfile, "w");
    fputs(py, f);
    fclose(f);
    const char *argv[] = {"/usr/bin/python3", pyfile, NULL};
    pid_t slow = e2e_spawn(argv, NULL, pyout, pyout, environ);
    e2e_nap(500);
    r = web_post(&w, "server.info", auth, NULL, &status); /* served meanwhile */
    assert_int_equal(status, 200);
    json_decref(r);
    int rc = e2e_reap(slow, 30000, "the slowloris client");
    char *said = e2e_slurp(pyout);
    if (rc != 0)
        fail_msg("the slow client was not cut in time: %s", said ? said : "");
    free(said);
    /* a disabled phone: refused at its next request */
    assert_int_equal(e2e_head(w.e), head);
    json_decref(e2e_ok(w.e, "device.disable", e2e_pack("{ss}", "name", "phone-2")));
    head = e2e_head(w.e);
    r = web_http(&w, NULL, "delivery.confirm", "application/json", auth, body, &status);
    assert_int_equal(status, 403);
    assert_string_equal(s_err_code(r), "forbidden");
    json_decref(r);
    /* nothing was recorded by any of it */
    assert_int_equal(e2e_head(w.e), head);
    json_t *s = e2e_ok(w.e, "shipment.get", e2e_pack("{ss}", "shipment", s_str(d, "code")));
    json_t *who = json_object_get(json_array_get(json_object_get(s, "packages"), 0), "device");
    assert_true(!who || json_is_null(who));
    json_decref(s);
    web_alive(&w);
    e2e_alive(w.e);
    web_stop(&w);
    free(py);
    free(pyfile);
    free(pyout);
    free(body);
    free(wrong);
    free(auth);
    json_decref(confirm);
    json_decref(d);
}

static void
test_replaced_code(void **state)
{
    struct web w = {.e = *state};
    s_web_start(&w, "10");
    json_t *c = e2e_ok(w.e, "device.enrol_code",
                       e2e_pack("{ss ss si}", "name", "phone-3", "team", "Equipo Web", "ttl_s",
                                60));
    /* a lost sheet: a new code replaces the first, which is refused from then on (expiry
     * needs aynid's clock moved: tests/unit/test_api_phones.c and test_store_phones.c) */
    json_t *c2 = e2e_ok(w.e, "device.enrol_code", e2e_pack("{ss}", "name", "phone-3"));
    long status = 0;
    json_t *r = web_post(&w, "device.enrol", NULL, e2e_pack("{ss}", "code", s_str(c, "code")),
                         &status);
    assert_int_equal(status, 404); /* the replaced code is no longer known */
    json_decref(r);
    r = web_post(&w, "device.enrol", NULL, e2e_pack("{ss}", "code", s_str(c2, "code")), &status);
    assert_int_equal(status, 200);
    json_decref(r);
    json_decref(c);
    json_decref(c2);
    web_stop(&w);
}

/* Run a python3 script against the gateway: PORT and ctx (an SSL context pinned to its
 * certificate) defined, http.client imported; it must exit 0. */
static void
s_python(struct web *w, const char *script)
{
    char *py = xasprintf("import http.client,ssl\nPORT=%s\nctx=ssl.create_default_context("
                         "cafile='%s')\n%s",
                         strrchr(w->url, ':') + 1, w->cert, script);
    char *file = xasprintf("%s/check.py", w->e->dir), *out = xasprintf("%s/check.out", w->e->dir);
    s_write_file(file, py);
    const char *argv[] = {"/usr/bin/python3", file, NULL};
    pid_t pid = e2e_spawn(argv, NULL, out, out, environ);
    if (e2e_reap(pid, 30000, "python3") != 0) {
        char *said = e2e_slurp(out);
        fail_msg("python3 check failed: %s\n%s", said, script);
    }
    free(out);
    free(file);
    free(py);
}

/* The headers every response carries, the API's as much as a file's. */
static void
s_expect_security(const char *headers, const char *what)
{
    s_expect_header(headers, "Content-Security-Policy",
                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
                    "blob: data:; media-src 'self' blob: mediastream:; connect-src 'self'; "
                    "manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action "
                    "'none'; frame-ancestors 'none'",
                    what);
    s_expect_header(headers, "X-Content-Type-Options", "nosniff", what);
    s_expect_header(headers, "Referrer-Policy", "no-referrer", what);
    s_expect_header(headers, "Permissions-Policy", "camera=(self), geolocation=(self)", what);
}

static void
test_static_files(void **state)
{
    struct web w = {.e = *state};
    s_web_start(&w, "10");
    long status = 0;
    char *headers = NULL;
    for (size_t i = 0; i < sizeof s_files / sizeof s_files[0]; i++) {
        char *path = xasprintf("/%s", s_files[i].name);
        char *body = s_fetch(&w, "GET", path, NULL, &status, &headers);
        if (status != 200 || strcmp(body, s_files[i].body))
            fail_msg("GET %s: HTTP %ld, '%s'", path, status, body);
        s_expect_header(headers, "Content-Type", s_files[i].type, path);
        s_expect_header(headers, "Cache-Control", "no-cache", path);
        s_expect_security(headers, path);
        /* its ETag again: 304, no body; a weak or listed tag matches too; another does not */
        char *etag = s_header(headers, "ETag");
        assert_int_equal(strlen(etag), 34);
        char *inm[] = {xasprintf("If-None-Match: %s", etag),
                       xasprintf("If-None-Match: \"0000\", W/%s", etag),
                       xstrdup("If-None-Match: *")};
        for (size_t k = 0; k < 3; k++) {
            free(headers);
            free(body);
            body = s_fetch(&w, "GET", path, inm[k], &status, &headers);
            if (status != 304 || *body)
                fail_msg("GET %s with %s: HTTP %ld, '%s'", path, inm[k], status, body);
            s_expect_header(headers, "ETag", etag, path);
            s_expect_security(headers, path);
            free(inm[k]);
        }
        free(headers);
        free(body);
        body = s_fetch(&w, "GET", path, "If-None-Match: \"0000\"", &status, &headers);
        assert_int_equal(status, 200);
        assert_string_equal(body, s_files[i].body);
        free(etag);
        free(headers);
        free(body);
        free(path);
    }
    /* / is index.html, with the same tag */
    char *index = s_fetch(&w, "GET", "/index.html", NULL, &status, &headers);
    char *tag = s_header(headers, "ETag");
    free(headers);
    char *root = s_fetch(&w, "GET", "/", NULL, &status, &headers);
    assert_int_equal(status, 200);
    assert_string_equal(root, index);
    s_expect_header(headers, "ETag", tag, "/");
    free(headers);
    /* HEAD: the headers of a GET, no body */
    char *head = s_fetch(&w, "HEAD", "/app.css", NULL, &status, &headers);
    assert_int_equal(status, 200);
    assert_string_equal(head, "");
    s_expect_header(headers, "Content-Type", "text/css; charset=utf-8", "HEAD /app.css");
    s_expect_header(headers, "Content-Length", "18", "HEAD /app.css");
    s_expect_security(headers, "HEAD /app.css");
    free(headers);
    free(head);
    /* ... and truly no body: a GET after it on the same connection reads as it should */
    s_python(&w, "c=http.client.HTTPSConnection('127.0.0.1',PORT,context=ctx,timeout=10)\n"
                 "c.request('HEAD','/app.css'); r=c.getresponse(); b=r.read()\n"
                 "assert r.status==200 and b==b'' and r.getheader('Content-Length')=='18', b\n"
                 "c.request('GET','/app.css'); r=c.getresponse(); b=r.read()\n"
                 "assert r.status==200 and b==b'body { margin: 0 }', b\n"
                 "assert c.sock is not None, 'the connection was closed'\n");
    /* another method on a file: 405 naming the ones allowed */
    const char *methods[] = {"POST", "PUT", "DELETE"};
    for (size_t i = 0; i < 3; i++) {
        char *b = s_fetch(&w, methods[i], "/app.js", NULL, &status, &headers);
        assert_int_equal(status, 405);
        s_expect_header(headers, "Allow", "GET, HEAD", methods[i]);
        s_expect_security(headers, methods[i]);
        free(headers);
        free(b);
    }
    /* nothing outside the table: no way up, no folder, no hidden file, no listing */
    const char *missing[] = {"/../etc/passwd", "/%2e%2e/etc/passwd", "/%2e%2e/", "/..%2fweb.log",
                             "/sub", "/sub/", "/sub/deep", "/vendor/", "/.secret",
                             "/nothing.js", "/index.html/", "//index.html", "/INDEX.HTML",
                             "/app.js%00.png", "/api/v1"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        char *b = s_fetch(&w, "GET", missing[i], NULL, &status, &headers);
        if (status != 404 || strstr(b, "root:") || strstr(b, "ayni-web ready"))
            fail_msg("GET %s: HTTP %ld, '%s'", missing[i], status, b);
        s_expect_header(headers, "Content-Type", "text/plain; charset=utf-8", missing[i]);
        s_expect_security(headers, missing[i]);
        free(headers);
        free(b);
    }
    /* the API's replies carry the same headers; GET on it is 405 with Allow: POST */
    char *b = s_fetch(&w, "GET", "/api/v1/server.info", NULL, &status, &headers);
    assert_int_equal(status, 405);
    s_expect_header(headers, "Allow", "POST", "GET /api/v1/server.info");
    s_expect_header(headers, "Content-Type", "application/json; charset=utf-8", "the API");
    s_expect_header(headers, "Cache-Control", "no-store", "the API");
    s_expect_security(headers, "GET /api/v1/server.info");
    free(headers);
    free(b);
    b = s_fetch(&w, "POST", "/api/v1/nothing", NULL, &status, &headers);
    assert_int_equal(status, 404);
    s_expect_security(headers, "POST /api/v1/nothing");
    free(headers);
    free(b);
    /* the tree was read at start: a file added since is not there, one removed still is */
    char *late = xasprintf("%s/late.js", w.app), *gone = xasprintf("%s/queue.mjs", w.app);
    s_write_file(late, "late");
    assert_int_equal(unlink(gone), 0);
    b = s_fetch(&w, "GET", "/late.js", NULL, &status, &headers);
    assert_int_equal(status, 404);
    free(headers);
    free(b);
    b = s_fetch(&w, "GET", "/queue.mjs", NULL, &status, &headers);
    assert_int_equal(status, 200);
    assert_string_equal(b, "export const q = [];");
    free(headers);
    free(b);
    free(late);
    free(gone);
    web_alive(&w);
    web_stop(&w);
    free(root);
    free(tag);
    free(index);
}

/* The message of op's error when asked with the header Accept-Language: lang. */
static char *
s_message_in(struct web *w, const char *op, const char *body, const char *lang)
{
    char *bodyfile = xasprintf("%s/lang.json", w->e->dir);
    s_write_file(bodyfile, body);
    char *cmd = xasprintf("curl -s --max-time 20 --cacert '%s' -H 'Content-Type: application/json' "
                          "-H 'Accept-Language: %s' --data-binary @'%s' '%s/api/v1/%s'",
                          w->cert, lang, bodyfile, w->url, op);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *text = e2e_read_all(p);
    pclose(p);
    json_t *r = json_loads(text, 0, NULL);
    if (!r)
        fail_msg("not JSON from ayni-web: %s", text);
    char *msg = xstrdup(s_str(json_object_get(r, "error"), "message"));
    json_decref(r);
    free(text);
    free(cmd);
    free(bodyfile);
    return msg;
}

static void
test_phone_language(void **state)
{
    struct web w = {.e = *state};
    setenv("AYNI_LANG", "es", 1); /* the gateway's own language: Spanish, as by default */
    s_web_start(&w, "10");
    setenv("AYNI_LANG", "en", 1);
    struct {
        const char *accept;
        bool english;
    } cases[] = {
        {"en", true},
        {"en-GB,en;q=0.9", true},
        {"es;q=0.5, en-US", true},
        {"fr-FR,fr;q=0.9,en;q=0.8,es;q=0.7", true},
        {"es", false},
        {"es-PE,es;q=0.9,en;q=0.8", false},
        {"en;q=0.5,es-419;q=0.6", false},
        {"en;q=0", false},   /* not acceptable at all: the gateway's own */
        {"fr, de", false},   /* neither: the gateway's own */
        {"english", false},  /* not a language tag of ours */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* aynid's message (the request's "lang") and the gateway's own */
        char *core = s_message_in(&w, "device.enrol", "{\"args\":{\"code\":\"NOPE\"}}",
                                  cases[i].accept);
        char *own = s_message_in(&w, "ledger.verify", "{}", cases[i].accept);
        const char *core_want = cases[i].english ? "unknown enrolment code"
                                                 : "código de inscripción desconocido";
        const char *own_want = cases[i].english ? "this gateway does not offer"
                                                : "esta pasarela no ofrece";
        if (!strstr(core, core_want) || !strstr(own, own_want))
            fail_msg("Accept-Language: %s gave '%s' and '%s'", cases[i].accept, core, own);
        free(core);
        free(own);
    }
    web_stop(&w);
}

static void
test_bad_flags(void **state)
{
    struct e2e *e = *state;
    struct {
        const char *a, *b;
        int rc;
        const char *says;
    } cases[] = {
        {"--bogus", NULL, 2, "unknown option '--bogus'"},
        {"--listen", "http://127.0.0.1:1", 2, "--listen must be https://HOST:PORT"},
        {"--cert", "x.pem", 2, "--cert and --key together"},
        {"--timeout", "0", 2, "--timeout must be"},
    };
    char *log = xasprintf("%s/flags.log", e->dir), *out = xasprintf("%s/flags.out", e->dir);
    /* app folders that are refused: none, one without index.html, one too big (a sparse
     * file of 17 MiB) */
    char *app = s_app_tree(e->dir), *none = xasprintf("%s/no-such-app", e->dir);
    char *empty = xasprintf("%s/empty-app", e->dir), *big = xasprintf("%s/big-app", e->dir);
    char *big_index = xasprintf("%s/index.html", big), *big_file = xasprintf("%s/huge.png", big);
    mkdir(empty, 0755);
    mkdir(big, 0755);
    s_write_file(big_index, "<!doctype html>");
    FILE *hf = fopen(big_file, "w");
    assert_non_null(hf);
    fclose(hf);
    assert_int_equal(truncate(big_file, 17L << 20), 0);
    struct {
        const char *dir, *says;
    } apps[] = {
        {none, "cannot read the app folder"},
        {empty, "has no index.html"},
        {big, "more than 1024 files or 16 MiB"},
    };
    for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++) {
        const char *argv[] = {web_path(), "--app", apps[i].dir, NULL};
        pid_t pid = e2e_spawn(argv, NULL, out, log, environ);
        assert_int_equal(e2e_reap(pid, E2E_WAIT_MS, "ayni-web"), 2);
        char *text = e2e_slurp(log);
        if (!strstr(text, apps[i].says) || !strstr(text, apps[i].dir))
            fail_msg("--app '%s' said: %s", apps[i].dir, text);
        free(text);
    }
    /* AYNI_WEB_APP as the default of --app */
    setenv("AYNI_WEB_APP", empty, 1);
    const char *envargv[] = {web_path(), NULL};
    pid_t envpid = e2e_spawn(envargv, NULL, out, log, environ);
    unsetenv("AYNI_WEB_APP");
    assert_int_equal(e2e_reap(envpid, E2E_WAIT_MS, "ayni-web"), 2);
    char *said = e2e_slurp(log);
    if (!strstr(said, empty))
        fail_msg("AYNI_WEB_APP was not the app folder: %s", said);
    free(said);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[] = {web_path(), cases[i].a, cases[i].b, NULL};
        pid_t pid = e2e_spawn(argv, NULL, out, log, environ);
        assert_int_equal(e2e_reap(pid, E2E_WAIT_MS, "ayni-web"), cases[i].rc);
        char *text = e2e_slurp(log);
        if (!strstr(text, cases[i].says))
            fail_msg("'%s' said: %s", cases[i].a, text);
        free(text);
    }
    /* no aynid there: exit 3, saying so */
    char *state_dir = xasprintf("%s/st", e->dir), *api = xasprintf("ipc://%s/none", e->dir);
    const char *argv[] = {web_path(), "--state", state_dir, "--api", api, "--listen",
                          "https://127.0.0.1:1", "--app", app, NULL};
    pid_t pid = e2e_spawn(argv, NULL, out, log, environ);
    assert_int_equal(e2e_reap(pid, 30000, "ayni-web"), 3);
    char *text = e2e_slurp(log);
    assert_non_null(strstr(text, "aynid"));
    free(text);
    free(state_dir);
    free(api);
    free(log);
    free(out);
    free(app);
    free(none);
    free(empty);
    free(big);
    free(big_index);
    free(big_file);
}

/* A phone's enrolment sheet, as an admin prints it and a team uses it: one A4 page, mode
 * 0600, in Spanish, whose QR holds the gateway's address with the one-time code and the
 * certificate's fingerprint (the one ayni-web printed); the code enrols through the
 * gateway once.  Wrong input is told and writes no sheet. */
static void
test_enrolment_sheet(void **state)
{
    struct web w = {.e = *state};
    s_web_start(&w, "10");
    char *sheet = xasprintf("%s/enrol.pdf", w.e->dir);
    char *out = wh_expect(w.e, 0, "device", "add", "tel-huanuco-1", "--role", "scanner",
                          "--phone", "--team", "Equipo Web", "--gateway", w.url, "-o", sheet,
                          NULL);
    WH_HAS(out, "tel-huanuco-1");
    WH_HAS(out, sheet);
    WH_HAS(out, "puede inscribirse hasta el");
    free(out);
    struct stat st;
    assert_int_equal(stat(sheet, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    wh_assert_pdf(sheet);
    char *text = wh_pdf_text(sheet);
    WH_HAS(text, "Inscripción de un teléfono");
    WH_HAS(text, "tel-huanuco-1 · Equipo Web");
    WH_HAS(text, w.url);
    WH_HAS(text, "(America/Lima)");
    WH_HAS(text, "destruye la hoja");

    /* the QR: URL#enrol=CODE&fp=HEX, the fingerprint ayni-web printed at start */
    json_t *qr = wh_pdf_qr(sheet, w.e->dir);
    assert_int_equal(json_array_size(qr), 1);
    const char *url = json_string_value(json_array_get(qr, 0));
    char *prefix = xasprintf("%s/#enrol=", w.url);
    assert_memory_equal(url, prefix, strlen(prefix));
    const char *code = url + strlen(prefix), *amp = strstr(code, "&fp=");
    assert_non_null(amp);
    char *log = e2e_slurp(w.log);
    const char *fp = strstr(log, "sha256=");
    assert_non_null(fp);
    char hex[65] = "";
    for (int i = 0, k = 0; i < 32; i++, k += 3) /* "AB:CD:…" to "ABCD…" */
        memcpy(hex + 2 * i, fp + 7 + k, 2);
    assert_string_equal(amp + 4, hex);
    /* the code, grouped in fours on the page for typing, enrols once */
    char *code_s = xasprintf("%.*s", (int)(amp - code), code), grouped[64] = "";
    for (size_t i = 0, o = 0; code_s[i]; i++) {
        if (i && i % 4 == 0)
            grouped[o++] = ' ';
        grouped[o++] = code_s[i];
    }
    WH_HAS(text, grouped);
    long status = 0;
    json_t *r = web_post(&w, "device.enrol", NULL, e2e_pack("{ss}", "code", code_s), &status);
    assert_int_equal(status, 200);
    assert_string_equal(s_str(json_object_get(r, "result"), "name"), "tel-huanuco-1");
    json_decref(r);

    /* the address as a browser shows it, with a slash: the same sheet's address */
    char *slash = xasprintf("%s/", w.url), *again = xasprintf("%s/again.pdf", w.e->dir);
    free(wh_expect(w.e, 0, "device", "add", "tel-huanuco-1", "--role", "scanner", "--phone",
                   "--team", "Equipo Web", "--gateway", slash, "-o", again, NULL));
    json_t *qr2 = wh_pdf_qr(again, w.e->dir);
    assert_memory_equal(json_string_value(json_array_get(qr2, 0)), prefix, strlen(prefix));
    json_decref(qr2);
    free(again);
    free(slash);

    /* wrong input: a told error, exit 2 (usage) or 3 (no gateway there), no sheet */
    char *other = xasprintf("%s/other.pdf", w.e->dir);
    char *err = wh_expect_err(w.e, 2, "device", "add", "tel-2", "--role", "warehouse",
                              "--phone", "--gateway", w.url, "-o", other, NULL);
    WH_HAS(err, "--role scanner");
    free(err);
    err = wh_expect_err(w.e, 2, "device", "add", "tel-2", "--role", "scanner", "--team", "T",
                        "--phone", "-o", other, NULL);
    WH_HAS(err, "--gateway");
    free(err);
    err = wh_expect_err(w.e, 2, "device", "add", "tel-2", "--role", "scanner", "--team", "T",
                        "--gateway", w.url, "-o", other, NULL);
    WH_HAS(err, "añade --phone");
    free(err);
    err = wh_expect_err(w.e, 2, "device", "add", "tel-2", "--role", "scanner", "--phone",
                        "--gateway", w.url, "-o", other, NULL);
    WH_HAS(err, "--role scanner necesita --team");
    free(err);
    err = wh_expect_err(w.e, 2, "device", "add", "tel-2", "--role", "scanner", "--team", "T",
                        "--phone", "--gateway", "http://127.0.0.1:8443", "-o", other, NULL);
    WH_HAS(err, "https://HOST:PUERTO");
    free(err);
    err = wh_expect_err(w.e, 3, "device", "add", "tel-2", "--role", "scanner", "--team", "T",
                        "--phone", "--gateway", "https://127.0.0.1:1", "-o", other, NULL);
    WH_HAS(err, "no se puede llegar a ayni-web en https://127.0.0.1:1");
    free(err);
    /* something that is not ayni-web listens there */
    struct wh_hangup h;
    wh_hangup_start(&h);
    char *not_web = xasprintf("https://127.0.0.1:%u", h.port);
    err = wh_expect_err(w.e, 3, "device", "add", "tel-2", "--role", "scanner", "--team", "T",
                        "--phone", "--gateway", not_web, "-o", other, NULL);
    WH_HAS(err, "no como responde ayni-web");
    free(err);
    wh_hangup_stop(&h);
    assert_false(wh_exists(other));
    web_alive(&w);
    web_stop(&w);
    free(not_web);
    free(other);
    free(code_s);
    free(log);
    free(prefix);
    json_decref(qr);
    free(text);
    free(sheet);
}

int
main(void)
{
    setenv("AYNI_LANG", "en", 1); /* the messages checked are the English ones */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_phone_confirms_through_the_gateway, e2e_setup,
                                        e2e_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_http, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_replaced_code, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_static_files, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_phone_language, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_bad_flags, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_enrolment_sheet, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
