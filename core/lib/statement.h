/* statement.h: the signed statement a donor report carries in its QR code.
 *
 * What a donor's goods did in a period, as aynid found it in its ledger: totals per item,
 * a digest of the totals per community, the number of deliveries and of those confirmed
 * by a package scan, and the signed checkpoint of the event chain it was drawn at, signed
 * with Ed25519 by the core's key, so that anyone holding the public key can check a
 * printed report offline.  The text form (one spelling only) is specified in
 * docs/PROOF.md; web/app/statement.js reads it too.  Pure functions, no I/O.
 */
#ifndef AYNI_STATEMENT_H
#define AYNI_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CORE_STATEMENT_VERSION "AYNI-R1"
#define CORE_STATEMENT_CODE_MAX 40   /* donor and item codes: [A-Z0-9._-]{1,40} */
#define CORE_STATEMENT_ITEMS_MAX 64  /* items listed; more would not fit a QR code */
#define CORE_STATEMENT_TEXT_MAX 4096 /* longest statement (with its signature) read */
#define CORE_STATEMENT_FPR_LEN 16    /* the key fingerprint: BLAKE2b-256(pk), first 16 bytes */

struct core_statement_item {
    char code[CORE_STATEMENT_CODE_MAX + 1];
    int64_t qty; /* 1 or more */
};

struct core_statement {
    char donor[CORE_STATEMENT_CODE_MAX + 1];
    char from[11], to[11];  /* YYYY-MM-DD, from <= to */
    size_t n_items;         /* items sorted by code, each once */
    struct core_statement_item items[CORE_STATEMENT_ITEMS_MAX];
    int64_t communities;    /* communities that received goods */
    unsigned char community_digest[32]; /* BLAKE2b-256 of the per-community listing */
    int64_t deliveries;     /* deliveries (scans) in the period */
    int64_t scanned;        /* of them, confirmed by scanning a package label */
    int64_t checkpoint_seq; /* the signed checkpoint it was drawn at (0: empty ledger) */
    char checkpoint_hash[65];
    unsigned char fingerprint[CORE_STATEMENT_FPR_LEN]; /* of the signing key */
};

enum core_statement_verdict {
    CORE_STATEMENT_GENUINE = 0, /* signed by the key given, unchanged */
    CORE_STATEMENT_ALTERED,     /* names that key's fingerprint but the signature fails */
    CORE_STATEMENT_FOREIGN,     /* names another key's fingerprint */
    CORE_STATEMENT_MALFORMED    /* not a signed statement in the one spelling allowed */
};

/* pk's fingerprint: the first 16 bytes of BLAKE2b-256(pk) (its first 4 are the key id
 * tokens carry, core_token_key_id). */
void core_statement_fingerprint(const unsigned char pk[32],
                                unsigned char out[CORE_STATEMENT_FPR_LEN]);

/* The statement's canonical text (no signature), a new string the caller frees; NULL if a
 * field is out of its form (st must come from core_statement_from_report or a parse). */
char *core_statement_text(const struct core_statement *st);

/* Sign st with sk (libsodium's 64 bytes): fills st's fingerprint, and returns the text a
 * QR code holds, the statement and "~sig*" and the signature in unpadded base64url (new,
 * the caller's), or NULL if st is out of its form. */
char *core_statement_sign(struct core_statement *st, const unsigned char sk[64]);

/* Read a signed statement's text (text[0..len-1], one trailing LF or CR LF allowed) into
 * out and its signature into sig; out->... is UNTRUSTED until verified.  0, or
 * AYNI_EINVAL with what is wrong in err (if not NULL). */
int core_statement_parse(const char *text, size_t len, struct core_statement *out,
                         unsigned char sig[64], char *err, size_t errlen);

/* Parse and check text against pk.  out (may be NULL) gets the fields (untrusted unless
 * GENUINE); err the reason of a MALFORMED one. */
enum core_statement_verdict core_statement_verify(const char *text, size_t len,
                                                  const unsigned char pk[32],
                                                  struct core_statement *out, char *err,
                                                  size_t errlen);

/* A short message for v in this thread's language.  Static storage. */
const char *core_statement_verdict_message(enum core_statement_verdict v);

/* BLAKE2b-256 of the per-community listing of report.donor's "deliveries" rows (the lines
 * "COMMUNITY ITEM QTY\n", one per community and item with the quantities summed, sorted
 * by community code then item code, bytewise), and the number of communities. */
void core_statement_community_digest(json_t *deliveries, unsigned char digest[32],
                                     int64_t *communities);

/* Fill st from a report.donor result (donor, period, totals.by_item, deliveries) and the
 * checkpoint it was drawn at (core_checkpoint_to_json's object, or NULL for none).
 * The fingerprint is left zero (core_statement_sign fills it).  0, or AYNI_EINVAL if the
 * report does not fit a statement (more than CORE_STATEMENT_ITEMS_MAX items, a code out
 * of its form). */
int core_statement_from_report(json_t *report, json_t *checkpoint, struct core_statement *st);

/* Whether a and b state the same figures: donor, period, items, communities and their
 * digest, deliveries and scanned (not the checkpoint, nor the key). */
bool core_statement_same_figures(const struct core_statement *a, const struct core_statement *b);

/* st as JSON for a reply or a tool: {"donor","from","to","items":[{"item","qty"}],
 * "communities","community_digest","deliveries","scanned","checkpoint":{"seq","hash"},
 * "key_fingerprint"}, a new reference. */
json_t *core_statement_to_json(const struct core_statement *st);

#endif
