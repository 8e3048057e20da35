/* web_static.c: the phone app's files in memory (web_static.h).  The tree is read once, at
 * start; lookups compare whole paths with the table, so "..", "%2e%2e" or a folder name
 * find nothing.  It must not read the filesystem after web_static_load. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <sodium.h>

#include "lang.h"
#include "mem.h"
#include "web_static.h"

#define S_DEPTH_MAX 16 /* folders within folders: deeper is a loop of links */

struct web_static {
    struct web_file *files; /* sorted by path, for bsearch */
    size_t n, cap, bytes;
};

static const struct {
    const char *ext, *type;
} s_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".webmanifest", "application/manifest+json; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml; charset=utf-8"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

const char *
web_static_type(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof s_types / sizeof s_types[0]; i++) {
        size_t e = strlen(s_types[i].ext);
        if (n > e && !strcasecmp(name + n - e, s_types[i].ext))
            return s_types[i].type;
    }
    return "application/octet-stream";
}

/* Cache-Control of every file: revalidate each time (a 304 costs a few hundred bytes).
 * The names carry no hash of their content, so a max-age would let a phone mix a new
 * index.html with an old app.js after an upgrade, and the service worker's install would
 * cache that mix.  The service worker is what keeps the app offline, not the HTTP cache;
 * and index.html, sw.js and the manifest above all must be fresh: a browser finds a new
 * service worker through them. */
#define S_CACHE "no-cache"

/* Read the regular file path (size bytes by stat) as file number s->n at URL url. */
static int
s_add(web_static_t *s, const char *path, const char *url, size_t size, char *err,
      size_t errlen)
{
    if (s->n == WEB_STATIC_MAX_FILES || size > WEB_STATIC_MAX_BYTES - s->bytes) {
        snprintf(err, errlen,
                 _("the app folder holds more than %u files or %u MiB (at '%s'): give --app "
                   "the folder the build made (build/web/app), not one above it"),
                 WEB_STATIC_MAX_FILES, WEB_STATIC_MAX_BYTES >> 20, path);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    unsigned char *body = xmalloc(size ? size : 1);
    size_t got = f ? fread(body, 1, size, f) : 0;
    bool whole = f && got == size && fgetc(f) == EOF && !ferror(f);
    int saved = errno;
    if (f)
        fclose(f);
    if (!whole) {
        snprintf(err, errlen, _("cannot read the app file '%s': %s"), path,
                 f ? _("it changed while it was read") : strerror(saved));
        free(body);
        return -1;
    }
    if (s->n == s->cap)
        s->files = xrealloc(s->files, (s->cap = s->cap ? 2 * s->cap : 64) * sizeof *s->files);
    struct web_file *w = &s->files[s->n++];
    w->path = xstrdup(url);
    w->body = body;
    w->len = size;
    w->type = web_static_type(url);
    w->cache = S_CACHE;
    unsigned char h[16];
    crypto_generichash(h, sizeof h, body, size, NULL, 0);
    w->etag[0] = '"';
    sodium_bin2hex(w->etag + 1, sizeof w->etag - 2, h, sizeof h);
    w->etag[33] = '"';
    w->etag[34] = '\0';
    s->bytes += size;
    return 0;
}

/* The files of folder dir, at URL prefix url ("" for the top), and of its folders. */
static int
s_walk(web_static_t *s, const char *dir, const char *url, int depth, char *err, size_t errlen)
{
    if (depth > S_DEPTH_MAX) {
        snprintf(err, errlen, _("the app folder is more than %d folders deep at '%s': is there "
                                "a link to a folder above it?"),
                 S_DEPTH_MAX, dir);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, _("cannot read the app folder '%s': %s"), dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') /* ".", "..", and hidden files (.gitignore, editors') */
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        char *sub = xasprintf("%s/%s", url, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) {
            snprintf(err, errlen, _("cannot read the app file '%s': %s"), path,
                     strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = s_walk(s, path, sub, depth + 1, err, errlen);
        } else if (S_ISREG(st.st_mode)) {
            rc = s_add(s, path, sub, (size_t)st.st_size, err, errlen);
        } /* a socket, a fifo: nothing to serve */
        free(sub);
        free(path);
    }
    closedir(d);
    return rc;
}

static int
s_by_path(const void *a, const void *b)
{
    return strcmp(((const struct web_file *)a)->path, ((const struct web_file *)b)->path);
}

web_static_t *
web_static_load(const char *dir, char *err, size_t errlen)
{
    web_static_t *s = xcalloc(1, sizeof *s);
    if (s_walk(s, dir, "", 0, err, errlen) != 0) {
        web_static_destroy(&s);
        return NULL;
    }
    if (s->n) /* qsort is not given a NULL table, even of none */
        qsort(s->files, s->n, sizeof *s->files, s_by_path);
    if (!web_static_find(s, "/")) {
        snprintf(err, errlen,
                 _("the app folder '%s' has no index.html: build the app (cmake --build build "
                   "--target ayni_web_app) or give its folder with --app"),
                 dir);
        web_static_destroy(&s);
        return NULL;
    }
    return s;
}

void
web_static_destroy(web_static_t **self_p)
{
    web_static_t *s = *self_p;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->files[i].path);
        free(s->files[i].body);
    }
    free(s->files);
    free(s);
    *self_p = NULL;
}

const struct web_file *
web_static_find(const web_static_t *s, const char *path)
{
    struct web_file key = {.path = (char *)(strcmp(path, "/") ? path : "/index.html")};
    return s->n ? bsearch(&key, s->files, s->n, sizeof *s->files, s_by_path) : NULL;
}

size_t
web_static_files(const web_static_t *s)
{
    return s->n;
}

size_t
web_static_bytes(const web_static_t *s)
{
    return s->bytes;
}

bool
web_etag_matches(const char *inm, const char *etag)
{
    size_t n = strlen(etag);
    const char *p = inm;
    while (p && *p) {
        p += strspn(p, " \t,");
        if (!strncmp(p, "W/", 2)) /* a weak match is enough for GET (RFC 9110 13.1.2) */
            p += 2;
        size_t len = strcspn(p, " \t,");
        if ((len == 1 && *p == '*') || (len == n && !strncmp(p, etag, n)))
            return true;
        p += len;
    }
    return false;
}
