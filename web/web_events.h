/* web_events.h: ayni-web's event stream (docs/WEB.md, "The event stream"): aynid's events
 * to browsers and phones as Server-Sent Events, each stream as its own device.  Who sees
 * what is aynid's to say (events.since, docs/PROTOCOL.md 6.21), never this module's. */
#ifndef AYNI_WEB_EVENTS_H
#define AYNI_WEB_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

#include "proto.h"

/* At most this many streams at once by default (--streams): the next is refused, 503. */
#define WEB_STREAMS_MAX 64
/* A comment line on every stream this often, and the device checked again. */
#define WEB_KEEPALIVE_S 15
/* How long a ticket (web_ticket_make) opens a stream for. */
#define WEB_TICKET_S 60

typedef struct web_events web_events_t;

/* Start the pump: a thread with its own client of aynid's request socket at api and a
 * subscriber of its event socket at events, with curve (NULL: an aynid run --insecure),
 * for at most max streams at once.
 * NULL, with the reason in err, if a socket cannot be made. */
web_events_t *web_events_new(const char *api, const char *events, const struct proto_curve *curve,
                             unsigned max, char *err, size_t errlen);
/* End every stream (each sends what it has, then ends) and stop the pump.  Call before
 * MHD_stop_daemon: libmicrohttpd must have no connection suspended then. */
void web_events_stop(web_events_t *ev);
/* Free what is left; after MHD_stop_daemon.  Idempotent. */
void web_events_destroy(web_events_t **self_p);

/* What a new stream is: the device it reads as (its secret is kept, in this module only,
 * for as long as the stream is open, and zeroed then), the language of its messages (NULL:
 * the gateway's), a prefix of event types (NULL or "": all), the seq after which it starts
 * and the head aynid gave when the device was checked. */
struct web_stream_req {
    const char *device, *secret, *lang, *topic;
    long long since, head;
};
/* A response for connection c that streams q, replaying from q->since; NULL when the
 * most streams are open or the gateway is stopping (answer 503).  The caller queues it
 * and destroys its reference, as for any response. */
struct MHD_Response *web_events_open(web_events_t *ev, struct MHD_Connection *c,
                                     const struct web_stream_req *q);

/* A ticket for EventSource, which cannot send an Authorization header: the device and its
 * secret sealed with a key of this process, good until now + WEB_TICKET_S (a new string,
 * URL-safe). */
char *web_ticket_make(web_events_t *ev, const char *device, const char *secret, time_t now);
/* The device and secret of a ticket that this process made and that has not expired, into
 * device (101 bytes) and secret (201 bytes); false for any other string. */
bool web_ticket_open(web_events_t *ev, const char *ticket, time_t now, char device[101],
                     char secret[201]);

#endif
