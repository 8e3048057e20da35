/* web_cli.c: see web_cli.h. */
#include "web_cli.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mem.h"

extern char **environ;

const char *
web_path(void)
{
    const char *p = getenv("AYNI_WEB");
    return p ? p : AYNI_WEB_PATH;
}

/* A tree of one index.html in dir/app: enough for a test that speaks only the API. */
static char *
s_min_app(const char *dir)
{
    char *app = xasprintf("%s/app", dir), *index = xasprintf("%s/app/index.html", dir);
    mkdir(app, 0755);
    FILE *f = fopen(index, "w");
    assert_non_null(f);
    fputs("<!doctype html><title>Ayni</title>", f);
    fclose(f);
    free(index);
    return app;
}

void
web_start(struct web *w, const char *app, const char *const *extra)
{
    static unsigned n;
    unsigned port = 20000 + (unsigned)(getpid() * 7 + n++ * 131) % 30000;
    w->url = xasprintf("https://127.0.0.1:%u", port);
    char *state = xasprintf("%s/web", w->e->dir);
    w->cert = xasprintf("%s/web.crt", state);
    w->log = xasprintf("%s/web.log", w->e->dir);
    w->app = app ? xstrdup(app) : s_min_app(w->e->dir);
    const char *argv[32] = {web_path(), "--listen", w->url, "--state", state, "--api",
                            w->e->api, "--events", w->e->events, "--app", w->app};
    size_t k = 11;
    for (size_t i = 0; extra && extra[i] && k + 1 < sizeof argv / sizeof *argv; i++)
        argv[k++] = extra[i];
    argv[k] = NULL;
    char *out = xasprintf("%s/web.out", w->e->dir);
    w->pid = e2e_spawn(argv, NULL, out, w->log, environ);
    e2e_adopt(w->e, w->pid);
    long deadline = e2e_now_ms() + E2E_WAIT_MS;
    for (;;) {
        char *text = e2e_slurp(w->log);
        bool ready = text && strstr(text, "ayni-web ready https://");
        if (ready) {
            assert_non_null(strstr(text, "sha256="));
            free(text);
            break;
        }
        if (e2e_now_ms() > deadline)
            fail_msg("ayni-web did not get ready: %s", text ? text : "(no log)");
        free(text);
        e2e_nap(20);
    }
    struct stat st;
    char *key = xasprintf("%s/web.key", state);
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(key);
    free(state);
    free(out);
}

void
web_stop(struct web *w)
{
    kill(w->pid, SIGTERM);
    e2e_release(w->e, w->pid); /* e2e_reap kills it if it does not stop */
    assert_int_equal(e2e_reap(w->pid, E2E_WAIT_MS, "ayni-web"), 0);
    free(w->url);
    free(w->cert);
    free(w->log);
    free(w->app);
}

void
web_alive(struct web *w)
{
    assert_int_equal(kill(w->pid, 0), 0);
}

json_t *
web_http(struct web *w, const char *method, const char *op, const char *type, const char *auth,
         const char *body, long *status)
{
    char *bodyfile = xasprintf("%s/body.json", w->e->dir);
    FILE *f = fopen(bodyfile, "w");
    assert_non_null(f);
    fputs(body ? body : "", f);
    fclose(f);
    char *typeh = type ? xasprintf("-H 'Content-Type: %s'", type) : xstrdup("");
    char *authh = auth ? xasprintf("-H 'Authorization: Bearer %s'", auth) : xstrdup("");
    char *cmd = xasprintf("curl -s --max-time 20 --cacert '%s' -X %s %s %s --data-binary @'%s' "
                          "-w '\\n%%{http_code}' '%s/api/v1/%s'",
                          w->cert, method ? method : "POST", typeh, authh, bodyfile, w->url, op);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *text = e2e_read_all(p);
    pclose(p);
    char *nl = strrchr(text, '\n');
    assert_non_null(nl);
    *status = strtol(nl + 1, NULL, 10);
    *nl = '\0';
    json_error_t jerr;
    json_t *reply = json_loads(text, 0, &jerr);
    if (!reply)
        fail_msg("not JSON from ayni-web (HTTP %ld): %s", *status, text);
    free(text);
    free(cmd);
    free(typeh);
    free(authh);
    free(bodyfile);
    return reply;
}

json_t *
web_post(struct web *w, const char *op, const char *auth, json_t *args, long *status)
{
    json_t *body = json_pack("{so}", "args", args ? args : json_object());
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    json_t *r = web_http(w, NULL, op, "application/json", auth, text, status);
    free(text);
    return r;
}

long
web_download(struct web *w, const char *path, const char *auth, const char *out,
             char **headers)
{
    char *hfile = xasprintf("%s/download.headers", w->e->dir);
    char *authh = auth ? xasprintf("-H 'Authorization: Bearer %s'", auth) : xstrdup("");
    char *cmd = xasprintf("curl -s --max-time 30 --cacert '%s' %s -D '%s' -o '%s' "
                          "-w '%%{http_code}' '%s%s'",
                          w->cert, authh, hfile, out, w->url, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *text = e2e_read_all(p);
    pclose(p);
    long status = strtol(text, NULL, 10);
    if (headers) {
        FILE *f = fopen(hfile, "r");
        assert_non_null(f);
        *headers = e2e_read_all(f);
        fclose(f);
    }
    free(text);
    free(cmd);
    free(authh);
    free(hfile);
    return status;
}

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

char *
web_enrol(struct web *w, const char *name, const char *role, const char *team, char **code)
{
    json_t *args = team ? e2e_pack("{ss ss ss}", "name", name, "role", role, "team", team)
                        : e2e_pack("{ss ss}", "name", name, "role", role);
    json_t *c = e2e_ok(w->e, "device.enrol_code", args);
    long status = 0;
    json_t *r = web_post(w, "device.enrol", NULL, e2e_pack("{ss}", "code", s_str(c, "code")),
                         &status);
    assert_int_equal(status, 200);
    json_t *res = json_object_get(r, "result");
    assert_string_equal(s_str(res, "role"), role);
    char *auth = xasprintf("%s:%s", s_str(res, "name"), s_str(res, "secret"));
    if (code)
        *code = xstrdup(s_str(c, "code"));
    json_decref(r);
    json_decref(c);
    return auth;
}
