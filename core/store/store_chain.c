/* store_chain.c: signed checkpoints of the event hash chain (docs/PROOF.md).
 *
 * A checkpoint signs the head the chain had when it was made; its own event, written in
 * the same transaction, is the next link, so the chain covers the checkpoint too.  The
 * store signs with the key it is given and never keeps it.  Must not make a checkpoint
 * of a chain that has not moved since the last one.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "checkpoint.h"
#include "store_int.h"

int
core_chain_pending(core_store_t *s, int64_t *n)
{
    core__clear_error(s);
    int64_t head, last;
    char hash[65];
    int rc = core_events_head(s, &head, hash);
    if (rc == 0)
        rc = core__scalar(s, &last, ST_CKPT_LAST, "");
    if (rc == 0)
        *n = head - last;
    return rc;
}

int
core_chain_checkpoint(core_store_t *s, const unsigned char sk[64], json_t **result)
{
    struct core_checkpoint c = {0};
    int64_t last;
    *result = NULL;
    int rc = core__tx_begin(s);
    if (rc)
        return rc;
    if ((rc = core_events_head(s, &c.seq, c.hash)) ||
        (rc = core__scalar(s, &last, ST_CKPT_LAST, "")))
        return core__tx_end(s, rc);
    if (c.seq == 0 || c.seq == last) /* nothing happened since the last one */
        return core__tx_end(s, 0);
    core__now_iso(s, c.at);
    if (core_checkpoint_sign(&c, sk) != 0)
        return core__tx_end(s, core__fail(s, AYNI_ECORRUPT, NULL,
                                          "the head of the event chain (seq %lld) has a "
                                          "malformed hash: run ledger verify",
                                          (long long)c.seq));
    json_t *res = core_checkpoint_to_json(&c);
    rc = core__run(s, ST_CKPT_INSERT, "IttttI", c.seq, c.hash, c.at,
                   json_string_value(json_object_get(res, "key_id")),
                   json_string_value(json_object_get(res, "signature")), c.seq + 1);
    if (rc == 0)
        rc = core__event(s, "ledger.checkpoint", json_pack("{sO}", "checkpoint", res));
    return core__finish(s, rc, res, result);
}

static json_t *
s_row(sqlite3_stmt *st)
{
    return json_pack("{sI s:o s:o s:o s:o}", "seq", (json_int_t)sqlite3_column_int64(st, 0),
                     "hash", core__jstr(st, 1), "at", core__jstr(st, 2), "key_id",
                     core__jstr(st, 3), "signature", core__jstr(st, 4));
}

int
core_chain_checkpoints(core_store_t *s, int64_t since, int limit, json_t **result)
{
    core__clear_error(s);
    if (limit < 1 || limit > 10000)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "limit"),
                          "limit must be between 1 and 10000");
    if (since < 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "since"),
                          "since must be a seq number, 0 or more");
    return core__rows(s, core__query(s, ST_CKPT_LIST, "Ii", since, limit), s_row, result);
}
