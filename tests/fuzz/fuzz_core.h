/* fuzz_core.h: a core (struct api) on an in-memory store with a small catalog and two
 * shipments, for the fuzz targets that need one.  Fuzz-only code: a setup failure is a
 * broken fixture, so it aborts with a message rather than returning an error.
 *
 * The signing key is made from a fixed seed (FUZZ_SIGNING_SEED) and the store's clock is
 * fixed, so the tokens and shipment codes below are the same in every run and the seed
 * corpora can hold genuine tokens.
 */
#ifndef AYNI_FUZZ_CORE_H
#define AYNI_FUZZ_CORE_H

#include <stddef.h>

#include <jansson.h>

#include "api.h"
#include "fuzz_seed.h"

/* What the fixture holds:
 *   locations ALM-LIMA (warehouse), ALM-CUSCO (warehouse), COM-SANTA-ROSA (community,
 *             Huánuco), COM-82015 (community);  donors CARE-PE, AECID;
 *   items     HYGIENE-KIT (lot, low 10), FOOD-KIT (lot, perishable), TABLET (serial);
 *   stock     at ALM-LIMA: HYGIENE-KIT L-1 100, FOOD-KIT F-1 (2027-06-30) 50,
 *             TABLET TAB-0001..TAB-0004;
 *   shipments ENV-2026-000001 ALM-LIMA -> COM-SANTA-ROSA, team "Equipo Norte", lines
 *             HYGIENE-KIT 10 in 2 packages and TABLET TAB-0001, dispatched (3 packages);
 *             ENV-2026-000002 ALM-LIMA -> COM-82015, a draft with one line. */
void fuzz_core_open(struct api *a);
void fuzz_core_close(struct api *a);

/* Send one request (JSON text) as an admin and abort unless it succeeds; the result
 * (a new reference) in *result when result is not NULL. */
void fuzz_core_must(struct api *a, const char *request, json_t **result);

#endif
