/* zap.h: aynid's ZAP handler (ZeroMQ's authentication protocol, RFC 27): a client's
 * CURVE public key is admitted only if it belongs to a registered, enabled device, and
 * to the event stream only if that device's role may read events. */
#ifndef AYNI_ZAP_H
#define AYNI_ZAP_H

#include "store.h"

#define CORE_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define CORE_ZAP_DOMAIN_API "api"
#define CORE_ZAP_DOMAIN_EVENTS "events"

/* Read one ZAP request from sock (a REP socket bound to CORE_ZAP_ENDPOINT) and answer
 * it.  On refusal, *refused (if not NULL) names why, for the log; never the key. */
void core_zap_answer(void *sock, core_store_t *store, char *refused, size_t len);

#endif
