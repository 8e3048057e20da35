/* scan_verify.c: `ayni-scan verify FILE.pdf|PHOTO`: a donor report's signed statement,
 * checked offline (docs/PROOF.md).
 *
 * The QR code is read from a photo (scan_image.c) or, for a PDF, from its first two pages
 * rendered by pdftoppm (poppler-utils); its statement is checked against the core's public
 * key; for a PDF, the page's text (pdftotext -layout) is read too and every figure it
 * prints is compared with the signed one.  Must not trust the page: the figures shown as
 * verified are the statement's, never the text's.  Sends nothing, writes nothing but a
 * temporary folder it removes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "run.h"
#include "scan.h"
#include "statement.h"

/* ---- the key ---- */

int
scan_verify_key(const char *arg, unsigned char pk[32], char *err, size_t errlen)
{
    char hex[65] = "";
    size_t n = 0;
    if (strlen(arg) == 64 && strspn(arg, "0123456789abcdefABCDEF") == 64) {
        memcpy(hex, arg, 65);
    } else {
        FILE *f = fopen(arg, "r");
        if (!f) {
            snprintf(err, errlen, _("--key '%s' is neither 64 hex digits nor a file that can be "
                                    "read (%s)"), arg, strerror(errno));
            return AYNI_EINVAL;
        }
        char buf[4096];
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        /* sign.pub (64 hex digits), or keys.public's JSON: the first run of 64 hex digits */
        for (char *p = buf; *p && !hex[0]; p++)
            if (strspn(p, "0123456789abcdef") == 64 && !isxdigit((unsigned char)p[64]))
                snprintf(hex, sizeof hex, "%.64s", p);
    }
    if (!hex[0] || sodium_hex2bin(pk, 32, hex, 64, NULL, &n, NULL) != 0 || n != 32) {
        snprintf(err, errlen, _("--key '%s' holds no public key: give the 64 hex digits of "
                                "keys.public, or a file with them (keys/sign.pub)"), arg);
        return AYNI_EINVAL;
    }
    return 0;
}

/* ---- external tools ---- */

static bool
s_is_pdf(const char *path)
{
    char head[5] = "";
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, 4, f);
    fclose(f);
    return n == 4 && !memcmp(head, "%PDF", 4);
}

/* The whole file (at most 16 MiB), a new string; "" if it cannot be read. */
static char *
s_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    while (f && n < (16u << 20)) {
        if (cap - n < 4096)
            buf = xrealloc(buf, cap *= 2);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (!got)
            break;
        n += got;
    }
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

struct s_tmp {
    char dir[256];
};

static void
s_tmp_remove(struct s_tmp *t)
{
    const char *names[] = {"p1.png", "p2.png", "text.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/%s", t->dir, names[i]);
        unlink(path);
    }
    rmdir(t->dir);
}

/* The QR codes of the PDF's first two pages (the statement is on the first unless a long
 * list of items pushed it on), and its text; a new array, or NULL with err set. */
static json_t *
s_pdf_codes(const char *path, struct s_tmp *t, char **text, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/ayni-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir)) {
        snprintf(err, errlen, _("cannot make a temporary folder in '%s': %s"),
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return NULL;
    }
    char txt[300];
    snprintf(txt, sizeof txt, "%s/text.txt", t->dir);
    const char *pdftotext[] = {"pdftotext", "-layout", path, txt, NULL};
    if (ayni_run(pdftotext, NULL) != 0) {
        snprintf(err, errlen, _("cannot read the PDF '%s' with pdftotext: is it a PDF, and is "
                                "poppler-utils installed (apt-get install poppler-utils)?"),
                 path);
        return NULL;
    }
    *text = s_slurp(txt);
    json_t *all = json_array();
    for (int page = 1; page <= 2; page++) {
        char prefix[300], png[310], n[8], e[300];
        json_t *codes = NULL;
        snprintf(prefix, sizeof prefix, "%s/p%d", t->dir, page);
        snprintf(png, sizeof png, "%s.png", prefix);
        snprintf(n, sizeof n, "%d", page);
        const char *render[] = {"pdftoppm", "-r", "150", "-f", n, "-l", n, "-png", "-gray",
                                "-singlefile", path, prefix, NULL};
        /* a one-page report has no page 2: pdftoppm then fails, and that is no error */
        if (ayni_run(render, NULL) == 0 && scan_image_decode(png, &codes, e, sizeof e) == 0)
            json_array_extend(all, codes);
        json_decref(codes);
    }
    return all;
}

/* ---- the page against the statement ---- */

/* A number as printed (1,234), into v: false if s is not one. */
static bool
s_printed_number(const char *s, long long *v)
{
    char digits[32];
    size_t n = 0;
    for (; *s && !isspace((unsigned char)*s); s++) {
        if (isdigit((unsigned char)*s) && n + 1 < sizeof digits)
            digits[n++] = *s;
        else if (*s != ',' && *s != '.')
            return false;
    }
    digits[n] = '\0';
    if (!n)
        return false;
    *v = strtoll(digits, NULL, 10);
    return true;
}

static void
s_problem(json_t *problems, const char *what, const char *printed, long long signed_)
{
    json_array_append_new(problems, json_pack("{ss ss sI}", "figure", what, "printed", printed,
                                              "signed", (json_int_t)signed_));
}

static const struct core_statement_item *
s_item(const struct core_statement *st, const char *code)
{
    for (size_t i = 0; i < st->n_items; i++)
        if (!strcmp(st->items[i].code, code))
            return &st->items[i];
    return NULL;
}

/* One line of the signed figures, "Label es / Label en: value" (printer/prn_donor_proof.c). */
static void
s_figure_line(const char *line, const struct core_statement *st, json_t *problems, json_t *seen)
{
    static const char delivered[] = "Entregado / Delivered ";
    static const struct {
        const char *label;
        size_t off;
    } counts[] = {
        {"Entregas / Deliveries: ", offsetof(struct core_statement, deliveries)},
        {"Confirmadas por escaneo / Scan-confirmed: ", offsetof(struct core_statement, scanned)},
        {"Comunidades / Communities: ", offsetof(struct core_statement, communities)},
        {"Punto de control / Checkpoint: ", offsetof(struct core_statement, checkpoint_seq)},
    };
    long long v;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        const char *p = strstr(line, counts[i].label);
        if (!p)
            continue;
        p += strlen(counts[i].label);
        int64_t want = *(const int64_t *)((const char *)st + counts[i].off);
        json_object_set_new(seen, counts[i].label, json_true());
        if (!s_printed_number(p, &v) || v != want)
            s_problem(problems, counts[i].label, p, want);
        return;
    }
    const char *p = strstr(line, delivered);
    if (!p)
        return;
    p += strlen(delivered);
    char code[CORE_STATEMENT_CODE_MAX + 2];
    size_t n = strcspn(p, ":");
    snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code - 1 ? n : sizeof code - 1), p);
    const struct core_statement_item *it = s_item(st, code);
    const char *value = p[n] ? p + n + 1 + strspn(p + n + 1, " ") : "";
    json_object_set_new(seen, code, json_true());
    if (!it)
        s_problem(problems, code, value, 0);
    else if (!s_printed_number(value, &v) || v != it->qty)
        s_problem(problems, code, value, it->qty);
}

/* A row of the cover's table "Entregado por artículo": an item code among its words, and
 * the quantity last. */
static void
s_cover_line(const char *line, const struct core_statement *st, json_t *problems)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", line);
    char *words[64], *save = NULL;
    size_t n = 0;
    for (char *w = strtok_r(buf, " \t", &save); w && n < 64; w = strtok_r(NULL, " \t", &save))
        words[n++] = w;
    long long v;
    for (size_t i = 0; n >= 2 && i + 1 < n; i++) {
        const struct core_statement_item *it = s_item(st, words[i]);
        if (!it)
            continue;
        if (!s_printed_number(words[n - 1], &v) || v != it->qty) {
            char what[80];
            snprintf(what, sizeof what, "%s (cover)", it->code);
            s_problem(problems, what, words[n - 1], it->qty);
        }
        return;
    }
}

json_t *
scan_verify_page(const char *text, const struct core_statement *st)
{
    json_t *problems = json_array(), *seen = json_object();
    bool cover = false;
    for (const char *l = text; *l;) {
        size_t len = strcspn(l, "\n");
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line - 1 ? len : sizeof line - 1),
                 l);
        const char *t = line + strspn(line, " \f");
        if (!strncmp(t, "Entregado por artículo", strlen("Entregado por artículo")))
            cover = true;
        else if (!strncmp(t, "Verificación", strlen("Verificación")) ||
                 !strncmp(t, "Cantidad entregada por artículo",
                          strlen("Cantidad entregada por artículo")))
            cover = false;
        else if (cover)
            s_cover_line(t, st, problems);
        s_figure_line(t, st, problems, seen);
        l += len + (l[len] == '\n');
    }
    /* every signed figure must be printed */
    for (size_t i = 0; i < st->n_items; i++)
        if (!json_object_get(seen, st->items[i].code))
            s_problem(problems, st->items[i].code, "", st->items[i].qty);
    if (!json_object_get(seen, "Entregas / Deliveries: "))
        s_problem(problems, "Entregas / Deliveries", "", st->deliveries);
    json_decref(seen);
    return problems;
}

/* ---- showing it ---- */

static void
s_show(FILE *out, const struct core_statement *st, enum core_statement_verdict v)
{
    char fpr[2 * CORE_STATEMENT_FPR_LEN + 1], digest[65];
    sodium_bin2hex(fpr, sizeof fpr, st->fingerprint, sizeof st->fingerprint);
    sodium_bin2hex(digest, sizeof digest, st->community_digest, 32);
    fprintf(out, "%s %s\n", v == CORE_STATEMENT_GENUINE ? "✓" : "✗",
            core_statement_verdict_message(v));
    if (v != CORE_STATEMENT_GENUINE)
        fprintf(out, "%s\n", _("what the code claims (NOT verified):"));
    fprintf(out, _("  donor: %s\n"), st->donor);
    fprintf(out, _("  period: %s to %s\n"), st->from, st->to);
    for (size_t i = 0; i < st->n_items; i++)
        fprintf(out, _("  delivered: %s %lld\n"), st->items[i].code, (long long)st->items[i].qty);
    fprintf(out, _("  deliveries: %lld, confirmed by scan: %lld\n"), (long long)st->deliveries,
            (long long)st->scanned);
    fprintf(out, _("  communities: %lld (digest of what each received: %.16s…)\n"),
            (long long)st->communities, digest);
    fprintf(out, _("  drawn at checkpoint %lld of the event chain (%.16s…)\n"),
            (long long)st->checkpoint_seq, st->checkpoint_hash);
    fprintf(out, _("  key fingerprint: %s\n"), fpr);
}

static void
s_show_problems(FILE *out, json_t *problems)
{
    size_t i;
    json_t *p;
    fprintf(out, "%s\n", _("✗ the page prints figures that differ from the signed ones:"));
    json_array_foreach(problems, i, p) {
        const char *printed = json_string_value(json_object_get(p, "printed"));
        fprintf(out, _("  %s: printed '%s', signed %lld\n"),
                json_string_value(json_object_get(p, "figure")), *printed ? printed : "—",
                (long long)json_integer_value(json_object_get(p, "signed")));
    }
}

/* The first statement among codes, or NULL. */
static const char *
s_statement(json_t *codes)
{
    size_t i;
    json_t *c;
    json_array_foreach(codes, i, c) {
        const char *s = json_string_value(c);
        if (s && !strncmp(s, CORE_STATEMENT_VERSION "~", strlen(CORE_STATEMENT_VERSION) + 1))
            return s;
    }
    return NULL;
}

int
scan_cmd_verify(FILE *out, const char *path, const unsigned char pk[32])
{
    char err[600];
    char *text = NULL;
    struct s_tmp tmp = {""};
    bool pdf = s_is_pdf(path);
    json_t *codes = NULL;
    if (access(path, R_OK) != 0) {
        scan_error("cannot read '%s': %s", path, strerror(errno));
        return SCAN_USAGE;
    }
    if (pdf)
        codes = s_pdf_codes(path, &tmp, &text, err, sizeof err);
    else if (scan_image_decode(path, &codes, err, sizeof err) != 0)
        codes = NULL;
    if (tmp.dir[0])
        s_tmp_remove(&tmp);
    if (!codes) {
        scan_error("%s", err);
        free(text);
        return SCAN_USAGE;
    }
    const char *qr = s_statement(codes);
    int rc = SCAN_OK;
    if (!qr) {
        scan_error("no signed report statement (a QR code starting AYNI-R1~) in '%s'%s", path,
                   json_array_size(codes) ? ": its QR codes are of something else" : "");
        rc = SCAN_NO_STATEMENT;
    } else {
        struct core_statement st;
        enum core_statement_verdict v =
            core_statement_verify(qr, strlen(qr), pk, &st, err, sizeof err);
        if (v == CORE_STATEMENT_MALFORMED) {
            scan_error("the report's QR code is not a readable statement: %s", err);
            rc = SCAN_NO_STATEMENT;
        } else {
            s_show(out, &st, v);
            rc = v == CORE_STATEMENT_GENUINE ? SCAN_OK : SCAN_REFUSED;
        }
        if (rc == SCAN_OK && pdf) {
            json_t *problems = scan_verify_page(text, &st);
            if (json_array_size(problems)) {
                s_show_problems(out, problems);
                rc = SCAN_MISMATCH;
            } else
                fprintf(out, "%s\n", _("✓ the figures printed on the page are the signed ones"));
            json_decref(problems);
        }
    }
    json_decref(codes);
    free(text);
    return rc;
}
