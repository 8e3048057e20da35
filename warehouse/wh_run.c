/* wh_run.c: calling aynid and turning its answers into output, error messages and exit
 * codes.  Below every command file and wh_main.c, which call it; it calls none of them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "lang.h"
#include "wh.h"
#include "zone.h"

void
wh_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ayni-warehouse: ");
    vfprintf(stderr, ayni_tr(fmt), ap);
    fputc('\n', stderr);
    va_end(ap);
}

void
wh_print_json(json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (text) {
        puts(text);
        free(text);
    }
}

const char *
wh_s(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

long long
wh_i(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The flag (or positional) of w->cmd that gave the value the core names in details.field
 * of a malformed-argument error, or NULL: then the value came from elsewhere (a file's
 * row, the runner itself) and the refusal is the core's.  A code that names a record of
 * the wrong kind (details code and kind: "to 'ALM-LIMA-VES' is a warehouse, not a
 * community") is well formed: a refusal too, as an unknown code is. */
static const char *
s_flag_of(const struct wh *w)
{
    int code = w->err.code;
    const char *field = json_string_value(json_object_get(w->err.details, "field"));
    if ((code != AYNI_EINVAL && code != AYNI_EBADREQ) || !field || !w->cmd || !w->given ||
        json_object_get(w->err.details, "row") || !json_object_get(w->given, field))
        return NULL;
    if (json_object_get(w->err.details, "code") && json_object_get(w->err.details, "kind"))
        return NULL;
    if (w->cmd->positional && !strcmp(w->cmd->positional, field))
        return w->cmd->positional;
    for (const struct wh_opt *o = w->cmd->opts; o->flag; o++)
        if (o->arg && !strcmp(o->arg, field))
            return o->flag;
    return NULL;
}

static int
s_exit_code(const struct wh *w, const char *flag)
{
    int code = w->err.code;
    if (code == AYNI_EUNAVAILABLE || code == AYNI_ETIMEOUT)
        return WH_UNREACHABLE;
    if (code == AYNI_EINVAL && json_object_get(w->err.details, "endpoint"))
        return WH_USAGE;
    return flag ? WH_USAGE : WH_REFUSED;
}

int
wh_report(struct wh *w)
{
    int code = w->err.code;
    const char *flag = s_flag_of(w);
    if (w->json) {
        json_t *e = json_pack("{sb s{ss ss}}", "ok", 0, "error", "code", ayni_err_code(code),
                              "message", w->err.message);
        json_t *details = w->err.details ? json_copy(w->err.details) : NULL;
        if (details && flag)
            json_object_set_new(details, "flag", json_string(flag));
        if (details)
            json_object_set_new(json_object_get(e, "error"), "details", details);
        wh_print_json(e);
        json_decref(e);
    }
    if (!w->quiet && flag) {
        char full[400];
        snprintf(full, sizeof full, "ayni-warehouse %s", w->cmd->usage);
        fprintf(stderr, _("ayni-warehouse: invalid %s: %s\n"), flag, w->err.message);
        fprintf(stderr, _("usage: %s\n"), full);
    }
    else if (!w->quiet)
        wh_error("%s", w->err.message);
    return s_exit_code(w, flag);
}

/* An ipc:// endpoint whose socket file is not there has no aynid behind it: say so at once
 * rather than wait out the time-out.  true if so (w->err filled). */
static bool
s_no_ipc_socket(struct wh *w)
{
    struct stat st;
    const char *path = strncmp(w->api, "ipc://", 6) ? NULL : w->api + 6;
    /* "ipc://@name" is Linux's abstract namespace: no file to look for */
    if (!path || *path == '@' || (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)))
        return false;
    proto_error_set(&w->err, AYNI_EUNAVAILABLE, NULL,
                    "no aynid at '%s': %s: start aynid with --api %s, or point to it with "
                    "--api or AYNI_API", w->api,
                    stat(path, &st) == 0 ? "that file is not a socket"
                                         : "its socket file does not exist",
                    w->api);
    return true;
}

int
wh_call(struct wh *w, const char *op, json_t *args, json_t **result)
{
    if (!w->client && s_no_ipc_socket(w)) {
        json_decref(args);
        return wh_report(w);
    }
    if (!w->client && !(w->client = proto_client_new(w->api, w->timeout_ms, w->curve, &w->err))) {
        json_decref(args);
        return wh_report(w);
    }
    if (proto_client_call(w->client, op, args, NULL, result, &w->err) != 0)
        return wh_report(w);
    return WH_OK;
}

void
wh_zone(struct wh *w)
{
    if (w->zone_set)
        return;
    w->zone_set = true;
    json_t *info = NULL;
    bool quiet = w->quiet;
    char err[256];
    w->quiet = true;
    if (wh_call(w, "server.info", NULL, &info) != WH_OK)
        info = NULL;
    w->quiet = quiet;
    const char *zone = json_string_value(json_object_get(info, "time_zone"));
    if (!zone)
        zone = AYNI_ZONE_DEFAULT; /* an aynid from before time_zone */
    if (ayni_zone_use(zone, err, sizeof err) != 0) {
        wh_error("warning: %s; times are shown in UTC", err);
        ayni_zone_use("UTC", err, sizeof err);
    }
    json_decref(info);
}

const char *
wh_when(struct wh *w, const char *iso, char buf[48])
{
    wh_zone(w);
    return ayni_when(iso, buf, 48);
}

int
wh_run_op(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    json_t *result = NULL;
    json_t *keep = json_incref(args);
    int rc = wh_call(w, c->op, args, &result);
    if (rc == WH_OK) {
        if (w->json)
            wh_print_json(result);
        else if (c->print)
            c->print(w, keep, result);
        json_decref(result);
    }
    json_decref(keep);
    return rc;
}

int
wh_mkdirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0)
        return WH_OK;
    if (n >= sizeof path) {
        wh_error("cannot create folder '%s': the path is too long", dir);
        return WH_USAGE;
    }
    memcpy(path, dir, n + 1);
    int rc = WH_OK;
    struct stat st;
    /* Each parent, then the folder itself: mkdir -p. */
    for (char *p = path + 1; rc == WH_OK; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char keep = *p;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            wh_error("cannot create folder '%s': %s", path, strerror(errno));
            rc = WH_USAGE;
        } else if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            wh_error("cannot create folder '%s': a file of that name is in the way", path);
            rc = WH_USAGE;
        }
        *p = keep;
        if (!keep)
            break;
    }
    return rc;
}

int
wh_mkdirs_for(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash || slash == file)
        return WH_OK;
    char *dir = strndup(file, (size_t)(slash - file));
    int rc = dir ? wh_mkdirs(dir) : WH_USAGE;
    free(dir);
    return rc;
}
