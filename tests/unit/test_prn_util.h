/* test_prn_util.h: what the printer's tests share — reading a PDF back as the
 * outside world sees it: qpdf's check, pdftotext's text, pdfinfo's page count and
 * metadata, and the QR codes zbar finds on pages rasterised at 150 dpi.
 *
 * Header-only (static inline) because the test build links each test_*.c alone
 * with testutil.c.  A check whose tool is missing is skipped, and says so.
 */
#ifndef AYNI_TEST_PRN_UTIL_H
#define AYNI_TEST_PRN_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "testutil.h"

/* Skip the running test unless program is installed. */
#define TP_NEED(program)                                                                       \
    do {                                                                                       \
        if (!tu_have(program)) {                                                               \
            fprintf(stderr, "skipped: '%s' is not installed\n", program);                      \
            skip();                                                                            \
        }                                                                                      \
    } while (0)

/* A realistic token: "AY1" and 175 characters of upper-case Base32, from seed. */
static inline char *
tp_token(unsigned seed)
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    char *t = xmalloc(179);
    uint32_t x = seed * 2654435761u + 1;
    memcpy(t, "AY1", 3);
    for (int i = 3; i < 178; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        t[i] = b32[x % 32];
    }
    t[178] = '\0';
    return t;
}

static inline bool
tp_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* qpdf --check passes. */
static inline void
tp_assert_qpdf(const char *pdf)
{
    int status = -1;
    char *cmd = xasprintf("qpdf --check '%s' 2>&1", pdf);
    char *out = tu_run(cmd, &status);
    if (status != 0)
        fprintf(stderr, "qpdf --check '%s':\n%s\n", pdf, out ? out : "(no output)");
    assert_int_equal(status, 0);
    free(out);
    free(cmd);
}

/* The text of pages first..last (0, 0: all) as pdftotext -layout reads it. */
static inline char *
tp_text(const char *pdf, int first, int last)
{
    int status = -1;
    char *cmd = first ? xasprintf("pdftotext -layout -f %d -l %d '%s' - 2>/dev/null", first,
                                  last, pdf)
                      : xasprintf("pdftotext -layout '%s' - 2>/dev/null", pdf);
    char *out = tu_run(cmd, &status);
    free(cmd);
    assert_non_null(out);
    assert_int_equal(status, 0);
    return out;
}

/* Assert that text holds want, printing the text if not. */
#define TP_HAS(text, want)                                                                     \
    do {                                                                                       \
        if (!strstr((text), (want)))                                                           \
            fprintf(stderr, "missing \"%s\" in:\n%.4000s\n", (want), (text));                  \
        assert_non_null(strstr((text), (want)));                                               \
    } while (0)

/* One field of pdfinfo's output ("Pages", "Title", "Creator"), as a new string. */
static inline char *
tp_info(const char *pdf, const char *field)
{
    char *cmd = xasprintf("pdfinfo '%s' 2>/dev/null | sed -n 's/^%s: *//p'", pdf, field);
    char *out = tu_run(cmd, NULL);
    free(cmd);
    assert_non_null(out);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

static inline int
tp_pages(const char *pdf)
{
    char *s = tp_info(pdf, "Pages");
    int n = atoi(s);
    free(s);
    return n;
}

/* The QR codes zbar reads on pages first..last (0, 0: all), one per line, in page
 * order, as a new string.  Pages are rasterised at 150 dpi into dir. */
static inline char *
tp_qr(const char *pdf, const char *dir, int first, int last)
{
    char *range = first ? xasprintf("-f %d -l %d", first, last) : xstrdup("");
    char *cmd = xasprintf("rm -f '%s'/qr-*.png && pdftoppm -r 150 -png %s '%s' '%s/qr' 2>/dev/null && "
                          "zbarimg -q --raw $(ls '%s'/qr-*.png | sort) 2>/dev/null",
                          dir, range, pdf, dir, dir);
    char *out = tu_run(cmd, NULL);
    free(cmd);
    free(range);
    assert_non_null(out);
    return out;
}

/* How many lines s has. */
static inline int
tp_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Write a PDF buffer to dir/name; the path as a new string. */
static inline char *
tp_save(const char *dir, const char *name, const unsigned char *pdf, size_t len)
{
    char *path = tu_path(dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

#endif
