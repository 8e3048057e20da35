/* storefix.h: a store on a fresh temporary database, with a small Peruvian catalog,
 * for the store's unit tests. */
#ifndef AYNI_STOREFIX_H
#define AYNI_STOREFIX_H

#include "store.h"

struct storefix {
    char *dir;
    char *path;
    core_store_t *store;
};

/* cmocka setup/teardown: *state becomes a struct storefix with the catalog loaded:
 * warehouses ALM-LIMA-SJL, ALM-PTO-MALDONADO; communities COM-SANTA-ROSA (Huánuco),
 * COM-CAJAMARCA-82015; donors CARE-PE, AECID; items HYGIENE-KIT (lot, low 10),
 * FOOD-KIT (lot, perishable), TABLET (serial).  The clock is fixed at 2026-11-22 12:00 UTC. */
int sf_setup(void **state);
int sf_teardown(void **state);
/* The same, with an empty catalog. */
int sf_setup_empty(void **state);

/* Receive qty of a lot (expiry may be NULL) and assert it worked. */
void sf_receive(core_store_t *s, const char *at, const char *donor, const char *item,
                const char *lot, const char *expiry, long qty);
/* Receive serial units "PREFIX-0001".. and assert it worked. */
void sf_receive_serials(core_store_t *s, const char *at, const char *item, const char *prefix,
                        int n);
/* Quantity of item (and lot, if not NULL) at a location, from stock.levels. */
long sf_qty(core_store_t *s, const char *at, const char *item, const char *lot);
/* Assert that ledger verify finds no problem. */
void sf_verify_ok(core_store_t *s);
/* Number of events in the outbox. */
long sf_events(core_store_t *s);
/* A new shipment ALM-LIMA-SJL -> to, returning its code (caller frees). */
char *sf_shipment(core_store_t *s, const char *to);

#endif
