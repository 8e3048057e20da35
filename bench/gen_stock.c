/* gen_stock.c: ayni-bench-gen's own account of what each warehouse holds, so that it
 * only asks the store for moves that can succeed, and the donations (receipts) that
 * bring stock in when a warehouse runs short.  It mirrors the store; it is never the
 * truth: core_ledger_verify checks the ledger itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "mem.h"

#define S_SERIAL_TEXT 24

static void
s_ring_push(struct gen_serials *r, uint32_t v)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        uint32_t *nv = xmalloc(cap * sizeof *nv);
        for (size_t i = 0; i < r->n; i++)
            nv[i] = r->v[(r->head + i) % r->cap];
        free(r->v);
        r->v = nv;
        r->head = 0;
        r->cap = cap;
    }
    r->v[(r->head + r->n++) % r->cap] = v;
}

static uint32_t
s_ring_pop(struct gen_serials *r)
{
    uint32_t v = r->v[r->head];
    r->head = (r->head + 1) % r->cap;
    r->n--;
    return v;
}

static void
s_serial_text(int item, uint32_t n, char out[S_SERIAL_TEXT])
{
    snprintf(out, S_SERIAL_TEXT, "%s-%07u", gen_items[item].lot_tag, n);
}

long
gen_stock_on_hand(const struct gen *g, int wh, int item)
{
    return gen_items[item].serial ? (long)g->serials[wh][item].n : g->stock[wh][item];
}

void
gen_stock_take(struct gen *g, int wh, int item, long qty)
{
    g->stock[wh][item] -= qty;
}

void
gen_stock_put(struct gen *g, int wh, int item, long qty)
{
    g->stock[wh][item] += qty;
}

char **
gen_stock_take_serials(struct gen *g, int wh, int item, size_t n)
{
    struct gen_serials *r = &g->serials[wh][item];
    char **v = xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n && r->n; i++) {
        v[i] = xmalloc(S_SERIAL_TEXT);
        s_serial_text(item, s_ring_pop(r), v[i]);
    }
    return v;
}

void
gen_stock_put_serials(struct gen *g, int wh, int item, char **v, size_t n)
{
    size_t len = strlen(gen_items[item].lot_tag) + 1;
    for (size_t i = 0; i < n; i++)
        s_ring_push(&g->serials[wh][item], (uint32_t)strtoul(v[i] + len, NULL, 10));
}

void
gen_serials_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* YYYY-MM-DD, days after the clock. */
static void
s_date_after(const struct gen *g, long days, char out[11])
{
    time_t t = g->now + days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void
gen_stock_receive(struct gen *g, int wh, int item, long at_least)
{
    const struct gen_item *it = &gen_items[item];
    const char *donor = gen_world_donor(g, item);
    long qty = it->serial ? gen_range(g, 60, 240) : gen_range(g, 30, 150) * 10;
    if (qty < at_least)
        qty = at_least;
    char lot[65], expiry[11];
    struct tm tm;
    gmtime_r(&g->now, &tm);
    /* as donors label them, short enough for a slip's lot column: CARE-ALI-2611-0042 */
    snprintf(lot, sizeof lot, "%.*s-%s-%02d%02d-%04ld", (int)strcspn(donor, "-"), donor,
             it->lot_tag, tm.tm_year % 100, tm.tm_mon + 1, ++g->next_lot);
    if (it->perishable)
        s_date_after(g, gen_range(g, 540, 800), expiry);
    char **serials = NULL;
    if (it->serial) {
        serials = xcalloc((size_t)qty, sizeof *serials);
        for (long i = 0; i < qty; i++) {
            serials[i] = xmalloc(S_SERIAL_TEXT);
            s_serial_text(item, ++g->next_serial[item], serials[i]);
        }
    }
    struct core_receive rcv = {gen_warehouse_codes[wh], donor, it->code,
                               it->serial ? NULL : lot, it->perishable ? expiry : NULL,
                               it->serial ? 0 : qty, (const char *const *)serials,
                               it->serial ? (size_t)qty : 0, NULL};
    json_t *r = NULL;
    int rc = core_stock_receive(g->store, &rcv, &r);
    if (rc)
        gen_die_store(g, rc, "receive a donation");
    json_decref(r);
    if (it->serial) {
        gen_stock_put_serials(g, wh, item, serials, (size_t)qty);
        gen_serials_free(serials, (size_t)qty);
    } else {
        gen_stock_put(g, wh, item, qty);
    }
    g->receipts++;
    g->movements += it->serial ? qty : 1;
    gen_tick(g);
}

void
gen_stock_ensure(struct gen *g, int wh, int item, long qty)
{
    long have = gen_stock_on_hand(g, wh, item);
    if (have < qty)
        gen_stock_receive(g, wh, item, qty - have);
}

void
gen_stock_free(struct gen *g)
{
    for (int w = 0; w < GEN_WAREHOUSES; w++)
        for (int i = 0; i < GEN_ITEMS; i++) {
            free(g->serials[w][i].v);
            g->serials[w][i] = (struct gen_serials){0};
        }
}
