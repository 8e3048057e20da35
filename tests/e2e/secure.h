/* secure.h: end-to-end fixture for a secure aynid: the first admin made with
 * --init-admin, the core started with CURVE, and calls made as one registered device or
 * another.  Test-only code, on top of harness.h. */
#ifndef AYNI_E2E_SECURE_H
#define AYNI_E2E_SECURE_H

#include <stddef.h>

#include <jansson.h>

#include "harness.h"
#include "proto.h"
#include "provision.h"

struct e2e_secure {
    struct e2e *e;                /* started secure */
    struct proto_provision admin; /* the first admin, from --init-admin */
    char *admin_file;             /* its provisioning file (mode 0600) */
    char msg[512];                /* for the tests: the latest failure's message */
};

/* cmocka fixtures: *state becomes a started secure core (struct e2e_secure); the
 * teardown kills aynid if it still runs and destroys everything. */
int e2e_secure_setup(void **state);
int e2e_secure_teardown(void **state);
/* A cmocka test run on a fresh secure core. */
#define E2E_SECURE_TEST(t) cmocka_unit_test_setup_teardown(t, e2e_secure_setup, e2e_secure_teardown)

/* The CURVE keys of a device's provisioning file. */
struct proto_curve e2e_curve(const struct proto_provision *p);
/* Call op as the device of curve (NULL: no key at all), args stolen; the error code, 0
 * on success with *result (if result is not NULL; else it is dropped).  The failure's
 * message goes to msg (if not NULL). */
int e2e_call_as(struct e2e_secure *s, const struct proto_curve *curve, const char *op,
                json_t *args, json_t **result, char *msg, size_t msglen);
/* A new device with role (and team, if not NULL), its key pair made here and registered
 * by the admin; fails the test if the core refuses. */
struct proto_provision e2e_device(struct e2e_secure *s, const char *name, const char *role,
                                  const char *team);

#endif
