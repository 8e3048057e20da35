/* testutil.c: helpers for the unit tests.  Test-only: aborts on any failure of its own. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mem.h"

char *
tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/ayni-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        abort();
    }
    return tmpl;
}

void
tu_rmtree(const char *path)
{
    char *cmd = xasprintf("rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove '%s'\n", path);
    free(cmd);
}

char *
tu_path(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

char *
tu_run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p) {
        if (status)
            *status = -1;
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *out = xmalloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            out = xrealloc(out, cap);
        }
    }
    out[len] = '\0';
    int rc = pclose(p);
    if (status)
        *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

bool
tu_have(const char *program)
{
    char *cmd = xasprintf("command -v '%s' >/dev/null 2>&1", program);
    int rc = system(cmd);
    free(cmd);
    return rc == 0;
}

char *
tu_doc(const char *rel)
{
    const char *src = getenv("AYNI_SOURCE_DIR");
    if (!src) {
        fprintf(stderr, "AYNI_SOURCE_DIR is not set: run the test through ctest\n");
        abort();
    }
    char *path = tu_path(src, rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open '%s'\n", path);
        abort();
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0)
        if ((n += got) == cap - 1)
            buf = xrealloc(buf, cap *= 2);
    fclose(f);
    buf[n] = '\0';
    free(path);
    return buf;
}

const char *
tu_block(const char *doc, const char *name)
{
    char *fence = xasprintf("```%s\n", name);
    const char *p = strstr(doc, fence);
    if (p)
        p += strlen(fence);
    free(fence);
    return p;
}
