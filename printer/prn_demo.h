/* prn_demo.h: realistic Peruvian demo content for every printer document.
 *
 * For prn-sample, the printer's tests and anyone who wants to see a document
 * without running the core.  Content is deterministic: the same call gives the
 * same data.  Tokens look like the core's (upper-case Base32, "AY1" and 175 more
 * characters) but are not signed: no scanner will accept them.
 */
#ifndef AYNI_PRN_DEMO_H
#define AYNI_PRN_DEMO_H

#include <stddef.h>

#include "printer.h"

/* Owns everything the calls below return. */
struct prn_demo;

struct prn_demo *prn_demo_new(void);
/* Free self and all it returned; sets *self_p to NULL.  Does nothing if it is NULL. */
void prn_demo_destroy(struct prn_demo **self_p);

/* A 178-character token for shipment code and package (0: the whole shipment). */
const char *prn_demo_token(struct prn_demo *self, const char *code, int package);

/* A shipment from ALM-LIMA-SJL to Comunidad Santa Rosa (Huánuco) with nlines lines
 * (line 3 is tablets with serials, line 5 laptops) and npackages packages. */
struct prn_slip *prn_demo_slip(struct prn_demo *self, size_t nlines, size_t npackages);

/* CARE Perú's report for the first quarter of 2025 with ndeliveries deliveries over
 * some forty communities in ten regions. */
struct prn_donor_report *prn_demo_donor_report(struct prn_demo *self, size_t ndeliveries);

/* ALM-PTO-MALDONADO's movements in March 2025, lots of nitems items. */
struct prn_stock_report *prn_demo_stock_report(struct prn_demo *self, size_t nitems);

#endif
