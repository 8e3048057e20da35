/* web_static.h: the phone app's files (web/app, assembled in ${CMAKE_BINARY_DIR}/web/app),
 * read once at start into memory and found by URL path (docs/WEB.md).  No request touches
 * the filesystem, so no path can reach outside the tree.  No sockets and no HTTP here:
 * web_main.c sends what this finds. */
#ifndef AYNI_WEB_STATIC_H
#define AYNI_WEB_STATIC_H

#include <stdbool.h>
#include <stddef.h>

/* The most the app tree may hold, in bytes and in files: it is a few hundred KiB of
 * HTML, JavaScript and icons; much more is a wrong --app folder (a home folder, say). */
#define WEB_STATIC_MAX_BYTES (16u * 1024 * 1024)
#define WEB_STATIC_MAX_FILES 1024u

struct web_file {
    char *path;          /* the URL path: "/index.html", "/vendor/jsQR.js" */
    unsigned char *body; /* the file's bytes, len of them */
    size_t len;
    const char *type;    /* Content-Type, by the name's extension */
    const char *cache;   /* Cache-Control */
    char etag[36];       /* "\"" + 32 hex of the content's BLAKE2b-128 + "\"" */
};

typedef struct web_static web_static_t;

/* Every regular file under dir (hidden names, starting with '.', left out), read into
 * memory.  NULL with a message in err when dir cannot be read, has no index.html, or holds
 * more than WEB_STATIC_MAX_BYTES or WEB_STATIC_MAX_FILES. */
web_static_t *web_static_load(const char *dir, char *err, size_t errlen);
void web_static_destroy(web_static_t **self_p);

/* The file at URL path ("/" is "/index.html"), or NULL: a folder, or nothing there.
 * Borrowed until web_static_destroy. */
const struct web_file *web_static_find(const web_static_t *self, const char *path);
size_t web_static_files(const web_static_t *self);
size_t web_static_bytes(const web_static_t *self);

/* The Content-Type for a file name, by its extension ("application/octet-stream" for one
 * not known). */
const char *web_static_type(const char *name);
/* Whether an If-None-Match header (a list of tags, "*", weak "W/" tags) names etag. */
bool web_etag_matches(const char *if_none_match, const char *etag);

#endif
