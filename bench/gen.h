/* gen.h: what the parts of ayni-bench-gen share: the generator's state, the Peruvian
 * catalog it loads, and the stock it keeps track of so that every action it asks of the
 * store succeeds.  Benchmark-only code: nothing in core/ or the clients includes it.
 */
#ifndef AYNI_BENCH_GEN_H
#define AYNI_BENCH_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"

#define GEN_ITEMS 5
#define GEN_WAREHOUSES 4
#define GEN_WH_LIMA 3 /* warehouses 0..2 are in Lima; 3 is Puerto Maldonado */

struct gen_item {
    const char *code, *name_es, *name_en, *unit;
    bool serial, perishable;
    long low;
    const char *lot_tag; /* in lot codes: "HIG" */
    int weight;          /* share of shipment lines */
    long line_min, line_max, per_package; /* a shipment line's size and packing */
};

struct gen_place {
    char code[41];
    char name[120];
    const char *region, *district;
    int region_no; /* index in the region table */
};

/* Serial numbers held at one warehouse, oldest first (a ring). */
struct gen_serials {
    uint32_t *v;
    size_t head, n, cap;
};

struct gen {
    core_store_t *store;
    sqlite3 *reader; /* read-only: counts committed movements */
    sqlite3_stmt *count_moves;
    unsigned char pk[32], sk[64];
    uint64_t rng;
    time_t t0, t1, now; /* the clock runs from t0 to t1 over the history */
    long mov_target, del_target;
    long movements, deliveries, planned; /* planned: deliveries plus those in transit */
    long actions, shipments, receipts, transfers, adjustments, shortfalls;
    long group; /* actions in the open transaction */
    struct gen_place *communities;
    size_t ncommunities;
    long stock[GEN_WAREHOUSES][GEN_ITEMS];              /* lot items: units on hand */
    struct gen_serials serials[GEN_WAREHOUSES][GEN_ITEMS]; /* serial items */
    uint32_t next_serial[GEN_ITEMS];
    long next_lot;
};

extern const struct gen_item gen_items[GEN_ITEMS];
extern const char *const gen_warehouse_codes[GEN_WAREHOUSES];

/* A dispatched shipment, kept until its team confirms it. */
struct gen_ship {
    char code[41], dest[41], team[64], device[32];
    int npackages;
    int *line;    /* per package: its line number */
    long *qty;    /* per package: units in it */
    bool *serial; /* per package: of a serial-tracked item */
    bool whole;   /* confirmed in one scan of the slip, not package by package */
};

/* ---- gen.c ---- */
/* Print "ayni-bench-gen: <what>: <store message>" and exit 1. */
void gen_die_store(struct gen *g, int rc, const char *what) __attribute__((noreturn));
/* Count one store action: commit and begin again every few thousand. */
void gen_tick(struct gen *g);
/* Uniform in [0, n). */
uint64_t gen_rand(struct gen *g, uint64_t n);
/* Uniform in [lo, hi]. */
long gen_range(struct gen *g, long lo, long hi);
/* An index into weights[0..n-1], chosen with those weights. */
size_t gen_pick(struct gen *g, const int *weights, size_t n);

/* ---- gen_world.c ---- */
/* Items, warehouses, communities (the demo's and more in the same regions), donors. */
void gen_world_load(struct gen *g);
void gen_world_free(struct gen *g);
/* A community, and the warehouse that serves it. */
const struct gen_place *gen_world_community(struct gen *g, int *warehouse);
/* The delivery team of a region (name) and one of its devices. */
void gen_world_team(struct gen *g, const struct gen_place *c, char team[64], char device[32]);
/* The donor of a new lot of item: a donor code, chosen with that item's weights. */
const char *gen_world_donor(struct gen *g, int item);
/* A plausible vehicle plate. */
void gen_world_plate(struct gen *g, char out[16]);

/* ---- gen_ship.c ---- */
/* Pack and dispatch a shipment from the warehouse that serves a random community:
 * exact_packages packages in all if not 0, else as its lines need. */
struct gen_ship *gen_ship_dispatch(struct gen *g, int exact_packages);
/* Confirm every package (or the whole shipment at once), a few short. */
void gen_ship_deliver(struct gen *g, const struct gen_ship *sh);
void gen_ship_free(struct gen_ship **sh_p);

/* ---- gen_stock.c ---- */
/* Make sure warehouse wh has at least qty of item on hand, receiving a donation if not. */
void gen_stock_ensure(struct gen *g, int wh, int item, long qty);
/* A donation arriving at wh (a new lot, or new serial units). */
void gen_stock_receive(struct gen *g, int wh, int item, long at_least);
/* What wh holds of item (units). */
long gen_stock_on_hand(const struct gen *g, int wh, int item);
/* Take n serials from wh (oldest first) into out[] as text: the caller frees with
 * gen_serials_free.  The store is not told: the caller moves them. */
char **gen_stock_take_serials(struct gen *g, int wh, int item, size_t n);
void gen_serials_free(char **v, size_t n);
/* Put serials (as taken) back at wh, e.g. after a transfer there. */
void gen_stock_put_serials(struct gen *g, int wh, int item, char **v, size_t n);
/* Lot items: count qty out of (or into) wh. */
void gen_stock_take(struct gen *g, int wh, int item, long qty);
void gen_stock_put(struct gen *g, int wh, int item, long qty);
void gen_stock_free(struct gen *g);

#endif
