/* prn_report_check.c: the checks a donor report's and a stock report's data pass
 * before anything is drawn: required fields, UTF-8, dates inside the period,
 * quantities that add up, a chain head that is a real hash.
 */
#include "prn_int.h"

#include <stdio.h>
#include <string.h>

static void
s_period(struct prn_check *c, const char *from, const char *to)
{
    prn__check_date(c, from, true, "from");
    prn__check_date(c, to, true, "to");
    if (!c->rc && strcmp(from, to) > 0)
        prn__check_fail(c, "'from' (%s) is after 'to' (%s)", from, to);
}

/* A date that must fall inside the period. */
static void
s_in_period(struct prn_check *c, const char *date, const char *from, const char *to,
            const char *what, size_t i)
{
    prn__check_date(c, date, true, "%s[%zu].date", what, i);
    if (!c->rc && (strcmp(date, from) < 0 || strcmp(date, to) > 0))
        prn__check_fail(c, "'%s[%zu].date' (%s) is outside the period %s to %s", what, i, date,
                        from, to);
}

static void
s_delivery(struct prn_check *c, const struct prn_donor_report *r, size_t i)
{
    const struct prn_delivery *v = &r->deliveries[i];
    char place[48];
    s_in_period(c, v->date, r->from, r->to, "deliveries", i);
    prn__check_name(c, v->shipment, true, "deliveries[%zu].shipment", i);
    snprintf(place, sizeof place, "deliveries[%zu].community", i);
    prn__check_place(c, &v->community, true, place);
    prn__check_name(c, v->item_code, true, "deliveries[%zu].item_code", i);
    prn__check_str(c, v->item_name_es, true, "deliveries[%zu].item_name_es", i);
    prn__check_name(c, v->unit, false, "deliveries[%zu].unit", i);
    prn__check_min(c, v->qty, 0, "deliveries[%zu].qty", i);
    prn__check_name(c, v->team, false, "deliveries[%zu].team", i);
}

static void
s_discrepancy(struct prn_check *c, const struct prn_donor_report *r, size_t i)
{
    const struct prn_discrepancy *v = &r->discrepancies[i];
    s_in_period(c, v->date, r->from, r->to, "discrepancies", i);
    prn__check_name(c, v->shipment, true, "discrepancies[%zu].shipment", i);
    prn__check_name(c, v->community, true, "discrepancies[%zu].community", i);
    prn__check_name(c, v->item_code, true, "discrepancies[%zu].item_code", i);
    prn__check_str(c, v->item_name_es, true, "discrepancies[%zu].item_name_es", i);
    prn__check_min(c, v->sent, 1, "discrepancies[%zu].sent", i);
    prn__check_min(c, v->received, 0, "discrepancies[%zu].received", i);
    if (!c->rc && v->received >= v->sent)
        prn__check_fail(c, "'discrepancies[%zu].received' (%ld) is not less than 'sent' (%ld)",
                        i, v->received, v->sent);
    prn__check_reason(c, v->reason, "discrepancies[%zu].reason", i);
    prn__check_str(c, v->note, false, "discrepancies[%zu].note", i);
}

static void
s_held(struct prn_check *c, const struct prn_held_stock *v, size_t i)
{
    prn__check_name(c, v->item_code, true, "held[%zu].item_code", i);
    prn__check_str(c, v->item_name_es, true, "held[%zu].item_name_es", i);
    prn__check_name(c, v->lot, false, "held[%zu].lot", i);
    prn__check_date(c, v->expiry, false, "held[%zu].expiry", i);
    prn__check_name(c, v->warehouse, true, "held[%zu].warehouse", i);
    prn__check_min(c, v->qty, 0, "held[%zu].qty", i);
}

static void
s_chain(struct prn_check *c, const char *head, int64_t seq)
{
    if (prn__check_str(c, head, true, "chain_head"))
        return;
    size_t n = strlen(head), hex = strspn(head, "0123456789abcdefABCDEF");
    if (n != 64 || hex != 64)
        prn__check_fail(c, "'chain_head' is not 64 hexadecimal digits");
    if (!c->rc && seq < 1)
        prn__check_fail(c, "'chain_seq' is %lld; it must be at least 1", (long long)seq);
}

/* An array of n records must not be NULL unless n is 0. */
static bool
s_array(struct prn_check *c, const void *v, size_t n, const char *name)
{
    if (n && !v)
        prn__check_fail(c, "missing '%s' (%zu records)", name, n);
    return !c->rc;
}

static void
s_proof(struct prn_check *c, const struct prn_proof *p)
{
    if (!p)
        return;
    prn__check_str(c, p->qr_text, true, "proof.qr_text");
    if (!c->rc && strncmp(p->qr_text, "AYNI-R1~", 8))
        prn__check_fail(c, "'proof.qr_text' is not a signed statement (AYNI-R1~...)");
    prn__check_name(c, p->donor_code, true, "proof.donor_code");
    prn__check_str(c, p->fingerprint, true, "proof.fingerprint");
    prn__check_str(c, p->checkpoint_hash, true, "proof.checkpoint_hash");
    prn__check_str(c, p->key_url, false, "proof.key_url");
    if (!c->rc && (strlen(p->fingerprint) != 32 || strlen(p->checkpoint_hash) != 64))
        prn__check_fail(c, "'proof.fingerprint' must be 32 hex digits and "
                           "'proof.checkpoint_hash' 64");
    if (s_array(c, p->items, p->nitems, "proof.items"))
        for (size_t i = 0; i < p->nitems && !c->rc; i++) {
            prn__check_name(c, p->items[i].code, true, "proof.items[%zu].code", i);
            prn__check_min(c, p->items[i].qty, 1, "proof.items[%zu].qty", i);
        }
    if (s_array(c, p->annex, p->nannex, "proof.annex"))
        for (size_t i = 0; i < p->nannex && !c->rc; i++) {
            const struct prn_annex_row *a = &p->annex[i];
            prn__check_name(c, a->shipment, true, "proof.annex[%zu].shipment", i);
            prn__check_min(c, a->package, 0, "proof.annex[%zu].package", i);
            prn__check_name(c, a->community, true, "proof.annex[%zu].community", i);
            prn__check_name(c, a->when, true, "proof.annex[%zu].when", i);
            prn__check_name(c, a->team, false, "proof.annex[%zu].team", i);
            prn__check_name(c, a->device, true, "proof.annex[%zu].device", i);
        }
    prn__check_min(c, p->deliveries, 0, "proof.deliveries");
    prn__check_min(c, p->scanned, 0, "proof.scanned");
    prn__check_min(c, p->communities, 0, "proof.communities");
}

int
prn__check_donor(const struct prn_donor_report *r, char *err, size_t errlen)
{
    struct prn_check c = {err, errlen, 0};
    if (!r)
        return prn__check_fail(&c, "missing report");
    prn__check_name(&c, r->donor, true, "donor");
    prn__check_name(&c, r->org_name, true, "org_name");
    s_period(&c, r->from, r->to);
    if (s_array(&c, r->deliveries, r->ndeliveries, "deliveries"))
        for (size_t i = 0; i < r->ndeliveries && !c.rc; i++)
            s_delivery(&c, r, i);
    if (s_array(&c, r->discrepancies, r->ndiscrepancies, "discrepancies"))
        for (size_t i = 0; i < r->ndiscrepancies && !c.rc; i++)
            s_discrepancy(&c, r, i);
    if (s_array(&c, r->held, r->nheld, "held"))
        for (size_t i = 0; i < r->nheld && !c.rc; i++)
            s_held(&c, &r->held[i], i);
    s_chain(&c, r->chain_head, r->chain_seq);
    s_proof(&c, r->proof);
    return c.rc;
}

static void
s_stock_row(struct prn_check *c, const struct prn_stock_row *v, size_t i)
{
    prn__check_name(c, v->item_code, true, "rows[%zu].item_code", i);
    prn__check_str(c, v->item_name_es, true, "rows[%zu].item_name_es", i);
    prn__check_str(c, v->item_name_en, false, "rows[%zu].item_name_en", i);
    prn__check_name(c, v->unit, false, "rows[%zu].unit", i);
    prn__check_name(c, v->lot, false, "rows[%zu].lot", i);
    prn__check_date(c, v->expiry, false, "rows[%zu].expiry", i);
    prn__check_name(c, v->donor, true, "rows[%zu].donor", i);
    prn__check_min(c, v->opening, 0, "rows[%zu].opening", i);
    prn__check_min(c, v->in, 0, "rows[%zu].in", i);
    prn__check_min(c, v->out, 0, "rows[%zu].out", i);
    prn__check_min(c, v->lost, 0, "rows[%zu].lost", i);
    prn__check_min(c, v->closing, 0, "rows[%zu].closing", i);
    if (!c->rc && v->opening + v->in - v->out - v->lost != v->closing)
        prn__check_fail(c,
                        "'rows[%zu].closing' is %ld but opening %ld + in %ld - out %ld - lost %ld "
                        "is %ld",
                        i, v->closing, v->opening, v->in, v->out, v->lost,
                        v->opening + v->in - v->out - v->lost);
    if (!s_array(c, v->losses, v->nlosses, "losses"))
        return;
    long sum = 0;
    for (size_t k = 0; k < v->nlosses && !c->rc; k++) {
        prn__check_reason(c, v->losses[k].reason, "rows[%zu].losses[%zu].reason", i, k);
        prn__check_min(c, v->losses[k].qty, 1, "rows[%zu].losses[%zu].qty", i, k);
        sum += v->losses[k].qty;
    }
    if (!c->rc && v->nlosses && sum != v->lost)
        prn__check_fail(c, "'rows[%zu].losses' add up to %ld but 'lost' is %ld", i, sum,
                        v->lost);
}

int
prn__check_stock(const struct prn_stock_report *r, char *err, size_t errlen)
{
    struct prn_check c = {err, errlen, 0};
    if (!r)
        return prn__check_fail(&c, "missing report");
    prn__check_place(&c, &r->warehouse, false, "warehouse");
    prn__check_name(&c, r->org_name, true, "org_name");
    s_period(&c, r->from, r->to);
    if (s_array(&c, r->rows, r->nrows, "rows"))
        for (size_t i = 0; i < r->nrows && !c.rc; i++)
            s_stock_row(&c, &r->rows[i], i);
    return c.rc;
}
