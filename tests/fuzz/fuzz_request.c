/* fuzz_request.c: libFuzzer target for aynid's request path: proto_request_parse, the op
 * table, the argument checks and every handler in core/api_ops.c, on a core with a small
 * catalog (fuzz_core.h).
 *
 * An input is a few request frames, one per line, run in order on the same store, so
 * that one input can create a shipment, pack it and dispatch it.  A line "#scanner",
 * "#reader", "#warehouse" or "#admin" makes the following frames come from a device of
 * that role ("#" alone: an insecure core, where every client is an admin); "#group" runs
 * the following frames as one group commit, as aynid does, committed at the end.  The store is
 * made anew every S_RESET_EVERY inputs so it stays small; an input run alone (a crash
 * replayed with the fuzzer, or any input in the regression driver) has a fresh store.
 *
 * Checks: no crash or sanitizer report, and every frame gets a reply that is an object
 * with a boolean "ok" and can be encoded for the wire.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_core.h"

#ifdef FUZZ_REPLAY /* the regression driver: every input on a fresh store */
#define S_RESET_EVERY 1
#else
#define S_RESET_EVERY 10000
#endif
#define S_MAX_FRAMES 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct api s_api;
static unsigned long s_runs;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_core_open(&s_api);
    return 0;
}

/* The role a "#..." line names (NULL: insecure), and the device name for it. */
static const char *
s_role(const char *line, size_t len, const char **actor)
{
    static const char *const roles[] = {"scanner", "reader", "warehouse", "admin"};
    static const char *const actors[] = {"scanner-1", "reader-1", "warehouse-1", "admin-1"};
    for (size_t i = 0; i < 4; i++)
        if (len == 1 + strlen(roles[i]) && !memcmp(line + 1, roles[i], len - 1)) {
            *actor = actors[i];
            return roles[i];
        }
    *actor = "fuzz";
    return NULL;
}

static void
s_check_reply(json_t *reply)
{
    if (!json_is_object(reply) || !json_is_boolean(json_object_get(reply, "ok"))) {
        fprintf(stderr, "fuzz_request: a reply without a boolean 'ok'\n");
        abort();
    }
    free(proto_dump(reply));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (s_runs++ == S_RESET_EVERY) {
        fuzz_core_close(&s_api);
        fuzz_core_open(&s_api);
        s_runs = 1;
    }
    const char *p = (const char *)data, *end = p + size;
    const char *role = NULL, *actor = "fuzz";
    for (int frames = 0; p <= end && frames < S_MAX_FRAMES;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len == 6 && !memcmp(p, "#group", 6)) {
            if (!s_api.grouped && api_group_begin(&s_api) != 0)
                abort(); /* an in-memory store always begins */
        } else if (len > 0 && p[0] == '#') {
            role = s_role(p, len, &actor);
        } else if (len > 0 || size == 0) {
            struct api_outcome out;
            json_t *reply = api_handle(&s_api, p, len, actor, role, &out);
            s_check_reply(reply);
            json_decref(reply);
            frames++;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (s_api.grouped && api_group_commit(&s_api) != 0 && s_api.grouped) {
        fprintf(stderr, "fuzz_request: a failed group commit left the group open\n");
        abort();
    }
    return 0;
}
