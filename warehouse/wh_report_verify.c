/* wh_report_verify.c: `report verify FILE.pdf`: does the ledger still support a donor
 * report?  (docs/PROOF.md)
 *
 * Reads the signed statement off the report's QR code (its first two pages rasterised by
 * pdftoppm, decoded by zbarimg), checks its signature with the core's key (keys.public),
 * asks the core for report.donor of the statement's donor and period again and compares
 * the figures, and checks that the ledger is intact and still extends the checkpoint the
 * statement was drawn at (as `ledger verify --checkpoints` does).  Changes nothing but
 * what report.donor does (a checkpoint, if events came since the last one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "checkpoint.h"
#include "lang.h"
#include "mem.h"
#include "run.h"
#include "statement.h"
#include "wh.h"

/* The statement line of the codes zbarimg wrote to path, a new string, or NULL. */
static char *
s_statement_in(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[8192];
    char *found = NULL;
    while (f && !found && fgets(line, sizeof line, f))
        if (!strncmp(line, CORE_STATEMENT_VERSION "~", strlen(CORE_STATEMENT_VERSION) + 1)) {
            line[strcspn(line, "\r\n")] = '\0';
            found = xstrdup(line);
        }
    if (f)
        fclose(f);
    return found;
}

/* The statement of the QR code on the report's first two pages: a new string, or NULL and
 * an exit code in *rc with the error printed. */
static char *
s_read_qr(const char *pdf, int *rc)
{
    const char *tmp = getenv("TMPDIR");
    char dir[256], prefix[300], png[310], codes[300], n[4];
    char *found = NULL;
    snprintf(dir, sizeof dir, "%s/ayni-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (access(pdf, R_OK) != 0 || !mkdtemp(dir)) {
        wh_error(_("cannot read '%s': %s"), pdf, strerror(errno));
        *rc = WH_USAGE;
        return NULL;
    }
    snprintf(codes, sizeof codes, "%s/codes.txt", dir);
    for (int page = 1; page <= 2 && !found; page++) {
        snprintf(n, sizeof n, "%d", page);
        snprintf(prefix, sizeof prefix, "%s/p%d", dir, page);
        snprintf(png, sizeof png, "%s.png", prefix);
        const char *render[] = {"pdftoppm", "-r", "150", "-f", n, "-l", n, "-png", "-gray",
                                "-singlefile", pdf, prefix, NULL};
        const char *zbar[] = {"zbarimg", "-q", "--raw", png, NULL};
        if (ayni_run(render, NULL) == 0)
            ayni_run(zbar, codes);
        found = s_statement_in(codes);
        unlink(png);
    }
    unlink(codes);
    rmdir(dir);
    if (!found) {
        wh_error(_("no signed statement (a QR code starting AYNI-R1~) on the first pages of "
                   "'%s': is it a donor report printed by this version? (pdftoppm and zbarimg "
                   "read it: apt-get install poppler-utils zbar-tools)"), pdf);
        *rc = WH_REFUSED;
    }
    return found;
}

/* The core's public key into pk: WH_OK, or an exit code with the error printed. */
static int
s_core_key(struct wh *w, unsigned char pk[32])
{
    json_t *r = NULL;
    size_t n = 0;
    int rc = wh_call(w, "keys.public", NULL, &r);
    if (rc)
        return rc;
    const char *hex = wh_s(r, "public_key");
    if (sodium_hex2bin(pk, 32, hex, strlen(hex), NULL, &n, NULL) != 0 || n != 32) {
        wh_error(_("the core's keys.public gave no public key: check aynid"));
        rc = WH_REFUSED;
    }
    json_decref(r);
    return rc;
}

/* What differs between the signed figures s and the ledger's now: a new array of
 * {"figure", "signed", "now"}. */
static json_t *
s_differences(const struct core_statement *s, const struct core_statement *now)
{
    json_t *d = json_array();
    for (size_t i = 0, j = 0; i < s->n_items || j < now->n_items;) {
        int c = i == s->n_items ? 1 : j == now->n_items ? -1
                                                        : strcmp(s->items[i].code, now->items[j].code);
        const char *code = c <= 0 ? s->items[i].code : now->items[j].code;
        json_int_t was = c <= 0 ? (json_int_t)s->items[i].qty : 0;
        json_int_t is = c >= 0 ? (json_int_t)now->items[j].qty : 0;
        if (was != is)
            json_array_append_new(d, json_pack("{ss sI sI}", "figure", code, "signed", was, "now", is));
        i += c <= 0;
        j += c >= 0;
    }
    const struct {
        const char *name;
        int64_t was, is;
    } counts[] = {{"deliveries", s->deliveries, now->deliveries},
                  {"scanned", s->scanned, now->scanned},
                  {"communities", s->communities, now->communities}};
    for (size_t i = 0; i < 3; i++)
        if (counts[i].was != counts[i].is)
            json_array_append_new(d, json_pack("{ss sI sI}", "figure", counts[i].name, "signed",
                                               (json_int_t)counts[i].was, "now",
                                               (json_int_t)counts[i].is));
    if (memcmp(s->community_digest, now->community_digest, 32))
        json_array_append_new(d, json_pack("{ss ss ss}", "figure", "community_digest", "signed",
                                           "…", "now", "…"));
    return d;
}

/* The ledger's figures now for the statement's donor and period, against the signed ones. */
static int
s_recompute(struct wh *w, const struct core_statement *st, json_t **differences)
{
    json_t *r = NULL;
    struct core_statement now;
    int rc = wh_call(w, "report.donor",
                     json_pack("{ss ss ss}", "donor", st->donor, "from", st->from, "to", st->to), &r);
    if (rc)
        return rc;
    if (core_statement_from_report(r, NULL, &now) != 0) {
        wh_error(_("the ledger's report for '%s' no longer fits a statement (more than %d "
                   "items): it does not give the signed figures"), st->donor,
                 CORE_STATEMENT_ITEMS_MAX);
        json_decref(r);
        return WH_REFUSED;
    }
    *differences = s_differences(st, &now);
    json_decref(r);
    return WH_OK;
}

/* The ledger's own record of the checkpoint at seq (for its time), into c; c keeps its
 * signed seq and hash whatever the ledger says. */
static void
s_checkpoint_time(struct wh *w, struct core_checkpoint *c)
{
    json_t *r = NULL;
    if (wh_call(w, "ledger.checkpoints",
                json_pack("{sI si}", "since", (json_int_t)(c->seq - 1), "limit", 1), &r) == 0) {
        json_t *k = json_array_get(json_object_get(r, "checkpoints"), 0);
        if (k && wh_i(k, "seq") == c->seq)
            snprintf(c->at, sizeof c->at, "%s", wh_s(k, "at"));
    }
    json_decref(r);
}

static void
s_print(struct wh *w, const struct core_statement *st, json_t *diff, json_t *ledger,
        bool ok)
{
    size_t i;
    json_t *d;
    printf(_("report of %s, %s to %s: signature genuine (the core's key)\n"), st->donor,
           st->from, st->to);
    if (json_array_size(diff) == 0)
        printf(_("figures OK: the ledger still gives the signed ones (%lld deliveries, %lld "
                 "confirmed by scan, %lld communities)\n"),
               (long long)st->deliveries, (long long)st->scanned, (long long)st->communities);
    else {
        printf(_("FIGURES CHANGED: the ledger no longer gives what the report signed:\n"));
        json_array_foreach(diff, i, d) {
            json_t *was = json_object_get(d, "signed"), *is = json_object_get(d, "now");
            if (json_is_integer(was))
                printf(_("  %s: signed %lld, now %lld\n"), wh_s(d, "figure"),
                       (long long)json_integer_value(was), (long long)json_integer_value(is));
            else
                printf(_("  %s: what each community received is not what was signed\n"),
                       wh_s(d, "figure"));
        }
    }
    if (ledger)
        wh_ledger_print(w, ledger);
    printf(ok ? _("the ledger supports this report\n")
              : _("the ledger does NOT support this report: see above; a delivery recorded or "
                  "corrected since makes a new report necessary, a change nobody recorded "
                  "is a matter for 'ledger verify --checkpoints' (docs/PROOF.md)\n"));
}

int
wh_run_report_verify(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    const char *pdf = wh_s(args, "file");
    unsigned char pk[32];
    struct core_statement st;
    json_t *diff = NULL, *ledger = NULL;
    bool chain_ok = true;
    char err[300];
    int rc = WH_OK;
    char *qr = s_read_qr(pdf, &rc);
    if (!qr || (rc = s_core_key(w, pk)))
        goto out;
    enum core_statement_verdict v = core_statement_verify(qr, strlen(qr), pk, &st, err, sizeof err);
    if (v != CORE_STATEMENT_GENUINE) {
        wh_error(_("the report's statement is not genuine: %s%s%s"),
                 core_statement_verdict_message(v), *err ? ": " : "", err);
        rc = WH_REFUSED;
        goto out;
    }
    if ((rc = s_recompute(w, &st, &diff)))
        goto out;
    if (st.checkpoint_seq > 0) {
        struct core_checkpoint ck = {.seq = st.checkpoint_seq};
        memcpy(ck.hash, st.checkpoint_hash, sizeof ck.hash);
        s_checkpoint_time(w, &ck);
        if ((rc = wh_ledger_against(w, pdf, &ck, &ledger, &chain_ok)))
            goto out;
    }
    bool ok = chain_ok && json_array_size(diff) == 0;
    if (w->json) {
        json_t *j = json_pack("{ss so sb sO so* sb}", "file", pdf, "statement",
                              core_statement_to_json(&st), "genuine", 1, "differences", diff,
                              "ledger", ledger ? json_incref(ledger) : NULL, "ok", ok);
        wh_print_json(j);
        json_decref(j);
    } else
        s_print(w, &st, diff, ledger, ok);
    rc = ok ? WH_OK : WH_REFUSED;
out:
    free(qr);
    json_decref(diff);
    json_decref(ledger);
    json_decref(args);
    return rc;
}
