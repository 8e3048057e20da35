/* wh_ledger.c: `ledger verify [--checkpoints FILE]` and `ledger checkpoints -o FILE`.
 *
 * A checkpoint is the event chain's head signed by the core (docs/PROOF.md).  Exported to
 * a file that an auditor or a second site keeps, it lets a later `ledger verify
 * --checkpoints` prove that the ledger still extends every one of them: a ledger rewritten
 * after a checkpoint has another hash at its seq, one cut short ends before it.  The file
 * is checked whole (form, signatures, the core's key) before anything is compared.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "checkpoint.h"
#include "lang.h"
#include "mem.h"
#include "token.h"
#include "wh.h"

#define S_PAGE 1000

/* ---- ledger checkpoints -o FILE ---- */

/* Every checkpoint, oldest first, one JSON object a line, to f; their number in *n and the
 * newest in *newest (a new reference, or NULL if none). */
static int
s_export(struct wh *w, FILE *f, long long *n, json_t **newest)
{
    long long since = 0;
    *n = 0;
    for (;;) {
        json_t *r = NULL, *c;
        int rc = wh_call(w, "ledger.checkpoints",
                         json_pack("{sI si}", "since", (json_int_t)since, "limit", S_PAGE), &r);
        if (rc)
            return rc;
        json_t *list = json_object_get(r, "checkpoints");
        size_t i, count = json_array_size(list);
        json_array_foreach(list, i, c) {
            char *line = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
            fprintf(f, "%s\n", line);
            free(line);
            since = wh_i(c, "seq");
            (*n)++;
            json_decref(*newest);
            *newest = json_incref(c);
        }
        json_decref(r);
        if (count < S_PAGE)
            return WH_OK;
    }
}

int
wh_run_checkpoints(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    const char *path = wh_s(args, "output");
    char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    json_t *newest = NULL;
    long long n = 0;
    int rc = wh_mkdirs_for(path);
    FILE *f = rc ? NULL : fopen(tmp, "w");
    if (!rc && !f) {
        wh_error("cannot write '%s': %s", tmp, strerror(errno));
        rc = WH_USAGE;
    }
    if (f) {
        rc = s_export(w, f, &n, &newest);
        bool bad = ferror(f) != 0;
        if (fclose(f) != 0 || bad) {
            if (!rc)
                wh_error("cannot write '%s': %s", tmp, strerror(errno));
            rc = rc ? rc : WH_USAGE;
        }
        /* whole or not at all: a copy cut short would look like a ledger that was cut */
        if (!rc && rename(tmp, path) != 0) {
            wh_error("cannot write '%s': %s", path, strerror(errno));
            rc = WH_USAGE;
        }
        if (rc)
            unlink(tmp);
    }
    if (!rc && w->json) {
        json_t *out = json_pack("{ss sI sO?}", "file", path, "checkpoints", (json_int_t)n,
                                "newest", newest);
        wh_print_json(out);
        json_decref(out);
    } else if (!rc && newest) {
        char when[48];
        printf(ayni_ntr("wrote %lld checkpoint to '%s' (the newest: seq %lld, %s)\n",
                        "wrote %lld checkpoints to '%s' (the newest: seq %lld, %s)\n",
                        (unsigned long)n),
               n, path, wh_i(newest, "seq"), wh_when(w, wh_s(newest, "at"), when));
    } else if (!rc) {
        printf(_("wrote no checkpoint to '%s': aynid has made none yet (it makes one every "
                 "--checkpoint-every events or --checkpoint-hours hours, and on stopping)\n"),
               path);
    }
    json_decref(newest);
    free(tmp);
    json_decref(args);
    return rc;
}

/* ---- ledger verify --checkpoints FILE ---- */

struct s_line {
    struct core_checkpoint c;
    size_t line;
};

struct s_file {
    struct s_line *v;
    size_t n, cap;
};

static int
s_by_seq(const void *a, const void *b)
{
    const struct s_line *x = a, *y = b;
    return x->c.seq < y->c.seq ? -1 : x->c.seq > y->c.seq;
}

/* One line of the file into out; false with the error printed. */
static bool
s_parse_line(const char *path, size_t no, char *text, struct s_file *out)
{
    json_error_t jerr;
    char err[256];
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        wh_error("line %zu of '%s' is not JSON (%s): the file must hold one checkpoint a "
                 "line, as 'ledger checkpoints -o FILE' writes it",
                 no, path, jerr.text);
        return false;
    }
    if (out->n == out->cap)
        out->v = xrealloc(out->v, (out->cap = out->cap ? 2 * out->cap : 64) * sizeof *out->v);
    int rc = core_checkpoint_from_json(o, &out->v[out->n].c, err, sizeof err);
    json_decref(o);
    if (rc) {
        wh_error("line %zu of '%s' is not a checkpoint: %s", no, path, err);
        return false;
    }
    out->v[out->n++].line = no;
    return true;
}

/* The checkpoints of path, sorted by seq: WH_OK, or WH_USAGE with the error printed. */
static int
s_read(const char *path, struct s_file *out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        wh_error("cannot open '%s': %s", path, strerror(errno));
        return WH_USAGE;
    }
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t len;
    int rc = WH_OK;
    while (rc == WH_OK && (len = getline(&line, &cap, f)) >= 0) {
        no++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len > 0 && !s_parse_line(path, no, line, out))
            rc = WH_USAGE;
    }
    if (rc == WH_OK && ferror(f)) {
        wh_error("cannot read '%s': %s", path, strerror(errno));
        rc = WH_USAGE;
    }
    free(line);
    fclose(f);
    if (rc == WH_OK && out->n == 0) {
        wh_error("'%s' holds no checkpoint: export them with 'ayni-warehouse ledger "
                 "checkpoints -o FILE'", path);
        rc = WH_USAGE;
    }
    if (rc == WH_OK)
        qsort(out->v, out->n, sizeof *out->v, s_by_seq);
    return rc;
}

/* Every signature of the file against the core's key (keys.public): WH_OK, or WH_REFUSED
 * with the first bad line named. */
static int
s_check_signatures(struct wh *w, const char *path, const struct s_file *file)
{
    json_t *r = NULL;
    int rc = wh_call(w, "keys.public", NULL, &r);
    if (rc)
        return rc;
    unsigned char pk[32];
    size_t bin = 0;
    const char *hex = wh_s(r, "public_key");
    if (sodium_hex2bin(pk, sizeof pk, hex, strlen(hex), NULL, &bin, NULL) != 0 || bin != 32) {
        wh_error("the core's public key '%s' is not 64 hex digits: is this an Ayni core?", hex);
        json_decref(r);
        return WH_REFUSED;
    }
    for (size_t i = 0; rc == WH_OK && i < file->n; i++) {
        const struct s_line *l = &file->v[i];
        char id[9];
        sodium_bin2hex(id, sizeof id, l->c.key_id, sizeof l->c.key_id);
        switch (core_checkpoint_verify(&l->c, pk)) {
        case CORE_CHECKPOINT_GENUINE:
            break;
        case CORE_CHECKPOINT_FOREIGN:
            wh_error("line %zu of '%s': the checkpoint is signed by another key (key id %s; "
                     "this core's is %s): it is from another core's ledger, or this core's key "
                     "was replaced; check that the file and the core belong together",
                     l->line, path, id, wh_s(r, "key_id"));
            rc = WH_REFUSED;
            break;
        case CORE_CHECKPOINT_ALTERED:
            wh_error("line %zu of '%s': the signature does not verify: the checkpoint was "
                     "changed after it was signed; take a copy of the file that nobody could "
                     "edit (the auditor's)", l->line, path);
            rc = WH_REFUSED;
            break;
        }
    }
    json_decref(r);
    return rc;
}

/* The hash the ledger's chain has at seq, into hash ("" if the ledger has no such event). */
static int
s_hash_at(struct wh *w, int64_t seq, char hash[65])
{
    json_t *r = NULL;
    int rc = wh_call(w, "events.since",
                     json_pack("{sI si}", "since", (json_int_t)(seq - 1), "limit", 1), &r);
    if (rc)
        return rc;
    json_t *e = json_array_get(json_object_get(r, "events"), 0);
    snprintf(hash, 65, "%s", e && wh_i(e, "seq") == seq ? wh_s(e, "hash") : "");
    json_decref(r);
    return WH_OK;
}

static json_t *
s_point(const struct core_checkpoint *c)
{
    return c ? json_pack("{sI ss}", "seq", (json_int_t)c->seq, "at", c->at) : json_null();
}

/* Compare the ledger, whose chain ends at head, with every checkpoint of file: the first
 * that its chain contradicts (rewritten), and the newest it lacks (cut).  *report gets
 * {"file", "count", "ok", "agrees" (the newest confirmed), "rewritten", "cut"}. */
static int
s_compare(struct wh *w, const char *path, const struct s_file *file, int64_t head,
          json_t **report)
{
    const struct core_checkpoint *good = NULL, *rewritten = NULL, *cut = NULL;
    int rc = WH_OK;
    for (size_t i = 0; rc == WH_OK && i < file->n; i++) {
        const struct core_checkpoint *c = &file->v[i].c;
        char hash[65];
        if (c->seq > head) {
            cut = c; /* sorted: the last one seen is the newest */
            continue;
        }
        if (rewritten)
            continue;
        if ((rc = s_hash_at(w, c->seq, hash)))
            break;
        if (strcmp(hash, c->hash) == 0)
            good = c;
        else
            rewritten = c;
    }
    if (rc)
        return rc;
    *report = json_pack("{ss sI sb so so so}", "file", path, "count", (json_int_t)file->n, "ok",
                        !rewritten && !cut, "agrees", s_point(good), "rewritten",
                        s_point(rewritten), "cut", s_point(cut));
    json_object_set_new(*report, "head", json_integer(head));
    return WH_OK;
}

static void
s_print_report(struct wh *w, json_t *rep)
{
    char when[48], prev[48];
    json_t *good = json_object_get(rep, "agrees"), *rw = json_object_get(rep, "rewritten"),
           *cut = json_object_get(rep, "cut");
    if (json_is_true(json_object_get(rep, "ok"))) {
        if (wh_i(rep, "count") == 1) /* "every one of the 1" does not read */
            printf(_("checkpoint OK: the ledger extends the one in '%s' (seq %lld, %s)\n"),
                   wh_s(rep, "file"), wh_i(good, "seq"), wh_when(w, wh_s(good, "at"), when));
        else
            printf(_("checkpoints OK: the ledger extends every one of the %lld in '%s' (the "
                     "newest: seq %lld, %s)\n"),
                   wh_i(rep, "count"), wh_s(rep, "file"), wh_i(good, "seq"),
                   wh_when(w, wh_s(good, "at"), when));
        return;
    }
    if (json_is_object(rw)) {
        printf(_("REWRITTEN at seq %lld (checkpoint of %s): the ledger's chain there is not "
                 "the one that checkpoint signed: its events up to seq %lld were changed, "
                 "removed or added after it was made\n"),
               wh_i(rw, "seq"), wh_when(w, wh_s(rw, "at"), when), wh_i(rw, "seq"));
        if (json_is_object(good))
            printf(_("  it still agrees with the checkpoint of %s (seq %lld): the change is "
                     "after that seq\n"),
                   wh_when(w, wh_s(good, "at"), prev), wh_i(good, "seq"));
    }
    if (json_is_object(cut))
        printf(_("CUT: the ledger ends at seq %lld, the checkpoint of %s has seq %lld: its "
                 "newest events were removed\n"),
               wh_i(rep, "head"), wh_when(w, wh_s(cut, "at"), when), wh_i(cut, "seq"));
    printf(_("  do not trust this ledger: stop aynid, keep a copy of its file for the "
             "investigation, restore it from a backup that passes 'ledger verify "
             "--checkpoints', and find out who could write it (docs/PROOF.md)\n"));
}

int
wh_ledger_against(struct wh *w, const char *label, const struct core_checkpoint *c, json_t **r,
                  bool *ok)
{
    struct s_line line = {*c, 1};
    struct s_file file = {&line, 1, 1};
    json_t *rep = NULL;
    *r = NULL;
    int rc = wh_call(w, "ledger.verify", NULL, r);
    if (!rc)
        rc = s_compare(w, label, &file, wh_i(json_object_get(*r, "head"), "seq"), &rep);
    if (rc) {
        json_decref(*r);
        *r = NULL;
        return rc;
    }
    *ok = json_is_true(json_object_get(*r, "ok")) && json_is_true(json_object_get(rep, "ok"));
    json_object_set_new(*r, "checkpoints", rep);
    return WH_OK;
}

void
wh_ledger_print(struct wh *w, json_t *r)
{
    wh_print_verify(r);
    s_print_report(w, json_object_get(r, "checkpoints"));
}

int
wh_run_verify(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    const char *path = json_string_value(json_object_get(args, "checkpoints"));
    struct s_file file = {0};
    json_t *r = NULL, *rep = NULL;
    int rc = path ? s_read(path, &file) : WH_OK;
    if (!rc && path)
        rc = s_check_signatures(w, path, &file);
    if (!rc)
        rc = wh_call(w, "ledger.verify", NULL, &r);
    if (!rc && path)
        rc = s_compare(w, path, &file, wh_i(json_object_get(r, "head"), "seq"), &rep);
    if (rc)
        goto out;
    bool ok = json_is_true(json_object_get(r, "ok")) &&
              (!rep || json_is_true(json_object_get(rep, "ok")));
    if (w->json) {
        if (rep)
            json_object_set(r, "checkpoints", rep);
        wh_print_json(r);
    } else {
        wh_print_verify(r);
        if (rep)
            s_print_report(w, rep);
    }
    rc = ok ? WH_OK : WH_REFUSED;
out:
    json_decref(rep);
    json_decref(r);
    free(file.v);
    json_decref(args);
    return rc;
}
