/* gen_ship.c: ayni-bench-gen's shipments: packed (1 to 3 lines, first-expiry-first-out
 * or named serials), dispatched, and later confirmed package by package (or all at
 * once from the slip's QR) by the region's team, a few with a shortfall.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "mem.h"

struct s_line {
    int item;
    long qty;
    int packages;
};

/* 1 to 3 lines of different items, each as a shipment of that item is packed. */
static int
s_plan(struct gen *g, int exact_packages, struct s_line lines[3])
{
    static const int nweights[] = {50, 35, 15};
    int weights[GEN_ITEMS], n = 1 + (int)gen_pick(g, nweights, 3);
    if (exact_packages && n > exact_packages)
        n = exact_packages;
    for (int i = 0; i < GEN_ITEMS; i++)
        weights[i] = gen_items[i].weight;
    for (int k = 0; k < n; k++) {
        int item = (int)gen_pick(g, weights, GEN_ITEMS);
        const struct gen_item *it = &gen_items[item];
        weights[item] = 0; /* one line per item */
        lines[k].item = item;
        lines[k].qty = gen_range(g, it->line_min, it->line_max);
        lines[k].packages = (int)((lines[k].qty + it->per_package - 1) / it->per_package);
    }
    if (exact_packages) { /* one package each, the rest spread at random */
        for (int k = 0; k < n; k++)
            lines[k].packages = 1;
        for (int left = exact_packages - n; left > 0; left--)
            lines[gen_rand(g, (uint64_t)n)].packages++;
        for (int k = 0; k < n; k++) {
            long per = gen_range(g, 1, gen_items[lines[k].item].per_package);
            lines[k].qty = lines[k].packages * per;
        }
    }
    return n;
}

/* Add one line: stock made sure of first, serials named, the mirror updated. */
static void
s_add_line(struct gen *g, const char *code, int wh, const struct s_line *l)
{
    const struct gen_item *it = &gen_items[l->item];
    gen_stock_ensure(g, wh, l->item, l->qty);
    char **serials = it->serial ? gen_stock_take_serials(g, wh, l->item, (size_t)l->qty) : NULL;
    struct core_take take = {it->code, NULL, l->qty, (const char *const *)serials,
                             it->serial ? (size_t)l->qty : 0};
    json_t *r = NULL;
    int rc = core_shipment_add_line(g->store, code, &take, l->packages, &r);
    if (rc)
        gen_die_store(g, rc, "add a shipment line");
    g->movements += it->serial ? l->qty : (long)json_array_size(json_object_get(r, "lots"));
    json_decref(r);
    if (!it->serial)
        gen_stock_take(g, wh, l->item, l->qty);
    gen_serials_free(serials, it->serial ? (size_t)l->qty : 0);
    gen_tick(g);
}

struct gen_ship *
gen_ship_dispatch(struct gen *g, int exact_packages)
{
    int wh;
    const struct gen_place *to = gen_world_community(g, &wh);
    struct s_line lines[3];
    int n = s_plan(g, exact_packages, lines);
    char plate[16];
    struct gen_ship *sh = xcalloc(1, sizeof *sh);
    gen_world_team(g, to, sh->team, sh->device);
    gen_world_plate(g, plate);
    json_t *r = NULL;
    int rc = core_shipment_create(
        g->store,
        &(struct core_shipment_new){gen_warehouse_codes[wh], to->code, sh->team, plate}, &r);
    if (rc)
        gen_die_store(g, rc, "create a shipment");
    snprintf(sh->code, sizeof sh->code, "%s", json_string_value(json_object_get(r, "code")));
    snprintf(sh->dest, sizeof sh->dest, "%s", to->code);
    json_decref(r);
    gen_tick(g);
    for (int k = 0; k < n; k++)
        s_add_line(g, sh->code, wh, &lines[k]);
    if ((rc = core_shipment_dispatch(g->store, sh->code, &r)))
        gen_die_store(g, rc, "dispatch a shipment");
    json_t *packages = json_object_get(r, "packages"), *p;
    size_t i;
    sh->npackages = (int)json_array_size(packages);
    sh->line = xcalloc((size_t)sh->npackages, sizeof *sh->line);
    sh->qty = xcalloc((size_t)sh->npackages, sizeof *sh->qty);
    sh->serial = xcalloc((size_t)sh->npackages, sizeof *sh->serial);
    json_array_foreach(packages, i, p) {
        sh->line[i] = (int)json_integer_value(json_object_get(p, "line"));
        sh->qty[i] = (long)json_integer_value(json_object_get(p, "qty"));
        sh->serial[i] = gen_items[lines[sh->line[i] - 1].item].serial;
    }
    json_decref(r);
    g->shipments++;
    gen_tick(g);
    return sh;
}

void
gen_ship_free(struct gen_ship **sh_p)
{
    if (!sh_p || !*sh_p)
        return;
    free((*sh_p)->line);
    free((*sh_p)->qty);
    free((*sh_p)->serial);
    free(*sh_p);
    *sh_p = NULL;
}

/* The movements one package's confirmation writes: a lot slice is usually one lot. */
static long
s_package_moves(const struct gen_ship *sh, int k, bool short_)
{
    return sh->serial[k] ? sh->qty[k] : 1 + short_;
}

static void
s_confirm(struct gen *g, const struct gen_ship *sh, int package, const struct core_delivery_line *l)
{
    char scan_id[64], device_time[32];
    time_t t = g->now - gen_range(g, 60, 5400) - 5 * 3600; /* the tablet's clock: Lima time */
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(device_time, sizeof device_time, "%Y-%m-%dT%H:%M:%S-05:00", &tm);
    snprintf(scan_id, sizeof scan_id, "%s-%08ld", sh->device, g->deliveries + 1);
    bool by_scan = gen_rand(g, 100) < 93; /* else typed in at the warehouse afterwards */
    struct core_delivery d = {.scan_id = scan_id, .shipment = sh->code, .package = package,
                              .device = sh->device, .team = sh->team,
                              .scanned_at = by_scan ? device_time : NULL, .lines = l,
                              .nlines = l ? 1 : 0};
    json_t *r = NULL;
    int rc = core_delivery_confirm(g->store, &d, &r);
    if (rc)
        gen_die_store(g, rc, "confirm a delivery");
    json_decref(r);
    g->deliveries++;
    gen_tick(g);
}

void
gen_ship_deliver(struct gen *g, const struct gen_ship *sh)
{
    static const char *const reasons[] = {"damaged", "missing", "expired", "refused"};
    static const int reason_weights[] = {50, 30, 8, 12};
    if (sh->whole) { /* the team scanned the slip's QR: every package at once */
        s_confirm(g, sh, 0, NULL);
        for (int k = 0; k < sh->npackages; k++)
            g->movements += s_package_moves(sh, k, false);
        return;
    }
    for (int k = 0; k < sh->npackages; k++) {
        struct core_delivery_line l = {sh->line[k], sh->qty[k], NULL};
        bool short_ = gen_rand(g, 1000) < 35;
        if (short_) {
            l.received = sh->qty[k] - gen_range(g, 1, sh->qty[k] < 3 ? sh->qty[k] : 3);
            l.reason = reasons[gen_pick(g, reason_weights, 4)];
            g->shortfalls++;
        }
        s_confirm(g, sh, k + 1, short_ ? &l : NULL);
        g->movements += s_package_moves(sh, k, short_);
    }
}
